//! Deriving and using every macro under the strictest lints: the generated
//! code must add no warning, no needless qualification and no pedantic clippy
//! lint to a user's crate. This file is both a compile-pass case
//! (`tests/pass/lints.rs`, built by rustc) and an integration test
//! (`tests/lints.rs`, linted by `cargo clippy --all-targets`); the two copies
//! must stay identical.

#![cfg_attr(feature = "enzyme", feature(autodiff))]
#![deny(warnings, unused_qualifications, clippy::pedantic)]

use std::marker::PhantomData;

use autodiff_safe::{ShadowCheck, autodiff, autodiff_forward, autodiff_reverse, make_zero};

/// A two-layer model.
#[derive(ShadowCheck, Clone, Debug, PartialEq)]
pub struct Model {
    /// Weights.
    pub w: Vec<f64>,
    /// Bias.
    pub b: f64,
    /// Output head.
    pub head: Head,
    /// A name, never differentiated.
    // SAFETY: no derivative reads or writes the name's shadow.
    #[shadow(unsafe(skip))]
    pub name: String,
}

/// An output head.
#[derive(ShadowCheck, Clone, Debug, PartialEq)]
pub enum Head {
    /// `w * y`.
    Linear {
        /// Slope.
        w: f64,
    },
    /// A polynomial in `y`.
    Poly(Vec<f64>),
    /// The identity.
    Identity,
}

/// A generic, tuple-shaped wrapper.
#[derive(ShadowCheck)]
pub struct Tagged<T, Tag>(pub Vec<T>, pub PhantomData<Tag>);

/// An uninhabited type.
#[derive(ShadowCheck)]
pub enum Never {}

/// The model's prediction.
#[autodiff_reverse(d_predict, Duplicated, Const, Active)]
#[must_use]
pub fn predict(model: &Model, x: &[f64]) -> f64 {
    let y = model.w.iter().zip(x).map(|(w, x)| w * x).sum::<f64>() + model.b;
    match &model.head {
        Head::Linear { w } => w * y,
        Head::Poly(coefficients) => coefficients.iter().rev().fold(0.0, |acc, c| acc * y + c),
        Head::Identity => y,
    }
}

/// `x^2 + y`, by value.
#[autodiff(d_bowl, Reverse, Active, Active, Active)]
#[must_use]
pub fn bowl(x: f64, y: f64) -> f64 {
    x * x + y
}

/// Scales `y` in place.
#[autodiff_forward(d_scale, Dual, Const)]
pub fn scale(y: &mut [f64], factor: f64) {
    for value in y {
        *value *= factor;
    }
}

/// Adds `x` into `acc`, returning nothing.
#[autodiff_reverse(d_accumulate, Duplicated, Duplicated)]
pub fn accumulate(acc: &mut [f64], x: &[f64]) {
    for (acc, x) in acc.iter_mut().zip(x) {
        *acc += 3.0 * x;
    }
}

/// `sin` with two tangents at once.
#[autodiff_forward(d_sin, 2, Dual, Dual)]
#[must_use]
pub fn sin(x: f64) -> f64 {
    x.sin()
}

impl Model {
    /// The bias, as a method.
    #[autodiff_reverse(d_bias, Duplicated, Active)]
    #[must_use]
    pub fn bias(&self) -> f64 {
        self.b
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + b.abs())
}

fn run() {
    let model = Model {
        w: vec![0.5, -1.0],
        b: 0.25,
        head: Head::Linear { w: 2.0 },
        name: "tiny".to_owned(),
    };
    let x = [2.0, 1.0];
    let mut grad = make_zero(&model);
    let value = d_predict(&model, &mut grad, &x, 1.0);
    assert!(close(value, 0.5), "{value}");
    assert!(close(grad.w[0], 4.0) && close(grad.w[1], 2.0) && close(grad.b, 2.0));
    assert_eq!(grad.name, "tiny");
    let mut wrong = make_zero(&model);
    wrong.head = Head::Identity;
    let error = try_d_predict(&model, &mut wrong, &x, 1.0).unwrap_err();
    assert_eq!(
        error.to_string(),
        "d_predict: shadow `dmodel_0` does not match its primal `model` at `model.head`: \
         primal is variant `Linear`, shadow is variant `Identity`"
    );

    let (value, dx, dy) = d_bowl(3.0, 1.0, 1.0);
    assert!(close(value, 10.0) && close(dx, 6.0) && close(dy, 1.0));

    let mut y = [1.0, 2.0];
    let mut by = [1.0, 1.0];
    d_scale(&mut y, &mut by, 2.0);
    assert!(close(by[0], 2.0) && close(by[1], 2.0));

    // The seed of `acc`'s final value flows back to `acc` (1) and to `x` (3).
    let mut acc = [0.0, 0.0];
    let mut dacc = [1.0, 0.0];
    let mut dx = [0.0, 0.0];
    d_accumulate(&mut acc, &mut dacc, &[1.0, 2.0], &mut dx);
    assert!(close(dacc[0], 1.0) && close(dacc[1], 0.0));
    assert!(close(dx[0], 3.0) && close(dx[1], 0.0));

    let [value, first, second] = d_sin(0.0, 1.0, 2.0);
    assert!(close(value, 0.0) && close(first, 1.0) && close(second, 2.0));

    let mut dself = make_zero(&model);
    assert!(close(model.d_bias(&mut dself, 1.0), 0.25) && close(dself.b, 1.0));

    let tagged: Tagged<f64, Never> = Tagged(vec![1.0], PhantomData);
    assert!(autodiff_safe::check(&tagged, &make_zero(&tagged)).is_ok());
}

#[test]
fn generated_code_is_lint_clean() {
    run();
}

fn main() {
    run();
}
