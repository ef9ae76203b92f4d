use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_sum, Duplicated, unsafe(Active))]
fn sum(x: &[f64]) -> f64 {
    x.iter().sum()
}

fn main() {}
