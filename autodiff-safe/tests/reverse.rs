//! Reverse mode on the reference backend: every activity, widths, generics,
//! values against analytic derivatives, and refusals with their messages.
#![cfg_attr(feature = "enzyme", feature(autodiff))]
#![allow(
    clippy::float_cmp,
    clippy::ptr_arg,
    clippy::ref_option,
    clippy::cast_precision_loss,
    reason = "exact values are compared on purpose, and the signatures exercise these argument types on purpose"
)]

use autodiff_safe::{Mismatch, ShadowCheck, autodiff, autodiff_reverse, make_zero};

fn assert_close(actual: f64, expected: f64) {
    let tolerance = 1e-6 * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tolerance,
        "{actual} is not within {tolerance} of {expected}"
    );
}

fn assert_all_close(actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len());
    for (a, e) in actual.iter().zip(expected) {
        assert_close(*a, *e);
    }
}

#[autodiff_reverse(d_sum_sq, Duplicated, Active)]
fn sum_sq(x: &[f64]) -> f64 {
    x.iter().map(|v| v * v).sum()
}

#[test]
fn duplicated_slice_adds_into_its_shadow() {
    let x = [1.0, -2.0, 3.0];
    let mut dx = [10.0, 10.0, 10.0];
    let y = d_sum_sq(&x, &mut dx, 1.0);
    assert_eq!(y, 14.0);
    // The gradient (2x) is added to what the shadow held.
    assert_all_close(&dx, &[12.0, 6.0, 16.0]);
}

// This Enzyme ignores the return seed and always uses 1.0 (pinned in the
// Enzyme tier's `enzyme_known_limits` test); the reference backend follows
// std's documentation, which scales the gradient by `dret`.
#[cfg(not(feature = "enzyme"))]
#[test]
fn return_seed_scales_the_gradient() {
    let x = [1.0, -2.0, 3.0];
    let mut dx = [0.0; 3];
    d_sum_sq(&x, &mut dx, 0.5);
    assert_all_close(&dx, &[1.0, -2.0, 3.0]);
}

#[test]
fn short_shadow_panics_naming_function_argument_and_lengths() {
    let x = [1.0, 2.0, 3.0];
    let mut dx = [0.0];
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        d_sum_sq(&x, &mut dx, 1.0);
    }))
    .unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert_eq!(
        message,
        "d_sum_sq: shadow `dx_0` does not match its primal `x` at `x`: primal has length 3, shadow has length 1"
    );
    assert_eq!(dx, [0.0]);
}

#[test]
fn try_twin_returns_the_error_and_writes_nothing() {
    let x = [1.0, 2.0, 3.0];
    let mut dx = vec![7.0; 4];
    let err = try_d_sum_sq(&x, &mut dx, 1.0).unwrap_err();
    assert_eq!(err.function(), Some("d_sum_sq"));
    assert_eq!(err.argument(), Some("x"));
    assert_eq!(err.shadow(), Some("dx_0"));
    assert_eq!(
        err.mismatch(),
        &Mismatch::Length {
            primal: 3,
            shadow: 4
        }
    );
    assert_eq!(dx, [7.0; 4]);
    let mut good = [0.0; 3];
    assert_eq!(try_d_sum_sq(&x, &mut good, 1.0), Ok(14.0));
}

// std's documented example: Active inputs come back after the primal result.
#[autodiff_reverse(rb_rev, Active, Active, Active)]
fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x.powi(2)).powi(2)
}

#[autodiff_reverse(rb_inp_rev, Active, Active, Duplicated)]
fn rosenbrock_inp(x: f64, y: f64, out: &mut f64) {
    *out = (1.0 - x).powi(2) + 100.0 * (y - x.powi(2)).powi(2);
}

#[test]
fn std_documented_reverse_examples() {
    let (value, dx, dy) = rb_rev(1.0, 3.0, 1.0);
    assert_eq!(value, 400.0);
    assert_close(dx, -800.0);
    assert_close(dy, 400.0);

    let mut out = 0.0;
    let mut seed = 1.0;
    let (dx, dy) = rb_inp_rev(1.0, 3.0, &mut out, &mut seed);
    assert_close(dx, -800.0);
    assert_close(dy, 400.0);
    assert_eq!(out, 400.0);
    // The output's seed is consumed.
    assert_eq!(seed, 0.0);
}

#[autodiff_reverse(d_scale_only, Active, ActiveOnly)]
fn cube(x: f64) -> f64 {
    x * x * x
}

#[autodiff_reverse(d_no_return, Active)]
fn ignore(x: f64) {
    let _ = x;
}

// This Enzyme fails on an `Active` input with a `Const` return ("Cannot cast
// return type of gradient { double } ... to desired type { double, double }"),
// raw std included; see the compatibility table in the README.
#[cfg(not(feature = "enzyme"))]
mod const_return {
    use autodiff_safe::autodiff_reverse;

    #[autodiff_reverse(d_const_return, Active, Const)]
    fn square_const(x: f64) -> f64 {
        x * x
    }

    #[test]
    fn const_return_has_no_seed_and_a_zero_gradient() {
        let (value, dx) = d_const_return(3.0);
        assert_eq!(value, 9.0);
        assert_eq!(dx, 0.0);
    }
}

#[test]
fn return_activities_shape_the_result() {
    // ActiveOnly drops the primal result.
    let dx: f64 = d_scale_only(2.0, 1.0);
    assert_close(dx, 12.0);
    // No return: the gradient alone.
    let dx: f64 = d_no_return(2.0);
    assert_eq!(dx, 0.0);
}

// Writes `out` by index, through a slice: behind `&mut` in reverse mode a
// `Vec` is refused, since a reverse pass cannot follow a reallocation.
#[autodiff_reverse(d_mixed, Duplicated, Const, Active, Duplicated, Active)]
fn mixed(x: &[f64], scale: usize, y: f64, out: &mut [f64]) -> f64 {
    #[allow(clippy::cast_precision_loss, reason = "test scale is tiny")]
    let s = scale as f64;
    for (o, v) in out.iter_mut().zip(x) {
        *o = v * y;
    }
    out[x.len()] = 0.0;
    x.iter().sum::<f64>() * s
}

#[test]
fn const_arguments_pass_through_and_active_gradients_come_back() {
    let x = [1.0, 2.0];
    let mut dx = [0.0, 0.0];
    let mut out = vec![0.0; 3];
    let mut dout = vec![1.0, 0.0, 5.0];
    let (value, dy) = d_mixed(&x, &mut dx, 3, 2.0, &mut out, &mut dout, 1.0);
    assert_eq!(value, 9.0);
    assert_eq!(out, [2.0, 4.0, 0.0]);
    // dL/dx = 3 (return) + seed . d(out)/dx = [3 + 1 * 2, 3 + 0 * 2].
    assert_all_close(&dx, &[5.0, 3.0]);
    // d(out)/dy = x: seed . x = 1 * 1 + 0 * 2.
    assert_close(dy, 1.0);
    // `out` is overwritten by the call: its seed is consumed entirely.
    assert_eq!(dout, [0.0, 0.0, 0.0]);
}

// This Enzyme cannot return an `f32` gradient next to an `f64` result
// ("Cannot cast return type of gradient { double, float }"), raw std
// included; see the compatibility table.
#[cfg(not(feature = "enzyme"))]
mod mixed_precision {
    use autodiff_safe::autodiff_reverse;

    #[autodiff_reverse(d_mixed_precision, Active, Active, Active)]
    fn mixed_precision(x: f64, y: f32) -> f64 {
        x * f64::from(y)
    }

    #[test]
    fn f32_gradient_next_to_an_f64_result() {
        let (value, dx, dy): (f64, f64, f32) = d_mixed_precision(3.0, 2.0, 1.0);
        assert_eq!(value, 6.0);
        assert!((dx - 2.0).abs() < 1e-6, "{dx}");
        assert!((dy - 3.0).abs() < 1e-3, "{dy}");
    }
}

#[autodiff_reverse(d_in_place, Duplicated)]
fn double_in_place(x: &mut [f64]) {
    for v in x.iter_mut() {
        *v *= 2.0;
    }
}

#[test]
fn in_place_argument_gets_gradient_wrt_its_initial_value() {
    let mut x = [1.0, 2.0];
    let mut dx = [1.0, 0.5];
    d_in_place(&mut x, &mut dx);
    assert_eq!(x, [2.0, 4.0]);
    assert_all_close(&dx, &[2.0, 1.0]);
}

// This Enzyme's type analysis fails on this model ("Cannot deduce type of
// phi"), raw std included; the Enzyme tier covers nested models with the
// constructs it can differentiate (see the compatibility table).
#[cfg(not(feature = "enzyme"))]
mod nested_model {
    use super::{assert_all_close, assert_close};
    use autodiff_safe::{ShadowCheck, autodiff_reverse, make_zero};

    #[derive(ShadowCheck, Debug, PartialEq)]
    struct Layer {
        w: Vec<f64>,
        b: Vec<f64>,
    }

    #[derive(ShadowCheck, Debug, PartialEq)]
    struct Mlp {
        layers: Vec<Layer>,
    }

    /// A 2-2-1 perceptron.
    #[autodiff_reverse(d_mlp, Duplicated, Const, Active)]
    fn mlp_loss(m: &Mlp, x: &[f64]) -> f64 {
        let (first, second) = (&m.layers[0], &m.layers[1]);
        let mut hidden = [0.0; 2];
        for (o, h) in hidden.iter_mut().enumerate() {
            let mut z = first.b[o];
            for (i, xi) in x.iter().enumerate() {
                z += first.w[o * 2 + i] * xi;
            }
            *h = z.tanh();
        }
        let mut z = second.b[0];
        for (w, h) in second.w.iter().zip(&hidden) {
            z += w * h;
        }
        let y = z.tanh();
        y * y
    }

    fn tiny_mlp() -> Mlp {
        Mlp {
            layers: vec![
                Layer {
                    w: vec![0.1, -0.2, 0.3, 0.4],
                    b: vec![0.0, 0.1],
                },
                Layer {
                    w: vec![0.5, -0.6],
                    b: vec![0.2],
                },
            ],
        }
    }

    #[test]
    fn nested_model_gradient_matches_its_analytic_value() {
        let m = tiny_mlp();
        let x = [1.0, -1.0];
        let mut dm = make_zero(&m);
        let loss = d_mlp(&m, &mut dm, &x, 1.0);
        // Analytic backpropagation.
        let z1: Vec<f64> = (0..2)
            .map(|o| {
                m.layers[0].w[o * 2] * x[0] + m.layers[0].w[o * 2 + 1] * x[1] + m.layers[0].b[o]
            })
            .collect();
        let h1: Vec<f64> = z1.iter().map(|z| z.tanh()).collect();
        let z2 = m.layers[1].w[0] * h1[0] + m.layers[1].w[1] * h1[1] + m.layers[1].b[0];
        let h2 = z2.tanh();
        assert_close(loss, h2 * h2);
        let dz2 = 2.0 * h2 * (1.0 - h2 * h2);
        assert_all_close(&dm.layers[1].w, &[dz2 * h1[0], dz2 * h1[1]]);
        assert_all_close(&dm.layers[1].b, &[dz2]);
        let dz1: Vec<f64> = (0..2)
            .map(|o| dz2 * m.layers[1].w[o] * (1.0 - h1[o] * h1[o]))
            .collect();
        assert_all_close(
            &dm.layers[0].w,
            &[dz1[0] * x[0], dz1[0] * x[1], dz1[1] * x[0], dz1[1] * x[1]],
        );
        assert_all_close(&dm.layers[0].b, &dz1);
    }

    #[test]
    fn nested_mismatch_names_the_path_and_writes_nothing() {
        let m = tiny_mlp();
        let x = [1.0, -1.0];
        let mut dm = make_zero(&m);
        dm.layers[0].w[0] = 3.5;
        dm.layers[1].b.push(0.0);
        let err = try_d_mlp(&m, &mut dm, &x, 1.0).unwrap_err();
        assert_eq!(err.path(), "m.layers[1].b");
        assert_eq!(
            err.to_string(),
            "d_mlp: shadow `dm_0` does not match its primal `m` at `m.layers[1].b`: primal has length 1, shadow has length 2"
        );
        assert_eq!(dm.layers[0].w, [3.5, 0.0, 0.0, 0.0]);
        assert_eq!(m, tiny_mlp());
    }
}

#[derive(ShadowCheck, Debug, PartialEq)]
enum Head {
    Linear { w: f64 },
    Poly(Vec<f64>),
}

#[autodiff_reverse(d_head, Duplicated, Const, Active)]
fn head(h: &Head, x: f64) -> f64 {
    match h {
        Head::Linear { w } => w * x,
        Head::Poly(c) => c.iter().rev().fold(0.0, |acc, c| acc * x + c),
    }
}

#[test]
fn enum_shadow_of_another_variant_is_refused() {
    let h = Head::Poly(vec![1.0, 2.0, 3.0]);
    let mut dh = Head::Linear { w: 0.0 };
    let err = try_d_head(&h, &mut dh, 2.0, 1.0).unwrap_err();
    assert_eq!(
        err.mismatch(),
        &Mismatch::Variant {
            primal: "Poly",
            shadow: "Linear"
        }
    );
    assert_eq!(err.path(), "h");
    let mut dh = make_zero(&h);
    let value = d_head(&h, &mut dh, 2.0, 1.0);
    assert_eq!(value, 17.0);
    let Head::Poly(dc) = dh else {
        panic!("variant changed")
    };
    assert_all_close(&dc, &[1.0, 2.0, 4.0]);
}

#[autodiff_reverse(d_opt, Duplicated, Active)]
fn optional(b: &Option<Box<[f32]>>) -> f32 {
    b.as_ref().map_or(0.0, |v| v.iter().sum())
}

#[test]
fn option_and_box_shadows() {
    let b = Some(vec![1.0_f32, 2.0].into_boxed_slice());
    let mut db = None;
    let err = try_d_opt(&b, &mut db, 1.0).unwrap_err();
    assert_eq!(
        err.mismatch(),
        &Mismatch::Variant {
            primal: "Some",
            shadow: "None"
        }
    );
    let mut db = Some(vec![0.0_f32].into_boxed_slice());
    assert_eq!(try_d_opt(&b, &mut db, 1.0).unwrap_err().path(), "b.Some.0");
    let mut db = make_zero(&b);
    assert_eq!(d_opt(&b, &mut db, 1.0), 3.0);
    for g in &db.unwrap() {
        assert!((g - 1.0).abs() < 1e-2, "{g}");
    }
}

#[autodiff_reverse(d_batch, 2, Duplicated, Active)]
fn weighted(x: &[f64]) -> f64 {
    x.iter()
        .enumerate()
        .map(|(i, v)| (i as f64 + 1.0) * v * v)
        .sum()
}

#[test]
fn batch_width_two_checks_every_lane() {
    let x = [1.0, 1.0];
    let mut d0 = [0.0, 0.0];
    let mut d1 = [100.0, 100.0];
    let value = d_batch(&x, &mut d0, &mut d1, 1.0);
    assert_eq!(value, 3.0);
    assert_all_close(&d0, &[2.0, 4.0]);
    assert_all_close(&d1, &[102.0, 104.0]);
    let mut short = [0.0];
    let err = try_d_batch(&x, &mut d0, &mut short, 1.0).unwrap_err();
    assert_eq!(err.shadow(), Some("dx_1"));
    assert_all_close(&d0, &[2.0, 4.0]);
}

#[autodiff_reverse(d_only, DuplicatedOnly, Active)]
fn only(x: &[f64]) -> f64 {
    x.iter().sum()
}

#[test]
fn duplicated_only_is_unsafe_and_still_checked() {
    let x = [1.0, 2.0];
    let mut dx = [0.0; 2];
    // SAFETY: `x` is not used after the call in a way that depends on its
    // contents, as `DuplicatedOnly` requires.
    let value = unsafe { d_only(&x, &mut dx, 1.0) };
    assert_eq!(value, 3.0);
    assert_all_close(&dx, &[1.0, 1.0]);
    let mut short = [0.0];
    // SAFETY: as above.
    let err = unsafe { try_d_only(&x, &mut short, 1.0) }.unwrap_err();
    assert_eq!(
        err.mismatch(),
        &Mismatch::Length {
            primal: 2,
            shadow: 1
        }
    );
}

#[autodiff_reverse(d_generic, Duplicated, Active)]
fn generic_sum<T: Copy + Into<f64>>(x: &[T]) -> f64 {
    x.iter().map(|&v| v.into()).sum()
}

#[autodiff_reverse(d_const_generic, Duplicated, Duplicated, Active)]
fn dot<const N: usize>(a: &[f64; N], b: &mut [f64]) -> f64 {
    a.iter().zip(b.iter()).map(|(x, y)| x * y).sum()
}

#[autodiff_reverse(d_lifetime, Duplicated, Active)]
fn first<'a>(x: &'a [f64]) -> f64
where
    'a: 'a,
{
    x[0] * 3.0
}

#[test]
fn generic_const_generic_and_lifetime_functions() {
    let x = [1.0_f32, 2.0];
    let mut dx = [0.0_f32; 2];
    assert_eq!(d_generic::<f32>(&x, &mut dx, 1.0), 3.0);
    for g in dx {
        assert!((g - 1.0).abs() < 1e-3, "{g}");
    }
    let a = [1.0, 2.0, 3.0];
    let mut da = [0.0; 3];
    let mut b = vec![4.0, 5.0, 6.0];
    let mut db = vec![0.0; 3];
    assert_eq!(d_const_generic(&a, &mut da, &mut b, &mut db, 1.0), 32.0);
    assert_all_close(&da, &[4.0, 5.0, 6.0]);
    assert_all_close(&db, &[1.0, 2.0, 3.0]);
    let mut db_short = vec![0.0; 2];
    let err = try_d_const_generic(&a, &mut da, &mut b, &mut db_short, 1.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "d_const_generic: shadow `db_0` does not match its primal `b` at `b`: primal has length 3, shadow has length 2"
    );
    let mut d = [0.0; 2];
    assert_eq!(d_lifetime(&[2.0, 1.0], &mut d, 1.0), 6.0);
    assert_all_close(&d, &[3.0, 0.0]);
}

#[test]
fn derivative_of_a_function_nested_in_a_body() {
    #[autodiff_reverse(d_inner, Active, Active)]
    fn inner(x: f64) -> f64 {
        x.sin()
    }
    let (value, dx) = d_inner(0.5, 1.0);
    assert_eq!(value, 0.5_f64.sin());
    assert_close(dx, 0.5_f64.cos());
}

#[autodiff(d_card, Reverse, Duplicated, Active)]
fn card(x: &[f64]) -> f64 {
    x.iter().product()
}

#[test]
fn design_card_spelling() {
    let x = [2.0, 3.0];
    let mut dx = [0.0; 2];
    assert_eq!(d_card(&x, &mut dx, 1.0), 6.0);
    assert_all_close(&dx, &[3.0, 2.0]);
}

#[autodiff_reverse(d_raw_name, Duplicated, Active)]
fn r#type(r#in: &[f64]) -> f64 {
    r#in[0]
}

#[test]
fn raw_identifiers_name_shadows_without_the_prefix() {
    let mut din = [0.0; 2];
    let err = try_d_raw_name(&[1.0], &mut din, 1.0).unwrap_err();
    assert_eq!(err.shadow(), Some("din_0"));
    assert_eq!(err.path(), "in");
}
