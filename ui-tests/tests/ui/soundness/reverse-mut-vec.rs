// Reverse mode, a `Vec` behind `&mut`: `*x = vec![..]` inside the function
// would leave the caller's shadow pointing at memory the reverse pass frees.
use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_f, Duplicated, Active)]
fn f(x: &mut Vec<f64>) -> f64 {
    x[0] * 2.0
}

fn main() {}
