//! Structural arithmetic against the hand-written field loop it replaces,
//! on a model of 100 derived layers (`Layer { w: Vec<f64>, b: Vec<f64> }`,
//! 64 × 64 weights and 64 biases each, 416 000 floats):
//!
//! - `sgd_momentum`: `v = mu v + g; p -= lr v` through
//!   [`autodiff_safe::zip_map`] with `[&grad]` read and
//!   `[&mut params, &mut velocity]` written, against a loop over the layers
//!   and their two fields;
//! - `axpy`: `p += alpha g` through [`autodiff_safe::axpy`], against the same
//!   loop.
//!
//! Before measuring, the bench asserts that both forms give bit-identical
//! models. After criterion, a paired run alternates the two forms in short
//! rounds and prints the median ratio, which drifting load disturbs less
//! than two separate measurements.
//!
//! ```text
//! cargo bench -p autodiff-safe --bench structural_update -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! With `STRUCTURAL_CALLGRIND=1` the binary skips criterion and runs each form
//! `CALLS` times through a never-inlined wrapper, for instruction counts under
//! `valgrind --tool=callgrind` (see BENCHMARKS.md).

use std::hint::black_box;
use std::time::{Duration, Instant};

use autodiff_safe::{Lanes, ShadowCheck, axpy, make_zero, zip_map};
use criterion::{BenchmarkId, Criterion};

/// Layers of the model.
const LAYERS: usize = 100;
/// Neurons per layer, and inputs per neuron: 64 × 64 weights.
const WIDTH: usize = 64;
/// Learning rate.
const LR: f64 = 1e-3;
/// Momentum.
const MU: f64 = 0.9;

/// One dense layer.
#[derive(ShadowCheck, Clone, PartialEq, Debug)]
struct Layer {
    w: Vec<f64>,
    b: Vec<f64>,
}

type Model = Vec<Layer>;

/// `i % modulus` as a float, for `modulus` up to 256.
fn cycle(i: usize, modulus: usize) -> f64 {
    f64::from(u8::try_from(i % modulus).unwrap_or(0))
}

fn model(seed: usize) -> Model {
    (0..LAYERS)
        .map(|l| Layer {
            w: (0..WIDTH * WIDTH)
                .map(|i| 1e-2 * cycle(l + i + seed, 13) - 0.05)
                .collect(),
            b: (0..WIDTH).map(|i| 1e-3 * cycle(l + i + seed, 7)).collect(),
        })
        .collect()
}

/// One step of SGD with momentum through `zip_map`.
fn sgd_structural(grad: &Model, params: &mut Model, velocity: &mut Model) {
    zip_map([grad], [params, velocity], |lanes| {
        if let Lanes::F64 {
            read: [g],
            write: [p, v],
        } = lanes
        {
            for ((p, v), g) in p.iter_mut().zip(v.iter_mut()).zip(g) {
                *v = MU * *v + g;
                *p -= LR * *v;
            }
        }
    })
    .expect("one structure");
}

/// `v = mu v + g; p -= lr v` over two slices.
fn sgd_slice(p: &mut [f64], v: &mut [f64], g: &[f64]) {
    for ((p, v), g) in p.iter_mut().zip(v.iter_mut()).zip(g) {
        *v = MU * *v + g;
        *p -= LR * *v;
    }
}

/// The same step written by hand: every layer, every field.
fn sgd_hand(grad: &Model, params: &mut Model, velocity: &mut Model) {
    for ((p, v), g) in params.iter_mut().zip(velocity.iter_mut()).zip(grad) {
        sgd_slice(&mut p.w, &mut v.w, &g.w);
        sgd_slice(&mut p.b, &mut v.b, &g.b);
    }
}

fn axpy_structural(grad: &Model, params: &mut Model) {
    axpy(-LR, grad, params).expect("one structure");
}

fn axpy_slice(p: &mut [f64], g: &[f64]) {
    for (p, g) in p.iter_mut().zip(g) {
        *p += -LR * g;
    }
}

fn axpy_hand(grad: &Model, params: &mut Model) {
    for (p, g) in params.iter_mut().zip(grad) {
        axpy_slice(&mut p.w, &g.w);
        axpy_slice(&mut p.b, &g.b);
    }
}

/// The state one form updates.
struct State {
    grad: Model,
    params: Model,
    velocity: Model,
}

impl State {
    fn new() -> Self {
        let params = model(0);
        let velocity = make_zero(&params);
        State {
            grad: model(5),
            params,
            velocity,
        }
    }

    fn sgd_structural(&mut self) {
        sgd_structural(
            black_box(&self.grad),
            black_box(&mut self.params),
            black_box(&mut self.velocity),
        );
    }

    fn sgd_hand(&mut self) {
        sgd_hand(
            black_box(&self.grad),
            black_box(&mut self.params),
            black_box(&mut self.velocity),
        );
    }

    fn axpy_structural(&mut self) {
        axpy_structural(black_box(&self.grad), black_box(&mut self.params));
    }

    fn axpy_hand(&mut self) {
        axpy_hand(black_box(&self.grad), black_box(&mut self.params));
    }
}

/// Asserts that both forms give the same bits, so that the timings compare
/// the same work.
fn verify() {
    let (mut structural, mut hand) = (State::new(), State::new());
    for _ in 0..3 {
        structural.sgd_structural();
        hand.sgd_hand();
        structural.axpy_structural();
        hand.axpy_hand();
    }
    let bits = |m: &Model| -> Vec<u64> {
        m.iter()
            .flat_map(|l| l.w.iter().chain(&l.b))
            .map(|v| v.to_bits())
            .collect()
    };
    assert_eq!(bits(&structural.params), bits(&hand.params));
    assert_eq!(bits(&structural.velocity), bits(&hand.velocity));
    assert_ne!(structural.params, model(0), "the updates moved nothing");
}

/// A measured pair: the structural form and the hand loop.
struct Case {
    name: &'static str,
    structural: fn(&mut State),
    hand: fn(&mut State),
}

const CASES: [Case; 2] = [
    Case {
        name: "sgd_momentum",
        structural: State::sgd_structural,
        hand: State::sgd_hand,
    },
    Case {
        name: "axpy",
        structural: State::axpy_structural,
        hand: State::axpy_hand,
    },
];

/// Alternates the two forms on one state (one memory placement for both) in
/// `rounds` rounds of about 5 ms each, switching which goes first, and
/// returns the median ratio structural / hand and the median hand time per
/// call.
fn paired(case: &Case, state: &mut State, rounds: usize) -> (f64, Duration) {
    let start = Instant::now();
    let mut calls = 0_u32;
    while start.elapsed() < Duration::from_millis(5) {
        (case.hand)(state);
        calls += 1;
    }
    let mut time = |f: fn(&mut State)| {
        let start = Instant::now();
        for _ in 0..calls {
            f(state);
        }
        start.elapsed()
    };
    let mut ratios = Vec::with_capacity(rounds);
    let mut hand_times = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (structural, hand) = if round % 2 == 0 {
            let s = time(case.structural);
            (s, time(case.hand))
        } else {
            let h = time(case.hand);
            (time(case.structural), h)
        };
        ratios.push(structural.as_secs_f64() / hand.as_secs_f64());
        hand_times.push(hand / calls);
    }
    ratios.sort_by(f64::total_cmp);
    hand_times.sort();
    (ratios[rounds / 2], hand_times[rounds / 2])
}

/// Calls of each form under callgrind.
const CALLS: usize = 20;

#[inline(never)]
fn callgrind_sgd_structural(state: &mut State) {
    for _ in 0..CALLS {
        state.sgd_structural();
    }
}

#[inline(never)]
fn callgrind_sgd_hand(state: &mut State) {
    for _ in 0..CALLS {
        state.sgd_hand();
    }
}

#[inline(never)]
fn callgrind_axpy_structural(state: &mut State) {
    for _ in 0..CALLS {
        state.axpy_structural();
    }
}

#[inline(never)]
fn callgrind_axpy_hand(state: &mut State) {
    for _ in 0..CALLS {
        state.axpy_hand();
    }
}

fn main() {
    verify();
    if std::env::var_os("STRUCTURAL_CALLGRIND").is_some() {
        let mut state = State::new();
        callgrind_sgd_structural(&mut state);
        callgrind_sgd_hand(&mut state);
        callgrind_axpy_structural(&mut state);
        callgrind_axpy_hand(&mut state);
        println!("structural_update: {CALLS} calls of each form");
        return;
    }
    let mut state = State::new();
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    {
        let mut group = criterion.benchmark_group("structural_update");
        let size = format!("{LAYERS}x{WIDTH}x{WIDTH}");
        // One state for every form: the same memory, the same placement.
        for case in &CASES {
            group.bench_function(BenchmarkId::new(format!("{}/zip", case.name), &size), |b| {
                b.iter(|| (case.structural)(&mut state));
            });
            group.bench_function(
                BenchmarkId::new(format!("{}/hand", case.name), &size),
                |b| {
                    b.iter(|| (case.hand)(&mut state));
                },
            );
        }
        group.finish();
    }
    criterion.final_summary();
    // `cargo bench` passes `--bench`; `cargo test --benches` and `--list`
    // measure nothing more.
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|arg| arg == "--bench") || args.iter().any(|arg| arg == "--list") {
        return;
    }
    for case in &CASES {
        let (ratio, hand) = paired(case, &mut state, 101);
        println!(
            "paired {}: hand {hand:?} per call, structural/hand median ratio {ratio:.4} ({:+.2} %)",
            case.name,
            (ratio - 1.0) * 100.0
        );
    }
}
