//! How an argument is passed decides which check its shadow gets: behind
//! `&mut` (or by value) the derivative may write the primal's spare
//! capacity, so the shadow needs at least the primal's capacity; behind `&`
//! it cannot, and capacities are not compared, all the way down. Both
//! backends; the check after the call (allocations shared by a primal and
//! its shadow) cannot fire on the reference backend, which never moves an
//! allocation between them: it is tested on Enzyme (`enzyme_after_call.rs`)
//! and on its runtime in `autodiff-core/tests/allocations.rs`.
#![cfg_attr(feature = "enzyme", feature(autodiff))]
#![allow(
    clippy::float_cmp,
    clippy::ptr_arg,
    reason = "exact derivatives of polynomials are compared exactly; a `Vec` behind a reference is what has a capacity"
)]

use autodiff_safe::{Mismatch, ShadowCheck, autodiff_forward, autodiff_reverse, make_zero};

fn with_capacity(values: &[f64], capacity: usize) -> Vec<f64> {
    let mut v = Vec::with_capacity(capacity);
    v.extend_from_slice(values);
    v
}

#[autodiff_reverse(d_sum_sq, Duplicated, Active)]
fn sum_sq(x: &Vec<f64>) -> f64 {
    x.iter().map(|x| x * x).sum()
}

#[autodiff_forward(d_scale, Dual, Dual)]
fn scale(x: &mut Vec<f64>) -> f64 {
    x[0] *= 2.0;
    x[0]
}

#[derive(ShadowCheck)]
struct Model {
    w: Vec<f64>,
}

impl Model {
    #[autodiff_reverse(d_norm, Duplicated, Active)]
    fn norm(&self) -> f64 {
        self.w.iter().map(|w| w * w).sum()
    }

    #[autodiff_forward(d_grow, Dual, Dual)]
    fn grow(&mut self) -> f64 {
        self.w[0] *= 3.0;
        self.w[0]
    }
}

#[test]
fn behind_shared_references_capacities_are_not_compared() {
    let x = with_capacity(&[1.0, 2.0], 16);
    let mut dx = vec![0.0; 2];
    let value = try_d_sum_sq(&x, &mut dx, 1.0).unwrap();
    assert_eq!(value, 5.0);
    assert!(
        (dx[0] - 2.0).abs() < 1e-6 && (dx[1] - 4.0).abs() < 1e-6,
        "{dx:?}"
    );
    let model = Model {
        w: with_capacity(&[3.0], 8),
    };
    let mut shadow = Model { w: vec![0.0] };
    assert!(model.try_d_norm(&mut shadow, 1.0).is_ok());
}

#[test]
fn behind_mutable_references_the_shadow_needs_the_primal_capacity() {
    let mut x = with_capacity(&[1.0, 2.0], 16);
    let mut bx = vec![1.0, 0.0];
    let error = try_d_scale(&mut x, &mut bx).unwrap_err();
    assert_eq!(
        error.mismatch(),
        &Mismatch::Capacity {
            primal: 16,
            shadow: 2
        }
    );
    assert_eq!(
        error.to_string(),
        "d_scale: shadow `bx_0` does not match its primal `x` at `x`: primal has capacity 16, \
         shadow has capacity 2 (a shadow the derivative may write needs at least the primal's \
         capacity; `make_zero` builds one)"
    );
    // Refused before the call: nothing was written.
    assert_eq!(
        (x.as_slice(), bx.as_slice()),
        (&[1.0, 2.0][..], &[1.0, 0.0][..])
    );
    let mut bx = make_zero(&x);
    bx[0] = 1.0;
    let (value, tangent) = try_d_scale(&mut x, &mut bx).unwrap();
    assert_eq!(value, 2.0);
    assert!((tangent - 2.0).abs() < 1e-6);

    let mut model = Model {
        w: with_capacity(&[1.0], 4),
    };
    let mut tight = Model { w: vec![1.0] };
    let error = model.try_d_grow(&mut tight).unwrap_err();
    assert_eq!(error.path(), "self.w");
    assert!(matches!(
        error.mismatch(),
        Mismatch::Capacity {
            primal: 4,
            shadow: 1
        }
    ));
}

/// A provided trait method with an argument behind `&mut`: its check after
/// the call compiles where `Self` is unsized in the trait.
#[autodiff_safe::autodiff_trait]
trait Doubler {
    #[autodiff_forward(d_double_first, Const, Dual, Dual)]
    fn double_first(&self, xs: &mut Vec<f64>) -> f64 {
        xs[0] *= 2.0;
        xs[0]
    }
}

struct Unit;

impl Doubler for Unit {}

#[test]
fn trait_methods_check_mut_arguments_after_the_call() {
    let mut xs = vec![1.5, 2.0];
    let mut bxs = vec![1.0, 0.0];
    let (value, tangent) = Unit.d_double_first(&mut xs, &mut bxs);
    assert_eq!(value, 3.0);
    assert!((tangent - 2.0).abs() < 1e-6);
    let mut tight = vec![1.0, 0.0];
    xs.reserve_exact(8);
    assert!(matches!(
        Unit.try_d_double_first(&mut xs, &mut tight)
            .unwrap_err()
            .mismatch(),
        Mismatch::Capacity { .. }
    ));
}
