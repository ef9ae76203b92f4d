// An owner inside `Option`, behind `&mut`: `c.take()` moves it out.
use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_f, Duplicated, Const, Active)]
fn f(x: &[f64], c: &mut Option<String>) -> f64 {
    x[0] * c.as_ref().map_or(1.0, |s| s.len() as f64)
}

fn main() {}
