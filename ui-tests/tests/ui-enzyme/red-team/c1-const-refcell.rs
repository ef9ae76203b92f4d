// Red team, class 1 (issue 17): a cell type at any depth, `Const` behind `&`:
// interior mutability moves allocations without `&mut`; must be refused.
#![feature(autodiff)]
#![forbid(unsafe_code)]

use std::cell::RefCell;

#[autodiff_safe::autodiff_forward(d_f, Dual, Const, Dual)]
fn f(x: &mut Vec<f64>, pool: &[RefCell<Vec<f64>>]) -> f64 {
    let s = x[0] * 2.0;
    std::mem::swap(x, &mut pool[0].borrow_mut());
    s
}

fn main() {}
