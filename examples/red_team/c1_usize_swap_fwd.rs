//! Class 1 with `Vec<usize>` fields (no float leaf): the walk must see allocations, not floats (forward).
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[path = "common.rs"]
mod common;

use std::process::ExitCode;

use autodiff_safe::autodiff_forward;
use common::{panics, report, shares};

#[derive(autodiff_safe::ShadowCheck, Debug, Clone)]
pub struct Idx {
    pub w: Vec<f64>,
    pub ix: Vec<usize>,
}

#[derive(autodiff_safe::ShadowCheck, Debug, Clone)]
pub struct Pool {
    pub ix: Vec<usize>,
}

#[autodiff_forward(d_f, Dual, Const, Dual)]
fn f(x: &mut Idx, c: &mut Pool) -> f64 {
    let s = x.w[0] * 2.0;
    std::mem::swap(&mut x.ix, &mut c.ix);
    s
}

fn main() -> ExitCode {
    let mk = || Idx {
        w: vec![1.0],
        ix: vec![0, 1],
    };
    let (mut x, mut dx, mut c) = (mk(), mk(), Pool { ix: vec![7; 9] });
    let r = try_d_f(&mut x, &mut dx, &mut c);
    let after = format!("x {x:?} dx {dx:?} shared {}", shares(&x.ix, &dx.ix));
    let (mut x2, mut dx2, mut c2) = (mk(), mk(), Pool { ix: vec![7; 9] });
    let p = panics(|| {
        d_f(&mut x2, &mut dx2, &mut c2);
    });
    report(r, p, &after)
}
