use autodiff_safe::{ShadowCheck, autodiff_reverse};

#[derive(ShadowCheck)]
struct Model {
    w: Vec<f64>,
}

impl Model {
    #[autodiff_reverse(d_total, Duplicated, Active)]
    fn total(&self) -> f64 {
        self.w.iter().sum()
    }
}

fn gradient(model: &Model) -> f64 {
    let mut dw = vec![0.0; model.w.len()];
    model.d_total(&mut dw, 1.0)
}

fn main() {}
