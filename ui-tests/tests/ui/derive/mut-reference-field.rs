use autodiff_safe::ShadowCheck;

#[derive(ShadowCheck)]
struct View<'a> {
    weights: &'a mut Vec<f64>,
}

fn main() {}
