// An alias named like an integer, with forged `Scalar` and `InertScalar`
// impls, must not make the derive skip the field's check or walk: both
// traits are sealed.
use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
pub struct V(Vec<f64>);

impl autodiff_safe::__private_0_1::Scalar for V {}
impl autodiff_safe::__private_0_1::InertScalar for V {}

#[allow(non_camel_case_types)]
type usize = V;

#[derive(ShadowCheck)]
pub struct Model {
    pub index: usize,
}

fn main() {}
