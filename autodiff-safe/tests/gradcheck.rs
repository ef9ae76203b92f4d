//! Gradcheck in both tiers: on the reference backend every check ends in
//! "not compared" (but still reports non-finite values and `Const` state
//! hints); on Enzyme it compares, and pins two silent failures: the generic
//! `<[T]>::swap` in an FFT's bit reversal, and a `Const` state that the
//! function writes from the weights and reads back.
//!
//! `cargo test -p autodiff-safe --features gradcheck --test gradcheck`
#![cfg(feature = "gradcheck")]
#![cfg_attr(feature = "enzyme", feature(autodiff))]
#![allow(
    clippy::float_cmp,
    clippy::cast_precision_loss,
    reason = "the caller's values are compared exactly with one derivative call's; indices are small"
)]

use autodiff_safe::gradcheck::{Check, Finding, Outcome, Report, Tolerance};
use autodiff_safe::{autodiff_forward, autodiff_reverse, make_zero};

const ENZYME: bool = cfg!(feature = "enzyme");

/// What an Enzyme-tier verdict looks like on the reference backend.
fn expect(report: &autodiff_safe::gradcheck::Report, on_enzyme: Outcome) {
    let expected = if ENZYME {
        on_enzyme
    } else {
        Outcome::NotCompared {
            reason: "reference backend",
        }
    };
    assert_eq!(report.outcome(), expected, "{report}");
}

// ---- the FFT: a round trip is the identity, so its gradient is the seed.

const N: usize = 16;

fn bit_reverse(i: usize) -> usize {
    i.reverse_bits() >> (usize::BITS - N.trailing_zeros())
}

/// In-place radix-2 FFT (`sign` -1) or unscaled inverse (`sign` 1).
#[allow(
    clippy::manual_swap,
    reason = "the swaps written out are the workaround for this Enzyme's wrong `<[T]>::swap` derivative"
)]
fn fft_in_place(re: &mut [f64], im: &mut [f64], sign: f64, generic_swap: bool) {
    for i in 0..N {
        let j = bit_reverse(i);
        if i < j {
            if generic_swap {
                re.swap(i, j);
                im.swap(i, j);
            } else {
                let t = re[i];
                re[i] = re[j];
                re[j] = t;
                let t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
    }
    let mut len = 2;
    while len <= N {
        let angle = sign * 2.0 * std::f64::consts::PI / len as f64;
        for start in (0..N).step_by(len) {
            for k in 0..len / 2 {
                let (wr, wi) = ((angle * k as f64).cos(), (angle * k as f64).sin());
                let (a, b) = (start + k, start + k + len / 2);
                let (br, bi) = (re[b] * wr - im[b] * wi, re[b] * wi + im[b] * wr);
                re[b] = re[a] - br;
                im[b] = im[a] - bi;
                re[a] += br;
                im[a] += bi;
            }
        }
        len *= 2;
    }
}

/// The complex signal `re + i im` through the FFT and back, in place, then
/// weighed by a seed of the same shape.
fn roundtrip(re: &mut [f64], im: &mut [f64], seed: &Signal, generic_swap: bool) -> f64 {
    fft_in_place(re, im, -1.0, generic_swap);
    fft_in_place(re, im, 1.0, generic_swap);
    let mut loss = 0.0;
    for i in 0..N {
        loss += re[i] * seed.re[i] + im[i] * seed.im[i];
    }
    loss / N as f64
}

#[derive(autodiff_safe::ShadowCheck, Debug, Clone, PartialEq)]
struct Signal {
    re: Vec<f64>,
    im: Vec<f64>,
}

// The signal in place, as two slices: behind `&mut` in reverse mode only a
// structure no value can change is accepted (a `Vec` could be replaced
// inside the pass).
#[autodiff_reverse(d_roundtrip_swap, Duplicated, Duplicated, Const, Active)]
fn roundtrip_swap(re: &mut [f64], im: &mut [f64], seed: &Signal) -> f64 {
    roundtrip(re, im, seed, true)
}

#[autodiff_reverse(d_roundtrip_by_hand, Duplicated, Duplicated, Const, Active)]
fn roundtrip_by_hand(re: &mut [f64], im: &mut [f64], seed: &Signal) -> f64 {
    roundtrip(re, im, seed, false)
}

/// `gradcheck_d_roundtrip_swap` on copies of `x`, into a zero shadow.
fn check_swap(x: &Signal, seed: &Signal) -> Report {
    let (mut re, mut im) = (x.re.clone(), x.im.clone());
    gradcheck_d_roundtrip_swap(&mut re, &mut [0.0; N], &mut im, &mut [0.0; N], seed, 1.0)
}

fn zero_signal() -> Signal {
    Signal {
        re: vec![0.0; N],
        im: vec![0.0; N],
    }
}

fn fft_inputs() -> (Signal, Signal) {
    (
        Signal {
            re: (0..N).map(|i| (i as f64 * 0.7).sin()).collect(),
            im: (0..N).map(|i| (i as f64 * 0.3).cos()).collect(),
        },
        Signal {
            re: (0..N).map(|i| 1.0 + i as f64).collect(),
            im: (0..N).map(|i| 0.5 - i as f64).collect(),
        },
    )
}

#[test]
fn fft_with_generic_swap_is_flagged_on_enzyme() {
    let (x, seed) = fft_inputs();
    let report = check_swap(&x, &seed);
    eprintln!("{report}");
    expect(&report, Outcome::Failed);
    if ENZYME {
        let worst = report.worst().expect("a failing leaf");
        assert!(
            worst.path.starts_with("dre_0") || worst.path.starts_with("dim_0"),
            "{report}"
        );
        assert_eq!(worst.finding, Finding::Wrong);
    }
}

#[test]
fn fft_with_generic_swap_is_flagged_in_fast_mode_too() {
    let (x, seed) = fft_inputs();
    let report = Check::new().fast(3).run(|| check_swap(&x, &seed));
    expect(&report, Outcome::Failed);
}

#[test]
fn fft_with_swaps_written_out_passes() {
    let (x, seed) = fft_inputs();
    let mut dx = zero_signal();
    let (mut re, mut im) = (x.re.clone(), x.im.clone());
    let report =
        gradcheck_d_roundtrip_by_hand(&mut re, &mut dx.re, &mut im, &mut dx.im, &seed, 1.0)
            .assert();
    expect(&report, Outcome::Passed);
    // The derivative ran once on the caller's shadow: the gradient is the seed.
    for (g, s) in dx
        .re
        .iter()
        .chain(&dx.im)
        .zip(seed.re.iter().chain(&seed.im))
    {
        assert!((g - s).abs() < 1e-6, "{dx:?}");
    }
}

// ---- the `Const` state mistake: an LSTM-like cell state written from the
// weights, then read back.

#[autodiff_reverse(d_cell_const, Duplicated, Const, Const, Active)]
fn cell_const(w: &[f64], xs: &[f64], state: &mut [f64]) -> f64 {
    cell(w, xs, state)
}

#[autodiff_reverse(d_cell_duplicated, Duplicated, Const, Duplicated, Active)]
fn cell_duplicated(w: &[f64], xs: &[f64], state: &mut [f64]) -> f64 {
    cell(w, xs, state)
}

fn cell(w: &[f64], xs: &[f64], state: &mut [f64]) -> f64 {
    for x in xs {
        for (i, h) in state.iter_mut().enumerate() {
            *h = (w[i] * x + w[i + 2] * *h).tanh();
        }
    }
    state.iter().sum()
}

#[test]
fn const_state_hint_names_the_argument() {
    let (w, xs) = ([0.5, -0.3, 0.8, 0.1], [1.0, 0.5, -0.2]);
    let mut state = [0.0; 2];
    let report = gradcheck_d_cell_const(&w, &mut [0.0; 4], &xs, &mut state, 1.0);
    assert_eq!(report.hints().len(), 1, "{report}");
    assert_eq!(report.hints()[0].argument, "state");
    assert!(
        report.to_string().contains("mark it `Duplicated`"),
        "{report}"
    );
    expect(&report, Outcome::Failed);
    // The caller's state ends as one call leaves it.
    let mut once = [0.0; 2];
    cell(&w, &xs, &mut once);
    assert_eq!(state, once);
}

#[test]
fn duplicated_state_passes_without_a_hint() {
    let (w, xs) = ([0.5, -0.3, 0.8, 0.1], [1.0, 0.5, -0.2]);
    let report =
        gradcheck_d_cell_duplicated(&w, &mut [0.0; 4], &xs, &mut [0.0; 2], &mut [1.0, 1.0], 1.0)
            .assert();
    assert!(report.hints().is_empty(), "{report}");
    expect(&report, Outcome::Passed);
}

// ---- the rules

#[autodiff_reverse(d_sqrt_sum, Duplicated, Active)]
fn sqrt_sum(x: &[f64]) -> f64 {
    x.iter().map(|v| v.sqrt()).sum()
}

#[test]
fn non_finite_values_fail_in_both_tiers() {
    let report = gradcheck_d_sqrt_sum(&[0.0, 4.0], &mut [0.0; 2], 1.0);
    assert_eq!(report.outcome(), Outcome::Failed, "{report}");
    let worst = report.worst().expect("a failing leaf");
    assert_eq!(worst.finding, Finding::NonFinite);
    assert_eq!(worst.path, "dx_0[0]");
}

#[autodiff_reverse(d_relu_sum, Duplicated, Active)]
fn relu_sum(x: &[f64]) -> f64 {
    x.iter().map(|v| if *v > 0.0 { *v } else { 0.0 }).sum()
}

#[test]
fn kinks_are_reported_not_failed() {
    let report = gradcheck_d_relu_sum(&[0.0, 2.0], &mut [0.0; 2], 1.0).assert();
    expect(&report, Outcome::Passed);
    if ENZYME {
        let kink = &report.findings()[0];
        assert_eq!(kink.finding, Finding::NonDifferentiable, "{report}");
        assert_eq!(kink.path, "dx_0[0]");
    }
}

#[autodiff_reverse(d_weighted, 2, Duplicated, Duplicated, Active)]
fn weighted(x: &[f32], out: &mut [f32]) -> f32 {
    for (o, v) in out.iter_mut().zip(x) {
        *o = v * v;
    }
    x.iter().map(|v| v.sin()).sum()
}

#[test]
fn width_two_f32_with_an_output_shadow() {
    let x = [0.3_f32, -1.2];
    let mut out = [0.0_f32; 2];
    let report = gradcheck_d_weighted(
        &x,
        &mut [0.0; 2],
        &mut [0.0; 2],
        &mut out,
        &mut [1.0, 0.0],
        &mut [0.0, 1.0],
        1.0,
    )
    .assert();
    expect(&report, Outcome::Passed);
    assert_eq!(out, [0.09, 1.44]);
}

#[autodiff_forward(f_poly, Dual, Const, Dual)]
fn poly(x: &[f64], c: &[f64]) -> f64 {
    x.iter().zip(c).map(|(x, c)| c * x.powi(3)).sum()
}

#[test]
fn forward_mode() {
    let report = gradcheck_f_poly(&[1.0, 2.0], &[1.0, -1.0], &[3.0, 0.5]).assert();
    expect(&report, Outcome::Passed);
}

#[test]
fn tolerance_override_applies() {
    let (x, seed) = fft_inputs();
    // So loose that even the swap bug passes: the override is honoured.
    let report = Check::new()
        .tolerance(Tolerance::new(1e9, 0.0))
        .run(|| check_swap(&x, &seed));
    expect(&report, Outcome::Passed);
}

#[test]
fn shadows_are_still_checked() {
    let result = std::panic::catch_unwind(|| {
        let _ = gradcheck_d_sqrt_sum(&[1.0, 4.0], &mut [0.0], 1.0);
    });
    let message = *result
        .expect_err("refused")
        .downcast::<String>()
        .expect("a message");
    assert!(message.contains("d_sqrt_sum: shadow `dx_0`"), "{message}");
}

#[test]
fn caller_values_end_as_one_derivative_call() {
    let (w, xs) = ([0.5, -0.3, 0.8, 0.1], [1.0, 0.5, -0.2]);
    let (mut dw, mut state, mut dstate) = ([0.25; 4], [0.1, 0.2], [1.0, -1.0]);
    let _ = gradcheck_d_cell_duplicated(&w, &mut dw, &xs, &mut state, &mut dstate, 1.0);
    let (mut dw1, mut state1, mut dstate1) = ([0.25; 4], [0.1, 0.2], [1.0, -1.0]);
    let y = d_cell_duplicated(&w, &mut dw1, &xs, &mut state1, &mut dstate1, 1.0);
    assert!(y.is_finite());
    assert_eq!((dw, state, dstate), (dw1, state1, dstate1));
    let _ = make_zero(&dw);
}
