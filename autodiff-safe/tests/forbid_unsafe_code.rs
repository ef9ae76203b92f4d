//! A crate that forbids `unsafe` code can use every macro without an opt-out:
//! the generated code's own `unsafe` (the Enzyme backend's raw call and
//! moved by-value tangents, the derive's `unsafe impl`) is spanned by the
//! macro, which `unsafe_code` does not report; only a user's `unsafe(..)`
//! is (`ui-tests/tests/ui/soundness/*-unsafe-code.rs`). Free functions,
//! inherent methods, a trait's provided and bodiless methods and a trait
//! impl, in both modes, on both tiers.

#![cfg_attr(feature = "enzyme", feature(autodiff))]
#![forbid(unsafe_code)]
#![allow(
    clippy::float_cmp,
    reason = "every value here is exact in binary floating point"
)]

use autodiff_safe::{
    ShadowCheck, autodiff_forward, autodiff_impl, autodiff_reverse, autodiff_trait,
};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

#[derive(ShadowCheck, Clone, Debug, PartialEq)]
struct Model {
    w: Vec<f64>,
    b: f64,
}

#[autodiff_reverse(d_free, Duplicated, Active)]
#[autodiff_forward(f_free, Dual, Dual)]
fn free(m: &Model) -> f64 {
    m.w.iter().map(|w| w * w).sum::<f64>() + m.b
}

/// A by-value `Dual` argument that is not a float: the Enzyme backend
/// moves it through a `ManuallyDrop` in its own `unsafe`.
#[autodiff_forward(f_by_value, Dual, Dual)]
fn by_value(m: Model) -> f64 {
    let Model { w, b } = m;
    w[0] * b
}

struct Plain(f64);

impl Plain {
    #[autodiff_reverse(d_scaled, Const, Active, Active)]
    fn scaled(&self, x: f64) -> f64 {
        self.0 * x * x
    }
}

#[autodiff_impl]
impl Model {
    #[autodiff_reverse(d_norm, Duplicated, Active)]
    fn norm(&self) -> f64 {
        self.w.iter().map(|w| w * w).sum()
    }
}

#[autodiff_trait]
trait Energy {
    #[autodiff_reverse(d_energy, Const, Active, Active)]
    fn energy(&self, x: f64) -> f64;

    #[autodiff_forward(f_doubled, Const, Dual, Dual)]
    fn doubled(&self, x: f64) -> f64 {
        2.0 * self.energy(x)
    }
}

struct Spring(f64);

impl Energy for Spring {
    fn energy(&self, x: f64) -> f64 {
        self.0 * x * x
    }
}

trait Curve {
    fn f(&self, x: f64) -> f64;
    fn df(&self, x: f64, seed: f64) -> (f64, f64);
}

#[autodiff_impl]
impl Curve for Spring {
    #[autodiff_reverse(df, Const, Active, Active)]
    fn f(&self, x: f64) -> f64 {
        self.0 * x * x * x
    }
}

#[test]
fn every_position_compiles_and_differentiates_under_forbid_unsafe_code() {
    let m = Model {
        w: vec![1.0, 2.0],
        b: 0.5,
    };
    let mut dm = autodiff_safe::make_zero(&m);
    assert_eq!(d_free(&m, &mut dm, 1.0), 5.5);
    assert!(close(dm.w[0], 2.0) && close(dm.w[1], 4.0) && close(dm.b, 1.0));

    let mut tangent = autodiff_safe::make_zero(&m);
    tangent.w[0] = 1.0;
    assert!(close(f_free(&m, &tangent).1, 2.0));

    let mut moved_tangent = autodiff_safe::make_zero(&m);
    moved_tangent.b = 1.0;
    assert!(close(f_by_value(m.clone(), moved_tangent).1, 1.0));

    let (y, dx) = Plain(3.0).d_scaled(2.0, 1.0);
    assert!(close(y, 12.0) && close(dx, 12.0));

    let mut dn = autodiff_safe::make_zero(&m);
    assert_eq!(m.d_norm(&mut dn, 1.0), 5.0);
    assert!(close(dn.w[1], 4.0));

    let spring = Spring(0.5);
    assert!(close(spring.d_energy(2.0, 1.0).1, 2.0));
    assert!(close(spring.f_doubled(2.0, 1.0).1, 4.0));
    assert!(close(spring.df(2.0, 1.0).1, 6.0));
}
