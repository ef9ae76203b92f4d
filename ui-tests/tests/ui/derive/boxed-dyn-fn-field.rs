use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
struct Activation {
    slope: f64,
    apply: Box<dyn Fn(f64) -> f64>,
}

fn main() {}
