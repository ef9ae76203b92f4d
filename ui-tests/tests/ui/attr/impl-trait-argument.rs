use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_sum, Duplicated, Active)]
fn sum(x: &impl AsRef<[f64]>) -> f64 {
    x.as_ref().iter().sum()
}

fn main() {}
