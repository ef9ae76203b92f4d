use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
struct Model {
    w: Vec<f64>,
    #[shadow(unsafe(ignore))]
    name: String,
}

fn main() {}
