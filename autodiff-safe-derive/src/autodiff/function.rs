//! The annotated function, reduced to its parameters and return type.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::context::Context;
use crate::ctxt::Ctxt;
use crate::types;

/// How a parameter holds its data: what a shadow of it looks like.
#[derive(Clone)]
pub enum Passing {
    /// `&T` (or `&self`): `T` is the referent.
    SharedRef(syn::Type),
    /// `&mut T` (or `&mut self`).
    MutRef(syn::Type),
    /// `*const T` / `*mut T`.
    Pointer,
    /// By value.
    Value,
}

pub struct Param {
    /// `self` for the receiver.
    pub name: syn::Ident,
    /// The parameter's type; `Self`, `&Self` or `&mut Self` for receivers.
    pub ty: syn::Type,
    pub passing: Passing,
    pub is_receiver: bool,
    /// The tokens errors about this parameter point at.
    pub tokens: TokenStream,
}

pub struct Function<'a> {
    pub vis: &'a syn::Visibility,
    pub sig: &'a syn::Signature,
    pub params: Vec<Param>,
    /// `None` for `()` (written or implied).
    pub output: Option<syn::Type>,
    pub has_receiver: bool,
    pub context: Context,
}

impl<'a> Function<'a> {
    /// `None` when a parameter was refused: the activity count would be
    /// off, and one error is enough.
    pub fn new(
        cx: &Ctxt,
        vis: &'a syn::Visibility,
        sig: &'a syn::Signature,
        context: Context,
    ) -> Option<Self> {
        refuse_qualifiers(cx, sig);
        let mut params = Vec::new();
        let mut refused = false;
        for input in &sig.inputs {
            let param = match input {
                syn::FnArg::Receiver(receiver) => receiver_param(cx, receiver),
                syn::FnArg::Typed(typed) => typed_param(cx, typed),
            };
            match param {
                Some(param) => params.push(param),
                None => refused = true,
            }
        }
        let output = match &sig.output {
            syn::ReturnType::Default => None,
            syn::ReturnType::Type(_, ty) => match &**ty {
                syn::Type::Tuple(tuple) if tuple.elems.is_empty() => None,
                ty => Some(ty.clone()),
            },
        };
        if refused {
            return None;
        }
        let has_receiver = params.iter().any(|param| param.is_receiver);
        Some(Function {
            vis,
            sig,
            params,
            output,
            has_receiver,
            context,
        })
    }

    pub fn ident(&self) -> &syn::Ident {
        &self.sig.ident
    }

    /// The receiver as the user wrote it (`&mut self`), or nothing.
    pub fn receiver_decl(&self) -> TokenStream {
        self.sig
            .inputs
            .iter()
            .find_map(|input| match input {
                syn::FnArg::Receiver(receiver) => Some(receiver.to_token_stream()),
                syn::FnArg::Typed(_) => None,
            })
            .unwrap_or_default()
    }

    /// Whether the function is an associated item, called through `Self::`.
    pub fn is_associated(&self) -> bool {
        self.has_receiver || self.context.is_associated()
    }

    /// A call of `callee`, a function generated next to this one with the
    /// same generic parameters: `callee::<T>(args)`, or `Self::callee::<T>(args)`
    /// for an associated function.
    pub fn call(&self, callee: &syn::Ident, arguments: &[TokenStream]) -> TokenStream {
        let turbofish = self.turbofish();
        if self.is_associated() {
            quote!(Self::#callee #turbofish (#(#arguments),*))
        } else {
            quote!(#callee #turbofish (#(#arguments),*))
        }
    }

    /// `::<T, N>`, the turbofish naming the function's own type and const
    /// parameters (lifetimes are left to inference).
    pub fn turbofish(&self) -> TokenStream {
        turbofish(&self.sig.generics)
    }
}

/// `self`, `&self` or `&mut self`, typed as `Self`, `&Self` or `&mut Self`.
fn receiver_param(cx: &Ctxt, receiver: &syn::Receiver) -> Option<Param> {
    if receiver.colon_token.is_some() {
        cx.error_spanned_by(
            receiver,
            "write the receiver as `self`, `&self` or `&mut self`",
        );
        return None;
    }
    // Spanned on `self`, so that an error about `Self` (no `ShadowCheck`)
    // points at the receiver.
    let span = receiver.self_token.span;
    let self_ty: syn::Type = syn::parse_quote_spanned!(span=> Self);
    let (passing, ty) = match (&receiver.reference, &receiver.mutability) {
        (Some(_), Some(_)) => (
            Passing::MutRef(self_ty),
            syn::parse_quote_spanned!(span=> &mut Self),
        ),
        (Some(_), None) => (
            Passing::SharedRef(self_ty),
            syn::parse_quote_spanned!(span=> &Self),
        ),
        (None, _) => (Passing::Value, self_ty),
    };
    Some(Param {
        name: syn::Ident::new("self", span),
        ty,
        passing,
        is_receiver: true,
        tokens: receiver.to_token_stream(),
    })
}

fn typed_param(cx: &Ctxt, typed: &syn::PatType) -> Option<Param> {
    let name = match &*typed.pat {
        syn::Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => pat.ident.clone(),
        other => {
            cx.error_spanned_by(
                other,
                "autodiff names each shadow after its argument: bind this argument to a plain \
                 name (`x: T`) and destructure it in the body",
            );
            return None;
        }
    };
    if let Some(impl_trait) = types::impl_trait_inside(&typed.ty) {
        cx.error_spanned_by(
            impl_trait,
            "`impl Trait` arguments are not supported: the derivative calls the function with \
             explicit generic arguments; use a named type parameter",
        );
    }
    Some(Param {
        name,
        ty: (*typed.ty).clone(),
        passing: passing_of(&typed.ty),
        is_receiver: false,
        tokens: typed.to_token_stream(),
    })
}

fn passing_of(ty: &syn::Type) -> Passing {
    match ty {
        syn::Type::Reference(reference) if reference.mutability.is_some() => {
            Passing::MutRef((*reference.elem).clone())
        }
        syn::Type::Reference(reference) => Passing::SharedRef((*reference.elem).clone()),
        syn::Type::Ptr(_) => Passing::Pointer,
        syn::Type::Paren(paren) => passing_of(&paren.elem),
        syn::Type::Group(group) => passing_of(&group.elem),
        _ => Passing::Value,
    }
}

/// `const`, `async`, `unsafe`, `extern` and variadic functions, each refused
/// on its keyword.
fn refuse_qualifiers(cx: &Ctxt, sig: &syn::Signature) {
    if let Some(constness) = &sig.constness {
        cx.error_spanned_by(
            constness,
            "a `const fn` cannot be differentiated: its derivative could not be `const`; \
             remove `const`, or differentiate a non-`const` wrapper that calls it",
        );
    }
    if let Some(asyncness) = &sig.asyncness {
        cx.error_spanned_by(
            asyncness,
            "an `async fn` cannot be differentiated: differentiate the computation as a \
             plain `fn` and call it (or its derivative) from the `async fn`",
        );
    }
    if let Some(unsafety) = &sig.unsafety {
        cx.error_spanned_by(
            unsafety,
            "an `unsafe fn` cannot be differentiated here: its derivative could not state \
             the primal's safety contract; wrap the unsafe call in a safe function",
        );
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned_by(
            abi,
            "an `extern` function cannot be differentiated: differentiate a plain Rust \
             `fn` and call it from the `extern` one",
        );
    }
    if let Some(variadic) = &sig.variadic {
        cx.error_spanned_by(variadic, "a variadic function cannot be differentiated");
    }
}

/// `::<T, N>` for the type and const parameters of `generics`, or nothing.
pub fn turbofish(generics: &syn::Generics) -> TokenStream {
    let params: Vec<TokenStream> = generics
        .params
        .iter()
        .filter_map(|param| match param {
            syn::GenericParam::Type(ty) => Some(ty.ident.to_token_stream()),
            syn::GenericParam::Const(konst) => Some(konst.ident.to_token_stream()),
            syn::GenericParam::Lifetime(_) => None,
        })
        .collect();
    if params.is_empty() {
        TokenStream::new()
    } else {
        quote!(::<#(#params),*>)
    }
}
