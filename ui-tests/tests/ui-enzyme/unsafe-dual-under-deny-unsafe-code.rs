// `unsafe(Dual)` leaves a tangent unchecked: a crate that denies `unsafe`
// code must see it, at the `unsafe` it wrote.
#![feature(autodiff)]
#![deny(unsafe_code)]

pub struct Opaque(pub Vec<f64>);

#[autodiff_safe::autodiff_forward(f_f, unsafe(Dual), Dual)]
pub fn f(x: &Opaque) -> f64 {
    x.0.iter().sum()
}

fn main() {}
