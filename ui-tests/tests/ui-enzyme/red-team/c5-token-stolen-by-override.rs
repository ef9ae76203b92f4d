// Red team, class 5 (issue 17): an implementor overrides the hidden raw
// derivative of a provided trait method and keeps the `&'static Unchecked`
// token the checked `d_loss` hands it. No raw derivative may be an
// overridable trait item: the override must not compile.
#![feature(autodiff)]
#![forbid(unsafe_code)]

use std::cell::Cell;

thread_local! {
    static STOLEN: Cell<Option<&'static autodiff_safe::__private_0_1::Unchecked>> =
        const { Cell::new(None) };
}

#[autodiff_safe::autodiff_trait]
pub trait Loss {
    #[autodiff_safe::autodiff_reverse(d_loss, Const, Duplicated, Active)]
    fn loss(&self, x: &[f64]) -> f64 {
        x.iter().map(|v| v * v).sum()
    }
}

pub struct M;

impl Loss for M {
    fn __autodiff_safe_raw_d_loss(
        &self,
        token: &'static autodiff_safe::__private_0_1::Unchecked,
        _x: &[f64],
        _dx: &mut [f64],
        _seed: f64,
    ) -> f64 {
        STOLEN.set(Some(token));
        0.0
    }
}

fn main() {}
