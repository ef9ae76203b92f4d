//! Opt-outs a lint can see. `#[shadow(unsafe(skip))]` and the `unsafe(..)`
//! activities leave a shadow unchecked, and the generated code's own
//! `unsafe` is invisible to `unsafe_code`: rustc does not report lints at
//! spans a proc macro made. So every opt-out re-emits the user's own
//! `unsafe` token, with its span, as the keyword of an `unsafe` block that
//! calls the no-op `unsafe fn __private::opted_out()`: `#![forbid(unsafe_code)]`
//! and `#![deny(unsafe_code)]` in the user's crate then report it, pointing
//! at the `unsafe` they wrote, and an audit by lint finds every opt-out.

use proc_macro2::{Delimiter, Group, Span, TokenStream};
use quote::quote;

/// `const _: () = unsafe { opted_out() };`, whose `unsafe` block (keyword
/// and braces) carries `unsafe_span`, the user's `unsafe` token. An item, so
/// that it stands anywhere a statement or an item may, whatever the
/// unsafety of the function around it.
pub fn acknowledged(unsafe_span: Span) -> TokenStream {
    let keyword = syn::Ident::new("unsafe", unsafe_span);
    let mut block = Group::new(
        Delimiter::Brace,
        quote!(::autodiff_safe::__private_0_1::opted_out()),
    );
    block.set_span(unsafe_span);
    quote! {
        // SAFETY: `opted_out` does nothing; the block marks the user's
        // `unsafe(..)` opt-out for `unsafe_code`, and the opt-out's own
        // contract is stated where it was written.
        const _: () = #keyword #block;
    }
}

/// The span of the leading `unsafe` in `tokens` (an activity as written,
/// `unsafe(Duplicated)`), if it has one.
pub fn unsafe_span(tokens: &TokenStream) -> Option<Span> {
    match tokens.clone().into_iter().next() {
        Some(proc_macro2::TokenTree::Ident(ident)) if ident == "unsafe" => Some(ident.span()),
        _ => None,
    }
}
