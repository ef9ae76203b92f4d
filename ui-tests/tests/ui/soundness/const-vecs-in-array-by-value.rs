// Owners inside an array and a tuple, passed by value.
use autodiff_safe::autodiff_forward;

#[autodiff_forward(d_f, Dual, Const, Dual)]
fn f(x: &mut [f64], c: ([Vec<f64>; 2], f64)) -> f64 {
    x[0] * c.1 * c.0[0].len() as f64
}

fn main() {}
