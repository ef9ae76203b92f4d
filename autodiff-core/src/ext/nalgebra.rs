//! `ShadowCheck` and `FloatTree` for nalgebra's owned matrices and vectors
//! (feature `nalgebra`).
//!
//! # What is implemented
//!
//! - Matrices stored in a `VecStorage`: `Matrix<T, R, C, VecStorage<T, R, C>>`
//!   whenever nalgebra makes that storage a matrix storage, that is with at
//!   least one dimension `Dyn`: `DMatrix`, `DVector`, `RowDVector`, and the
//!   mixed ones such as `OMatrix<T, Dyn, U3>` or `OMatrix<T, U2, Dyn>`. The
//!   check compares the shapes `(nrows, ncols)`
//!   ([`Mismatch::Shape`](crate::Mismatch::Shape)) and the lengths of the
//!   storage `Vec`s, then every element pair unless `T::CHECK_IS_NOOP`.
//! - Matrices stored in an `ArrayStorage`: `SMatrix<T, R, C>`, `Vector3`,
//!   `Matrix4`, ... Their shape is part of the type, so their check is a
//!   no-op exactly when `T`'s is (`CHECK_IS_NOOP = T::CHECK_IS_NOOP`), as for
//!   `[T; N]`.
//!
//! Elements are visited and indexed in nalgebra's storage order, column-major:
//! the `[i]` of an error path is the linear index `m[i]` of the element, the
//! same in both impls.
//!
//! ```
//! use autodiff_core::{check, make_zero};
//! use nalgebra::{DMatrix, Matrix2x3};
//!
//! let w = DMatrix::<f64>::from_element(2, 3, 1.0);
//! assert!(check(&w, &make_zero(&w)).is_ok());
//! assert_eq!(
//!     check(&w, &DMatrix::zeros(3, 2)).unwrap_err().to_string(),
//!     "shadow does not match its primal: primal has shape [2, 3], shadow has shape [3, 2]",
//! );
//! let s = Matrix2x3::<f64>::repeat(1.0);
//! assert_eq!(make_zero(&s), Matrix2x3::zeros());
//! ```
//!
//! A `VecStorage`'s `Vec` holds exactly `nrows * ncols` elements (its
//! constructor asserts it, and `as_vec_mut` is `unsafe` because changing it
//! is undefined behaviour), so nalgebra has no storage hidden around the
//! elements. The `Vec` itself is reachable (`as_vec`), so a shadow that may
//! be written (behind `&mut`, or by value) needs at least the primal's
//! capacity, as for `Vec<T>`; `make_zero` keeps it.
//!
//! # Views are not implemented
//!
//! `MatrixView` (`ViewStorage`, borrowing `&` elements) would be written
//! through a shared borrow by a reverse pass, the `&[&f64]` hole;
//! `MatrixViewMut` (`ViewStorageMut`) could be checked, but `make_zero` has
//! to return a `Self` and cannot create the `&mut` borrow it holds. Pass the
//! owned matrix by reference, or `clone_owned()` a view first.
//!
//! ```
//! use autodiff_core::check;
//! use nalgebra::DMatrix;
//!
//! let m = DMatrix::<f64>::zeros(2, 2);
//! assert!(check(&m, &m.clone()).is_ok());
//! ```
//!
//! ```compile_fail,E0277
//! use autodiff_core::check;
//! use nalgebra::DMatrix;
//!
//! let m = DMatrix::<f64>::zeros(2, 2);
//! let view = m.view((0, 0), (2, 2));
//! let _ = check(&view, &view); // `MatrixView<f64, Dyn, Dyn>` is not `ShadowCheck`
//! ```
//!
//! ```compile_fail,E0277
//! use autodiff_core::check;
//! use nalgebra::DMatrix;
//!
//! let mut m = DMatrix::<f64>::zeros(2, 2);
//! let mut n = DMatrix::<f64>::zeros(2, 2);
//! let _ = check(&m.view_mut((0, 0), (2, 2)), &n.view_mut((0, 0), (2, 2))); // nor `MatrixViewMut`
//! ```
//!
//! ```compile_fail,E0277
//! use autodiff_safe::autodiff_reverse;
//! use nalgebra::DVectorView;
//!
//! #[autodiff_reverse(d_f, Duplicated, Active)]
//! fn f(w: &DVectorView<'_, f64>) -> f64 {
//!     w.sum()
//! }
//! ```

use ::nalgebra::{ArrayStorage, Const, Dim, Matrix, RawStorage, VecStorage};

use crate::tree_impls::elements_leaf_path;
use crate::{AllocationWalk, FloatTree, Lanes, PathSegment, ShadowCheck, ShadowError};

/// nalgebra matrices and vectors stored in a `VecStorage` (feature
/// `nalgebra`): `DMatrix`, `DVector`, `RowDVector` and mixed ones such as
/// `OMatrix<T, Dyn, U3>`.
///
/// The shadow must have the primal's `(nrows, ncols)`; elements are then
/// checked in column-major order, the order of `m[i]`, which is also the
/// order of `[i]` in error paths and of the float walk. Views (`MatrixView`,
/// `MatrixViewMut`) do not implement `ShadowCheck`: pass the owned matrix by
/// reference.
///
/// ```
/// use autodiff_core::check;
/// use nalgebra::DVector;
///
/// let x = DVector::<f64>::from_vec(vec![1.0, 2.0, 3.0]);
/// assert_eq!(
///     check(&x, &DVector::zeros(2)).unwrap_err().to_string(),
///     "shadow does not match its primal: primal has shape [3, 1], shadow has shape [2, 1]",
/// );
/// ```
// SAFETY: nalgebra's `Matrix` is its `data` storage (its other field is a
// `PhantomData`). A `VecStorage` owns one `Vec` of exactly `nrows * ncols`
// elements in column-major order: `VecStorage::new` asserts the length, and
// `as_vec_mut` is `unsafe` precisely because changing it is undefined
// behaviour, so nalgebra's code addresses element `(r, c)` at `r + c * nrows`
// of that `Vec`. Equal shapes therefore mean the same element locations in
// both `Vec`s; the lengths are compared as well, in case that invariant were
// ever broken. The `Vec` is reachable (`as_vec`), so its capacity is
// compared like a `Vec<T>`'s: a shadow that may be written has at least the
// primal's capacity, because nalgebra's by-value resizing (`resize`,
// `insert_rows`, ..., reached from a `&mut` through `mem::take`) reserves by
// the primal's capacity and writes its spare slots; behind `&` no code can
// write them, so `check_shadow_shared` does not compare it. The `Vec` is
// owned, so no `&`, raw pointer or interior mutability lies in between.
// Every element pair is then checked (with the check this one was asked
// for), unless `T`'s check cannot fail. The walk visits the `Vec`'s buffer,
// then the elements' allocations.
unsafe impl<T: ShadowCheck, R: Dim, C: Dim> ShadowCheck for Matrix<T, R, C, VecStorage<T, R, C>>
where
    VecStorage<T, R, C>: RawStorage<T, R, C>,
{
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_vec_storage::<T, R, C, false>(self, shadow)?;
        let (primal, shadow) = (self.data.as_vec(), shadow.data.as_vec());
        if shadow.capacity() < primal.capacity() {
            return Err(ShadowError::capacity(primal.capacity(), shadow.capacity()));
        }
        Ok(())
    }

    fn check_shadow_shared(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_vec_storage::<T, R, C, true>(self, shadow)
    }

    const ALLOCATIONS_WALKED: bool = T::ALLOCATIONS_WALKED;
    const STRUCTURE_IS_FIXED: bool = false;

    fn walk_allocations(
        &self,
        shadow: &Self,
        walk: &mut AllocationWalk,
    ) -> Result<(), ShadowError> {
        let (primal, shadow) = (self.data.as_vec(), shadow.data.as_vec());
        walk.owned(
            primal.as_ptr(),
            primal.capacity(),
            shadow.as_ptr(),
            shadow.capacity(),
        )?;
        walk_column_major(primal, shadow, walk)
    }
}

/// Shapes, storage lengths, then elements, for both checks.
fn check_vec_storage<T: ShadowCheck, R: Dim, C: Dim, const SHARED: bool>(
    primal: &Matrix<T, R, C, VecStorage<T, R, C>>,
    shadow: &Matrix<T, R, C, VecStorage<T, R, C>>,
) -> Result<(), ShadowError>
where
    VecStorage<T, R, C>: RawStorage<T, R, C>,
{
    let (primal_shape, shadow_shape) = (primal.shape(), shadow.shape());
    if primal_shape != shadow_shape {
        return Err(ShadowError::shape(
            vec![primal_shape.0, primal_shape.1],
            vec![shadow_shape.0, shadow_shape.1],
        ));
    }
    let (primal, shadow) = (primal.data.as_slice(), shadow.data.as_slice());
    if primal.len() != shadow.len() {
        return Err(ShadowError::length(primal.len(), shadow.len()));
    }
    check_column_major::<T, SHARED>(primal, shadow)
}

/// nalgebra matrices stored in a `VecStorage` (feature `nalgebra`): the walk
/// hands the column-major storage to the element type's `zip_slices`, so a
/// `DMatrix<f64>` is one visitor call; matrices of different shapes are not
/// walked. `copy_from` of another shape rebuilds. (Call it as
/// `FloatTree::copy_from(&mut m, &source)`: method syntax finds nalgebra's
/// inherent `copy_from`, which panics on another shape.)
///
/// ```
/// use autodiff_core::{FloatTree, PathSegment};
/// use nalgebra::DMatrix;
///
/// let m = DMatrix::from_column_slice(2, 2, &[1.0_f64, 2.0, 3.0, 4.0]);
/// let mut calls = 0;
/// DMatrix::zip_floats([&m], [], &mut |_| calls += 1);
/// assert_eq!(calls, 1);
/// // By path: nalgebra's inherent `copy_from` wants equal shapes.
/// let mut copy = DMatrix::<f64>::zeros(1, 3);
/// FloatTree::copy_from(&mut copy, &m);
/// assert_eq!(copy, m);
/// let mut path = Vec::new();
/// assert!(m.leaf_path(3, &mut path));
/// assert_eq!(path, [PathSegment::Index(3)]);
/// ```
impl<T: FloatTree, R: Dim, C: Dim> FloatTree for Matrix<T, R, C, VecStorage<T, R, C>>
where
    VecStorage<T, R, C>: RawStorage<T, R, C>,
{
    fn copy_boxed(&self) -> Box<Self> {
        let (nrows, ncols) = self.data.shape();
        let mut data = Vec::with_capacity(self.data.as_vec().capacity());
        data.extend(self.data.as_slice().iter().map(crate::private::copy));
        Box::new(Matrix::from_data(VecStorage::new(nrows, ncols, data)))
    }

    fn copy_from(&mut self, source: &Self) {
        if self.shape() == source.shape() {
            self.data.as_mut_slice().copy_from(source.data.as_slice());
        } else {
            *self = *source.copy_boxed();
        }
    }

    fn zip_floats<const N: usize, const W: usize>(
        read: [&Self; N],
        write: [&mut Self; W],
        visitor: &mut dyn FnMut(Lanes<'_, N, W>),
    ) {
        let mut shapes = read
            .iter()
            .map(|matrix| matrix.shape())
            .chain(write.iter().map(|matrix| matrix.shape()));
        if let Some(first) = shapes.next()
            && shapes.any(|shape| shape != first)
        {
            return;
        }
        T::zip_slices(
            read.map(|matrix| matrix.data.as_slice()),
            write.map(|matrix| matrix.data.as_mut_slice()),
            visitor,
        );
    }

    /// Keeps the storage `Vec`'s capacity, so that the zero passes the
    /// strict check (a shadow that may be written needs the primal's
    /// capacity).
    fn make_zero(&self) -> Self {
        let (nrows, ncols) = self.data.shape();
        let mut data = Vec::with_capacity(self.data.as_vec().capacity());
        data.extend(self.data.as_slice().iter().map(T::make_zero));
        Matrix::from_data(VecStorage::new(nrows, ncols, data))
    }

    fn make_zero_boxed(&self) -> Box<Self> {
        Box::new(self.make_zero())
    }

    fn leaf_path(&self, leaf: usize, path: &mut Vec<PathSegment>) -> bool {
        elements_leaf_path(self.data.as_slice(), leaf, path)
    }
}

/// Statically sized nalgebra matrices and vectors (feature `nalgebra`):
/// `SMatrix<T, R, C>`, `Vector3`, `Matrix4`, ...
///
/// The shape is in the type, so only the elements can differ: the check is a
/// no-op when `T`'s is, as for `[T; N]`.
///
/// ```
/// use autodiff_core::ShadowCheck;
/// use nalgebra::Matrix3;
///
/// assert!(<Matrix3<f64> as ShadowCheck>::CHECK_IS_NOOP);
/// ```
// SAFETY: an `ArrayStorage<T, R, C>` is a `[[T; R]; C]` whose lengths are
// part of the type, and a `Matrix` is its `data` storage, so both matrices
// have the same element locations; the elements are owned inline. Every
// element pair is checked unless `T`'s check cannot fail, so the check is a
// no-op exactly when `T`'s is. Its shape cannot change, so its
// structure is fixed exactly when `T`'s is.
unsafe impl<T: ShadowCheck, const R: usize, const C: usize> ShadowCheck
    for Matrix<T, Const<R>, Const<C>, ArrayStorage<T, R, C>>
{
    const CHECK_IS_NOOP: bool = T::CHECK_IS_NOOP;

    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_column_major::<T, false>(self.data.as_slice(), shadow.data.as_slice())
    }

    fn check_shadow_shared(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_column_major::<T, true>(self.data.as_slice(), shadow.data.as_slice())
    }

    const ALLOCATIONS_WALKED: bool = T::ALLOCATIONS_WALKED;
    const STRUCTURE_IS_FIXED: bool = T::STRUCTURE_IS_FIXED;
    const OWNS_NO_ALLOCATIONS: bool = T::OWNS_NO_ALLOCATIONS;

    fn walk_allocations(
        &self,
        shadow: &Self,
        walk: &mut AllocationWalk,
    ) -> Result<(), ShadowError> {
        walk_column_major(self.data.as_slice(), shadow.data.as_slice(), walk)
    }
}

/// Statically sized nalgebra matrices (feature `nalgebra`): the walk hands
/// the column-major storage to the element type's `zip_slices`.
///
/// ```
/// use autodiff_core::FloatTree;
/// use nalgebra::Matrix2;
///
/// let m = Matrix2::new(1.0_f64, 2.0, 3.0, 4.0);
/// let mut seen = Vec::new();
/// m.visit_floats(&mut |x| seen.push(x));
/// assert_eq!(seen, [1.0, 3.0, 2.0, 4.0]); // column-major
/// ```
impl<T: FloatTree, const R: usize, const C: usize> FloatTree
    for Matrix<T, Const<R>, Const<C>, ArrayStorage<T, R, C>>
{
    fn copy_boxed(&self) -> Box<Self> {
        Box::new(Matrix::from_data(ArrayStorage(crate::private::copy(
            &self.data.0,
        ))))
    }

    fn copy_from(&mut self, source: &Self) {
        self.data.0.copy_from(&source.data.0);
    }

    fn zip_floats<const N: usize, const W: usize>(
        read: [&Self; N],
        write: [&mut Self; W],
        visitor: &mut dyn FnMut(Lanes<'_, N, W>),
    ) {
        T::zip_slices(
            read.map(|matrix| matrix.data.as_slice()),
            write.map(|matrix| matrix.data.as_mut_slice()),
            visitor,
        );
    }

    fn make_zero(&self) -> Self {
        Matrix::from_data(ArrayStorage(self.data.0.make_zero()))
    }

    fn make_zero_boxed(&self) -> Box<Self> {
        Box::new(self.make_zero())
    }

    fn leaf_path(&self, leaf: usize, path: &mut Vec<PathSegment>) -> bool {
        elements_leaf_path(self.data.as_slice(), leaf, path)
    }
}

/// Checks the element pairs of two storages of equal length, naming the
/// column-major index of the first mismatch.
fn check_column_major<T: ShadowCheck, const SHARED: bool>(
    primal: &[T],
    shadow: &[T],
) -> Result<(), ShadowError> {
    if T::CHECK_IS_NOOP {
        return Ok(());
    }
    for (index, (primal, shadow)) in primal.iter().zip(shadow).enumerate() {
        let result = if SHARED {
            primal.check_shadow_shared(shadow)
        } else {
            primal.check_shadow(shadow)
        };
        result.map_err(|error| error.at_index(index))?;
    }
    Ok(())
}

/// Walks the allocations inside the element pairs, naming the column-major
/// index, unless the elements own none.
fn walk_column_major<T: ShadowCheck>(
    primal: &[T],
    shadow: &[T],
    walk: &mut AllocationWalk,
) -> Result<(), ShadowError> {
    if T::OWNS_NO_ALLOCATIONS {
        return Ok(());
    }
    for (index, (primal, shadow)) in primal.iter().zip(shadow).enumerate() {
        primal
            .walk_allocations(shadow, walk)
            .map_err(|error| error.at_index(index))?;
    }
    Ok(())
}
