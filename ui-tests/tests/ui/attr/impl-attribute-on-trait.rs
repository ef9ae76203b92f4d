// `#[autodiff_impl]` goes on `impl` blocks; traits take `#[autodiff_trait]`.
use autodiff_safe::{autodiff_impl, autodiff_reverse};

#[autodiff_impl]
trait Energy {
    #[autodiff_reverse(d_energy, Const, Active, Active)]
    fn energy(&self, x: f64) -> f64;
}

fn main() {}
