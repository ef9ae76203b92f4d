//! The reference backend's body: central finite differences through
//! `autodiff_safe::reference`, with std's semantics.

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};

use super::args::{Activity, Mode};
use super::expand::{call_primal, shadow_names, tuple_or_single};
use super::function::Shape;
use super::valid::{Input, Plan, borrow, checked_type};

const AD: &str = "::autodiff_safe::reference";

fn ad() -> TokenStream {
    AD.parse().unwrap_or_default()
}

pub fn body(plan: &Plan<'_>) -> TokenStream {
    match plan.mode() {
        Mode::Reverse => reverse(plan),
        Mode::Forward => forward(plan),
    }
}

/// How a `Const` argument is passed to each of the repeated primal calls.
fn const_argument(input: &Input<'_>) -> TokenStream {
    let name = &input.param.name;
    match input.param.shape {
        Shape::SharedRef(_) | Shape::Pointer => quote!(#name),
        Shape::MutRef(_) => quote!(&mut *#name),
        Shape::Value => quote!(::core::clone::Clone::clone(&#name)),
    }
}

fn var(prefix: &str, input: &Input<'_>) -> syn::Ident {
    let base = syn::ext::IdentExt::unraw(&input.param.name).to_string();
    format_ident!("__{}_{}", prefix, base)
}

#[allow(
    clippy::too_many_lines,
    reason = "one code template reads best in one piece"
)]
fn reverse(plan: &Plan<'_>) -> TokenStream {
    let ad = ad();
    let width = plan.width();
    let mut counts = Vec::new();
    let mut seeds = Vec::new();
    let mut eval_setup = Vec::new();
    let mut eval_args = Vec::new();
    let mut eval_loss = Vec::new();
    let mut real_args = Vec::new();
    let mut distribute = Vec::new();
    let mut gradients = Vec::new();
    let mut offset = quote!(0usize);
    for input in &plan.inputs {
        let name = &input.param.name;
        real_args.push(name.to_token_stream());
        let activity = input.act.activity;
        if activity == Activity::Const {
            eval_args.push(const_argument(input));
            continue;
        }
        let checked = checked_type(input.param);
        let count = var("n", input);
        let copy = var("p", input);
        let primal = borrow(input.param, &name.to_token_stream());
        counts.push(quote!(let #count = #ad::leaf_count::<#checked>(#primal);));
        let range = quote!(#offset..#offset + #count);
        eval_setup
            .push(quote!(let mut #copy = #ad::copy_perturbed::<#checked>(#primal, __cursor);));
        match (&input.param.shape, activity) {
            (Shape::Value, _) => {
                eval_args.push(quote!(*#copy));
                let ty = &input.param.ty;
                let gradient = var("g", input);
                distribute
                    .push(quote!(let #gradient = #ad::to_float::<#ty>(__gradient[0][#offset]);));
                gradients.push(gradient.to_token_stream());
            }
            (Shape::SharedRef(_), _) => {
                eval_args.push(quote!(&*#copy));
                for (lane, shadow) in shadow_names(plan, input).iter().enumerate() {
                    distribute.push(quote!(#ad::accumulate::<#checked>(&mut *#shadow, &__gradient[#lane][#range]);));
                }
            }
            (Shape::MutRef(_), _) => {
                eval_args.push(quote!(&mut *#copy));
                let seed = var("s", input);
                let shadows = shadow_names(plan, input);
                seeds.push(quote!(let #seed = [#(#ad::floats::<#checked>(&*#shadows)),*];));
                eval_loss.push(
                    quote!(#ad::add_seed_dot::<#checked, #width>(&mut __loss, &*#copy, &#seed);),
                );
                for (lane, shadow) in shadows.iter().enumerate() {
                    distribute.push(quote!(#ad::overwrite::<#checked>(&mut *#shadow, &__gradient[#lane][#range]);));
                }
            }
            (Shape::Pointer, _) => {}
        }
        offset = quote!(#offset + #count);
    }
    let returns_value = plan.ret.is_some();
    if let Some((ty, act)) = &plan.ret
        && act.activity != Activity::Const
    {
        eval_loss.insert(
            0,
            quote!(#ad::add_return::<#ty, #width>(&mut __loss, __ret, dret);),
        );
    }
    let eval_call = call_primal(plan, &eval_args);
    let real_call = call_primal(plan, &real_args);
    let bind_ret = if returns_value {
        quote!(let __ret = #eval_call;)
    } else {
        quote!(#eval_call;)
    };
    let mut results = Vec::new();
    if let Some((_, act)) = &plan.ret
        && act.activity != Activity::ActiveOnly
    {
        results.push(quote!(__primal));
    }
    results.extend(gradients);
    // Nothing to return: end on the last statement, not on a `()` that
    // `clippy::unused_unit` would flag in the user's crate.
    let result = if results.is_empty() {
        TokenStream::new()
    } else {
        tuple_or_single(&results)
    };
    let bind_primal = if returns_value {
        quote!(let __primal = #real_call;)
    } else {
        quote!(#real_call;)
    };
    quote! {{
        #(#counts)*
        #(#seeds)*
        let __gradient = #ad::gradient::<#width>(#offset, |__cursor| {
            #(#eval_setup)*
            #bind_ret
            let mut __loss = [0.0f64; #width];
            #(#eval_loss)*
            __loss
        });
        #bind_primal
        #(#distribute)*
        #result
    }}
}

#[allow(
    clippy::too_many_lines,
    reason = "one code template reads best in one piece"
)]
fn forward(plan: &Plan<'_>) -> TokenStream {
    let ad = ad();
    let width = plan.width();
    let mut tangents = Vec::new();
    let mut scale = Vec::new();
    let mut eval_setup = Vec::new();
    let mut eval_args = Vec::new();
    let mut eval_outputs = Vec::new();
    let mut real_args = Vec::new();
    let mut counts = Vec::new();
    let mut distribute = Vec::new();
    let ret_is_dual = plan
        .ret
        .as_ref()
        .is_some_and(|(_, act)| act.activity != Activity::Const);
    let mut offset = if ret_is_dual {
        quote!(1usize)
    } else {
        quote!(0usize)
    };
    for input in &plan.inputs {
        let name = &input.param.name;
        real_args.push(name.to_token_stream());
        let activity = input.act.activity;
        if activity == Activity::Const {
            eval_args.push(const_argument(input));
            continue;
        }
        let checked = checked_type(input.param);
        let primal = borrow(input.param, &name.to_token_stream());
        let tangent = var("t", input);
        let copy = var("p", input);
        let shadows = shadow_names(plan, input);
        if activity.is_vector() {
            let shadow = &shadows[0];
            tangents.push(quote!(let #tangent: [_; #width] = #ad::vector_lanes::<#checked, #width>(&*#shadow);));
        } else {
            let shadow_values = shadows
                .iter()
                .map(|shadow| borrow(input.param, &shadow.to_token_stream()));
            tangents.push(quote!(let #tangent = [#(#ad::floats::<#checked>(#shadow_values)),*];));
        }
        scale.push(quote!(__scale.include::<#checked>(#primal, &#tangent[__lane]);));
        eval_setup.push(quote!(let mut #copy = #ad::copy_along::<#checked>(#primal, &#tangent[__lane], __direction);));
        match &input.param.shape {
            Shape::Value => eval_args.push(quote!(*#copy)),
            Shape::SharedRef(_) | Shape::Pointer => eval_args.push(quote!(&*#copy)),
            Shape::MutRef(_) => {
                eval_args.push(quote!(&mut *#copy));
                eval_outputs.push(quote!(::core::iter::Extend::extend(&mut __outputs, #ad::floats::<#checked>(&*#copy));));
                let count = var("n", input);
                counts.push(quote!(let #count = #ad::leaf_count::<#checked>(#primal);));
                let range = quote!(#offset..#offset + #count);
                if activity.is_vector() {
                    let shadow = &shadows[0];
                    distribute.push(quote! {
                        // Trait methods by path: the user's module may have no prelude.
                        let __lanes: ::std::vec::Vec<::core::primitive::f64> =
                            ::core::iter::Iterator::collect(::core::iter::Iterator::flat_map(
                                __tangents.iter(),
                                |__lane| ::core::iter::Iterator::copied(__lane[#range].iter()),
                            ));
                        #ad::overwrite::<#checked>(&mut *#shadow, &__lanes);
                    });
                } else {
                    for (lane, shadow) in shadows.iter().enumerate() {
                        distribute.push(quote!(#ad::overwrite::<#checked>(&mut *#shadow, &__tangents[#lane][#range]);));
                    }
                }
                offset = quote!(#offset + #count);
            }
        }
    }
    let eval_call = call_primal(plan, &eval_args);
    let real_call = call_primal(plan, &real_args);
    let (eval_ret, ret_output) = match &plan.ret {
        Some((ty, _)) if ret_is_dual => (
            quote!(let __ret = #eval_call;),
            quote!(__outputs.push(<#ty as #ad::Float>::to_f64(__ret));),
        ),
        Some(_) => (quote!(let _ = #eval_call;), TokenStream::new()),
        None => (quote!(#eval_call;), TokenStream::new()),
    };
    let (bind_primal, result) = match &plan.ret {
        None => (quote!(#real_call;), TokenStream::new()),
        Some((ty, act)) => {
            let tangent = |lane: usize| quote!(#ad::to_float::<#ty>(__tangents[#lane][0]));
            let lane_tangents: Vec<TokenStream> = (0..width).map(tangent).collect();
            let result = match act.activity {
                Activity::Const => quote!(__primal),
                Activity::Dual | Activity::Dualv if width == 1 => {
                    quote!((__primal, #(#lane_tangents),*))
                }
                Activity::Dual | Activity::Dualv => quote!([__primal, #(#lane_tangents),*]),
                _ if width == 1 => quote!(#(#lane_tangents),*),
                _ => quote!([#(#lane_tangents),*]),
            };
            (quote!(let __primal = #real_call;), result)
        }
    };
    quote! {{
        #(#tangents)*
        #(#counts)*
        let mut __tangents: ::std::vec::Vec<::std::vec::Vec<::core::primitive::f64>> =
            ::std::vec::Vec::with_capacity(#width);
        for __lane in 0..#width {
            let mut __scale = <#ad::Scale as ::core::default::Default>::default();
            #(#scale)*
            __tangents.push(#ad::directional(&__scale, |__direction| {
                let mut __outputs: ::std::vec::Vec<::core::primitive::f64> = ::std::vec::Vec::new();
                #(#eval_setup)*
                #eval_ret
                #ret_output
                #(#eval_outputs)*
                __outputs
            }));
        }
        #bind_primal
        #(#distribute)*
        #result
    }}
}
