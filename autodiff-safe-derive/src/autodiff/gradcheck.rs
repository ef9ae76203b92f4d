//! `gradcheck_d_f`, with the `gradcheck` feature: runs the reference on
//! copies and the derivative on the caller's arguments, then compares every
//! output leaf (see `autodiff_safe::gradcheck`).
//!
//! The companion takes `d_f`'s arguments. Its steps, in order:
//!
//! 1. the shadow checks, panicking like `d_f`;
//! 2. the `Const` state hint: the primal twice on copies, unperturbed and
//!    with every differentiated leaf moved, comparing the `Const &mut`
//!    arguments' final leaves;
//! 3. (Enzyme only) every mutable argument and shadow is copied, the
//!    reference body runs, its results are copied, and the arguments are put
//!    back as they were;
//! 4. the derivative runs once on the caller's arguments;
//! 5. (Enzyme only) results, shadows and mutable arguments are compared.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote};

use super::args::{Activity, Mode};
use super::backend;
use super::checks::{OnError, checks};
use super::context::Context;
use super::function::Passing;
use super::lints;
use super::plan::{Backend, Input, Plan, borrow, checked_type, forward_return, tuple_or_single};

/// Whether `plan` gets a companion: every argument must be something the
/// reference backend can run and copy.
pub fn applies(plan: &Plan<'_>) -> bool {
    cfg!(feature = "gradcheck")
        && plan.unsafe_reasons().is_empty()
        && !matches!(plan.function.context, Context::TraitImpl(_))
        && !plan
            .inputs
            .iter()
            .any(|input| input.param.is_receiver && matches!(input.param.passing, Passing::Value))
}

fn local(name: &str) -> syn::Ident {
    syn::Ident::new(name, Span::mixed_site())
}

fn var(prefix: &str, name: &syn::Ident) -> syn::Ident {
    let base = syn::ext::IdentExt::unraw(name).to_string();
    local(&format!("__{prefix}_{base}"))
}

/// The public gradcheck API the companions return and read: `Report`,
/// `Mode`, `current_options`.
fn gc() -> TokenStream {
    quote!(::autodiff_safe::gradcheck)
}

/// The companions' plumbing (observer, state hint, fast-mode comparison),
/// which is not public API.
fn plumbing() -> TokenStream {
    quote!(::autodiff_safe::__private_0_1::gradcheck)
}

/// Every mutable place the derivative writes: `&mut` arguments and
/// `&mut` shadows, by name and type.
fn mutable_places(plan: &Plan<'_>) -> Vec<(syn::Ident, syn::Type)> {
    let mut places = Vec::new();
    for input in &plan.inputs {
        let param = input.param;
        if matches!(param.passing, Passing::MutRef(_)) {
            places.push((param.name.clone(), checked_type(param)));
        }
        let shadow_is_mut = match plan.mode() {
            Mode::Reverse => true,
            Mode::Forward => matches!(param.passing, Passing::MutRef(_)),
        };
        if shadow_is_mut && !matches!(param.passing, Passing::Value) {
            for shadow in plan.shadow_names(input) {
                places.push((shadow, checked_type(param)));
            }
        }
    }
    places
}

/// The companion for `plan`, next to `try_name`.
pub fn companion(plan: &Plan<'_>, try_name: &syn::Ident) -> TokenStream {
    let plumbing = plumbing();
    let reference_plan = plan.with_backend(Backend::Reference);
    let vis = plan.function.vis;
    let generics = &plan.function.sig.generics;
    let where_clause = reference_plan.where_clause();
    let name = &plan.args.name;
    let companion = format_ident!("gradcheck_{}", name);
    let params = plan.param_decls();
    let function = name.to_string();
    let gc = gc();
    let options = local("__options");
    let observer = local("__observer");
    let report = local("__report");
    let compared = plan.backend == Backend::Enzyme;
    let hint = state_hint(plan, &report);
    let checks = checks(plan, &local("__error"), &OnError::Panic);
    let forwarded: Vec<TokenStream> = plan
        .derivative_params()
        .iter()
        .map(|param| param.name.to_token_stream())
        .collect();
    let candidate_call = plan.function.call(try_name, &forwarded);
    let candidate = local("__candidate");
    let (value, error) = (local("__value"), local("__error"));
    let run_candidate = quote! {
        let #candidate = match #candidate_call {
            ::core::result::Result::Ok(#value) => #value,
            ::core::result::Result::Err(#error) => ::autodiff_safe::__private_0_1::refuse(&#error),
        };
    };
    let body = if compared {
        compared_body(
            plan,
            &reference_plan,
            &report,
            &observer,
            &candidate,
            &run_candidate,
        )
    } else {
        let observe = observe_results(plan, &report, &candidate);
        quote! {
            #run_candidate
            #observe
        }
    };
    let new_report = if compared {
        quote!(#gc::Report::compared_for(#function))
    } else {
        quote!(#gc::Report::not_compared(#function))
    };
    let doc = format!(
        "Gradcheck of [`{name}`]: compares it with the finite-difference reference at these \
         arguments and reports the worst leaf. Generated by the `gradcheck` feature; see \
         `autodiff_safe::gradcheck`.\n\n# Panics\n\nIf a shadow does not match its primal, as \
         `{name}` does."
    );
    let allowed = lints::allowed();
    let tolerance = local("__tolerance");
    quote! {
        #[doc = #doc]
        #[track_caller]
        #allowed
        #vis fn #companion #generics (#(#params),*) -> #gc::Report #where_clause {
            let #options = #gc::current_options();
            let #observer = #plumbing::Observer::new(&#options);
            let mut #report = #new_report;
            if let ::core::option::Option::Some(#tolerance) = #options.tolerance {
                #report.set_tolerance(#tolerance);
            }
            #checks
            #hint
            #body
            #report
        }
    }
}

/// Step 2: the primal on copies, unperturbed and moved; a `Const &mut`
/// argument whose final leaves differ gets a hint.
fn state_hint(plan: &Plan<'_>, report: &syn::Ident) -> TokenStream {
    let plumbing = plumbing();
    let states: Vec<&Input<'_>> = plan
        .inputs
        .iter()
        .filter(|input| {
            input.act.activity == Activity::Const
                && matches!(input.param.passing, Passing::MutRef(_))
        })
        .collect();
    if states.is_empty() {
        return TokenStream::new();
    }
    let ad = quote!(::autodiff_safe::__private_0_1::reference);
    let cursor = local("__cursor");
    let mut setup = TokenStream::new();
    let mut arguments = Vec::new();
    let mut leaves = Vec::new();
    for input in &plan.inputs {
        let param = input.param;
        let name = &param.name;
        let copy = var("h", name);
        let checked = checked_type(param);
        let primal = borrow(param, &name.to_token_stream());
        if input.act.activity == Activity::Const {
            match param.passing {
                Passing::MutRef(_) => {
                    setup.extend(quote!(let mut #copy = #ad::Snapshot::snapshot(#primal);));
                    arguments.push(quote!(&mut *#copy));
                }
                Passing::SharedRef(_) | Passing::Pointer => arguments.push(quote!(#name)),
                Passing::Value => arguments.push(quote!(::core::clone::Clone::clone(&#name))),
            }
            continue;
        }
        setup.extend(quote!(let mut #copy = #ad::copy_perturbed::<#checked>(#primal, #cursor);));
        leaves.push(quote!(#ad::leaf_count::<#checked>(#primal)));
        arguments.push(match param.passing {
            Passing::Value => quote!(*#copy),
            Passing::SharedRef(_) | Passing::Pointer => quote!(&*#copy),
            Passing::MutRef(_) => quote!(&mut *#copy),
        });
    }
    let finals = states.iter().map(|input| {
        let copy = var("h", &input.param.name);
        let checked = checked_type(input.param);
        quote!(#ad::floats::<#checked>(&*#copy))
    });
    let names = states
        .iter()
        .map(|input| syn::ext::IdentExt::unraw(&input.param.name).to_string());
    let call = plan.call_primal(&arguments);
    let [run, still, moved, a, b, name] =
        ["__run", "__still", "__moved", "__a", "__b", "__name"].map(local);
    quote! {
        {
            let mut #run = |#cursor: &mut #ad::Cursor| {
                #setup
                let _ = #call;
                [#(#finals),*]
            };
            let #still = #run(&mut #ad::Cursor::leaf(::core::primitive::usize::MAX, 0.0));
            let #moved = #run(&mut #plumbing::hint_cursor(0usize #(+ #leaves)*));
            // Trait methods by path: the user's module may have no prelude.
            for ((#a, #b), #name) in ::core::iter::Iterator::zip(
                ::core::iter::Iterator::zip(#still.iter(), #moved.iter()),
                [#(#names),*],
            ) {
                if #plumbing::state_moved(#a, #b) {
                    #report.hint_state(#name);
                }
            }
        }
    }
}

/// Steps 3–5 on the Enzyme backend.
fn compared_body(
    plan: &Plan<'_>,
    reference_plan: &Plan<'_>,
    report: &syn::Ident,
    observer: &syn::Ident,
    candidate: &syn::Ident,
    run_candidate: &TokenStream,
) -> TokenStream {
    let places = mutable_places(plan);
    let before = places.iter().map(|(name, ty)| {
        let copy = var("before", name);
        quote!(let #copy = ::autodiff_safe::FloatTree::copy_boxed(&*#name as &#ty);)
    });
    let after = places.iter().map(|(name, ty)| {
        let copy = var("reference", name);
        quote!(let #copy = ::autodiff_safe::FloatTree::copy_boxed(&*#name as &#ty);)
    });
    let restore = places.iter().map(|(name, ty)| {
        let copy = var("before", name);
        quote!(::autodiff_safe::FloatTree::copy_from(&mut *#name as &mut #ty, &*#copy);)
    });
    // By-value arguments are moved into the reference's own call: it gets
    // copies under their names.
    let rebind = plan
        .inputs
        .iter()
        .filter(|input| matches!(input.param.passing, Passing::Value) && !input.param.is_receiver)
        .flat_map(|input| {
            let copy_of = |name: &syn::Ident| {
                if input.act.activity == Activity::Const {
                    quote!(let #name = ::core::clone::Clone::clone(&#name);)
                } else {
                    let ty = &input.param.ty;
                    quote!(let #name = *::autodiff_safe::FloatTree::copy_boxed(&#name as &#ty);)
                }
            };
            std::iter::once(copy_of(&input.param.name)).chain(
                plan.shadow_names(input)
                    .iter()
                    .map(copy_of)
                    .collect::<Vec<_>>(),
            )
        });
    let reference_body = backend::reference_body(reference_plan, observer);
    let reference = local("__reference");
    let compare = compare_all(plan, report, observer, candidate, &reference);
    quote! {
        #(#before)*
        let #reference = {
            #(#rebind)*
            #reference_body
        };
        #(#after)*
        #(#restore)*
        #run_candidate
        #compare
    }
}

/// A label for a scalar output, and the tokens naming it in both results.
struct Scalar {
    label: String,
    candidate: syn::Ident,
    ty: TokenStream,
    /// Forward mode: the lane, whose kink flag applies.
    lane: Option<usize>,
    /// Reverse mode: the input leaf, whose kink flag applies.
    leaf_of: Option<syn::Ident>,
}

/// The float scalars in the derivative's return value, with the pattern
/// that binds them.
fn returned_scalars(plan: &Plan<'_>, prefix: &str) -> (TokenStream, Vec<Scalar>) {
    let mut scalars = Vec::new();
    let bind = |index: usize| local(&format!("__{prefix}{index}"));
    match plan.mode() {
        Mode::Reverse => {
            let mut items = Vec::new();
            if let Some((ty, act)) = &plan.ret
                && act.activity != Activity::ActiveOnly
            {
                let ident = bind(items.len());
                items.push(ident.to_token_stream());
                if act.activity != Activity::Const {
                    scalars.push(Scalar {
                        label: "the return value".into(),
                        candidate: ident.clone(),
                        ty: ty.to_token_stream(),
                        lane: None,
                        leaf_of: None,
                    });
                }
            }
            for input in &plan.inputs {
                if input.act.activity == Activity::Active {
                    let ident = bind(items.len());
                    items.push(ident.to_token_stream());
                    scalars.push(Scalar {
                        label: format!("the gradient of `{}`", input.param.name),
                        candidate: ident.clone(),
                        ty: input.param.ty.to_token_stream(),
                        lane: None,
                        leaf_of: Some(input.param.name.clone()),
                    });
                }
            }
            (tuple_or_single(&items), scalars)
        }
        Mode::Forward => {
            let Some((ty, act)) = &plan.ret else {
                return (quote!(_), scalars);
            };
            let primal = bind(0);
            let lanes: Vec<syn::Ident> = (0..plan.width()).map(|lane| bind(lane + 1)).collect();
            let lane_tokens: Vec<TokenStream> =
                lanes.iter().map(ToTokens::to_token_stream).collect();
            let shape = forward_return(act.activity);
            let pattern = shape.value(&primal.to_token_stream(), &lane_tokens);
            if act.activity == Activity::Const {
                return (pattern, scalars);
            }
            if shape == super::plan::ForwardReturn::PrimalAndTangents {
                scalars.push(Scalar {
                    label: "the return value".into(),
                    candidate: primal.clone(),
                    ty: ty.to_token_stream(),
                    lane: None,
                    leaf_of: None,
                });
            }
            for (lane, ident) in lanes.into_iter().enumerate() {
                scalars.push(Scalar {
                    label: if plan.width() == 1 {
                        "the tangent of the return value".into()
                    } else {
                        format!("tangent {lane} of the return value")
                    },
                    candidate: ident.clone(),
                    ty: ty.to_token_stream(),
                    lane: Some(lane),
                    leaf_of: None,
                });
            }
            (pattern, scalars)
        }
    }
}

/// Step 5: every returned scalar, shadow and mutable argument.
fn compare_all(
    plan: &Plan<'_>,
    report: &syn::Ident,
    observer: &syn::Ident,
    candidate: &syn::Ident,
    reference: &syn::Ident,
) -> TokenStream {
    let gc = gc();
    let (pattern, scalars) = returned_scalars(plan, "c");
    let (reference_pattern, _) = returned_scalars(plan, "r");
    let kinks = local("__kinks");
    let fast = local("__fast");
    let offsets = leaf_offsets(plan);
    let scalar_compares = scalars.iter().map(|scalar| {
        let Scalar {
            label,
            candidate,
            ty,
            ..
        } = scalar;
        let reference = local(&candidate.to_string().replacen("__c", "__r", 1));
        let kink = match (&scalar.lane, &scalar.leaf_of) {
            (Some(lane), _) => quote!(#kinks.get(#lane).copied().unwrap_or(false)),
            (None, Some(input)) => {
                let offset = var("o", input);
                quote!(#kinks.get(#offset).copied().unwrap_or(false))
            }
            (None, None) => quote!(false),
        };
        let skip_in_fast = scalar.leaf_of.is_some() || scalar.lane.is_some();
        let compare = quote! {
            #report.compare_scalar::<#ty>(#label, #candidate, #reference, #kink);
        };
        if skip_in_fast && plan.mode() == Mode::Reverse {
            quote!(if !#fast { #compare })
        } else {
            compare
        }
    });
    let trees = tree_compares(plan, report, &kinks);
    let fast_compare = fast_compare(plan, report, observer, &fast);
    quote! {
        let #fast = ::core::matches!(#observer.mode(), #gc::Mode::Fast { .. });
        let #kinks = #observer.kinks();
        #offsets
        let #pattern = #candidate;
        let #reference_pattern = #reference;
        #(#scalar_compares)*
        if !#fast {
            #trees
        }
        #fast_compare
    }
}

/// `let __o_x = ..;` the first input leaf of each differentiated input, in
/// the reference's leaf order (reverse mode's kinks are by input leaf).
fn leaf_offsets(plan: &Plan<'_>) -> TokenStream {
    let ad = quote!(::autodiff_safe::__private_0_1::reference);
    let mut out = TokenStream::new();
    let mut offset = quote!(0usize);
    for input in plan
        .inputs
        .iter()
        .filter(|input| input.act.activity != Activity::Const)
    {
        let name = &input.param.name;
        let var = var("o", name);
        let checked = checked_type(input.param);
        let primal = borrow(input.param, &name.to_token_stream());
        out.extend(quote!(let #var = #offset;));
        offset = quote!(#var + #ad::leaf_count::<#checked>(#primal));
    }
    out
}

/// Full mode: shadows and mutable arguments, leaf by leaf with paths.
fn tree_compares(plan: &Plan<'_>, report: &syn::Ident, kinks: &syn::Ident) -> TokenStream {
    let mut out = TokenStream::new();
    for (name, ty) in mutable_places(plan) {
        let reference = var("reference", &name);
        let label = syn::ext::IdentExt::unraw(&name).to_string();
        let primal = primal_of(plan, &name);
        let kink_slice = kink_slice(plan, &name, kinks);
        out.extend(quote! {
            #report.compare_tree::<#ty>(#label, #primal, &*#name, &*#reference, #kink_slice);
        });
    }
    out
}

/// The primal whose structure names the leaves of place `name`.
fn primal_of(plan: &Plan<'_>, name: &syn::Ident) -> TokenStream {
    for input in &plan.inputs {
        if input.param.name == *name || plan.shadow_names(input).contains(name) {
            return borrow(input.param, &input.param.name.to_token_stream());
        }
    }
    quote!(&*#name)
}

/// The kink flags that apply to place `name`'s leaves.
fn kink_slice(plan: &Plan<'_>, name: &syn::Ident, kinks: &syn::Ident) -> TokenStream {
    let ad = quote!(::autodiff_safe::__private_0_1::reference);
    for input in &plan.inputs {
        let shadows = plan.shadow_names(input);
        let Some(lane) = shadows.iter().position(|shadow| shadow == name) else {
            continue;
        };
        return match plan.mode() {
            Mode::Reverse => {
                let offset = var("o", &input.param.name);
                let checked = checked_type(input.param);
                let primal = borrow(input.param, &input.param.name.to_token_stream());
                quote! {
                    #kinks
                        .get(#offset..#offset + #ad::leaf_count::<#checked>(#primal))
                        .unwrap_or(&[])
                }
            }
            Mode::Forward => {
                let checked = checked_type(input.param);
                let primal = borrow(input.param, &input.param.name.to_token_stream());
                quote! {
                    &::std::vec![
                        #kinks.get(#lane).copied().unwrap_or(false);
                        #ad::leaf_count::<#checked>(#primal)
                    ]
                }
            }
        };
    }
    quote!(&[])
}

/// Fast mode (reverse): the derivative's gradient, flattened in the
/// reference's leaf order, projected on the reference's directions.
fn fast_compare(
    plan: &Plan<'_>,
    report: &syn::Ident,
    observer: &syn::Ident,
    fast: &syn::Ident,
) -> TokenStream {
    let plumbing = plumbing();
    if plan.mode() == Mode::Forward {
        return TokenStream::new();
    }
    let ad = quote!(::autodiff_safe::__private_0_1::reference);
    let has_active = plan
        .inputs
        .iter()
        .any(|input| input.act.activity == Activity::Active);
    // `Active` inputs return lane 0's gradient only.
    let lanes = if has_active { 1 } else { plan.width() };
    let [gradients, directions, values, lane_values, a, b] = [
        "__gradients",
        "__directions",
        "__values",
        "__lanes",
        "__a",
        "__b",
    ]
    .map(local);
    let mut pushes = TokenStream::new();
    for input in plan
        .inputs
        .iter()
        .filter(|input| input.act.activity != Activity::Const)
    {
        let param = input.param;
        let checked = checked_type(param);
        match param.passing {
            Passing::Value => {
                let ident = candidate_scalar(plan, &param.name);
                pushes.extend(quote! {
                    #gradients[0].push(<#checked as ::autodiff_safe::Float>::to_f64(#ident));
                });
            }
            Passing::SharedRef(_) | Passing::MutRef(_) => {
                for (lane, shadow) in plan.shadow_names(input).iter().enumerate().take(lanes) {
                    let after = quote!(#ad::floats::<#checked>(&*#shadow));
                    let gradient = if matches!(param.passing, Passing::SharedRef(_)) {
                        // Reverse mode adds into the shadow of a `&T`.
                        let before = var("before", shadow);
                        quote! {
                            ::core::iter::Iterator::collect::<
                                ::std::vec::Vec<::core::primitive::f64>,
                            >(::core::iter::Iterator::map(
                                ::core::iter::Iterator::zip(
                                    #after.iter(),
                                    #ad::floats::<#checked>(&*#before).iter(),
                                ),
                                |(#a, #b)| #a - #b,
                            ))
                        }
                    } else {
                        after
                    };
                    pushes.extend(quote! {
                        ::core::iter::Extend::extend(&mut #gradients[#lane], #gradient);
                    });
                }
            }
            Passing::Pointer => {}
        }
    }
    let label = plan.args.name.to_string();
    quote! {
        if #fast {
            let mut #gradients: ::std::vec::Vec<::std::vec::Vec<::core::primitive::f64>> =
                ::std::vec![::std::vec::Vec::new(); #lanes];
            #pushes
            let (#directions, #values) = #observer.directional();
            // Trait methods by path: the user's module may have no prelude.
            let #values: ::std::vec::Vec<::std::vec::Vec<::core::primitive::f64>> =
                ::core::iter::Iterator::collect(::core::iter::Iterator::map(
                    ::core::iter::IntoIterator::into_iter(#values),
                    |#lane_values: ::std::vec::Vec<::core::primitive::f64>| {
                        ::core::iter::Iterator::collect(::core::iter::Iterator::take(
                            ::core::iter::IntoIterator::into_iter(#lane_values),
                            #lanes,
                        ))
                    },
                ));
            #plumbing::compare_directions(&mut #report, #label, &#directions, &#values, &#gradients);
        }
    }
}

/// The candidate's returned gradient of `Active` input `name`.
fn candidate_scalar(plan: &Plan<'_>, name: &syn::Ident) -> syn::Ident {
    let (_, scalars) = returned_scalars(plan, "c");
    scalars
        .into_iter()
        .find(|scalar| scalar.leaf_of.as_ref() == Some(name))
        .map_or_else(|| local("__missing"), |scalar| scalar.candidate)
}

/// On the reference backend: the results once, for non-finite values.
fn observe_results(plan: &Plan<'_>, report: &syn::Ident, candidate: &syn::Ident) -> TokenStream {
    let (pattern, scalars) = returned_scalars(plan, "c");
    let values = scalars.iter().map(|scalar| {
        let Scalar {
            label,
            candidate,
            ty,
            ..
        } = scalar;
        quote!(#report.compare_scalar::<#ty>(#label, #candidate, #candidate, false);)
    });
    let trees = mutable_places(plan).into_iter().map(|(name, ty)| {
        let label = syn::ext::IdentExt::unraw(&name).to_string();
        let primal = primal_of(plan, &name);
        quote!(#report.compare_tree::<#ty>(#label, #primal, &*#name, &*#name, &[]);)
    });
    quote! {
        let #pattern = #candidate;
        #(#values)*
        #(#trees)*
    }
}
