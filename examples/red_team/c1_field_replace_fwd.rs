//! Class 1: `mem::replace` of a shadowed struct field by a `Const` struct's buffer (forward).
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[path = "common.rs"]
mod common;

use std::process::ExitCode;

use autodiff_safe::autodiff_forward;
use common::{Ws, panics, report, shares};

#[autodiff_forward(d_f, Dual, Const, Dual)]
fn f(x: &mut Ws, c: &mut Ws) -> f64 {
    let s = x.buf[0] * 2.0;
    let old = std::mem::replace(&mut x.buf, std::mem::take(&mut c.buf));
    c.buf = old;
    s
}

fn main() -> ExitCode {
    let mk = || {
        (
            Ws {
                buf: vec![1.0, 2.0],
            },
            Ws {
                buf: vec![1.0, 0.0],
            },
            Ws { buf: vec![5.0; 7] },
        )
    };
    let (mut x, mut dx, mut c) = mk();
    let r = try_d_f(&mut x, &mut dx, &mut c);
    let after = format!("x {x:?} dx {dx:?} shared {}", shares(&x.buf, &dx.buf));
    let (mut x2, mut dx2, mut c2) = mk();
    let p = panics(|| {
        d_f(&mut x2, &mut dx2, &mut c2);
    });
    report(r, p, &after)
}
