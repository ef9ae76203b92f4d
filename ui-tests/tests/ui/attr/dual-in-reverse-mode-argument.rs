use autodiff_safe::autodiff;

#[autodiff(d_square, Reverse, Dual, Active)]
fn square(x: f64) -> f64 {
    x * x
}

fn main() {}
