#![cfg_attr(feature = "enzyme", feature(autodiff))]
//! Backpropagation through a small multilayer perceptron.
//!
//! The model is a plain struct of layers of `Vec<f64>` weights and biases
//! with `#[derive(ShadowCheck)]`. `#[autodiff_reverse]` turns the loss into
//! `d_loss`, which adds the gradient of the loss with respect to every weight
//! into a second model of the same shape, the *shadow*. Before it reads or
//! writes anything, `d_loss` checks that the shadow really has that shape:
//! the last lines of the output show a shadow with a missing bias refused.
//!
//! The network learns `f(x, y) = sin(2x) cos(1.5y)` from 256 noisy samples,
//! by minibatch gradient descent with momentum. The update is one structural
//! `zip_map` over the model, its gradient and its velocity, which checks
//! their structures first: the output also shows a gradient with a missing
//! weight refused by the update, with its path.
//!
//! Run it on stable Rust, with finite differences standing in for Enzyme:
//!
//! ```text
//! cargo run --release --example backprop
//! ```
//!
//! or with real Enzyme on nightly:
//!
//! ```text
//! RUSTFLAGS=-Zautodiff=Enable cargo +nightly run --profile enzyme \
//!     -p autodiff-safe-examples --features enzyme --example backprop
//! ```
//!
//! With `--features gradcheck` (`-p autodiff-safe-examples`), it first
//! gradchecks `d_loss`: in the Enzyme tier, against finite differences.

use std::process::ExitCode;

use autodiff_safe::{
    FloatTree, Lanes, ShadowCheck, ShadowError, autodiff_reverse, make_zero, set_zero, zip_map,
};
use autodiff_safe_examples::{Progress, Rng};

/// A dense layer: `outputs` neurons, each with `inputs` weights (row-major in
/// `w`) and a bias. The sizes are not stored: they are the lengths of `b` and
/// `w`, which is exactly what `ShadowCheck` compares.
#[derive(ShadowCheck)]
struct Layer {
    w: Vec<f64>,
    b: Vec<f64>,
}

/// A multilayer perceptron with two hidden layers of rectified linear units
/// and a linear output layer.
#[derive(ShadowCheck)]
struct Mlp {
    layers: [Layer; 3],
}

/// Input features per sample.
const INPUTS: usize = 2;

impl Layer {
    /// He initialisation: weights ~ N(0, 2 / inputs), biases 0.
    fn new(inputs: usize, outputs: usize, rng: &mut Rng) -> Self {
        #[allow(
            clippy::cast_precision_loss,
            reason = "layer widths are small integers"
        )]
        let scale = (2.0 / inputs as f64).sqrt();
        Layer {
            w: (0..inputs * outputs)
                .map(|_| scale * rng.normal())
                .collect(),
            b: vec![0.0; outputs],
        }
    }

    /// `w x + b`, rectified (`max(z, 0)`) unless this is the output layer.
    fn apply(&self, x: &[f64], relu: bool) -> Vec<f64> {
        let inputs = x.len();
        let mut out = vec![0.0; self.b.len()];
        for (o, out) in out.iter_mut().enumerate() {
            let mut z = 0.0;
            for (i, x) in x.iter().enumerate() {
                z += self.w[o * inputs + i] * x;
            }
            z += self.b[o];
            // ReLU as an `if`: this Enzyme cannot differentiate `f64::max`.
            *out = if relu && z < 0.0 { 0.0 } else { z };
        }
        out
    }
}

impl Mlp {
    /// A network `inputs`-`hidden`-`hidden`-1.
    fn new(inputs: usize, hidden: usize, rng: &mut Rng) -> Self {
        Mlp {
            layers: [
                Layer::new(inputs, hidden, rng),
                Layer::new(hidden, hidden, rng),
                Layer::new(hidden, 1, rng),
            ],
        }
    }
}

/// Mean squared error of `mlp` on the samples `inputs` (`INPUTS` features
/// each, concatenated) with targets `targets`.
///
/// `d_loss(mlp, dmlp_0, inputs, targets, dret)` returns the loss and adds its
/// gradient with respect to every weight and bias into `dmlp_0`; `dret` is
/// the seed of the loss, `1.0`.
#[autodiff_reverse(d_loss, Duplicated, Const, Const, Active)]
fn loss(mlp: &Mlp, inputs: &[f64], targets: &[f64]) -> f64 {
    let [hidden1, hidden2, output] = &mlp.layers;
    let mut total = 0.0;
    for (x, target) in inputs.chunks_exact(INPUTS).zip(targets) {
        // One variable per layer's output: this Enzyme mishandles a loop
        // that replaces one `Vec` by the next.
        let h1 = hidden1.apply(x, true);
        let h2 = hidden2.apply(&h1, true);
        let y = output.apply(&h2, false);
        let error = y[0] - target;
        total += error * error;
    }
    #[allow(clippy::cast_precision_loss, reason = "sample counts are small")]
    let count = targets.len() as f64;
    total / count
}

/// One step of gradient descent with momentum, `v = momentum v - lr g`, then
/// `p += v`, on every weight and bias at once.
///
/// `zip_map` first checks that the gradient and the velocity have the
/// model's structure (every layer, every length), then hands the three
/// models' floats over together, a whole `Vec<f64>` at a time; no field is
/// named, so none can be forgotten. On a mismatch it returns the path to it
/// (`read[0].layers[1].w`: the gradient, in layer 1's weights) and nothing
/// has moved.
fn sgd_momentum(
    mlp: &mut Mlp,
    velocity: &mut Mlp,
    grad: &Mlp,
    learning_rate: f64,
    momentum: f64,
) -> Result<(), ShadowError> {
    zip_map([grad], [mlp, velocity], |lanes| {
        // The model is all `f64`: there are no `f32` lanes to update.
        if let Lanes::F64 {
            read: [g],
            write: [p, v],
        } = lanes
        {
            for ((p, v), g) in p.iter_mut().zip(v.iter_mut()).zip(g) {
                *v = momentum * *v - learning_rate * g;
                *p += *v;
            }
        }
    })
}

/// Gradchecks `d_loss` on the first `BATCH` samples at the initial model:
/// in the Enzyme tier, every weight's and bias's derivative against central
/// differences (a wrong gradient stops the example with the report).
#[cfg(feature = "gradcheck")]
fn gradcheck(mlp: &Mlp, inputs: &[f64], targets: &[f64]) {
    const BATCH: usize = 32;
    autodiff_safe_examples::gradchecked(gradcheck_d_loss(
        mlp,
        &mut make_zero(mlp),
        &inputs[..BATCH * INPUTS],
        &targets[..BATCH],
        1.0,
    ));
}

/// The function the network learns.
fn target(x: f64, y: f64) -> f64 {
    (2.0 * x).sin() * (1.5 * y).cos()
}

fn main() -> ExitCode {
    const SAMPLES: usize = 256;
    const BATCH: usize = 32;
    const STEPS: usize = 2000;
    const LEARNING_RATE: f64 = 0.05;
    const MOMENTUM: f64 = 0.9;

    let mut rng = Rng::new(42);
    let mut inputs = Vec::with_capacity(SAMPLES * INPUTS);
    let mut targets = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let (x, y) = (rng.uniform(-1.5, 1.5), rng.uniform(-1.5, 1.5));
        inputs.extend([x, y]);
        targets.push(target(x, y) + 0.02 * rng.normal());
    }

    let mut mlp = Mlp::new(INPUTS, 12, &mut rng);
    // The gradient and the momentum have the model's exact shape.
    let mut grad = make_zero(&mlp);
    let mut velocity = make_zero(&mlp);
    println!(
        "MLP {INPUTS}-12-12-1, {} parameters, {SAMPLES} samples, batches of {BATCH}",
        mlp.leaf_count()
    );
    #[cfg(feature = "gradcheck")]
    gradcheck(&mlp, &inputs, &targets);

    let initial = loss(&mlp, &inputs, &targets);
    println!("loss on all samples before training: {initial:.4e}");
    let mut batch_inputs = Vec::with_capacity(BATCH * INPUTS);
    let mut batch_targets = Vec::with_capacity(BATCH);
    let mut progress = Progress::new("training", STEPS);
    for step in 1..=STEPS {
        batch_inputs.clear();
        batch_targets.clear();
        for _ in 0..BATCH {
            let i = rng.index(SAMPLES);
            batch_inputs.extend_from_slice(&inputs[i * INPUTS..(i + 1) * INPUTS]);
            batch_targets.push(targets[i]);
        }
        // Reverse mode *adds* into the shadow: reset it before each pass.
        set_zero(&mut grad);
        let batch_loss = d_loss(&mlp, &mut grad, &batch_inputs, &batch_targets, 1.0);
        sgd_momentum(&mut mlp, &mut velocity, &grad, LEARNING_RATE, MOMENTUM)
            .expect("make_zero gives the gradient and the velocity the model's structure");
        progress.update(step, batch_loss);
    }
    progress.finish();
    let fitted = loss(&mlp, &inputs, &targets);
    println!("loss on all samples after training:  {fitted:.4e}");

    // A shadow with one bias too few is refused before anything runs.
    let mut short = make_zero(&mlp);
    short.layers[1].b.pop();
    let refused = try_d_loss(&mlp, &mut short, &inputs, &targets, 1.0);
    let expected = "d_loss: shadow `dmlp_0` does not match its primal `mlp` at `mlp.layers[1].b`: \
                    primal has length 12, shadow has length 11";
    let refused_ok = match refused {
        Err(error) => {
            println!("wrong-sized shadow refused: {error}");
            error.to_string() == expected
        }
        Ok(value) => {
            println!("wrong-sized shadow was accepted (returned {value:?})");
            false
        }
    };

    // The update refuses a gradient of another structure, naming the path,
    // and moves nothing.
    let mut wrong = make_zero(&mlp);
    wrong.layers[1].w.pop();
    let before = loss(&mlp, &inputs, &targets);
    let update = sgd_momentum(&mut mlp, &mut velocity, &wrong, LEARNING_RATE, MOMENTUM);
    let expected = "shadow does not match its primal at `read[0].layers[1].w`: \
                    primal has length 144, shadow has length 143";
    let update_refused_ok = if let Err(error) = update {
        println!("wrong-shaped gradient refused by the update: {error}");
        error.path() == "read[0].layers[1].w"
            && error.to_string() == expected
            && loss(&mlp, &inputs, &targets).to_bits() == before.to_bits()
    } else {
        println!("wrong-shaped gradient was accepted by the update");
        false
    };

    if fitted > 0.05 * initial {
        eprintln!("error: the loss did not fall below 5% of its initial value");
        return ExitCode::FAILURE;
    }
    if !refused_ok {
        eprintln!("error: the wrong-sized shadow was not refused with the expected message");
        return ExitCode::FAILURE;
    }
    if !update_refused_ok {
        eprintln!(
            "error: the update did not refuse the wrong-shaped gradient with the expected path, \
             or moved the model"
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
