// `#[autodiff_trait]` goes on trait declarations, not on their impls.
use autodiff_safe::{autodiff_reverse, autodiff_trait};

trait Energy {
    fn energy(&self, x: f64) -> f64;
    fn d_energy(&self, x: f64, seed: f64) -> (f64, f64);
}

struct Spring;

#[autodiff_trait]
impl Energy for Spring {
    #[autodiff_reverse(d_energy, Const, Active, Active)]
    fn energy(&self, x: f64) -> f64 {
        x * x
    }
}

fn main() {}
