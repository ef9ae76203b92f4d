//! Beyond the ten: aliasing made and freed inside one call. This Enzyme copies a primal's
//! `free` onto its shadow in forward mode, so once `x` and its shadow share a `Const` buffer
//! (class 1), dropping it inside the function frees it twice before any after-call check runs.
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
    drop(std::mem::take(x));
    s
}

fn main() -> ExitCode {
    let (mut x, mut dx, mut c) = (vec![1.0, 2.0], vec![1.0, 0.0], Ws { buf: vec![5.0; 7] });
    let r = try_d_f(&mut x, &mut dx, &mut c);
    let after = format!("x {x:?} dx {dx:?} c {c:?} shared {}", shares(&x, &dx));
    let (mut x2, mut dx2, mut c2) = (vec![1.0, 2.0], vec![1.0, 0.0], Ws { buf: vec![5.0; 7] });
    let p = panics(|| {
        d_f(&mut x2, &mut dx2, &mut c2);
    });
    report(r, p, &after)
}
