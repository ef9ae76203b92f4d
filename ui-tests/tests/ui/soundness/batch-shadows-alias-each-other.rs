use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_sum, 2, Duplicated, Active)]
fn sum(x: &[f64]) -> f64 {
    x.iter().sum()
}

fn gradients() -> f64 {
    let x = [1.0, 2.0];
    let mut dx = [0.0, 0.0];
    d_sum(&x, &mut dx, &mut dx, 1.0)
}

fn main() {}
