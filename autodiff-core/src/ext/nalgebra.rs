//! `ShadowCheck` for nalgebra's owned matrices and vectors (feature
//! `nalgebra`).
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
//! elements. The `Vec`'s spare capacity is not compared, as for `Vec<T>`.
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

use crate::{FloatMut, ShadowCheck, ShadowError};

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
// of that `Vec` and nothing outside it. Equal shapes therefore mean the same
// element locations in both `Vec`s; the lengths are compared as well, in case
// that invariant were ever broken. The `Vec` is owned, so no `&`, raw pointer
// or interior mutability lies in between. Every element pair is then
// checked, unless `T`'s check cannot fail. Spare capacity is not compared,
// as for `Vec<T>`.
unsafe impl<T: ShadowCheck, R: Dim, C: Dim> ShadowCheck for Matrix<T, R, C, VecStorage<T, R, C>>
where
    VecStorage<T, R, C>: RawStorage<T, R, C>,
{
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        let (primal_shape, shadow_shape) = (self.shape(), shadow.shape());
        if primal_shape != shadow_shape {
            return Err(ShadowError::shape(
                vec![primal_shape.0, primal_shape.1],
                vec![shadow_shape.0, shadow_shape.1],
            ));
        }
        let (primal, shadow) = (self.data.as_slice(), shadow.data.as_slice());
        if primal.len() != shadow.len() {
            return Err(ShadowError::length(primal.len(), shadow.len()));
        }
        check_column_major(primal, shadow)
    }

    fn make_zero(&self) -> Self {
        let (nrows, ncols) = self.data.shape();
        let data = self.data.as_slice().iter().map(T::make_zero).collect();
        Matrix::from_data(VecStorage::new(nrows, ncols, data))
    }

    fn make_zero_boxed(&self) -> Box<Self> {
        Box::new(self.make_zero())
    }

    // The column-major element slice already knows how to zero and walk.
    fn set_zero(&mut self) {
        self.data.as_mut_slice().set_zero();
    }

    fn visit_floats(&self, visitor: &mut dyn FnMut(f64)) {
        self.data.as_slice().visit_floats(visitor);
    }

    fn visit_floats_mut(&mut self, visitor: &mut dyn FnMut(FloatMut<'_>)) {
        self.data.as_mut_slice().visit_floats_mut(visitor);
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
// no-op exactly when `T`'s is.
unsafe impl<T: ShadowCheck, const R: usize, const C: usize> ShadowCheck
    for Matrix<T, Const<R>, Const<C>, ArrayStorage<T, R, C>>
{
    const CHECK_IS_NOOP: bool = T::CHECK_IS_NOOP;

    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_column_major(self.data.as_slice(), shadow.data.as_slice())
    }

    fn make_zero(&self) -> Self {
        Matrix::from_data(ArrayStorage(self.data.0.make_zero()))
    }

    fn make_zero_boxed(&self) -> Box<Self> {
        Box::new(self.make_zero())
    }

    // The column-major element slice already knows how to zero and walk.
    fn set_zero(&mut self) {
        self.data.as_mut_slice().set_zero();
    }

    fn visit_floats(&self, visitor: &mut dyn FnMut(f64)) {
        self.data.as_slice().visit_floats(visitor);
    }

    fn visit_floats_mut(&mut self, visitor: &mut dyn FnMut(FloatMut<'_>)) {
        self.data.as_mut_slice().visit_floats_mut(visitor);
    }
}

/// Checks the element pairs of two storages of equal length, naming the
/// column-major index of the first mismatch.
fn check_column_major<T: ShadowCheck>(primal: &[T], shadow: &[T]) -> Result<(), ShadowError> {
    if T::CHECK_IS_NOOP {
        return Ok(());
    }
    for (index, (primal, shadow)) in primal.iter().zip(shadow).enumerate() {
        primal
            .check_shadow(shadow)
            .map_err(|error| error.at_index(index))?;
    }
    Ok(())
}
