// Reverse mode, an `Option` behind `&mut`: a change of variant is a change
// of structure the reverse pass cannot follow.
use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_f, Duplicated, Active)]
fn f(o: &mut Option<f64>) -> f64 {
    o.unwrap_or(1.0) * 2.0
}

fn main() {}
