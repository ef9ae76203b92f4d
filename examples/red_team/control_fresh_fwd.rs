//! Control: a fresh allocation stored into a `Dual` `&mut` in forward mode must work (class 8 is reverse only).
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[path = "common.rs"]
mod common;

use std::process::ExitCode;

use autodiff_safe::autodiff_forward;
use common::{panics, report, shares};

#[autodiff_forward(d_f, Dual, Dual)]
fn f(x: &mut Vec<f64>) -> f64 {
    let s = x[0] * 2.0;
    *x = vec![s; 3];
    s
}

fn main() -> ExitCode {
    let (mut x, mut dx) = (vec![1.0, 2.0], vec![1.0, 0.0]);
    let r = try_d_f(&mut x, &mut dx);
    let after = format!("x {x:?} dx {dx:?} shared {}", shares(&x, &dx));
    let p = panics(|| {
        let (mut x2, mut dx2) = (vec![1.0, 2.0], vec![1.0, 0.0]);
        d_f(&mut x2, &mut dx2);
    });
    report(r, p, &after)
}
