//! Parameters named like every local the macros generate: each generated
//! local has `mixed_site` hygiene, so none of them can capture or shadow a
//! user's argument, on either backend.

#![allow(clippy::too_many_arguments, reason = "one parameter per generated local")]

use autodiff_safe::{autodiff_forward, autodiff_reverse};

#[autodiff_reverse(d_rev, Duplicated, Const, Const, Const, Const, Const, Const, Active, Active)]
fn rev(
    __gradient: &[f64],
    __cursor: f64,
    __loss: f64,
    __ret: f64,
    __primal: f64,
    __error: f64,
    __value: f64,
    __n___gradient: f64,
) -> f64 {
    __gradient[0] * (__cursor + __loss + __ret + __primal + __error + __value) * __n___gradient
}

#[autodiff_reverse(d_rev_mut, Duplicated, Const, Duplicated, Active)]
fn rev_mut(__p_x: &[f64], __s___p_x: f64, __autodiff_safe_unchecked: &mut [f64]) -> f64 {
    __autodiff_safe_unchecked[0] = 2.0 * __p_x[0];
    __autodiff_safe_unchecked[0] * __s___p_x
}

#[autodiff_forward(d_fwd, Dual, Const, Const, Const, Const, Const, Const, Dual)]
fn fwd(
    __tangents: &[f64],
    __lane: f64,
    __scale: f64,
    __direction: f64,
    __outputs: f64,
    __lanes: f64,
    __t___tangents: f64,
) -> f64 {
    __tangents[0] * (__lane + __scale + __direction + __outputs + __lanes + __t___tangents)
}

struct Boxed(f64, f64);

impl Boxed {
    #[autodiff_forward(d_area, Const, Dual, Dual)]
    fn area(&self, __autodiff_safe_self: f64) -> f64 {
        self.0 * self.1 * __autodiff_safe_self
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

fn main() {
    let mut d = [0.0];
    let (y, g) = d_rev(&[2.0], &mut d, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 3.0, 1.0);
    assert_eq!(y, 36.0);
    assert!(close(d[0], 18.0) && close(g, 12.0), "{d:?} {g}");

    let mut dp = [0.0];
    let mut out = [0.0];
    let mut dout = [1.0];
    let y = d_rev_mut(&[3.0], &mut dp, 2.0, &mut out, &mut dout, 1.0);
    assert_eq!((y, out[0]), (12.0, 6.0));
    assert!(close(dp[0], 6.0), "{dp:?}");

    let (y, t) = d_fwd(&[2.0], &[1.0], 1.0, 1.0, 1.0, 1.0, 1.0, 1.0);
    assert_eq!(y, 12.0);
    assert!(close(t, 6.0), "{t}");

    let (y, t) = Boxed(2.0, 3.0).d_area(1.0, 1.0);
    assert_eq!(y, 6.0);
    assert!(close(t, 6.0), "{t}");
}
