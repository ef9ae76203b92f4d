use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_sum, DuplicatedOnly, Active)]
fn sum(x: &[f64]) -> f64 {
    x.iter().sum()
}

fn gradient() -> Vec<f64> {
    let x = [1.0, 2.0];
    let mut dx = vec![0.0; 2];
    d_sum(&x, &mut dx, 1.0);
    dx
}

fn main() {}
