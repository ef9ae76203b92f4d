use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_sum, Active, Active)]
fn sum(x: [f64; 3]) -> f64 {
    x.iter().sum()
}

fn main() {}
