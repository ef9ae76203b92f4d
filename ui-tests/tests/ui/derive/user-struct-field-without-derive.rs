use autodiff_safe::ShadowCheck;

struct Bias {
    b: Vec<f64>,
}

#[derive(ShadowCheck)]
struct Model {
    w: Vec<f64>,
    bias: Bias,
}

fn main() {}
