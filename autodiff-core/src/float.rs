use crate::{FloatTree, ShadowCheck};

/// A mutable handle to one float leaf of a value, as visited by
/// [`FloatTree::visit_floats_mut`](crate::FloatTree::visit_floats_mut) and
/// [`Lanes::for_each`](crate::Lanes::for_each).
///
/// Leaves of both precisions are read and written as `f64`; an `f32` leaf
/// rounds on [`set`](Self::set), and `f32 -> f64 -> f32` round trips exactly.
///
/// ```
/// use autodiff_safe::FloatMut;
///
/// let mut x = 1.5_f32;
/// let mut leaf = FloatMut::F32(&mut x);
/// assert_eq!(leaf.get(), 1.5);
/// leaf.set(2.25);
/// assert_eq!(x, 2.25);
/// ```
#[derive(Debug)]
pub enum FloatMut<'a> {
    /// An `f32` leaf.
    F32(&'a mut f32),
    /// An `f64` leaf.
    F64(&'a mut f64),
}

impl FloatMut<'_> {
    /// The leaf's value, widened to `f64`.
    ///
    /// ```
    /// use autodiff_safe::FloatMut;
    ///
    /// let mut x = 0.5_f64;
    /// assert_eq!(FloatMut::F64(&mut x).get(), 0.5);
    /// ```
    #[must_use]
    pub fn get(&self) -> f64 {
        match self {
            Self::F32(x) => f64::from(**x),
            Self::F64(x) => **x,
        }
    }

    /// Stores `value`, rounded to the leaf's precision.
    ///
    /// ```
    /// use autodiff_safe::FloatMut;
    ///
    /// let mut x = 0.0_f64;
    /// FloatMut::F64(&mut x).set(3.0);
    /// assert_eq!(x, 3.0);
    /// ```
    pub fn set(&mut self, value: f64) {
        match self {
            // Rounding to the leaf's own precision is the point of the cast.
            #[allow(clippy::cast_possible_truncation, reason = "f32 leaves store f32")]
            Self::F32(x) => **x = value as f32,
            Self::F64(x) => **x = value,
        }
    }

    /// The leaf's machine epsilon, which sets the finite-difference step.
    ///
    /// ```
    /// use autodiff_safe::FloatMut;
    ///
    /// let mut x = 0.0_f32;
    /// assert_eq!(FloatMut::F32(&mut x).epsilon(), f64::from(f32::EPSILON));
    /// ```
    #[must_use]
    pub fn epsilon(&self) -> f64 {
        match self {
            Self::F32(_) => f64::from(f32::EPSILON),
            Self::F64(_) => f64::EPSILON,
        }
    }
}

/// The float scalars, `f32` and `f64`: the bound that derivatives of
/// generic functions put on their `Active` and dual float types, and the
/// leaves the reference backend perturbs. Sealed: no other type can be one.
///
/// ```
/// use autodiff_safe::Float;
///
/// assert_eq!(<f32 as Float>::from_f64(0.5).to_f64(), 0.5);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a float scalar (`f32` or `f64`)",
    label = "used as a float scalar: an `Active` argument, a differentiated return, a by-value `Dual` float, or a `Float` bound",
    note = "an alias named `f64` or `f32` is not a float: write the real type, and pass anything else by reference, marked `Duplicated` or `Dual`"
)]
pub trait Float: Copy + ShadowCheck + FloatTree + sealed::Sealed {
    /// Machine epsilon, as `f64`.
    const EPSILON: f64;
    /// Widens to `f64`.
    fn to_f64(self) -> f64;
    /// Rounds from `f64`.
    fn from_f64(value: f64) -> Self;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

impl Float for f32 {
    const EPSILON: f64 = f32::EPSILON as f64;
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    #[allow(
        clippy::cast_possible_truncation,
        reason = "rounding to f32 is the intent"
    )]
    fn from_f64(value: f64) -> Self {
        value as f32
    }
}

impl Float for f64 {
    const EPSILON: f64 = f64::EPSILON;
    fn to_f64(self) -> f64 {
        self
    }
    fn from_f64(value: f64) -> Self {
        value
    }
}
