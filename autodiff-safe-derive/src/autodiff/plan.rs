//! The derivative to generate: each parameter paired with its activity, and
//! every question the generators ask about it, answered once. std's rules
//! for the generated signature (shadow names and types, the seed, return
//! shapes) live here and nowhere else.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::args::{Activity, ActivityArg, Args, Mode};
use super::function::{Function, Param, Passing};
use crate::types;

/// Which backend computes the derivative. Chosen here, once per expansion.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Backend {
    /// Central finite differences, on stable.
    Reference,
    /// std's `#[autodiff_*]`, with the `enzyme` feature.
    Enzyme,
}

impl Backend {
    pub fn selected() -> Self {
        if cfg!(feature = "enzyme") {
            Self::Enzyme
        } else {
            Self::Reference
        }
    }
}

/// One parameter and what the derivative does with it.
pub struct Input<'f> {
    pub param: &'f Param,
    pub act: ActivityArg,
}

pub struct Plan<'f> {
    pub args: &'f Args,
    pub function: &'f Function<'f>,
    pub inputs: Vec<Input<'f>>,
    /// The return value's activity, when the function returns a value.
    pub ret: Option<(syn::Type, ActivityArg)>,
    pub backend: Backend,
}

/// A parameter of the derivative: a primal, one of its shadows, or the seed.
pub struct DerivParam {
    pub name: syn::Ident,
    pub ty: TokenStream,
    pub is_receiver: bool,
}

impl<'f> Plan<'f> {
    /// `None` when the activity count does not match the parameters; the
    /// validator reports that.
    pub fn new(args: &'f Args, function: &'f Function<'f>, backend: Backend) -> Option<Self> {
        if args.activities.len() != expected_activities(function) {
            return None;
        }
        let inputs = function
            .params
            .iter()
            .zip(&args.activities)
            .map(|(param, act)| Input {
                param,
                act: act.clone(),
            })
            .collect();
        let ret = function
            .output
            .as_ref()
            .map(|ty| (ty.clone(), args.activities[function.params.len()].clone()));
        Some(Plan {
            args,
            function,
            inputs,
            ret,
            backend,
        })
    }

    /// The same derivative on another backend: gradcheck runs both.
    pub fn with_backend(&self, backend: Backend) -> Plan<'f> {
        Plan {
            args: self.args,
            function: self.function,
            inputs: self
                .inputs
                .iter()
                .map(|input| Input {
                    param: input.param,
                    act: input.act.clone(),
                })
                .collect(),
            ret: self.ret.clone(),
            backend,
        }
    }

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

    /// The return value's activity, unless it is `Const` or there is none.
    pub fn differentiated_return(&self) -> Option<(&syn::Type, Activity)> {
        self.ret
            .as_ref()
            .filter(|(_, act)| act.activity != Activity::Const)
            .map(|(ty, act)| (ty, act.activity))
    }

    /// Why the derivative is an `unsafe fn`; empty when it is safe.
    pub fn unsafe_reasons(&self) -> Vec<String> {
        let mut reasons = Vec::new();
        for input in &self.inputs {
            let name = &input.param.name;
            let activity = input.act.activity;
            if activity.has_shadow() && matches!(input.param.passing, Passing::Pointer) {
                reasons.push(pointer_reason(activity, name));
            }
            if input.act.unchecked && activity == Activity::Const {
                reasons.push(format!(
                    "`{name}` is marked `unsafe(Const)`: the function must not move an \
                     allocation it reaches through `{name}` (a `Vec`'s or `Box`'s buffer, what \
                     a cell holds) into a differentiated argument or the return value, since \
                     Enzyme would then use that allocation as its own shadow too and both would \
                     free it"
                ));
            } else if input.act.unchecked {
                reasons.push(format!(
                    "`{name}` is marked `unsafe({})`, so its shadow is not checked: it must have \
                     exactly the structure of `{name}` (every length and enum variant the \
                     derivative walks)",
                    activity.name()
                ));
                if self.mode() == Mode::Reverse && matches!(input.param.passing, Passing::MutRef(_))
                {
                    reasons.push(format!(
                        "the function must neither replace an allocation in `{name}` (`*x = \
                         vec![..]`, `*b = Box::new(..)`) nor change an enum variant in it: a \
                         reverse pass frees the new allocation's shadow when it ends, and \
                         reloads pointers from memory a new variant overwrote"
                    ));
                }
            }
            if activity.is_only() {
                reasons.push(format!(
                    "`{name}` is `{}`: Enzyme may skip the primal's own writes to `{name}`, \
                     leaving it in any state, so `{name}` must not be used again before it is \
                     rebuilt; checks cannot prevent that, so std marks this derivative `unsafe` \
                     and so does this one",
                    activity.name()
                ));
            }
        }
        reasons
    }

    /// The shadow parameter names of `input`, in order: `dx_0, dx_1` in
    /// reverse mode and `bx_0, bx_1` in forward mode, as std names them.
    pub fn shadow_names(&self, input: &Input<'_>) -> Vec<syn::Ident> {
        if !input.act.activity.has_shadow() {
            return Vec::new();
        }
        let prefix = match self.mode() {
            Mode::Reverse => "d",
            Mode::Forward => "b",
        };
        let count = if input.act.activity.is_vector() {
            1
        } else {
            self.width()
        };
        let base = syn::ext::IdentExt::unraw(&input.param.name).to_string();
        (0..count)
            .map(|lane| format_ident!("{prefix}{base}_{lane}", span = input.param.name.span()))
            .collect()
    }

    /// The shadow's type: the primal's in forward mode; in reverse mode the
    /// outer reference or pointer made mutable.
    fn shadow_type(&self, param: &Param) -> TokenStream {
        if self.mode() == Mode::Forward {
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

    /// The derivative's parameters, in std's order.
    pub fn derivative_params(&self) -> Vec<DerivParam> {
        let mut params = Vec::new();
        for input in &self.inputs {
            params.push(DerivParam {
                name: input.param.name.clone(),
                ty: input.param.ty.to_token_stream(),
                is_receiver: input.param.is_receiver,
            });
            let ty = self.shadow_type(input.param);
            for name in self.shadow_names(input) {
                params.push(DerivParam {
                    name,
                    ty: ty.clone(),
                    is_receiver: false,
                });
            }
        }
        if let Some((ty, _)) = self.differentiated_return()
            && self.mode() == Mode::Reverse
        {
            params.push(DerivParam {
                name: syn::Ident::new("dret", Span::call_site()),
                ty: ty.to_token_stream(),
                is_receiver: false,
            });
        }
        params
    }

    /// The derivative's parameter declarations: the receiver as the user
    /// wrote it, everything else `name: Type`.
    pub fn param_decls(&self) -> Vec<TokenStream> {
        self.derivative_params()
            .iter()
            .map(|param| {
                if param.is_receiver {
                    self.function.receiver_decl()
                } else {
                    let (name, ty) = (&param.name, &param.ty);
                    quote!(#name: #ty)
                }
            })
            .collect()
    }

    /// The derivative's return type, following std's rules.
    pub fn return_type(&self) -> TokenStream {
        match self.mode() {
            Mode::Reverse => {
                let mut items = Vec::new();
                if let Some((ty, act)) = &self.ret
                    && act.activity != Activity::ActiveOnly
                {
                    items.push(ty.to_token_stream());
                }
                for input in &self.inputs {
                    if input.act.activity == Activity::Active {
                        items.push(input.param.ty.to_token_stream());
                    }
                }
                tuple_or_single(&items)
            }
            Mode::Forward => match &self.ret {
                None => quote!(()),
                Some((ty, act)) => {
                    forward_return(act.activity).ty(&ty.to_token_stream(), self.width())
                }
            },
        }
    }

    /// The derivative's where clause: the primal's, plus the bounds the
    /// checks and the backend need for every parameter type that names a
    /// type parameter, so that generic primals need no bound of their own
    /// (std's don't). Concrete types get none: a missing impl is reported
    /// at the argument, by the check itself.
    pub fn where_clause(&self) -> Option<syn::WhereClause> {
        let generics = &self.function.sig.generics;
        let params: Vec<syn::Ident> = generics
            .type_params()
            .map(|param| param.ident.clone())
            .collect();
        let mut where_clause = generics.where_clause.clone();
        for (ty, bound, span) in self.bounds() {
            if types::mentions_any(&ty, &params) {
                where_clause
                    .get_or_insert_with(|| syn::parse_quote!(where))
                    .predicates
                    .push(syn::parse_quote_spanned!(span=> #ty: #bound));
            }
        }
        where_clause
    }

    /// Every `(type, bound)` the derivative's body relies on, spanned on the
    /// parameter it comes from.
    fn bounds(&self) -> Vec<(syn::Type, TokenStream, Span)> {
        let mut bounds = Vec::new();
        for input in &self.inputs {
            let span = input.param.ty.span();
            if is_checked(input) {
                let checked = if input.act.activity.is_vector() {
                    slice_element(&input.param.passing).cloned()
                } else {
                    Some(checked_type(input.param))
                };
                if let Some(checked) = checked {
                    // The reference backend copies and walks the value too.
                    let bound = match self.backend {
                        Backend::Enzyme => quote_spanned!(span=> ::autodiff_safe::ShadowCheck),
                        Backend::Reference => quote_spanned!(span=>
                            ::autodiff_safe::ShadowCheck + ::autodiff_safe::FloatTree
                        ),
                    };
                    bounds.push((checked, bound, span));
                }
            }
            // The reference backend copies the `Const` state it may write.
            if self.backend == Backend::Reference
                && input.act.activity == Activity::Const
                && matches!(input.param.passing, Passing::MutRef(_))
            {
                bounds.push((
                    checked_type(input.param),
                    quote_spanned!(span=> ::autodiff_safe::__private_0_1::reference::Snapshot),
                    span,
                ));
            }
            if input.act.activity == Activity::Active {
                bounds.push((
                    input.param.ty.clone(),
                    quote_spanned!(span=> ::autodiff_safe::Float),
                    span,
                ));
            }
        }
        // Active and dual returns are float scalars, generic or not.
        if let Some((ty, _)) = self.differentiated_return() {
            let span = ty.span();
            bounds.push((
                ty.clone(),
                quote_spanned!(span=> ::autodiff_safe::Float),
                span,
            ));
        }
        bounds
    }

    /// The user's function called with `arguments`: `f::<T>(a, b)` or
    /// `Self::f::<T>(self, b)`.
    pub fn call_primal(&self, arguments: &[TokenStream]) -> TokenStream {
        self.function.call(self.function.ident(), arguments)
    }
}

/// std's forward-mode return shape for a return of activity `activity`.
pub fn forward_return(activity: Activity) -> ForwardReturn {
    match activity {
        Activity::Const => ForwardReturn::Primal,
        Activity::Dual | Activity::Dualv => ForwardReturn::PrimalAndTangents,
        _ => ForwardReturn::Tangents,
    }
}

pub fn expected_activities(function: &Function<'_>) -> usize {
    function.params.len() + usize::from(function.output.is_some())
}

fn pointer_reason(activity: Activity, name: &syn::Ident) -> String {
    if activity.mode() == Some(Mode::Forward) {
        format!(
            "`{name}` is a raw pointer, so its tangent cannot be checked: every location the \
             primal code reads or writes through `{name}` must also be valid through its \
             tangent, which no other pointer may alias"
        )
    } else {
        format!(
            "`{name}` is a raw pointer, so its shadow cannot be checked: every location the \
             primal code reads through `{name}` must also be valid for reads and writes \
             through its shadow, which no other pointer may alias"
        )
    }
}

/// std's forward-mode return shapes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ForwardReturn {
    /// `Const`: the primal value.
    Primal,
    /// `Dual`, `Dualv`: `(value, tangent)`, or `[value, t_0, .., t_{N-1}]`.
    PrimalAndTangents,
    /// `DualOnly`, `DualvOnly`: `tangent`, or `[t_0, .., t_{N-1}]`.
    Tangents,
}

impl ForwardReturn {
    /// The return type for a float return `ty` and `width` lanes.
    pub fn ty(self, ty: &TokenStream, width: usize) -> TokenStream {
        match self {
            Self::Primal => ty.clone(),
            Self::PrimalAndTangents if width == 1 => quote!((#ty, #ty)),
            Self::PrimalAndTangents => {
                let len = width + 1;
                quote!([#ty; #len])
            }
            Self::Tangents if width == 1 => ty.clone(),
            Self::Tangents => quote!([#ty; #width]),
        }
    }

    /// The return value from the primal value and one tangent per lane,
    /// shaped as [`ty`](Self::ty) says.
    pub fn value(self, primal: &TokenStream, tangents: &[TokenStream]) -> TokenStream {
        match (self, tangents) {
            (Self::Primal, _) => primal.clone(),
            (Self::PrimalAndTangents, [tangent]) => quote!((#primal, #tangent)),
            (Self::PrimalAndTangents, lanes) => quote!([#primal, #(#lanes),*]),
            (Self::Tangents, [tangent]) => tangent.clone(),
            (Self::Tangents, lanes) => quote!([#(#lanes),*]),
        }
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
pub fn is_checked(input: &Input<'_>) -> bool {
    input.act.activity.has_shadow()
        && !input.act.unchecked
        && !matches!(input.param.passing, Passing::Pointer)
}

/// `E` for a `&[E]` or `&mut [E]` parameter.
pub fn slice_element(passing: &Passing) -> Option<&syn::Type> {
    match passing {
        Passing::SharedRef(syn::Type::Slice(slice)) | Passing::MutRef(syn::Type::Slice(slice)) => {
            Some(&slice.elem)
        }
        _ => None,
    }
}

/// The type the shadow check compares: the referent for references, the type
/// itself for values.
pub fn checked_type(param: &Param) -> syn::Type {
    match &param.passing {
        Passing::SharedRef(referent) | Passing::MutRef(referent) => referent.clone(),
        Passing::Value | Passing::Pointer => param.ty.clone(),
    }
}

/// An expression borrowing `value` (a parameter or shadow of `param`'s
/// passing) as `&T`, `T` being [`checked_type`].
pub fn borrow(param: &Param, value: &TokenStream) -> TokenStream {
    match &param.passing {
        Passing::SharedRef(_) | Passing::MutRef(_) => quote!(&*#value),
        Passing::Value | Passing::Pointer => quote!(&#value),
    }
}
