// A `Dualv` return: std types it `(T, T)` at any width and this Enzyme
// cannot compile it; `Dual` or `DualvOnly` say what is meant.
use autodiff_safe::autodiff_forward;

#[autodiff_forward(d_sum_sq, 4, Dualv, Dualv)]
fn sum_sq(x: &[f64]) -> f64 {
    x.iter().map(|v| v * v).sum()
}

fn main() {}
