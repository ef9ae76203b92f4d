//! Class 1: `mem::swap` of a shadowed `&mut Vec` with a `Const` user struct's buffer (forward).
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[path = "common.rs"]
mod common;

use std::process::ExitCode;

use autodiff_safe::autodiff_forward;
use common::{Ws, panics, report, shares};

#[autodiff_forward(d_f, Dual, Const, Dual)]
fn f(x: &mut Vec<f64>, c: &mut Ws) -> f64 {
    let s = x[0] * 2.0;
    std::mem::swap(x, &mut c.buf);
    s
}

fn main() -> ExitCode {
    let (mut x, mut dx, mut c) = (vec![1.0, 2.0], vec![1.0, 0.0], Ws { buf: vec![5.0; 7] });
    let r = try_d_f(&mut x, &mut dx, &mut c);
    let after = format!("x {x:?} dx {dx:?} shared {}", shares(&x, &dx));
    let (mut x2, mut dx2, mut c2) = (vec![1.0, 2.0], vec![1.0, 0.0], Ws { buf: vec![5.0; 7] });
    let p = panics(|| {
        d_f(&mut x2, &mut dx2, &mut c2);
    });
    report(r, p, &after)
}
