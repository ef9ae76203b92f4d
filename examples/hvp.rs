//! Hessian-vector products by forward mode over reverse mode, both checked,
//! driving a Newton–conjugate-gradient minimisation of the 6-dimensional
//! Rosenbrock function.
//!
//! `gradient` calls the checked reverse-mode `d_rosenbrock`; differentiating
//! `gradient` in forward mode gives `hvp(x, v) = H(x) v` without ever forming
//! `H`. Both levels check their shadows: `v` against `x`, and the gradient's
//! tangent against the gradient.
//!
//! ```text
//! cargo run --release --example hvp
//! RUSTFLAGS=-Zautodiff=Enable cargo +nightly run --profile enzyme \
//!     -p autodiff-safe-examples --features enzyme --example hvp
//! ```
//!
//! With `--features gradcheck` (`-p autodiff-safe-examples`), it first
//! gradchecks both levels at the starting point: `d_rosenbrock` against
//! differences of the function, `hvp` against differences of `gradient` (in
//! the Enzyme tier; the reverse pass inside is then Enzyme's).
#![cfg_attr(feature = "enzyme", feature(autodiff))]

use std::process::ExitCode;

use autodiff_safe::{autodiff_forward, autodiff_reverse};

const N: usize = 6;

#[autodiff_reverse(d_rosenbrock, Duplicated, Active)]
fn rosenbrock(x: &[f64]) -> f64 {
    let mut total = 0.0;
    for i in 0..x.len() - 1 {
        let a = 1.0 - x[i];
        let b = x[i + 1] - x[i] * x[i];
        total += a * a + 100.0 * b * b;
    }
    total
}

/// The gradient of `rosenbrock` at `x`, written into `g`.
#[autodiff_forward(hvp, Dual, Dual)]
fn gradient(x: &[f64], g: &mut [f64]) {
    for gi in g.iter_mut() {
        *gi = 0.0;
    }
    d_rosenbrock(x, g, 1.0);
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `H(x) v`, by one forward pass over the reverse pass.
fn hessian_times(x: &[f64], v: &[f64]) -> [f64; N] {
    let mut g = [0.0; N];
    let mut hv = [0.0; N];
    hvp(x, v, &mut g, &mut hv);
    hv
}

/// Solves `H p = -g` approximately by conjugate gradients, stopping at
/// negative curvature (truncated Newton).
fn newton_direction(x: &[f64], gradient: &[f64]) -> [f64; N] {
    let mut step = [0.0; N];
    let mut residual: [f64; N] = std::array::from_fn(|i| -gradient[i]);
    let mut search = residual;
    let mut residual_sq = dot(&residual, &residual);
    for _ in 0..2 * N {
        let h_search = hessian_times(x, &search);
        let curvature = dot(&search, &h_search);
        if curvature <= 1e-12 * dot(&search, &search) {
            if step.iter().all(|s| *s == 0.0) {
                return residual;
            }
            break;
        }
        let alpha = residual_sq / curvature;
        for i in 0..N {
            step[i] += alpha * search[i];
            residual[i] -= alpha * h_search[i];
        }
        let residual_sq_next = dot(&residual, &residual);
        if residual_sq_next.sqrt() < 1e-10 {
            break;
        }
        let beta = residual_sq_next / residual_sq;
        for i in 0..N {
            search[i] = residual[i] + beta * search[i];
        }
        residual_sq = residual_sq_next;
    }
    step
}

fn main() -> ExitCode {
    // The Hessian-vector product against the analytic Hessian, at one point.
    let x0 = [0.2, 0.4, 0.6, 0.3, 0.8, 0.5];
    let e0: [f64; N] = std::array::from_fn(|i| f64::from(u8::from(i == 0)));
    #[cfg(feature = "gradcheck")]
    {
        use autodiff_safe_examples::gradchecked;
        gradchecked(gradcheck_d_rosenbrock(&x0, &mut [0.0; N], 1.0));
        // Along a direction that moves every coordinate, not only e0.
        let v = [1.0, -0.5, 0.25, 0.75, -1.0, 0.5];
        gradchecked(gradcheck_hvp(&x0, &v, &mut [0.0; N], &mut [0.0; N]));
    }
    let hv = hessian_times(&x0, &e0);
    // Column 0 of the Hessian: d2f/dx0^2 = 2 - 400 (x1 - 3 x0^2), d2f/dx1dx0 = -400 x0.
    let expected = [2.0 - 400.0 * (x0[1] - 3.0 * x0[0] * x0[0]), -400.0 * x0[0]];
    println!(
        "H e0 = [{:.6}, {:.6}, ...]   analytic [{:.6}, {:.6}, ...]",
        hv[0], hv[1], expected[0], expected[1]
    );
    let hv_ok = hv[..2]
        .iter()
        .zip(expected)
        .all(|(got, want)| (got - want).abs() <= 1e-4 * want.abs().max(1.0));

    // Newton-CG with a backtracking line search.
    let mut x = x0;
    let mut iterations = 0;
    for iteration in 1..=100 {
        iterations = iteration;
        let mut g = [0.0; N];
        d_rosenbrock(&x, &mut g, 1.0);
        let norm = dot(&g, &g).sqrt();
        let f = rosenbrock(&x);
        println!("iteration {iteration:3}: f = {f:.3e}, |grad| = {norm:.3e}");
        if norm < 1e-6 {
            break;
        }
        let p = newton_direction(&x, &g);
        let slope = dot(&g, &p);
        let mut step = 1.0;
        loop {
            let trial: [f64; N] = std::array::from_fn(|i| x[i] + step * p[i]);
            if rosenbrock(&trial) <= f + 1e-4 * step * slope || step < 1e-10 {
                x = trial;
                break;
            }
            step *= 0.5;
        }
    }
    let error = x.iter().map(|xi| (xi - 1.0).abs()).fold(0.0, f64::max);
    println!("minimum after {iterations} Newton iterations: {x:.6?} (max error {error:.2e})");

    // Both levels check their shadows: a tangent of the wrong length is refused.
    let mut g = [0.0; N];
    let mut hv = [0.0; N];
    let Err(refusal) = try_hvp(&x, &[1.0; N - 1], &mut g, &mut hv) else {
        eprintln!("a short tangent was accepted");
        return ExitCode::FAILURE;
    };
    println!("refused as expected: {refusal}");
    if hv_ok && error < 1e-5 {
        ExitCode::SUCCESS
    } else {
        eprintln!("did not converge (hvp ok: {hv_ok}, error {error:.2e})");
        ExitCode::FAILURE
    }
}
