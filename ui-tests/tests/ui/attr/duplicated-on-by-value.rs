use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_sum, Duplicated, Active)]
fn sum(x: Vec<f64>) -> f64 {
    x.iter().sum()
}

fn main() {}
