//! `argmin::Objective` (feature `argmin`): L-BFGS on `Vec<f64>` and steepest
//! descent on `f64` parameters through checked derivatives, fresh shadows
//! per gradient, and shadow errors as argmin errors.
#![cfg(feature = "argmin")]
#![allow(
    clippy::float_cmp,
    clippy::trivially_copy_pass_by_ref,
    reason = "the cost is passed through unchanged; `Duplicated` scalars are taken by reference"
)]

use std::sync::atomic::{AtomicUsize, Ordering};

use argmin::core::{CostFunction, Executor, Gradient, State, TerminationReason, TerminationStatus};
use argmin::solver::gradientdescent::SteepestDescent;
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use autodiff_core::ShadowError;
use autodiff_core::argmin::Objective;
use autodiff_safe::autodiff_reverse;

/// The n-dimensional Rosenbrock function; its minimum is 0 at (1, .., 1).
#[autodiff_reverse(d_rosenbrock, Duplicated, Active)]
fn rosenbrock(x: &[f64]) -> f64 {
    let mut total = 0.0;
    for i in 0..x.len() - 1 {
        total += (1.0 - x[i]).powi(2) + 100.0 * (x[i + 1] - x[i] * x[i]).powi(2);
    }
    total
}

#[test]
fn lbfgs_finds_the_rosenbrock_minimum_in_several_dimensions() {
    for n in [2, 5, 10] {
        let problem = Objective::new(
            |x: &Vec<f64>| rosenbrock(x),
            |x, dx| d_rosenbrock(x, dx, 1.0),
        );
        let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7)
            .with_tolerance_grad(1e-7)
            .expect("a valid tolerance");
        let start: Vec<f64> = (0..n)
            .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
            .collect();
        let result = Executor::new(problem, solver)
            .configure(|state| state.param(start).max_iters(500))
            .run()
            .expect("no error");
        let best = result.state().get_best_param().expect("a best point");
        for (i, x) in best.iter().enumerate() {
            assert!((x - 1.0).abs() < 1e-5, "n = {n}, x[{i}] = {x}");
        }
        assert!(result.state().get_best_cost() < 1e-10);
    }
}

#[test]
fn steepest_descent_runs_on_a_scalar_parameter() {
    #[autodiff_reverse(d_bowl, Duplicated, Active)]
    fn bowl(x: &f64) -> f64 {
        (x - 3.0) * (x - 3.0)
    }
    let problem = Objective::new(|x: &f64| bowl(x), |x, dx| try_d_bowl(x, dx, 1.0));
    // One step: the line search finds the bowl's minimum exactly, and a
    // second one would start from a zero gradient, which More-Thuente refuses.
    let solver = SteepestDescent::new(MoreThuenteLineSearch::new());
    let result = Executor::new(problem, solver)
        .configure(|state| state.param(-2.0).max_iters(1))
        .run()
        .expect("no error");
    let best = *result.state().get_best_param().expect("a best point");
    assert!((best - 3.0).abs() < 1e-6, "{best}");
}

#[test]
fn every_gradient_gets_a_fresh_zero_shadow() {
    // Reverse mode adds into its shadow: a reused shadow would accumulate.
    let calls = AtomicUsize::new(0);
    let problem = Objective::new(
        |x: &Vec<f64>| rosenbrock(x),
        |x, dx: &mut Vec<f64>| {
            calls.fetch_add(1, Ordering::Relaxed);
            assert!(dx.iter().all(|g| *g == 0.0));
            assert_eq!(dx.len(), x.len());
            d_rosenbrock(x, dx, 1.0)
        },
    );
    let x = vec![0.5, 0.25, 2.0];
    let first = problem.gradient(&x).expect("no error");
    let second = problem.gradient(&x).expect("no error");
    assert_eq!(first, second);
    assert_eq!(calls.load(Ordering::Relaxed), 2);
    assert_eq!(problem.cost(&x).expect("no error"), rosenbrock(&x));
}

#[test]
fn a_shadow_error_stops_the_solver_with_its_path() {
    /// Squared distance between `x` and the fixed target `t`.
    #[autodiff_reverse(d_distance, Duplicated, Duplicated, Active)]
    fn distance(x: &[f64], t: &[f64]) -> f64 {
        x.iter().zip(t).map(|(x, t)| (x - t) * (x - t)).sum()
    }
    let target = vec![1.0, 2.0];
    let problem = Objective::new(
        |x: &Vec<f64>| distance(x, &target),
        // The target's shadow is one element short.
        |x, dx| try_d_distance(x, dx, &target, &mut [0.0], 1.0),
    );
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 3);
    let err = Executor::new(problem, solver)
        .configure(|state| state.param(vec![0.0, 0.0]).max_iters(10))
        .run()
        .map(|_| ())
        .unwrap_err();
    let expected = "d_distance: shadow `dt_0` does not match its primal `t` at `t`: \
                    primal has length 2, shadow has length 1";
    assert_eq!(err.to_string(), expected);
    let shadow_error = err.downcast_ref::<ShadowError>().expect("a ShadowError");
    assert_eq!(shadow_error.path(), "t");
}

#[test]
fn termination_is_reported_by_argmin() {
    let problem = Objective::new(
        |x: &Vec<f64>| rosenbrock(x),
        |x, dx| d_rosenbrock(x, dx, 1.0),
    );
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7);
    let result = Executor::new(problem, solver)
        .configure(|state| state.param(vec![-1.2, 1.0]).max_iters(2))
        .run()
        .expect("no error");
    assert_eq!(
        *result.state().get_termination_status(),
        TerminationStatus::Terminated(TerminationReason::MaxItersReached)
    );
}
