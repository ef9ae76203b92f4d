// A cell anywhere in a `Const` argument, even behind `&`: through it the
// function can move what it holds.
use std::cell::RefCell;

use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_f, Duplicated, Const, Active)]
fn f(x: &[f64], pool: &[(f64, RefCell<Vec<f64>>)]) -> f64 {
    x[0] * pool[0].0
}

fn main() {}
