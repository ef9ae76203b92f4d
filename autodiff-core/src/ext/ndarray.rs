//! `FloatTree` for ndarray's owned arrays (feature `ndarray`), and why they
//! do not implement `ShadowCheck` (since 0.2).
//!
//! # What is implemented
//!
//! [`FloatTree`] for `Array<A, D>` (`ArrayBase<OwnedRepr<A>, D>`) of every
//! element type `A: FloatTree` and every `D: Dimension`: `Array0` to `Array6`
//! and `ArrayD`. `make_zero` keeps the primal's strides, including negative
//! ones and the gaps of a strided slice; the float walk goes in logical
//! (`iter()`) order for every layout.
//!
//! ```
//! use autodiff_core::make_zero;
//! use ndarray::{Array2, ShapeBuilder};
//!
//! let w = Array2::<f64>::ones((2, 3).f()); // Fortran order
//! let dw = make_zero(&w);
//! assert_eq!(dw.strides(), w.strides());
//! ```
//!
//! # Why not `ShadowCheck`
//!
//! The trait's contract covers all memory a derivative may reach from the
//! primal, and an owned array reaches memory beyond its elements that
//! ndarray does not let anyone compare. An owned array keeps its whole `Vec`
//! when it is sliced in place (`slice_collapse`, `slice_move`,
//! `slice_axis_inplace`, `index_axis_move`, `collapse_axis`), and `push_row`,
//! `append` or a `Vec` passed to `from_shape_vec` can leave spare capacity.
//! ndarray offers no `&self` accessor for that storage's length, for the
//! offset of the first element in it, or for its capacity: `len()` and
//! `as_slice_memory_order()` cover the elements only, and
//! `into_raw_vec_and_offset()` consumes the array. A derivative of code that
//! works on the whole storage walks the shadow's storage with the primal's
//! length, offset and capacity, and that code needs no `unsafe`:
//!
//! - an array sliced in place, passed by value as `Dual`, then
//!   `into_raw_vec_and_offset()`: reads the shadow's storage past its end
//!   (measured: valgrind `Invalid read of size 8`);
//! - `clone()` of an array behind `&` copies its whole storage, so even a
//!   shared argument reads it;
//! - `push_row`, `append`, `reserve` reallocate by the primal's capacity.
//!
//! Comparing shapes and strides, as 0.1 did, cannot see any of this, and no
//! O(1) check can without ndarray's help. So since 0.2 ndarray's arrays do
//! not implement `ShadowCheck`, and a derivative over them is an explicit
//! opt-out: write the activity `unsafe(Duplicated)` or `unsafe(Dual)`, which
//! makes it an `unsafe fn` whose generated `# Safety` section states the
//! caller's promise (the shadow has exactly the primal's structure, here:
//! same shape, strides and storage, as `make_zero` builds from a primal that
//! was not sliced in place or grown). Or pass the elements as a slice
//! (`x.as_slice().unwrap()`, `&mut [f64]`), which is checked, and rebuild the
//! array inside the function with `ArrayView::from`.
//!
//! ```
//! use autodiff_safe::autodiff_reverse;
//! use ndarray::{Array1, ArrayView1};
//!
//! // The elements as a checked slice, viewed as an array inside.
//! #[autodiff_reverse(d_f, Duplicated, Active)]
//! fn f(w: &[f64]) -> f64 {
//!     let w = ArrayView1::from(w);
//!     w.dot(&w)
//! }
//!
//! let w = Array1::from(vec![1.0, 2.0]);
//! let mut dw = vec![0.0; 2];
//! let value = d_f(w.as_slice().unwrap(), &mut dw, 1.0);
//! assert_eq!(value, 5.0);
//! assert!((dw[1] - 4.0).abs() < 1e-6);
//! ```
//!
//! ```compile_fail,E0277
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
//! use autodiff_core::check;
//! use ndarray::Array1;
//!
//! let x = Array1::<f64>::zeros(3);
//! let _ = check(&x, &x.clone()); // `Array1<f64>` is not `ShadowCheck`
//! ```
//!
//! # Views
//!
//! Views (`ArrayView`, `ArrayViewMut`), `ArcArray`, `CowArray` and the raw
//! views implement neither trait: a shadow view would be written through a
//! shared borrow (`ArrayView`), shares its storage (`ArcArray`), or cannot be
//! created by `make_zero` (`ArrayViewMut`, which must borrow fresh storage).

use ::ndarray::{Array, ArrayBase, Axis, Dimension, OwnedRepr, ShapeBuilder, Zip};

use crate::private::all_some;
use crate::tree_impls::elements_leaf_path;
use crate::{FloatTree, Lanes, PathSegment};

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
