// A `&` inside a `Duplicated` argument is refused by its written form; an
// alias that hides it must still be refused: the check needs `ShadowCheck`
// for `&f64`, which no shared reference implements.
use autodiff_safe::autodiff_reverse;

type Leaf = &'static f64;

#[autodiff_reverse(d_sum, Duplicated, Active)]
pub fn sum(x: &Vec<Leaf>) -> f64 {
    x.iter().copied().sum()
}

fn main() {}
