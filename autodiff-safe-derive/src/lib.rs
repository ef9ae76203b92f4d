//! Procedural macros of [`autodiff-safe`](https://docs.rs/autodiff-safe).
//!
//! Depend on `autodiff-safe`, not on this crate: the generated code names
//! `::autodiff_safe`, and the facade pins this crate's exact version.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod autodiff;
mod ctxt;
mod derive;

use proc_macro::TokenStream;

/// Derives `autodiff_safe::ShadowCheck`; see its documentation in the facade.
#[proc_macro_derive(ShadowCheck, attributes(shadow))]
pub fn derive_shadow_check(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    derive::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Checked `std::autodiff::autodiff_reverse`; see the facade's documentation.
#[proc_macro_attribute]
pub fn autodiff_reverse(args: TokenStream, item: TokenStream) -> TokenStream {
    autodiff::expand(autodiff::Entry::Reverse, args.into(), &item.into()).into()
}

/// Checked `std::autodiff::autodiff_forward`; see the facade's documentation.
#[proc_macro_attribute]
pub fn autodiff_forward(args: TokenStream, item: TokenStream) -> TokenStream {
    autodiff::expand(autodiff::Entry::Forward, args.into(), &item.into()).into()
}

/// `#[autodiff(NAME, Reverse | Forward, ..)]`; see the facade's documentation.
#[proc_macro_attribute]
pub fn autodiff(args: TokenStream, item: TokenStream) -> TokenStream {
    autodiff::expand(autodiff::Entry::ModeArgument, args.into(), &item.into()).into()
}
