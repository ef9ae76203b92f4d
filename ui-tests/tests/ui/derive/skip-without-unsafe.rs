use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
struct Model {
    w: Vec<f64>,
    #[shadow(skip)]
    name: String,
}

fn main() {}
