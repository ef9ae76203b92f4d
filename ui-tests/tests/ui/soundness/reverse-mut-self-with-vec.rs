// Reverse mode, `&mut self` of a type holding a `Vec`.
use autodiff_safe::{ShadowCheck, autodiff_reverse};

#[derive(ShadowCheck)]
struct Model {
    w: Vec<f64>,
}

impl Model {
    #[autodiff_reverse(d_step, Duplicated, Active)]
    fn step(&mut self) -> f64 {
        self.w[0] *= 0.5;
        self.w[0]
    }
}

fn main() {}
