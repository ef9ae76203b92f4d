use autodiff_safe::autodiff_forward;

struct Point {
    x: f64,
    y: f64,
}

#[autodiff_forward(d_norm, Dual, Dual)]
fn norm(p: &Point) -> f64 {
    (p.x * p.x + p.y * p.y).sqrt()
}

fn main() {}
