use autodiff_safe::ShadowCheck;

#[allow(non_camel_case_types)]
type f64 = Vec<core::primitive::f64>;

#[derive(ShadowCheck)]
struct Model {
    weights: f64,
}

fn main() {}
