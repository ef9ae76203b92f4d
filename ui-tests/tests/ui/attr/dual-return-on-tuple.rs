use autodiff_safe::autodiff_forward;

#[autodiff_forward(d_polar, Dual, Dual)]
fn polar(angle: f64) -> (f64, f64) {
    (angle.cos(), angle.sin())
}

fn main() {}
