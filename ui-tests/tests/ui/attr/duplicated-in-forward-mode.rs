use autodiff_safe::autodiff_forward;

#[autodiff_forward(d_sum, Duplicated, Dual)]
fn sum(x: &[f64]) -> f64 {
    x.iter().sum()
}

fn main() {}
