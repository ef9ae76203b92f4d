use autodiff_safe::autodiff_forward;

#[autodiff_forward(d_sum, DualOnly, Dual)]
fn sum(x: &[f64]) -> f64 {
    x.iter().sum()
}

fn tangent() -> (f64, f64) {
    let x = [1.0, 2.0];
    let bx = [1.0, 0.0];
    d_sum(&x, &bx)
}

fn main() {}
