// A hand-written `ShadowCheck` without the allocation walk: the type can be
// checked, but a derivative that takes it behind `&mut` must walk its
// allocations after the call, so it does not compile.
use autodiff_safe::{FloatTree, ShadowCheck, ShadowError, autodiff_forward};

#[derive(FloatTree)]
pub struct Matrix {
    data: Vec<f64>,
}

// SAFETY: the only buffer's length and capacity are compared by `Vec`'s check.
unsafe impl ShadowCheck for Matrix {
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        self.data.check_shadow(&shadow.data)
    }
}

#[autodiff_forward(d_f, Dual, Dual)]
fn f(m: &mut Matrix) -> f64 {
    m.data[0] * 2.0
}

fn main() {}
