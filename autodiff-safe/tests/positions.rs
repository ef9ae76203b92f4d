//! Every position std's attribute goes: receiver-less associated functions,
//! trait declarations with and without default bodies, trait impls, and
//! generic float returns, with analytic values.

#![cfg_attr(feature = "enzyme", feature(autodiff))]
#![allow(
    clippy::float_cmp,
    reason = "primal values are exact: the checked derivative returns the primal's own result"
)]

use std::ops::{Add, Mul};

use autodiff_safe::{
    ShadowCheck, autodiff_forward, autodiff_impl, autodiff_reverse, autodiff_trait,
};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

#[derive(ShadowCheck)]
struct Model {
    w: Vec<f64>,
    b: f64,
}

#[autodiff_impl]
impl Model {
    /// Receiver-less, calling another associated function through `Self`.
    #[autodiff_reverse(d_loss, Duplicated, Active)]
    #[autodiff_forward(f_loss, Dual, Dual)]
    fn loss(m: &Model) -> f64 {
        Self::square_norm(&m.w) + m.b * m.b
    }

    fn square_norm(v: &[f64]) -> f64 {
        v.iter().map(|x| x * x).sum()
    }

    /// A method still works inside the block.
    #[autodiff_reverse(d_scaled, Const, Active, Active)]
    fn scaled(&self, s: f64) -> f64 {
        s * self.b
    }
}

#[test]
fn receiver_less_associated_fn_reverse_and_forward() {
    let m = Model {
        w: vec![1.0, 2.0],
        b: 3.0,
    };
    let mut dm = Model {
        w: vec![0.0; 2],
        b: 0.0,
    };
    assert_eq!(Model::d_loss(&m, &mut dm, 1.0), 14.0);
    assert!(close(dm.w[0], 2.0) && close(dm.w[1], 4.0) && close(dm.b, 6.0));
    let tangent = Model {
        w: vec![1.0, 0.0],
        b: 1.0,
    };
    let (y, t) = Model::f_loss(&m, &tangent);
    assert_eq!(y, 14.0);
    assert!(close(t, 8.0), "{t}");
    let short = Model {
        w: vec![0.0],
        b: 0.0,
    };
    let err = Model::try_d_loss(&m, &mut { short }, 1.0).unwrap_err();
    assert_eq!(err.path(), "m.w");
    let (y, ds) = m.d_scaled(2.0, 1.0);
    assert_eq!(y, 6.0);
    assert!(close(ds, 3.0));
}

/// A trait that declares the derivative's primal without a body: every
/// implementor's `energy` is differentiated.
#[autodiff_trait]
trait Energy {
    #[autodiff_reverse(d_energy, Const, Active, Active)]
    fn energy(&self, x: f64) -> f64;

    /// A default body in the same trait.
    #[autodiff_reverse(d_total, Const, Duplicated, Active)]
    fn total(&self, xs: &[f64]) -> f64 {
        xs.iter().map(|x| self.energy(*x)).sum()
    }
}

struct Spring(f64);

impl Energy for Spring {
    fn energy(&self, x: f64) -> f64 {
        0.5 * self.0 * x * x
    }
}

struct Well;

impl Energy for Well {
    fn energy(&self, x: f64) -> f64 {
        (x - 1.0).powi(2)
    }
}

#[test]
fn bodiless_trait_fn_differentiates_each_implementor() {
    let (e, de) = Spring(2.0).d_energy(3.0, 1.0);
    assert_eq!(e, 9.0);
    assert!(close(de, 6.0));
    let (e, de) = Well.d_energy(3.0, 1.0);
    assert_eq!(e, 4.0);
    assert!(close(de, 4.0));
    let mut dxs = [0.0; 2];
    let total = Spring(1.0).d_total(&[1.0, 2.0], &mut dxs, 1.0);
    assert_eq!(total, 2.5);
    assert!(close(dxs[0], 1.0) && close(dxs[1], 2.0));
    let err = Spring(1.0)
        .try_d_total(&[1.0, 2.0], &mut [0.0], 1.0)
        .unwrap_err();
    assert_eq!(err.argument(), Some("xs"));
}

/// A trait that declares `f` and `df` itself, as std's trait-impl position
/// expects; the impl generates `df`.
trait Curve {
    fn f(&self, x: f64) -> f64;
    fn df(&self, x: f64, seed: f64) -> (f64, f64);
    fn sum(&self, xs: &[f64]) -> f64;
    fn grad(&self, xs: &[f64], dxs: &mut [f64], seed: f64) -> f64;
}

struct Parabola {
    a: f64,
}

#[autodiff_impl]
impl Curve for Parabola {
    #[autodiff_reverse(df, Const, Active, Active)]
    fn f(&self, x: f64) -> f64 {
        self.a * x * x
    }

    #[autodiff_reverse(grad, Const, Duplicated, Active)]
    fn sum(&self, xs: &[f64]) -> f64 {
        xs.iter().map(|x| self.f(*x)).sum()
    }
}

impl Parabola {
    // Inherent functions of the same type are unaffected.
    fn a(&self) -> f64 {
        self.a
    }
}

/// A foreign self type: nothing inherent is generated for it.
impl Curve for f64 {
    fn f(&self, x: f64) -> f64 {
        self * x
    }
    fn df(&self, x: f64, seed: f64) -> (f64, f64) {
        (self.f(x), self * seed)
    }
    fn sum(&self, xs: &[f64]) -> f64 {
        xs.iter().map(|x| self.f(*x)).sum()
    }
    fn grad(&self, xs: &[f64], dxs: &mut [f64], seed: f64) -> f64 {
        for d in dxs.iter_mut() {
            *d += self * seed;
        }
        xs.iter().map(|x| self.f(*x)).sum()
    }
}

#[autodiff_impl]
impl Curve for Vec<f64> {
    #[autodiff_reverse(df, Const, Active, Active)]
    fn f(&self, x: f64) -> f64 {
        self.iter().fold(0.0, |acc, c| acc * x + c)
    }
    #[autodiff_reverse(grad, Const, Duplicated, Active)]
    fn sum(&self, xs: &[f64]) -> f64 {
        xs.iter().map(|x| self.f(*x)).sum()
    }
}

fn via<C: Curve>(c: &C) -> (f64, f64) {
    c.df(1.0, 1.0)
}

#[test]
fn trait_impl_generates_the_declared_derivative() {
    let p = Parabola { a: 3.0 };
    let (y, dy) = p.df(2.0, 1.0);
    assert_eq!(y, 12.0);
    assert!(close(dy, 12.0));
    assert_eq!(p.a(), 3.0);
    let mut dxs = [0.0; 2];
    assert_eq!(p.grad(&[1.0, 2.0], &mut dxs, 1.0), 15.0);
    assert!(close(dxs[0], 6.0) && close(dxs[1], 12.0));
    // Through the trait, as generic code calls it.
    let (_, d) = via(&Parabola { a: 0.5 });
    assert!(close(d, 1.0));
    // A foreign self type, in a trait impl with the attribute.
    let poly = vec![1.0, 0.0, -1.0]; // x^2 - 1
    let (y, dy) = poly.df(3.0, 1.0);
    assert_eq!(y, 8.0);
    assert!(close(dy, 6.0));
    assert_eq!(2.0_f64.df(1.0, 1.0), (2.0, 2.0));
}

#[test]
#[should_panic(expected = "grad: shadow `dxs_0` does not match its primal `xs`")]
fn trait_impl_derivative_checks_and_panics() {
    let p = Parabola { a: 1.0 };
    let _ = p.grad(&[1.0, 2.0], &mut [0.0], 1.0);
}

/// Generic float returns and inputs: the derivative adds the `Float` bound.
#[autodiff_reverse(d_square, Duplicated, Active)]
fn square<T: Mul<Output = T> + Copy>(x: &T) -> T {
    *x * *x
}

#[autodiff_reverse(d_mul_add, Active, Active, Active)]
fn mul_add<T: Mul<Output = T> + Add<Output = T> + Copy>(a: T, b: T) -> T {
    a * b + a
}

#[autodiff_forward(f_cube, Dual, Dual)]
fn cube<T: Mul<Output = T> + Copy>(x: T) -> T {
    x * x * x
}

#[test]
fn generic_float_returns_and_inputs() {
    let mut dx = 0.0_f64;
    assert_eq!(d_square(&3.0_f64, &mut dx, 1.0), 9.0);
    assert!(close(dx, 6.0));
    let mut dx = 0.0_f32;
    assert_eq!(d_square(&2.0_f32, &mut dx, 1.0), 4.0);
    assert!((dx - 4.0).abs() < 1e-2);
    let (y, da, db) = d_mul_add(2.0_f64, 5.0, 1.0);
    assert_eq!(y, 12.0);
    assert!(close(da, 6.0) && close(db, 2.0));
    let (y, t) = f_cube(2.0_f64, 1.0);
    assert_eq!(y, 8.0);
    assert!(close(t, 12.0));
}

// A derivative generated by a `macro_rules!` expansion.
macro_rules! squared {
    ($d:ident, $f:ident) => {
        #[autodiff_safe::autodiff_reverse($d, Active, Active)]
        fn $f(x: f64) -> f64 {
            x * x
        }
    };
}
squared!(d_from_macro, from_macro);

// A zero-sized `Const` argument next to a dual output.
#[autodiff_safe::autodiff_forward(d_zst, Const, Dual)]
fn with_zst(_zst: (), x: &mut f64) {
    *x *= 3.0;
}

#[test]
fn macro_generated_and_zero_sized_arguments() {
    let (y, dy) = d_from_macro(2.0, 1.0);
    assert_eq!(y, 4.0);
    assert!(close(dy, 4.0));
    let (mut x, mut dx) = (2.0, 1.0);
    d_zst((), &mut x, &mut dx);
    assert_eq!(x, 6.0);
    assert!(close(dx, 3.0));
}
