#![cfg_attr(feature = "enzyme", feature(autodiff))]
//! A model made of enum variants: a piecewise function on `[0, 3)` whose
//! segments each have their own kind of head, a straight line
//! (`Head::Linear { w, b }`) or a parabola (`Head::Quadratic(coefficients)`).
//!
//! `#[derive(ShadowCheck)]` on the enum makes a shadow check the variant, as
//! well as every length inside it. For Enzyme a shadow of another variant is
//! memory of another layout: it reads a pointer where the primal has a float.
//! `autodiff_safe` refuses it, naming the path (`model.heads[1]`) and both
//! variants, as the end of the output shows.
//!
//! Run it on stable Rust, with finite differences standing in for Enzyme:
//!
//! ```text
//! cargo run --release --example enum_model
//! ```
//!
//! or with real Enzyme on nightly:
//!
//! ```text
//! RUSTFLAGS=-Zautodiff=Enable cargo +nightly run --profile enzyme \
//!     -p autodiff-safe-examples --features enzyme --example enum_model
//! ```
//!
//! With `--features gradcheck` (`-p autodiff-safe-examples`), it first
//! gradchecks `d_loss` at the starting model and at the true curve: in the
//! Enzyme tier, every head's coefficients against finite differences.

use std::process::ExitCode;

use autodiff_safe::{ShadowCheck, autodiff_reverse, make_zero, set_zero};
use autodiff_safe_examples::{Momentum, Progress, Rng};

/// The head of one segment, a function of the position `t` in `[0, 1)`
/// within the segment.
#[derive(ShadowCheck, Debug, Clone, PartialEq)]
enum Head {
    /// `w t + b`.
    Linear { w: f64, b: f64 },
    /// `c[0] + c[1] t + c[2] t^2 + ...`.
    Quadratic(Vec<f64>),
}

impl Head {
    fn eval(&self, t: f64) -> f64 {
        match self {
            Head::Linear { w, b } => w * t + b,
            Head::Quadratic(c) => c.iter().rev().fold(0.0, |acc, c| acc * t + c),
        }
    }
}

/// Segment `k` covers `[k, k + 1)` and is computed by `heads[k]`.
#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Piecewise {
    heads: Vec<Head>,
}

impl Piecewise {
    fn eval(&self, x: f64) -> f64 {
        // The segment index is data, not a float to differentiate (`as`
        // saturates negative `x` to segment 0).
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "the integer part of x is a small segment index"
        )]
        let (k, start) = {
            let k = (x as usize).min(self.heads.len() - 1);
            (k, k as f64)
        };
        self.heads[k].eval(x - start)
    }
}

/// Mean squared error of `model` on the points `(xs[i], ys[i])`.
#[autodiff_reverse(d_loss, Duplicated, Const, Const, Active)]
fn loss(model: &Piecewise, xs: &[f64], ys: &[f64]) -> f64 {
    let mut total = 0.0;
    for (x, y) in xs.iter().zip(ys) {
        let error = model.eval(*x) - y;
        total += error * error;
    }
    #[allow(clippy::cast_precision_loss, reason = "point counts are small")]
    let count = ys.len() as f64;
    total / count
}

fn main() -> ExitCode {
    const POINTS: usize = 150;
    const STEPS: usize = 1500;

    // The curve to recover: a ramp, a bump, a slope down.
    let truth = Piecewise {
        heads: vec![
            Head::Linear { w: 1.0, b: 0.2 },
            Head::Quadratic(vec![1.2, 0.5, -1.5]),
            Head::Linear { w: -0.4, b: 0.3 },
        ],
    };
    let mut rng = Rng::new(2024);
    let xs: Vec<f64> = (0..POINTS).map(|_| rng.uniform(0.0, 3.0)).collect();
    let ys: Vec<f64> = xs
        .iter()
        .map(|x| truth.eval(*x) + 0.05 * rng.normal())
        .collect();

    // Start from flat heads of the right kinds.
    let mut model = Piecewise {
        heads: vec![
            Head::Linear { w: 0.0, b: 0.0 },
            Head::Quadratic(vec![0.0; 3]),
            Head::Linear { w: 0.0, b: 0.0 },
        ],
    };
    // Gradchecks: where training starts, and at the truth, where the
    // gradient is the noise's.
    #[cfg(feature = "gradcheck")]
    for at in [&model, &truth] {
        autodiff_safe_examples::gradchecked(gradcheck_d_loss(
            at,
            &mut make_zero(at),
            &xs,
            &ys,
            1.0,
        ));
    }
    let mut grad = make_zero(&model);
    let mut descent = Momentum::new(&model, 0.1, 0.9);
    let initial = loss(&model, &xs, &ys);
    let mut progress = Progress::new("fitting", STEPS);
    for step in 1..=STEPS {
        set_zero(&mut grad);
        let value = d_loss(&model, &mut grad, &xs, &ys, 1.0);
        descent.step(&mut model, &grad);
        progress.update(step, value);
    }
    progress.finish();
    let fitted = loss(&model, &xs, &ys);
    println!("loss: initial {initial:.4e}, final {fitted:.4e} (noise variance 2.5e-3)");
    for (k, (got, want)) in model.heads.iter().zip(&truth.heads).enumerate() {
        println!("segment {k}: fitted {got:.3?}\n           truth  {want:.3?}");
    }
    let close = model
        .heads
        .iter()
        .zip(&truth.heads)
        .all(|(got, want)| match (got, want) {
            (Head::Linear { w, b }, Head::Linear { w: w0, b: b0 }) => {
                (w - w0).abs() < 0.1 && (b - b0).abs() < 0.1
            }
            (Head::Quadratic(c), Head::Quadratic(c0)) => {
                c.iter().zip(c0).all(|(c, c0)| (c - c0).abs() < 0.25)
            }
            _ => false,
        });

    // A shadow whose second head is another variant: refused, nothing runs.
    let mut wrong = make_zero(&model);
    wrong.heads[1] = Head::Linear { w: 0.0, b: 0.0 };
    let variant = try_d_loss(&model, &mut wrong, &xs, &ys, 1.0).err();
    // The right variant with a coefficient missing: refused too.
    let mut short = make_zero(&model);
    short.heads[1] = Head::Quadratic(vec![0.0; 2]);
    let length = try_d_loss(&model, &mut short, &xs, &ys, 1.0).err();
    for error in variant.iter().chain(&length) {
        println!("refused: {error}");
    }
    let refused_ok = variant.is_some_and(|e| {
        e.to_string()
            == "d_loss: shadow `dmodel_0` does not match its primal `model` at `model.heads[1]`: \
                primal is variant `Quadratic`, shadow is variant `Linear`"
    }) && length.is_some_and(|e| {
        e.to_string()
            == "d_loss: shadow `dmodel_0` does not match its primal `model` at \
                `model.heads[1].Quadratic.0`: primal has length 3, shadow has length 2"
    });

    if fitted > 0.05 * initial || !close {
        eprintln!("error: the fit did not converge to the true curve");
        return ExitCode::FAILURE;
    }
    if !refused_ok {
        eprintln!("error: a mismatched shadow was not refused with the expected message");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
