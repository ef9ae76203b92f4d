// Reverse mode, a derived struct holding a `Vec` behind `&mut`: the traits
// decide, so a user type is refused like a `Vec`.
use autodiff_safe::{ShadowCheck, autodiff_reverse};

#[derive(ShadowCheck)]
struct Model {
    w: Vec<f64>,
    b: f64,
}

#[autodiff_reverse(d_f, Duplicated, Active)]
fn f(m: &mut Model) -> f64 {
    m.w[0] * m.b
}

fn main() {}
