//! Structural equality written without `ShadowCheck`: the first mismatch
//! between a primal and a shadow, with its path.

use autodiff_safe::{Mismatch, PathSegment};

use crate::{Pair, Shape};

/// The first structural difference between a primal and a shadow, as the
/// oracle sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The path as a place expression without a root: `.tree.children[0]`.
    pub path: String,
    /// The same path as segments, outermost first.
    pub segments: Vec<PathSegment>,
    /// What differs there.
    pub mismatch: Mismatch,
}

/// Where the oracle is in its walk: the path text and its segments, and
/// whether the shadow may be written (then capacities count too).
#[derive(Debug, Default)]
pub struct Place {
    text: String,
    segments: Vec<PathSegment>,
    writable: bool,
}

impl Place {
    fn within<R>(
        &mut self,
        segment: PathSegment,
        text: &str,
        inside: impl FnOnce(&mut Self) -> R,
    ) -> R {
        let mark = self.text.len();
        self.text.push_str(text);
        self.segments.push(segment);
        let result = inside(self);
        self.text.truncate(mark);
        self.segments.pop();
        result
    }

    /// Runs `inside` one named field deeper.
    pub fn field<R>(&mut self, name: &'static str, inside: impl FnOnce(&mut Self) -> R) -> R {
        self.within(PathSegment::Field(name), &format!(".{name}"), inside)
    }

    /// Runs `inside` one positional field deeper.
    pub fn tuple_field<R>(&mut self, index: usize, inside: impl FnOnce(&mut Self) -> R) -> R {
        self.within(PathSegment::TupleField(index), &format!(".{index}"), inside)
    }

    /// Runs `inside` one element deeper.
    pub fn index<R>(&mut self, index: usize, inside: impl FnOnce(&mut Self) -> R) -> R {
        self.within(PathSegment::Index(index), &format!("[{index}]"), inside)
    }

    /// Runs `inside` in a variant's payload.
    pub fn variant<R>(&mut self, name: &'static str, inside: impl FnOnce(&mut Self) -> R) -> R {
        self.within(PathSegment::Variant(name), &format!(".{name}"), inside)
    }

    /// A mismatch at the current place.
    #[must_use]
    pub fn found(&self, mismatch: Mismatch) -> Found {
        Found {
            path: self.text.clone(),
            segments: self.segments.clone(),
            mismatch,
        }
    }
}

/// Structural equality, written independently of `ShadowCheck`: lengths
/// before elements, elements in index order, fields in declaration order,
/// variants before payloads.
pub trait Oracle {
    /// The first difference between `self` and `shadow`, if any.
    fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found>;
}

/// The first structural difference between `primal` and a shadow passed
/// behind `&` (no capacities).
pub fn first_mismatch<T: Oracle + ?Sized>(primal: &T, shadow: &T) -> Option<Found> {
    primal.first_mismatch_at(shadow, &mut Place::default())
}

/// The first difference between `primal` and a shadow the derivative may
/// write (behind `&mut`, by value, or `check`): a `Vec`'s shadow also needs
/// at least the primal's capacity, compared after its elements.
pub fn first_mismatch_writable<T: Oracle + ?Sized>(primal: &T, shadow: &T) -> Option<Found> {
    primal.first_mismatch_at(
        shadow,
        &mut Place {
            writable: true,
            ..Place::default()
        },
    )
}

macro_rules! no_structure {
    ($($ty:ty),*) => {$(
        impl Oracle for $ty {
            fn first_mismatch_at(&self, _shadow: &Self, _place: &mut Place) -> Option<Found> {
                None
            }
        }
    )*};
}

no_structure!(f64, f32, usize);

impl<T: Oracle> Oracle for [T] {
    fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found> {
        if self.len() != shadow.len() {
            return Some(place.found(Mismatch::Length {
                primal: self.len(),
                shadow: shadow.len(),
            }));
        }
        (0..self.len())
            .find_map(|i| place.index(i, |place| self[i].first_mismatch_at(&shadow[i], place)))
    }
}

impl<T: Oracle, const N: usize> Oracle for [T; N] {
    fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found> {
        (0..N).find_map(|i| place.index(i, |place| self[i].first_mismatch_at(&shadow[i], place)))
    }
}

impl<T: Oracle> Oracle for Vec<T> {
    fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found> {
        self.as_slice()
            .first_mismatch_at(shadow.as_slice(), place)
            .or_else(|| {
                (place.writable && shadow.capacity() < self.capacity()).then(|| {
                    place.found(Mismatch::Capacity {
                        primal: self.capacity(),
                        shadow: shadow.capacity(),
                    })
                })
            })
    }
}

impl<T: Oracle + ?Sized> Oracle for Box<T> {
    fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found> {
        (**self).first_mismatch_at(shadow, place)
    }
}

impl<T: Oracle> Oracle for Option<T> {
    fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found> {
        match (self, shadow) {
            (Some(primal), Some(shadow)) => place.variant("Some", |place| {
                place.tuple_field(0, |place| primal.first_mismatch_at(shadow, place))
            }),
            (None, None) => None,
            (Some(_), None) => Some(place.found(Mismatch::Variant {
                primal: "Some",
                shadow: "None",
            })),
            (None, Some(_)) => Some(place.found(Mismatch::Variant {
                primal: "None",
                shadow: "Some",
            })),
        }
    }
}

impl Shape {
    /// The variant's name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Empty => "Empty",
            Self::Pair(..) => "Pair",
            Self::Poly { .. } => "Poly",
        }
    }
}

impl Oracle for Shape {
    fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found> {
        match (self, shadow) {
            (Self::Empty, Self::Empty) => None,
            (Self::Pair(a, b), Self::Pair(sa, sb)) => place.variant("Pair", |place| {
                place
                    .tuple_field(0, |place| a.first_mismatch_at(sa, place))
                    .or_else(|| place.tuple_field(1, |place| b.first_mismatch_at(sb, place)))
            }),
            (
                Self::Poly { coeffs, rows },
                Self::Poly {
                    coeffs: shadow_coeffs,
                    rows: shadow_rows,
                },
            ) => place.variant("Poly", |place| {
                place
                    .field("coeffs", |place| {
                        coeffs.first_mismatch_at(shadow_coeffs, place)
                    })
                    .or_else(|| {
                        place.field("rows", |place| rows.first_mismatch_at(shadow_rows, place))
                    })
            }),
            (primal, shadow) => Some(place.found(Mismatch::Variant {
                primal: primal.name(),
                shadow: shadow.name(),
            })),
        }
    }
}

impl Oracle for Pair {
    fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found> {
        place
            .tuple_field(0, |place| self.0.first_mismatch_at(&shadow.0, place))
            .or_else(|| place.tuple_field(1, |place| self.1.first_mismatch_at(&shadow.1, place)))
    }
}
