#![cfg_attr(feature = "enzyme", feature(autodiff))]
//! The Rosenbrock function minimized by argmin's L-BFGS with a More-Thuente
//! line search, its gradients from a checked reverse-mode derivative.
//!
//! `autodiff_safe::argmin::Objective` pairs the cost with a closure that
//! calls the derivative. Each gradient argmin asks for starts from a fresh
//! `make_zero(x)` shadow, and a shadow error from the `try_` derivative
//! would stop the solver with an argmin `Error` naming the argument and path.
//!
//! The example minimizes the 2- and 10-dimensional Rosenbrock functions from
//! the classic start `(-1.2, 1, -1.2, 1, ..)` and exits non-zero unless
//! L-BFGS ends within `1e-6` of the minimum at `(1, ..., 1)`.
//!
//! Run it on stable Rust, with finite differences standing in for Enzyme:
//!
//! ```text
//! cargo run --release -p autodiff-safe-examples --features argmin --example lbfgs
//! ```
//!
//! or with real Enzyme on nightly:
//!
//! ```text
//! RUSTFLAGS=-Zautodiff=Enable cargo +nightly run --profile enzyme \
//!     -p autodiff-safe-examples --features enzyme,argmin --example lbfgs
//! ```
//!
//! With `--features gradcheck` as well, it first gradchecks `d_rosenbrock`
//! at each starting point: in the Enzyme tier, against finite differences.

use std::process::ExitCode;

use argmin::core::{Error, Executor, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use autodiff_safe::argmin::Objective;
use autodiff_safe::autodiff_reverse;

/// The `n`-dimensional Rosenbrock function; its minimum is 0 at `(1, ..., 1)`.
///
/// `try_d_rosenbrock(x, dx_0, dret)` checks that `dx_0` has `x`'s length,
/// returns the value and adds the gradient into `dx_0` (`dret = 1.0`).
#[autodiff_reverse(d_rosenbrock, Duplicated, Active)]
fn rosenbrock(x: &[f64]) -> f64 {
    x.windows(2)
        .map(|pair| (1.0 - pair[0]).powi(2) + 100.0 * (pair[1] - pair[0].powi(2)).powi(2))
        .sum()
}

/// Largest distance from the minimum that counts as reaching it.
const TOLERANCE: f64 = 1e-6;

/// Minimizes the `n`-dimensional function; returns whether L-BFGS reached
/// the minimum.
fn minimize(n: usize) -> Result<bool, Error> {
    let problem = Objective::new(
        |x: &Vec<f64>| rosenbrock(x),
        |x, dx| try_d_rosenbrock(x, dx, 1.0),
    );
    // Memory of 7 curvature pairs; stop when the gradient's norm is below
    // 1e-8 (the reference backend's finite differences are good to ~1e-8
    // relative, which bounds how close to the minimum a gradient can tell).
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7).with_tolerance_grad(1e-8)?;
    let start: Vec<f64> = (0..n)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect();
    #[cfg(feature = "gradcheck")]
    autodiff_safe_examples::gradchecked(gradcheck_d_rosenbrock(&start, &mut vec![0.0; n], 1.0));
    let result = Executor::new(problem, solver)
        .configure(|state| state.param(start).max_iters(1000))
        .run()?;

    let state = result.state();
    let best = state.get_best_param().expect("L-BFGS records a best point");
    let distance = best.iter().map(|x| (x - 1.0).abs()).fold(0.0, f64::max);
    let counts = &result.problem().counts;
    println!(
        "n = {n:2}: {} iterations, {} costs, {} gradients, f = {:.3e}, \
         max |x_i - 1| = {distance:.2e} ({})",
        state.get_iter(),
        counts.get("cost_count").copied().unwrap_or(0),
        counts.get("gradient_count").copied().unwrap_or(0),
        state.get_best_cost(),
        state.get_termination_status(),
    );
    if n <= 4 {
        println!("        x = {best:.9?}");
    }
    Ok(distance <= TOLERANCE)
}

fn main() -> ExitCode {
    let mut ok = true;
    for n in [2, 10] {
        match minimize(n) {
            Ok(reached) => {
                if !reached {
                    eprintln!(
                        "error: n = {n}: L-BFGS stopped farther than {TOLERANCE} from (1, ..., 1)"
                    );
                }
                ok &= reached;
            }
            Err(error) => {
                eprintln!("error: n = {n}: {error}");
                ok = false;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
