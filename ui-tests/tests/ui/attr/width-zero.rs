use autodiff_safe::autodiff_forward;

#[autodiff_forward(d_square, 0, Dual, Dual)]
fn square(x: f64) -> f64 {
    x * x
}

fn main() {}
