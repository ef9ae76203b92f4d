//! Pins what this Enzyme does differently from std's documentation, so that
//! the compatibility table in the README is corrected the day it changes.
#![cfg(feature = "enzyme")]
#![feature(autodiff)]
#![allow(
    clippy::float_cmp,
    reason = "primal results and Enzyme's exact derivatives are compared exactly on purpose"
)]

#[std::autodiff::autodiff_reverse(raw_d_square, Active, Active)]
fn square_raw(x: f64) -> f64 {
    x * x
}

#[autodiff_safe::autodiff_reverse(d_square, Active, Active)]
fn square(x: f64) -> f64 {
    x * x
}

/// std documents `dret` as the seed of the result; this Enzyme ignores it
/// and seeds with 1.0. The checked derivative returns exactly what raw std
/// does, so users scale the gradient themselves.
#[test]
fn return_seed_is_ignored_by_this_enzyme() {
    for seed in [0.0, 0.5, 2.0] {
        let seed = std::hint::black_box(seed);
        assert_eq!(raw_d_square(3.0, seed), (9.0, 6.0), "seed {seed}");
        assert_eq!(d_square(3.0, seed), (9.0, 6.0), "seed {seed}");
    }
}
