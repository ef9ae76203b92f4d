//! Beyond the ten: a panic inside the differentiated function (an index out
//! of bounds), unwinding through Enzyme's code, with a by-value `Dual`
//! argument; caught, then everything is dropped. Nothing may be freed twice
//! or read after its free. (A `&mut` `Dual` next to the by-value one would
//! be the fuller probe, but with the `gradcheck` feature, which the Enzyme
//! tier's clippy enables, its gradcheck companion does not compile today:
//! "borrow of moved value: `x`".)
#![feature(autodiff)]
#![forbid(unsafe_code)]
#![allow(
    clippy::needless_pass_by_value,
    reason = "the by-value `Dual` argument is what the probe attacks"
)]

#[path = "common.rs"]
mod common;

use std::process::ExitCode;

use autodiff_safe::autodiff_forward;
use common::panics;

#[autodiff_forward(d_f, Dual, Const, Dual)]
fn f(x: Vec<f64>, k: usize) -> f64 {
    x[0] * x[k]
}

fn main() -> ExitCode {
    let panicked = panics(|| {
        d_f(vec![1.0, 2.0], vec![1.0, 0.0], 7);
    });
    let ok = d_f(vec![3.0, 2.0], vec![1.0, 0.0], 1);
    println!("ran: panicked {panicked}; then {ok:?}");
    ExitCode::SUCCESS
}
