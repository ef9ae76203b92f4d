//! Where the annotated function stands, which a function attribute cannot
//! see: `#[autodiff_impl]` and `#[autodiff_trait]` tell it.
//!
//! The block attribute expands before the function attributes inside it, and
//! appends one marker attribute, `#[::autodiff_safe::__autodiff_context(..)]`,
//! as the *last* attribute of every function in the block. Each
//! `#[autodiff_*]` above it reads the marker from the item it is handed,
//! whatever the `#[autodiff_*]` was imported as, and leaves it in place for
//! the next stacked attribute; the marker, expanding last, removes itself.
//! Its argument is the block's header with an empty body (`impl<T> Tr for
//! Foo<T> where .. {}`), so every attribute sees the block's generics and
//! self type.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};

/// The marker's name, as the last path segment of the attribute.
pub const MARKER: &str = "__autodiff_context";

/// The block a function is in.
pub enum Context {
    /// Anything without a block attribute: a free or nested function, or a
    /// method with a receiver in a plain `impl`.
    Free,
    /// An inherent `impl` with `#[autodiff_impl]`.
    Inherent,
    /// A trait `impl` with `#[autodiff_impl]`.
    TraitImpl(Box<syn::ItemImpl>),
    /// A trait declaration with `#[autodiff_trait]`.
    Trait(Box<syn::ItemTrait>),
}

impl Context {
    /// The context the marker among `attrs` records, if any.
    ///
    /// # Errors
    ///
    /// A marker whose argument is not a block header (only a hand-written
    /// marker can be).
    pub fn from_attrs(attrs: &[syn::Attribute]) -> syn::Result<Self> {
        let Some(marker) = attrs.iter().find(|attr| is_marker(attr)) else {
            return Ok(Self::Free);
        };
        let header: syn::Item = marker.parse_args()?;
        match header {
            syn::Item::Impl(item) if item.trait_.is_some() => Ok(Self::TraitImpl(Box::new(item))),
            syn::Item::Impl(_) => Ok(Self::Inherent),
            syn::Item::Trait(item) => Ok(Self::Trait(Box::new(item))),
            other => Err(syn::Error::new_spanned(
                other,
                "`__autodiff_context` is written by `#[autodiff_impl]` and `#[autodiff_trait]`; \
                 do not write it by hand",
            )),
        }
    }

    /// The function is an associated item, called through `Self::`.
    pub fn is_associated(&self) -> bool {
        !matches!(self, Self::Free)
    }

    /// Statements that make the compiler confirm what the marker claims,
    /// for the derivative's body: nothing checks that a marker was written
    /// by the block attribute, and a hand-written one could name another
    /// self type (`impl Tr for Inner {}` on a method of `Outer: Deref<Target
    /// = Inner>`), whose raw derivative would then be reached through the
    /// user's `Deref` after the checks compared `Outer`s. In a trait impl,
    /// `Self` is the marker's self type (by `SameType`, which only the type
    /// itself implements, so no coercion satisfies it) and implements the
    /// marker's trait with the function; in a trait, `Self` implements the
    /// trait. Spanned on the marker's tokens.
    pub fn confirmed(&self, function: &syn::Ident, turbofish: &TokenStream) -> TokenStream {
        match self {
            Self::TraitImpl(item) => {
                let self_ty = &item.self_ty;
                let trait_path = item.trait_.as_ref().map(|(_, path, _)| path);
                let span = item.impl_token.span;
                quote_spanned! {span=>
                    ::autodiff_safe::__private_0_1::same_type::<Self, #self_ty>();
                    let _ = <Self as #trait_path>::#function #turbofish;
                }
            }
            Self::Trait(item) => {
                let trait_path = trait_path(item);
                let span = item.trait_token.span;
                quote_spanned! {span=>
                    let _ = <Self as #trait_path>::#function #turbofish;
                }
            }
            Self::Free | Self::Inherent => TokenStream::new(),
        }
    }
}

/// `Tr<T, N>`: the trait of a declaration, with its own generic parameters
/// as arguments.
pub fn trait_path(item: &syn::ItemTrait) -> TokenStream {
    let ident = &item.ident;
    let (_, ty_generics, _) = item.generics.split_for_impl();
    quote!(#ident #ty_generics)
}

/// Whether `attr` is the context marker.
pub fn is_marker(attr: &syn::Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|segment| segment.ident == MARKER)
}

/// The marker for a function inside `block_header` (the block with its
/// items removed).
pub fn marker(block_header: &impl ToTokens) -> TokenStream {
    let header = block_header.to_token_stream();
    quote!(#[::autodiff_safe::__autodiff_context(#header)])
}
