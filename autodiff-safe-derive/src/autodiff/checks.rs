//! The shadow checks every generated function starts with: one
//! `check_argument` call per shadow, in signature order, spanned on the
//! argument so that a missing `ShadowCheck` impl is reported there; the
//! check of an argument behind `&` skips capacities
//! (`check_shared_argument`). And the checks after the call: for every
//! shadow of an argument behind `&mut`, the allocation walk (and, in
//! reverse mode, the comparison with the fingerprint taken before the
//! call), which repair the shadow and keep the first error.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::args::{Activity, Mode};
use super::function::Passing;
use super::plan::{Input, Plan, borrow, checked_type, is_checked, slice_element};

/// What a failed check does.
pub enum OnError {
    /// `return Err(error)`, in `try_d_f`.
    Return,
    /// Panics with it, in a trait impl's `d_f`, which has no `try_` twin.
    Panic,
}

/// `check_argument(..)` for every shadow, in signature order, ending the
/// function at the first error (bound to `error`).
pub fn checks(plan: &Plan<'_>, error: &syn::Ident, on_error: &OnError) -> TokenStream {
    let on_error = match on_error {
        OnError::Return => quote!(return ::core::result::Result::Err(#error);),
        OnError::Panic => quote!(::autodiff_safe::__private_0_1::refuse(&#error)),
    };
    let function = plan.args.name.to_string();
    let mut checks = TokenStream::new();
    for input in &plan.inputs {
        if !is_checked(input) {
            continue;
        }
        let param = input.param;
        let name = &param.name;
        let argument = syn::ext::IdentExt::unraw(name).to_string();
        let span = if param.is_receiver {
            param.tokens.span()
        } else {
            param.ty.span()
        };
        let primal = borrow(param, &name.to_token_stream());
        for shadow in plan.shadow_names(input) {
            let shadow_name = shadow.to_string();
            let shadow_value = borrow(param, &shadow.to_token_stream());
            let call = if input.act.activity.is_vector() {
                let element = slice_element(&param.passing).map(ToTokens::to_token_stream);
                let width = plan.width();
                quote_spanned! {span=>
                    ::autodiff_safe::__private_0_1::check_vector_argument::<#element>(
                        #function, #argument, #shadow_name, #width, #primal, #shadow_value,
                    )
                }
            } else {
                let checked = checked_type(param);
                // Behind `&` the primal cannot be written, so its spare
                // capacity is never addressed: the check skips capacities,
                // all the way down.
                let check = if matches!(param.passing, Passing::SharedRef(_)) {
                    quote!(check_shared_argument)
                } else {
                    quote!(check_argument)
                };
                quote_spanned! {span=>
                    ::autodiff_safe::__private_0_1::#check::<#checked>(
                        #function, #argument, #shadow_name, #primal, #shadow_value,
                    )
                }
            };
            checks.extend(quote! {
                if let ::core::result::Result::Err(#error) = #call {
                    #on_error
                }
            });
        }
    }
    checks
}

/// Whether the check after the call walks `input`'s shadows: checked
/// arguments behind `&mut` (`&mut self` included), the only ones a function
/// can move an allocation into and the caller then still holds. By-value
/// arguments are moved into the function and dropped there; `&` ones cannot
/// change; returned shadows are `Float` scalars, which own nothing.
pub fn is_walked_after_call(input: &Input<'_>) -> bool {
    is_checked(input) && matches!(input.param.passing, Passing::MutRef(_))
}

/// The local holding `input`'s fingerprint, taken before a reverse call.
fn fingerprint_local(input: &Input<'_>) -> syn::Ident {
    let base = syn::ext::IdentExt::unraw(&input.param.name).to_string();
    format_ident!("__autodiff_safe_before_{}", base, span = Span::mixed_site())
}

/// Before the call: the compile-time assertion that each walked argument's
/// type walks its allocations, and in reverse mode the fingerprint of its
/// allocations.
pub fn before_call(plan: &Plan<'_>) -> TokenStream {
    let function = plan.args.name.to_string();
    let mut tokens = TokenStream::new();
    for input in plan
        .inputs
        .iter()
        .filter(|input| is_walked_after_call(input))
    {
        let param = input.param;
        let span = if param.is_receiver {
            param.tokens.span()
        } else {
            param.ty.span()
        };
        let checked = checked_type(param);
        let argument = syn::ext::IdentExt::unraw(&param.name).to_string();
        let message = format!(
            "{function}: the type of `{argument}` implements `ShadowCheck` without the \
             allocation walk (`ALLOCATIONS_WALKED` is false), so its shadow cannot be checked \
             after the call: implement `walk_allocations` and set `ALLOCATIONS_WALKED = true` \
             (see `ShadowCheck`'s `# Safety`), derive `ShadowCheck`, or pass `{argument}` \
             behind `&`"
        );
        tokens.extend(quote_spanned! {span=>
            const {
                ::core::assert!(
                    <#checked as ::autodiff_safe::ShadowCheck>::ALLOCATIONS_WALKED,
                    #message,
                );
            }
        });
        let local = fingerprint_local(input);
        let name = &param.name;
        let primal = borrow(param, &name.to_token_stream());
        let fingerprint = match plan.mode() {
            Mode::Reverse => quote_spanned! {span=>
                ::core::option::Option::Some(
                    ::autodiff_safe::__private_0_1::fingerprint::<#checked>(#primal),
                )
            },
            Mode::Forward => quote!(::core::option::Option::None),
        };
        tokens.extend(quote! {
            let #local: ::core::option::Option<(::core::primitive::u64, ::core::primitive::u64)> =
                #fingerprint;
        });
    }
    tokens
}

/// After the call: every shadow of every walked argument is checked and,
/// on a violation, repaired; `result` ends up holding the first error.
pub fn after_call(plan: &Plan<'_>, result: &syn::Ident) -> TokenStream {
    let function = plan.args.name.to_string();
    let mut tokens = quote! {
        let mut #result: ::core::result::Result<(), ::autodiff_safe::ShadowError> =
            ::core::result::Result::Ok(());
    };
    for input in plan
        .inputs
        .iter()
        .filter(|input| is_walked_after_call(input))
    {
        let param = input.param;
        let name = &param.name;
        let span = if param.is_receiver {
            param.tokens.span()
        } else {
            param.ty.span()
        };
        let argument = syn::ext::IdentExt::unraw(name).to_string();
        let before = fingerprint_local(input);
        let primal = borrow(param, &name.to_token_stream());
        for shadow in plan.shadow_names(input) {
            let shadow_name = shadow.to_string();
            let (walk, element) = if input.act.activity.is_vector() {
                (
                    quote!(after_call_vector),
                    slice_element(&param.passing).map(ToTokens::to_token_stream),
                )
            } else if let Some(element) = slice_element(&param.passing) {
                (quote!(after_call_slice), Some(element.to_token_stream()))
            } else {
                (
                    quote!(after_call),
                    Some(checked_type(param).to_token_stream()),
                )
            };
            tokens.extend(quote_spanned! {span=>
                #result = ::autodiff_safe::__private_0_1::#walk::<#element>(
                    #result, #function, #argument, #shadow_name, #primal, &mut *#shadow, #before,
                );
            });
        }
    }
    tokens
}

/// The reverse-mode structure rule, at compile time: a `Duplicated`
/// argument behind `&mut` must have a structure no value can change.
///
/// A check after the call cannot undo what a reverse pass already did: a
/// fresh allocation stored into the argument leaves the caller's shadow
/// pointing at one Enzyme frees when the pass ends, and a changed enum
/// variant makes the pass reload a pointer from memory the new variant
/// overwrote (an arbitrary write). So its type's
/// `ShadowCheck::STRUCTURE_IS_FIXED` must be `true`: floats, arrays,
/// tuples, fieldless enums and derived structs of them. A slice's length
/// cannot change, so `&mut [T]` needs it of `T`. The traits decide, so user
/// types and generics are covered; a hand-written impl's default (`false`)
/// refuses.
pub fn structure_rules(plan: &Plan<'_>) -> TokenStream {
    if plan.mode() != Mode::Reverse {
        return TokenStream::new();
    }
    let function = plan.args.name.to_string();
    let mut tokens = TokenStream::new();
    for input in &plan.inputs {
        let param = input.param;
        if input.act.activity != Activity::Duplicated
            || input.act.unchecked
            || !matches!(param.passing, Passing::MutRef(_))
        {
            continue;
        }
        let span = if param.is_receiver {
            param.tokens.span()
        } else {
            param.ty.span()
        };
        let checked = slice_element(&param.passing)
            .cloned()
            .unwrap_or_else(|| checked_type(param));
        let argument = syn::ext::IdentExt::unraw(&param.name).to_string();
        let message = format!(
            "{function}: `{argument}` is `Duplicated` behind `&mut` in reverse mode, and its type \
             can own an allocation or change an enum variant: a function that stores a new \
             allocation in it (`*x = vec![..]`, `*b = Box::new(..)`) leaves the caller's shadow \
             dangling once the reverse pass frees the new one, and a change of variant makes the \
             reverse pass write through a pointer the new variant overwrote; pass `&` when the \
             function only reads `{argument}`, pass its floats as `&mut [f64]`, or write \
             `unsafe(Duplicated)` (an `unsafe fn`: the function must neither replace an \
             allocation nor change a variant in it)"
        );
        let assert = quote_spanned! {span=>
            ::core::assert!(
                <#checked as ::autodiff_safe::ShadowCheck>::STRUCTURE_IS_FIXED,
                #message,
            );
        };
        // A `const` item is evaluated even where the derivative is never
        // used, by `cargo check` too; an inline `const { .. }` only where the
        // derivative is instantiated, but it can name the function's
        // generics and `Self`.
        tokens.extend(if nameable_in_nested_item(plan, &checked) {
            quote_spanned!(span=> const _: () = { #assert };)
        } else {
            quote_spanned!(span=> const { #assert })
        });
    }
    tokens
}

/// Whether an item nested in the derivative's body can name `ty`: in a free
/// function (an associated one may use its impl's generics, which a nested
/// item cannot), a type that mentions none of the function's own generics,
/// no `Self` and no lifetime but `'static`.
fn nameable_in_nested_item(plan: &Plan<'_>, ty: &syn::Type) -> bool {
    if plan.function.is_associated() {
        return false;
    }
    let generics = &plan.function.sig.generics;
    let names: Vec<String> = generics
        .type_params()
        .map(|param| param.ident.to_string())
        .chain(generics.const_params().map(|param| param.ident.to_string()))
        .collect();
    nameable_tokens(ty.to_token_stream(), &names)
}

fn nameable_tokens(tokens: TokenStream, generics: &[String]) -> bool {
    let mut after_quote = false;
    for token in tokens {
        let nameable = match &token {
            proc_macro2::TokenTree::Group(group) => nameable_tokens(group.stream(), generics),
            proc_macro2::TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let lifetime_ok = !after_quote || name == "static";
                lifetime_ok && name != "Self" && name != "impl" && !generics.contains(&name)
            }
            proc_macro2::TokenTree::Punct(_) | proc_macro2::TokenTree::Literal(_) => true,
        };
        if !nameable {
            return false;
        }
        after_quote = matches!(
            &token,
            proc_macro2::TokenTree::Punct(punct) if punct.as_char() == '\''
        );
    }
    true
}
