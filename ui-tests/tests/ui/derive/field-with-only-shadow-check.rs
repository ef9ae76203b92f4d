use autodiff_safe::{ShadowCheck, ShadowError};

/// A hand-written check without the safe half.
struct Weights(Vec<f64>);

// SAFETY: the only buffer's length is compared.
unsafe impl ShadowCheck for Weights {
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        self.0.check_shadow(&shadow.0)
    }
}

// A derived type walks its fields with `FloatTree`: `Weights` needs
// `#[derive(FloatTree)]` too.
#[derive(ShadowCheck)]
struct Model {
    weights: Weights,
}

fn main() {}
