use autodiff_safe::autodiff_forward;

#[autodiff_forward(d_square, Dual, 2, Dual)]
fn square(x: f64) -> f64 {
    x * x
}

fn main() {}
