//! Class 1 through a `String` field of a user struct passed `Const` (forward).
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[path = "common.rs"]
mod common;

use std::process::ExitCode;

use autodiff_safe::autodiff_forward;
use common::{panics, report, shares};

#[derive(autodiff_safe::ShadowCheck, Debug, Clone)]
pub struct Named {
    pub w: Vec<f64>,
    pub name: String,
}

#[autodiff_forward(d_f, Dual, Const, Dual)]
fn f(x: &mut Named, c: &mut Named) -> f64 {
    let s = x.w[0] * 2.0;
    std::mem::swap(&mut x.name, &mut c.name);
    s
}

fn main() -> ExitCode {
    let mk = |n: &str| Named {
        w: vec![1.0],
        name: n.to_owned(),
    };
    let (mut x, mut dx, mut c) = (mk("ab"), mk("cd"), mk("a constant name"));
    let r = try_d_f(&mut x, &mut dx, &mut c);
    let after = format!(
        "x {x:?} dx {dx:?} shared {}",
        shares(x.name.as_bytes(), dx.name.as_bytes())
    );
    let (mut x2, mut dx2, mut c2) = (mk("ab"), mk("cd"), mk("a constant name"));
    let p = panics(|| {
        d_f(&mut x2, &mut dx2, &mut c2);
    });
    report(r, p, &after)
}
