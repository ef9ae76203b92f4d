//! The reference backend's body: central finite differences through
//! `autodiff_safe::reference`, with std's semantics.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};

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
        // Every call starts from the caller's value, so that state the
        // function writes does not drift across the calls; the caller's own
        // argument is left for the one call that produces the results.
        Shape::MutRef(_) => {
            let checked = checked_type(input.param);
            let ad = ad();
            let span = syn::spanned::Spanned::span(&input.param.tokens);
            quote_spanned!(span=> &mut *#ad::Snapshot::snapshot(&*#name as &#checked))
        }
        Shape::Value => quote!(::core::clone::Clone::clone(&#name)),
    }
}

fn var(prefix: &str, input: &Input<'_>) -> syn::Ident {
    let base = syn::ext::IdentExt::unraw(&input.param.name).to_string();
    local(&format!("__{prefix}_{base}"))
}

/// A macro-internal local: `mixed_site` hygiene keeps it apart from the
/// user's parameters, whatever they are named.
fn local(name: &str) -> syn::Ident {
    syn::Ident::new(name, proc_macro2::Span::mixed_site())
}

/// The locals the body templates share.
struct Locals {
    cursor: syn::Ident,
    direction: syn::Ident,
    gradient: syn::Ident,
    lanes: syn::Ident,
    lane: syn::Ident,
    loss: syn::Ident,
    outputs: syn::Ident,
    primal: syn::Ident,
    ret: syn::Ident,
    scale: syn::Ident,
    tangents: syn::Ident,
}

impl Locals {
    fn new() -> Self {
        Self {
            cursor: local("__cursor"),
            direction: local("__direction"),
            gradient: local("__gradient"),
            lanes: local("__lanes"),
            lane: local("__lane"),
            loss: local("__loss"),
            outputs: local("__outputs"),
            primal: local("__primal"),
            ret: local("__ret"),
            scale: local("__scale"),
            tangents: local("__tangents"),
        }
    }
}

#[allow(
    clippy::too_many_lines,
    reason = "one code template reads best in one piece"
)]
fn reverse(plan: &Plan<'_>) -> TokenStream {
    let ad = ad();
    let Locals {
        cursor: l_cursor,
        gradient: l_gradient,
        loss: l_loss,
        primal: l_primal,
        ret: l_ret,
        ..
    } = Locals::new();

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
            .push(quote!(let mut #copy = #ad::copy_perturbed::<#checked>(#primal, #l_cursor);));
        match (&input.param.shape, activity) {
            (Shape::Value, _) => {
                eval_args.push(quote!(*#copy));
                let ty = &input.param.ty;
                let gradient = var("g", input);
                distribute
                    .push(quote!(let #gradient = #ad::to_float::<#ty>(#l_gradient[0][#offset]);));
                gradients.push(gradient.to_token_stream());
            }
            (Shape::SharedRef(_), _) => {
                eval_args.push(quote!(&*#copy));
                for (lane, shadow) in shadow_names(plan, input).iter().enumerate() {
                    distribute.push(quote!(#ad::accumulate::<#checked>(&mut *#shadow, &#l_gradient[#lane][#range]);));
                }
            }
            (Shape::MutRef(_), _) => {
                eval_args.push(quote!(&mut *#copy));
                let seed = var("s", input);
                let shadows = shadow_names(plan, input);
                seeds.push(quote!(let #seed = [#(#ad::floats::<#checked>(&*#shadows)),*];));
                eval_loss.push(
                    quote!(#ad::add_seed_dot::<#checked, #width>(&mut #l_loss, &*#copy, &#seed);),
                );
                for (lane, shadow) in shadows.iter().enumerate() {
                    distribute.push(quote!(#ad::overwrite::<#checked>(&mut *#shadow, &#l_gradient[#lane][#range]);));
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
            quote!(#ad::add_return::<#ty, #width>(&mut #l_loss, #l_ret, dret);),
        );
    }
    let eval_call = call_primal(plan, &eval_args);
    let real_call = call_primal(plan, &real_args);
    let bind_ret = if returns_value {
        quote!(let #l_ret = #eval_call;)
    } else {
        quote!(#eval_call;)
    };
    let mut results = Vec::new();
    if let Some((_, act)) = &plan.ret
        && act.activity != Activity::ActiveOnly
    {
        results.push(quote!(#l_primal));
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
        quote!(let #l_primal = #real_call;)
    } else {
        quote!(#real_call;)
    };
    quote! {{
        #(#counts)*
        #(#seeds)*
        let #l_gradient = #ad::gradient::<#width>(#offset, |#l_cursor| {
            #(#eval_setup)*
            #bind_ret
            let mut #l_loss = [0.0f64; #width];
            #(#eval_loss)*
            #l_loss
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
    let Locals {
        direction: l_direction,
        lanes: l_lanes,
        lane: l_lane,
        outputs: l_outputs,
        primal: l_primal,
        ret: l_ret,
        scale: l_scale,
        tangents: l_tangents,
        ..
    } = Locals::new();

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
        scale.push(quote!(#l_scale.include::<#checked>(#primal, &#tangent[#l_lane]);));
        eval_setup.push(quote!(let mut #copy = #ad::copy_along::<#checked>(#primal, &#tangent[#l_lane], #l_direction);));
        match &input.param.shape {
            Shape::Value => eval_args.push(quote!(*#copy)),
            Shape::SharedRef(_) | Shape::Pointer => eval_args.push(quote!(&*#copy)),
            Shape::MutRef(_) => {
                eval_args.push(quote!(&mut *#copy));
                eval_outputs.push(quote!(::core::iter::Extend::extend(&mut #l_outputs, #ad::floats::<#checked>(&*#copy));));
                let count = var("n", input);
                counts.push(quote!(let #count = #ad::leaf_count::<#checked>(#primal);));
                let range = quote!(#offset..#offset + #count);
                if activity.is_vector() {
                    let shadow = &shadows[0];
                    distribute.push(quote! {
                        // Trait methods by path: the user's module may have no prelude.
                        let #l_lanes: ::std::vec::Vec<::core::primitive::f64> =
                            ::core::iter::Iterator::collect(::core::iter::Iterator::flat_map(
                                #l_tangents.iter(),
                                |#l_lane| ::core::iter::Iterator::copied(#l_lane[#range].iter()),
                            ));
                        #ad::overwrite::<#checked>(&mut *#shadow, &#l_lanes);
                    });
                } else {
                    for (lane, shadow) in shadows.iter().enumerate() {
                        distribute.push(quote!(#ad::overwrite::<#checked>(&mut *#shadow, &#l_tangents[#lane][#range]);));
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
            quote!(let #l_ret = #eval_call;),
            quote!(#l_outputs.push(<#ty as #ad::Float>::to_f64(#l_ret));),
        ),
        Some(_) => (quote!(let _ = #eval_call;), TokenStream::new()),
        None => (quote!(#eval_call;), TokenStream::new()),
    };
    let (bind_primal, result) = match &plan.ret {
        None => (quote!(#real_call;), TokenStream::new()),
        Some((ty, act)) => {
            let tangent = |lane: usize| quote!(#ad::to_float::<#ty>(#l_tangents[#lane][0]));
            let lane_tangents: Vec<TokenStream> = (0..width).map(tangent).collect();
            let result = match act.activity {
                Activity::Const => quote!(#l_primal),
                Activity::Dual | Activity::Dualv if width == 1 => {
                    quote!((#l_primal, #(#lane_tangents),*))
                }
                Activity::Dual | Activity::Dualv => quote!([#l_primal, #(#lane_tangents),*]),
                _ if width == 1 => quote!(#(#lane_tangents),*),
                _ => quote!([#(#lane_tangents),*]),
            };
            (quote!(let #l_primal = #real_call;), result)
        }
    };
    quote! {{
        #(#tangents)*
        #(#counts)*
        let mut #l_tangents: ::std::vec::Vec<::std::vec::Vec<::core::primitive::f64>> =
            ::std::vec::Vec::with_capacity(#width);
        for #l_lane in 0..#width {
            let mut #l_scale = <#ad::Scale as ::core::default::Default>::default();
            #(#scale)*
            #l_tangents.push(#ad::directional(&#l_scale, |#l_direction| {
                let mut #l_outputs: ::std::vec::Vec<::core::primitive::f64> = ::std::vec::Vec::new();
                #(#eval_setup)*
                #eval_ret
                #ret_output
                #(#eval_outputs)*
                #l_outputs
            }));
        }
        #bind_primal
        #(#distribute)*
        #result
    }}
}
