// An alias named `f64` must not pass a non-float as `Active` or as a
// differentiated return: std's attribute takes them as float scalars.
#![feature(autodiff)]

use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck, Clone, Copy)]
pub struct Pair {
    pub a: core::primitive::f64,
    pub b: core::primitive::f64,
}

#[allow(non_camel_case_types)]
type f64 = Pair;

#[autodiff_safe::autodiff_reverse(d_swap, Active, Active)]
pub fn swap(x: f64) -> f64 {
    Pair { a: x.b, b: x.a }
}

fn main() {}
