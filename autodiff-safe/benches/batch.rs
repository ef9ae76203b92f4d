//! Mini-batch gradients of an MLP (the network of `examples/backprop.rs`,
//! 2-12-12-1, 205 parameters) over 256 samples: `autodiff_safe::batch` on
//! rayon pools of 1 and 2 threads, sequential, and a plain loop into one
//! shadow.
//!
//! ```text
//! cargo bench -p autodiff-safe --features rayon --bench batch
//! ```
//!
//! With `BATCH_DRIVER=<threads>` (0 for `sequential()`) the binary skips
//! criterion, computes `BATCH_ITERS` gradients (default 20) and prints the
//! wall-clock time and, per pool thread, the CPU time and the time spent
//! waiting for a CPU (from `/proc/thread-self/schedstat`), for runs under
//! `/usr/bin/time` (see BENCHMARKS.md). With `BATCH_DRIVER=paired` it
//! alternates 1 and 2 threads for `BATCH_ITERS` rounds and prints the
//! quartiles of the speedup.
//!
//! The bench measures whichever backend it is built with: the reference
//! backend on stable, Enzyme with
//!
//! ```text
//! RUSTFLAGS=-Zautodiff=Enable cargo +nightly bench --profile enzyme -p autodiff-safe \
//!     --features enzyme,rayon --bench batch
//! ```
#![cfg_attr(feature = "enzyme", feature(autodiff))]

use std::hint::black_box;
use std::time::{Duration, Instant};

use autodiff_safe::batch::Batch;
use autodiff_safe::{FloatTree, ShadowCheck, autodiff_reverse, make_zero};
use criterion::{BenchmarkId, Criterion};

/// Samples per batch.
const SAMPLES: usize = 256;
/// Samples per chunk: 8 chunks, 4 per thread of 2.
const CHUNK: usize = 32;
/// Input features per sample.
const INPUTS: usize = 2;
/// Hidden units per hidden layer.
const HIDDEN: usize = 12;

/// A dense layer: `b.len()` neurons with `w.len() / b.len()` weights each.
#[derive(ShadowCheck)]
struct Layer {
    w: Vec<f64>,
    b: Vec<f64>,
}

/// Two hidden layers of rectified linear units and a linear output.
#[derive(ShadowCheck)]
struct Mlp {
    layers: [Layer; 3],
}

impl Layer {
    fn new(inputs: usize, outputs: usize, seed: usize) -> Self {
        let scale = (2.0 / f64::from(u32::try_from(inputs).unwrap_or(1))).sqrt();
        Layer {
            w: (0..inputs * outputs)
                .map(|i| scale * (1.3 * f64::from(u32::try_from(i + seed).unwrap_or(0))).sin())
                .collect(),
            b: vec![0.01; outputs],
        }
    }

    /// `w x + b`, rectified unless this is the output layer (as
    /// `examples/backprop.rs`, in the form this Enzyme differentiates).
    fn apply(&self, x: &[f64], relu: bool) -> Vec<f64> {
        let inputs = x.len();
        let mut out = vec![0.0; self.b.len()];
        for (o, out) in out.iter_mut().enumerate() {
            let mut z = 0.0;
            for (i, x) in x.iter().enumerate() {
                z += self.w[o * inputs + i] * x;
            }
            z += self.b[o];
            *out = if relu && z < 0.0 { 0.0 } else { z };
        }
        out
    }
}

/// Squared error of one sample.
#[autodiff_reverse(d_sample_loss, Duplicated, Const, Const, Active)]
fn sample_loss(mlp: &Mlp, x: &[f64], y: f64) -> f64 {
    let [hidden1, hidden2, output] = &mlp.layers;
    let h1 = hidden1.apply(x, true);
    let h2 = hidden2.apply(&h1, true);
    let out = output.apply(&h2, false);
    let error = out[0] - y;
    error * error
}

struct Sample {
    x: [f64; INPUTS],
    y: f64,
}

fn setup() -> (Mlp, Vec<Sample>) {
    let mlp = Mlp {
        layers: [
            Layer::new(INPUTS, HIDDEN, 0),
            Layer::new(HIDDEN, HIDDEN, 100),
            Layer::new(HIDDEN, 1, 300),
        ],
    };
    let samples = (0..SAMPLES)
        .map(|i| {
            let t = f64::from(u32::try_from(i).unwrap_or(0));
            let x = [1.5 * (0.37 * t).sin(), 1.5 * (0.91 * t).cos()];
            Sample {
                x,
                y: (2.0 * x[0]).sin() * (1.5 * x[1]).cos(),
            }
        })
        .collect();
    (mlp, samples)
}

fn batch<'a>(mlp: &'a Mlp, samples: &'a [Sample]) -> Batch<'a, Mlp, Sample> {
    Batch::new(mlp, samples).chunk_size(CHUNK).mean()
}

fn gradient(batch: Batch<'_, Mlp, Sample>) -> (f64, Mlp) {
    batch.gradient(|m, s, dm| d_sample_loss(m, dm, &s.x, s.y, 1.0))
}

/// The plain loop the batch replaces: every sample into one shadow.
fn plain_loop(mlp: &Mlp, samples: &[Sample]) -> (f64, Mlp) {
    let mut grad = make_zero(mlp);
    let mut loss = 0.0;
    for s in samples {
        loss += d_sample_loss(mlp, &mut grad, &s.x, s.y, 1.0);
    }
    (loss, grad)
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
}

fn bits(loss: f64, grad: &Mlp) -> Vec<u64> {
    let mut bits = vec![loss.to_bits()];
    grad.visit_floats(&mut |v| bits.push(v.to_bits()));
    bits
}

/// Asserts that 1 and 2 threads and the sequential run agree bit for bit.
fn verify(mlp: &Mlp, samples: &[Sample]) {
    let (loss, grad) = gradient(batch(mlp, samples).sequential());
    let expected = bits(loss, &grad);
    for threads in [1, 2] {
        let (loss, grad) = pool(threads).install(|| gradient(batch(mlp, samples)));
        assert_eq!(bits(loss, &grad), expected, "{threads} threads");
    }
}

/// CPU time and run-queue wait of the calling thread, from
/// `/proc/thread-self/schedstat` (`None` where the kernel has none).
fn schedstat() -> Option<(Duration, Duration)> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let mut fields = text.split_whitespace().map(|f| f.parse::<u64>().ok());
    let cpu = fields.next()??;
    let wait = fields.next()??;
    Some((Duration::from_nanos(cpu), Duration::from_nanos(wait)))
}

/// `BATCH_DRIVER` mode: `iters` gradients on `threads` threads (0:
/// sequential, on the calling thread), with per-thread CPU time.
fn driver(threads: usize, iters: usize, mlp: &Mlp, samples: &[Sample]) {
    let pool = pool(threads.max(1));
    let before = pool.broadcast(|_| schedstat());
    let start = Instant::now();
    pool.install(|| {
        for _ in 0..iters {
            let b = batch(mlp, samples);
            let b = if threads == 0 { b.sequential() } else { b };
            black_box(gradient(black_box(b)));
        }
    });
    let wall = start.elapsed();
    let after = pool.broadcast(|_| schedstat());
    let mode = if threads == 0 {
        "sequential".to_string()
    } else {
        format!("{threads} threads")
    };
    println!(
        "batch driver: {mode}, {iters} gradients of {SAMPLES} samples in {wall:.3?} wall, {:.3?} per gradient",
        wall / u32::try_from(iters).unwrap_or(1),
    );
    for (i, (before, after)) in before.iter().zip(&after).enumerate() {
        if let (Some((cpu0, wait0)), Some((cpu1, wait1))) = (before, after) {
            println!(
                "  pool thread {i}: cpu {:.3?}, waiting for a cpu {:.3?}",
                cpu1.saturating_sub(*cpu0),
                wait1.saturating_sub(*wait0),
            );
        }
    }
}

/// `BATCH_DRIVER=paired` mode: `rounds` rounds of gradients on a pool of
/// 1 thread and on 2 threads (alternating which goes first); prints the
/// quartiles of the per-round speedup, which drifting load disturbs less
/// than two separate measurements. A round is as many gradients as take
/// 5 ms on one thread (one on the reference backend, about ten with Enzyme),
/// so that a round is not one scheduler time slice.
fn paired(rounds: usize, mlp: &Mlp, samples: &[Sample]) {
    let (one, two) = (pool(1), pool(2));
    let timed_round = |pool: &rayon::ThreadPool| {
        black_box(pool.install(|| gradient(batch(black_box(mlp), black_box(samples)))));
    };
    let start = Instant::now();
    let mut per_round = 0_u32;
    while start.elapsed() < Duration::from_millis(5) {
        timed_round(&one);
        per_round += 1;
    }
    let time = |pool: &rayon::ThreadPool| {
        let start = Instant::now();
        for _ in 0..per_round {
            timed_round(pool);
        }
        start.elapsed()
    };
    let mut speedups = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (t1, t2) = if round % 2 == 0 {
            let t1 = time(&one);
            (t1, time(&two))
        } else {
            let t2 = time(&two);
            (time(&one), t2)
        };
        speedups.push(t1.as_secs_f64() / t2.as_secs_f64());
    }
    speedups.sort_by(f64::total_cmp);
    let quartile = |q: usize| speedups[(rounds - 1) * q / 4];
    println!(
        "batch paired: {rounds} rounds of {per_round} gradients, speedup 2 threads over 1: median {:.3}, quartiles {:.3} / {:.3}, min {:.3}, max {:.3}",
        quartile(2),
        quartile(1),
        quartile(3),
        speedups[0],
        speedups[rounds - 1],
    );
}

fn main() {
    let (mlp, samples) = setup();
    if let Ok(mode) = std::env::var("BATCH_DRIVER") {
        let iters = std::env::var("BATCH_ITERS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20)
            .max(1);
        if mode == "paired" {
            paired(iters, &mlp, &samples);
        } else {
            driver(mode.parse().unwrap_or(2), iters, &mlp, &samples);
        }
        return;
    }
    verify(&mlp, &samples);
    let mut criterion = Criterion::default().configure_from_args();
    let (one, two) = (pool(1), pool(2));
    {
        let mut group = criterion.benchmark_group("batch_gradient");
        group.sample_size(10);
        let name = format!("mlp/{SAMPLES}");
        group.bench_function(BenchmarkId::new("plain_loop", &name), |b| {
            b.iter(|| plain_loop(black_box(&mlp), black_box(&samples)));
        });
        group.bench_function(BenchmarkId::new("sequential", &name), |b| {
            b.iter(|| gradient(batch(black_box(&mlp), black_box(&samples)).sequential()));
        });
        group.bench_function(BenchmarkId::new("rayon_1_thread", &name), |b| {
            b.iter(|| one.install(|| gradient(batch(black_box(&mlp), black_box(&samples)))));
        });
        group.bench_function(BenchmarkId::new("rayon_2_threads", &name), |b| {
            b.iter(|| two.install(|| gradient(batch(black_box(&mlp), black_box(&samples)))));
        });
        group.finish();
    }
    criterion.final_summary();
}
