// A receiver-less associated function in an `#[autodiff_impl]` block: its
// raw derivative's sibling needs `unsafe` for its token too.
#![feature(autodiff)]

use autodiff_safe::{autodiff_impl, autodiff_reverse};

struct Model;

#[autodiff_impl]
impl Model {
    #[autodiff_reverse(d_loss, Duplicated, Active)]
    fn loss(w: &[f64]) -> f64 {
        w.iter().map(|v| v * v).sum()
    }
}

fn call(w: &[f64], dw: &mut [f64]) -> f64 {
    let token = autodiff_safe::__private_0_1::unchecked();
    Model::__autodiff_safe_raw_d_loss(token, w, dw, 1.0)
}

fn main() {}
