//! Items the generated code calls. Not public API: hidden, and free to change
//! in any release together with the macros, which pin this crate's version.
#![allow(
    clippy::missing_errors_doc,
    clippy::missing_panics_doc,
    reason = "hidden items called only by generated code, documented there"
)]

use crate::{FloatTree, PathSegment, ShadowCheck, ShadowError};

/// Checks one shadow argument of a derivative, naming everything on failure.
#[inline]
pub fn check_argument<T: ShadowCheck + ?Sized>(
    function: &'static str,
    argument: &'static str,
    shadow_name: &'static str,
    primal: &T,
    shadow: &T,
) -> Result<(), ShadowError> {
    primal.check_shadow(shadow).map_err(
        #[cold]
        |error| {
            error
                .for_argument(argument)
                .in_derivative(function, shadow_name)
        },
    )
}

/// Checks a vector-mode (`Dualv`) shadow: one slice holding `width` tangents.
#[inline]
pub fn check_vector_argument<T: ShadowCheck>(
    function: &'static str,
    argument: &'static str,
    shadow_name: &'static str,
    width: usize,
    primal: &[T],
    shadow: &[T],
) -> Result<(), ShadowError> {
    if width.checked_mul(primal.len()) != Some(shadow.len()) {
        return Err(ShadowError::batch_length(width, primal.len(), shadow.len())
            .for_argument(argument)
            .in_derivative(function, shadow_name));
    }
    if T::CHECK_IS_NOOP {
        return Ok(());
    }
    for (lane, chunk) in shadow.chunks(primal.len().max(1)).enumerate() {
        check_argument(function, argument, shadow_name, primal, chunk)
            .map_err(|error| error.in_lane(lane))?;
    }
    Ok(())
}

/// The primitive scalars, whose shadow checks are no-ops. Derives skip the
/// check of a field written `f64` or `usize` and bound its type with this,
/// so that an alias of another type under such a name cannot slip through.
///
/// Sealed: its supertrait lives in a private module, so no other crate can
/// implement it, and an alias `type f64 = MyType;` cannot be made to pass
/// the bound by an `impl Scalar for MyType {}` of its own.
#[diagnostic::on_unimplemented(
    message = "this field's type is written like a primitive scalar but is `{Self}`",
    label = "`#[derive(ShadowCheck)]` and `#[derive(FloatTree)]` skip the checks of `f64`, `usize`, ... fields, and the walks of `usize`, `bool`, ... fields",
    note = "rename the alias, or write the type's real name so that its shadow is checked"
)]
pub trait Scalar: ShadowCheck + FloatTree + sealed::Sealed {}

/// The primitive scalars without float leaves (integers, `bool`, `char`):
/// derives skip the float walks of fields written with their names, and
/// bound those fields' types with this. Sealed like [`Scalar`].
#[diagnostic::on_unimplemented(
    message = "this field's type is written like an integer, `bool` or `char` but is `{Self}`",
    label = "`#[derive(ShadowCheck)]` and `#[derive(FloatTree)]` skip the float walks of `usize`, `bool`, ... fields",
    note = "rename the alias, or write the type's real name so that its floats are walked"
)]
pub trait InertScalar: Scalar {}

/// Refuses, at compile time, a type that is not `f32` or `f64` where the
/// Enzyme backend hands a value to std's attribute as a float scalar: an
/// `Active` argument, a differentiated return, and a by-value `Dual`
/// argument that the macro lets through by value because it is *written*
/// `f32` or `f64` (an alias named `f64` must not steer that path).
/// [`Float`](crate::Float) is sealed: no other crate can implement it.
#[inline]
pub const fn confirm_float<T: crate::Float>() {}

mod sealed {
    /// The seal of [`Scalar`](super::Scalar): public in a private module,
    /// so nameable nowhere outside this crate.
    pub trait Sealed {}
}

macro_rules! scalars {
    ($($ty:ty),*) => {$(impl sealed::Sealed for $ty {} impl Scalar for $ty {})*};
}

scalars!(
    f32, f64, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, bool, char
);

macro_rules! inert_scalars {
    ($($ty:ty),*) => {$(impl InertScalar for $ty {})*};
}

inert_scalars!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, bool, char
);

/// Prefixes a derived check's error with a named field (and its variant):
/// one plain call instead of a closure per field keeps derives cheap to
/// compile.
#[inline]
pub fn in_field(
    result: Result<(), ShadowError>,
    field: &'static str,
    variant: Option<&'static str>,
) -> Result<(), ShadowError> {
    result.map_err(
        #[cold]
        |error| in_variant(error.in_field(field), variant),
    )
}

/// Prefixes a derived check's error with a positional field (and its variant).
#[inline]
pub fn in_tuple_field(
    result: Result<(), ShadowError>,
    index: usize,
    variant: Option<&'static str>,
) -> Result<(), ShadowError> {
    result.map_err(
        #[cold]
        |error| in_variant(error.in_tuple_field(index), variant),
    )
}

fn in_variant(error: ShadowError, variant: Option<&'static str>) -> ShadowError {
    match variant {
        Some(variant) => error.in_variant(variant),
        None => error,
    }
}

/// The panic of a checked derivative whose shadow was refused.
#[cold]
#[track_caller]
pub fn refuse(error: &ShadowError) -> ! {
    panic!("{error}")
}

/// Type equality that no coercion can satisfy: implemented only by `T`
/// for `T`. The macros confirm with it that the self type a block marker
/// names is `Self`, and pass every argument of std's raw derivative through
/// [`exact`], so that no `Deref`, `DerefMut` or other coercion runs between
/// the checks and Enzyme.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not `{T}`",
    label = "the block marker on this function names `{T}` as its self type, but `Self` is `{Self}`",
    note = "`__autodiff_context` is written by `#[autodiff_impl]` and `#[autodiff_trait]` only: remove the hand-written marker, and put `#[autodiff_impl]` on the `impl` block"
)]
pub trait SameType<T: ?Sized> {
    /// `self`, as the type it already is.
    fn same(self) -> T
    where
        Self: Sized,
        T: Sized;
}

impl<T: ?Sized> SameType<T> for T {
    #[inline]
    fn same(self) -> T
    where
        T: Sized,
    {
        self
    }
}

/// Refuses, at compile time, `A` other than `B`.
#[inline]
pub const fn same_type<A: ?Sized + SameType<B>, B: ?Sized>() {}

/// `value`, typed `B`: `A` is inferred from the argument, where nothing
/// coerces, and must be `B` itself.
#[inline]
pub fn exact<A: SameType<B>, B>(value: A) -> B {
    value.same()
}

/// Does nothing. Generated code calls it in an `unsafe` block whose keyword
/// is the user's own `unsafe` of an opt-out (`#[shadow(unsafe(skip))]`,
/// `unsafe(Duplicated)`, ...), so that `#![forbid(unsafe_code)]` and
/// `#![deny(unsafe_code)]` report every opt-out at the token the user wrote.
///
/// # Safety
///
/// None of its own: calling it is always sound. The block it stands in
/// marks an opt-out whose contract (the unchecked shadow has its primal's
/// exact structure) the user upholds, as the derivative's or field's docs
/// state.
#[inline]
pub const unsafe fn opted_out() {}

/// The proof a caller holds when it calls one of std's raw derivatives that
/// a method's `#[autodiff_*]` keeps as a hidden sibling (Enzyme backend).
///
/// A method's raw derivative takes `&Unchecked` as a `Const` argument, so
/// that it cannot be called from safe code: the only way to get one is the
/// `unsafe fn` [`unchecked`]. The type has a private field and no
/// constructor, `Clone` or `Default`.
///
/// Only inherent methods have sibling raw derivatives: no implementor can
/// override an inherent item, so the checked derivative hands the token to
/// no user code. A trait's provided method nests its primal and raw
/// derivative in the checked derivative instead (no token), and a sibling
/// in a trait is refused.
#[derive(Debug)]
pub struct Unchecked {
    _private: (),
}

static UNCHECKED: Unchecked = Unchecked { _private: () };

/// Hands out the argument that std's raw derivative of a method needs.
///
/// # Safety
///
/// The caller passes it only to a raw derivative whose every shadow it has
/// checked against its primal (as the generated `try_` function does), or
/// whose shadows it otherwise knows to have exactly their primals'
/// structure: the raw derivative reads and writes every shadow as if it
/// were its primal.
#[must_use]
#[inline]
pub unsafe fn unchecked() -> &'static Unchecked {
    &UNCHECKED
}

/// A copy of a sized value: its zero, then its values copied in. Derived and
/// std `make_zero`s build directly, so this allocates only what the value
/// owns.
#[inline]
pub fn copy<T: FloatTree>(value: &T) -> T {
    let mut copy = value.make_zero();
    copy.copy_from(value);
    copy
}

/// `Some` of all the values when every one is `Some`: the projection of `N`
/// values onto one enum variant's fields.
#[inline]
pub fn all_some<X, const N: usize>(values: [Option<X>; N]) -> Option<[X; N]> {
    if values.iter().any(Option::is_none) {
        return None;
    }
    Some(values.map(|value| match value {
        Some(value) => value,
        None => unreachable!("every value was checked to be `Some`"),
    }))
}

/// The search of [`FloatTree::leaf_path`] through a value's parts, in
/// traversal order: each part's leaves are counted and skipped until the one
/// holding the leaf, which pushes its segment (after the variant's, if any)
/// and continues the path.
pub struct LeafPath<'p> {
    leaf: usize,
    path: &'p mut Vec<PathSegment>,
    variant: Option<&'static str>,
    found: Option<bool>,
}

impl<'p> LeafPath<'p> {
    /// Starts the search for leaf `leaf`.
    #[inline]
    pub fn new(leaf: usize, path: &'p mut Vec<PathSegment>) -> Self {
        Self {
            leaf,
            path,
            variant: None,
            found: None,
        }
    }

    /// The following parts are fields of variant `name`.
    #[inline]
    #[must_use]
    pub fn in_variant(mut self, name: &'static str) -> Self {
        self.variant = Some(name);
        self
    }

    /// A named field.
    #[inline]
    #[must_use]
    pub fn named<T: FloatTree + ?Sized>(self, value: &T, name: &'static str) -> Self {
        self.segment(value, PathSegment::Field(name))
    }

    /// A positional field.
    #[inline]
    #[must_use]
    pub fn positional<T: FloatTree + ?Sized>(self, value: &T, index: usize) -> Self {
        self.segment(value, PathSegment::TupleField(index))
    }

    /// Any part, reached through `segment`.
    #[inline]
    #[must_use]
    pub fn segment<T: FloatTree + ?Sized>(self, value: &T, segment: PathSegment) -> Self {
        self.part(value, T::leaf_count, T::leaf_path, segment)
    }

    /// A part whose `leaf_count` and `leaf_path` are passed in: derives name
    /// them as `<Ty as FloatTree>::..` paths, so that a field type without
    /// the trait is reported once, at the field, with the walk's error.
    #[must_use]
    pub fn part<T: ?Sized>(
        mut self,
        value: &T,
        leaf_count: impl FnOnce(&T) -> usize,
        leaf_path: impl FnOnce(&T, usize, &mut Vec<PathSegment>) -> bool,
        segment: PathSegment,
    ) -> Self {
        if self.found.is_some() {
            return self;
        }
        let count = leaf_count(value);
        if self.leaf >= count {
            self.leaf -= count;
            return self;
        }
        let depth = self.path.len();
        if let Some(variant) = self.variant {
            self.path.push(PathSegment::Variant(variant));
        }
        self.path.push(segment);
        let found = leaf_path(value, self.leaf, self.path);
        if !found {
            self.path.truncate(depth);
        }
        self.found = Some(found);
        self
    }

    /// Whether the part holding the leaf was reached.
    #[inline]
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.found.is_some()
    }

    /// Whether the path was found.
    #[inline]
    #[must_use]
    pub fn finish(self) -> bool {
        self.found == Some(true)
    }
}
pub use crate::after_call::*;
