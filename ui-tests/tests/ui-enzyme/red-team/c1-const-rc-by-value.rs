// Red team, class 1 (issue 17): an `Rc<Vec<f64>>` passed `Const` by value:
// a std owner; must be refused at compile time.
#![feature(autodiff)]
#![forbid(unsafe_code)]

use std::rc::Rc;

#[autodiff_safe::autodiff_forward(d_f, Dual, Const, Dual)]
fn f(x: &mut Vec<f64>, c: Rc<Vec<f64>>) -> f64 {
    x[0] * c[0]
}

fn main() {}
