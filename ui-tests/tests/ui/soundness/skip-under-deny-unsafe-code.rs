// `#[shadow(unsafe(skip))]` leaves a field's shadow unchecked: a crate that
// denies `unsafe` code must see it, at the `unsafe` it wrote.
#![deny(unsafe_code)]

use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
pub struct Model {
    pub w: Vec<f64>,
    #[shadow(unsafe(skip))]
    pub name: String,
}

fn main() {}
