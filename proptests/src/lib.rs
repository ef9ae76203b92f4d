//! Support for the property tests in `tests/`, one module per family:
//!
//! - `types`: a family of nested primal types;
//! - `oracle`: their structural equality, written without [`ShadowCheck`];
//! - `walk`: a walk over their floats and allocations, written without
//!   [`ShadowCheck`];
//! - `mutate`: structural mutations that turn a good shadow into a bad one,
//!   with the generator of `rng` for the content they insert.
//!
//! Everything is re-exported at the crate root.
//!
//! [`ShadowCheck`]: autodiff_safe::ShadowCheck
//!
//! The family: `Vec<f64>`, `Vec<Vec<f64>>`, `Option<Vec<f64>>`, `Box<[f32]>`,
//! `[f64; 4]`, the derived enum [`Shape`], the derived tuple struct [`Pair`],
//! the recursive derived [`Node`] and the derived [`Model`] that nests all of
//! them.
//!
//! ```
//! use autodiff_safe::{make_zero, Mismatch};
//! use autodiff_safe_proptests::{first_mismatch, Node};
//!
//! let tree = Node { value: vec![1.0], children: vec![Node::leaf(vec![2.0, 3.0])], next: None };
//! let mut shadow = make_zero(&tree);
//! shadow.children[0].value.pop();
//! let found = first_mismatch(&tree, &shadow).unwrap();
//! assert_eq!(found.path, ".children[0].value");
//! assert_eq!(found.mismatch, Mismatch::Length { primal: 2, shadow: 1 });
//! ```

#![warn(missing_docs)]

mod mutate;
mod oracle;
mod rng;
mod types;
mod walk;

pub use mutate::{Mutate, Random, mutate_among, mutated};
pub use oracle::{Found, Oracle, Place, first_mismatch, first_mismatch_writable};
pub use rng::Rng;
pub use types::{Model, Node, Pair, Shape};
pub use walk::{Item, Walk, allocations, float_leaves, snapshot};

/// Implements [`Oracle`], [`Walk`] and [`Mutate`] for a struct with named
/// fields, visiting the fields in the order listed (declaration order).
macro_rules! named_struct {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl Oracle for $ty {
            fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found> {
                None
                $(.or_else(|| place.field(stringify!($field), |place| {
                    self.$field.first_mismatch_at(&shadow.$field, place)
                })))*
            }
        }

        impl Walk for $ty {
            fn walk(&self, out: &mut Vec<Item>) {
                $(self.$field.walk(out);)*
            }
        }

        impl Mutate for $ty {
            fn sites(&self) -> usize {
                0 $(+ self.$field.sites())*
            }
            fn mutate(&mut self, site: usize, rng: &mut Rng) {
                mutate_among(&mut [$(&mut self.$field as &mut dyn Mutate),*], site, rng);
            }
            fn scramble(&mut self, rng: &mut Rng) {
                $(self.$field.scramble(rng);)*
            }
        }
    };
}

named_struct!(Node {
    value,
    children,
    next
});
named_struct!(Model {
    weights,
    rows,
    bias,
    half,
    fixed,
    lanes,
    head,
    heads,
    pair,
    scale,
    steps,
    tree,
});
