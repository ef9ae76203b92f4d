//! Reverse mode: one central difference per float leaf of the
//! differentiated inputs, of a loss that seeds every output.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::pieces::{
    Pieces, ad, calls, const_pieces, copy_argument, into_shadows, local, offsets, reverse_result,
    var,
};
use crate::autodiff::args::Activity;
use crate::autodiff::function::Passing;
use crate::autodiff::plan::{Input, Plan, borrow, checked_type};

/// The reverse template's locals.
struct Locals {
    cursor: syn::Ident,
    gradient: syn::Ident,
    loss: syn::Ident,
    primal: syn::Ident,
    ret: syn::Ident,
}

pub fn reverse(plan: &Plan<'_>, observer: Option<&syn::Ident>) -> TokenStream {
    let ad = ad();
    let l = Locals {
        cursor: local("__cursor"),
        gradient: local("__gradient"),
        loss: local("__loss"),
        primal: local("__primal"),
        ret: local("__ret"),
    };
    let mut pieces: Vec<Pieces> = plan
        .inputs
        .iter()
        .map(|input| input_pieces(plan, input, &l))
        .collect();
    let (starts, leaves) = offsets(quote!(0usize), &pieces);
    for ((piece, input), start) in pieces.iter_mut().zip(&plan.inputs).zip(&starts) {
        piece.distribute = distribute(plan, input, piece, start, &l);
    }
    let width = plan.width();
    let (evaluated, real) = calls(plan, &pieces);
    let returns_value = plan.ret.is_some();
    let (ret, primal) = (&l.ret, &l.primal);
    let (bind_ret, bind_primal) = if returns_value {
        (quote!(let #ret = #evaluated;), quote!(let #primal = #real;))
    } else {
        (quote!(#evaluated;), quote!(#real;))
    };
    let seed_return = plan.differentiated_return().map(|(ty, _)| {
        let loss = &l.loss;
        quote!(#ad::add_return::<#ty, #width>(&mut #loss, #ret, dret);)
    });
    let result = reverse_result(plan, primal, &pieces);
    let prepare = pieces.iter().map(|piece| &piece.prepare);
    let setup = pieces.iter().map(|piece| &piece.setup);
    let observe = pieces.iter().map(|piece| &piece.observe);
    let distribute = pieces.iter().map(|piece| &piece.distribute);
    let Locals {
        cursor,
        gradient,
        loss,
        ..
    } = &l;
    let (differences, observer_argument) = match observer {
        None => (quote!(#ad::gradient), TokenStream::new()),
        Some(observer) => (
            quote!(::autodiff_safe::__private_0_1::gradcheck::gradient),
            quote!(&#observer,),
        ),
    };
    quote! {{
        #(#prepare)*
        let #gradient = #differences::<#width>(#leaves, #observer_argument |#cursor| {
            #(#setup)*
            #bind_ret
            let mut #loss = [0.0f64; #width];
            #seed_return
            #(#observe)*
            #loss
        });
        #bind_primal
        #(#distribute)*
        #result
    }}
}

/// An input's pieces, but for its distribution, which needs its range.
fn input_pieces(plan: &Plan<'_>, input: &Input<'_>, l: &Locals) -> Pieces {
    if input.act.activity == Activity::Const {
        return const_pieces(input);
    }
    let ad = ad();
    let width = plan.width();
    let checked = checked_type(input.param);
    let count = var("n", input);
    let copy = var("p", input);
    let primal = borrow(input.param, &input.param.name.to_token_stream());
    let cursor = &l.cursor;
    let mut prepare = quote!(let #count = #ad::leaf_count::<#checked>(#primal););
    let mut observe = TokenStream::new();
    if let Passing::MutRef(_) = input.param.passing {
        // The shadow holds the seed of the argument's final value.
        let seed = var("s", input);
        let shadows = plan.shadow_names(input);
        let loss = &l.loss;
        prepare.extend(quote!(let #seed = [#(#ad::floats::<#checked>(&*#shadows)),*];));
        observe = quote!(#ad::add_seed_dot::<#checked, #width>(&mut #loss, &*#copy, &#seed););
    }
    Pieces {
        prepare,
        setup: quote!(let mut #copy = #ad::copy_perturbed::<#checked>(#primal, #cursor);),
        argument: copy_argument(input, &copy),
        observe,
        result: matches!(input.param.passing, Passing::Value)
            .then(|| var("g", input).to_token_stream()),
        count: (!matches!(input.param.passing, Passing::Pointer)).then_some(count),
        ..Pieces::default()
    }
}

/// The input's gradient range into its shadows (added for `&T`, stored for
/// `&mut T`), or into its `Active` result.
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
    let gradient = &l.gradient;
    let range = quote!(#start..#start + #count);
    let store = match input.param.passing {
        Passing::Value => {
            let ad = ad();
            let ty = &input.param.ty;
            let result = var("g", input);
            return quote!(let #result = #ad::to_float::<#ty>(#gradient[0][#start]););
        }
        Passing::SharedRef(_) => "accumulate",
        Passing::MutRef(_) => "overwrite",
        Passing::Pointer => return TokenStream::new(),
    };
    into_shadows(plan, input, store, gradient, &range)
}
