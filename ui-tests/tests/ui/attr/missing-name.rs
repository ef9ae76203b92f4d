use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(Active, Active)]
fn square(x: f64) -> f64 {
    x * x
}

fn main() {}
