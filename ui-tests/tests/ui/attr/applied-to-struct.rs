use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_point, Active, Active)]
struct Point {
    x: f64,
}

fn main() {}
