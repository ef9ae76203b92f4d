// A function of the block already has the name of a generated derivative.
use autodiff_safe::{autodiff_impl, autodiff_reverse};

struct Model;

#[autodiff_impl]
impl Model {
    #[autodiff_reverse(d_loss, Active, Active)]
    fn loss(x: f64) -> f64 {
        x * x
    }

    fn try_d_loss() {}
}

fn main() {}
