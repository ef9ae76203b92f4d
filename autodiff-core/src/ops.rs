use crate::{FloatTree, ShadowCheck, ShadowError};

/// Checks that `shadow` has exactly the structure of `primal`: equal lengths
/// of every slice, `Vec`, `Box<[T]>` and `String`, equal enum variants, all
/// the way down.
///
/// ```
/// use autodiff_safe::check;
///
/// let x = vec![1.0_f64, 2.0, 3.0];
/// assert!(check(&x, &vec![0.0; 3]).is_ok());
/// let err = check(&x, &vec![0.0; 1]).unwrap_err();
/// assert_eq!(err.to_string(), "shadow does not match its primal: primal has length 3, shadow has length 1");
/// ```
///
/// # Errors
///
/// Returns the first mismatch in traversal order, with its path and both
/// lengths or variants.
pub fn check<T: ShadowCheck + ?Sized>(primal: &T, shadow: &T) -> Result<(), ShadowError> {
    primal.check_shadow(shadow)
}

/// A new shadow with the structure of `primal` and every float `0.0`, like
/// Enzyme.jl's `make_zero`. It always passes [`check`] against `primal`.
///
/// Non-float data (integers, `bool`, `char`, strings) is copied.
///
/// ```
/// use autodiff_safe::{check, make_zero};
///
/// let weights = vec![vec![0.5_f64; 3], vec![1.0; 2]];
/// let dweights = make_zero(&weights);
/// assert_eq!(dweights, [vec![0.0; 3], vec![0.0; 2]]);
/// assert!(check(&weights, &dweights).is_ok());
/// ```
#[must_use]
pub fn make_zero<T: FloatTree>(primal: &T) -> T {
    primal.make_zero()
}

/// Sets every float of `shadow` to `0.0` in place, without reallocating.
///
/// Reverse-mode derivatives add into their input shadows, so a shadow reused
/// across passes is reset with this first.
///
/// ```
/// use autodiff_safe::set_zero;
///
/// let mut grad = vec![0.5_f64, -1.0];
/// let before = grad.as_ptr();
/// set_zero(&mut grad);
/// assert_eq!(grad, [0.0, 0.0]);
/// assert_eq!(grad.as_ptr(), before);
/// ```
pub fn set_zero<T: FloatTree + ?Sized>(shadow: &mut T) {
    shadow.set_zero();
}
