use crate::ShadowError;

/// A type whose shadow can be checked against its primal before Enzyme
/// reads or writes through it.
///
/// Enzyme's derivative functions receive, next to every differentiated
/// argument, a *shadow* of the same type (`dx` for `x`). The generated code
/// walks the shadow exactly as the primal code walks the primal: if the
/// primal slice has three elements, the derivative reads and writes three
/// elements of the shadow, whatever the shadow's own length. `ShadowCheck`
/// makes that assumption checkable: [`check_shadow`](Self::check_shadow)
/// compares the two values and refuses any difference in structure.
///
/// The trait holds only what carries safety: the check and
/// [`CHECK_IS_NOOP`](Self::CHECK_IS_NOOP). What a derivative needs around the
/// check, a zeroed shadow of the right shape, zeroing in place and walks over
/// the float leaves, is the safe [`FloatTree`](crate::FloatTree), since a
/// wrong zero or walk gives wrong numbers, never undefined behaviour.
///
/// Derive it with `#[derive(ShadowCheck)]` from `autodiff_safe`, which
/// implements both traits.
///
/// ```
/// use autodiff_safe::ShadowCheck;
///
/// #[derive(ShadowCheck)]
/// struct Layer {
///     w: Vec<f64>,
///     b: Vec<f64>,
/// }
///
/// let layer = Layer { w: vec![1.0, 2.0], b: vec![0.5] };
/// let short = Layer { w: vec![0.0], b: vec![0.0] };
/// let err = layer.check_shadow(&short).unwrap_err();
/// assert_eq!(err.path(), ".w");
/// ```
///
/// # Safety
///
/// `check_shadow(primal, shadow)` returning `Ok(())` promises that every
/// memory location a derivative of code operating on `primal` may read or
/// write through `shadow`, following the same field projections, indices,
/// pointer dereferences and enum discriminants, exists in `shadow`, is
/// exclusively reachable through it, and has the same layout and enum variant
/// as the corresponding location in `primal`. In particular:
///
/// - every owned buffer reachable from `shadow` (a `Vec`'s or `Box<[T]>`'s
///   allocation, a `String`'s bytes) has the same length as the primal's;
/// - every enum reachable from `shadow` is the same variant as the primal's;
/// - no location reachable from `shadow` is behind a shared reference, a raw
///   pointer or interior mutability (`Cell`, `RefCell`, `UnsafeCell`), since a
///   reverse pass writes into the shadow through those paths;
/// - the promise holds for all nested values, so an implementation must check
///   (or be able to prove, as for `[T; N]`) every field it contains.
///
/// [`CHECK_IS_NOOP`](Self::CHECK_IS_NOOP) may be `true` only when
/// `check_shadow` returns `Ok(())` for every pair of values of the type;
/// containers skip their elements' checks on the strength of it.
///
/// That is all an implementor promises. Nothing `unsafe` relies on the type's
/// [`FloatTree`](crate::FloatTree) impl: a `make_zero` whose result fails the
/// check is refused by the check like any other shadow, and walks that pair
/// the wrong leaves give wrong gradients, not undefined behaviour.
///
/// # ndarray and nalgebra
///
/// With the `ndarray` feature, ndarray's owned arrays (`Array<A, D>` of any
/// dimension) implement it: the shadow needs the primal's shape and strides
/// (ndarray does not show a borrowed array's storage around its elements;
/// the impl's docs say what that leaves unchecked).
/// With the `nalgebra` feature, nalgebra's owned matrices do (`DMatrix`,
/// `DVector`, `SMatrix`, `Vector3`, ..): the shadow needs the primal's shape.
/// Their views never implement it: an `ArrayView` or `MatrixView` shadow
/// would be written through a shared borrow, and an `ArrayViewMut` or
/// `MatrixViewMut` could be checked but not created by
/// [`make_zero`](crate::FloatTree::make_zero). Pass the owned array by
/// reference.
///
/// # Implementation
///
/// Derive it whenever you can: the derive checks every field, in declaration
/// order, and cannot forget one. Implement it by hand for a type that holds
/// its data in a way no derive can see, for example a matrix type that keeps
/// `rows`, `cols` and a private `Vec<f64>` and indexes it as
/// `data[r * cols + c]`. A hand-written implementation must compare every
/// length, dimension and variant that the type's code uses to address memory,
/// then recurse into every field by calling its `check_shadow`, adding a path
/// segment on the way out ([`ShadowError::in_field`], [`ShadowError::at_index`],
/// [`ShadowError::in_variant`]).
///
/// Only `check_shadow` is written by hand; the copies, zeros and walks come
/// from `#[derive(FloatTree)]`, which forwards to the fields:
///
/// ```
/// use autodiff_safe::{FloatTree, ShadowCheck, ShadowError};
///
/// /// A row-major matrix whose code indexes `data[r * cols + c]`.
/// #[derive(FloatTree)]
/// pub struct Matrix {
///     rows: usize,
///     cols: usize,
///     data: Vec<f64>,
/// }
///
/// // SAFETY: `check_shadow` compares both dimensions and the length of the
/// // only buffer, which is all that `Matrix`'s code uses to address memory;
/// // `f64` elements need no further check, so `CHECK_IS_NOOP` stays false
/// // only because lengths can differ.
/// unsafe impl ShadowCheck for Matrix {
///     fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
///         if (self.rows, self.cols) != (shadow.rows, shadow.cols) {
///             return Err(ShadowError::shape(
///                 vec![self.rows, self.cols],
///                 vec![shadow.rows, shadow.cols],
///             ));
///         }
///         self.data.check_shadow(&shadow.data).map_err(|e| e.in_field("data"))
///     }
/// }
///
/// let m = Matrix { rows: 2, cols: 2, data: vec![1.0; 4] };
/// let wrong = Matrix { rows: 1, cols: 4, data: vec![0.0; 4] };
/// assert_eq!(
///     m.check_shadow(&wrong).unwrap_err().to_string(),
///     "shadow does not match its primal: primal has shape [2, 2], shadow has shape [1, 4]",
/// );
/// let zero = m.make_zero(); // from `FloatTree`
/// assert!(m.check_shadow(&zero).is_ok());
/// assert_eq!((zero.rows, zero.cols, zero.data), (2, 2, vec![0.0; 4]));
/// ```
///
/// A type with only the `unsafe impl` can be checked, but it cannot be a
/// field of a derived type, nor use `make_zero` or the reference backend,
/// until it also implements [`FloatTree`](crate::FloatTree).
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `autodiff_safe::ShadowCheck`, so its shadow cannot be checked",
    label = "this shadow's structure cannot be checked against its primal",
    note = "autodiff_safe checks every shadow against its primal before a derivative may read or write through it",
    note = "derive it with `#[derive(autodiff_safe::ShadowCheck)]` (which implements `FloatTree` too), implement it by hand with `unsafe impl autodiff_safe::ShadowCheck` (see its `# Safety` section; only `check_shadow` is required) next to `#[derive(autodiff_safe::FloatTree)]`, or write the activity as `unsafe(Duplicated)` / `unsafe(Dual)` to get an unchecked `unsafe fn` derivative",
    note = "shared references, raw pointers, `Cell`, `RefCell`, `UnsafeCell` and `dyn Trait` never implement it: a reverse pass would write the shadow through `&`, through aliased memory, or through a layout nobody can check"
)]
pub unsafe trait ShadowCheck {
    /// `true` when [`check_shadow`](Self::check_shadow) can never fail, as for
    /// floats, integers and arrays of them.
    ///
    /// Containers read it at compile time to skip their elements: checking a
    /// `Vec<f64>` is one length comparison, not a loop over its elements.
    ///
    /// ```
    /// use autodiff_safe::ShadowCheck;
    ///
    /// assert!(<[f64; 3] as ShadowCheck>::CHECK_IS_NOOP);
    /// assert!(!<Vec<f64> as ShadowCheck>::CHECK_IS_NOOP);
    /// ```
    const CHECK_IS_NOOP: bool = false;

    /// Checks that `shadow` has exactly the structure of `self`.
    ///
    /// The error carries the path to the first mismatch, in traversal order,
    /// and both lengths or variants. The success path does not allocate.
    ///
    /// ```
    /// use autodiff_safe::ShadowCheck;
    ///
    /// let rows = vec![vec![1.0_f64, 2.0], vec![3.0]];
    /// let err = rows.check_shadow(&vec![vec![0.0, 0.0], vec![]]).unwrap_err();
    /// assert_eq!(err.path(), "[1]");
    /// assert_eq!(err.to_string(), "shadow does not match its primal at `[1]`: primal has length 1, shadow has length 0");
    /// ```
    ///
    /// # Errors
    ///
    /// Returns a [`ShadowError`] for the first length, shape or variant that
    /// differs.
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError>;
}
