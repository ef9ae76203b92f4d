// Red team, class 1 (issue 17): a tuple holding a `VecDeque`, `Const` behind
// `&mut`; must be refused at compile time.
#![feature(autodiff)]
#![forbid(unsafe_code)]

use std::collections::VecDeque;

#[autodiff_safe::autodiff_reverse(d_f, Duplicated, Const, Active)]
fn f(x: &[f64], c: &mut (f64, VecDeque<f64>)) -> f64 {
    x[0] * c.0
}

fn main() {}
