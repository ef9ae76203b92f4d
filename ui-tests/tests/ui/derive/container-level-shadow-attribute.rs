use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
#[shadow(unsafe(skip))]
struct Model {
    w: Vec<f64>,
}

fn main() {}
