// An alias named `f64` must not steer a by-value `Dual` argument onto the
// path for float scalars, which hands it to std's attribute as it is.
#![feature(autodiff)]

#[allow(non_camel_case_types)]
type f64 = (core::primitive::f64, core::primitive::f64);

#[autodiff_safe::autodiff_forward(f_norm, Dual, Dual)]
pub fn norm(x: f64) -> core::primitive::f64 {
    x.0 * x.1
}

fn main() {}
