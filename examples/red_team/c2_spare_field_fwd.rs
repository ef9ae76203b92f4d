//! Class 2 through a struct field behind `&mut` (forward).
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[path = "common.rs"]
mod common;

use std::process::ExitCode;

use autodiff_safe::autodiff_forward;
use common::{Ws, panics, report, shares};

#[autodiff_forward(d_f, Dual, Dual)]
fn f(x: &mut Ws) -> f64 {
    let s = x.buf[0] * 3.0;
    {
        let slot = &mut x.buf.spare_capacity_mut()[0];
        slot.write(s);
    }
    s
}

fn main() -> ExitCode {
    let mk = || {
        let mut buf = Vec::with_capacity(4096);
        buf.extend([1.0, 2.0]);
        (
            Ws { buf },
            Ws {
                buf: vec![1.0, 0.0],
            },
        )
    };
    let (mut x, mut dx) = mk();
    let r = try_d_f(&mut x, &mut dx);
    let (mut x2, mut dx2) = mk();
    let p = panics(|| {
        d_f(&mut x2, &mut dx2);
    });
    let _ = shares(&x.buf, &dx.buf);
    report(r, p, "")
}
