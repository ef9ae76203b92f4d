//! Time per gradient of the finite-difference reference backend against the
//! number of float leaves `n`, on the `n`-dimensional Rosenbrock function.
//!
//! The backend calls the primal `2n` times (one step up and one step down per
//! leaf) on a perturbed copy of the arguments, plus once for the real result.
//! Each of those calls costs `O(n)` here (the copy and the primal), so a
//! gradient costs `O(n^2)`. To show that the gradient is exactly `2n`
//! evaluations, this bench also times one evaluation (copy, perturb, primal)
//! and the primal alone, and counts the primal calls of one gradient.
//!
//! `cargo bench -p autodiff-safe --bench reference_backend`
//!
//! With the `enzyme` feature the derivatives below are Enzyme's, so this
//! bench compiles (for `clippy --benches` in the Enzyme tier) but only says
//! that it measures the reference backend.
#![cfg_attr(feature = "enzyme", feature(autodiff))]

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use autodiff_safe::__private_0_1::reference::{Cursor, copy_perturbed};
use autodiff_safe::autodiff_reverse;
use criterion::{BenchmarkId, Criterion};

const SIZES: [usize; 3] = [10, 100, 1_000];

#[autodiff_reverse(d_rosenbrock, Duplicated, Active)]
fn rosenbrock(x: &[f64]) -> f64 {
    x.windows(2)
        .map(|pair| (1.0 - pair[0]).powi(2) + 100.0 * (pair[1] - pair[0] * pair[0]).powi(2))
        .sum()
}

/// Primal calls of [`counted`].
static CALLS: AtomicUsize = AtomicUsize::new(0);

/// [`rosenbrock`], counting its calls.
#[autodiff_reverse(d_counted, Duplicated, Active)]
fn counted(x: &[f64]) -> f64 {
    CALLS.fetch_add(1, Ordering::Relaxed);
    rosenbrock(x)
}

fn point(n: usize) -> Vec<f64> {
    let mut x = Vec::with_capacity(n);
    let mut value = 0.5;
    for _ in 0..n {
        x.push(value);
        value += 0.001;
    }
    x
}

/// The exact gradient, to report the backend's error next to its cost.
fn exact_gradient(x: &[f64]) -> Vec<f64> {
    let mut g = vec![0.0; x.len()];
    for i in 0..x.len() - 1 {
        let t = x[i + 1] - x[i] * x[i];
        g[i] += -2.0 * (1.0 - x[i]) - 400.0 * x[i] * t;
        g[i + 1] += 200.0 * t;
    }
    g
}

/// Counts the primal calls of one gradient and prints them with the
/// gradient's largest relative error.
fn count_primal_calls() {
    for n in SIZES {
        let x = point(n);
        let mut dx = vec![0.0; n];
        CALLS.store(0, Ordering::Relaxed);
        d_counted(&x, &mut dx, 1.0);
        let calls = CALLS.load(Ordering::Relaxed);
        assert_eq!(calls, 2 * n + 1, "primal calls of one gradient at n = {n}");
        let error = exact_gradient(&x)
            .iter()
            .zip(&dx)
            .map(|(exact, fd)| (exact - fd).abs() / exact.abs().max(1.0))
            .fold(0.0, f64::max);
        println!(
            "reference backend, n = {n}: {calls} primal calls per gradient (2n + 1), \
             max relative error {error:.1e}"
        );
    }
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("reference/gradient");
    group.sample_size(20).warm_up_time(Duration::from_secs(1));
    for n in SIZES {
        let x = point(n);
        let mut dx = vec![0.0; n];
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| d_rosenbrock(black_box(&x), black_box(&mut dx), 1.0));
        });
    }
    group.finish();

    // One of the 2n evaluations, as the generated code performs it.
    let mut group = c.benchmark_group("reference/one evaluation");
    for n in SIZES {
        let x = point(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                let mut cursor = Cursor::leaf(n / 2, 1.0);
                let copy = copy_perturbed::<[f64]>(black_box(&x), &mut cursor);
                rosenbrock(&copy)
            });
        });
    }
    group.finish();

    let mut group = c.benchmark_group("reference/primal");
    for n in SIZES {
        let x = point(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| rosenbrock(black_box(&x)));
        });
    }
    group.finish();
}

fn main() {
    if cfg!(feature = "enzyme") {
        println!(
            "reference_backend: measures the reference backend; build it without the \
             `enzyme` feature: cargo bench -p autodiff-safe --bench reference_backend"
        );
        return;
    }
    count_primal_calls();
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
}
