//! What the two reference templates share: the per-input [`Pieces`], the
//! runtime's path, hygienic locals, and the result assembly.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};

use crate::autodiff::args::Activity;
use crate::autodiff::function::Passing;
use crate::autodiff::plan::{Input, Plan, checked_type, forward_return, tuple_or_single};

/// The runtime the generated code calls.
pub fn ad() -> TokenStream {
    quote!(::autodiff_safe::__private_0_1::reference)
}

/// A macro-internal local: `mixed_site` hygiene keeps it apart from the
/// user's parameters, whatever they are named.
pub fn local(name: &str) -> syn::Ident {
    syn::Ident::new(name, proc_macro2::Span::mixed_site())
}

/// A local derived from an input's name (`__p_x` for `x`).
pub fn var(prefix: &str, input: &Input<'_>) -> syn::Ident {
    let base = syn::ext::IdentExt::unraw(&input.param.name).to_string();
    local(&format!("__{prefix}_{base}"))
}

/// What one input adds to the template.
#[derive(Default)]
pub struct Pieces {
    /// Before the evaluations: leaf counts, seeds, tangents.
    pub prepare: TokenStream,
    /// Inside each evaluation, before the primal call: its copy.
    pub setup: TokenStream,
    /// Its argument in the evaluations' primal call.
    pub argument: TokenStream,
    /// Inside each evaluation, after the call: its contribution to the
    /// reverse loss or the forward outputs.
    pub observe: TokenStream,
    /// After the real call: gradients or tangents into its shadows.
    pub distribute: TokenStream,
    /// Its entry in the reverse return tuple (`Active` inputs).
    pub result: Option<TokenStream>,
    /// Forward mode: what it adds to the step scale.
    pub scale: TokenStream,
    /// Its leaf count, when its leaves take a range of the gradient or of
    /// the outputs.
    pub count: Option<syn::Ident>,
}

/// How a `Const` argument reaches each of the repeated primal calls.
pub fn const_pieces(input: &Input<'_>) -> Pieces {
    let name = &input.param.name;
    let argument = match input.param.passing {
        Passing::SharedRef(_) | Passing::Pointer => quote!(#name),
        // Every call starts from the caller's value, so that state the
        // function writes does not drift across the calls; the caller's own
        // argument is left for the one call that produces the results.
        Passing::MutRef(_) => {
            let checked = checked_type(input.param);
            let ad = ad();
            let span = syn::spanned::Spanned::span(&input.param.tokens);
            quote_spanned!(span=> &mut *#ad::Snapshot::snapshot(&*#name as &#checked))
        }
        Passing::Value => quote!(::core::clone::Clone::clone(&#name)),
    };
    Pieces {
        argument,
        ..Pieces::default()
    }
}

/// The argument expression that hands a boxed copy to the primal.
pub fn copy_argument(input: &Input<'_>, copy: &syn::Ident) -> TokenStream {
    match &input.param.passing {
        Passing::Value => quote!(*#copy),
        Passing::SharedRef(_) | Passing::Pointer => quote!(&*#copy),
        Passing::MutRef(_) => quote!(&mut *#copy),
    }
}

/// The evaluations' argument list and the real call's, in order.
pub fn calls(plan: &Plan<'_>, pieces: &[Pieces]) -> (TokenStream, TokenStream) {
    let evaluated: Vec<TokenStream> = pieces.iter().map(|piece| piece.argument.clone()).collect();
    let real: Vec<TokenStream> = plan
        .inputs
        .iter()
        .map(|input| input.param.name.to_token_stream())
        .collect();
    (plan.call_primal(&evaluated), plan.call_primal(&real))
}

/// Chains the leaf counts into each input's range start: `0`, `0 + __n_x`, ..
pub fn offsets(start: TokenStream, pieces: &[Pieces]) -> (Vec<TokenStream>, TokenStream) {
    let mut offset = start;
    let mut starts = Vec::new();
    for piece in pieces {
        starts.push(offset.clone());
        if let Some(count) = &piece.count {
            offset = quote!(#offset + #count);
        }
    }
    (starts, offset)
}

/// `store` (`accumulate` or `overwrite`) lane `i` of `source`, within
/// `range`, into the input's shadow `i`.
pub fn into_shadows(
    plan: &Plan<'_>,
    input: &Input<'_>,
    store: &str,
    source: &syn::Ident,
    range: &TokenStream,
) -> TokenStream {
    let ad = ad();
    let checked = checked_type(input.param);
    let store = syn::Ident::new(store, proc_macro2::Span::call_site());
    let mut out = TokenStream::new();
    for (lane, shadow) in plan.shadow_names(input).iter().enumerate() {
        out.extend(quote!(#ad::#store::<#checked>(&mut *#shadow, &#source[#lane][#range]);));
    }
    out
}

/// The reverse-mode return: the primal result (unless `ActiveOnly`), then
/// the gradients of `Active` inputs. Nothing at all when both are absent, so
/// that the block ends on a statement and not on a `()` that
/// `clippy::unused_unit` would flag in the user's crate.
pub fn reverse_result(plan: &Plan<'_>, primal: &syn::Ident, pieces: &[Pieces]) -> TokenStream {
    let mut results = Vec::new();
    if let Some((_, act)) = &plan.ret
        && act.activity != Activity::ActiveOnly
    {
        results.push(primal.to_token_stream());
    }
    results.extend(pieces.iter().filter_map(|piece| piece.result.clone()));
    if results.is_empty() {
        TokenStream::new()
    } else {
        tuple_or_single(&results)
    }
}

/// The forward-mode return, in std's shape.
pub fn forward_result(plan: &Plan<'_>, primal: &syn::Ident, tangents: &syn::Ident) -> TokenStream {
    let ad = ad();
    match &plan.ret {
        None => TokenStream::new(),
        Some((ty, act)) => {
            let lanes: Vec<TokenStream> = (0..plan.width())
                .map(|lane| quote!(#ad::to_float::<#ty>(#tangents[#lane][0])))
                .collect();
            forward_return(act.activity).value(&primal.to_token_stream(), &lanes)
        }
    }
}
