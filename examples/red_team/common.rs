//! What every red-team probe shares: run the `try_` form and the panicking
//! form of a checked derivative, and print one line the harness reads.
#![allow(dead_code, reason = "each probe binary uses a part of it")]

use std::process::ExitCode;

/// A workspace the macros cannot see into: class 1 through a user struct.
#[derive(autodiff_safe::ShadowCheck, Debug, Clone)]
pub struct Ws {
    pub buf: Vec<f64>,
}

/// Prints `refused: <error>` when the `try_` form returned `Err` and the
/// panicking form panicked, `ran: ..` when the call went through.
pub fn report<T: std::fmt::Debug, E: std::fmt::Display>(
    try_result: Result<T, E>,
    panicked: bool,
    after: &str,
) -> ExitCode {
    match try_result {
        Err(error) if panicked => {
            println!("refused: {error}");
            println!("after: {after}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            println!("refused by try_ only: {error}; the panicking form ran");
            ExitCode::FAILURE
        }
        Ok(value) => {
            println!("ran: {value:?}; {after}");
            ExitCode::SUCCESS
        }
    }
}

/// Whether `f` panicked, without printing the panic message.
pub fn panics(f: impl FnOnce()) -> bool {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).is_err();
    std::panic::set_hook(hook);
    panicked
}

/// Whether two buffers are one allocation.
pub fn shares<T>(a: &[T], b: &[T]) -> bool {
    !a.is_empty() && std::ptr::eq(a.as_ptr(), b.as_ptr())
}
