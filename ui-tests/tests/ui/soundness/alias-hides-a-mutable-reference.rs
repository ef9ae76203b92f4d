// An alias that hides a reference makes the macro read the argument as
// passed by value; the check then needs `ShadowCheck` for the reference
// itself, which no reference implements, so the alias cannot skip a check.
use autodiff_safe::autodiff_forward;

type Weights<'a> = &'a mut Vec<f64>;

#[autodiff_forward(f_sum, Dual, Dual)]
pub fn sum(w: Weights<'_>) -> f64 {
    w.iter().sum()
}

fn main() {}
