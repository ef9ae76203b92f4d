// An implementor of an `#[autodiff_trait]` trait cannot override std's raw
// derivative or the hidden primal to be handed the `Unchecked` token by the
// checked `d_loss`: neither is a trait item (both are nested in `d_loss`'s
// body, and `d_loss` hands no token to anything).
#![feature(autodiff)]

use autodiff_safe::__private_0_1::Unchecked;

#[autodiff_safe::autodiff_trait]
pub trait Loss {
    #[autodiff_safe::autodiff_reverse(d_loss, Const, Duplicated, Active)]
    fn loss(&self, x: &[f64]) -> f64 {
        x.iter().map(|v| v * v).sum()
    }
}

pub struct Thief;

impl Loss for Thief {
    fn __autodiff_safe_raw_d_loss(
        &self,
        token: &'static Unchecked,
        _x: &[f64],
        _dx: &mut [f64],
        _dret: f64,
    ) -> f64 {
        let _ = token;
        0.0
    }

    fn __autodiff_safe_primal_d_loss(&self, _token: &'static Unchecked, _x: &[f64]) -> f64 {
        0.0
    }
}

fn main() {}
