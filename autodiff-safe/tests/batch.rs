//! `autodiff_safe::batch` with a real checked derivative: a small MLP's
//! per-sample loss through `#[autodiff_reverse]`, on rayon pools of 1, 2 and
//! 4 threads, against the sequential run and against the derivative of the
//! whole batch's loss.
//!
//! The MLP is written as `examples/backprop.rs` is, so that this Enzyme
//! differentiates it too (`--features enzyme` in the Enzyme tier).
#![cfg_attr(feature = "enzyme", feature(autodiff))]
#![allow(clippy::cast_precision_loss, reason = "sample indices are small")]

use autodiff_safe::batch::Batch;
use autodiff_safe::{FloatTree, ShadowCheck, autodiff_reverse, make_zero};

/// Features per sample: the sample's two coordinates and their product.
const FEATURES: usize = 3;
/// Hidden units.
const HIDDEN: usize = 6;

#[derive(ShadowCheck, Debug, PartialEq)]
struct Layer {
    w: Vec<f64>,
    b: Vec<f64>,
}

#[derive(ShadowCheck, Debug, PartialEq)]
struct Mlp {
    hidden: Layer,
    output: Layer,
}

impl Layer {
    fn new(inputs: usize, outputs: usize, seed: f64) -> Self {
        Layer {
            w: (0..inputs * outputs)
                .map(|i| 0.4 * (seed + 1.7 * i as f64).sin())
                .collect(),
            b: (0..outputs)
                .map(|i| 0.1 * (seed + i as f64).cos())
                .collect(),
        }
    }

    /// `tanh(w x + b)`, or `w x + b` for the output layer.
    fn apply(&self, x: &[f64], squash: bool) -> Vec<f64> {
        let inputs = x.len();
        let mut out = vec![0.0; self.b.len()];
        for (o, out) in out.iter_mut().enumerate() {
            let mut z = 0.0;
            for (i, x) in x.iter().enumerate() {
                z += self.w[o * inputs + i] * x;
            }
            z += self.b[o];
            *out = if squash { z.tanh() } else { z };
        }
        out
    }
}

fn mlp() -> Mlp {
    Mlp {
        hidden: Layer::new(FEATURES, HIDDEN, 0.3),
        output: Layer::new(HIDDEN, 1, 1.1),
    }
}

/// Squared error of one sample. `features` is a `Const` workspace: it holds
/// the features of `x`, which do not depend on the model.
#[autodiff_reverse(d_sample_loss, Duplicated, Const, Const, Const, Active)]
fn sample_loss(mlp: &Mlp, x: &[f64], y: f64, features: &mut [f64]) -> f64 {
    features[0] = x[0];
    features[1] = x[1];
    features[2] = x[0] * x[1];
    let h = mlp.hidden.apply(features, true);
    let out = mlp.output.apply(&h, false);
    let error = out[0] - y;
    error * error
}

/// The summed squared error of all samples (`xs` holds two coordinates per
/// sample), for comparison.
#[autodiff_reverse(d_total_loss, Duplicated, Const, Const, Active)]
fn total_loss(mlp: &Mlp, xs: &[f64], ys: &[f64]) -> f64 {
    let mut total = 0.0;
    for (x, y) in xs.chunks_exact(2).zip(ys) {
        // Filled by index: this Enzyme cannot deduce the copy of a `vec![..]`.
        let mut features = vec![0.0; FEATURES];
        features[0] = x[0];
        features[1] = x[1];
        features[2] = x[0] * x[1];
        let h = mlp.hidden.apply(&features, true);
        let out = mlp.output.apply(&h, false);
        let error = out[0] - y;
        total += error * error;
    }
    total
}

struct Sample {
    x: [f64; 2],
    y: f64,
}

fn samples(n: usize) -> Vec<Sample> {
    (0..n)
        .map(|i| {
            let t = i as f64;
            let x = [(0.37 * t).sin(), (0.91 * t).cos()];
            Sample {
                x,
                y: (2.0 * x[0]).sin() * (1.5 * x[1]).cos(),
            }
        })
        .collect()
}

fn leaves(loss: f64, grad: &Mlp) -> Vec<u64> {
    let mut bits = vec![loss.to_bits()];
    grad.visit_floats(&mut |v| bits.push(v.to_bits()));
    bits
}

fn in_pool<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
        .install(f)
}

#[test]
fn mlp_batch_gradient_is_bit_identical_for_any_thread_count() {
    let model = mlp();
    let samples = samples(100);
    for chunk in [1, 9, 32] {
        let batch = Batch::new(&model, &samples).chunk_size(chunk).mean();
        let run = || {
            batch.gradient_with_scratch(
                || vec![0.0; FEATURES],
                |m, s, dm, features| d_sample_loss(m, dm, &s.x, s.y, features, 1.0),
            )
        };
        let (loss, grad) = batch.sequential().gradient_with_scratch(
            || vec![0.0; FEATURES],
            |m, s, dm, features| d_sample_loss(m, dm, &s.x, s.y, features, 1.0),
        );
        let expected = leaves(loss, &grad);
        for threads in [1, 2, 4] {
            let (loss, grad) = in_pool(threads, run);
            assert_eq!(
                leaves(loss, &grad),
                expected,
                "chunk {chunk}, {threads} threads"
            );
        }
    }
}

#[test]
fn mlp_batch_gradient_equals_the_whole_batch_derivative() {
    let model = mlp();
    let samples = samples(77);
    let xs: Vec<f64> = samples.iter().flat_map(|s| s.x).collect();
    let ys: Vec<f64> = samples.iter().map(|s| s.y).collect();
    let mut expected = make_zero(&model);
    let expected_loss = d_total_loss(&model, &mut expected, &xs, &ys, 1.0);
    let mut expected_leaves = Vec::new();
    expected.visit_floats(&mut |v| expected_leaves.push(v));

    let (loss, grad) = in_pool(2, || {
        Batch::new(&model, &samples)
            .chunk_size(10)
            .try_gradient_with_scratch(
                || vec![0.0; FEATURES],
                |m, s, dm, features| try_d_sample_loss(m, dm, &s.x, s.y, features, 1.0),
            )
            .expect("matching shadows")
    });
    assert!((loss - expected_loss).abs() <= 1e-12 * expected_loss.abs());
    let mut i = 0;
    grad.visit_floats(&mut |g| {
        let e = expected_leaves[i];
        assert!(
            (g - e).abs() <= 1e-6 * e.abs().max(1.0),
            "leaf {i}: {g} against {e}"
        );
        i += 1;
    });
    assert_eq!(i, expected_leaves.len());

    // The mean is the sum divided by the number of samples, once.
    let (mean_loss, mean_grad) = in_pool(2, || {
        Batch::new(&model, &samples)
            .chunk_size(10)
            .mean()
            .gradient_with_scratch(
                || vec![0.0; FEATURES],
                |m, s, dm, features| d_sample_loss(m, dm, &s.x, s.y, features, 1.0),
            )
    });
    assert_eq!(mean_loss.to_bits(), (loss / 77.0).to_bits());
    assert_eq!(
        mean_grad.output.b[0].to_bits(),
        (grad.output.b[0] / 77.0).to_bits()
    );
}

#[test]
fn a_wrong_shadow_in_the_closure_is_refused_with_its_path() {
    let model = mlp();
    let samples = samples(40);
    let err = in_pool(4, || {
        Batch::new(&model, &samples).try_gradient_with_scratch(
            || vec![0.0; FEATURES],
            |m, s, _, features| {
                let mut short = make_zero(m);
                short.hidden.b.pop();
                try_d_sample_loss(m, &mut short, &s.x, s.y, features, 1.0)
            },
        )
    })
    .map(|_| ())
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "d_sample_loss: shadow `dmlp_0` does not match its primal `mlp` at `mlp.hidden.b`: \
         primal has length 6, shadow has length 5"
    );
}
