use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
struct Model {
    #[shadow(rename = "weights")]
    w: Vec<f64>,
}

fn main() {}
