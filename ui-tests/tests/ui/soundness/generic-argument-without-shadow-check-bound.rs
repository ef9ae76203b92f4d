use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_sum, Duplicated, Active)]
fn sum<T: Copy + Into<f64>>(x: &[T]) -> f64 {
    x.iter().map(|value| (*value).into()).sum()
}

fn main() {}
