//! What `check` costs against the size of the value it checks.
//!
//! - `Vec<f64>`: one length comparison whatever the length
//!   (`CHECK_IS_NOOP` skips the elements), so flat in `n`.
//! - `Vec<Vec<f64>>`: one comparison per row, so linear in the rows.
//! - a derived three-layer model: a handful of comparisons.
//!
//! The shadow always matches (the path every real derivative takes).
//!
//! `cargo bench -p autodiff-safe --bench check_cost`

use std::hint::black_box;

use autodiff_safe::{ShadowCheck, check, make_zero};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

#[derive(ShadowCheck)]
struct Layer {
    w: Vec<f64>,
    b: Vec<f64>,
}

#[derive(ShadowCheck)]
struct Mlp {
    input: Layer,
    hidden: Layer,
    output: Layer,
}

fn layer(inputs: usize, outputs: usize) -> Layer {
    Layer {
        w: vec![0.5; inputs * outputs],
        b: vec![0.0; outputs],
    }
}

fn flat_vec(c: &mut Criterion) {
    let mut group = c.benchmark_group("check/Vec<f64>");
    for n in [10_usize, 1_000, 1_000_000] {
        let x = vec![1.0_f64; n];
        let dx = make_zero(&x);
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| check(black_box(&x), black_box(&dx)));
        });
    }
    group.finish();
}

fn nested_vec(c: &mut Criterion) {
    let mut group = c.benchmark_group("check/Vec<Vec<f64>>");
    for rows in [10_usize, 1_000, 100_000] {
        let x = vec![vec![1.0_f64; 8]; rows];
        let dx = make_zero(&x);
        group.throughput(Throughput::Elements(rows as u64));
        group.bench_with_input(BenchmarkId::from_parameter(rows), &rows, |b, _| {
            b.iter(|| check(black_box(&x), black_box(&dx)));
        });
    }
    group.finish();
}

fn model(c: &mut Criterion) {
    let m = Mlp {
        input: layer(784, 128),
        hidden: layer(128, 64),
        output: layer(64, 10),
    };
    let dm = make_zero(&m);
    c.bench_function("check/three-layer Mlp", |b| {
        b.iter(|| check(black_box(&m), black_box(&dm)));
    });
}

criterion_group!(benches, flat_vec, nested_vec, model);
criterion_main!(benches);
