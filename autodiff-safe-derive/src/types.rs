//! Syntactic questions about types, shared by the derive and the attribute
//! macros. A proc macro sees only tokens: every answer here is about how a
//! type is *written*, and where an answer skips or weakens a safety measure
//! the generated code adds a bound on a sealed trait that makes the
//! compiler confirm it: the sealed `__private::Scalar` for a field written
//! `f64` whose check the derive skips, `__private::InertScalar` for one
//! written `usize` whose walk it skips, the sealed `Float` (through
//! `__private::confirm_float`) for a value the Enzyme backend hands to std
//! as a float because it is written `f64`. Answers that only refuse (a `&`
//! inside a `Duplicated` argument) or only word an error need no bound: an
//! alias that hides what they look for reaches `ShadowCheck`, which no
//! reference, pointer or cell implements.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::visit::Visit;

/// A type written as one of the primitive scalars.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Primitive {
    /// `f32` or `f64`: a float leaf.
    Float,
    /// An integer, `bool` or `char`: no leaf, nothing to check.
    Inert,
}

/// How a type is written, as far as the macros' rules care.
pub enum Written {
    Primitive(Primitive),
    /// `[T; N]` or `[T]`.
    Array,
    /// `(A, B, ..)`.
    Tuple,
    /// A path with generic arguments, or a well-known container or `Self`.
    Container,
    /// Anything else: a user type, a type parameter, an alias.
    Other,
}

/// The one type query the three scalar rules (float returns, derive fast
/// paths, Enzyme's by-value floats) are answered from.
pub fn written(ty: &syn::Type) -> Written {
    match ty {
        syn::Type::Array(_) | syn::Type::Slice(_) => Written::Array,
        syn::Type::Tuple(_) => Written::Tuple,
        syn::Type::Paren(paren) => written(&paren.elem),
        syn::Type::Group(group) => written(&group.elem),
        syn::Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else {
                return Written::Other;
            };
            if !matches!(last.arguments, syn::PathArguments::None) {
                return Written::Container;
            }
            if path.path.segments.len() == 1
                && let Some(primitive) = primitive_named(&last.ident.to_string())
            {
                return Written::Primitive(primitive);
            }
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
            );
            if container {
                Written::Container
            } else {
                Written::Other
            }
        }
        _ => Written::Other,
    }
}

fn primitive_named(name: &str) -> Option<Primitive> {
    match name {
        "f32" | "f64" => Some(Primitive::Float),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize" | "bool" | "char" => Some(Primitive::Inert),
        _ => None,
    }
}

/// The primitive scalar `ty` is written as, if any.
pub fn primitive(ty: &syn::Type) -> Option<Primitive> {
    match written(ty) {
        Written::Primitive(primitive) => Some(primitive),
        _ => None,
    }
}

/// `ty` is written `f32` or `f64`.
pub fn is_float(ty: &syn::Type) -> bool {
    primitive(ty) == Some(Primitive::Float)
}

/// Which of `params` a type mentions, outside `PhantomData` when
/// `skip_phantom` is set (a `PhantomData<T>` field holds no `T`).
pub fn used_params(ty: &syn::Type, params: &[syn::Ident], skip_phantom: bool) -> Vec<bool> {
    let mut finder = ParamFinder {
        params,
        used: vec![false; params.len()],
        skip_phantom,
    };
    finder.visit_type(ty);
    finder.used
}

/// `ty` mentions one of `params`.
pub fn mentions_any(ty: &syn::Type, params: &[syn::Ident]) -> bool {
    used_params(ty, params, false).into_iter().any(|used| used)
}

struct ParamFinder<'a> {
    params: &'a [syn::Ident],
    used: Vec<bool>,
    skip_phantom: bool,
}

impl<'ast> Visit<'ast> for ParamFinder<'_> {
    fn visit_type_path(&mut self, path: &'ast syn::TypePath) {
        if path.qself.is_none() {
            if let Some(first) = path.path.segments.first()
                && let Some(index) = self.params.iter().position(|param| *param == first.ident)
            {
                self.used[index] = true;
            }
            if self.skip_phantom
                && path
                    .path
                    .segments
                    .last()
                    .is_some_and(|last| last.ident == "PhantomData")
            {
                return;
            }
        }
        syn::visit::visit_type_path(self, path);
    }

    // A type macro hides its tokens from the visitor; scan them by name.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        mark_idents(&mac.tokens, self.params, &mut self.used);
    }
}

fn mark_idents(tokens: &TokenStream, params: &[syn::Ident], used: &mut [bool]) {
    for tree in tokens.clone() {
        match tree {
            proc_macro2::TokenTree::Ident(ident) => {
                if let Some(index) = params.iter().position(|param| *param == ident) {
                    used[index] = true;
                }
            }
            proc_macro2::TokenTree::Group(group) => mark_idents(&group.stream(), params, used),
            _ => {}
        }
    }
}

/// The first shared reference inside `ty` (outside `PhantomData`).
pub fn shared_reference_inside(ty: &syn::Type) -> Option<TokenStream> {
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

/// The first `impl Trait` anywhere in `ty` (`impl Fn(f64)`, `&impl AsRef<[f64]>`).
pub fn impl_trait_inside(ty: &syn::Type) -> Option<&syn::TypeImplTrait> {
    struct Finder<'ast>(Option<&'ast syn::TypeImplTrait>);
    impl<'ast> Visit<'ast> for Finder<'ast> {
        fn visit_type_impl_trait(&mut self, impl_trait: &'ast syn::TypeImplTrait) {
            self.0.get_or_insert(impl_trait);
        }
    }
    let mut finder = Finder(None);
    finder.visit_type(ty);
    finder.0
}

/// A type as the user wrote it, without the token printer's spaces
/// (`&[f64]`, not `& [f64]`; `Vec<f64>`, not `Vec < f64 >`).
pub fn shown(ty: &syn::Type) -> String {
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
