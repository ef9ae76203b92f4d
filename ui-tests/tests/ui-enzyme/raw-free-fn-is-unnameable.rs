// A free function's raw derivative is nested in `try_d_f`: unnameable.
#![feature(autodiff)]

use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_sum_sq, Duplicated, Active)]
fn sum_sq(x: &[f64]) -> f64 {
    x.iter().map(|v| v * v).sum()
}

fn call(x: &[f64], dx: &mut [f64]) -> f64 {
    __autodiff_safe_raw(x, dx, 1.0)
}

fn main() {}
