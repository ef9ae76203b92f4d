use autodiff_safe::{ShadowCheck, autodiff_reverse};

#[derive(ShadowCheck)]
struct Model {
    w: Vec<f64>,
}

#[derive(ShadowCheck)]
struct Other {
    w: Vec<f64>,
}

#[autodiff_reverse(d_loss, Duplicated, Active)]
fn loss(model: &Model) -> f64 {
    model.w.iter().map(|w| w * w).sum()
}

fn gradient(model: &Model) -> f64 {
    let mut grad = Other {
        w: vec![0.0; model.w.len()],
    };
    d_loss(model, &mut grad, 1.0)
}

fn main() {}
