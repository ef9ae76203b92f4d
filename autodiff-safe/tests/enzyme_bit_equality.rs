//! The Enzyme tier: every checked derivative returns, and writes into its
//! shadows, exactly what std's raw derivative of the same function does, bit
//! for bit. Each function is written twice from the same tokens, once under
//! `autodiff_safe`'s attribute and once under std's.
//!
//! With the `gradcheck` feature, `gradcheck_every_construct` also checks
//! every one of these derivatives against finite differences: bit equality
//! with raw std says both agree, gradcheck that they are right.
//!
//! Run with nightly, Enzyme and fat LTO:
//! `RUSTFLAGS=-Zautodiff=Enable cargo +nightly test --profile enzyme -p autodiff-safe --features enzyme --test enzyme_bit_equality`
//! (and `--features enzyme,gradcheck` for the gradchecks).
#![cfg(feature = "enzyme")]
#![feature(autodiff)]
#![allow(
    clippy::float_cmp,
    clippy::ptr_arg,
    clippy::cast_precision_loss,
    reason = "exact results are compared on purpose, and the signatures exercise these argument types on purpose"
)]

use std::cell::Cell;

use autodiff_safe::__private_0_1::reference::floats;
use autodiff_safe::{FloatTree, ShadowCheck, make_zero};

thread_local! {
    /// Leaves compared on this thread: tests run on threads of their own.
    static COMPARED: Cell<usize> = const { Cell::new(0) };
}

/// Asserts that two values have bit-identical float leaves (and the same
/// number of them), counting one comparison per leaf.
#[track_caller]
fn assert_bits<T: FloatTree + ?Sized>(what: &str, safe: &T, raw: &T) {
    let (safe, raw) = (floats(safe), floats(raw));
    assert_eq!(safe.len(), raw.len(), "{what}: leaf counts differ");
    for (index, (s, r)) in safe.iter().zip(&raw).enumerate() {
        assert_eq!(
            s.to_bits(),
            r.to_bits(),
            "{what}: leaf {index} differs: safe {s:e}, raw {r:e}"
        );
    }
    COMPARED.with(|count| count.set(count.get() + safe.len()));
}

/// Writes one function twice, under the checked and the raw attribute.
macro_rules! twin {
    (
        safe: $safe_mode:ident ( $($safe_args:tt)* ),
        raw: ( $($raw_args:tt)* ),
        fn $safe:ident / $raw:ident $([$($generics:tt)*])? ( $($params:tt)* ) $(-> $ret:ty)? $body:block
    ) => {
        #[autodiff_safe::$safe_mode($($safe_args)*)]
        fn $safe $($($generics)*)? ($($params)*) $(-> $ret)? $body

        #[std::autodiff::$safe_mode($($raw_args)*)]
        fn $raw $($($generics)*)? ($($params)*) $(-> $ret)? $body
    };
}

twin! {
    safe: autodiff_reverse(d_sum_sq, Duplicated, Active),
    raw: (raw_sum_sq, Duplicated, Active),
    fn sum_sq / sum_sq_raw(x: &[f64]) -> f64 {
        x.iter().map(|v| v * v).sum()
    }
}

twin! {
    safe: autodiff_reverse(d_vec_out, Duplicated, Duplicated, Active),
    raw: (raw_vec_out, Duplicated, Duplicated, Active),
    fn vec_out / vec_out_raw(x: &Vec<f64>, out: &mut [f64]) -> f64 {
        for (o, v) in out.iter_mut().zip(x) {
            *o = v.sin() * v;
        }
        x.iter().map(|v| v.exp()).sum()
    }
}

twin! {
    safe: autodiff_reverse(d_rosen, Active, Active, Active),
    raw: (raw_rosen, Active, Active, Active),
    fn rosen / rosen_raw(x: f64, y: f64) -> f64 {
        (1.0 - x).powi(2) + 100.0 * (y - x.powi(2)).powi(2)
    }
}

twin! {
    safe: autodiff_reverse(d_seeded, Active, Active, Duplicated),
    raw: (raw_seeded, Active, Active, Duplicated),
    fn seeded / seeded_raw(x: f64, y: f64, out: &mut f64) {
        *out = (1.0 - x).powi(2) + 100.0 * (y - x.powi(2)).powi(2);
    }
}

#[test]
fn slices_vecs_scalars_and_seeds() {
    let x = [0.5, -1.25, 2.0, 3.5];
    let (mut safe, mut raw) = ([0.25; 4], [0.25; 4]);
    let (a, b) = (d_sum_sq(&x, &mut safe, 1.0), raw_sum_sq(&x, &mut raw, 1.0));
    assert_bits("sum_sq value", &a, &b);
    assert_bits("sum_sq shadow", &safe[..], &raw[..]);

    let x = vec![0.3, 0.7, -1.1];
    let (mut out_safe, mut out_raw) = (vec![0.0; 3], vec![0.0; 3]);
    let (mut dx_safe, mut dx_raw) = (vec![0.0; 3], vec![0.0; 3]);
    let (mut seed_safe, mut seed_raw) = (vec![1.0, 0.5, -2.0], vec![1.0, 0.5, -2.0]);
    let a = d_vec_out(&x, &mut dx_safe, &mut out_safe, &mut seed_safe, 1.0);
    let b = raw_vec_out(&x, &mut dx_raw, &mut out_raw, &mut seed_raw, 1.0);
    assert_bits("vec_out value", &a, &b);
    assert_bits("vec_out dx", &dx_safe, &dx_raw);
    assert_bits("vec_out out", &out_safe, &out_raw);
    assert_bits("vec_out seed", &seed_safe, &seed_raw);

    let (a, b) = (d_rosen(1.0, 3.0, 1.0), raw_rosen(1.0, 3.0, 1.0));
    assert_bits("rosenbrock", &a, &b);
    assert_eq!(a, (400.0, -800.0, 400.0));

    let (mut out_safe, mut out_raw, mut seed_safe, mut seed_raw) = (0.0, 0.0, 1.0, 1.0);
    let a = d_seeded(1.0, 3.0, &mut out_safe, &mut seed_safe);
    let b = raw_seeded(1.0, 3.0, &mut out_raw, &mut seed_raw);
    assert_bits("seeded", &a, &b);
    assert_bits("seeded out", &(out_safe, seed_safe), &(out_raw, seed_raw));
    assert_eq!((a, out_safe, seed_safe), ((-800.0, 400.0), 400.0, 0.0));
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Inner {
    w: Vec<f64>,
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Outer {
    inner: Inner,
    scale: [f64; 2],
    bias: Option<Vec<f64>>,
    head: Box<[f64]>,
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
enum Curve {
    Linear { slope: f64 },
    Poly(Vec<f64>),
}

twin! {
    safe: autodiff_reverse(d_outer, Duplicated, Active),
    raw: (raw_outer, Duplicated, Active),
    fn outer / outer_raw(m: &Outer) -> f64 {
        let mut total = m.scale[0] * m.scale[1];
        for w in &m.inner.w {
            total += w * w;
        }
        if let Some(bias) = &m.bias {
            for b in bias {
                total += b.tanh();
            }
        }
        for h in &m.head {
            total += h.exp();
        }
        total
    }
}

twin! {
    safe: autodiff_reverse(d_curve, Duplicated, Const, Active),
    raw: (raw_curve, Duplicated, Const, Active),
    fn curve / curve_raw(c: &Curve, x: f64) -> f64 {
        match c {
            Curve::Linear { slope } => slope * x,
            Curve::Poly(coeffs) => {
                let mut acc = 0.0;
                for c in coeffs.iter().rev() {
                    acc = acc * x + c;
                }
                acc
            }
        }
    }
}

#[test]
fn nested_structs_enums_options_and_boxes() {
    let m = Outer {
        inner: Inner {
            w: vec![0.5, -0.25, 1.5],
        },
        scale: [2.0, -3.0],
        bias: Some(vec![0.1, 0.2]),
        head: vec![0.0, 1.0].into_boxed_slice(),
    };
    let (mut safe, mut raw) = (make_zero(&m), make_zero(&m));
    let (a, b) = (d_outer(&m, &mut safe, 1.0), raw_outer(&m, &mut raw, 1.0));
    assert_bits("outer value", &a, &b);
    assert_bits("outer shadow", &safe, &raw);

    for c in [
        Curve::Linear { slope: 1.5 },
        Curve::Poly(vec![1.0, -2.0, 0.5]),
    ] {
        let (mut safe, mut raw) = (make_zero(&c), make_zero(&c));
        let (a, b) = (
            d_curve(&c, &mut safe, 1.7, 1.0),
            raw_curve(&c, &mut raw, 1.7, 1.0),
        );
        assert_bits("curve value", &a, &b);
        assert_bits("curve shadow", &safe, &raw);
    }
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Model {
    w: [f64; 3],
}

impl Model {
    #[autodiff_safe::autodiff_reverse(d_loss, Duplicated, Active, Active)]
    fn loss(&self, s: f64) -> f64 {
        self.w.iter().map(|v| v * v * s).sum()
    }

    #[std::autodiff::autodiff_reverse(raw_loss, Duplicated, Active, Active)]
    fn loss_raw(&self, s: f64) -> f64 {
        self.w.iter().map(|v| v * v * s).sum()
    }

    #[autodiff_safe::autodiff_reverse(d_step, Duplicated, Const, Active)]
    fn step(&mut self, lr: f64) -> f64 {
        for w in &mut self.w {
            *w -= lr * w.sin();
        }
        self.w.iter().sum()
    }

    #[std::autodiff::autodiff_reverse(raw_step, Duplicated, Const, Active)]
    fn step_raw(&mut self, lr: f64) -> f64 {
        for w in &mut self.w {
            *w -= lr * w.sin();
        }
        self.w.iter().sum()
    }

    #[autodiff_safe::autodiff_forward(d_total, Dual, Dual)]
    fn total(self) -> f64 {
        self.w.iter().map(|v| v.cos()).sum()
    }

    #[std::autodiff::autodiff_forward(raw_total, Dual, Dual)]
    fn total_raw(self) -> f64 {
        self.w.iter().map(|v| v.cos()).sum()
    }
}

#[test]
fn methods_with_every_receiver() {
    let m = Model {
        w: [0.5, -1.0, 2.0],
    };
    let (mut safe, mut raw) = (make_zero(&m), make_zero(&m));
    let (a, b) = (
        m.d_loss(&mut safe, 1.5, 1.0),
        m.raw_loss(&mut raw, 1.5, 1.0),
    );
    assert_bits("&self value", &a, &b);
    assert_bits("&self shadow", &safe, &raw);

    let (mut m_safe, mut m_raw) = (m.clone(), m.clone());
    let (mut safe, mut raw) = (
        Model {
            w: [1.0, 0.5, -1.0],
        },
        Model {
            w: [1.0, 0.5, -1.0],
        },
    );
    let (a, b) = (
        m_safe.d_step(&mut safe, 0.1, 1.0),
        m_raw.raw_step(&mut raw, 0.1, 1.0),
    );
    assert_bits("&mut self value", &a, &b);
    assert_bits("&mut self primal", &m_safe, &m_raw);
    assert_bits("&mut self shadow", &safe, &raw);

    let tangent = Model {
        w: [1.0, 0.0, -1.0],
    };
    let a = m.clone().d_total(tangent.clone());
    let b = m.clone().raw_total(tangent);
    assert_bits("self (forward)", &a, &b);
}

twin! {
    safe: autodiff_reverse(d_generic, Duplicated, Active),
    raw: (raw_generic, Duplicated, Active),
    fn generic / generic_raw[<T: Copy + Into<f64>>](x: &[T]) -> f64 {
        x.iter().map(|&v| {
            let v: f64 = v.into();
            v * v
        }).sum()
    }
}

twin! {
    safe: autodiff_reverse(d_fixed, Duplicated, Active),
    raw: (raw_fixed, Duplicated, Active),
    fn fixed / fixed_raw[<const N: usize>](x: &[f64; N]) -> f64 {
        x.iter().map(|v| v.powi(3)).sum()
    }
}

#[test]
fn generic_and_const_generic_functions() {
    let x = [1.5, -0.5];
    let (mut safe, mut raw) = ([0.0; 2], [0.0; 2]);
    let (a, b) = (
        d_generic::<f64>(&x, &mut safe, 1.0),
        raw_generic::<f64>(&x, &mut raw, 1.0),
    );
    assert_bits("generic value", &a, &b);
    assert_bits("generic shadow", &safe[..], &raw[..]);

    let x = [1.0, 2.0, -3.0];
    let (mut safe, mut raw) = ([0.0; 3], [0.0; 3]);
    let (a, b) = (d_fixed(&x, &mut safe, 1.0), raw_fixed(&x, &mut raw, 1.0));
    assert_bits("const generic value", &a, &b);
    assert_bits("const generic shadow", &safe, &raw);
}

twin! {
    safe: autodiff_forward(f_dual, Dual, Dual),
    raw: (raw_f_dual, Dual, Dual),
    fn dual / dual_raw(x: &[f64]) -> f64 {
        x.iter().map(|v| v.sin() * v.exp()).sum()
    }
}

twin! {
    safe: autodiff_forward(f_width2, 2, Dual, Dual),
    raw: (raw_f_width2, 2, Dual, Dual),
    fn width2 / width2_raw(x: &[f64]) -> f64 {
        x.iter().map(|v| v.sin() * v.exp()).sum()
    }
}

twin! {
    safe: autodiff_forward(f_width4, 4, Dual, DualOnly),
    raw: (raw_f_width4, 4, Dual, DualOnly),
    fn width4 / width4_raw(x: &[f64]) -> f64 {
        x.iter().map(|v| v.sin() * v.exp()).sum()
    }
}

twin! {
    safe: autodiff_forward(f_vector, 2, Dualv, Dual),
    raw: (raw_f_vector, 2, Dualv, Dual),
    fn vector / vector_raw(x: &[f64]) -> f64 {
        x.iter().map(|v| v.sin() * v.exp()).sum()
    }
}

twin! {
    safe: autodiff_forward(f_inplace, Dual, Dual, Dual),
    raw: (raw_f_inplace, Dual, Dual, Dual),
    fn inplace / inplace_raw(x: f64, y: f64, out: &mut f64) {
        *out = (1.0 - x).powi(2) + 100.0 * (y - x.powi(2)).powi(2);
    }
}

#[test]
fn forward_mode_widths_and_vector_mode() {
    let x = [0.25, -0.5, 1.0];
    let t = [1.0, 0.5, -2.0];
    let u = [0.0, 1.0, 0.0];
    assert_bits("dual", &f_dual(&x, &t), &raw_f_dual(&x, &t));
    assert_bits("width 2", &f_width2(&x, &t, &u), &raw_f_width2(&x, &t, &u));
    let v = [3.0, 0.0, 1.0];
    assert_bits(
        "width 4",
        &f_width4(&x, &t, &u, &v, &t),
        &raw_f_width4(&x, &t, &u, &v, &t),
    );
    let both = [1.0, 0.5, -2.0, 0.0, 1.0, 0.0];
    assert_bits("dualv", &f_vector(&x, &both), &raw_f_vector(&x, &both));
    let (mut out_safe, mut out_raw, mut dout_safe, mut dout_raw) = (0.0, 0.0, 0.0, 0.0);
    f_inplace(1.0, 1.0, 3.0, 1.0, &mut out_safe, &mut dout_safe);
    raw_f_inplace(1.0, 1.0, 3.0, 1.0, &mut out_raw, &mut dout_raw);
    assert_bits(
        "in-place forward",
        &(out_safe, dout_safe),
        &(out_raw, dout_raw),
    );
    assert_eq!((out_safe, dout_safe), (400.0, -400.0));
}

/// Repeats every construct on one thread and prints how many float leaves
/// were compared, for the tier's log.
#[test]
fn report_comparison_count() {
    slices_vecs_scalars_and_seeds();
    nested_structs_enums_options_and_boxes();
    methods_with_every_receiver();
    generic_and_const_generic_functions();
    forward_mode_widths_and_vector_mode();
    hessian_vector_product_forward_over_reverse();
    let compared = COMPARED.with(Cell::get);
    assert!(compared > 0);
    println!("enzyme bit-equality: {compared} float leaves compared bit for bit");
}

// Forward over reverse: the Hessian-vector product of a checked reverse-mode
// derivative, against the same nesting of raw derivatives.
#[autodiff_safe::autodiff_reverse(d_cubic, Duplicated, Active)]
fn cubic(x: &[f64]) -> f64 {
    x[0] * x[0] * x[1] + x[1].sin()
}

#[std::autodiff::autodiff_reverse(raw_d_cubic, Duplicated, Active)]
fn cubic_raw(x: &[f64]) -> f64 {
    x[0] * x[0] * x[1] + x[1].sin()
}

#[autodiff_safe::autodiff_forward(hvp, Dual, Dual)]
fn cubic_gradient(x: &[f64], g: &mut [f64]) {
    d_cubic(x, g, 1.0);
}

#[std::autodiff::autodiff_forward(raw_hvp, Dual, Dual)]
fn cubic_gradient_raw(x: &[f64], g: &mut [f64]) {
    raw_d_cubic(x, g, 1.0);
}

#[test]
fn hessian_vector_product_forward_over_reverse() {
    let x = [1.5, 0.5];
    let v = [1.0, 0.0];
    let (mut g_safe, mut g_raw, mut hv_safe, mut hv_raw) = ([0.0; 2], [0.0; 2], [0.0; 2], [0.0; 2]);
    hvp(&x, &v, &mut g_safe, &mut hv_safe);
    raw_hvp(&x, &v, &mut g_raw, &mut hv_raw);
    assert_bits("hvp gradient", &g_safe, &g_raw);
    assert_bits("hvp", &hv_safe, &hv_raw);
    // H v = [2 x1, 2 x0] for v = e0.
    assert_eq!(hv_safe, [1.0, 3.0]);
}

/// Every checked derivative of this file under gradcheck, with the
/// arguments of its bit-equality test: accumulated shadows start from zero,
/// seeds (`dret`, the seeds of `&mut` outputs and of `&mut self`) and
/// tangents are the test's. `d_total` is the one left out: a by-value
/// `self` receiver gets no gradcheck companion.
#[cfg(feature = "gradcheck")]
#[test]
fn gradcheck_every_construct() {
    use autodiff_safe::gradcheck::Report;

    let mut checked = 0;
    let mut check = |report: Report| {
        let report = report.assert();
        assert!(report.compared(), "{report}");
        println!("{report}");
        checked += 1;
    };

    // Slices, `Vec`s, scalars and seeds.
    check(gradcheck_d_sum_sq(
        &[0.5, -1.25, 2.0, 3.5],
        &mut [0.0; 4],
        1.0,
    ));
    let x = vec![0.3, 0.7, -1.1];
    check(gradcheck_d_vec_out(
        &x,
        &mut vec![0.0; 3],
        &mut [0.0; 3],
        &mut [1.0, 0.5, -2.0],
        1.0,
    ));
    check(gradcheck_d_rosen(1.0, 3.0, 1.0));
    check(gradcheck_d_seeded(1.0, 3.0, &mut 0.0, &mut 1.0));

    // Nested structs, enums, options and boxes.
    let outer = Outer {
        inner: Inner {
            w: vec![0.5, -0.25, 1.5],
        },
        scale: [2.0, -3.0],
        bias: Some(vec![0.1, 0.2]),
        head: vec![0.0, 1.0].into_boxed_slice(),
    };
    check(gradcheck_d_outer(&outer, &mut make_zero(&outer), 1.0));
    for curve in [
        Curve::Linear { slope: 1.5 },
        Curve::Poly(vec![1.0, -2.0, 0.5]),
    ] {
        check(gradcheck_d_curve(&curve, &mut make_zero(&curve), 1.7, 1.0));
    }

    // Methods: `&self` and `&mut self` (with the seed of the final state).
    let model = Model {
        w: [0.5, -1.0, 2.0],
    };
    check(model.gradcheck_d_loss(&mut make_zero(&model), 1.5, 1.0));
    let mut seed = Model {
        w: [1.0, 0.5, -1.0],
    };
    check(model.clone().gradcheck_d_step(&mut seed, 0.1, 1.0));

    // Generic and const-generic functions.
    check(gradcheck_d_generic::<f64>(&[1.5, -0.5], &mut [0.0; 2], 1.0));
    check(gradcheck_d_fixed(&[1.0, 2.0, -3.0], &mut [0.0; 3], 1.0));

    // Forward mode: widths 1, 2 and 4, `Dualv`, an in-place output.
    let x = [0.25, -0.5, 1.0];
    let tangent = [1.0, 0.5, -2.0];
    let unit = [0.0, 1.0, 0.0];
    let other = [3.0, 0.0, 1.0];
    check(gradcheck_f_dual(&x, &tangent));
    check(gradcheck_f_width2(&x, &tangent, &unit));
    check(gradcheck_f_width4(&x, &tangent, &unit, &other, &tangent));
    check(gradcheck_f_vector(&x, &[1.0, 0.5, -2.0, 0.0, 1.0, 0.0]));
    check(gradcheck_f_inplace(1.0, 1.0, 3.0, 1.0, &mut 0.0, &mut 0.0));

    // Forward over reverse.
    check(gradcheck_d_cubic(&[1.5, 0.5], &mut [0.0; 2], 1.0));
    check(gradcheck_hvp(
        &[1.5, 0.5],
        &[1.0, 0.0],
        &mut [0.0; 2],
        &mut [0.0; 2],
    ));

    println!("enzyme bit-equality: {checked} derivatives gradchecked");
}
