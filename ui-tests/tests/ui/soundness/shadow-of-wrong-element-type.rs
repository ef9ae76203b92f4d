use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_sum, Duplicated, Active)]
fn sum(x: &[f64]) -> f64 {
    x.iter().sum()
}

fn gradient() -> f64 {
    let x = vec![1.0_f64, 2.0];
    let mut dx = vec![0.0_f32; 2];
    d_sum(&x, &mut dx, 1.0)
}

fn main() {}
