//! The checked derivative `d_f`, its fallible twin `try_d_f`, and the
//! signature they share with std's raw derivative.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::args::{Activity, Mode};
use super::function::{Param, Shape};
use super::valid::{Input, Plan, borrow, checked_type, slice_element};
use super::{enzyme, reference};

/// A parameter of the derivative: a primal, one of its shadows, or the seed.
pub struct DerivParam {
    pub name: syn::Ident,
    pub ty: TokenStream,
    pub is_receiver: bool,
}

/// The shadow parameter names of `input`, in order: `dx_0, dx_1` in reverse
/// mode and `bx_0, bx_1` in forward mode, as std names them.
pub fn shadow_names(plan: &Plan<'_>, input: &Input<'_>) -> Vec<syn::Ident> {
    if !input.act.activity.has_shadow() {
        return Vec::new();
    }
    let prefix = match plan.mode() {
        Mode::Reverse => "d",
        Mode::Forward => "b",
    };
    let count = if input.act.activity.is_vector() {
        1
    } else {
        plan.width()
    };
    let base = syn::ext::IdentExt::unraw(&input.param.name).to_string();
    (0..count)
        .map(|lane| format_ident!("{prefix}{base}_{lane}", span = input.param.name.span()))
        .collect()
}

/// The shadow's type: the primal's in forward mode; in reverse mode the
/// outer reference or pointer made mutable.
fn shadow_type(plan: &Plan<'_>, param: &Param) -> TokenStream {
    if plan.mode() == Mode::Forward {
        return param.ty.to_token_stream();
    }
    match &param.ty {
        syn::Type::Reference(reference) => {
            let lifetime = &reference.lifetime;
            let elem = &reference.elem;
            quote!(& #lifetime mut #elem)
        }
        syn::Type::Ptr(pointer) => {
            let elem = &pointer.elem;
            quote!(*mut #elem)
        }
        // Receivers: `&self` and `&mut self` both get `&mut Self`.
        _ if param.is_receiver => quote!(&mut Self),
        other => other.to_token_stream(),
    }
}

pub fn derivative_params(plan: &Plan<'_>) -> Vec<DerivParam> {
    let mut params = Vec::new();
    for input in &plan.inputs {
        params.push(DerivParam {
            name: input.param.name.clone(),
            ty: input.param.ty.to_token_stream(),
            is_receiver: input.param.is_receiver,
        });
        let ty = shadow_type(plan, input.param);
        for name in shadow_names(plan, input) {
            params.push(DerivParam {
                name,
                ty: ty.clone(),
                is_receiver: false,
            });
        }
    }
    if let Some((ty, act)) = &plan.ret
        && plan.mode() == Mode::Reverse
        && act.activity != Activity::Const
    {
        params.push(DerivParam {
            name: syn::Ident::new("dret", Span::call_site()),
            ty: ty.to_token_stream(),
            is_receiver: false,
        });
    }
    params
}

/// The derivative's return type, following std's rules.
pub fn return_type(plan: &Plan<'_>) -> TokenStream {
    let width = plan.width();
    match plan.mode() {
        Mode::Reverse => {
            let mut items = Vec::new();
            if let Some((ty, act)) = &plan.ret
                && act.activity != Activity::ActiveOnly
            {
                items.push(ty.to_token_stream());
            }
            for input in &plan.inputs {
                if input.act.activity == Activity::Active {
                    items.push(input.param.ty.to_token_stream());
                }
            }
            tuple_or_single(&items)
        }
        Mode::Forward => match &plan.ret {
            None => quote!(()),
            Some((ty, act)) => match act.activity {
                Activity::Const => ty.to_token_stream(),
                Activity::Dual | Activity::Dualv if width == 1 => quote!((#ty, #ty)),
                Activity::Dual | Activity::Dualv => {
                    let len = width + 1;
                    quote!([#ty; #len])
                }
                _ if width == 1 => ty.to_token_stream(),
                _ => quote!([#ty; #width]),
            },
        },
    }
}

pub fn tuple_or_single(items: &[TokenStream]) -> TokenStream {
    match items {
        [] => quote!(()),
        [single] => single.clone(),
        many => quote!((#(#many),*)),
    }
}

/// Whether `input` has shadows that the derivative checks: everything
/// shadowed but raw pointers and `unsafe(..)` opt-outs.
fn is_checked(input: &Input<'_>) -> bool {
    input.act.activity.has_shadow()
        && !input.act.unchecked
        && !matches!(input.param.shape, Shape::Pointer)
}

/// `check_argument(..)` for every shadow, in signature order.
fn checks(plan: &Plan<'_>, on_error: &TokenStream) -> TokenStream {
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
        for shadow in shadow_names(plan, input) {
            let shadow_name = shadow.to_string();
            let shadow_value = borrow(param, &shadow.to_token_stream());
            let call = if input.act.activity.is_vector() {
                let element = slice_element(&param.shape).map(ToTokens::to_token_stream);
                let width = plan.width();
                quote_spanned! {span=>
                    ::autodiff_safe::__private::check_vector_argument::<#element>(
                        #function, #argument, #shadow_name, #width, #primal, #shadow_value,
                    )
                }
            } else {
                let checked = checked_type(param);
                quote_spanned! {span=>
                    ::autodiff_safe::__private::check_argument::<#checked>(
                        #function, #argument, #shadow_name, #primal, #shadow_value,
                    )
                }
            };
            checks.extend(quote! {
                if let ::core::result::Result::Err(__error) = #call {
                    #on_error
                }
            });
        }
    }
    checks
}

fn safety_doc(plan: &Plan<'_>) -> TokenStream {
    if plan.unsafe_reasons.is_empty() {
        return TokenStream::new();
    }
    let mut doc = String::from(
        "\n# Safety\n\nThis derivative cannot check all of its shadows. The caller must ensure that:\n",
    );
    for reason in &plan.unsafe_reasons {
        doc.push_str("\n- ");
        doc.push_str(reason);
    }
    quote!(#[doc = #doc])
}

#[allow(
    clippy::too_many_lines,
    reason = "one code template reads best in one piece"
)]
pub fn expand(plan: &Plan<'_>) -> TokenStream {
    let item = plan.function.item;
    let vis = &item.vis;
    let generics = &item.sig.generics;
    let where_clause = derivative_where_clause(plan);
    let where_clause = &where_clause;
    let name = &plan.args.name;
    let try_name = format_ident!("try_{}", name);
    let primal_name = plan.function.ident();
    let params = derivative_params(plan);
    let param_decls: Vec<TokenStream> = params
        .iter()
        .map(|param| {
            if param.is_receiver {
                item.sig
                    .inputs
                    .iter()
                    .find_map(|input| match input {
                        syn::FnArg::Receiver(receiver) => Some(receiver.to_token_stream()),
                        syn::FnArg::Typed(_) => None,
                    })
                    .unwrap_or_default()
            } else {
                let (name, ty) = (&param.name, &param.ty);
                quote!(#name: #ty)
            }
        })
        .collect();
    let forwarded: Vec<&syn::Ident> = params.iter().map(|param| &param.name).collect();
    let ret = return_type(plan);
    let unsafety = (!plan.unsafe_reasons.is_empty()).then(|| quote!(unsafe));
    let safety = safety_doc(plan);
    let (backend, siblings) = if cfg!(feature = "enzyme") {
        enzyme::body(plan, &params)
    } else {
        (reference::body(plan), TokenStream::new())
    };
    let try_checks = checks(plan, &quote!(return ::core::result::Result::Err(__error);));
    let turbofish = plan.function.turbofish();
    let callee = if plan.function.has_receiver {
        quote!(Self::#try_name #turbofish)
    } else {
        quote!(#try_name #turbofish)
    };
    let try_call = quote!(#callee(#(#forwarded),*));
    let try_call = if unsafety.is_some() {
        quote! {
            // SAFETY: this function's contract is `try_`'s, which the caller upholds.
            unsafe { #try_call }
        }
    } else {
        try_call
    };
    let mode = match plan.mode() {
        Mode::Reverse => "Reverse-mode",
        Mode::Forward => "Forward-mode",
    };
    let attribute = plan.mode().std_macro();
    let activities = plan
        .args
        .activities
        .iter()
        .map(|act| {
            if act.unchecked {
                format!("unsafe({})", act.activity.name())
            } else {
                act.activity.name().to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let summary = format!(
        "{mode} derivative of `{primal_name}`, generated by `autodiff_safe::{attribute}` with \
         activities ({activities}).\n\nEvery shadow is checked against its primal before \
         anything runs; a mismatch writes nothing."
    );
    let panics = format!(
        "\n# Panics\n\nIf a shadow does not match its primal, naming the argument, the path and \
         both lengths or variants. `{try_name}` returns that error instead."
    );
    let errors = format!(
        "\n# Errors\n\nReturns the first shadow that does not match its primal, in argument \
         order, before anything is read or written; `{name}` panics with it instead."
    );
    quote! {
        #[doc = #summary]
        #[doc = #panics]
        #safety
        #[track_caller]
        #[inline]
        #[allow(clippy::too_many_arguments, clippy::type_complexity, clippy::must_use_candidate)]
        #vis #unsafety fn #name #generics (#(#param_decls),*) -> #ret #where_clause {
            match #try_call {
                ::core::result::Result::Ok(__value) => __value,
                ::core::result::Result::Err(__error) => ::autodiff_safe::__private::refuse(&__error),
            }
        }

        #[doc = #summary]
        #[doc = #errors]
        #safety
        #[allow(
            clippy::too_many_arguments,
            clippy::type_complexity,
            clippy::must_use_candidate,
            clippy::missing_errors_doc,
            clippy::missing_safety_doc,
            unused_variables,
            unused_mut,
        )]
        #vis #unsafety fn #try_name #generics (#(#param_decls),*)
            -> ::core::result::Result<#ret, ::autodiff_safe::ShadowError> #where_clause
        {
            #try_checks
            ::core::result::Result::Ok(#backend)
        }

        #siblings
    }
}

/// The primal's where clause, plus `T: ShadowCheck` (and `T: FloatTree` for
/// the reference backend) for every checked type that names a type
/// parameter, so that generic primals need no bound of their own (std's
/// don't). Concrete types get no bound here: their missing impl is reported
/// at the argument, by the check itself.
fn derivative_where_clause(plan: &Plan<'_>) -> Option<syn::WhereClause> {
    let generics = &plan.function.item.sig.generics;
    let params: Vec<String> = generics
        .type_params()
        .map(|param| param.ident.to_string())
        .collect();
    let mut where_clause = generics.where_clause.clone();
    for input in plan.inputs.iter().filter(|input| is_checked(input)) {
        let checked: syn::Type = if input.act.activity.is_vector() {
            match slice_element(&input.param.shape) {
                Some(element) => element.clone(),
                None => continue,
            }
        } else {
            match syn::parse2(checked_type(input.param)) {
                Ok(ty) => ty,
                Err(_) => continue,
            }
        };
        if mentions_any(&checked.to_token_stream(), &params) {
            let span = input.param.ty.span();
            where_clause
                .get_or_insert_with(|| syn::parse_quote!(where))
                .predicates
                .push(if cfg!(feature = "enzyme") {
                    syn::parse_quote_spanned!(span=> #checked: ::autodiff_safe::ShadowCheck)
                } else {
                    // The reference backend copies and walks the value too.
                    syn::parse_quote_spanned!(span=> #checked: ::autodiff_safe::ShadowCheck + ::autodiff_safe::FloatTree)
                });
        }
    }
    where_clause
}

fn mentions_any(tokens: &TokenStream, names: &[String]) -> bool {
    tokens.clone().into_iter().any(|tree| match tree {
        proc_macro2::TokenTree::Ident(ident) => names.iter().any(|name| ident == name),
        proc_macro2::TokenTree::Group(group) => mentions_any(&group.stream(), names),
        _ => false,
    })
}

/// The primal call's arguments for the given parameter values, for the
/// backends: `f::<T>(a, b)` or `Self::f::<T>(self, b)`.
pub fn call_primal(plan: &Plan<'_>, arguments: &[TokenStream]) -> TokenStream {
    let primal = plan.function.ident();
    let turbofish = plan.function.turbofish();
    if plan.function.has_receiver {
        quote!(Self::#primal #turbofish (#(#arguments),*))
    } else {
        quote!(#primal #turbofish (#(#arguments),*))
    }
}
