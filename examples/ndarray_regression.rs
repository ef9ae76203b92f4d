#![cfg_attr(feature = "enzyme", feature(autodiff))]
//! Softmax (multinomial logistic) regression on ndarray data, trained with
//! checked gradients.
//!
//! The data is an `Array2<f64>` with one sample per row, passed `Const`
//! behind `&`. The model is a struct of two `Vec<f64>`, the weights (one row
//! of `FEATURES` per class, row-major) and the biases, with
//! `#[derive(ShadowCheck)]`, and is viewed as ndarray arrays where that
//! helps (`ArrayView2::from_shape`). Since 0.2 ndarray's owned arrays do not
//! implement `ShadowCheck`: an array sliced in place or grown keeps storage
//! beyond its elements that no check can see (see the `ndarray` module of
//! `autodiff-core`), so a differentiated array would need the `unsafe`
//! opt-out `unsafe(Duplicated)`. Keeping the parameters in `Vec`s (or passing
//! an array's elements as a slice) keeps the derivative checked and safe.
//! `d_loss`, made by `#[autodiff_reverse]`, adds the gradient of the loss
//! into a second model, the shadow, after checking that each of its `Vec`s
//! has the primal's length and capacity. The gradient is compared with the
//! closed form `(P - Y)^T X / n + lambda W` before training, and the last
//! lines show a shadow of the wrong length refused.
//!
//! Three Gaussian clusters of 4-dimensional points are classified by gradient
//! descent with momentum; the example fails unless the training accuracy
//! reaches 95% and the loss falls below 0.2.
//!
//! Run it on stable Rust, with finite differences standing in for Enzyme:
//!
//! ```text
//! cargo run --release -p autodiff-safe-examples --features ndarray --example ndarray_regression
//! ```
//!
//! or with real Enzyme on nightly:
//!
//! ```text
//! RUSTFLAGS=-Zautodiff=Enable cargo +nightly run --profile enzyme \
//!     -p autodiff-safe-examples --features ndarray,enzyme --example ndarray_regression
//! ```
//!
//! With `--features gradcheck` as well, it first gradchecks `d_loss` at the
//! initial model: in the Enzyme tier, against finite differences.
//!
//! The differentiated code reads the parameters and the data through slices
//! and plain loops: on this Enzyme (nightly 1.97, `-Zautodiff=Enable`)
//! ndarray's `sum()`, `dot` and indexing of a differentiated array stop its
//! type analysis ("cannot handle unknown binary operator"), and `dot` on
//! matrices runs `matrixmultiply`.

use std::process::ExitCode;

use autodiff_safe::{FloatTree, ShadowCheck, autodiff_reverse, make_zero, set_zero};
use autodiff_safe_examples::{Momentum, Progress, Rng};
use ndarray::{Array2, ArrayView2};

/// Features per sample.
const FEATURES: usize = 4;
/// Classes.
const CLASSES: usize = 3;
/// Samples per class.
const PER_CLASS: usize = 60;
/// L2 penalty on the weights.
const LAMBDA: f64 = 1e-3;

/// `softmax(W x + b)`: `w` holds `W`, one row of `FEATURES` weights per
/// class, row-major; `b` holds one bias per class.
#[derive(ShadowCheck)]
struct Model {
    w: Vec<f64>,
    b: Vec<f64>,
}

/// The data set: `x` has one sample per row.
struct Data {
    x: Array2<f64>,
    labels: Vec<usize>,
}

/// The logit `(W x + b)[class]` of one sample, read from the storage of the
/// weights `w` and the biases `b`.
fn logit(w: &[f64], b: &[f64], sample: &[f64], class: usize) -> f64 {
    let row = &w[class * FEATURES..(class + 1) * FEATURES];
    row.iter().zip(sample).map(|(w, x)| w * x).sum::<f64>() + b[class]
}

/// `log(sum_k exp(z_k))` over the logits of one sample, shifted by the
/// largest logit for stability.
///
/// The logits are recomputed rather than collected in a `[f64; CLASSES]`:
/// this Enzyme cannot deduce the type of the `memcpy` that returns such an
/// array by value.
fn log_sum_exp(w: &[f64], b: &[f64], sample: &[f64]) -> f64 {
    // An `if` rather than `f64::max`: this Enzyme cannot differentiate it.
    let mut max = logit(w, b, sample, 0);
    for class in 1..CLASSES {
        let z = logit(w, b, sample, class);
        if z > max {
            max = z;
        }
    }
    let mut sum = 0.0;
    for class in 0..CLASSES {
        sum += (logit(w, b, sample, class) - max).exp();
    }
    sum.ln() + max
}

/// The model's parameters as slices.
fn storage(model: &Model) -> (&[f64], &[f64]) {
    (&model.w, &model.b)
}

/// Mean cross-entropy of the softmax classifier, plus an L2 penalty.
#[autodiff_reverse(d_loss, Duplicated, Const, Const, Active)]
fn loss(model: &Model, x: &Array2<f64>, labels: &[usize]) -> f64 {
    let (w, b) = storage(model);
    let samples = x.as_slice().expect("the data is in standard layout");
    let mut total = 0.0;
    for (sample, &label) in samples.chunks_exact(FEATURES).zip(labels) {
        total += log_sum_exp(w, b, sample) - logit(w, b, sample, label);
    }
    let penalty = 0.5 * LAMBDA * w.iter().map(|w| w * w).sum::<f64>();
    #[allow(clippy::cast_precision_loss, reason = "the sample count is small")]
    let n = labels.len() as f64;
    total / n + penalty
}

/// The gradient of [`loss`] in closed form: `(P - Y)^T X / n + lambda W` for
/// the weights and the column sums of `P - Y` over `n` for the bias.
fn closed_form_gradient(model: &Model, data: &Data) -> Model {
    #[allow(clippy::cast_precision_loss, reason = "the sample count is small")]
    let n = data.labels.len() as f64;
    let mut grad = Model {
        w: model.w.iter().map(|w| w * LAMBDA).collect(),
        b: vec![0.0; CLASSES],
    };
    let (w, b) = storage(model);
    for (sample, &label) in data.x.rows().into_iter().zip(&data.labels) {
        let sample = sample.as_slice().expect("rows are contiguous");
        let shift = log_sum_exp(w, b, sample);
        for class in 0..CLASSES {
            let p =
                (logit(w, b, sample, class) - shift).exp() - if class == label { 1.0 } else { 0.0 };
            let row = &mut grad.w[class * FEATURES..(class + 1) * FEATURES];
            for (g, x) in row.iter_mut().zip(sample) {
                *g += p * x / n;
            }
            grad.b[class] += p / n;
        }
    }
    grad
}

/// Three clusters, centred on three corners of a cube in the first three
/// features; the fourth feature is noise.
fn make_data(rng: &mut Rng) -> Data {
    let centres = [
        [2.0, 0.0, 0.0, 0.0],
        [0.0, 2.0, 0.0, 0.0],
        [0.0, 0.0, 2.0, 0.0],
    ];
    let mut x = Array2::zeros((CLASSES * PER_CLASS, FEATURES));
    let mut labels = Vec::with_capacity(CLASSES * PER_CLASS);
    for (index, mut row) in x.rows_mut().into_iter().enumerate() {
        let label = index % CLASSES;
        for (value, centre) in row.iter_mut().zip(centres[label]) {
            *value = centre + 0.6 * rng.normal();
        }
        labels.push(label);
    }
    Data { x, labels }
}

/// The fraction of samples whose largest logit is their label's.
fn accuracy(model: &Model, data: &Data) -> f64 {
    let (w, b) = storage(model);
    let correct = data
        .x
        .rows()
        .into_iter()
        .zip(&data.labels)
        .filter(|(sample, label)| {
            let sample = sample.as_slice().expect("rows are contiguous");
            let own = logit(w, b, sample, **label);
            (0..CLASSES).all(|class| logit(w, b, sample, class) <= own)
        })
        .count();
    #[allow(clippy::cast_precision_loss, reason = "the sample count is small")]
    let fraction = correct as f64 / data.labels.len() as f64;
    fraction
}

/// The largest difference between two models' floats, relative to the larger
/// of 1 and the largest float.
fn relative_difference(a: &Model, b: &Model) -> f64 {
    let (mut scale, mut difference) = (1.0_f64, 0.0_f64);
    // Both models' leaves side by side, one array at a time.
    Model::zip_floats([a, b], [], &mut |lanes| {
        lanes.for_each(|[x, y], []| {
            scale = scale.max(x.abs());
            difference = difference.max((x - y).abs());
        });
    });
    difference / scale
}

fn main() -> ExitCode {
    const STEPS: usize = 400;
    let mut rng = Rng::new(2024);
    let data = make_data(&mut rng);
    let mut model = Model {
        w: (0..CLASSES * FEATURES)
            .map(|_| 0.01 * rng.normal())
            .collect(),
        b: vec![0.0; CLASSES],
    };

    #[cfg(feature = "gradcheck")]
    autodiff_safe_examples::gradchecked(gradcheck_d_loss(
        &model,
        &mut make_zero(&model),
        &data.x,
        &data.labels,
        1.0,
    ));

    // The checked gradient against the closed form.
    let mut grad = make_zero(&model);
    let initial = d_loss(&model, &mut grad, &data.x, &data.labels, 1.0);
    let error = relative_difference(&grad, &closed_form_gradient(&model, &data));
    let tolerance = if cfg!(feature = "enzyme") {
        1e-12
    } else {
        1e-6
    };
    println!("initial loss {initial:.4}; gradient vs closed form: relative error {error:.1e}");
    if error > tolerance {
        eprintln!("error: the gradient differs from the closed form by more than {tolerance:e}");
        return ExitCode::FAILURE;
    }

    let mut descent = Momentum::new(&model, 0.5, 0.9);
    let mut progress = Progress::new("training", STEPS);
    let mut value = initial;
    for step in 1..=STEPS {
        // Reverse mode adds into the shadow: start from zero, in place.
        set_zero(&mut grad);
        value = d_loss(&model, &mut grad, &data.x, &data.labels, 1.0);
        descent.step(&mut model, &grad);
        progress.update(step, value);
    }
    progress.finish();
    let fraction = accuracy(&model, &data);
    println!(
        "after {STEPS} steps: loss {value:.4}, training accuracy {:.1}%",
        100.0 * fraction
    );
    let w = ArrayView2::from_shape((CLASSES, FEATURES), &model.w)
        .expect("the weights have CLASSES * FEATURES entries");
    println!("W =\n{w:.3}\nb = {:.3?}", model.b);
    if fraction < 0.95 || value > 0.2 {
        eprintln!("error: training did not converge (accuracy < 95% or loss > 0.2)");
        return ExitCode::FAILURE;
    }

    // A shadow that does not match is refused before anything is written.
    println!("\nshadows that do not match the model:");
    // One class too few: the weights' lengths differ.
    let mut short = Model {
        w: vec![0.0; (CLASSES - 1) * FEATURES],
        b: vec![0.0; CLASSES],
    };
    // The right lengths but less capacity than the primal's: a derivative
    // that may write the model needs at least the primal's capacity.
    model.w.reserve_exact(FEATURES);
    let mut tight = Model {
        w: vec![0.0; CLASSES * FEATURES],
        b: vec![0.0; CLASSES],
    };
    let mut refused = 0;
    for shadow in [&mut short, &mut tight] {
        match try_d_step(&mut model, shadow) {
            Err(error) => {
                println!("  refused: {error}");
                refused += 1;
            }
            Ok(()) => println!("  accepted a wrong shadow"),
        }
    }
    let untouched = short.w.iter().chain(&tight.w).all(|&x| x == 0.0);
    if refused != 2 || !untouched {
        eprintln!("error: a wrong shadow was accepted or written");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// A forward-mode derivative with the model behind `&mut`, for the capacity
/// check: `model.w[0] *= 1` changes nothing, but the model may be written.
#[autodiff_safe::autodiff_forward(d_step, Dual)]
fn step(model: &mut Model) {
    model.w[0] *= 1.0;
}
