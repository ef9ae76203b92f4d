//! The Enzyme backend's body: std's own `#[autodiff_*]` on a primal that
//! forwards to the user's function, under a name no user code can reach.
//!
//! For a free function the primal and std's raw derivative are items nested
//! in `try_d_f`'s body, so they cannot be named from anywhere else. A method
//! cannot be nested (a nested `fn` cannot name `Self`), so its primal is a
//! `#[doc(hidden)]` private sibling in the same impl.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::expand::{DerivParam, call_primal};
use super::valid::Plan;

pub fn body(plan: &Plan<'_>, params: &[DerivParam]) -> (TokenStream, TokenStream) {
    let item = plan.function.item;
    let generics = &item.sig.generics;
    let where_clause = &generics.where_clause;
    let name = &plan.args.name;
    let std_macro = format_ident!("{}", plan.mode().std_macro());
    let width = plan.args.width_tokens.as_ref().map(|width| quote!(#width,));
    let activities = plan.args.activities.iter().map(|act| {
        let activity = format_ident!("{}", act.activity.name(), span = act.span);
        quote!(#activity)
    });
    let primal_params = plan.inputs.iter().map(|input| {
        let param = input.param;
        if param.is_receiver {
            let ty = &param.ty;
            match ty {
                syn::Type::Reference(reference) if reference.mutability.is_some() => {
                    quote!(&mut self)
                }
                syn::Type::Reference(_) => quote!(&self),
                _ => quote!(self),
            }
        } else {
            let (name, ty) = (&param.name, &param.ty);
            quote!(#name: #ty)
        }
    });
    let forwarded: Vec<TokenStream> = plan
        .inputs
        .iter()
        .map(|input| {
            let name = &input.param.name;
            quote!(#name)
        })
        .collect();
    let output = &item.sig.output;
    let call = call_primal(plan, &forwarded);
    let turbofish = plan.function.turbofish();
    let arguments = params.iter().map(|param| &param.name);
    let (primal, raw) = if plan.function.has_receiver {
        (
            format_ident!("__autodiff_safe_primal_{}", name),
            format_ident!("__autodiff_safe_raw_{}", name),
        )
    } else {
        (
            format_ident!("__autodiff_safe_primal"),
            format_ident!("__autodiff_safe_raw"),
        )
    };
    let primal_item = quote! {
        #[::std::autodiff::#std_macro(#raw, #width #(#activities),*)]
        #[allow(clippy::too_many_arguments, clippy::needless_pass_by_value, non_snake_case)]
        fn #primal #generics (#(#primal_params),*) #output #where_clause {
            #call
        }
    };
    let raw_call = if plan.function.has_receiver {
        quote!(Self::#raw #turbofish (#(#arguments),*))
    } else {
        quote!(#raw #turbofish (#(#arguments),*))
    };
    let raw_call = if plan.raw_is_unsafe() {
        quote! {
            // SAFETY: std marks derivatives with `*Only` inputs `unsafe`; this
            // function is `unsafe` for the same reason and forwards its
            // caller's guarantee. Every checkable shadow was checked above.
            unsafe { #raw_call }
        }
    } else {
        raw_call
    };
    if plan.function.has_receiver {
        let sibling = quote! {
            #[doc(hidden)]
            #primal_item
        };
        (raw_call, sibling)
    } else {
        (
            quote! {{
                #primal_item
                #raw_call
            }},
            TokenStream::new(),
        )
    }
}
