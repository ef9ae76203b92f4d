//! `#[autodiff_impl]` and `#[autodiff_trait]`: tell every function attribute
//! inside a block where it stands (see [`super::context`]), and refuse what
//! the block alone can tell is wrong.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::context;
use crate::ctxt::Ctxt;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum BlockEntry {
    Impl,
    Trait,
}

impl BlockEntry {
    fn attribute(self) -> &'static str {
        match self {
            Self::Impl => "autodiff_impl",
            Self::Trait => "autodiff_trait",
        }
    }
}

pub fn expand(entry: BlockEntry, args: &TokenStream, item: &TokenStream) -> TokenStream {
    let cx = Ctxt::default();
    if !args.is_empty() {
        cx.error_spanned_by(
            args,
            format!("`#[{}]` takes no arguments", entry.attribute()),
        );
    }
    // The other block attribute's block is still marked for what it is, so
    // that its functions do not add errors of their own.
    let expanded = match syn::parse2::<syn::Item>(item.clone()) {
        Ok(syn::Item::Impl(block)) => {
            if entry != BlockEntry::Impl {
                misplaced(&cx, entry, &syn::Item::Impl(block.clone()));
            }
            Some(mark_impl(&cx, block))
        }
        Ok(syn::Item::Trait(block)) => {
            if entry != BlockEntry::Trait {
                misplaced(&cx, entry, &syn::Item::Trait(block.clone()));
            }
            Some(mark_trait(&cx, block))
        }
        Ok(other) => {
            misplaced(&cx, entry, &other);
            None
        }
        Err(error) => {
            cx.syn_error(error);
            None
        }
    };
    let item = expanded.unwrap_or_else(|| item.clone());
    match cx.check() {
        Ok(()) => item,
        Err(errors) => {
            let errors = errors.into_compile_error();
            quote!(#errors #item)
        }
    }
}

fn mark_impl(cx: &Ctxt, mut block: syn::ItemImpl) -> TokenStream {
    let mut header = block.clone();
    header.attrs.clear();
    header.items.clear();
    let marker = marker_attribute(&header);
    let is_trait_impl = block.trait_.is_some();
    let mut functions = Vec::new();
    for item in &mut block.items {
        if let syn::ImplItem::Fn(function) = item {
            functions.push((function.sig.ident.clone(), attribute_names(&function.attrs)));
            function.attrs.extend(marker.clone());
        }
    }
    refuse_clashes(cx, &functions, !is_trait_impl);
    block.into_token_stream()
}

fn mark_trait(cx: &Ctxt, mut block: syn::ItemTrait) -> TokenStream {
    let mut header = block.clone();
    header.attrs.clear();
    header.items.clear();
    let marker = marker_attribute(&header);
    let mut functions = Vec::new();
    for item in &mut block.items {
        if let syn::TraitItem::Fn(function) = item {
            functions.push((function.sig.ident.clone(), attribute_names(&function.attrs)));
            function.attrs.extend(marker.clone());
        }
    }
    refuse_clashes(cx, &functions, true);
    block.into_token_stream()
}

fn marker_attribute(header: &impl ToTokens) -> Vec<syn::Attribute> {
    let marker = context::marker(header);
    syn::parse::Parser::parse2(syn::Attribute::parse_outer, marker).unwrap_or_default()
}

/// The derivative names of the `#[autodiff_*]` attributes on a function that
/// are spelled with their own names (a renamed import is not recognised
/// here; rustc then reports the clash itself).
fn attribute_names(attrs: &[syn::Attribute]) -> Vec<syn::Ident> {
    attrs
        .iter()
        .filter(|attr| {
            attr.path().segments.last().is_some_and(|segment| {
                ["autodiff_reverse", "autodiff_forward", "autodiff"]
                    .iter()
                    .any(|name| segment.ident == name)
            })
        })
        .filter_map(|attr| {
            let syn::Meta::List(list) = &attr.meta else {
                return None;
            };
            let mut tokens = list.tokens.clone().into_iter();
            match tokens.next() {
                Some(proc_macro2::TokenTree::Ident(name)) => Some(name),
                _ => None,
            }
        })
        .collect()
}

/// A generated `d_f` or `try_d_f` whose name another function of the block
/// already has, spanned on that function's name.
fn refuse_clashes(cx: &Ctxt, functions: &[(syn::Ident, Vec<syn::Ident>)], with_try: bool) {
    let mut generated: HashMap<String, &syn::Ident> = HashMap::new();
    for (primal, derivatives) in functions {
        for derivative in derivatives {
            generated.insert(derivative.to_string(), primal);
            if with_try {
                generated.insert(format!("try_{derivative}"), primal);
            }
        }
    }
    for (name, _) in functions {
        if let Some(primal) = generated.get(&name.to_string()) {
            cx.error_spanned_by(
                name,
                format!(
                    "`{name}` is also generated by the `#[autodiff_*]` attribute on `{primal}`; \
                     rename this function or the derivative"
                ),
            );
        }
    }
}

/// The block attribute on anything but its block.
fn misplaced(cx: &Ctxt, entry: BlockEntry, item: &syn::Item) {
    let (what, fix) = match (entry, item) {
        (BlockEntry::Impl, syn::Item::Trait(block)) => (
            block.trait_token.to_token_stream(),
            "a trait declaration takes `#[autodiff_safe::autodiff_trait]`",
        ),
        (BlockEntry::Trait, syn::Item::Impl(block)) => (
            block.impl_token.to_token_stream(),
            "an `impl` block takes `#[autodiff_safe::autodiff_impl]`",
        ),
        (BlockEntry::Impl, other) => (
            head(other),
            "put it on the `impl` block whose functions carry `#[autodiff_*]`",
        ),
        (BlockEntry::Trait, other) => (
            head(other),
            "put it on the trait whose functions carry `#[autodiff_*]`",
        ),
    };
    let target = match entry {
        BlockEntry::Impl => "an `impl` block",
        BlockEntry::Trait => "a trait declaration",
    };
    cx.error_spanned_by(
        what,
        format!("`#[{}]` applies to {target}; {fix}", entry.attribute()),
    );
}

/// The tokens an error about `item` points at: its keyword and name.
fn head(item: &syn::Item) -> TokenStream {
    match item {
        syn::Item::Fn(function) => {
            let (fn_token, ident) = (&function.sig.fn_token, &function.sig.ident);
            quote!(#fn_token #ident)
        }
        syn::Item::Struct(item) => {
            let (keyword, ident) = (&item.struct_token, &item.ident);
            quote!(#keyword #ident)
        }
        syn::Item::Enum(item) => {
            let (keyword, ident) = (&item.enum_token, &item.ident);
            quote!(#keyword #ident)
        }
        syn::Item::Mod(item) => {
            let (keyword, ident) = (&item.mod_token, &item.ident);
            quote!(#keyword #ident)
        }
        other => other.to_token_stream(),
    }
}

/// `#[__autodiff_context(..)]` on its own: the block's marker, expanding
/// after every `#[autodiff_*]` above it, leaves the function as it is.
pub fn context_marker(item: TokenStream) -> TokenStream {
    item
}
