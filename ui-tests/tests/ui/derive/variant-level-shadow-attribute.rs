use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
enum Head {
    Linear(f64),
    #[shadow(unsafe(skip))]
    Poly(Vec<f64>),
}

fn main() {}
