//! Field types that can never be checked, refused with a reason spanned on
//! the offending type, before the trait solver gives its generic error.

use super::ast::Container;
use crate::ctxt::Ctxt;

const SKIP_HINT: &str = "if no derivative ever reads or writes this field's shadow, \
                         exclude it with `#[shadow(unsafe(skip))]`";

pub fn check(cx: &Ctxt, container: &Container<'_>) {
    for field in container.all_fields() {
        if field.unsafe_skip.is_none() {
            check_type(cx, field.ty);
        }
    }
}

fn check_type(cx: &Ctxt, ty: &syn::Type) {
    match ty {
        syn::Type::Reference(reference) if reference.mutability.is_none() => cx.error_spanned_by(
            ty,
            format!(
                "a shared reference cannot be part of a shadow: a reverse pass writes gradients \
                 through the shadow's pointers, and this one is `&` (EnzymeAD/rust#110); own the \
                 data instead (`Vec<f64>`, `Box<T>`), or, {SKIP_HINT}"
            ),
        ),
        syn::Type::Reference(_) => cx.error_spanned_by(
            ty,
            format!(
                "a `&mut` field cannot be part of a derived shadow: `make_zero` could not build a \
                 fresh shadow for it; own the data instead, or, {SKIP_HINT}"
            ),
        ),
        syn::Type::Ptr(_) => cx.error_spanned_by(
            ty,
            format!(
                "a raw pointer cannot be checked: its pointee's length and liveness are not \
                 recorded anywhere; own the data instead, implement `ShadowCheck` by hand for a \
                 wrapper that knows them, or, {SKIP_HINT}"
            ),
        ),
        syn::Type::TraitObject(_) | syn::Type::ImplTrait(_) => cx.error_spanned_by(
            ty,
            format!(
                "a trait object's layout is not known to the derive, so its shadow cannot be \
                 checked; use a concrete type or a generic parameter, or, {SKIP_HINT}"
            ),
        ),
        syn::Type::Macro(_) => cx.error_spanned_by(
            ty,
            "the derive cannot see inside a type macro, so it cannot tell which generic \
             parameters the field uses; name the type through a type alias \
             (`type Weights = my_type!();`) and use that",
        ),
        syn::Type::Path(path) => {
            let Some(last) = path.path.segments.last() else {
                return;
            };
            let name = last.ident.to_string();
            if matches!(
                name.as_str(),
                "Cell" | "RefCell" | "UnsafeCell" | "OnceCell" | "SyncUnsafeCell"
            ) {
                cx.error_spanned_by(
                    ty,
                    format!(
                        "`{name}` cannot be part of a shadow: interior mutability lets a \
                         derivative write through a shared path, and its contents cannot be \
                         borrowed for a check without racing that write; use the plain value, \
                         or, {SKIP_HINT}"
                    ),
                );
                return;
            }
            if name == "PhantomData" {
                return;
            }
            for segment in &path.path.segments {
                if let syn::PathArguments::AngleBracketed(arguments) = &segment.arguments {
                    for argument in &arguments.args {
                        if let syn::GenericArgument::Type(inner) = argument {
                            check_type(cx, inner);
                        }
                    }
                }
            }
        }
        syn::Type::Array(array) => check_type(cx, &array.elem),
        syn::Type::Slice(slice) => check_type(cx, &slice.elem),
        syn::Type::Paren(paren) => check_type(cx, &paren.elem),
        syn::Type::Group(group) => check_type(cx, &group.elem),
        syn::Type::Tuple(tuple) => tuple.elems.iter().for_each(|elem| check_type(cx, elem)),
        _ => {}
    }
}
