// A derived struct whose field's type has a hand-written `ShadowCheck`
// without the allocation walk: the derive's walk refuses it when a
// derivative that takes the struct behind `&mut` needs the walk.
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

#[derive(ShadowCheck)]
pub struct Layer {
    w: Matrix,
    b: Vec<f64>,
}

#[autodiff_forward(d_f, Dual, Dual)]
fn f(layer: &mut Layer) -> f64 {
    layer.b[0] * 2.0
}

// The walk is checked where it is compiled for use: a static naming the
// derivative makes the build compile it.
pub static USED: fn(&mut Layer, &mut Layer) -> (f64, f64) = d_f;

fn main() {}
