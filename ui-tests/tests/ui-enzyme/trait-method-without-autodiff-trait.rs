// A provided trait method without `#[autodiff_trait]` on its trait would get
// its hidden primal and std's raw derivative as trait items, which an
// implementor could override and be handed the `Unchecked` token through.
// The hidden primal is `pub(self)`, which a trait refuses (E0449), spanned
// on the derivative's name: add `#[autodiff_trait]` to the trait.
#![feature(autodiff)]

use autodiff_safe::autodiff_reverse;

pub trait Loss {
    #[autodiff_reverse(d_loss, Const, Duplicated, Active)]
    fn loss(&self, x: &[f64]) -> f64 {
        x.iter().map(|v| v * v).sum()
    }
}

fn main() {}
