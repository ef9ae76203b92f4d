use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_square, Active, Active)]
const fn square(x: f64) -> f64 {
    x * x
}

fn main() {}
