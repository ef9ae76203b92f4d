//! The shadow checks every generated function starts with: one
//! `check_argument` call per shadow, in signature order, spanned on the
//! argument so that a missing `ShadowCheck` impl is reported there.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;

use super::plan::{Plan, borrow, checked_type, is_checked, slice_element};

/// What a failed check does.
pub enum OnError {
    /// `return Err(error)`, in `try_d_f`.
    Return,
    /// Panics with it, in a trait impl's `d_f`, which has no `try_` twin.
    Panic,
}

/// `check_argument(..)` for every shadow, in signature order, ending the
/// function at the first error (bound to `error`).
pub fn checks(plan: &Plan<'_>, error: &syn::Ident, on_error: &OnError) -> TokenStream {
    let on_error = match on_error {
        OnError::Return => quote!(return ::core::result::Result::Err(#error);),
        OnError::Panic => quote!(::autodiff_safe::__private_0_1::refuse(&#error)),
    };
    let function = plan.args.name.to_string();
    let mut checks = TokenStream::new();
    for input in &plan.inputs {
        if !is_checked(input) {
            continue;
        }
        let param = input.param;
        let name = &param.name;
        let argument = syn::ext::IdentExt::unraw(name).to_string();
        let span = if param.is_receiver {
            param.tokens.span()
        } else {
            param.ty.span()
        };
        let primal = borrow(param, &name.to_token_stream());
        for shadow in plan.shadow_names(input) {
            let shadow_name = shadow.to_string();
            let shadow_value = borrow(param, &shadow.to_token_stream());
            let call = if input.act.activity.is_vector() {
                let element = slice_element(&param.passing).map(ToTokens::to_token_stream);
                let width = plan.width();
                quote_spanned! {span=>
                    ::autodiff_safe::__private_0_1::check_vector_argument::<#element>(
                        #function, #argument, #shadow_name, #width, #primal, #shadow_value,
                    )
                }
            } else {
                let checked = checked_type(param);
                quote_spanned! {span=>
                    ::autodiff_safe::__private_0_1::check_argument::<#checked>(
                        #function, #argument, #shadow_name, #primal, #shadow_value,
                    )
                }
            };
            checks.extend(quote! {
                if let ::core::result::Result::Err(#error) = #call {
                    #on_error
                }
            });
        }
    }
    checks
}
