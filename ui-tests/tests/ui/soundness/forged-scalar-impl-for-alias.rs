// An alias named like a primitive scalar, with a forged `Scalar` impl, must
// not make the derive skip the field's check: `Scalar` is sealed.
use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
pub struct V(Vec<core::primitive::f64>);

impl autodiff_safe::__private_0_1::Scalar for V {}

#[allow(non_camel_case_types)]
type f64 = V;

#[derive(ShadowCheck)]
pub struct Model {
    pub weights: f64,
}

fn main() {}
