//! Beyond the ten: a panic (index out of bounds) in the augmented forward
//! pass of a reverse derivative whose arguments stay legal after issue 17
//! (`&mut [f64]` and `&[f64]` `Duplicated`): unwinding through Enzyme's code
//! and its tape; caught, then everything is dropped and a second call must
//! be right.
//!
//! Measured: the panic is *not* caught. `catch_unwind` around the checked
//! derivative does not stop it and the process exits with status 101, as
//! if the panic had reached `main`; valgrind reports no error. This pins
//! that (a limit of this Enzyme: reverse-mode code does not unwind into the
//! caller's handlers) until it changes.
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[path = "common.rs"]
mod common;

use std::process::ExitCode;

use autodiff_safe::autodiff_reverse;

#[autodiff_reverse(d_f, Duplicated, Duplicated, Const, Active)]
fn f(x: &[f64], y: &mut [f64], k: usize) -> f64 {
    y[0] = x[0] * 3.0;
    x[k] * y[0]
}

fn main() -> ExitCode {
    let x = vec![1.0, 2.0];
    let (mut dx, mut y, mut dy) = (vec![0.0; 2], vec![0.0; 2], vec![0.0; 2]);
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        d_f(&x, &mut dx, &mut y, &mut dy, 7, 1.0);
    }))
    .is_err();
    println!("caught: {panicked}");
    let (mut dx2, mut y2, mut dy2) = (vec![0.0; 2], vec![0.0; 2], vec![0.0; 2]);
    let ok = d_f(&x, &mut dx2, &mut y2, &mut dy2, 1, 1.0);
    println!("ran: panicked {panicked}; then {ok:?} dx {dx2:?}");
    ExitCode::SUCCESS
}
