use autodiff_safe::autodiff;

#[autodiff(d_square, Sideways, Active, Active)]
fn square(x: f64) -> f64 {
    x * x
}

fn main() {}
