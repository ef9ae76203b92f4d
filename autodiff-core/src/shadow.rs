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
///   allocation, a `String`'s bytes) has the same length as the primal's,
///   and, where the primal exposes spare capacity to safe code (`Vec`,
///   `String`, a matrix's storage `Vec`), at least the primal's capacity;
/// - every enum reachable from `shadow` is the same variant as the primal's;
/// - no location reachable from `shadow` is behind a shared reference, a raw
///   pointer or interior mutability (`Cell`, `RefCell`, `UnsafeCell`), since a
///   reverse pass writes into the shadow through those paths;
/// - the promise holds for all nested values, so an implementation must check
///   (or be able to prove, as for `[T; N]`) every field it contains.
///
/// `check_shadow_shared(primal, shadow)` returning `Ok(())` promises the same
/// for a derivative that reaches `primal` only through `&` (so never writes
/// it), except for spare capacity, which such code cannot reach.
///
/// [`CHECK_IS_NOOP`](Self::CHECK_IS_NOOP) may be `true` only when
/// `check_shadow` returns `Ok(())` for every pair of values of the type;
/// containers skip their elements' checks on the strength of it.
///
/// [`STRUCTURE_IS_FIXED`](Self::STRUCTURE_IS_FIXED) may be `true` only when
/// no value of the type owns a heap allocation or holds an enum whose
/// variants carry data (anywhere inside): writing any value of the type
/// over another then changes no length, no pointer and no variant a
/// derivative walks.
///
/// [`ALLOCATIONS_WALKED`](Self::ALLOCATIONS_WALKED) may be `true` only when
/// [`walk_allocations`](Self::walk_allocations) calls
/// [`AllocationWalk::owned`] with every heap allocation that the two values
/// own at the same position (wherever their structures agree), and returns
/// the first error it gets; [`OWNS_NO_ALLOCATIONS`](Self::OWNS_NO_ALLOCATIONS)
/// may be `true` only when no value of the type owns a heap allocation
/// (containers then skip their elements' walks). Derivatives rest on the walk
/// to find an allocation that a primal and its shadow both own after a call,
/// and to see one the function replaced.
///
/// That is all an implementor promises. Nothing `unsafe` relies on the type's
/// [`FloatTree`](crate::FloatTree) impl: a `make_zero` whose result fails the
/// check is refused by the check like any other shadow, and walks that pair
/// the wrong leaves give wrong gradients, not undefined behaviour.
///
/// # ndarray and nalgebra
///
/// With the `nalgebra` feature, nalgebra's owned matrices implement it
/// (`DMatrix`, `DVector`, `SMatrix`, `Vector3`, ..): the shadow needs the
/// primal's shape and, where it may be written, at least its storage `Vec`'s
/// capacity. ndarray's arrays do not (since 0.2): an owned array can hold
/// storage beyond its elements (after in-place slicing or growth) that
/// ndarray exposes to safe code (`into_raw_vec_and_offset`, `clone`) but
/// not to a check through `&self`; write `unsafe(Duplicated)` /
/// `unsafe(Dual)` for them, or pass the elements as a slice. Views never
/// implement it: an `ArrayView` or `MatrixView` shadow would be written
/// through a shared borrow, and an `ArrayViewMut` or `MatrixViewMut` could be
/// checked but not created by [`make_zero`](crate::FloatTree::make_zero).
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
/// [`ShadowError::in_variant`]). A type that owns allocations (directly or
/// through its fields) also walks them, forwarding to its fields'
/// `walk_allocations`, and says so with `ALLOCATIONS_WALKED = true`; without
/// it the type can still be checked, and passed behind `&`, but a
/// derivative that takes it behind `&mut` does not compile.
///
/// Only `check_shadow` is written by hand; the copies, zeros and walks come
/// from `#[derive(FloatTree)]`, which forwards to the fields:
///
/// ```
/// use autodiff_safe::{AllocationWalk, FloatTree, ShadowCheck, ShadowError};
///
/// /// A row-major matrix whose code indexes `data[r * cols + c]`.
/// #[derive(FloatTree)]
/// pub struct Matrix {
///     rows: usize,
///     cols: usize,
///     data: Vec<f64>,
/// }
///
/// // SAFETY: `check_shadow` compares both dimensions and the length and
/// // capacity of the only buffer (through `Vec`'s check), which is all that
/// // `Matrix`'s code uses to address memory; `f64` elements need no further
/// // check, so `CHECK_IS_NOOP` stays false only because lengths can differ.
/// // The only allocation is `data`'s, which the walk visits through `Vec`'s.
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
///
///     const ALLOCATIONS_WALKED: bool = true;
///
///     fn walk_allocations(&self, shadow: &Self, walk: &mut AllocationWalk) -> Result<(), ShadowError> {
///         self.data.walk_allocations(&shadow.data, walk).map_err(|e| e.in_field("data"))
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
    note = "shared references, raw pointers, `Cell`, `RefCell`, `UnsafeCell` and `dyn Trait` never implement it: a reverse pass would write the shadow through `&`, through aliased memory, or through a layout nobody can check",
    note = "ndarray's arrays (`Array1`, `Array2`, ..) do not implement it since 0.2: an owned array may keep storage beyond its elements that no check can see; write `unsafe(Duplicated)` / `unsafe(Dual)` (an `unsafe fn` derivative), or pass the elements as a slice (`&mut [f64]`)"
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

    /// Checks a shadow whose primal is passed behind `&`: the derivative
    /// reads the primal and writes only the shadow's initialised elements,
    /// so spare capacity is not compared; everything else is
    /// [`check_shadow`](Self::check_shadow)'s.
    ///
    /// The default is the strict `check_shadow`, which is always sound. The
    /// std impls and the derive implement it by recursing with it, so that a
    /// `Vec` anywhere below a `&` argument is not held to the primal's
    /// capacity (a `&mut` inside a value behind `&` cannot be written).
    ///
    /// ```
    /// use autodiff_safe::ShadowCheck;
    ///
    /// let mut x = Vec::with_capacity(8);
    /// x.extend([1.0_f64, 2.0]);
    /// let dx = vec![0.0; 2]; // capacity 2
    /// assert!(x.check_shadow_shared(&dx).is_ok());
    /// assert_eq!(
    ///     x.check_shadow(&dx).unwrap_err().to_string(),
    ///     "shadow does not match its primal: primal has capacity 8, shadow has capacity 2 \
    ///      (a shadow the derivative may write needs at least the primal's capacity; \
    ///      `make_zero` builds one)",
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// As [`check_shadow`](Self::check_shadow), less capacities.
    fn check_shadow_shared(&self, shadow: &Self) -> Result<(), ShadowError> {
        self.check_shadow(shadow)
    }

    /// `true` when [`walk_allocations`](Self::walk_allocations) visits every
    /// owned allocation of the type. Generated derivatives assert it at
    /// compile time for every shadow the function may change (arguments
    /// behind `&mut`), so a hand-written impl that keeps the default `false`
    /// makes such a derivative a compile error instead of leaving its
    /// shadows unchecked after the call.
    ///
    /// ```
    /// use autodiff_safe::ShadowCheck;
    ///
    /// assert!(<Vec<String> as ShadowCheck>::ALLOCATIONS_WALKED);
    /// ```
    const ALLOCATIONS_WALKED: bool = false;

    /// `true` when no value of the type owns an allocation (floats,
    /// integers, arrays and tuples of them): the walk visits nothing, and
    /// containers skip their elements' walks, so walking a `Vec<f64>` is one
    /// visit.
    ///
    /// ```
    /// use autodiff_safe::ShadowCheck;
    ///
    /// assert!(<[f64; 3] as ShadowCheck>::OWNS_NO_ALLOCATIONS);
    /// assert!(!<Box<f64> as ShadowCheck>::OWNS_NO_ALLOCATIONS);
    /// ```
    const OWNS_NO_ALLOCATIONS: bool = false;

    /// `true` when no value of the type can change the structure a shadow
    /// must match: it owns no allocation and holds no enum with data in its
    /// variants (floats, integers, arrays, tuples, slices and derived
    /// structs of them, fieldless enums).
    ///
    /// Reverse-mode derivatives accept a `Duplicated` argument behind
    /// `&mut` only when it is `true`: a reverse pass cannot follow a new
    /// allocation stored into the argument (it frees the new shadow when it
    /// ends, leaving the caller's dangling), nor a changed variant (it
    /// reloads pointers from memory the new variant overwrote). The default
    /// `false` refuses them, so a hand-written impl is never let through.
    ///
    /// ```
    /// use autodiff_safe::ShadowCheck;
    ///
    /// assert!(<[f64] as ShadowCheck>::STRUCTURE_IS_FIXED);
    /// assert!(<([f64; 3], u32) as ShadowCheck>::STRUCTURE_IS_FIXED);
    /// assert!(!<Vec<f64> as ShadowCheck>::STRUCTURE_IS_FIXED);
    /// assert!(!<Option<f64> as ShadowCheck>::STRUCTURE_IS_FIXED);
    /// ```
    const STRUCTURE_IS_FIXED: bool = false;

    /// Visits, with [`AllocationWalk::owned`], every heap allocation that
    /// `self` and `shadow` own at the same position, in traversal order,
    /// recursing into every field that may own one. Where the two differ in
    /// structure (lengths, variants), it walks only where they agree.
    ///
    /// Derivatives run it after the call on every argument reached through
    /// `&mut`, to find an allocation that Enzyme stored into a primal and
    /// its shadow together (an allocation moved out of memory that has no
    /// shadow: both sides then own it, a double free), and, in reverse mode,
    /// before and after the call, to see an allocation replaced inside the
    /// function. It reads addresses and capacities only, never the
    /// allocations' contents, and never allocates.
    ///
    /// The default visits nothing and leaves
    /// [`ALLOCATIONS_WALKED`](Self::ALLOCATIONS_WALKED) `false`, which the
    /// derivatives refuse at compile time where they need the walk.
    ///
    /// ```
    /// use autodiff_safe::{AllocationWalk, ShadowCheck};
    ///
    /// let x = vec![vec![1.0_f64], vec![2.0]];
    /// let mut walk = AllocationWalk::shared();
    /// assert!(x.walk_allocations(&x.clone(), &mut walk).is_ok());
    /// // A value compared with itself shares all of its allocations.
    /// let err = x.walk_allocations(&x, &mut AllocationWalk::shared()).unwrap_err();
    /// assert_eq!(err.path(), "");
    /// ```
    ///
    /// # Errors
    ///
    /// Returns the error of the first visit that fails (a shared
    /// allocation), with its path.
    fn walk_allocations(
        &self,
        shadow: &Self,
        walk: &mut AllocationWalk,
    ) -> Result<(), ShadowError> {
        let _ = (shadow, walk);
        Ok(())
    }
}

/// What [`ShadowCheck::walk_allocations`] reports each owned allocation to.
///
/// Two walks use it: [`shared`](Self::shared) compares each allocation of a
/// primal with its shadow's at the same position and fails when they are
/// one allocation; [`fold`](Self::fold) folds the addresses into a
/// fingerprint, computed before and after a reverse-mode call to see
/// whether the function replaced an allocation.
///
/// ```
/// use autodiff_safe::{AllocationWalk, Mismatch, ShadowCheck};
///
/// let x = vec![1.0_f64, 2.0];
/// let mut before = AllocationWalk::fold();
/// x.walk_allocations(&x, &mut before).unwrap();
/// let mut after = AllocationWalk::fold();
/// x.walk_allocations(&x, &mut after).unwrap();
/// assert_eq!(before.fingerprint(), after.fingerprint());
///
/// let err = x.walk_allocations(&x, &mut AllocationWalk::shared()).unwrap_err();
/// assert_eq!(err.mismatch(), &Mismatch::SharedAllocation);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationWalk {
    fold: bool,
    state: u64,
    count: u64,
}

impl AllocationWalk {
    /// A walk that fails at the first allocation a primal and its shadow
    /// both hold.
    ///
    /// ```
    /// use autodiff_safe::AllocationWalk;
    ///
    /// let mut walk = AllocationWalk::shared();
    /// let (a, b) = (vec![1_u8], vec![1_u8]);
    /// assert!(walk.owned(a.as_ptr(), a.capacity(), b.as_ptr(), b.capacity()).is_ok());
    /// assert!(walk.owned(a.as_ptr(), a.capacity(), a.as_ptr(), a.capacity()).is_err());
    /// ```
    #[must_use]
    #[inline]
    pub fn shared() -> Self {
        Self {
            fold: false,
            state: 0,
            count: 0,
        }
    }

    /// A walk that folds every primal allocation's address and size into
    /// [`fingerprint`](Self::fingerprint); walk the primal with itself.
    ///
    /// ```
    /// use autodiff_safe::{AllocationWalk, ShadowCheck};
    ///
    /// let mut x = vec![1.0_f64];
    /// let mut before = AllocationWalk::fold();
    /// x.walk_allocations(&x, &mut before).unwrap();
    /// x = vec![1.0; 100];
    /// let mut after = AllocationWalk::fold();
    /// x.walk_allocations(&x, &mut after).unwrap();
    /// assert_ne!(before.fingerprint(), after.fingerprint());
    /// ```
    #[must_use]
    #[inline]
    pub fn fold() -> Self {
        Self {
            fold: true,
            state: 0,
            count: 0,
        }
    }

    /// The fold of every allocation visited so far, and their number.
    ///
    /// ```
    /// use autodiff_safe::AllocationWalk;
    ///
    /// assert_eq!(AllocationWalk::fold().fingerprint(), (0, 0));
    /// ```
    #[must_use]
    #[inline]
    pub fn fingerprint(&self) -> (u64, u64) {
        (self.state, self.count)
    }

    /// One owned allocation at the same position in the primal and the
    /// shadow: where each starts and its capacity in elements of `T`. A
    /// capacity of zero (or a zero-sized `T`) means no allocation: the
    /// dangling pointer of an empty `Vec` is not one, and two of them may be
    /// equal.
    ///
    /// ```
    /// use autodiff_safe::AllocationWalk;
    ///
    /// let (a, b): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    /// assert_eq!(a.as_ptr(), b.as_ptr()); // both dangling
    /// assert!(AllocationWalk::shared().owned(a.as_ptr(), 0, b.as_ptr(), 0).is_ok());
    /// ```
    ///
    /// # Errors
    ///
    /// In a [`shared`](Self::shared) walk, a
    /// [`Mismatch::SharedAllocation`](crate::Mismatch::SharedAllocation)
    /// when both are the same allocation.
    #[inline]
    pub fn owned<T>(
        &mut self,
        primal: *const T,
        primal_capacity: usize,
        shadow: *const T,
        shadow_capacity: usize,
    ) -> Result<(), ShadowError> {
        // A zero-sized `T` or a zero capacity is no allocation: the pointer
        // is dangling (the size test folds away at compile time).
        if std::mem::size_of::<T>() == 0 {
            return Ok(());
        }
        if self.fold {
            if primal_capacity != 0 {
                // One multiply per allocation over (address, capacity), in
                // order, so that a replaced or resized allocation changes
                // the fingerprint whatever its new address; the count
                // catches added or removed ones.
                let address = primal as usize as u64;
                self.state = (self.state.rotate_left(29)
                    ^ address
                    ^ (primal_capacity as u64).rotate_left(43))
                .wrapping_mul(0x9E37_79B9_7F4A_7C15);
                self.count += 1;
            }
            return Ok(());
        }
        if primal_capacity != 0 && shadow_capacity != 0 && std::ptr::addr_eq(primal, shadow) {
            return Err(ShadowError::shared_allocation());
        }
        Ok(())
    }
}
