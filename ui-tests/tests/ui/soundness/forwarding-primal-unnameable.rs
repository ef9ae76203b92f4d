use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_sum, Duplicated, Active)]
fn sum(x: &[f64]) -> f64 {
    x.iter().sum()
}

fn value() -> f64 {
    __autodiff_safe_primal(&[1.0, 2.0])
}

fn main() {}
