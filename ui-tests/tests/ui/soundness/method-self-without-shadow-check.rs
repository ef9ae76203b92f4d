use autodiff_safe::autodiff_reverse;

struct Model {
    w: Vec<f64>,
}

impl Model {
    #[autodiff_reverse(d_total, Duplicated, Active)]
    fn total(&self) -> f64 {
        self.w.iter().sum()
    }
}

fn main() {}
