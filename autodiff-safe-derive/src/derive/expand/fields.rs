//! Field helpers shared by the check and the tree expansions.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};

use super::super::ast::{Field, Style, Variant};

pub use crate::types::Primitive as ScalarKind;

/// Fields written as a primitive scalar get no check call at all (theirs is
/// a no-op), and the non-float ones no walk: skipping them keeps derives of
/// wide models cheap to compile.
pub fn scalar_kind(ty: &syn::Type) -> Option<ScalarKind> {
    crate::types::primitive(ty)
}

/// Fields the check compares: all but the `unsafe(skip)` ones.
pub fn checked_fields<'v, 'a>(fields: &'v [Field<'a>]) -> impl Iterator<Item = &'v Field<'a>> {
    fields.iter().filter(|field| field.unsafe_skip.is_none())
}

/// Fields the walks visit: checked ones that may hold floats.
pub fn walked_fields<'v, 'a>(fields: &'v [Field<'a>]) -> impl Iterator<Item = &'v Field<'a>> {
    checked_fields(fields).filter(|field| scalar_kind(field.ty) != Some(ScalarKind::Inert))
}

/// `name` or `0`: the field in a place expression.
pub fn member(field: &Field<'_>) -> TokenStream {
    if let Some(ident) = field.ident {
        quote!(#ident)
    } else {
        let index = syn::Index::from(field.index);
        quote!(#index)
    }
}

/// The field's name as its path segment says it (`r#type` is `type`).
pub fn field_name(field: &Field<'_>) -> Option<String> {
    field
        .ident
        .map(|ident| syn::ext::IdentExt::unraw(ident).to_string())
}

pub fn variant_name(variant: &Variant<'_>) -> String {
    syn::ext::IdentExt::unraw(variant.ident).to_string()
}

/// The binding of a field in a variant pattern: `__primal_0`.
pub fn binding(field: &Field<'_>, prefix: &str) -> TokenStream {
    let ident = format_ident!("{}_{}", prefix, field.index, span = Span::call_site());
    quote!(#ident)
}

/// `{ a: __p_0, b: __p_1 }`, `(__p_0, __p_1)` or nothing: every field bound.
pub fn pattern(variant: &Variant<'_>, prefix: &str) -> TokenStream {
    let bindings = variant.fields.iter().map(|field| binding(field, prefix));
    match variant.style {
        Style::Named => {
            let names = variant.fields.iter().map(|field| field.ident);
            quote!({ #(#names: #bindings),* })
        }
        Style::Tuple => quote!(( #(#bindings),* )),
        Style::Unit => quote!(),
    }
}

/// Like [`pattern`], binding only the walked fields.
pub fn walked_pattern(variant: &Variant<'_>, prefix: &str) -> TokenStream {
    match variant.style {
        Style::Named => {
            let walked = walked_fields(&variant.fields).map(|field| {
                let name = field.ident;
                let binding = binding(field, prefix);
                quote!(#name: #binding)
            });
            quote!({ #(#walked,)* .. })
        }
        Style::Tuple => {
            let slots = variant.fields.iter().map(|field| {
                if walked_fields(core::slice::from_ref(field)).next().is_some() {
                    binding(field, prefix)
                } else {
                    quote!(_)
                }
            });
            quote!(( #(#slots),* ))
        }
        Style::Unit => quote!(),
    }
}

/// `Path { a: values.. }`, `Path(values..)` or `Path`.
pub fn construct(
    path: TokenStream,
    style: Style,
    fields: &[Field<'_>],
    values: impl Iterator<Item = TokenStream>,
) -> TokenStream {
    match style {
        Style::Named => {
            let names = fields.iter().map(|field| field.ident);
            quote!(#path { #(#names: #values),* })
        }
        Style::Tuple => quote!(#path ( #(#values),* )),
        Style::Unit => path,
    }
}
