//! A tiny binary for instruction counts of `check` under callgrind, which are
//! deterministic where wall-clock times on a shared machine are not.
//!
//! Each `check_*` function below is one `check` call, never inlined, and is
//! called `CALLS` times; callgrind's inclusive count of a function divided by
//! `CALLS` is the instructions of one check, call and return included:
//!
//! ```text
//! cargo bench -p autodiff-safe --bench check_instructions --no-run
//! valgrind --tool=callgrind --callgrind-out-file=check.cg target/release/deps/check_instructions-<hash>
//! callgrind_annotate --inclusive=yes check.cg | grep check_instructions::
//! ```
//!
//! Run by `cargo bench` it just runs the calls and prints a reminder.

use std::hint::black_box;

use autodiff_safe::{ShadowCheck, check, make_zero};

/// Calls of each function, so counts can be checked to be exact multiples.
const CALLS: usize = 1_000;

#[derive(ShadowCheck)]
struct Layer {
    w: Vec<f64>,
    b: Vec<f64>,
}

#[derive(ShadowCheck)]
struct Mlp {
    input: Layer,
    hidden: Layer,
    output: Layer,
}

// Each function returns its own tag on success, so that LLVM cannot merge
// the identical bodies into one function and one callgrind entry.
macro_rules! checker {
    ($($name:ident: $ty:ty => $tag:literal;)*) => {$(
        #[inline(never)]
        fn $name(x: &$ty, dx: &$ty) -> u32 {
            if check(x, dx).is_ok() { $tag } else { 0 }
        }
    )*};
}

checker! {
    check_vec_10: Vec<f64> => 1;
    check_vec_1000: Vec<f64> => 2;
    check_vec_1000000: Vec<f64> => 3;
    check_rows_10: Vec<Vec<f64>> => 4;
    check_rows_1000: Vec<Vec<f64>> => 5;
    check_rows_100000: Vec<Vec<f64>> => 6;
    check_mlp: Mlp => 7;
}

fn run<T>(f: fn(&T, &T) -> u32, x: &T, dx: &T) {
    for _ in 0..CALLS {
        assert_ne!(f(black_box(x), black_box(dx)), 0);
    }
}

fn layer(inputs: usize, outputs: usize) -> Layer {
    Layer {
        w: vec![0.5; inputs * outputs],
        b: vec![0.0; outputs],
    }
}

fn main() {
    for (f, n) in [
        (check_vec_10 as fn(&Vec<f64>, &Vec<f64>) -> u32, 10),
        (check_vec_1000, 1_000),
        (check_vec_1000000, 1_000_000),
    ] {
        let x = vec![1.0_f64; n];
        run(f, &x, &make_zero(&x));
    }
    for (f, rows) in [
        (
            check_rows_10 as fn(&Vec<Vec<f64>>, &Vec<Vec<f64>>) -> u32,
            10,
        ),
        (check_rows_1000, 1_000),
        (check_rows_100000, 100_000),
    ] {
        let x = vec![vec![1.0_f64; 8]; rows];
        run(f, &x, &make_zero(&x));
    }
    let m = Mlp {
        input: layer(784, 128),
        hidden: layer(128, 64),
        output: layer(64, 10),
    };
    run(check_mlp, &m, &make_zero(&m));
    println!(
        "check_instructions: ran {CALLS} calls of each check; run this binary under \
         `valgrind --tool=callgrind` for instruction counts (see BENCHMARKS.md)"
    );
}
