use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_sum, Duplicated, Active)]
fn sum(x: &[&f64]) -> f64 {
    x.iter().copied().sum()
}

fn main() {}
