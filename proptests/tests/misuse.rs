//! Checked derivatives called with mismatched shadows refuse them before
//! anything runs: `try_d_f` returns exactly the oracle's first mismatch (in
//! argument order, rooted at the argument's name, naming the derivative and
//! the shadow), `d_f` panics with the same message, and in both cases every
//! primal and shadow is left bit-identical: same structure, same float bits,
//! same buffers (address and capacity).
//!
//! When the mutations happen to cancel out, the call must succeed instead.
//!
//! In the Enzyme tier (`--features enzyme`) the refusals are the same, and the
//! calls that succeed run Enzyme's derivatives.
#![cfg_attr(feature = "enzyme", feature(autodiff))]

mod common;

use std::fmt::Debug;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use autodiff_safe::{ShadowError, autodiff_forward, autodiff_reverse, make_zero};
use autodiff_safe_proptests::{
    Found, Model, Node, Shape, first_mismatch, first_mismatch_writable, mutated, snapshot,
};
use common::{config, model, mutations, vec_f64, with_shadow};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

// ------------------------------------------------------- the derivatives

// The sums are loops with accumulators started at zero: written with
// `iter().map(..).sum()`, this Enzyme's derivative of `model_sum` is invalid
// IR ("Instruction does not dominate all uses!" in `diffe_..model_sum`, then
// "LLVM ERROR: function failed verification"), once `shape_sum` of the head,
// of the heads and `tree_sum` meet in one function.

fn sum_sq(values: &[f64]) -> f64 {
    let mut total = 0.0;
    for v in values {
        total += v * v;
    }
    total
}

fn shape_sum(shape: &Shape) -> f64 {
    let mut total = 0.0;
    match shape {
        Shape::Empty => {}
        Shape::Pair(a, b) => {
            total += sum_sq(a);
            for v in b {
                total += f64::from(*v).sin();
            }
        }
        Shape::Poly { coeffs, rows } => {
            total += sum_sq(coeffs);
            for row in rows {
                total += sum_sq(row);
            }
        }
    }
    total
}

fn tree_sum(node: &Node) -> f64 {
    let mut total = sum_sq(&node.value);
    for child in &node.children {
        total += tree_sum(child);
    }
    if let Some(next) = &node.next {
        total += tree_sum(next);
    }
    total
}

/// A smooth function of every float of the model.
fn model_sum(m: &Model) -> f64 {
    sum_sq(&m.weights)
        + m.rows.iter().map(|row| sum_sq(row)).sum::<f64>()
        + m.bias.as_deref().map_or(0.0, sum_sq)
        + m.half.iter().map(|v| f64::from(*v)).sum::<f64>()
        + sum_sq(&m.fixed)
        + m.lanes.iter().map(|lane| sum_sq(lane)).sum::<f64>()
        + shape_sum(&m.head)
        + m.heads.iter().map(shape_sum).sum::<f64>()
        + sum_sq(&m.pair.0)
        + m.pair.1.as_deref().map_or(0.0, sum_sq)
        + m.scale.tanh()
        + tree_sum(&m.tree)
}

#[autodiff_reverse(d_loss, Duplicated, Duplicated, Active)]
fn loss(m: &Model, x: &[f64]) -> f64 {
    let dot: f64 = m.weights.iter().zip(x).map(|(w, x)| w * x).sum();
    dot + 1e-3 * model_sum(m)
}

#[autodiff_reverse(d2_loss, 2, Duplicated, Const, Active)]
fn loss2(m: &Model, x: &[f64]) -> f64 {
    loss(m, x)
}

// Behind `&mut` in reverse mode only a structure no value can change is
// accepted (a `Vec` could be replaced inside the pass): the floats as a slice.
#[autodiff_reverse(d_step, Duplicated, Const)]
fn step(w: &mut [f64], x: &[f64]) {
    let total: f64 = w.iter().sum();
    for (w, x) in w.iter_mut().zip(x) {
        *w += 1e-3 * x * total;
    }
}

#[autodiff_forward(df_apply, Dual, Const, Dual)]
fn apply(m: &Model, x: &[f64], out: &mut [f64]) {
    let total = model_sum(m);
    for (i, o) in out.iter_mut().enumerate() {
        let w = m.weights.get(i).copied().unwrap_or(1.0);
        let xi = x.get(i).copied().unwrap_or(0.0);
        *o = w * xi + 1e-3 * total;
    }
}

// --------------------------------------------------------------- helpers

/// Silences the panic messages of refused shadows, which every case provokes
/// on purpose; every other panic is reported as usual.
fn quiet_refusals() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| info.payload().downcast_ref::<&str>().copied())
                .unwrap_or("");
            if !message.contains("does not match its primal") {
                default(info);
            }
        }));
    });
}

/// The expected refusal: the first argument (in signature order) whose
/// shadow the oracle finds different, with its path rooted at the argument.
struct Expected {
    argument: &'static str,
    shadow: &'static str,
    found: Found,
}

fn first_refusal(
    candidates: impl IntoIterator<Item = (&'static str, &'static str, Option<Found>)>,
) -> Option<Expected> {
    candidates
        .into_iter()
        .find_map(|(argument, shadow, found)| {
            found.map(|found| Expected {
                argument,
                shadow,
                found,
            })
        })
}

fn check_error(
    error: &ShadowError,
    function: &str,
    expected: &Expected,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(error.function(), Some(function));
    prop_assert_eq!(error.argument(), Some(expected.argument));
    prop_assert_eq!(error.shadow(), Some(expected.shadow));
    prop_assert_eq!(
        error.path(),
        format!("{}{}", expected.argument, expected.found.path)
    );
    prop_assert_eq!(
        error.segments().cloned().collect::<Vec<_>>(),
        expected.found.segments.clone()
    );
    prop_assert_eq!(error.mismatch(), &expected.found.mismatch);
    Ok(())
}

/// Runs a refused call through `try_` (`attempt`) and through the panicking
/// derivative (`call`) on the same arguments, checking the error and that
/// `state` (every primal and shadow, bit for bit, with its buffers) is
/// unchanged after each.
fn refused<A, S: PartialEq + Debug, R: Debug>(
    function: &str,
    expected: &Expected,
    args: &mut A,
    state: impl Fn(&A) -> S,
    attempt: impl FnOnce(&mut A) -> Result<R, ShadowError>,
    call: impl FnOnce(&mut A) -> R,
) -> Result<(), TestCaseError> {
    let before = state(args);
    let error = match attempt(args) {
        Ok(value) => {
            return Err(TestCaseError::fail(format!(
                "{function} accepted a mismatched shadow `{}` at `{}{}` and returned {value:?}",
                expected.shadow, expected.argument, expected.found.path
            )));
        }
        Err(error) => error,
    };
    check_error(&error, function, expected)?;
    prop_assert_eq!(
        &state(args),
        &before,
        "try_{} wrote to its arguments",
        function
    );

    quiet_refusals();
    let payload = match catch_unwind(AssertUnwindSafe(|| call(args))) {
        Ok(value) => {
            return Err(TestCaseError::fail(format!(
                "{function} did not panic on a mismatched shadow and returned {value:?}"
            )));
        }
        Err(payload) => payload,
    };
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    prop_assert_eq!(message, error.to_string());
    prop_assert_eq!(&state(args), &before, "{} wrote to its arguments", function);
    Ok(())
}

/// A `Vec<f64>` and a shadow of it: `make_zero`, or resized and scrambled.
fn vec_with_shadow() -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    with_shadow(vec_f64(), 0, 1)
}

// ------------------------------------------------------------ properties

proptest! {
    #![proptest_config(config())]

    /// Reverse mode, `&T` inputs: `d_loss(m, dm_0, x, dx_0, dret)`.
    #[test]
    fn reverse_refusal_writes_nothing(
        (m, dm) in with_shadow(model(1), 1, 3),
        (x, dx) in vec_with_shadow(),
        dret in -2.0..2.0_f64,
    ) {
        let expected = first_refusal([
            ("m", "dm_0", first_mismatch(&m, &dm)),
            ("x", "dx_0", first_mismatch(&x, &dx)),
        ]);
        let mut args = (m, dm, x, dx);
        match expected {
            None => {
                let (m, dm, x, dx) = &mut args;
                prop_assert!(try_d_loss(m, dm, x, dx, dret).is_ok());
            }
            Some(expected) => refused(
                "d_loss",
                &expected,
                &mut args,
                |(m, dm, x, dx)| (snapshot(m), snapshot(dm), snapshot(x), snapshot(dx)),
                |(m, dm, x, dx)| try_d_loss(m, dm, x, dx, dret),
                |(m, dm, x, dx)| d_loss(m, dm, x, dx, dret),
            )?,
        }
    }

    /// Reverse mode, width 2: the second shadow is checked too, and named.
    #[test]
    fn reverse_width_two_refusal_writes_nothing(
        (m, dm0) in with_shadow(model(1), 0, 2),
        more in mutations(0, 2),
        x in vec_f64(),
    ) {
        let dm1 = mutated(make_zero(&m), &more, Some(7));
        let expected = first_refusal([
            ("m", "dm_0", first_mismatch(&m, &dm0)),
            ("m", "dm_1", first_mismatch(&m, &dm1)),
        ]);
        let mut args = (m, dm0, dm1, x);
        match expected {
            None => {
                let (m, dm0, dm1, x) = &mut args;
                prop_assert!(try_d2_loss(m, dm0, dm1, x, 1.0).is_ok());
            }
            Some(expected) => refused(
                "d2_loss",
                &expected,
                &mut args,
                |(m, dm0, dm1, x)| (snapshot(m), snapshot(dm0), snapshot(dm1), snapshot(x)),
                |(m, dm0, dm1, x)| try_d2_loss(m, dm0, dm1, x, 1.0),
                |(m, dm0, dm1, x)| d2_loss(m, dm0, dm1, x, 1.0),
            )?,
        }
    }

    /// Reverse mode, `&mut T`: a refused call must not even run the primal.
    #[test]
    fn reverse_mut_refusal_writes_nothing(
        (w, dw) in with_shadow(vec_f64(), 1, 3),
        x in vec_f64(),
    ) {
        let expected =
            first_refusal([("w", "dw_0", first_mismatch_writable(w.as_slice(), dw.as_slice()))]);
        let mut args = (w, dw, x);
        match expected {
            None => {
                let (w, dw, x) = &mut args;
                prop_assert!(try_d_step(w, dw, x).is_ok());
            }
            Some(expected) => refused(
                "d_step",
                &expected,
                &mut args,
                |(w, dw, x)| (snapshot(w), snapshot(dw), snapshot(x)),
                |(w, dw, x)| try_d_step(w, dw, x),
                |(w, dw, x)| d_step(w, dw, x),
            )?,
        }
    }

    /// Forward mode with a `&mut` output: `df_apply(m, bm_0, x, out, bout_0)`.
    #[test]
    fn forward_refusal_writes_nothing(
        (m, bm) in with_shadow(model(1), 0, 2),
        x in vec_f64(),
        (out, bout) in vec_with_shadow(),
    ) {
        let expected = first_refusal([
            ("m", "bm_0", first_mismatch(&m, &bm)),
            ("out", "bout_0", first_mismatch(&out, &bout)),
        ]);
        let mut args = (m, bm, x, out, bout);
        match expected {
            None => {
                let (m, bm, x, out, bout) = &mut args;
                prop_assert!(try_df_apply(m, bm, x, out, bout).is_ok());
            }
            Some(expected) => refused(
                "df_apply",
                &expected,
                &mut args,
                |(m, bm, x, out, bout)| {
                    (snapshot(m), snapshot(bm), snapshot(x), snapshot(out), snapshot(bout))
                },
                |(m, bm, x, out, bout)| try_df_apply(m, bm, x, out, bout),
                |(m, bm, x, out, bout)| df_apply(m, bm, x, out, bout),
            )?,
        }
    }
}
