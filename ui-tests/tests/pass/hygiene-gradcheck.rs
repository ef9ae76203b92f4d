//! Parameters named like every local of the gradcheck companion (feature
//! `gradcheck`, which `tests/ui_gradcheck.rs` turns on for every pass case):
//! each is `mixed_site`, so none can capture or shadow a user's argument.
//! Without the feature this is an ordinary program, and must stay one.

#![allow(clippy::too_many_arguments, reason = "one parameter per generated local")]

use autodiff_safe::{autodiff_forward, autodiff_reverse};

#[autodiff_reverse(
    d_rev, Duplicated, Const, Const, Const, Const, Const, Const, Const, Const, Const, Active
)]
fn rev(
    __fast: &[f64],
    __gradients: f64,
    __directions: f64,
    __values: f64,
    __lanes: f64,
    __run: f64,
    __still: f64,
    __moved: f64,
    __tolerance: f64,
    __kinks: f64,
) -> f64 {
    let sum = __gradients + __directions + __values + __lanes + __run + __still + __moved;
    __fast[0] * __fast[0] * (sum + __tolerance + __kinks)
}

#[autodiff_reverse(d_state, Duplicated, Const, Const, Const, Const, Active)]
fn state(__a: &[f64], __b: &mut [f64], __name: f64, __candidate: f64, __report: f64) -> f64 {
    __b[0] = __a[0] * __name;
    __a[0] * __a[0] * (__candidate + __report)
}

#[autodiff_forward(d_fwd, Dual, Const, Const, Const, Dual)]
fn fwd(__observer: &[f64], __options: f64, __value: f64, __error: f64) -> f64 {
    __observer[0] * __observer[0] * (__options + __value + __error)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

fn main() {
    let mut d = [0.0];
    let y = d_rev(&[2.0], &mut d, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0);
    assert_eq!(y, 36.0);
    assert!(close(d[0], 36.0), "{d:?}");

    let (mut da, mut b) = ([0.0], [0.0]);
    let y = d_state(&[3.0], &mut da, &mut b, 2.0, 1.0, 1.0, 1.0);
    assert_eq!((y, b[0]), (18.0, 6.0));
    assert!(close(da[0], 12.0), "{da:?}");

    let (y, t) = d_fwd(&[2.0], &[1.0], 1.0, 1.0, 1.0);
    assert_eq!(y, 12.0);
    assert!(close(t, 12.0), "{t}");

    #[cfg(feature = "gradcheck")]
    {
        gradcheck_d_rev(&[2.0], &mut [0.0], 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
            .assert();
        gradcheck_d_state(&[3.0], &mut [0.0], &mut [0.0], 2.0, 1.0, 1.0, 1.0).assert();
        gradcheck_d_fwd(&[2.0], &[1.0], 1.0, 1.0, 1.0).assert();
    }
}
