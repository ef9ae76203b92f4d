//! Pairs each parameter with its activity and refuses every combination that
//! std would reject or that could not be checked, each error spanned on the
//! offending activity or type.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::args::{Act, Activity, Args, Mode};
use super::function::{Function, Param, Shape};
use crate::ctxt::Ctxt;

/// One parameter and what the derivative does with it.
pub struct Input<'f> {
    pub param: &'f Param,
    pub act: Act,
}

pub struct Plan<'f> {
    pub args: &'f Args,
    pub function: &'f Function<'f>,
    pub inputs: Vec<Input<'f>>,
    /// The return value's activity, when the function returns a value.
    pub ret: Option<(syn::Type, Act)>,
    /// Why the derivative is an `unsafe fn`; empty when it is safe.
    pub unsafe_reasons: Vec<String>,
}

impl Plan<'_> {
    pub fn width(&self) -> usize {
        self.args.width
    }

    pub fn mode(&self) -> Mode {
        self.args.mode
    }

    /// std's own derivative is an `unsafe fn` (any `*Only` input).
    pub fn raw_is_unsafe(&self) -> bool {
        self.inputs.iter().any(|input| input.act.activity.is_only())
    }
}

pub fn plan<'f>(cx: &Ctxt, args: &'f Args, function: &'f Function<'f>) -> Option<Plan<'f>> {
    let expected = function.params.len() + usize::from(function.output.is_some());
    if args.activities.len() != expected {
        count_error(cx, args, function, expected);
        return None;
    }
    let mut unsafe_reasons = Vec::new();
    let mut inputs = Vec::new();
    for (param, act) in function.params.iter().zip(&args.activities) {
        let errors = cx.error_count();
        check_input(cx, args.mode, param, act, &mut unsafe_reasons);
        let input = Input {
            param,
            act: act.clone(),
        };
        // A refused activity is not also reported as needing `enzyme`.
        if !cfg!(feature = "enzyme") && cx.error_count() == errors {
            check_reference_backend(cx, &input);
        }
        inputs.push(input);
    }
    let ret = function.output.as_ref().map(|ty| {
        let act = args.activities[function.params.len()].clone();
        check_return(cx, args.mode, ty, &act);
        (ty.clone(), act)
    });
    Some(Plan {
        args,
        function,
        inputs,
        ret,
        unsafe_reasons,
    })
}

#[allow(clippy::too_many_lines, reason = "one rule per activity, in one place")]
fn check_input(cx: &Ctxt, mode: Mode, param: &Param, act: &Act, unsafe_reasons: &mut Vec<String>) {
    let name = &param.name;
    let activity = act.activity;
    if let Some(activity_mode) = activity.mode()
        && activity_mode != mode
    {
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
                activity.name(),
                mode_name(activity_mode)
            ),
        );
        return;
    }
    if act.unchecked && !activity.has_shadow() {
        error_at_act(
            cx,
            act,
            format!(
                "`unsafe({})` has nothing to opt out of: only shadowed activities \
                 (`Duplicated`, `Dual`, ...) are checked",
                activity.name()
            ),
        );
        return;
    }
    match activity {
        Activity::Const => {}
        Activity::ActiveOnly => error_at_act(
            cx,
            act,
            "`ActiveOnly` applies to the return value only; use `Active` for a float argument",
        ),
        Activity::Active => {
            if let Some(what) = not_a_scalar(&param.ty, &param.shape) {
                let advice = match param.shape {
                    Shape::Value => "pass it by reference and mark it `Duplicated`",
                    _ => {
                        "mark it `Duplicated`: its gradient is added into the shadow that follows it"
                    }
                };
                cx.error_spanned_by(
                    &param.tokens,
                    format!(
                        "`Active` is for float scalars passed by value (`f32`, `f64`), but \
                         `{name}` is {what}; {advice}"
                    ),
                );
            }
        }
        Activity::Duplicated | Activity::DuplicatedOnly => match &param.shape {
            Shape::SharedRef(referent) | Shape::MutRef(referent) => {
                if let Some(inner) = shared_reference_inside(referent) {
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
            Shape::Pointer => unsafe_reasons.push(format!(
                "`{name}` is a raw pointer, so its shadow cannot be checked: every location \
                 the primal code reads through `{name}` must also be valid for reads and writes \
                 through its shadow, which no other pointer may alias"
            )),
            Shape::Value => cx.error_spanned_by(
                &param.tokens,
                format!(
                    "`{}` needs a reference or raw pointer, because the gradient is written \
                     through the shadow, but `{name}` is passed by value; pass `&{}`, or use \
                     `Active` for a float scalar",
                    activity.name(),
                    shown(&param.ty)
                ),
            ),
        },
        Activity::Dual | Activity::DualOnly => {
            if let Shape::Pointer = param.shape {
                unsafe_reasons.push(format!(
                    "`{name}` is a raw pointer, so its tangent cannot be checked: every location \
                     the primal code reads or writes through `{name}` must also be valid through \
                     its tangent, which no other pointer may alias"
                ));
            }
        }
        Activity::Dualv | Activity::DualvOnly => {
            if slice_element(&param.shape).is_none() {
                cx.error_spanned_by(
                    &param.tokens,
                    format!(
                        "`{}` needs a slice argument (`&[f64]` or `&mut [f64]`): its one shadow \
                         holds all the batch's tangents back to back, and only a slice's length \
                         can be checked against that; `{name}` is `{}`",
                        activity.name(),
                        shown(&param.ty)
                    ),
                );
            }
        }
    }
    if act.unchecked {
        unsafe_reasons.push(format!(
            "`{name}` is marked `unsafe({})`, so its shadow is not checked: it must have exactly \
             the structure of `{name}` (every length and enum variant the derivative walks)",
            activity.name()
        ));
    }
    if activity.is_only() {
        unsafe_reasons.push(format!(
            "`{name}` is `{}`: Enzyme may skip the primal's own writes to `{name}`, leaving it \
             in any state, so `{name}` must not be used again before it is rebuilt; checks \
             cannot prevent that, so std marks this derivative `unsafe` and so does this one",
            activity.name()
        ));
    }
}

fn check_return(cx: &Ctxt, mode: Mode, ty: &syn::Type, act: &Act) {
    if act.unchecked {
        error_at_act(
            cx,
            act,
            "`unsafe(..)` marks an unchecked shadow argument; a return value has none",
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
        && let Some(what) = not_a_scalar(ty, &Shape::Value)
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
    if act.unchecked {
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
    } else if act.activity.has_shadow() && matches!(input.param.shape, Shape::Pointer) {
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

/// A type as the user wrote it, without the token printer's spaces
/// (`&[f64]`, not `& [f64]`; `Vec<f64>`, not `Vec < f64 >`).
fn shown(ty: &syn::Type) -> String {
    let mut text = ty.to_token_stream().to_string();
    for (spaced, tight) in [
        (" <", "<"),
        ("< ", "<"),
        (" >", ">"),
        ("& ", "&"),
        ("* ", "*"),
        (" ,", ","),
        (" ;", ";"),
        ("[ ", "["),
        (" ]", "]"),
        ("( ", "("),
        (" )", ")"),
        (" ::", "::"),
        (":: ", "::"),
    ] {
        text = text.replace(spaced, tight);
    }
    text.replace("->", " -> ").replace("  ", " ")
}

fn error_at_act(cx: &Ctxt, act: &Act, message: impl std::fmt::Display) {
    cx.syn_error(syn::Error::new_spanned(&act.tokens, message));
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Reverse => "reverse-mode",
        Mode::Forward => "forward-mode",
    }
}

/// `Some(description)` when `ty` is visibly not a float scalar.
fn not_a_scalar(ty: &syn::Type, shape: &Shape) -> Option<String> {
    let shown = shown(ty);
    match shape {
        Shape::SharedRef(_) | Shape::MutRef(_) => return Some(format!("a reference (`{shown}`)")),
        Shape::Pointer => return Some(format!("a raw pointer (`{shown}`)")),
        Shape::Value => {}
    }
    match ty {
        syn::Type::Array(_) | syn::Type::Slice(_) => Some(format!("an array (`{shown}`)")),
        syn::Type::Tuple(_) => Some(format!("a tuple (`{shown}`)")),
        syn::Type::Path(path) => {
            let last = path.path.segments.last()?;
            let container = matches!(
                last.ident.to_string().as_str(),
                "Vec"
                    | "VecDeque"
                    | "Box"
                    | "Option"
                    | "Result"
                    | "String"
                    | "Rc"
                    | "Arc"
                    | "HashMap"
                    | "BTreeMap"
                    | "Self"
            ) || !matches!(last.arguments, syn::PathArguments::None);
            container.then(|| format!("a container (`{shown}`)"))
        }
        _ => None,
    }
}

/// The first shared reference inside `ty` (outside `PhantomData`).
fn shared_reference_inside(ty: &syn::Type) -> Option<TokenStream> {
    match ty {
        syn::Type::Reference(reference) if reference.mutability.is_none() => {
            Some(reference.to_token_stream())
        }
        syn::Type::Reference(reference) => shared_reference_inside(&reference.elem),
        syn::Type::Slice(slice) => shared_reference_inside(&slice.elem),
        syn::Type::Array(array) => shared_reference_inside(&array.elem),
        syn::Type::Paren(paren) => shared_reference_inside(&paren.elem),
        syn::Type::Group(group) => shared_reference_inside(&group.elem),
        syn::Type::Tuple(tuple) => tuple.elems.iter().find_map(shared_reference_inside),
        syn::Type::Path(path) => {
            if path.path.segments.last()?.ident == "PhantomData" {
                return None;
            }
            path.path
                .segments
                .iter()
                .find_map(|segment| match &segment.arguments {
                    syn::PathArguments::AngleBracketed(arguments) => {
                        arguments.args.iter().find_map(|argument| match argument {
                            syn::GenericArgument::Type(ty) => shared_reference_inside(ty),
                            _ => None,
                        })
                    }
                    _ => None,
                })
        }
        _ => None,
    }
}

/// `E` for a `&[E]` or `&mut [E]` parameter.
pub fn slice_element(shape: &Shape) -> Option<&syn::Type> {
    match shape {
        Shape::SharedRef(syn::Type::Slice(slice)) | Shape::MutRef(syn::Type::Slice(slice)) => {
            Some(&slice.elem)
        }
        _ => None,
    }
}

/// The type the shadow check compares: the referent for references, the type
/// itself for values.
pub fn checked_type(param: &Param) -> TokenStream {
    match &param.shape {
        Shape::SharedRef(referent) | Shape::MutRef(referent) => referent.to_token_stream(),
        Shape::Value | Shape::Pointer => param.ty.to_token_stream(),
    }
}

/// An expression borrowing `value` (a parameter or shadow of `param`'s shape)
/// as `&T`, `T` being [`checked_type`].
pub fn borrow(param: &Param, value: &TokenStream) -> TokenStream {
    match &param.shape {
        Shape::SharedRef(_) | Shape::MutRef(_) => quote!(&*#value),
        Shape::Value | Shape::Pointer => quote!(&#value),
    }
}
