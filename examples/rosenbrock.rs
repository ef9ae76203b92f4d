#![cfg_attr(feature = "enzyme", feature(autodiff))]
//! The Rosenbrock examples from the documentation of `std::autodiff`, with
//! `autodiff_safe`'s attributes, then gradient descent to the function's
//! minimum.
//!
//! The first part is std's documentation examples, copied: forward mode with
//! one tangent per `Dual` argument (`rb_fwd1`, `rb_fwd2`, `rb_fwd3`, stacked
//! on one function, and `rb_inp_fwd` writing its result through `&mut`), and
//! reverse mode (`rb_rev`, and `rb_inp_rev` seeding the `&mut` output). The
//! second part minimises the `n`-dimensional Rosenbrock function
//! `sum_i (1 - x_i)^2 + 100 (x_{i+1} - x_i^2)^2` from a `&[f64]` argument with
//! a checked shadow, by gradient descent with Nesterov momentum, and checks
//! that it reaches the minimum at `(1, ..., 1)`.
//!
//! Run it on stable Rust, with finite differences standing in for Enzyme:
//!
//! ```text
//! cargo run --release --example rosenbrock
//! ```
//!
//! or with real Enzyme on nightly:
//!
//! ```text
//! RUSTFLAGS=-Zautodiff=Enable cargo +nightly run --profile enzyme \
//!     -p autodiff-safe-examples --features enzyme --example rosenbrock
//! ```
//!
//! With `--features gradcheck` (`-p autodiff-safe-examples`), it first
//! gradchecks every derivative it uses at std's documented point `(1, 3)`
//! and the descent's starting point: in the Enzyme tier, against finite
//! differences.

use std::process::ExitCode;

use autodiff_safe::{autodiff_forward, autodiff_reverse};
use autodiff_safe_examples::Progress;

// Forward mode: every `Dual` argument is followed by its tangent, and a
// `Dual` return gives `(value, directional derivative)`.
#[autodiff_forward(rb_fwd1, Dual, Const, Dual)]
#[autodiff_forward(rb_fwd2, Const, Dual, Dual)]
#[autodiff_forward(rb_fwd3, Dual, Dual, Dual)]
// Reverse mode: the gradient of every `Active` input is returned after the
// value; an `Active` return takes its seed `dret` as the last argument.
#[autodiff_reverse(rb_rev, Active, Active, Active)]
fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x.powi(2)).powi(2)
}

// In forward mode the `&mut` output's tangent is written to its shadow. In
// reverse mode a `Duplicated` `&mut` output's shadow holds the seed on entry
// and is consumed (left at 0) by the pass.
#[autodiff_forward(rb_inp_fwd, Dual, Dual, Dual)]
#[autodiff_reverse(rb_inp_rev, Active, Active, Duplicated)]
fn rosenbrock_inp(x: f64, y: f64, out: &mut f64) {
    *out = (1.0 - x).powi(2) + 100.0 * (y - x.powi(2)).powi(2);
}

/// The `n`-dimensional Rosenbrock function; its minimum is 0 at `(1, ..., 1)`.
///
/// `d_rosenbrock_nd(x, dx_0, dret)` returns the value and adds the gradient
/// into `dx_0` (`dret`, the seed, is `1.0`), after checking that `dx_0` has
/// `x`'s length.
#[autodiff_reverse(d_rosenbrock_nd, Duplicated, Active)]
fn rosenbrock_nd(x: &[f64]) -> f64 {
    x.windows(2)
        .map(|pair| (1.0 - pair[0]).powi(2) + 100.0 * (pair[1] - pair[0].powi(2)).powi(2))
        .sum()
}

/// Compares `got` with the documented `expected` values and prints both.
///
/// Enzyme's derivatives are exact here; the reference backend's finite
/// differences are within about `1e-8` relative error.
fn check(name: &str, got: &[f64], expected: &[f64]) -> bool {
    let tolerance = if cfg!(feature = "enzyme") { 0.0 } else { 1e-5 };
    let ok = got.len() == expected.len()
        && got
            .iter()
            .zip(expected)
            .all(|(g, e)| (g - e).abs() <= tolerance * e.abs().max(1.0));
    let status = if ok { "ok" } else { "WRONG" };
    println!("{name:<11} = {got:>12.6?}   expected {expected:?}   {status}");
    ok
}

/// Runs std's documentation examples and checks their numbers.
fn documented_examples() -> bool {
    println!("std::autodiff's documentation examples:");
    let mut ok = check("rosenbrock", &[rosenbrock(1.0, 3.0)], &[400.0]);
    let (x1, dx1) = rb_fwd1(1.0, 1.0, 3.0);
    ok &= check("rb_fwd1", &[x1, dx1], &[400.0, -800.0]);
    let (x2, dy1) = rb_fwd2(1.0, 3.0, 1.0);
    ok &= check("rb_fwd2", &[x2, dy1], &[400.0, 400.0]);
    let (x3, dxy) = rb_fwd3(1.0, 1.0, 3.0, 1.0);
    ok &= check("rb_fwd3", &[x3, dxy], &[400.0, -400.0]);
    let (mut out, mut dout) = (0.0, 0.0);
    rb_inp_fwd(1.0, 1.0, 3.0, 1.0, &mut out, &mut dout);
    ok &= check("rb_inp_fwd", &[out, dout], &[400.0, -400.0]);
    let (output1, dx1, dy1) = rb_rev(1.0, 3.0, 1.0);
    ok &= check("rb_rev", &[output1, dx1, dy1], &[400.0, -800.0, 400.0]);
    let (mut output2, mut seed) = (0.0, 1.0);
    let (dx2, dy2) = rb_inp_rev(1.0, 3.0, &mut output2, &mut seed);
    ok &= check(
        "rb_inp_rev",
        &[dx2, dy2, output2, seed],
        &[-800.0, 400.0, 400.0, 0.0],
    );
    ok
}

/// Gradchecks every derivative of the example, with the arguments of std's
/// documented calls (seeds `1.0`) and, for `d_rosenbrock_nd`, at the
/// descent's starting point.
#[cfg(feature = "gradcheck")]
fn gradchecks() {
    use autodiff_safe_examples::gradchecked;
    gradchecked(gradcheck_rb_fwd1(1.0, 1.0, 3.0));
    gradchecked(gradcheck_rb_fwd2(1.0, 3.0, 1.0));
    gradchecked(gradcheck_rb_fwd3(1.0, 1.0, 3.0, 1.0));
    gradchecked(gradcheck_rb_inp_fwd(1.0, 1.0, 3.0, 1.0, &mut 0.0, &mut 0.0));
    gradchecked(gradcheck_rb_rev(1.0, 3.0, 1.0));
    gradchecked(gradcheck_rb_inp_rev(1.0, 3.0, &mut 0.0, &mut 1.0));
    let start = [-1.2, 1.0, -1.2, 1.0, -1.2, 1.0];
    gradchecked(gradcheck_d_rosenbrock_nd(&start, &mut [0.0; 6], 1.0));
}

/// Minimises the `N`-dimensional Rosenbrock function by Nesterov gradient
/// descent; returns the point reached.
fn descend() -> Vec<f64> {
    const N: usize = 6;
    const STEPS: usize = 10_000;
    const LEARNING_RATE: f64 = 2e-4;
    const MOMENTUM: f64 = 0.95;
    println!("\nNesterov gradient descent on the {N}-dimensional Rosenbrock function:");
    // The classic starting point (-1.2, 1, -1.2, 1, ...), far up the valley.
    let mut x: Vec<f64> = (0..N)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect();
    let mut velocity = vec![0.0; N];
    let mut grad = vec![0.0; N];
    let mut lookahead = vec![0.0; N];
    let initial = rosenbrock_nd(&x);
    let mut progress = Progress::new("descent", STEPS);
    for step in 1..=STEPS {
        // Nesterov: take the gradient where the momentum is about to carry x.
        for ((l, x), v) in lookahead.iter_mut().zip(&x).zip(&velocity) {
            *l = x + MOMENTUM * v;
        }
        // Reverse mode adds into the shadow: start from zero.
        grad.fill(0.0);
        let value = d_rosenbrock_nd(&lookahead, &mut grad, 1.0);
        for ((x, v), g) in x.iter_mut().zip(&mut velocity).zip(&grad) {
            *v = MOMENTUM * *v - LEARNING_RATE * g;
            *x += *v;
        }
        progress.update(step, value);
    }
    progress.finish();
    println!(
        "f(x): initial {initial:.4e}, final {:.4e}",
        rosenbrock_nd(&x)
    );
    x
}

fn main() -> ExitCode {
    #[cfg(feature = "gradcheck")]
    gradchecks();
    let documented_ok = documented_examples();
    let x = descend();
    let distance = x.iter().map(|x| (x - 1.0).powi(2)).sum::<f64>().sqrt();
    println!("x = {x:.6?}, distance to (1, ..., 1): {distance:.2e}");

    if !documented_ok {
        eprintln!("error: a documented derivative came out wrong");
        return ExitCode::FAILURE;
    }
    if distance > 1e-6 {
        eprintln!("error: gradient descent did not reach the minimum (1, ..., 1)");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
