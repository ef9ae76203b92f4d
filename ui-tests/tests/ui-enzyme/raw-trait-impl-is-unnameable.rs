// In a trait impl the raw derivative is nested in the generated `df`: there
// is nothing to call.
#![feature(autodiff)]

use autodiff_safe::{autodiff_impl, autodiff_reverse};

trait Curve {
    fn f(&self, x: f64) -> f64;
    fn df(&self, x: f64, seed: f64) -> (f64, f64);
}

struct Parabola;

#[autodiff_impl]
impl Curve for Parabola {
    #[autodiff_reverse(df, Const, Active, Active)]
    fn f(&self, x: f64) -> f64 {
        x * x
    }
}

fn call() -> (f64, f64) {
    Parabola.__autodiff_safe_raw(2.0, 1.0)
}

fn main() {}
