//! `#[derive(ShadowCheck)]` and `#[derive(FloatTree)]`: parse ([`ast`],
//! [`attr`]), validate ([`valid`]), then generate ([`expand`]).

mod ast;
mod attr;
mod expand;
mod valid;

use proc_macro2::TokenStream;

use crate::ctxt::Ctxt;

/// Which derive runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Derive {
    /// `unsafe impl ShadowCheck` and `impl FloatTree`.
    ShadowCheck,
    /// `impl FloatTree` alone, next to a hand-written `ShadowCheck`.
    FloatTree,
}

pub fn derive(input: &syn::DeriveInput, derive: Derive) -> syn::Result<TokenStream> {
    let cx = Ctxt::default();
    let container = ast::Container::from_ast(&cx, input, derive);
    if let Some(container) = &container {
        valid::check(&cx, container);
    }
    cx.check()?;
    match container {
        Some(container) => Ok(expand::expand(&container, derive)),
        None => Ok(TokenStream::new()),
    }
}
