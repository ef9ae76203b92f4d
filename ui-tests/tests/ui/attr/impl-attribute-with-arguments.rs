// The block attributes take no arguments.
use autodiff_safe::{autodiff_impl, autodiff_reverse};

struct Model;

#[autodiff_impl(Reverse)]
impl Model {
    #[autodiff_reverse(d_loss, Active, Active)]
    fn loss(x: f64) -> f64 {
        x * x
    }
}

fn main() {}
