//! Refuses every combination of activities and parameters that std would
//! reject or that could not be checked, each error spanned on the offending
//! activity or type. Only reports: the plan itself is built in [`super::plan`].

use proc_macro2::TokenStream;

use quote::quote;

use super::args::{Activity, ActivityArg, Args, Entry, Mode};
use super::context::Context;
use super::function::{Function, Param, Passing};
use super::owners;
use super::plan::{Backend, Input, Plan, expected_activities, slice_element};
use crate::ctxt::Ctxt;
use crate::types::{self, Written, shown};

/// Whether there is one activity per parameter and one for a return value;
/// reports the mismatch otherwise.
pub fn activity_count(cx: &Ctxt, args: &Args, function: &Function<'_>) -> bool {
    let expected = expected_activities(function);
    if args.activities.len() == expected {
        return true;
    }
    count_error(cx, args, function, expected);
    false
}

/// A function without a body outside a trait with `#[autodiff_trait]`:
/// only there can std differentiate each implementor's body.
pub fn placement(cx: &Ctxt, entry: Entry, sig: &syn::Signature, has_body: bool, context: &Context) {
    if has_body || matches!(context, Context::Trait(_)) {
        return;
    }
    let ident = &sig.ident;
    cx.error_spanned_by(
        quote!(#ident),
        format!(
            "`#[{}]` on a function without a body differentiates each implementor's `{ident}`, \
             which needs the trait's context: add `#[autodiff_safe::autodiff_trait]` to the \
             trait",
            entry.attribute()
        ),
    );
}

/// Reports every activity that does not fit its parameter or return value.
pub fn check(cx: &Ctxt, plan: &Plan<'_>) {
    for input in &plan.inputs {
        let errors = cx.error_count();
        check_input(cx, plan.mode(), input.param, &input.act);
        if input.act.activity == Activity::Const && !input.act.unchecked {
            check_const_owner(cx, &plan.args.name, input.param);
        }
        // A refused activity is not also reported as needing `enzyme`.
        if plan.backend == Backend::Reference && cx.error_count() == errors {
            check_reference_backend(cx, input);
        }
    }
    if let Some((ty, act)) = &plan.ret {
        check_return(cx, plan.mode(), ty, act);
    }
}

#[allow(clippy::too_many_lines, reason = "one rule per activity, in one place")]
fn check_input(cx: &Ctxt, mode: Mode, param: &Param, act: &ActivityArg) {
    if !check_mode(cx, mode, act) || !check_unchecked(cx, act) {
        return;
    }
    match act.activity {
        Activity::Const | Activity::Dual | Activity::DualOnly => {}
        Activity::ActiveOnly => error_at_act(
            cx,
            act,
            "`ActiveOnly` applies to the return value only; use `Active` for a float argument",
        ),
        Activity::Active => check_active(cx, param),
        Activity::Duplicated | Activity::DuplicatedOnly => check_duplicated(cx, param, act),
        Activity::Dualv | Activity::DualvOnly => check_dualv(cx, param, act),
    }
}

/// A reverse-mode activity in forward mode, or the other way round.
fn check_mode(cx: &Ctxt, mode: Mode, act: &ActivityArg) -> bool {
    let Some(activity_mode) = act.activity.mode() else {
        return true;
    };
    if activity_mode == mode {
        return true;
    }
    let advice = match mode {
        Mode::Reverse => {
            "in reverse mode use `Duplicated` for references and `Active` for float scalars"
        }
        Mode::Forward => "in forward mode use `Dual` (or `Dualv` for a batch in one slice)",
    };
    error_at_act(
        cx,
        act,
        format!(
            "`{}` is a {} activity; {advice}",
            act.activity.name(),
            mode_name(activity_mode)
        ),
    );
    false
}

/// `unsafe(..)` around an activity that has no shadow to leave unchecked
/// (`unsafe(Const)` opts out of the `Const` owner rule instead).
fn check_unchecked(cx: &Ctxt, act: &ActivityArg) -> bool {
    if !act.unchecked || act.activity.has_shadow() || act.activity == Activity::Const {
        return true;
    }
    error_at_act(
        cx,
        act,
        format!(
            "`unsafe({})` has nothing to opt out of: only shadowed activities \
             (`Duplicated`, `Dual`, ...) are checked",
            act.activity.name()
        ),
    );
    false
}

fn check_active(cx: &Ctxt, param: &Param) {
    let Some(what) = not_a_scalar(&param.ty, &param.passing) else {
        return;
    };
    let advice = match param.passing {
        Passing::Value => "pass it by reference and mark it `Duplicated`",
        _ => "mark it `Duplicated`: its gradient is added into the shadow that follows it",
    };
    cx.error_spanned_by(
        &param.tokens,
        format!(
            "`Active` is for float scalars passed by value (`f32`, `f64`), but `{}` is {what}; \
             {advice}",
            param.name
        ),
    );
}

fn check_duplicated(cx: &Ctxt, param: &Param, act: &ActivityArg) {
    let name = &param.name;
    match &param.passing {
        Passing::SharedRef(referent) | Passing::MutRef(referent) => {
            if let Some(inner) = types::shared_reference_inside(referent) {
                cx.error_spanned_by(
                    inner,
                    format!(
                        "the shadow of `{name}` would be written through this shared \
                         reference: a reverse pass writes gradients through the shadow's \
                         inner pointers but leaves them `&` (EnzymeAD/rust#110); pass owned \
                         data (`&[f64]`, `&Vec<Vec<f64>>`) instead"
                    ),
                );
            }
        }
        Passing::Pointer => {}
        Passing::Value => cx.error_spanned_by(
            &param.tokens,
            format!(
                "`{}` needs a reference or raw pointer, because the gradient is written \
                 through the shadow, but `{name}` is passed by value; pass `&{}`, or use \
                 `Active` for a float scalar",
                act.activity.name(),
                shown(&param.ty)
            ),
        ),
    }
}

fn check_dualv(cx: &Ctxt, param: &Param, act: &ActivityArg) {
    if slice_element(&param.passing).is_some() {
        return;
    }
    cx.error_spanned_by(
        &param.tokens,
        format!(
            "`{}` needs a slice argument (`&[f64]` or `&mut [f64]`): its one shadow holds all \
             the batch's tangents back to back, and only a slice's length can be checked \
             against that; `{}` is `{}`",
            act.activity.name(),
            param.name,
            shown(&param.ty)
        ),
    );
}

fn check_return(cx: &Ctxt, mode: Mode, ty: &syn::Type, act: &ActivityArg) {
    if act.unchecked {
        error_at_act(
            cx,
            act,
            "`unsafe(..)` marks an unchecked shadow argument; a return value has none",
        );
        return;
    }
    if act.activity == Activity::Dualv {
        error_at_act(
            cx,
            act,
            "a `Dualv` return cannot be differentiated: std types it `(T, T)` whatever the \
             width, and Enzyme cannot compile it (at width 1 it cannot cast the return type; \
             wider, rustc crashes); write `Dual` for the value and one tangent per lane, or \
             `DualvOnly` for the tangents alone",
        );
        return;
    }
    let allowed: &[Activity] = match mode {
        Mode::Reverse => &[Activity::Const, Activity::Active, Activity::ActiveOnly],
        Mode::Forward => &[
            Activity::Const,
            Activity::Dual,
            Activity::DualOnly,
            Activity::Dualv,
            Activity::DualvOnly,
        ],
    };
    if !allowed.contains(&act.activity) {
        let names = allowed
            .iter()
            .map(|activity| format!("`{}`", activity.name()))
            .collect::<Vec<_>>()
            .join(", ");
        error_at_act(
            cx,
            act,
            format!(
                "`{}` is not a {} return activity; the return value takes one of {names}",
                act.activity.name(),
                mode_name(mode)
            ),
        );
        return;
    }
    if act.activity != Activity::Const
        && let Some(what) = not_a_scalar(ty, &Passing::Value)
    {
        cx.error_spanned_by(
            ty,
            format!(
                "{} `{}` return must be a float scalar (`f32`, `f64`), but this is {what}; \
                     return the value through a `&mut` argument marked `{}` instead, or mark \
                     the return `Const`",
                if act.activity.name().starts_with('A') {
                    "an"
                } else {
                    "a"
                },
                act.activity.name(),
                if mode == Mode::Reverse {
                    "Duplicated"
                } else {
                    "Dual"
                }
            ),
        );
    }
}

fn check_reference_backend(cx: &Ctxt, input: &Input<'_>) {
    let act = &input.act;
    let name = &input.param.name;
    // `unsafe(Const)` leaves nothing unchecked that this backend needs: it
    // copies a `Const` argument it may write like any other.
    if act.unchecked && act.activity != Activity::Const {
        error_at_act(
            cx,
            act,
            format!(
                "`unsafe({0})` needs the `enzyme` feature of `autodiff-safe`: the reference \
                 backend computes derivatives by walking `{name}`'s floats through \
                 `ShadowCheck`, which an unchecked argument need not implement; enable the \
                 feature, or implement `ShadowCheck` for the argument's type and write `{0}`",
                act.activity.name()
            ),
        );
    } else if act.activity.has_shadow() && matches!(input.param.passing, Passing::Pointer) {
        error_at_act(
            cx,
            act,
            format!(
                "`{}` on the raw pointer `{name}` needs the `enzyme` feature of \
                 `autodiff-safe`: the reference backend cannot know how many floats are \
                 behind a pointer; enable the feature, or pass a reference (`&[f64]`, \
                 `&mut [f64]`) instead",
                act.activity.name()
            ),
        );
    }
}

/// A `Const` argument the function could move an allocation out of, into a
/// differentiated argument: Enzyme then makes that allocation its own
/// shadow, and primal and shadow free it twice. Refused where the written
/// type shows it: a std owner (`Vec`, `Box`, `String`, `Rc`, ..; in
/// `Option`, `Result`, tuples, arrays or slices) passed by value or behind
/// `&mut`, and a cell anywhere. `unsafe(Const)` is the explicit opt-out.
fn check_const_owner(cx: &Ctxt, function: &syn::Ident, param: &Param) {
    let name = &param.name;
    let (found, how) = if let Some(cell) = owners::cell_inside(&param.ty) {
        (
            cell,
            "holds a cell, through which even `&` lets a function move what it holds",
        )
    } else {
        let (reached, how) = match &param.passing {
            Passing::Value => (&param.ty, "is passed by value and owns an allocation"),
            Passing::MutRef(referent) => (referent, "is behind `&mut` and owns an allocation"),
            Passing::SharedRef(_) | Passing::Pointer => return,
        };
        let Some(owner) = owners::movable_owner(reached) else {
            return;
        };
        (owner, how)
    };
    cx.error_spanned_by(
        &param.tokens,
        format!(
            "`{function}`: `{name}` is `Const` and {how} (`{found}`): a function that moves an \
             allocation out of it into a differentiated argument (`mem::swap`, `mem::take`, \
             `*x = ..`) makes Enzyme use that allocation as its own shadow too, and primal and \
             shadow then free it twice; pass the floats as a slice (`&mut [f64]`, `&[f64]`), \
             mark `{name}` `Duplicated` (reverse) or `Dual` (forward), or write `unsafe(Const)` \
             to promise that the function moves no allocation out of it (the derivative becomes \
             an `unsafe fn`)",
            found = shown(found),
        ),
    );
}

/// Too few or too many activities: spanned on the surplus, or on the whole
/// list when some are missing.
fn count_error(cx: &Ctxt, args: &Args, function: &Function<'_>, expected: usize) {
    let found = args.activities.len();
    let names: Vec<String> = function
        .params
        .iter()
        .map(|param| format!("`{}`", param.name))
        .collect();
    let mut wanted = Vec::new();
    if !names.is_empty() {
        wanted.push(format!("one for each argument ({})", names.join(", ")));
    }
    wanted.push(if function.output.is_some() {
        "one for the return value".to_owned()
    } else {
        "none for the return value, which is `()`".to_owned()
    });
    let message = format!(
        "expected {expected} {}, {}; found {found}",
        if expected == 1 {
            "activity"
        } else {
            "activities"
        },
        wanted.join(" and ")
    );
    let error = if found > expected {
        let surplus: TokenStream = args.activities[expected..]
            .iter()
            .map(|act| act.tokens.clone())
            .collect();
        syn::Error::new_spanned(
            surplus,
            format!(
                "{message}: remove {}",
                if found - expected == 1 {
                    "this one"
                } else {
                    "these"
                }
            ),
        )
    } else if found == 0 {
        syn::Error::new_spanned(&args.name, message)
    } else {
        let written: TokenStream = args
            .activities
            .iter()
            .map(|act| act.tokens.clone())
            .collect();
        syn::Error::new_spanned(written, message)
    };
    cx.syn_error(error);
}

fn error_at_act(cx: &Ctxt, act: &ActivityArg, message: impl std::fmt::Display) {
    cx.syn_error(syn::Error::new_spanned(&act.tokens, message));
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Reverse => "reverse-mode",
        Mode::Forward => "forward-mode",
    }
}

/// `Some(description)` when `ty` is visibly not a float scalar.
fn not_a_scalar(ty: &syn::Type, passing: &Passing) -> Option<String> {
    let shown = shown(ty);
    match passing {
        Passing::SharedRef(_) | Passing::MutRef(_) => {
            return Some(format!("a reference (`{shown}`)"));
        }
        Passing::Pointer => return Some(format!("a raw pointer (`{shown}`)")),
        Passing::Value => {}
    }
    match types::written(ty) {
        Written::Array => Some(format!("an array (`{shown}`)")),
        Written::Tuple => Some(format!("a tuple (`{shown}`)")),
        Written::Container => Some(format!("a container (`{shown}`)")),
        Written::Primitive(_) | Written::Other => None,
    }
}
