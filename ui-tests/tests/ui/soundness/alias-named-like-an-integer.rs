// An alias named like an integer whose type is a float is a real primitive
// scalar, but the derived walks skip integer-named fields: the sealed
// `InertScalar` bound refuses it, so no float leaf is silently left out.
use autodiff_safe::FloatTree;

#[allow(non_camel_case_types)]
type usize = f64;

#[derive(FloatTree)]
pub struct Model {
    pub count: usize,
}

fn main() {}
