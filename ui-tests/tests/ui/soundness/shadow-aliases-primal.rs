use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_sum, Duplicated, Active)]
fn sum(x: &[f64]) -> f64 {
    x.iter().sum()
}

fn gradient() -> f64 {
    let mut x = [1.0, 2.0];
    d_sum(&x, &mut x, 1.0)
}

fn main() {}
