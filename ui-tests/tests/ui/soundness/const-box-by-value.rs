// A `Const` `Box` by value: the function owns it and can move it into a
// differentiated argument.
use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_f, Duplicated, Const, Active)]
fn f(x: &[f64], c: Box<f64>) -> f64 {
    x[0] * *c
}

fn main() {}
