use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_product, Active, Active)]
fn product((x, y): (f64, f64)) -> f64 {
    x * y
}

fn main() {}
