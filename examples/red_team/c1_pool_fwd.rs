//! Class 1 through a `thread_local` buffer pool: no argument is `Const` (forward).
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[path = "common.rs"]
mod common;

use std::process::ExitCode;

use autodiff_safe::autodiff_forward;
use common::{Ws, panics, report, shares};

use std::cell::RefCell;

thread_local! {
    static POOL: RefCell<Vec<Vec<f64>>> = const { RefCell::new(Vec::new()) };
}

#[autodiff_forward(d_f, Dual, Dual)]
fn f(x: &mut Vec<f64>) -> f64 {
    let s = x[0] * 2.0;
    if let Some(fresh) = POOL.with(|p| p.borrow_mut().pop()) {
        let old = std::mem::replace(x, fresh);
        POOL.with(|p| p.borrow_mut().push(old));
    }
    s
}

fn main() -> ExitCode {
    POOL.with(|p| p.borrow_mut().push(vec![5.0; 7]));
    let (mut x, mut dx) = (vec![1.0, 2.0], vec![1.0, 0.0]);
    let r = try_d_f(&mut x, &mut dx);
    let after = format!("x {x:?} dx {dx:?} shared {}", shares(&x, &dx));
    POOL.with(|p| p.borrow_mut().push(vec![5.0; 7]));
    let (mut x2, mut dx2) = (vec![1.0, 2.0], vec![1.0, 0.0]);
    let p = panics(|| {
        d_f(&mut x2, &mut dx2);
    });
    report(r, p, &after)
}
