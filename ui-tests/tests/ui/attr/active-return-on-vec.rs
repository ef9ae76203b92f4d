use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_double, Duplicated, Active)]
fn double(x: &[f64]) -> Vec<f64> {
    x.iter().map(|value| 2.0 * value).collect()
}

fn main() {}
