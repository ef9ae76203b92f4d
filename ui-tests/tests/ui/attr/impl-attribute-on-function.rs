// `#[autodiff_impl]` on a function instead of its `impl` block.
use autodiff_safe::{autodiff_impl, autodiff_reverse};

#[autodiff_impl]
#[autodiff_reverse(d_f, Active, Active)]
fn f(x: f64) -> f64 {
    x * x
}

fn main() {}
