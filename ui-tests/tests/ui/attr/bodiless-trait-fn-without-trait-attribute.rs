// A bodiless trait method needs the trait's context, which only
// `#[autodiff_trait]` on the trait gives.
use autodiff_safe::autodiff_reverse;

trait Energy {
    #[autodiff_reverse(d_energy, Const, Active, Active)]
    fn energy(&self, x: f64) -> f64;
}

fn main() {}
