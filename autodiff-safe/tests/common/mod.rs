//! Assertions shared by the `ShadowCheck` test files.
#![allow(
    dead_code,
    reason = "each test file uses its own subset of these helpers"
)]

use autodiff_safe::{FloatTree, Mismatch, ShadowCheck, ShadowError, check};

/// The error of a check that must fail.
#[track_caller]
pub fn fail<T: ShadowCheck + ?Sized>(primal: &T, shadow: &T) -> ShadowError {
    match check(primal, shadow) {
        Ok(()) => panic!("check passed but must fail"),
        Err(error) => error,
    }
}

#[track_caller]
pub fn assert_fails<T: ShadowCheck + ?Sized>(
    primal: &T,
    shadow: &T,
    path: &str,
    mismatch: &Mismatch,
) {
    let error = fail(primal, shadow);
    assert_eq!(error.path(), path);
    assert_eq!(error.mismatch(), mismatch);
}

#[track_caller]
pub fn assert_passes<T: ShadowCheck + ?Sized>(primal: &T, shadow: &T) {
    if let Err(error) = check(primal, shadow) {
        panic!("check must pass, failed with: {error}");
    }
}

pub fn floats<T: FloatTree + ?Sized>(value: &T) -> Vec<f64> {
    let mut seen = Vec::new();
    value.visit_floats(&mut |x| seen.push(x));
    seen
}

pub const fn len(primal: usize, shadow: usize) -> Mismatch {
    Mismatch::Length { primal, shadow }
}

pub const fn variant(primal: &'static str, shadow: &'static str) -> Mismatch {
    Mismatch::Variant { primal, shadow }
}

pub fn noop<T: ShadowCheck + ?Sized>() -> bool {
    T::CHECK_IS_NOOP
}
