//! What generated derivatives call around the raw call, besides the strict
//! check before it (`check_argument` in `private.rs`): the check of a shadow
//! whose primal is behind `&`, and the checks after the call.
//!
//! # Why a check after the call, and why pairwise
//!
//! Enzyme gives a pointer loaded from memory it treats as constant (a
//! `Const` argument, a cell, a global) no shadow of its own: the pointer is
//! its own shadow. When the function moves such an allocation into an
//! argument that has a shadow (`mem::swap(x, c)`, `*x = take(c)`), Enzyme
//! stores the same pointer into the primal and into the shadow, at the same
//! position. Both then own it, and dropping both frees it twice. So a shared
//! allocation always shows as a primal and its shadow holding the same
//! address at the same position of the same argument; comparing each owned
//! allocation of a `&mut` argument with its shadow's at the same position
//! (`ShadowCheck::walk_allocations`) finds every one. By-value arguments are
//! moved into the function and dropped there, and `&` arguments cannot be
//! changed, so the arguments behind `&mut` are the ones to walk; returned
//! shadows are float scalars (`Float`), which own nothing.
//!
//! The repair forgets the shadow whole and puts the primal's `make_zero` in
//! its place: the shared allocation then has one owner (the primal), and
//! whatever else the old shadow owned is leaked, never freed.
//!
//! # Reverse mode: replaced allocations
//!
//! In reverse mode Enzyme frees an allocation made inside the function at
//! the end of the reverse pass, even when it escaped into a `&mut`
//! argument (`*b = Box::new(0.5)`): measured on this Enzyme, the caller's
//! primal or its shadow (which one depends on the optimiser) then points to
//! freed memory. Reverse derivatives fold the primal's allocation addresses
//! before the call ([`fingerprint`]) and compare after it. When they differ,
//! neither the primal nor the shadow can be read, dropped or replaced by a
//! value built from them, so nothing is left to repair them with: the
//! process prints the error and aborts, which is memory-safe where an unwind
//! would drop a dangling pointer. This is the backstop behind the
//! compile-time rule that refuses, in reverse mode, `Duplicated` arguments
//! behind `&mut` whose type can own allocations; it sees a replacement
//! unless the allocator hands the new allocation the freed one's address
//! and size. The fold is over the primal only, so it never reads a shadow.

use std::mem;

use crate::{AllocationWalk, FloatTree, ShadowCheck, ShadowError};

/// What a repaired shadow holds, for the error message.
const REPAIRED: &str = "zeros of the primal's structure (its `make_zero`)";

/// Checks one shadow of an argument passed behind `&`: no capacities.
///
/// # Errors
///
/// The first mismatch, named with the function, argument and shadow.
#[inline]
pub fn check_shared_argument<T: ShadowCheck + ?Sized>(
    function: &'static str,
    argument: &'static str,
    shadow_name: &'static str,
    primal: &T,
    shadow: &T,
) -> Result<(), ShadowError> {
    primal.check_shadow_shared(shadow).map_err(
        #[cold]
        |error| {
            error
                .for_argument(argument)
                .in_derivative(function, shadow_name)
        },
    )
}

/// A derived walk's step into one field. The derived `ALLOCATIONS_WALKED`
/// is a plain `true`, so that a recursive type (`children: Vec<Self>`) does
/// not make the constant depend on itself; this asserts instead, when the
/// walk is compiled for a derivative, that the field's type walks its own
/// allocations. Being generic, the assertion is evaluated only where a
/// derivative (or other code) uses the walk, so a type with such a field can
/// still be derived and passed behind `&`.
///
/// # Errors
///
/// The field's walk's.
#[inline]
pub fn walk_field<T: ShadowCheck + ?Sized>(
    primal: &T,
    shadow: &T,
    walk: &mut AllocationWalk,
) -> Result<(), ShadowError> {
    const {
        assert!(
            T::ALLOCATIONS_WALKED,
            "a derived `ShadowCheck` walks the allocations of every field after a derivative's \
             call, and this field's type has a `ShadowCheck` impl without the walk \
             (`ALLOCATIONS_WALKED` is false): implement `walk_allocations` for it and set \
             `ALLOCATIONS_WALKED = true`, or derive `ShadowCheck` for it"
        );
    }
    primal.walk_allocations(shadow, walk)
}

/// The fold of a primal's allocations, taken before a reverse-mode call
/// and compared after it. `(0, 0)` for types that own none.
#[inline]
#[must_use]
pub fn fingerprint<T: ShadowCheck + ?Sized>(primal: &T) -> (u64, u64) {
    if T::OWNS_NO_ALLOCATIONS {
        return (0, 0);
    }
    let mut walk = AllocationWalk::fold();
    // A fold never fails: `owned` returns `Err` only in a shared walk.
    let _ = primal.walk_allocations(primal, &mut walk);
    walk.fingerprint()
}

/// Whether the allocations of `primal` are still the ones `before` folded.
#[inline]
fn replaced<T: ShadowCheck + ?Sized>(primal: &T, before: Option<(u64, u64)>) -> bool {
    before.is_some_and(|before| fingerprint(primal) != before)
}

/// Keeps the first error.
#[inline]
fn first(
    previous: Result<(), ShadowError>,
    this: Result<(), ShadowError>,
) -> Result<(), ShadowError> {
    previous.and(this)
}

/// Replaces `shadow` with the primal's zero without dropping, or reading
/// through, the old value: its allocations may be shared with the primal or
/// already freed, so they are leaked.
#[cold]
fn repair<T: FloatTree>(primal: &T, shadow: &mut T) {
    let zero = primal.make_zero();
    mem::forget(mem::replace(shadow, zero));
}

#[cold]
fn after_call_error(
    error: ShadowError,
    function: &'static str,
    argument: &'static str,
    shadow_name: &'static str,
) -> ShadowError {
    error
        .for_argument(argument)
        .in_derivative(function, shadow_name)
        .repaired(REPAIRED)
}

/// Ends the process on an allocation replaced in a reverse pass: see the
/// module docs.
#[cold]
#[inline(never)]
fn abort_replaced(function: &'static str, argument: &'static str, shadow_name: &'static str) -> ! {
    let error = ShadowError::replaced_allocation()
        .for_argument(argument)
        .in_derivative(function, shadow_name);
    eprintln!("{error}");
    std::process::abort()
}

/// The check after the call of one shadow of a `&mut T` argument: in
/// reverse mode (`before` is the fingerprint taken before the call) a
/// replaced allocation, which aborts the process, then an allocation the
/// primal and shadow share, which repairs the shadow. Every shadow is
/// checked and repaired whatever the earlier ones gave; the first error is
/// returned.
///
/// # Errors
///
/// `previous` if it is an error, else this shadow's
/// [`Mismatch::SharedAllocation`](crate::Mismatch::SharedAllocation).
#[inline]
pub fn after_call<T: ShadowCheck + FloatTree>(
    previous: Result<(), ShadowError>,
    function: &'static str,
    argument: &'static str,
    shadow_name: &'static str,
    primal: &T,
    shadow: &mut T,
    before: Option<(u64, u64)>,
) -> Result<(), ShadowError> {
    if T::OWNS_NO_ALLOCATIONS {
        return previous;
    }
    if replaced(primal, before) {
        abort_replaced(function, argument, shadow_name);
    }
    match primal.walk_allocations(shadow, &mut AllocationWalk::shared()) {
        Ok(()) => previous,
        Err(error) => {
            repair(primal, shadow);
            first(
                previous,
                Err(after_call_error(error, function, argument, shadow_name)),
            )
        }
    }
}

/// [`after_call`] for a `&mut [T]` argument, which cannot be replaced whole:
/// each element of the shadow is repaired instead. `shadow` may be one lane
/// of a `Dualv` shadow.
///
/// # Errors
///
/// As [`after_call`].
#[inline]
pub fn after_call_slice<T: ShadowCheck + FloatTree>(
    previous: Result<(), ShadowError>,
    function: &'static str,
    argument: &'static str,
    shadow_name: &'static str,
    primal: &[T],
    shadow: &mut [T],
    before: Option<(u64, u64)>,
) -> Result<(), ShadowError> {
    if T::OWNS_NO_ALLOCATIONS {
        return previous;
    }
    if replaced(primal, before) {
        abort_replaced(function, argument, shadow_name);
    }
    let error = match primal.walk_allocations(shadow, &mut AllocationWalk::shared()) {
        Ok(()) => return previous,
        Err(error) => error,
    };
    for (primal, shadow) in primal.iter().zip(shadow.iter_mut()) {
        repair(primal, shadow);
    }
    first(
        previous,
        Err(after_call_error(error, function, argument, shadow_name)),
    )
}

/// [`after_call_slice`] over each lane of a `Dualv` shadow: `width` copies
/// of the primal's structure back to back.
///
/// # Errors
///
/// As [`after_call`], with the lane.
#[inline]
pub fn after_call_vector<T: ShadowCheck + FloatTree>(
    mut previous: Result<(), ShadowError>,
    function: &'static str,
    argument: &'static str,
    shadow_name: &'static str,
    primal: &[T],
    shadow: &mut [T],
    before: Option<(u64, u64)>,
) -> Result<(), ShadowError> {
    if T::OWNS_NO_ALLOCATIONS || primal.is_empty() {
        return previous;
    }
    for (lane, chunk) in shadow.chunks_mut(primal.len()).enumerate() {
        let this = after_call_slice(
            Ok(()),
            function,
            argument,
            shadow_name,
            primal,
            chunk,
            before,
        )
        .map_err(|error| error.in_lane(lane));
        previous = first(previous, this);
    }
    previous
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Mismatch;

    /// A shadow that shares its primal's buffer, made safely: the shadow is
    /// a `ManuallyDrop`-free copy built from the same raw parts, so the test
    /// itself must forget one side (the repair does).
    fn aliased(primal: &mut Vec<f64>) -> Vec<f64> {
        let (pointer, length, capacity) = (primal.as_mut_ptr(), primal.len(), primal.capacity());
        // SAFETY: the buffer is valid for `capacity` f64s of which `length`
        // are initialised; the two owners are resolved by `after_call`,
        // which forgets the shadow before anything drops it.
        unsafe { Vec::from_raw_parts(pointer, length, capacity) }
    }

    #[test]
    fn a_shared_buffer_is_repaired_and_named() {
        let mut x = vec![1.0, 2.0];
        let mut dx = aliased(&mut x);
        let result = after_call(Ok(()), "d_f", "x", "bx_0", &x, &mut dx, None);
        let error = result.unwrap_err();
        assert_eq!(error.mismatch(), &Mismatch::SharedAllocation);
        assert_eq!(error.path(), "x");
        assert_ne!(dx.as_ptr(), x.as_ptr());
        assert_eq!(dx, [0.0, 0.0]);
        assert!(error.to_string().starts_with(
            "d_f: after the call, shadow `bx_0` of `x` at `x`: primal and shadow own the same allocation"
        ));
    }

    #[test]
    fn distinct_buffers_pass() {
        let x = vec![vec![1.0_f64], Vec::new()];
        let mut dx = vec![vec![0.0], Vec::new()];
        assert!(after_call(Ok(()), "d_f", "x", "bx_0", &x, &mut dx, None).is_ok());
    }

    #[test]
    fn a_replaced_allocation_changes_the_fingerprint() {
        let mut b = Box::new(1.0_f64);
        let before = fingerprint(&b);
        assert_eq!(fingerprint(&b), before);
        let old = mem::replace(&mut b, Box::new(0.5));
        assert_ne!(fingerprint(&b), before);
        drop(old);
        assert_eq!(fingerprint(&1.0_f64), (0, 0));
    }

    #[test]
    fn every_shadow_is_repaired_and_the_first_error_kept() {
        let mut x = vec![1.0, 2.0];
        let mut dx = aliased(&mut x);
        let mut y = vec![3.0];
        let mut dy = aliased(&mut y);
        let result = after_call(Ok(()), "d_f", "x", "bx_0", &x, &mut dx, None);
        let result = after_call(result, "d_f", "y", "by_0", &y, &mut dy, None);
        assert_eq!(result.unwrap_err().argument(), Some("x"));
        assert_ne!(dy.as_ptr(), y.as_ptr());
    }

    #[test]
    fn slices_repair_each_element() {
        let mut x = vec![vec![1.0], Vec::new()];
        let mut dx = vec![aliased(&mut x[0]), Vec::new()];
        let error = after_call_slice(Ok(()), "d_f", "x", "dx_0", &x, &mut dx, None).unwrap_err();
        assert_eq!(error.path(), "x[0]");
        assert_ne!(dx[0].as_ptr(), x[0].as_ptr());
    }

    #[test]
    fn vector_lanes_are_walked_and_named() {
        let mut x = vec![vec![1.0_f64]];
        let mut dx = vec![vec![0.0], aliased(&mut x[0])];
        let error = after_call_vector(Ok(()), "d_f", "x", "bx_0", &x, &mut dx, None).unwrap_err();
        assert_eq!((error.lane(), error.path().as_str()), (Some(1), "x[0]"));
        assert_ne!(dx[1].as_ptr(), x[0].as_ptr());
        assert_eq!(dx, [vec![0.0], vec![0.0]]);
    }

    #[test]
    fn shared_checks_skip_capacity_only() {
        let mut x = Vec::with_capacity(4);
        x.push(1.0_f64);
        assert!(check_shared_argument("d_f", "x", "dx_0", &x, &vec![0.0]).is_ok());
        let error = check_shared_argument("d_f", "x", "dx_0", &x, &vec![]).unwrap_err();
        assert_eq!(
            error.mismatch(),
            &Mismatch::Length {
                primal: 1,
                shadow: 0
            }
        );
    }
}
