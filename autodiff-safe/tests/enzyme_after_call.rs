//! The check after the call, on real Enzyme: an allocation moved from a
//! `Const` argument into a shadowed one is stored by Enzyme into the primal
//! and its shadow together (class 1 of issue 17). The derivative must find
//! it, leave memory safe (the shadow replaced by zeros, the shared buffer
//! owned by the primal alone) and return the error from `try_` (panic from
//! `d_f`). Run this binary under valgrind: zero errors, no double free.
//!
//! ```text
//! RUSTFLAGS=-Zautodiff=Enable CARGO_TARGET_DIR=target/enzyme-tier cargo +nightly test \
//!     --profile enzyme -p autodiff-safe --features enzyme,rayon,gradcheck --test enzyme_after_call --no-run
//! valgrind --error-exitcode=1 --trace-children=yes \
//!     target/enzyme-tier/enzyme/deps/enzyme_after_call-<hash> --test-threads 1
//! ```
//!
//! (`--trace-children=yes` follows the child process of the abort test.)
//!
//! Safe code can no longer write most of these: a `Const` `Vec` behind
//! `&mut` is refused at compile time, and so is a `Duplicated` `&mut Box`
//! in reverse mode. What the macros cannot see, a user struct holding the
//! buffer, still compiles and is the case the check exists for
//! (`forward_a_buffer_moved_into_a_user_struct_is_found_by_its_path`). The
//! other probes break the opt-outs' contracts on purpose (`unsafe(Const)`,
//! an `unsafe impl` that claims a fixed structure), to show that the check
//! after the call still leaves memory safe behind them.
#![cfg(feature = "enzyme")]
#![feature(autodiff)]
#![allow(
    clippy::undocumented_unsafe_blocks,
    reason = "the `unsafe(Const)` opt-outs sit inside attribute arguments, where clippy does not read the `// SAFETY:` comment above the attribute"
)]
#![allow(
    clippy::float_cmp,
    clippy::ptr_arg,
    clippy::replace_box,
    reason = "exact derivatives are compared exactly; the probes move and replace allocations on purpose"
)]

use autodiff_safe::{Mismatch, ShadowCheck, autodiff_forward, autodiff_reverse};

/// The reproducer of the issue: `x` and `c` swap buffers, so `x` ends with
/// `c`'s, which has no shadow of its own.
// SAFETY: broken on purpose: `swap` moves `c`'s buffer into `x`.
#[autodiff_forward(d_swap, Dual, unsafe(Const), Dual)]
fn swap(x: &mut Vec<f64>, c: &mut Vec<f64>) -> f64 {
    let s = x[0] * 2.0;
    std::mem::swap(x, c);
    s
}

#[test]
fn forward_a_buffer_swapped_in_from_a_const_argument_is_found_and_repaired() {
    let mut x = vec![1.0, 2.0];
    let mut bx = vec![1.0, 0.0];
    let mut c = vec![5.0; 7];
    // SAFETY: broken on purpose (`swap` moves `c`'s buffer into `x`): the
    // check after the call must still leave memory safe.
    let error = unsafe { try_d_swap(&mut x, &mut bx, &mut c) }.unwrap_err();
    assert_eq!(error.mismatch(), &Mismatch::SharedAllocation);
    assert_eq!(error.function(), Some("d_swap"));
    assert_eq!(error.argument(), Some("x"));
    assert_eq!(error.path(), "x");
    assert_eq!(
        error.to_string(),
        "d_swap: after the call, shadow `bx_0` of `x` at `x`: primal and shadow own the same \
         allocation: the function moved it there from memory that has no shadow (a `Const` \
         argument, a cell or a global), and Enzyme stored it into both; mark the argument it \
         came from `Dual` or `Duplicated`, or pass the float storage as a slice (`&mut [f64]`); \
         `bx_0` now holds zeros of the primal's structure (its `make_zero`); its old \
         allocations are leaked, not freed"
    );
    // The primal owns `c`'s old buffer alone; the shadow is a fresh zero of
    // its structure (capacity included), so both can be used and dropped.
    assert_eq!(x, [5.0; 7]);
    assert_eq!(bx, [0.0; 7]);
    assert_ne!(x.as_ptr(), bx.as_ptr());
    assert!(x.check_shadow(&bx).is_ok());
    bx[0] = 3.0;
    assert_eq!(x[0], 5.0);
    assert_eq!(c, [1.0, 2.0]);
}

#[test]
#[should_panic(expected = "d_swap: after the call, shadow `bx_0` of `x` at `x`")]
fn forward_the_panicking_derivative_panics_after_repairing() {
    let mut x = vec![1.0, 2.0];
    let mut bx = vec![1.0, 0.0];
    let mut c = vec![5.0; 7];
    // SAFETY: broken on purpose, as above.
    let _ = unsafe { d_swap(&mut x, &mut bx, &mut c) };
}

/// A user struct no macro can see into: its buffer is replaced by a
/// workspace passed `Const`.
#[derive(autodiff_safe::ShadowCheck, Debug)]
struct Ws {
    buf: Vec<f64>,
}

/// A pool of spare buffers, as safe code writes it: the macros cannot see
/// the `Vec` inside, so `Const` compiles. (`FloatTree`: the gradcheck
/// companion copies what the function may write.)
#[derive(autodiff_safe::FloatTree)]
struct Pool {
    spare: Vec<f64>,
}

#[autodiff_forward(d_refill, Dual, Const, Dual)]
fn refill(ws: &mut Ws, pool: &mut Pool) -> f64 {
    let s = ws.buf[0] * ws.buf[1];
    std::mem::swap(&mut ws.buf, &mut pool.spare);
    s
}

#[test]
fn forward_a_buffer_moved_into_a_user_struct_is_found_by_its_path() {
    let mut ws = Ws {
        buf: vec![2.0, 3.0],
    };
    let mut bws = Ws {
        buf: vec![1.0, 0.0],
    };
    let mut pool = Pool {
        spare: vec![0.5; 4],
    };
    let error = try_d_refill(&mut ws, &mut bws, &mut pool).unwrap_err();
    assert_eq!(error.mismatch(), &Mismatch::SharedAllocation);
    assert_eq!(error.path(), "ws.buf");
    assert_eq!(ws.buf, [0.5; 4]);
    assert_eq!(bws.buf, [0.0; 4]);
    assert_ne!(ws.buf.as_ptr(), bws.buf.as_ptr());
}

/// A buffer whose `unsafe impl` claims a structure no value can change,
/// which is false: the reverse-mode rule lets it through, so the check
/// after the call is all that stands behind the lie.
#[derive(autodiff_safe::FloatTree, Debug)]
struct Lying<T> {
    inner: T,
}

// SAFETY: deliberately false in `STRUCTURE_IS_FIXED` (a `Vec` or `Box` can
// be replaced), to probe the reverse-mode check after the call; the check
// and the walk forward to the inner value's and are true.
unsafe impl<T: ShadowCheck> ShadowCheck for Lying<T> {
    fn check_shadow(&self, shadow: &Self) -> Result<(), autodiff_safe::ShadowError> {
        self.inner.check_shadow(&shadow.inner)
    }
    const ALLOCATIONS_WALKED: bool = T::ALLOCATIONS_WALKED;
    const STRUCTURE_IS_FIXED: bool = true;
    fn walk_allocations(
        &self,
        shadow: &Self,
        walk: &mut autodiff_safe::AllocationWalk,
    ) -> Result<(), autodiff_safe::ShadowError> {
        self.inner.walk_allocations(&shadow.inner, walk)
    }
}

/// The same move, in reverse mode.
// SAFETY: broken on purpose, as for `swap`.
#[autodiff_reverse(d_swap_rev, Duplicated, unsafe(Const), Active)]
fn swap_rev(x: &mut Lying<Vec<f64>>, c: &mut Vec<f64>) -> f64 {
    let s = x.inner[0] * 2.0;
    std::mem::swap(&mut x.inner, c);
    s
}

/// In reverse mode the swap also replaces `x`'s buffer, which the
/// fingerprint taken before the call sees first: a reverse pass may have
/// freed what the primal or shadow holds, so the derivative aborts.
#[test]
fn reverse_a_buffer_swapped_in_from_a_const_argument_aborts_with_the_error() {
    if in_child("reverse_a_buffer_swapped_in_from_a_const_argument_aborts_with_the_error") {
        let mut x = Lying {
            inner: vec![1.0, 2.0],
        };
        let mut dx = Lying {
            inner: vec![0.0, 0.0],
        };
        let mut c = vec![5.0; 7];
        // SAFETY: broken on purpose, as above.
        let _ = unsafe { try_d_swap_rev(&mut x, &mut dx, &mut c, 1.0) };
        unreachable!("the replaced allocation was not seen");
    }
}

/// `true` in the child process; in the parent, runs `test` in a child and
/// checks that it aborted, printing the replaced-allocation error.
fn in_child(test: &str) -> bool {
    if std::env::var_os("AUTODIFF_SAFE_ABORT_CHILD").is_some() {
        return true;
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads", "1"])
        .env("AUTODIFF_SAFE_ABORT_CHILD", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    // Under `valgrind --trace-children=yes` the child's report lands here.
    assert!(!stderr.contains("Invalid "), "{stderr}");
    #[cfg(unix)]
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&output.status),
        Some(6),
        "{stderr}"
    );
    assert!(
        stderr.contains("after the call, shadow `d")
            && stderr.contains(
                "the function replaced an allocation of the primal, and the reverse pass freed the \
             new one, which the primal or its shadow still points to"
            ),
        "{stderr}"
    );
    false
}

/// Class 8: a fresh allocation stored into a `Duplicated` `&mut`. Measured:
/// this Enzyme's reverse pass frees the new box, which `b` still points to
/// after the call (the issue saw `db` dangle instead; which one depends on
/// the optimiser). Neither can be dropped nor read, so the derivative prints
/// the error and aborts the process: no unwind drops a dangling pointer.
#[autodiff_reverse(d_rebox, Duplicated, Active)]
fn rebox(b: &mut Lying<Box<f64>>) -> f64 {
    let s = *b.inner * 2.0;
    b.inner = Box::new(0.5);
    s
}

#[test]
fn reverse_a_replaced_allocation_aborts_with_the_error() {
    if in_child("reverse_a_replaced_allocation_aborts_with_the_error") {
        let mut b = Lying {
            inner: Box::new(3.0),
        };
        let mut db = Lying {
            inner: Box::new(0.0),
        };
        let _ = try_d_rebox(&mut b, &mut db, 1.0);
        unreachable!("the replaced allocation was not seen");
    }
}

/// Without a move, the check after the call passes and costs nothing
/// visible: the derivative is the usual one.
#[autodiff_forward(d_scale, Dual, Const, Dual)]
fn scale(x: &mut Vec<f64>, c: &mut [f64]) -> f64 {
    c[0] = x[0];
    x[0] *= 3.0;
    x[0]
}

#[test]
fn forward_without_a_move_the_check_after_the_call_passes() {
    let mut x = vec![1.0, 2.0];
    let mut bx = vec![1.0, 0.0];
    let mut c = vec![0.0];
    let (value, tangent) = try_d_scale(&mut x, &mut bx, &mut c).unwrap();
    assert_eq!((value, tangent), (3.0, 3.0));
    assert_eq!(bx, [3.0, 0.0]);
}

/// A `Vec` written past its length through spare capacity, with a shadow of
/// smaller capacity, is refused before the call (class 2).
#[autodiff_forward(d_spare, Dual, Dual)]
fn spare(v: &mut Vec<f64>) -> f64 {
    let s = v[0] * 2.0;
    v.spare_capacity_mut()[40].write(s);
    s
}

#[test]
fn forward_a_shadow_with_less_capacity_is_refused_before_the_call() {
    let mut v = Vec::with_capacity(64);
    v.extend([1.0, 2.0]);
    let mut bv = vec![1.0, 0.0];
    let error = try_d_spare(&mut v, &mut bv).unwrap_err();
    assert_eq!(
        error.mismatch(),
        &Mismatch::Capacity {
            primal: 64,
            shadow: 2
        }
    );
    assert_eq!(v, [1.0, 2.0]);
    let mut bv = autodiff_safe::make_zero(&v);
    bv[0] = 1.0;
    let (value, tangent) = try_d_spare(&mut v, &mut bv).unwrap();
    assert_eq!((value, tangent), (2.0, 2.0));
}
