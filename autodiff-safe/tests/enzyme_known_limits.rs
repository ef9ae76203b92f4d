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

#[derive(autodiff_safe::ShadowCheck, Clone, Copy, Debug)]
struct Ellipse {
    a: f64,
    b: f64,
}

#[std::autodiff::autodiff_forward(raw_d_area, Dual, Dual)]
fn area_raw(e: Ellipse) -> f64 {
    std::f64::consts::PI * e.a * e.b
}

#[autodiff_safe::autodiff_forward(d_area, Dual, Dual)]
fn area(e: Ellipse) -> f64 {
    std::f64::consts::PI * e.a * e.b
}

/// A by-value argument of exactly two floats, differentiated in forward
/// mode, comes back wrong from this Enzyme's raw `std::autodiff`: the primal
/// value is lost. autodiff-safe passes by-value `Dual` arguments to Enzyme
/// by reference (as `&mut ManuallyDrop<T>`), which it differentiates
/// correctly.
#[test]
fn two_float_struct_by_value_is_wrong_in_raw_std_and_right_when_checked() {
    let e = Ellipse { a: 3.0, b: 1.0 };
    let tangent = Ellipse { a: 0.0, b: 1.0 };
    let correct = (3.0 * std::f64::consts::PI, 3.0 * std::f64::consts::PI);
    let raw = raw_d_area(e, tangent);
    let safe = d_area(e, tangent);
    println!(
        "two-float struct by value: correct {correct:?}, raw std {raw:?}, autodiff-safe {safe:?}"
    );
    assert_ne!(raw, correct);
    assert_eq!(safe, correct);
}
