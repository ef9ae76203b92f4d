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

thread_local! {
    /// A pointer the differentiated function reads from a global: no
    /// signature shows it (issue 17, class 10).
    static SCALE: std::cell::Cell<Option<&'static Vec<f64>>> = const { std::cell::Cell::new(None) };
}

#[autodiff_safe::autodiff_forward(d_scaled, Dual, Dual)]
fn scaled(x: &[f64]) -> f64 {
    x[0] * SCALE.get().map_or(1.0, |s| s[0])
}

/// The same value passed as a `Const` argument: the documented fix.
#[autodiff_safe::autodiff_forward(d_scaled_const, Dual, Const, Dual)]
fn scaled_const(x: &[f64], scale: &[f64]) -> f64 {
    x[0] * scale[0]
}

/// Set in the child process that runs the crashing derivative.
const CLASS10_CHILD: &str = "AUTODIFF_SAFE_CLASS10_CHILD";

/// The child's half of `global_pointer_read_in_forward_mode_is_a_sigsegv`:
/// does nothing unless the parent set `CLASS10_CHILD`.
#[test]
fn class10_child() {
    if std::env::var_os(CLASS10_CHILD).is_none() {
        return;
    }
    SCALE.set(Some(Box::leak(Box::new(vec![3.0]))));
    let (value, tangent) = d_scaled(&[2.0], &[1.0]);
    println!("class 10 child: value {value}, tangent {tangent}");
}

/// Class 10 of issue 17, a limit of this Enzyme: forward mode through a
/// pointer read from a `thread_local!` (or a `static`) inside the
/// differentiated function reads address 0 (SIGSEGV): Enzyme looks for a
/// shadow of the global that rustc never made. Reverse mode makes rustc
/// abort on an Enzyme assertion instead (a compile error, safe), so it
/// cannot live in this file. The child process must die of SIGSEGV; the day
/// it does not, this Enzyme is fixed and the README's compatibility table
/// and SOUNDNESS.md must change. The fix, pass the value as a `Const`
/// argument, is checked right here too.
#[test]
fn global_pointer_read_in_forward_mode_is_a_sigsegv() {
    use std::os::unix::process::ExitStatusExt as _;
    assert_eq!(d_scaled_const(&[2.0], &[1.0], &[3.0]), (6.0, 3.0));
    let output = std::process::Command::new(std::env::current_exe().expect("own test binary"))
        .args([
            "--exact",
            "class10_child",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(CLASS10_CHILD, "1")
        .output()
        .expect("the test binary runs itself");
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!(
        "class 10 child: {:?}; stdout: {}",
        output.status,
        stdout.trim()
    );
    assert_eq!(
        output.status.signal(),
        Some(11),
        "the forward derivative through a global pointer no longer dies of SIGSEGV \
         (status {:?}, stdout {stdout}): this Enzyme changed; update the README's \
         compatibility table and SOUNDNESS.md",
        output.status
    );
    assert!(
        !stdout.contains("class 10 child: value"),
        "the child returned from the derivative before the signal: {stdout}"
    );
}
