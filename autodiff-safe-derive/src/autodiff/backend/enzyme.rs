//! The Enzyme backend's body: std's own `#[autodiff_*]` on a primal that
//! forwards to the user's function, under a name no user code can reach.
//!
//! For a free function the primal and std's raw derivative are items nested
//! in `try_d_f`'s body, so they cannot be named from anywhere else. A method
//! cannot be nested (a nested `fn` cannot name `Self`), so its primal is a
//! `#[doc(hidden)]` sibling in the same impl or trait, where code in the same
//! module (for an inherent impl) or every user of the trait (for a provided
//! trait method) could name std's raw derivative. So a method's hidden primal
//! takes one more `Const` argument first, a `&__private::Unchecked` that only
//! the `unsafe fn __private::unchecked()` hands out: calling the raw
//! derivative without the checks needs `unsafe`, and states its contract.
//!
//! Forward-mode `Dual` arguments passed by value (other than float scalars)
//! reach the hidden primal boxed. This Enzyme pairs primals and tangents
//! wrongly for by-value arguments that rustc passes as two scalars (a struct
//! or tuple of two floats): raw `std::autodiff` returns `(0.0, tangent)` for
//! them. Behind a `Box` the argument is a pointer and its derivative is
//! right; the primal is called with the value moved out of the box.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Body;
use crate::autodiff::args::{Activity, Mode};
use crate::autodiff::function::Passing;
use crate::autodiff::plan::{Input, Plan};
use crate::types;

/// The receiver's stand-in in a hidden primal that takes it boxed.
const BOXED_SELF: &str = "__autodiff_safe_self";

/// Whether `input` reaches the hidden primal boxed (see the module docs).
fn is_boxed(plan: &Plan<'_>, input: &Input<'_>) -> bool {
    plan.mode() == Mode::Forward
        && matches!(input.act.activity, Activity::Dual | Activity::DualOnly)
        && matches!(input.param.passing, Passing::Value)
        && !types::is_float(&input.param.ty)
}

pub fn body(plan: &Plan<'_>) -> Body {
    let params = plan.derivative_params();
    let generics = &plan.function.sig.generics;
    let where_clause = &generics.where_clause;
    let name = &plan.args.name;
    let std_macro = format_ident!("{}", plan.mode().std_macro());
    let width = plan.args.width_tokens.as_ref().map(|width| quote!(#width,));
    let mut activities: Vec<TokenStream> = plan
        .args
        .activities
        .iter()
        .map(|act| {
            let activity = format_ident!("{}", act.activity.name(), span = act.span);
            quote!(#activity)
        })
        .collect();
    let boxed: Vec<syn::Ident> = plan
        .inputs
        .iter()
        .filter(|input| is_boxed(plan, input))
        .flat_map(|input| std::iter::once(input.param.name.clone()).chain(plan.shadow_names(input)))
        .collect();
    let mut primal_params = primal_params(plan);
    let forwarded = forwarded(plan);
    let has_receiver = plan.function.has_receiver;
    let output = &plan.function.sig.output;
    let call = plan.call_primal(&forwarded);
    let mut arguments: Vec<TokenStream> = params
        .iter()
        .map(|param| {
            let name = &param.name;
            if boxed.contains(name) {
                quote!(::std::boxed::Box::new(#name))
            } else {
                quote!(#name)
            }
        })
        .collect();
    if has_receiver {
        insert_token(plan, &mut activities, &mut primal_params, &mut arguments);
    }
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
        #[allow(
            clippy::too_many_arguments,
            clippy::needless_pass_by_value,
            clippy::boxed_local,
            non_snake_case
        )]
        fn #primal #generics (#(#primal_params),*) #output #where_clause {
            #call
        }
    };
    let raw_call = plan.function.call(&raw, &arguments);
    let raw_call = if plan.raw_is_unsafe() || has_receiver {
        quote! {
            // SAFETY: every checkable shadow was checked above, which is the
            // contract of `__private::unchecked`; std marks derivatives with
            // `*Only` inputs `unsafe`, and this function is then `unsafe` for
            // the same reason and forwards its caller's guarantee.
            unsafe { #raw_call }
        }
    } else {
        raw_call
    };
    if plan.function.has_receiver {
        Body {
            expr: raw_call,
            siblings: quote! {
                #[doc(hidden)]
                #primal_item
            },
        }
    } else {
        Body {
            expr: quote! {{
                #primal_item
                #raw_call
            }},
            siblings: TokenStream::new(),
        }
    }
}

/// Adds the `&Unchecked` argument of a method's hidden primal (see the
/// module docs) to its activities, its parameters and the raw call.
fn insert_token(
    plan: &Plan<'_>,
    activities: &mut Vec<TokenStream>,
    primal_params: &mut Vec<TokenStream>,
    arguments: &mut Vec<TokenStream>,
) {
    let token = syn::Ident::new("__autodiff_safe_unchecked", proc_macro2::Span::mixed_site());
    // After the receiver, which std requires first.
    activities.insert(1, quote!(Const));
    primal_params.insert(
        1,
        quote!(#token: &'static ::autodiff_safe::__private::Unchecked),
    );
    // After the receiver and its shadows, where std puts the token's
    // (absent) shadow.
    let after_receiver = 1 + plan
        .inputs
        .first()
        .map_or(0, |input| plan.shadow_names(input).len());
    arguments.insert(
        after_receiver,
        quote!(::autodiff_safe::__private::unchecked()),
    );
}

/// The hidden primal's parameters: the user's, with boxed `Dual` values.
fn primal_params(plan: &Plan<'_>) -> Vec<TokenStream> {
    plan.inputs
        .iter()
        .map(|input| {
            let param = input.param;
            if is_boxed(plan, input) {
                let ty = &param.ty;
                let name = if param.is_receiver {
                    syn::Ident::new(BOXED_SELF, proc_macro2::Span::mixed_site())
                } else {
                    param.name.clone()
                };
                quote!(#name: ::std::boxed::Box<#ty>)
            } else if param.is_receiver {
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
        })
        .collect()
}

/// The hidden primal's call of the user's function: boxed values moved out.
fn forwarded(plan: &Plan<'_>) -> Vec<TokenStream> {
    plan.inputs
        .iter()
        .map(|input| {
            let name = &input.param.name;
            match (is_boxed(plan, input), input.param.is_receiver) {
                (true, true) => {
                    let name = syn::Ident::new(BOXED_SELF, proc_macro2::Span::mixed_site());
                    quote!(*#name)
                }
                (true, false) => quote!(*#name),
                (false, _) => quote!(#name),
            }
        })
        .collect()
}
