// A provided trait method needs `#[autodiff_trait]` on its trait, on both
// tiers: without it, the Enzyme backend's hidden primal and raw derivative
// would be trait items an implementor could override. The stable tier
// refuses it the same way (E0449 at the derivative's name).
use autodiff_safe::autodiff_reverse;

pub trait Loss {
    #[autodiff_reverse(d_loss, Const, Duplicated, Active)]
    fn loss(&self, x: &[f64]) -> f64 {
        x.iter().map(|v| v * v).sum()
    }
}

fn main() {}
