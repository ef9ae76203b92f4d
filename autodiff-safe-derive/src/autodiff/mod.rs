//! `#[autodiff_reverse]`, `#[autodiff_forward]` and `#[autodiff]`: parse the
//! arguments ([`args`]) and the function ([`function`]), validate them
//! together ([`valid`]), then emit the original function followed by the
//! checked derivative and its `try_` twin ([`expand`]) over one of two
//! backends ([`reference`], [`enzyme`]).
//!
//! On any error the original function is emitted untouched next to the
//! errors, so one mistake does not cascade into errors about the function.

mod args;
mod enzyme;
mod expand;
mod function;
mod reference;
mod valid;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ctxt::Ctxt;

#[derive(Clone, Copy)]
pub enum Entry {
    Reverse,
    Forward,
    ModeArgument,
}

pub fn expand(entry: Entry, args: TokenStream, item: &TokenStream) -> TokenStream {
    let Ok(function) = syn::parse2::<syn::ItemFn>(item.clone()) else {
        let error = syn::Error::new(
            proc_macro2::Span::call_site(),
            "autodiff applies to functions and inherent methods only",
        )
        .into_compile_error();
        return quote!(#error #item);
    };
    let cx = Ctxt::default();
    let generated = args::parse(&cx, entry, args).and_then(|args| {
        let function = function::Function::from_item(&cx, &function);
        let plan = valid::plan(&cx, &args, &function)?;
        // Validation errors leave the plan standing; expand only when clean.
        Some(expand::expand(&plan))
    });
    match cx.check() {
        Ok(()) => quote!(#function #generated),
        Err(errors) => {
            let errors = errors.into_compile_error();
            quote!(#errors #item)
        }
    }
}
