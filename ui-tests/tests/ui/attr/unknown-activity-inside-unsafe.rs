use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_sum, unsafe(Duplicate), Active)]
fn sum(x: &[f64]) -> f64 {
    x.iter().sum()
}

fn main() {}
