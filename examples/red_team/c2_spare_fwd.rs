//! Class 2: a write into spare capacity that only the primal has (forward, `&mut Vec`).
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[path = "common.rs"]
mod common;

use std::process::ExitCode;

use autodiff_safe::autodiff_forward;
use common::{panics, report, shares};

#[autodiff_forward(d_f, Dual, Dual)]
fn f(x: &mut Vec<f64>) -> f64 {
    let s = x[0] * 3.0;
    {
        let slot = &mut x.spare_capacity_mut()[0];
        slot.write(s);
    }
    s
}

fn main() -> ExitCode {
    let mk = || {
        let mut x = Vec::with_capacity(4096);
        x.extend([1.0, 2.0]);
        (x, vec![1.0, 0.0])
    };
    let (mut x, mut dx) = mk();
    let r = try_d_f(&mut x, &mut dx);
    let (mut x2, mut dx2) = mk();
    let p = panics(|| {
        d_f(&mut x2, &mut dx2);
    });
    let _ = shares(&x, &dx);
    report(r, p, "")
}
