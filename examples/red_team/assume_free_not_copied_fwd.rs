//! The after-call check's assumption: this Enzyme does not copy a primal's free onto its shadow.
//! The primal's buffer is freed inside the forward derivative; the shadow's must be left
//! alone (read after the call, dropped once: valgrind clean apart from leaks).
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
    drop(std::mem::take(x));
    s
}

fn main() -> ExitCode {
    let (mut x, mut dx) = (vec![1.0, 2.0], vec![1.0, 0.0]);
    let before = dx.as_ptr() as usize;
    let r = try_d_f(&mut x, &mut dx);
    // A free copied onto the shadow would make this a use-after-free, and
    // the drop below a double free.
    let sum: f64 = dx.iter().sum();
    let after = format!(
        "x {x:?} dx len {} sum {sum} same buffer {}",
        dx.len(),
        dx.as_ptr() as usize == before
    );
    let _ = shares(&x, &dx);
    let p = panics(|| {
        let (mut x2, mut dx2) = (vec![1.0, 2.0], vec![1.0, 0.0]);
        d_f(&mut x2, &mut dx2);
    });
    report(r, p, &after)
}
