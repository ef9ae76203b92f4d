//! `#[derive(ShadowCheck)]` and `#[derive(FloatTree)]`: parse ([`ast`],
//! [`attr`]), validate ([`valid`]), then generate ([`expand`]).

mod ast;
mod attr;
mod expand;
mod valid;

use proc_macro2::TokenStream;

pub use ast::Derive;

use crate::ctxt::Ctxt;

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
