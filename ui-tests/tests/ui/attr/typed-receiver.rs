use autodiff_safe::{ShadowCheck, autodiff_reverse};

#[derive(ShadowCheck)]
struct Model {
    w: Vec<f64>,
}

impl Model {
    #[autodiff_reverse(d_total, Duplicated, Active)]
    fn total(self: &Self) -> f64 {
        self.w.iter().sum()
    }
}

fn main() {}
