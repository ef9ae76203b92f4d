use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
struct Model {
    w: Vec<f64>,
    // SAFETY: never differentiated.
    #[shadow(unsafe(skip))]
    #[shadow(unsafe(skip))]
    name: String,
}

fn main() {}
