//! What a `Const` argument's written type lets the function move into a
//! differentiated argument.
//!
//! Enzyme takes a pointer that the function loads from memory it treats as
//! constant to be its own shadow: an allocation moved out of a `Const`
//! argument (`mem::swap(x, c)`, `mem::take(c)`, `*x = c.pop()`) into a
//! shadowed one ends up in the primal and in its shadow together, a double
//! free. The macros see tokens only, so these answers are about how a type
//! is *written*; they only ever add refusals (a user struct that holds a
//! `Vec` is not seen here, and is caught after the call by the allocation
//! walk).

/// std types that own a heap allocation a function can move out.
const OWNERS: [&str; 13] = [
    "Vec",
    "Box",
    "String",
    "VecDeque",
    "BinaryHeap",
    "LinkedList",
    "HashMap",
    "HashSet",
    "BTreeMap",
    "BTreeSet",
    "Rc",
    "Arc",
    "PathBuf",
];

/// Wrappers an owner can sit in and still be moved out of by safe code.
const WRAPPERS: [&str; 2] = ["Option", "Result"];

/// Interior mutability: through `&` a function can move what they hold.
const CELLS: [&str; 10] = [
    "Cell",
    "RefCell",
    "UnsafeCell",
    "OnceCell",
    "LazyCell",
    "Mutex",
    "RwLock",
    "OnceLock",
    "LazyLock",
    "AtomicPtr",
];

/// The first std owner a function can move an allocation out
/// of, in a value it can write: by value or behind `&mut`, through
/// `Option`, `Result`, tuples, arrays, slices and further `&mut`s.
pub fn movable_owner(ty: &syn::Type) -> Option<&syn::Type> {
    match ty {
        syn::Type::Reference(reference) if reference.mutability.is_some() => {
            movable_owner(&reference.elem)
        }
        syn::Type::Slice(slice) => movable_owner(&slice.elem),
        syn::Type::Array(array) => movable_owner(&array.elem),
        syn::Type::Paren(paren) => movable_owner(&paren.elem),
        syn::Type::Group(group) => movable_owner(&group.elem),
        syn::Type::Tuple(tuple) => tuple.elems.iter().find_map(movable_owner),
        syn::Type::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last()?;
            let name = last.ident.to_string();
            if OWNERS.contains(&name.as_str()) {
                return Some(ty);
            }
            if WRAPPERS.contains(&name.as_str()) {
                return type_arguments(last).find_map(movable_owner);
            }
            None
        }
        _ => None,
    }
}

/// The first cell anywhere in `ty`, behind any reference and
/// in any generic argument: through a cell, even `&` lets a function move
/// what it holds.
pub fn cell_inside(ty: &syn::Type) -> Option<&syn::Type> {
    match ty {
        syn::Type::Reference(reference) => cell_inside(&reference.elem),
        syn::Type::Slice(slice) => cell_inside(&slice.elem),
        syn::Type::Array(array) => cell_inside(&array.elem),
        syn::Type::Paren(paren) => cell_inside(&paren.elem),
        syn::Type::Group(group) => cell_inside(&group.elem),
        syn::Type::Tuple(tuple) => tuple.elems.iter().find_map(cell_inside),
        syn::Type::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last()?;
            if CELLS.contains(&last.ident.to_string().as_str()) {
                return Some(ty);
            }
            path.path
                .segments
                .iter()
                .flat_map(type_arguments)
                .find_map(cell_inside)
        }
        _ => None,
    }
}

/// The type arguments of one path segment (`T` and `E` of `Result<T, E>`).
fn type_arguments(segment: &syn::PathSegment) -> impl Iterator<Item = &syn::Type> {
    let arguments = match &segment.arguments {
        syn::PathArguments::AngleBracketed(arguments) => Some(&arguments.args),
        _ => None,
    };
    arguments
        .into_iter()
        .flatten()
        .filter_map(|argument| match argument {
            syn::GenericArgument::Type(ty) => Some(ty),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::*;

    fn ty(tokens: &str) -> syn::Type {
        syn::parse_str(tokens).unwrap_or_else(|error| panic!("{tokens}: {error}"))
    }

    fn owner(tokens: &str) -> Option<String> {
        movable_owner(&ty(tokens)).map(|found| found.to_token_stream().to_string().replace(' ', ""))
    }

    fn cell(tokens: &str) -> Option<String> {
        cell_inside(&ty(tokens)).map(|found| found.to_token_stream().to_string().replace(' ', ""))
    }

    #[test]
    fn owners_behind_mut_and_in_wrappers_are_found() {
        assert_eq!(owner("&mut Vec<f64>").as_deref(), Some("Vec<f64>"));
        assert_eq!(owner("Box<f64>").as_deref(), Some("Box<f64>"));
        assert_eq!(owner("&mut Option<String>").as_deref(), Some("String"));
        assert_eq!(
            owner("(f64, std::rc::Rc<f64>)").as_deref(),
            Some("std::rc::Rc<f64>")
        );
        assert_eq!(owner("&mut [Vec<f64>]").as_deref(), Some("Vec<f64>"));
        assert_eq!(owner("[Box<f64>; 2]").as_deref(), Some("Box<f64>"));
        assert_eq!(
            owner("&mut &mut VecDeque<f64>").as_deref(),
            Some("VecDeque<f64>")
        );
        assert_eq!(owner("Result<f64, Arc<str>>").as_deref(), Some("Arc<str>"));
    }

    #[test]
    fn what_cannot_be_moved_out_is_not_an_owner() {
        for tokens in [
            "&mut [f64]",
            "&mut [f64; 3]",
            "&Vec<f64>",
            "&mut &Vec<f64>",
            "f64",
            "&mut Config",
            "PhantomData<Vec<f64>>",
            "*mut Vec<f64>",
        ] {
            assert_eq!(owner(tokens), None, "{tokens}");
        }
    }

    #[test]
    fn cells_are_found_at_any_depth() {
        assert_eq!(
            cell("&RefCell<Vec<f64>>").as_deref(),
            Some("RefCell<Vec<f64>>")
        );
        assert_eq!(
            cell("&Config<std::cell::Cell<f64>>").as_deref(),
            Some("std::cell::Cell<f64>")
        );
        assert_eq!(
            cell("&[(f64, Mutex<Vec<f64>>)]").as_deref(),
            Some("Mutex<Vec<f64>>")
        );
        assert_eq!(cell("&Vec<f64>"), None);
        assert_eq!(cell("&mut [f64]"), None);
    }
}
