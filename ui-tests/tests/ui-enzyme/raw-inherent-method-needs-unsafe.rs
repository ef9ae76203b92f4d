// An inherent method's raw derivative is a private sibling that code in the
// same module can name; it still needs `unsafe` to get its token.
#![feature(autodiff)]

use autodiff_safe::{ShadowCheck, autodiff_reverse};

#[derive(ShadowCheck)]
struct Model {
    w: Vec<f64>,
}

impl Model {
    #[autodiff_reverse(d_loss, Duplicated, Active)]
    fn loss(&self) -> f64 {
        self.w.iter().map(|v| v * v).sum()
    }
}

fn call(m: &Model, dm: &mut Model) -> f64 {
    let token = autodiff_safe::__private_0_1::unchecked();
    m.__autodiff_safe_raw_d_loss(dm, token, 1.0)
}

fn main() {}
