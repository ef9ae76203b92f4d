//! Forward mode: one central difference per lane, along the tangents.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::pieces::{
    Pieces, ad, calls, const_pieces, copy_argument, forward_result, into_shadows, local, offsets,
    var,
};
use crate::autodiff::args::Activity;
use crate::autodiff::function::Passing;
use crate::autodiff::plan::{Input, Plan, borrow, checked_type};

/// The forward template's locals.
struct Locals {
    direction: syn::Ident,
    lanes: syn::Ident,
    lane: syn::Ident,
    outputs: syn::Ident,
    primal: syn::Ident,
    ret: syn::Ident,
    scale: syn::Ident,
    tangents: syn::Ident,
}

pub fn forward(plan: &Plan<'_>, observer: Option<&syn::Ident>) -> TokenStream {
    let ad = ad();
    let l = Locals {
        direction: local("__direction"),
        lanes: local("__lanes"),
        lane: local("__lane"),
        outputs: local("__outputs"),
        primal: local("__primal"),
        ret: local("__ret"),
        scale: local("__scale"),
        tangents: local("__tangents"),
    };
    let mut pieces: Vec<Pieces> = plan
        .inputs
        .iter()
        .map(|input| input_pieces(plan, input, &l))
        .collect();
    // A dual return is output 0; `&mut` dual arguments' final leaves follow.
    let ret_is_dual = plan.differentiated_return().is_some();
    let first = if ret_is_dual {
        quote!(1usize)
    } else {
        quote!(0usize)
    };
    let (starts, _) = offsets(first, &pieces);
    for ((piece, input), start) in pieces.iter_mut().zip(&plan.inputs).zip(&starts) {
        piece.distribute = distribute(plan, input, piece, start, &l);
    }
    let width = plan.width();
    let (evaluated, real) = calls(plan, &pieces);
    let Locals {
        direction,
        lane,
        outputs,
        primal,
        ret,
        scale,
        tangents,
        ..
    } = &l;
    let (evaluate, output_ret) = match &plan.ret {
        Some((ty, _)) if ret_is_dual => (
            quote!(let #ret = #evaluated;),
            quote!(#outputs.push(<#ty as ::autodiff_safe::Float>::to_f64(#ret));),
        ),
        Some(_) => (quote!(let _ = #evaluated;), TokenStream::new()),
        None => (quote!(#evaluated;), TokenStream::new()),
    };
    let bind_primal = if plan.ret.is_some() {
        quote!(let #primal = #real;)
    } else {
        quote!(#real;)
    };
    let result = forward_result(plan, primal, tangents);
    let prepare = pieces.iter().map(|piece| &piece.prepare);
    let include = pieces.iter().map(|piece| &piece.scale);
    let setup = pieces.iter().map(|piece| &piece.setup);
    let observe = pieces.iter().map(|piece| &piece.observe);
    let distribute = pieces.iter().map(|piece| &piece.distribute);
    let (differences, observer_argument) = match observer {
        None => (quote!(#ad::directional), TokenStream::new()),
        Some(observer) => (
            quote!(::autodiff_safe::__private_0_1::gradcheck::directional),
            quote!(&#observer,),
        ),
    };
    quote! {{
        #(#prepare)*
        let mut #tangents: ::std::vec::Vec<::std::vec::Vec<::core::primitive::f64>> =
            ::std::vec::Vec::with_capacity(#width);
        for #lane in 0..#width {
            let mut #scale = <#ad::Scale as ::core::default::Default>::default();
            #(#include)*
            #tangents.push(#differences(&#scale, #observer_argument |#direction| {
                let mut #outputs: ::std::vec::Vec<::core::primitive::f64> = ::std::vec::Vec::new();
                #(#setup)*
                #evaluate
                #output_ret
                #(#observe)*
                #outputs
            }));
        }
        #bind_primal
        #(#distribute)*
        #result
    }}
}

/// An input's pieces, but for its distribution, which needs its range.
fn input_pieces(plan: &Plan<'_>, input: &Input<'_>, l: &Locals) -> Pieces {
    let activity = input.act.activity;
    if activity == Activity::Const {
        return const_pieces(input);
    }
    let ad = ad();
    let width = plan.width();
    let checked = checked_type(input.param);
    let primal = borrow(input.param, &input.param.name.to_token_stream());
    let tangent = var("t", input);
    let copy = var("p", input);
    let shadows = plan.shadow_names(input);
    let mut prepare = if activity.is_vector() {
        let shadow = &shadows[0];
        quote!(let #tangent: [_; #width] = #ad::vector_lanes::<#checked, #width>(&*#shadow);)
    } else {
        let shadow_values = shadows
            .iter()
            .map(|shadow| borrow(input.param, &shadow.to_token_stream()));
        quote!(let #tangent = [#(#ad::floats::<#checked>(#shadow_values)),*];)
    };
    let Locals {
        direction,
        lane,
        outputs,
        scale,
        ..
    } = l;
    let mut observe = TokenStream::new();
    let mut count = None;
    if let Passing::MutRef(_) = input.param.passing {
        // Its final leaves are outputs whose tangents go into its shadow;
        // a call that changed its structure is refused by name.
        let leaves = var("n", input);
        let function = plan.args.name.to_string();
        let argument = syn::ext::IdentExt::unraw(&input.param.name).to_string();
        prepare.extend(quote!(let #leaves = #ad::leaf_count::<#checked>(#primal);));
        observe = quote! {
            ::core::iter::Extend::extend(
                &mut #outputs,
                #ad::final_floats::<#checked>(#function, #argument, #leaves, &*#copy),
            );
        };
        count = Some(leaves);
    }
    Pieces {
        prepare,
        setup: quote! {
            let mut #copy = #ad::copy_along::<#checked>(#primal, &#tangent[#lane], #direction);
        },
        argument: copy_argument(input, &copy),
        observe,
        scale: quote!(#scale.include::<#checked>(#primal, &#tangent[#lane]);),
        count,
        ..Pieces::default()
    }
}

/// The tangents of a `&mut` dual argument's final leaves into its shadows.
fn distribute(
    plan: &Plan<'_>,
    input: &Input<'_>,
    piece: &Pieces,
    start: &TokenStream,
    l: &Locals,
) -> TokenStream {
    let Some(count) = &piece.count else {
        return TokenStream::new();
    };
    let ad = ad();
    let checked = checked_type(input.param);
    let range = quote!(#start..#start + #count);
    let Locals {
        lanes,
        lane,
        tangents,
        ..
    } = l;
    if input.act.activity.is_vector() {
        let shadow = &plan.shadow_names(input)[0];
        return quote! {
            // Trait methods by path: the user's module may have no prelude.
            let #lanes: ::std::vec::Vec<::core::primitive::f64> =
                ::core::iter::Iterator::collect(::core::iter::Iterator::flat_map(
                    #tangents.iter(),
                    |#lane| ::core::iter::Iterator::copied(#lane[#range].iter()),
                ));
            #ad::overwrite::<#checked>(&mut *#shadow, &#lanes);
        };
    }
    into_shadows(plan, input, "overwrite", tangents, &range)
}
