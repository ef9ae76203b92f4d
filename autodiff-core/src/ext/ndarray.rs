//! `ShadowCheck` and `FloatTree` for ndarray's owned arrays (feature
//! `ndarray`).
//!
//! # What is implemented
//!
//! `Array<A, D>` (`ArrayBase<OwnedRepr<A>, D>`) for every element type
//! `A: ShadowCheck` (for `ShadowCheck`) or `A: FloatTree` (for `FloatTree`)
//! and every `D: Dimension`: `Array0` to `Array6` and `ArrayD`.
//!
//! ndarray documents (on `as_ptr`) that the element at multi-index `I` of an
//! array with strides `S` lives at offset `Σ I[k] * S[k]` from the array's
//! pointer. Enzyme's derivative walks the shadow with the *primal's* indices
//! and strides from the *shadow's* pointer, so the check compares, in order:
//!
//! 1. the shapes ([`Mismatch::Shape`](crate::Mismatch::Shape));
//! 2. the strides of every axis longer than one element
//!    ([`Mismatch::Strides`](crate::Mismatch::Strides), reporting the full
//!    stride lists). An axis of length 0 or 1 only has index 0, so its stride
//!    never reaches memory, and ndarray itself gives such axes different
//!    strides depending on history (a row sliced out of a matrix has stride 0
//!    on its length-1 axis, `Array2::zeros((1, n))` has `n`). Strides are not
//!    compared at all for an empty array: no multi-index of it is valid, so no
//!    element of it is ever read or written;
//! 3. every element pair unless `A::CHECK_IS_NOOP`, in *logical* order (the
//!    order of `iter()`: row-major over the multi-index, whatever the memory
//!    layout). The `[i]` of an error path is the element's position in that
//!    order, and the float walk (`visit_floats`) uses the same order, so the
//!    `i`-th leaf of a primal is the `i`-th leaf of its shadow.
//!
//! A shadow in another memory order is refused even though its shape is
//! right: a Fortran-order primal needs a Fortran-order shadow, and a
//! transposed copy (`m.t().to_owned()` or `m.reversed_axes()`, which both keep
//! the memory order and swap the strides) of a square matrix is not a shadow
//! of it. `make_zero` keeps the primal's strides, including negative ones and
//! the gaps of a strided slice (it then allocates the whole span the elements
//! occupy, as the primal does).
//!
//! ```
//! use autodiff_core::{check, make_zero};
//! use ndarray::{Array2, ShapeBuilder};
//!
//! let w = Array2::<f64>::ones((2, 3).f()); // Fortran order
//! let dw = make_zero(&w);
//! assert_eq!(dw.strides(), w.strides());
//! assert!(check(&w, &dw).is_ok());
//!
//! let c_order = Array2::<f64>::zeros((2, 3));
//! assert_eq!(
//!     check(&w, &c_order).unwrap_err().to_string(),
//!     "shadow does not match its primal: primal has strides [1, 2], shadow has strides [3, 1]",
//! );
//! ```
//!
//! # What the check cannot see: the storage around the elements
//!
//! The trait's contract also covers memory outside the elements, and for
//! ndarray that part cannot be checked. An owned array keeps its whole `Vec`
//! when it is sliced in place (`slice_collapse`, `slice_move`,
//! `slice_axis_inplace`, `index_axis_move`, `collapse_axis`; ndarray shows this
//! on `into_raw_vec_and_offset`), and `push_row`, `append` or a `Vec` passed
//! to `from_shape_vec` can leave spare capacity. ndarray offers no `&self`
//! accessor for that storage's length, for the offset of the first element
//! in it, or for its capacity: `len()` and `as_slice_memory_order()` cover the
//! elements only, and `into_raw_vec_and_offset()` consumes the array. A
//! derivative of code that works on the whole storage of a `Duplicated`
//! array — `clone()` (copies the whole `Vec`), `push_row`/`append`/`reserve`
//! (reallocate by the capacity), by-value conversions after `mem::take`, or
//! dropping it — would walk the shadow's storage with the primal's length,
//! offset and capacity. Arrays made by constructors, arithmetic, `to_owned()`
//! and `make_zero` hold exactly their elements, so the gap needs an array
//! sliced in place, or grown, on one side only. The test
//! `storage_outside_the_elements_is_not_observable` pins this.
//!
//! # Views are not implemented
//!
//! - `ArrayView` (`&`-borrowed elements): a reverse pass writes the shadow's
//!   elements, so a shadow view would be written through a shared borrow,
//!   the hole that keeps `&[&f64]` out.
//! - `ArrayViewMut`: an exclusively borrowed view could be checked like an
//!   owned array, but `make_zero` has to return a `Self`, and no function can
//!   conjure a `&mut` borrow of fresh storage for it; the reference backend
//!   builds its perturbed copies with `copy_boxed`, which has the same
//!   problem.
//! - `ArcArray` (shared, copy-on-write storage: the shadow's elements may be
//!   shared with other arrays), `CowArray` (may be a view) and the raw views
//!   (raw pointers) are left out for the same reasons.
//!
//! Pass the owned array by reference (`&Array2<f64>`, `&mut Array2<f64>`), or
//! `to_owned()` a view first.
//!
//! ```
//! use autodiff_core::check;
//! use ndarray::Array1;
//!
//! let x = Array1::<f64>::zeros(3);
//! assert!(check(&x, &x.clone()).is_ok());
//! ```
//!
//! ```compile_fail,E0277
//! use autodiff_core::check;
//! use ndarray::{Array1, ArrayView1};
//!
//! let x = Array1::<f64>::zeros(3);
//! let view: ArrayView1<'_, f64> = x.view();
//! let _ = check(&view, &view); // `ArrayView1<f64>` is not `ShadowCheck`
//! ```
//!
//! ```compile_fail,E0277
//! use autodiff_core::check;
//! use ndarray::Array1;
//!
//! let mut x = Array1::<f64>::zeros(3);
//! let mut y = Array1::<f64>::zeros(3);
//! let _ = check(&x.view_mut(), &y.view_mut()); // nor is `ArrayViewMut1<f64>`
//! ```
//!
//! ```compile_fail,E0277
//! use autodiff_core::check;
//! use ndarray::ArcArray1;
//!
//! let x = ArcArray1::<f64>::zeros(3);
//! let _ = check(&x, &x.clone()); // nor `ArcArray1<f64>`
//! ```
//!
//! The same holds for a checked derivative: a `Duplicated` view is refused at
//! compile time, and the owned array is accepted.
//!
//! ```
//! use autodiff_safe::autodiff_reverse;
//! use ndarray::Array1;
//!
//! #[autodiff_reverse(d_f, Duplicated, Active)]
//! fn f(w: &Array1<f64>) -> f64 {
//!     w.sum()
//! }
//! ```
//!
//! ```compile_fail,E0277
//! use autodiff_safe::autodiff_reverse;
//! use ndarray::ArrayView1;
//!
//! #[autodiff_reverse(d_f, Duplicated, Active)]
//! fn f(w: &ArrayView1<'_, f64>) -> f64 {
//!     w.sum()
//! }
//! ```

use ::ndarray::{Array, ArrayBase, Axis, Dimension, OwnedRepr, ShapeBuilder, Zip};

use crate::private::all_some;
use crate::tree_impls::elements_leaf_path;
use crate::{FloatTree, Lanes, PathSegment, ShadowCheck, ShadowError};

/// Owned ndarray arrays of any dimension (feature `ndarray`).
///
/// The shadow must have the primal's shape and, on every axis longer than
/// one element, its strides: a Fortran-order primal needs a Fortran-order
/// shadow, and a transposed copy is refused. Elements are then checked in
/// logical (`iter()`) order, which is also the order of `[i]` in error paths
/// and of the float walk. `make_zero` keeps the primal's memory layout.
///
/// Views (`ArrayView`, `ArrayViewMut`), `ArcArray` and `CowArray` do not
/// implement `ShadowCheck`: pass the owned array by reference.
///
/// Limitation: ndarray does not show a borrowed array's storage beyond its
/// elements. An array sliced in place (`slice_move`, `slice_collapse`, ..)
/// keeps its whole `Vec`, and the check cannot compare it, so do not pass an
/// array sliced in place (or grown with `push_row`/`append`) as a primal or
/// shadow of a derivative that clones, grows or drops it; `to_owned()` it
/// first.
///
/// ```
/// use autodiff_core::{check, make_zero};
/// use ndarray::{array, Array2};
///
/// let w = array![[1.0_f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
/// assert!(check(&w, &make_zero(&w)).is_ok());
/// let err = check(&w, &Array2::zeros((3, 2))).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "shadow does not match its primal: primal has shape [2, 3], shadow has shape [3, 2]",
/// );
/// ```
// SAFETY: ndarray documents (on `as_ptr`) that the element at multi-index `I`
// of an array with strides `S` lives at offset `Σ I[k] * S[k]` from its
// pointer, and that an `Array` owns its elements uniquely. With equal shapes
// both arrays have the same valid multi-indices; with equal strides on every
// axis longer than one element (the other axes only ever contribute
// `0 * S[k]`) every such index has the same offset in both, so every element
// location the primal's code reaches from its pointer is an element of the
// shadow, owned by the shadow alone (no `&`, no raw pointer, no interior
// mutability in between). An empty array has no valid multi-index, so no
// element of it is read or written and only its shape matters. Every element
// pair is then checked, unless `A`'s check cannot fail, which covers the
// memory inside the elements. What ndarray does not expose through `&self`,
// and this impl therefore cannot compare, is the storage outside the
// elements (the `Vec`'s length, the first element's offset in it, and its
// capacity), which only in-place slicing and growth make differ from the
// elements; the module docs spell out that limitation.
unsafe impl<A: ShadowCheck, D: Dimension> ShadowCheck for ArrayBase<OwnedRepr<A>, D> {
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        if self.shape() != shadow.shape() {
            return Err(ShadowError::shape(
                self.shape().to_vec(),
                shadow.shape().to_vec(),
            ));
        }
        if !self.is_empty() && strides_differ(self.shape(), self.strides(), shadow.strides()) {
            return Err(ShadowError::strides(
                self.strides().to_vec(),
                shadow.strides().to_vec(),
            ));
        }
        if A::CHECK_IS_NOOP {
            return Ok(());
        }
        for (index, (primal, shadow)) in self.iter().zip(shadow.iter()).enumerate() {
            primal
                .check_shadow(shadow)
                .map_err(|error| error.at_index(index))?;
        }
        Ok(())
    }
}

/// Owned ndarray arrays of any dimension (feature `ndarray`): copies and
/// zeros keep the primal's memory layout; the walk goes in logical (`iter()`)
/// order for every layout, the order of `[i]` in error and leaf paths.
///
/// Arrays in standard (row-major, contiguous) layout, where memory order is
/// logical order, hand their elements to the element type's `zip_slices` as
/// one slice, so an `Array2<f64>` is one visitor call; other layouts are
/// walked element by element. Arrays of different shapes are not walked at
/// all.
///
/// ```
/// use autodiff_core::{FloatTree, PathSegment};
/// use ndarray::{array, ShapeBuilder, Array2};
///
/// let w = array![[1.0_f64, 2.0], [3.0, 4.0]];
/// let mut calls = 0;
/// Array2::zip_floats([&w], [], &mut |_| calls += 1);
/// assert_eq!(calls, 1);
///
/// let f = Array2::from_shape_vec((2, 2).f(), vec![1.0_f64, 3.0, 2.0, 4.0]).unwrap();
/// let mut seen = Vec::new();
/// f.visit_floats(&mut |x| seen.push(x));
/// assert_eq!(seen, [1.0, 2.0, 3.0, 4.0]); // logical order
///
/// let mut path = Vec::new();
/// assert!(w.leaf_path(2, &mut path));
/// assert_eq!(path, [PathSegment::Index(2)]);
/// ```
impl<A: FloatTree, D: Dimension> FloatTree for ArrayBase<OwnedRepr<A>, D> {
    fn copy_boxed(&self) -> Box<Self> {
        let mut copy = zeroed_like(self);
        copy.copy_from(self);
        Box::new(copy)
    }

    /// In place when the shapes and the strides of every axis longer than one
    /// element agree; otherwise `self` is replaced by a copy with `source`'s
    /// layout.
    fn copy_from(&mut self, source: &Self) {
        if self.shape() == source.shape()
            && !strides_differ(self.shape(), self.strides(), source.strides())
        {
            Zip::from(&mut *self)
                .and(source)
                .for_each(|target, source| FloatTree::copy_from(target, source));
        } else {
            *self = *source.copy_boxed();
        }
    }

    fn zip_floats<const R: usize, const W: usize>(
        read: [&Self; R],
        mut write: [&mut Self; W],
        visitor: &mut dyn FnMut(Lanes<'_, R, W>),
    ) {
        let mut shapes = read
            .iter()
            .map(|array| array.shape())
            .chain(write.iter().map(|array| array.shape()));
        if let Some(first) = shapes.next()
            && shapes.any(|shape| shape != first)
        {
            return;
        }
        // `as_slice` is the standard layout only, where memory order is
        // logical order.
        if let (Some(read), Some(write)) = (
            all_some(read.map(|array| array.as_slice())),
            all_some(write.each_mut().map(|array| array.as_slice_mut())),
        ) {
            A::zip_slices(read, write, visitor);
            return;
        }
        let mut readers = read.map(|array| array.iter());
        let mut writers = write.each_mut().map(|array| array.iter_mut());
        while let (Some(read), Some(write)) = (
            all_some(readers.each_mut().map(Iterator::next)),
            all_some(writers.each_mut().map(Iterator::next)),
        ) {
            A::zip_floats(read, write, visitor);
        }
    }

    fn make_zero(&self) -> Self {
        zeroed_like(self)
    }

    fn make_zero_boxed(&self) -> Box<Self> {
        Box::new(self.make_zero())
    }

    fn set_zero(&mut self) {
        if let Some(elements) = self.as_slice_memory_order_mut() {
            elements.set_zero();
        } else {
            self.map_inplace(A::set_zero);
        }
    }

    fn leaf_path(&self, leaf: usize, path: &mut Vec<PathSegment>) -> bool {
        elements_leaf_path(self.iter(), leaf, path)
    }
}

/// Whether two arrays of shape `shape` address their elements differently:
/// some axis longer than one element has other strides.
fn strides_differ(shape: &[usize], primal: &[isize], shadow: &[isize]) -> bool {
    shape
        .iter()
        .zip(primal.iter().zip(shadow))
        .any(|(&length, (primal, shadow))| length > 1 && primal != shadow)
}

/// A zeroed array with `primal`'s shape and strides.
///
/// The storage is built in memory order with non-negative strides (the form
/// `from_shape_vec` documents), then the axes whose strides are negative in
/// `primal` are inverted, which keeps the set of addresses and flips the
/// strides' signs. If ndarray ever refuses the layout, the result falls back
/// to `map`, which has the right values but maybe other strides.
fn zeroed_like<A: FloatTree, D: Dimension>(primal: &Array<A, D>) -> Array<A, D> {
    let Some(first) = primal.first() else {
        // Empty: only the shape is checked, and `map` keeps it.
        return primal.map(A::make_zero);
    };
    let dim = primal.raw_dim();
    let mut strides = dim.clone();
    let mut span = Some(1_usize);
    for (axis, (&length, &stride)) in primal.shape().iter().zip(primal.strides()).enumerate() {
        strides[axis] = stride.unsigned_abs();
        span = span.and_then(|span| {
            span.checked_add(
                length
                    .saturating_sub(1)
                    .checked_mul(stride.unsigned_abs())?,
            )
        });
    }
    let memory_order = primal.as_slice_memory_order();
    let storage: Vec<A> = match (memory_order, span) {
        // Contiguous: the memory-order slice is the whole span, and the new
        // storage keeps each element at its primal's position.
        (Some(elements), _) => elements.iter().map(A::make_zero).collect(),
        // Strided: fill the gaps too, then overwrite the elements below.
        (None, Some(span)) => (0..span).map(|_| first.make_zero()).collect(),
        (None, None) => return primal.map(A::make_zero),
    };
    let Ok(mut zero) = Array::from_shape_vec(dim.strides(strides), storage) else {
        return primal.map(A::make_zero);
    };
    for (axis, &stride) in primal.strides().iter().enumerate() {
        if stride < 0 {
            zero.invert_axis(Axis(axis));
        }
    }
    if memory_order.is_none() {
        Zip::from(&mut zero)
            .and(primal)
            .for_each(|zero, primal| *zero = primal.make_zero());
    }
    zero
}
