//! The Enzyme backend's body: std's own `#[autodiff_*]` on a primal that
//! forwards to the user's function, under a name no user code can reach
//! without `unsafe`.
//!
//! Where the primal and std's raw derivative go depends on what they must
//! name ([`Placement`]):
//!
//! - **Nested** in the derivative's body, so that nothing else can name
//!   them: free and nested functions; methods of a trait `impl` with
//!   `#[autodiff_impl]`, whose self type the block attribute names (a nested
//!   `fn` cannot name `Self`, so there it names the type); and methods of a
//!   trait with `#[autodiff_trait]`, where the nested primal is generic over
//!   the implementor (`fn primal<S: ?Sized + Trait>(this: &S, ..)`, called
//!   as `raw::<Self>(..)`). A provided trait method could be overridden by
//!   an implementor, who would then be handed whatever the checked
//!   derivative passes it; a nested `fn` is no trait item, so there is
//!   nothing to override and no token to hand out.
//! - **Sibling**: methods of a plain or `#[autodiff_impl]` inherent `impl`,
//!   where `Self` is only known as `Self` and no generic can stand for it
//!   (inherent methods are not reached through a trait bound). The primal is
//!   a `#[doc(hidden)]` sibling in the same block. Code in the same module
//!   could name std's raw derivative there, so its primal takes one more
//!   `Const` argument, a `&__private::Unchecked` that only the
//!   `unsafe fn __private::unchecked()` hands out: calling the raw
//!   derivative without the checks needs `unsafe`, and states its contract.
//!   Inherent methods cannot be overridden, so the token reaches no user
//!   code.
//!
//! Every argument of the raw call is passed through `__private::exact`,
//! typed as the raw derivative's parameter, so that no coercion (a user
//! `Deref` or `DerefMut`) runs between the checks and Enzyme; the block
//! marker's claims are confirmed in the body (`Context::confirmed`).
//!
//! Forward-mode `Dual` arguments passed by value (other than float scalars)
//! reach the hidden primal by reference, as `&mut ManuallyDrop<T>`. This
//! Enzyme pairs primals and tangents wrongly for by-value arguments that
//! rustc passes as two scalars (a struct or tuple of two floats): raw
//! `std::autodiff` returns `(0.0, tangent)` for them. Behind a reference the
//! argument is a pointer and its derivative is right. The derivative wraps
//! the value and each shadow in a `ManuallyDrop` temporary and never touches
//! them again; the hidden primal moves the value out with
//! `ManuallyDrop::take` and calls the user's function with it, which owns and
//! drops it as it would have by value. Taking twice would be a double drop,
//! so such a hidden primal is an `unsafe fn` (and so is std's raw derivative
//! of it): each of its moved arguments must be a `ManuallyDrop` that nothing
//! uses or drops afterwards. `ManuallyDrop<T>` has `T`'s layout, so Enzyme
//! differentiates exactly a `&mut T` argument; an earlier version boxed the
//! value instead, which cost two allocations and two frees per call (about
//! 300 instructions against 22 for the derivative itself, BENCHMARKS.md).

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};

use super::Body;
use crate::autodiff::args::{Activity, Mode};
use crate::autodiff::context::{self, Context};
use crate::autodiff::function::{Param, Passing, turbofish};
use crate::autodiff::plan::{Input, Plan};
use crate::types;

/// Where the hidden primal and the raw derivative are items.
enum Placement<'p> {
    /// In the derivative's body, where nothing else can name them.
    Nested(Nest<'p>),
    /// Next to the derivative, behind the `Unchecked` argument: methods of
    /// inherent impls, which no implementor can override.
    Sibling,
}

/// What a nested primal names in place of `Self`, which a nested `fn`
/// cannot name.
enum Nest<'p> {
    /// A free or nested function: no `Self`.
    Free,
    /// A trait impl: the impl's self type.
    TraitImpl(&'p syn::ItemImpl),
    /// A trait declaration: a type parameter bounded by the trait, called
    /// as `raw::<Self>(..)`. A provided trait method could be overridden
    /// by an implementor; a `fn` nested in one cannot, so no implementor
    /// can replace std's raw derivative or its primal, and none is handed a
    /// token.
    Trait(&'p syn::ItemTrait),
}

fn placement<'p>(plan: &'p Plan<'_>) -> Placement<'p> {
    match &plan.function.context {
        Context::TraitImpl(item) => Placement::Nested(Nest::TraitImpl(item)),
        Context::Trait(item) => Placement::Nested(Nest::Trait(item)),
        Context::Free if !plan.function.has_receiver => Placement::Nested(Nest::Free),
        Context::Free | Context::Inherent => Placement::Sibling,
    }
}

/// The type parameter that stands for `Self` in a primal nested in a trait's
/// provided method.
fn trait_self() -> syn::Ident {
    syn::Ident::new("__AutodiffSafeSelf", Span::call_site())
}

/// A hygienic name for a hidden primal's own parameter.
fn hidden(name: &str) -> syn::Ident {
    syn::Ident::new(name, Span::mixed_site())
}

/// Whether `input` reaches the hidden primal as `&mut ManuallyDrop<T>`, to
/// be moved out there (see the module docs).
/// A by-value argument written `f32` or `f64` stays by value: the written
/// name is confirmed by [`confirmed_floats`].
fn is_moved(plan: &Plan<'_>, input: &Input<'_>) -> bool {
    has_by_value_tangent(plan, input) && !types::is_float(&input.param.ty)
}

pub fn body(plan: &Plan<'_>) -> Body {
    let placement = placement(plan);
    let hidden_primal = HiddenPrimal::new(plan, &placement);
    let primal_item = hidden_primal.item(plan);
    let raw_call = raw_call(plan, &placement, &hidden_primal);
    let floats = confirmed_floats(plan);
    match placement {
        Placement::Sibling => Body {
            expr: quote! {{
                #floats
                #raw_call
            }},
            siblings: quote! {
                #[doc(hidden)]
                #primal_item
            },
        },
        Placement::Nested(_) => Body {
            expr: quote! {{
                #floats
                #primal_item
                #raw_call
            }},
            siblings: TokenStream::new(),
        },
    }
}

/// Every type std's attribute is handed as a float scalar, confirmed to be
/// `f32` or `f64` by the sealed `Float`: `Active`
/// arguments, a differentiated return, and by-value `Dual` arguments that
/// [`is_moved`] lets through by value because they are *written* `f32` or
/// `f64` (an alias named `f64` must not steer that path). Generic types are
/// bounded by `Float` already; the call costs nothing at run time.
fn confirmed_floats(plan: &Plan<'_>) -> TokenStream {
    let inputs = plan.inputs.iter().filter(|input| {
        input.act.activity == Activity::Active
            || (has_by_value_tangent(plan, input) && !is_moved(plan, input))
    });
    let types = inputs
        .map(|input| &input.param.ty)
        .chain(plan.differentiated_return().map(|(ty, _)| ty));
    types
        .map(|ty| {
            let span = syn::spanned::Spanned::span(ty);
            quote_spanned! {span=>
                ::autodiff_safe::__private_0_1::confirm_float::<#ty>();
            }
        })
        .collect()
}

/// A forward-mode `Dual` argument passed by value.
fn has_by_value_tangent(plan: &Plan<'_>, input: &Input<'_>) -> bool {
    plan.mode() == Mode::Forward
        && matches!(input.act.activity, Activity::Dual | Activity::DualOnly)
        && matches!(input.param.passing, Passing::Value)
}

/// The primal std differentiates: the user's function behind a forwarding
/// call, with the token and the moved values.
struct HiddenPrimal {
    name: syn::Ident,
    raw: syn::Ident,
    generics: syn::Generics,
    params: Vec<TokenStream>,
    activities: Vec<TokenStream>,
    output: TokenStream,
    call: TokenStream,
    /// Where the token goes among the raw derivative's arguments.
    token_at: Option<usize>,
    /// Replaces `Self` in a nested primal's signature.
    self_ty: Option<TokenStream>,
    /// Whether some argument is moved out of a `ManuallyDrop`, which makes
    /// the primal (and std's raw derivative) an `unsafe fn`.
    moves: bool,
}

impl HiddenPrimal {
    fn new(plan: &Plan<'_>, placement: &Placement<'_>) -> Self {
        let name = &plan.args.name;
        let (primal, raw) = match placement {
            Placement::Sibling => (
                format_ident!("__autodiff_safe_primal_{}", name),
                format_ident!("__autodiff_safe_raw_{}", name),
            ),
            Placement::Nested(_) => (
                format_ident!("__autodiff_safe_primal"),
                format_ident!("__autodiff_safe_raw"),
            ),
        };
        let mut activities: Vec<TokenStream> = plan
            .args
            .activities
            .iter()
            .map(|act| format_ident!("{}", act.activity.name(), span = act.span).to_token_stream())
            .collect();
        let (mut params, self_ty, generics, call) = match placement {
            Placement::Nested(Nest::TraitImpl(item)) => nested_in_trait_impl(plan, item),
            Placement::Nested(Nest::Trait(item)) => nested_in_trait(plan, item),
            Placement::Nested(Nest::Free) | Placement::Sibling => (
                primal_params(plan),
                None,
                plan.function.sig.generics.clone(),
                plan.call_primal(&forwarded(plan)),
            ),
        };
        let mut token_at = None;
        if let Placement::Sibling = placement {
            // After the receiver, which std requires first.
            let at = usize::from(plan.function.has_receiver);
            let token = hidden("__autodiff_safe_unchecked");
            activities.insert(at, quote!(Const));
            params.insert(
                at,
                quote!(#token: &'static ::autodiff_safe::__private_0_1::Unchecked),
            );
            // After the receiver's shadows, where std puts the token's
            // (absent) shadow.
            let receiver_shadows = plan
                .inputs
                .first()
                .filter(|input| input.param.is_receiver)
                .map_or(0, |input| plan.shadow_names(input).len());
            token_at = Some(at + receiver_shadows);
        }
        let output = match &plan.function.sig.output {
            syn::ReturnType::Default => TokenStream::new(),
            syn::ReturnType::Type(arrow, ty) => {
                let ty = replace_self(&ty.to_token_stream(), self_ty.as_ref());
                quote!(#arrow #ty)
            }
        };
        Self {
            name: primal,
            raw,
            generics,
            params,
            activities,
            output,
            call,
            token_at,
            self_ty,
            moves: plan.inputs.iter().any(|input| is_moved(plan, input)),
        }
    }

    fn item(&self, plan: &Plan<'_>) -> TokenStream {
        let std_macro = format_ident!("{}", plan.mode().std_macro());
        let width = plan.args.width_tokens.as_ref().map(|width| quote!(#width,));
        let Self {
            name,
            raw,
            generics,
            params,
            activities,
            output,
            call,
            moves,
            ..
        } = self;
        let self_ty = self.self_ty.as_ref();
        let where_clause = replace_self(&generics.where_clause.to_token_stream(), self_ty);
        let generics = replace_self(&generics.to_token_stream(), self_ty);
        // Safety contract: every `ManuallyDrop` argument is moved out here,
        // so the caller must neither use nor drop it afterwards.
        let unsafety = moves.then(|| quote!(unsafe));
        let vis = self.sibling_visibility(plan);
        let params = params.iter().map(|param| replace_self(param, self_ty));
        quote! {
            #[::std::autodiff::#std_macro(#raw, #width #(#activities),*)]
            #[allow(
                clippy::too_many_arguments,
                clippy::needless_pass_by_value,
                clippy::used_underscore_binding,
                non_snake_case
            )]
            #vis #unsafety fn #name #generics (#(#params),*) #output #where_clause {
                #call
            }
        }
    }

    /// `pub(self)` on a sibling primal, spanned on the derivative's name:
    /// private, as it would be anyway, in an inherent `impl`, and refused
    /// (E0449, "visibility qualifiers are not permitted here") in a trait.
    /// A method the block attribute did not mark may be a trait's provided
    /// method, where a sibling would be an item an implementor could
    /// override and be handed the token through; such a trait needs
    /// `#[autodiff_trait]`, under which the primal is nested instead.
    fn sibling_visibility(&self, plan: &Plan<'_>) -> TokenStream {
        if self.token_at.is_none() {
            return TokenStream::new();
        }
        let span = plan.args.name.span();
        quote_spanned!(span=> pub(self))
    }
}

/// std's raw derivative called with the derivative's own arguments (in a
/// `ManuallyDrop` temporary where the hidden primal moves the value out,
/// with the token where it takes one).
fn raw_call(plan: &Plan<'_>, placement: &Placement<'_>, primal: &HiddenPrimal) -> TokenStream {
    let moved: Vec<syn::Ident> = plan
        .inputs
        .iter()
        .filter(|input| is_moved(plan, input))
        .flat_map(|input| std::iter::once(input.param.name.clone()).chain(plan.shadow_names(input)))
        .collect();
    // Each argument typed exactly as the raw derivative's parameter (`Self`
    // as the nested primal names it), so that nothing coerces it: no user
    // `Deref` or `DerefMut` runs between the checks and Enzyme.
    // A trait impl's primal names the self type; a trait's is called with
    // `Self` itself.
    let self_ty = match placement {
        Placement::Nested(Nest::TraitImpl(_)) => primal.self_ty.as_ref(),
        _ => None,
    };
    let mut arguments: Vec<TokenStream> = plan
        .derivative_params()
        .iter()
        .map(|param| {
            let name = &param.name;
            let ty = replace_self(&param.ty, self_ty);
            let (value, ty) = if moved.contains(name) {
                // A temporary that lives until the end of the call's
                // statement and is never dropped: the primal owns the value.
                (
                    quote!(&mut ::core::mem::ManuallyDrop::new(#name)),
                    quote!(&mut ::core::mem::ManuallyDrop<#ty>),
                )
            } else if is_mut_reference(&param.ty) {
                // Reborrowed, as a plain argument would be: `exact` is
                // generic, so it would move the `&mut`, which the checks
                // after the call still read. `&mut *x` has `x`'s own type.
                (quote!(&mut *#name), ty)
            } else {
                (quote!(#name), ty)
            };
            quote!(::autodiff_safe::__private_0_1::exact::<_, #ty>(#value))
        })
        .collect();
    if let Some(at) = primal.token_at {
        arguments.insert(at, quote!(::autodiff_safe::__private_0_1::unchecked()));
    }
    let call = match placement {
        Placement::Sibling => plan.function.call(&primal.raw, &arguments),
        Placement::Nested(nest) => {
            let raw = &primal.raw;
            let mut turbofish = turbofish(&primal.generics);
            if let Nest::Trait(_) = nest {
                // `raw::<Self, ..>`: the trait's `Self` is the primal's first
                // type parameter.
                turbofish = replace_ident(&turbofish, &trait_self(), &quote!(Self));
            }
            quote!(#raw #turbofish (#(#arguments),*))
        }
    };
    if plan.raw_is_unsafe() || primal.token_at.is_some() || primal.moves {
        quote! {
            // SAFETY: every checkable shadow was checked above, which is the
            // contract of `__private::unchecked`; std marks derivatives with
            // `*Only` inputs `unsafe`, and this function is then `unsafe` for
            // the same reason and forwards its caller's guarantee; every
            // `ManuallyDrop` argument is a temporary of this statement that
            // nothing uses or drops after the primal has moved it out.
            unsafe { #call }
        }
    } else {
        call
    }
}

/// A nested primal's parameters, the type standing for `Self`, its
/// generics and its call of the user's function.
type Nested = (
    Vec<TokenStream>,
    Option<TokenStream>,
    syn::Generics,
    TokenStream,
);

/// A nested primal inside a trait impl: the impl's generics join the
/// method's, the receiver becomes a parameter of the self type, and the
/// call names the trait.
fn nested_in_trait_impl(plan: &Plan<'_>, item: &syn::ItemImpl) -> Nested {
    let self_ty = item.self_ty.to_token_stream();
    let trait_path = item.trait_.as_ref().map(|(_, path, _)| path);
    nested_method(
        plan,
        self_ty,
        item.generics.clone(),
        &trait_path.to_token_stream(),
    )
}

/// A nested primal inside a trait's provided method: generic over the
/// implementor (`?Sized`, as a trait's `Self` is), with the trait's own
/// generics and where clause, called as `raw::<Self, ..>`.
fn nested_in_trait(plan: &Plan<'_>, item: &syn::ItemTrait) -> Nested {
    let this = trait_self();
    let trait_path = context::trait_path(item);
    let mut generics = item.generics.clone();
    generics.params.insert(
        0,
        syn::parse_quote!(#this: ?::core::marker::Sized + #trait_path),
    );
    nested_method(plan, this.to_token_stream(), generics, &trait_path)
}

/// A nested primal of a method: `generics` (the block's) join the
/// method's, the receiver becomes a parameter of `self_ty`, and the call
/// names `trait_path`.
fn nested_method(
    plan: &Plan<'_>,
    self_ty: TokenStream,
    mut generics: syn::Generics,
    trait_path: &TokenStream,
) -> Nested {
    let method = &plan.function.sig.generics;
    generics.params.extend(method.params.iter().cloned());
    if let Some(method_where) = &method.where_clause {
        generics
            .make_where_clause()
            .predicates
            .extend(method_where.predicates.iter().cloned());
    }
    let this = hidden("__autodiff_safe_this");
    let params = plan
        .inputs
        .iter()
        .map(|input| {
            let param = input.param;
            let name = if param.is_receiver {
                &this
            } else {
                &param.name
            };
            let ty = &param.ty;
            if is_moved(plan, input) {
                quote!(#name: &mut ::core::mem::ManuallyDrop<#ty>)
            } else {
                quote!(#name: #ty)
            }
        })
        .collect();
    let forwarded: Vec<TokenStream> = plan
        .inputs
        .iter()
        .map(|input| {
            let name = if input.param.is_receiver {
                &this
            } else {
                &input.param.name
            };
            if is_moved(plan, input) {
                take(name)
            } else {
                quote!(#name)
            }
        })
        .collect();
    let primal = plan.function.ident();
    let turbofish = plan.function.turbofish();
    let call = quote!(<#self_ty as #trait_path>::#primal #turbofish (#(#forwarded),*));
    (params, Some(self_ty), generics, call)
}

/// `tokens` with every `Self` replaced by `self_ty`, when there is one.
fn replace_self(tokens: &TokenStream, self_ty: Option<&TokenStream>) -> TokenStream {
    match self_ty {
        Some(self_ty) => {
            replace_ident(tokens, &syn::Ident::new("Self", Span::call_site()), self_ty)
        }
        None => tokens.clone(),
    }
}

/// `tokens` with every `from` replaced by `to`.
fn replace_ident(tokens: &TokenStream, from: &syn::Ident, to: &TokenStream) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|tree| match tree {
            proc_macro2::TokenTree::Ident(ident) if ident == *from => to.clone(),
            proc_macro2::TokenTree::Group(group) => {
                let mut replaced = proc_macro2::Group::new(
                    group.delimiter(),
                    replace_ident(&group.stream(), from, to),
                );
                replaced.set_span(group.span());
                proc_macro2::TokenTree::Group(replaced).into_token_stream()
            }
            other => other.into_token_stream(),
        })
        .collect()
}

/// The hidden primal's parameters: the user's, with by-value `Dual` values
/// behind `&mut ManuallyDrop`.
fn primal_params(plan: &Plan<'_>) -> Vec<TokenStream> {
    plan.inputs
        .iter()
        .map(|input| {
            let param = input.param;
            if is_moved(plan, input) {
                let ty = &param.ty;
                let name = moved_name(param);
                quote!(#name: &mut ::core::mem::ManuallyDrop<#ty>)
            } else if param.is_receiver {
                match &param.passing {
                    Passing::MutRef(_) => quote!(&mut self),
                    Passing::SharedRef(_) => quote!(&self),
                    _ => quote!(self),
                }
            } else {
                let (name, ty) = (&param.name, &param.ty);
                quote!(#name: #ty)
            }
        })
        .collect()
}

/// A moved parameter's name: its own, or a stand-in for `self`.
fn moved_name(param: &Param) -> syn::Ident {
    if param.is_receiver {
        hidden("__autodiff_safe_self")
    } else {
        param.name.clone()
    }
}

/// The hidden primal's call of the user's function: moved values taken out.
fn forwarded(plan: &Plan<'_>) -> Vec<TokenStream> {
    plan.inputs
        .iter()
        .map(|input| {
            if is_moved(plan, input) {
                take(&moved_name(input.param))
            } else {
                input.param.name.to_token_stream()
            }
        })
        .collect()
}

/// Moves a hidden primal's `&mut ManuallyDrop<T>` argument out, once.
fn take(name: &syn::Ident) -> TokenStream {
    quote! {
        // SAFETY: the hidden primal's contract: `#name` is a `ManuallyDrop`
        // that nothing uses or drops after this call, and this is its only
        // take.
        unsafe { ::core::mem::ManuallyDrop::take(#name) }
    }
}

/// Whether a derivative parameter's type is written `&mut ..`.
fn is_mut_reference(ty: &TokenStream) -> bool {
    matches!(
        syn::parse2::<syn::Type>(ty.clone()),
        Ok(syn::Type::Reference(reference)) if reference.mutability.is_some()
    )
}
