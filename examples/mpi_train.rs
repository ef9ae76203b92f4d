#![cfg_attr(feature = "enzyme", feature(autodiff))]
//! The multilayer perceptron of `backprop.rs`, trained data-parallel over
//! MPI: every rank computes the gradient of its own chunks of the batch,
//! `batch::mpi` reduces them by the fixed pairwise tree, and every rank takes
//! the same step. Every rank prints the same loss; `-np 1` and `-np 3` end
//! with bit-identical parameters.
//!
//! ```text
//! cargo build --release -p autodiff-safe-examples --features mpi --example mpi_train
//! mpirun -np 1 target/release/examples/mpi_train            # prints the parameter hash
//! mpirun -np 3 target/release/examples/mpi_train --expect 0x...   # asserts it
//! ```
//!
//! Every rank builds the same model from the same seed and loads every
//! sample; `Batch::over` makes each rank compute only its chunk range.

use std::process::ExitCode;

use autodiff_safe::batch::Batch;
use autodiff_safe::batch::mpi::MpiBatch as _;
use autodiff_safe::batch::mpi::rsmpi;
use autodiff_safe::batch::mpi::rsmpi::traits::{Communicator, CommunicatorCollectives};
use autodiff_safe::{FloatTree, ShadowCheck, autodiff_reverse};
use autodiff_safe_examples::{Momentum, Rng};

/// A dense layer, as in `backprop.rs`.
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

const INPUTS: usize = 2;

impl Layer {
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

/// Squared error of one sample: `Batch` sums (or averages) it.
#[autodiff_reverse(d_loss, Duplicated, Const, Const, Active)]
fn loss(mlp: &Mlp, x: &[f64; INPUTS], target: f64) -> f64 {
    let [hidden1, hidden2, output] = &mlp.layers;
    let h1 = hidden1.apply(x, true);
    let h2 = hidden2.apply(&h1, true);
    let y = output.apply(&h2, false);
    let error = y[0] - target;
    error * error
}

/// A hash of the parameters' bits (FNV-1a over the leaves in order).
fn hash(mlp: &Mlp) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325_u64;
    mlp.visit_floats(&mut |x| {
        for byte in x.to_bits().to_le_bytes() {
            h = (h ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    });
    h
}

fn main() -> ExitCode {
    const SAMPLES: usize = 256;
    const CHUNK: usize = 16;
    const STEPS: usize = 60;

    let Some(universe) = rsmpi::initialize() else {
        eprintln!("error: MPI was already initialised");
        return ExitCode::FAILURE;
    };
    let world = universe.world();
    let rank = world.rank();
    let expect = std::env::args()
        .skip_while(|a| a != "--expect")
        .nth(1)
        .and_then(|h| u64::from_str_radix(h.trim_start_matches("0x"), 16).ok());

    // The same seed on every rank: the same model and samples, bit for bit.
    let mut rng = Rng::new(42);
    let mut samples = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let (x, y) = (rng.uniform(-1.5, 1.5), rng.uniform(-1.5, 1.5));
        samples.push((
            [x, y],
            (2.0 * x).sin() * (1.5 * y).cos() + 0.02 * rng.normal(),
        ));
    }
    let mut mlp = Mlp {
        layers: [
            Layer::new(INPUTS, 12, &mut rng),
            Layer::new(12, 12, &mut rng),
            Layer::new(12, 1, &mut rng),
        ],
    };
    let mut optimizer = Momentum::new(&mlp, 0.05, 0.9);
    let mut first = None;
    let mut last = 0.0;
    for step in 1..=STEPS {
        let result = Batch::new(&mlp, &samples)
            .chunk_size(CHUNK)
            .mean()
            .over(&world)
            .try_gradient(|m, (x, t), dm| try_d_loss(m, dm, x, *t, 1.0));
        let (loss, grad) = match result {
            Ok(result) => result,
            Err(error) => {
                eprintln!("rank {rank}: {error}");
                return ExitCode::FAILURE;
            }
        };
        optimizer.step(&mut mlp, &grad);
        first.get_or_insert(loss);
        last = loss;
        if step % 20 == 0 || step == 1 {
            println!(
                "rank {rank}: step {step:3}: mean loss {loss:.6e} (bits {:#018x})",
                loss.to_bits()
            );
        }
    }

    // Every rank holds the same parameters: compare the hashes.
    let mine = hash(&mlp);
    let size = usize::try_from(world.size()).unwrap_or(1);
    let mut all = vec![0_u64; size];
    world.all_gather_into(&[mine][..], &mut all[..]);
    if all.iter().any(|&h| h != mine) {
        eprintln!("rank {rank}: the ranks hold different parameters: {all:x?}");
        return ExitCode::FAILURE;
    }
    if rank == 0 {
        println!("parameter hash after {STEPS} steps on {size} ranks: {mine:#018x}");
    }
    if let Some(expected) = expect
        && expected != mine
    {
        eprintln!("rank {rank}: parameter hash {mine:#018x}, expected {expected:#018x}");
        return ExitCode::FAILURE;
    }
    if first.is_some_and(|first| last > 0.5 * first) {
        eprintln!("rank {rank}: the loss did not halve: {first:?} -> {last}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
