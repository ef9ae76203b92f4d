use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_sum, Duplicated, Active)]
fn sum(x: &[f64]) -> f64 {
    x.iter().sum()
}

fn unchecked_gradient() -> f64 {
    let x = [1.0, 2.0];
    let mut dx = [0.0];
    __autodiff_safe_raw(&x, &mut dx, 1.0)
}

fn main() {}
