use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_dot, Duplicated, unsafe(Const), Active)]
fn dot(x: &[f64], y: &[f64]) -> f64 {
    x.iter().zip(y).map(|(a, b)| a * b).sum()
}

fn main() {}
