use autodiff_safe::ShadowCheck;

struct Coefficients(Vec<f64>);

#[derive(ShadowCheck)]
enum Head {
    Linear { w: f64 },
    Poly(Coefficients),
}

fn main() {}
