use autodiff_safe::{ShadowCheck, ShadowError, autodiff_reverse};

/// Checked, but neither copied nor walked: the reference backend refuses it.
struct Weights(Vec<f64>);

// SAFETY: the only buffer's length is compared.
unsafe impl ShadowCheck for Weights {
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        self.0.check_shadow(&shadow.0)
    }
}

#[autodiff_reverse(d_sum, Duplicated, Active)]
fn sum(w: &Weights) -> f64 {
    w.0.iter().sum()
}

fn main() {}
