//! Beyond the ten: class 1 through a by-value `Dual` argument (forwarded to
//! Enzyme as `&mut ManuallyDrop<Vec<f64>>`): the function swaps its own
//! `Vec` with a `Const` struct's buffer and drops it at the end.
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[path = "common.rs"]
mod common;

use std::process::ExitCode;

use autodiff_safe::autodiff_forward;
use common::{Ws, panics, report};

#[autodiff_forward(d_f, Dual, Const, Dual)]
fn f(mut x: Vec<f64>, c: &mut Ws) -> f64 {
    let s = x[0] * 2.0;
    std::mem::swap(&mut x, &mut c.buf);
    s
}

fn main() -> ExitCode {
    let mut c = Ws { buf: vec![5.0; 7] };
    let r = try_d_f(vec![1.0, 2.0], vec![1.0, 0.0], &mut c);
    let after = format!("c {c:?}");
    let mut c2 = Ws { buf: vec![5.0; 7] };
    let p = panics(|| {
        d_f(vec![1.0, 2.0], vec![1.0, 0.0], &mut c2);
    });
    report(r, p, &after)
}
