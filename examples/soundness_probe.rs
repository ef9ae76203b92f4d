//! The soundness evidence, run under valgrind by `tests/soundness_valgrind.rs`
//! in the Enzyme tier.
//!
//! `raw-short` and `raw-variant` call std's raw derivatives with a shadow that
//! is too short and a shadow of another enum variant: memory errors that
//! valgrind reports, proving the hole is real. `safe-short` and
//! `safe-variant` pass the same inputs to autodiff-safe's `d_f` and `try_d_f`,
//! which refuse them before Enzyme's code runs; `safe-trait-short` does the
//! same through a provided trait method's checked derivative.
//!
//! ```text
//! RUSTFLAGS=-Zautodiff=Enable cargo +nightly build --profile enzyme -p autodiff-safe-examples --features enzyme --bin soundness-probe
//! valgrind target/enzyme/soundness-probe raw-short
//! ```
#![feature(autodiff)]
#![allow(
    clippy::cast_precision_loss,
    reason = "the weights are small indices, exact in f64"
)]

use std::process::ExitCode;

use autodiff_safe::ShadowCheck;

#[std::autodiff::autodiff_reverse(raw_d_weighted_sum, Duplicated, Active)]
fn weighted_sum_raw(x: &[f64]) -> f64 {
    x.iter()
        .enumerate()
        .map(|(i, v)| (i as f64 + 1.0) * v * v)
        .sum()
}

#[autodiff_safe::autodiff_reverse(d_weighted_sum, Duplicated, Active)]
fn weighted_sum(x: &[f64]) -> f64 {
    x.iter()
        .enumerate()
        .map(|(i, v)| (i as f64 + 1.0) * v * v)
        .sum()
}

#[derive(ShadowCheck, Debug)]
enum Curve {
    Linear(f64),
    Poly(Vec<f64>),
}

#[std::autodiff::autodiff_reverse(raw_d_curve, Duplicated, Const, Active)]
fn curve_raw(c: &Curve, x: f64) -> f64 {
    match c {
        Curve::Linear(slope) => slope * x,
        Curve::Poly(coeffs) => coeffs.iter().rev().fold(0.0, |acc, c| acc * x + c),
    }
}

#[autodiff_safe::autodiff_reverse(d_curve, Duplicated, Const, Active)]
fn curve(c: &Curve, x: f64) -> f64 {
    match c {
        Curve::Linear(slope) => slope * x,
        Curve::Poly(coeffs) => coeffs.iter().rev().fold(0.0, |acc, c| acc * x + c),
    }
}

/// A provided trait method: its raw derivative is nested in the checked
/// `d_loss`, generic over the implementor, so only `d_loss` can call it.
mod model {
    #[autodiff_safe::autodiff_trait]
    pub trait Loss {
        #[autodiff_safe::autodiff_reverse(d_loss, Const, Duplicated, Active)]
        fn loss(&self, x: &[f64]) -> f64 {
            x.iter().map(|v| v * v).sum()
        }
    }

    pub struct M;

    impl Loss for M {}
}

fn primal() -> Vec<f64> {
    vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
}

fn main() -> ExitCode {
    let mode = std::env::args().nth(1).unwrap_or_default();
    // Each shadow is a separate heap block, so that a write past its end
    // lands outside any block valgrind knows to be ours.
    match mode.as_str() {
        "raw-short" => {
            let x = primal();
            let mut dx = vec![0.0; 2];
            let value = raw_d_weighted_sum(&x, &mut dx, 1.0);
            println!("raw: value {value}, shadow {dx:?} (8 gradients written into 2 slots)");
        }
        "raw-variant" => {
            let c = Curve::Poly(vec![1.0, 2.0, 3.0]);
            let mut dc = Curve::Linear(0.0);
            let value = raw_d_curve(&c, &mut dc, 2.0, 1.0);
            println!("raw: value {value}, shadow {dc:?}");
        }
        "safe-short" => {
            let x = primal();
            let mut dx = vec![0.0; 2];
            let error = try_d_weighted_sum(&x, &mut dx, 1.0).err();
            let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                d_weighted_sum(&x, &mut dx, 1.0)
            }))
            .is_err();
            match error {
                Some(error) if refused && dx == [0.0, 0.0] => println!("refused: {error}"),
                _ => return ExitCode::FAILURE,
            }
        }
        "safe-variant" => {
            let c = Curve::Poly(vec![1.0, 2.0, 3.0]);
            let mut dc = Curve::Linear(0.0);
            let error = try_d_curve(&c, &mut dc, 2.0, 1.0).err();
            let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                d_curve(&c, &mut dc, 2.0, 1.0)
            }))
            .is_err();
            match error {
                Some(error) if refused && matches!(dc, Curve::Linear(0.0)) => {
                    println!("refused: {error}");
                }
                _ => return ExitCode::FAILURE,
            }
        }
        "safe-trait-short" => {
            use model::Loss;
            let x = primal();
            let mut dx = vec![0.0; 1];
            let error = model::M.try_d_loss(&x, &mut dx, 1.0).err();
            let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                model::M.d_loss(&x, &mut dx, 1.0)
            }))
            .is_err();
            match error {
                Some(error) if refused && dx == [0.0] => println!("refused: {error}"),
                _ => return ExitCode::FAILURE,
            }
        }
        _ => {
            eprintln!(
                "usage: soundness-probe raw-short | raw-variant | safe-short | safe-variant | \
                 safe-trait-short"
            );
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
