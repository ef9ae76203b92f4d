//! `#[derive(ShadowCheck)]`: parse ([`ast`], [`attr`]), validate
//! ([`valid`]), then generate ([`expand`]).

mod ast;
mod attr;
mod expand;
mod valid;

use proc_macro2::TokenStream;

use crate::ctxt::Ctxt;

pub fn derive(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::default();
    let container = ast::Container::from_ast(&cx, input);
    if let Some(container) = &container {
        valid::check(&cx, container);
    }
    cx.check()?;
    match container {
        Some(container) => Ok(expand::expand(&container)),
        None => Ok(TokenStream::new()),
    }
}
