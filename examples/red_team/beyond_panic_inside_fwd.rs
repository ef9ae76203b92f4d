//! Beyond the ten: a panic inside the differentiated function (an index out
//! of bounds), unwinding through Enzyme's code, with by-value and `&mut`
//! `Dual` arguments; caught, then everything is dropped. Nothing may be
//! freed twice or read after its free.
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[path = "common.rs"]
mod common;

use std::process::ExitCode;

use autodiff_safe::autodiff_forward;
use common::panics;

#[autodiff_forward(d_f, Dual, Dual, Const, Dual)]
fn f(x: Vec<f64>, y: &mut Vec<f64>, k: usize) -> f64 {
    y[0] = x[0] * 3.0;
    x[k] * y[0]
}

fn main() -> ExitCode {
    let (mut y, mut dy) = (vec![1.0, 2.0], vec![0.0, 0.0]);
    let panicked = panics(|| {
        d_f(vec![1.0, 2.0], vec![1.0, 0.0], &mut y, &mut dy, 7);
    });
    let (mut y2, mut dy2) = (vec![1.0, 2.0], vec![0.0, 0.0]);
    let ok = d_f(vec![1.0, 2.0], vec![1.0, 0.0], &mut y2, &mut dy2, 1);
    println!("ran: panicked {panicked}; y {y:?} dy {dy:?}; then {ok:?} dy {dy2:?}");
    ExitCode::SUCCESS
}
