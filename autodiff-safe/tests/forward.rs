//! Forward mode on the reference backend: every activity and width, methods
//! of every receiver kind, values against analytic derivatives, refusals.
#![cfg_attr(feature = "enzyme", feature(autodiff))]
#![allow(
    clippy::float_cmp,
    clippy::ptr_arg,
    clippy::needless_pass_by_value,
    clippy::cast_precision_loss,
    reason = "exact values are compared on purpose, and the signatures exercise these argument types on purpose"
)]

use autodiff_safe::{
    Mismatch, ShadowCheck, autodiff, autodiff_forward, autodiff_reverse, make_zero,
};

fn assert_close(actual: f64, expected: f64) {
    let tolerance = 1e-6 * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tolerance,
        "{actual} is not within {tolerance} of {expected}"
    );
}

// std's documented example, attributes stacked on one function.
#[autodiff_forward(rb_fwd1, Dual, Const, Dual)]
#[autodiff_forward(rb_fwd2, Const, Dual, Dual)]
#[autodiff_forward(rb_fwd3, Dual, Dual, Dual)]
fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x.powi(2)).powi(2)
}

#[autodiff_forward(rb_inp_fwd, Dual, Dual, Dual)]
fn rosenbrock_inp(x: f64, y: f64, out: &mut f64) {
    *out = (1.0 - x).powi(2) + 100.0 * (y - x.powi(2)).powi(2);
}

#[test]
fn std_documented_forward_examples() {
    assert_eq!(rosenbrock(1.0, 3.0), 400.0);
    let (x1, dx1) = rb_fwd1(1.0, 1.0, 3.0);
    assert_eq!(x1, 400.0);
    assert_close(dx1, -800.0);
    let (x2, dy1) = rb_fwd2(1.0, 3.0, 1.0);
    assert_eq!(x2, 400.0);
    assert_close(dy1, 400.0);
    let (x3, dxy) = rb_fwd3(1.0, 1.0, 3.0, 1.0);
    assert_eq!(x3, 400.0);
    assert_close(dxy, -400.0);
    let mut out = 0.0;
    let mut dout = 0.0;
    rb_inp_fwd(1.0, 1.0, 3.0, 1.0, &mut out, &mut dout);
    assert_eq!(out, 400.0);
    assert_close(dout, -400.0);
}

#[autodiff_forward(d_dot, Dual, Const, Dual)]
fn dot(x: &[f64], w: &[f64]) -> f64 {
    x.iter().zip(w).map(|(a, b)| a * b).sum()
}

#[test]
fn dual_slice_tangent_and_its_check() {
    let x = [1.0, 2.0, 3.0];
    let w = [4.0, 5.0, 6.0];
    let (value, tangent) = d_dot(&x, &[1.0, 0.0, 1.0], &w);
    assert_eq!(value, 32.0);
    assert_close(tangent, 10.0);
    let err = try_d_dot(&x, &[1.0, 0.0], &w).unwrap_err();
    assert_eq!(
        err.to_string(),
        "d_dot: shadow `bx_0` does not match its primal `x` at `x`: primal has length 3, shadow has length 2"
    );
}

#[autodiff_forward(d_width4, 4, Dual, DualOnly)]
#[autodiff_forward(d_width2, 2, Dual, Dual)]
#[autodiff_forward(d_vector, 2, Dualv, Dual)]
#[autodiff_forward(d_vector_only, 3, Dualv, DualvOnly)]
fn cubes(x: &[f64]) -> f64 {
    x.iter().map(|v| v * v * v).sum()
}

#[test]
fn batch_widths_and_vector_mode() {
    let x = [1.0, 2.0];
    let [t0, t1, t2, t3] = d_width4(&x, &[1.0, 0.0], &[0.0, 1.0], &[1.0, 1.0], &[0.0, 0.0]);
    assert_close(t0, 3.0);
    assert_close(t1, 12.0);
    assert_close(t2, 15.0);
    assert_eq!(t3, 0.0);
    let [value, t0, t1] = d_width2(&x, &[1.0, 0.0], &[0.0, 2.0]);
    assert_eq!(value, 9.0);
    assert_close(t0, 3.0);
    assert_close(t1, 24.0);
    // Dualv: both tangents back to back in one slice.
    let [value, t0, t1] = d_vector(&x, &[1.0, 0.0, 0.0, 2.0]);
    assert_eq!(value, 9.0);
    assert_close(t0, 3.0);
    assert_close(t1, 24.0);
    // A `DualvOnly` return keeps the derivative safe, as in std.
    let [t0, t1, t2] = d_vector_only(&x, &[1.0, 0.0, 0.0, 1.0, 1.0, 1.0]);
    assert_close(t0, 3.0);
    assert_close(t1, 12.0);
    assert_close(t2, 15.0);

    let err = try_d_vector(&x, &[1.0, 0.0, 0.0]).unwrap_err();
    assert_eq!(
        err.mismatch(),
        &Mismatch::BatchLength {
            width: 2,
            primal: 2,
            shadow: 3
        }
    );
    assert_eq!(
        err.to_string(),
        "d_vector: shadow `bx_0` does not match its primal `x` at `x`: batch of width 2 needs a shadow of length 4 (2 x 2), shadow has length 3"
    );
    let err = try_d_width2(&x, &[1.0, 0.0], &[0.0]).unwrap_err();
    assert_eq!(err.shadow(), Some("bx_1"));
}

#[autodiff_forward(d_scale_into, Dual, Dual)]
fn scale_into(x: &[f64], out: &mut Vec<f64>) {
    for (o, v) in out.iter_mut().zip(x) {
        *o = 3.0 * v * v;
    }
}

#[test]
fn dual_output_shadow_is_overwritten_with_the_tangent() {
    let x = [1.0, 2.0];
    let mut out = vec![0.0; 2];
    let mut dout = vec![99.0, 99.0];
    d_scale_into(&x, &[1.0, 1.0], &mut out, &mut dout);
    assert_eq!(out, [3.0, 12.0]);
    assert_close(dout[0], 6.0);
    assert_close(dout[1], 12.0);
    let mut wrong = vec![0.0; 3];
    let err = try_d_scale_into(&x, &[1.0, 1.0], &mut out, &mut wrong).unwrap_err();
    assert_eq!(err.argument(), Some("out"));
    assert_eq!(wrong, [0.0; 3]);
    assert_eq!(out, [3.0, 12.0]);
}

#[autodiff_forward(d_by_value, Dual, Dual)]
fn by_value(v: Vec<f64>) -> f64 {
    v.iter().map(|x| x.exp()).sum()
}

#[test]
fn dual_by_value_argument() {
    let (value, tangent) = d_by_value(vec![0.0, 1.0], vec![1.0, 1.0]);
    assert_eq!(value, 1.0 + 1.0_f64.exp());
    assert_close(tangent, 1.0 + 1.0_f64.exp());
    let err = try_d_by_value(vec![0.0, 1.0], vec![1.0]).unwrap_err();
    assert_eq!(
        err.mismatch(),
        &Mismatch::Length {
            primal: 2,
            shadow: 1
        }
    );
}

#[autodiff_forward(d_only_input, DualOnly, Dual)]
fn only_input(x: f64) -> f64 {
    x * x
}

#[test]
fn dual_only_input_is_unsafe() {
    // SAFETY: `x` is a copy; nothing relies on it afterwards.
    let (value, tangent) = unsafe { d_only_input(3.0, 1.0) };
    assert_eq!(value, 9.0);
    assert_close(tangent, 6.0);
}

#[autodiff(d_card, Forward, Dual, Dual)]
fn card(x: f32) -> f32 {
    x.sin()
}

#[test]
fn design_card_spelling_and_f32() {
    let (value, tangent) = d_card(1.0, 1.0);
    assert_eq!(value, 1.0_f32.sin());
    assert!((tangent - 1.0_f32.cos()).abs() < 1e-3, "{tangent}");
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Quadratic {
    coeffs: Vec<f64>,
    calls: u32,
}

impl Quadratic {
    #[autodiff_reverse(d_eval, Duplicated, Active, Active)]
    fn eval(&self, x: f64) -> f64 {
        self.coeffs[0] + self.coeffs[1] * x + self.coeffs[2] * x * x
    }

    #[autodiff_forward(d_consume, Dual, Dual)]
    fn consume(self) -> f64 {
        self.coeffs.iter().sum()
    }

    #[autodiff_forward(d_slope, Dual, Dual, Dual)]
    fn slope(&self, x: f64) -> f64 {
        self.coeffs[1] + 2.0 * self.coeffs[2] * x
    }
}

/// `&mut self` in reverse mode: only a structure no value can change is
/// accepted (a `Vec` could be replaced inside the pass), so the
/// coefficients are an array here.
#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct FixedQuadratic {
    coeffs: [f64; 3],
    calls: u32,
}

impl FixedQuadratic {
    // This Enzyme cannot differentiate the integer increment through the
    // duplicated `self` ("cannot handle unknown binary operator: add i32"),
    // raw std included; see the compatibility table in the README.
    #[cfg_attr(
        not(feature = "enzyme"),
        autodiff_reverse(d_eval_and_count, Duplicated, Const, Active)
    )]
    #[cfg_attr(
        feature = "enzyme",
        allow(dead_code, reason = "not differentiable by this Enzyme")
    )]
    fn eval_and_count(&mut self, x: f64) -> f64 {
        self.calls += 1;
        self.coeffs.iter().rev().fold(0.0, |acc, c| acc * x + c)
    }

    #[autodiff_reverse(d_eval_in_place, Duplicated, Const, Active)]
    fn eval_in_place(&mut self, x: f64) -> f64 {
        for c in &mut self.coeffs {
            *c *= 2.0;
        }
        self.coeffs.iter().rev().fold(0.0, |acc, c| acc * x + c)
    }
}

#[test]
fn methods_of_every_receiver_kind() {
    let q = Quadratic {
        coeffs: vec![1.0, 2.0, 3.0],
        calls: 0,
    };
    let mut dq = make_zero(&q);
    let (value, dx) = q.d_eval(&mut dq, 2.0, 1.0);
    assert_eq!(value, 17.0);
    assert_close(dx, 14.0);
    assert_close(dq.coeffs[0], 1.0);
    assert_close(dq.coeffs[1], 2.0);
    assert_close(dq.coeffs[2], 4.0);

    let mut wrong = Quadratic {
        coeffs: vec![0.0],
        calls: 0,
    };
    let err = q.try_d_eval(&mut wrong, 2.0, 1.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "d_eval: shadow `dself_0` does not match its primal `self` at `self.coeffs`: primal has length 3, shadow has length 1"
    );

    let fixed = FixedQuadratic {
        coeffs: [1.0, 2.0, 3.0],
        calls: 0,
    };
    #[cfg(not(feature = "enzyme"))]
    {
        let mut counted = fixed.clone();
        let mut dcounted = make_zero(&counted);
        let value = counted.d_eval_and_count(&mut dcounted, 1.0, 1.0);
        assert_eq!(value, 6.0);
        assert_eq!(counted.calls, 1, "the real call runs exactly once");
        assert_close(dcounted.coeffs[2], 1.0);
    }

    let mut twice = fixed.clone();
    let mut dtwice = make_zero(&twice);
    let value = twice.d_eval_in_place(&mut dtwice, 1.0, 1.0);
    assert_eq!(value, 12.0);
    assert_eq!(twice.coeffs, [2.0, 4.0, 6.0]);
    // Seeds were zero, so only the return contributes: d/dc_i (sum 2 c_i) = 2.
    for g in &dtwice.coeffs {
        assert_close(*g, 2.0);
    }

    let (value, tangent) = q.clone().d_consume(Quadratic {
        coeffs: vec![1.0, 0.0, 1.0],
        calls: 0,
    });
    assert_eq!(value, 6.0);
    assert_close(tangent, 2.0);

    let tangent_q = Quadratic {
        coeffs: vec![0.0, 0.0, 1.0],
        calls: 0,
    };
    let (value, tangent) = q.d_slope(&tangent_q, 1.0, 1.0);
    assert_eq!(value, 8.0);
    // d/dc2 (2 c2 x) * 1 + d/dx (2 c2 x) * 1 = 2 + 6.
    assert_close(tangent, 8.0);
}

#[test]
fn forward_matches_reverse_on_the_same_function() {
    #[autodiff_forward(fwd, Dual, Dual)]
    #[autodiff_reverse(rev, Duplicated, Active)]
    fn f(x: &[f64]) -> f64 {
        x[0].exp() * x[1].sin() + x[2].tanh()
    }
    let x = [0.3, -0.7, 1.1];
    let mut gradient = [0.0; 3];
    rev(&x, &mut gradient, 1.0);
    for (i, g) in gradient.iter().enumerate() {
        let mut e = [0.0; 3];
        e[i] = 1.0;
        let (_, tangent) = fwd(&x, &e);
        assert_close(tangent, *g);
    }
}

// Vector mode over nested elements is only exercised on the reference
// backend: what Enzyme reads through a `Dualv` shadow of `Vec`s is not
// documented upstream.
#[cfg(not(feature = "enzyme"))]
mod nested_vector_mode {
    use autodiff_safe::autodiff_forward;

    #[autodiff_forward(d_nested, 2, Dualv, Dual)]
    fn nested(x: &[Vec<f64>]) -> f64 {
        x.iter().flatten().map(|v| v.sin()).sum()
    }

    #[test]
    fn lane_mismatch_names_the_primal_path_and_the_lane() {
        let x = vec![vec![0.5], vec![1.0, 2.0]];
        let bad = vec![vec![0.0], vec![0.0, 0.0], vec![0.0], vec![0.0]];
        let err = try_d_nested(&x, &bad).unwrap_err();
        assert_eq!(err.path(), "x[1]");
        assert_eq!(err.lane(), Some(1));
        assert_eq!(
            err.to_string(),
            "d_nested: shadow `bx_0` does not match its primal `x` at `x[1]` in batch lane 1: primal has length 2, shadow has length 1"
        );
        let good = vec![vec![1.0], vec![0.0, 0.0], vec![0.0], vec![0.0, 1.0]];
        let [value, t0, t1] = d_nested(&x, &good);
        assert_eq!(value, 0.5_f64.sin() + 1.0_f64.sin() + 2.0_f64.sin());
        assert!((t0 - 0.5_f64.cos()).abs() < 1e-7, "{t0}");
        assert!((t1 - 2.0_f64.cos()).abs() < 1e-7, "{t1}");
    }
}

/// The reference backend pairs a `&mut` dual argument's tangent with its
/// structure before the call; a function that changes that structure is
/// refused by name, not by an index panic inside generated code. (Enzyme
/// mirrors `mem::take` on the shadow, so this is the reference backend's.)
#[cfg(not(feature = "enzyme"))]
mod structure_changed_in_forward_mode {
    use autodiff_safe::{ShadowCheck, autodiff_forward};

    #[autodiff_forward(d_take, Dual, Dual)]
    fn take(x: &mut Vec<f64>) -> f64 {
        let s = x[0] * 2.0;
        drop(std::mem::take(x));
        s
    }

    #[derive(ShadowCheck, Debug, PartialEq)]
    enum Head {
        Linear(f64),
        Poly(Vec<f64>),
    }

    #[autodiff_forward(d_switch, Dual, Dual)]
    fn switch(h: &mut Head) -> f64 {
        let s = match h {
            Head::Linear(w) => *w,
            Head::Poly(c) => c.iter().sum(),
        };
        *h = Head::Linear(s);
        s
    }

    fn message(run: impl FnOnce() + std::panic::UnwindSafe) -> String {
        let panic = std::panic::catch_unwind(run).unwrap_err();
        panic.downcast_ref::<String>().cloned().unwrap_or_default()
    }

    #[test]
    fn a_taken_vec_is_named() {
        let text = message(|| {
            let _ = d_take(&mut vec![1.0, 2.0, 3.0], &mut vec![1.0, 0.0, 0.0]);
        });
        assert!(
            text.starts_with(
                "d_take: the function changed the structure of `x`, a `Dual` `&mut` argument: \
                 it had 3 float leaves before the call and 0 after"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_changed_variant_is_named() {
        let text = message(|| {
            let _ = d_switch(
                &mut Head::Poly(vec![1.0, 2.0]),
                &mut Head::Poly(vec![1.0, 1.0]),
            );
        });
        assert!(
            text.starts_with(
                "d_switch: the function changed the structure of `h`, a `Dual` `&mut` \
                 argument: it had 2 float leaves before the call and 1 after"
            ),
            "{text}"
        );
    }
}
