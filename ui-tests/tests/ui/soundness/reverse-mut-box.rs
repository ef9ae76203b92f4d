// Reverse mode, a `Box` behind `&mut`: `*b = Box::new(0.5)` leaves the
// caller's shadow dangling.
use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_f, Duplicated, Active)]
fn f(b: &mut Box<f64>) -> f64 {
    **b * 2.0
}

fn main() {}
