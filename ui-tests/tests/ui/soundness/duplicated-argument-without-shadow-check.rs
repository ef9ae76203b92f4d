use autodiff_safe::autodiff_reverse;

struct Point {
    x: f64,
    y: f64,
}

#[autodiff_reverse(d_norm, Duplicated, Active)]
fn norm(p: &Point) -> f64 {
    (p.x * p.x + p.y * p.y).sqrt()
}

fn main() {}
