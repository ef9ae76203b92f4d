//! The Enzyme tier, for the positions that need a block attribute: each
//! construct is written twice, under autodiff-safe's attributes and under
//! std's, and the results must agree bit for bit.
//!
//! `RUSTFLAGS=-Zautodiff=Enable cargo +nightly test --profile enzyme -p autodiff-safe --features enzyme --test enzyme_positions_bit_equality`
#![cfg(feature = "enzyme")]
#![feature(autodiff)]
#![allow(
    clippy::float_cmp,
    reason = "bit-identical results are the point of this file"
)]

use std::ops::Mul;

fn bits(values: &[f64]) -> Vec<u64> {
    values.iter().map(|v| v.to_bits()).collect()
}

// ---- receiver-less associated functions

struct Safe;
struct Raw;

#[autodiff_safe::autodiff_impl]
impl Safe {
    #[autodiff_safe::autodiff_reverse(d_loss, Duplicated, Active)]
    fn loss(w: &[f64]) -> f64 {
        w.iter().map(|v| v.sin() * v).sum()
    }
}

impl Raw {
    #[std::autodiff::autodiff_reverse(d_loss, Duplicated, Active)]
    fn loss(w: &[f64]) -> f64 {
        w.iter().map(|v| v.sin() * v).sum()
    }
}

#[test]
fn associated_function_without_receiver() {
    let w = [0.3, -1.2, 2.5];
    let (mut a, mut b) = ([0.0; 3], [0.0; 3]);
    let ya = Safe::d_loss(&w, &mut a, 1.0);
    let yb = Raw::d_loss(&w, &mut b, 1.0);
    assert_eq!((ya.to_bits(), bits(&a)), (yb.to_bits(), bits(&b)));
}

// ---- bodiless trait methods: a provided derivative per implementor

#[autodiff_safe::autodiff_trait]
trait SafeEnergy {
    #[autodiff_safe::autodiff_reverse(d_energy, Const, Active, Active)]
    fn energy(&self, x: f64) -> f64;
}

trait RawEnergy {
    #[std::autodiff::autodiff_reverse(d_energy, Const, Active, Active)]
    fn energy(&self, x: f64) -> f64;
}

struct Spring(f64);

impl SafeEnergy for Spring {
    fn energy(&self, x: f64) -> f64 {
        self.0 * x.exp() * x
    }
}

impl RawEnergy for Spring {
    fn energy(&self, x: f64) -> f64 {
        self.0 * x.exp() * x
    }
}

#[test]
fn bodiless_trait_method() {
    let spring = Spring(1.5);
    let a = SafeEnergy::d_energy(&spring, 0.7, 1.0);
    let b = RawEnergy::d_energy(&spring, 0.7, 1.0);
    assert_eq!(bits(&[a.0, a.1]), bits(&[b.0, b.1]));
}

// ---- trait impls: the trait declares the derivative

trait Curve {
    fn f(&self, x: f64) -> f64;
    fn df(&self, x: f64, seed: f64) -> (f64, f64);
}

struct SafeCurve(f64);
struct RawCurve(f64);

#[autodiff_safe::autodiff_impl]
impl Curve for SafeCurve {
    #[autodiff_safe::autodiff_reverse(df, Const, Active, Active)]
    fn f(&self, x: f64) -> f64 {
        self.0 * (x * x - 1.0 - 2.0 * x.ln())
    }
}

impl Curve for RawCurve {
    #[std::autodiff::autodiff_reverse(df, Const, Active, Active)]
    fn f(&self, x: f64) -> f64 {
        self.0 * (x * x - 1.0 - 2.0 * x.ln())
    }
}

#[test]
fn trait_impl_method() {
    let a = SafeCurve(0.25).df(1.7, 1.0);
    let b = RawCurve(0.25).df(1.7, 1.0);
    assert_eq!(bits(&[a.0, a.1]), bits(&[b.0, b.1]));
}

// ---- generic float returns

#[autodiff_safe::autodiff_reverse(d_square, Duplicated, Active)]
fn square<T: Mul<Output = T> + Copy>(x: &T) -> T {
    *x * *x
}

#[std::autodiff::autodiff_reverse(raw_d_square, Duplicated, Active)]
fn square_raw<T: Mul<Output = T> + Copy>(x: &T) -> T {
    *x * *x
}

#[test]
fn generic_float_return() {
    let (mut a, mut b) = (0.0_f64, 0.0_f64);
    let ya = d_square(&1.3_f64, &mut a, 1.0);
    let yb = raw_d_square(&1.3_f64, &mut b, 1.0);
    assert_eq!(bits(&[ya, a]), bits(&[yb, b]));
}
