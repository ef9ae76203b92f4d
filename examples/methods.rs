#![cfg_attr(feature = "enzyme", feature(autodiff))]
//! Differentiating methods: `&self` and `&mut self` in reverse mode, `&self`
//! and `self` in forward mode, each checked against analytic derivatives.
//!
//! - Reverse mode gives a receiver the shadow `dself_0: &mut Self`. For
//!   `&self` the gradient is *added* into it. For `&mut self` it holds the
//!   seed of the receiver's final state on entry and the gradient with
//!   respect to its initial state on exit, so chaining calls backwards carries
//!   a gradient through a whole sequence of updates.
//! - Forward mode gives the receiver a tangent of the same type: `bself_0:
//!   &Self` for `&self`, `bself_0: Self` for `self`; a unit tangent picks out
//!   one partial derivative.
//!
//! Run it on stable Rust, with finite differences standing in for Enzyme:
//!
//! ```text
//! cargo run --release --example methods
//! ```
//!
//! or with real Enzyme on nightly:
//!
//! ```text
//! RUSTFLAGS=-Zautodiff=Enable cargo +nightly run --profile enzyme \
//!     -p autodiff-safe-examples --features enzyme --example methods
//! ```
//!
//! With `--features gradcheck` (`-p autodiff-safe-examples`), it first
//! gradchecks every derivative it uses: in the Enzyme tier, against finite
//! differences.

use std::process::ExitCode;

use autodiff_safe::{ShadowCheck, autodiff_forward, autodiff_reverse, make_zero};

/// `c[0] + c[1] x + c[2] x^2 + ...`
#[derive(ShadowCheck, Debug, Clone)]
struct Polynomial {
    coeffs: Vec<f64>,
}

impl Polynomial {
    /// `d_eval(&self, dself_0: &mut Self, x, dret) -> (p(x), dp/dx)`, adding
    /// `dp/dc_k = x^k` into `dself_0.coeffs`.
    ///
    /// `eval_dual(&self, bself_0: &Self, x, bx_0) -> (p(x), tangent)`: the
    /// derivative of `p(x)` along the coefficient tangent `bself_0` and the
    /// tangent `bx_0` of `x`.
    #[autodiff_reverse(d_eval, Duplicated, Active, Active)]
    #[autodiff_forward(eval_dual, Dual, Dual, Dual)]
    fn eval(&self, x: f64) -> f64 {
        self.coeffs.iter().rev().fold(0.0, |acc, c| acc * x + c)
    }
}

/// An exponential moving average that smooths the values fed to it.
#[derive(ShadowCheck, Debug, Clone)]
struct Ema {
    value: f64,
    alpha: f64,
}

impl Ema {
    /// `d_update(&mut self, dself_0: &mut Self, x) -> d/dx`: runs the update,
    /// then turns the seed of the new state in `dself_0` into the gradient
    /// with respect to the old state.
    #[autodiff_reverse(d_update, Duplicated, Active)]
    fn update(&mut self, x: f64) {
        self.value += self.alpha * (x - self.value);
    }
}

/// A triangle with sides `a`, `b` and `c`, passed by value.
///
/// (Raw `std::autodiff` gets `Dual` wrong on a by-value struct of exactly two
/// floats, which Rust passes as a pair of registers; autodiff-safe hands
/// by-value `Dual` arguments to Enzyme boxed, so any size works here.)
#[derive(ShadowCheck, Debug, Clone, Copy)]
struct Triangle {
    a: f64,
    b: f64,
    c: f64,
}

impl Triangle {
    /// Heron's formula.
    ///
    /// `area_dual(self, bself_0: Self) -> (area, tangent)`.
    #[autodiff_forward(area_dual, Dual, Dual)]
    fn area(self) -> f64 {
        let s = (self.a + self.b + self.c) / 2.0;
        (s * (s - self.a) * (s - self.b) * (s - self.c)).sqrt()
    }
}

/// Heron's formula through a free function: a by-value `self` receiver gets
/// no gradcheck companion, so `area_dual`'s formula is gradchecked through
/// this by-value `Dual` argument instead.
#[cfg(feature = "gradcheck")]
#[autodiff_forward(triangle_area_dual, Dual, Dual)]
fn triangle_area(t: Triangle) -> f64 {
    t.area()
}

/// Gradchecks the derivatives of the example at the points its checks use,
/// with seeds of `1.0` and tangents that move every input.
#[cfg(feature = "gradcheck")]
fn gradchecks() {
    use autodiff_safe_examples::gradchecked;
    let p = Polynomial {
        coeffs: vec![1.0, -2.0, 0.5, 3.0],
    };
    gradchecked(p.gradcheck_d_eval(&mut make_zero(&p), 0.7, 1.0));
    let along = Polynomial {
        coeffs: vec![0.5, -1.0, 0.25, 1.0],
    };
    gradchecked(p.gradcheck_eval_dual(&along, 0.7, 1.0));
    let mut ema = Ema {
        value: 2.0,
        alpha: 0.3,
    };
    let mut seed = Ema {
        value: 1.0,
        alpha: 0.0,
    };
    gradchecked(ema.gradcheck_d_update(&mut seed, 1.0));
    let t = Triangle {
        a: 3.0,
        b: 4.0,
        c: 6.0,
    };
    let tangent = Triangle {
        a: 1.0,
        b: -0.5,
        c: 0.25,
    };
    gradchecked(gradcheck_triangle_area_dual(t, tangent));
}

/// Prints a computed derivative next to its analytic value and says whether
/// they agree: exactly up to rounding on Enzyme, within the finite-difference
/// error on the reference backend.
fn agree(what: &str, got: f64, expected: f64) -> bool {
    let tolerance = if cfg!(feature = "enzyme") {
        1e-12
    } else {
        1e-6
    };
    let ok = (got - expected).abs() <= tolerance * expected.abs().max(1.0);
    let status = if ok { "ok" } else { "WRONG" };
    println!("  {what:<28} {got:>14.9}   analytic {expected:>14.9}   {status}");
    ok
}

/// `&self` in reverse mode: the gradient with respect to the coefficients
/// is added into `dself_0`.
fn reverse_ref_self() -> bool {
    let mut ok = true;
    let p = Polynomial {
        coeffs: vec![1.0, -2.0, 0.5, 3.0],
    };
    let x = 0.7;
    println!("p(x) = 1 - 2x + 0.5x^2 + 3x^3 at x = {x}, reverse mode (&self):");
    let mut dp = make_zero(&p);
    let (value, dx) = p.d_eval(&mut dp, x, 1.0);
    ok &= agree("p(x)", value, 1.0 - 2.0 * x + 0.5 * x * x + 3.0 * x.powi(3));
    ok &= agree("dp/dx", dx, -2.0 + x + 9.0 * x * x);
    for (k, dc) in dp.coeffs.iter().enumerate() {
        let power = i32::try_from(k).unwrap_or(i32::MAX);
        ok &= agree(&format!("dp/dc{k} = x^{k}"), *dc, x.powi(power));
    }
    ok
}

/// `&self` in forward mode: tangents of `x` and of the coefficients.
fn forward_ref_self() -> bool {
    let mut ok = true;
    let p = Polynomial {
        coeffs: vec![1.0, -2.0, 0.5, 3.0],
    };
    let x = 0.7;
    println!("the same p at x = {x}, forward mode (&self):");
    let no_coeffs = make_zero(&p);
    let (_, along_x) = p.eval_dual(&no_coeffs, x, 1.0);
    ok &= agree("along x: dp/dx", along_x, -2.0 + x + 9.0 * x * x);
    let only_c3 = Polynomial {
        coeffs: vec![0.0, 0.0, 0.0, 1.0],
    };
    let (_, along_c3) = p.eval_dual(&only_c3, x, 0.0);
    ok &= agree("along c3: dp/dc3", along_c3, x.powi(3));
    ok
}

/// `&mut self` in reverse mode, chained backwards through a sequence of
/// updates.
fn reverse_mut_self() -> bool {
    let mut ok = true;
    let xs = [1.0, 3.0, -2.0, 0.5, 4.0];
    let alpha = 0.3;
    let v0 = 2.0;
    println!("EMA with alpha = {alpha}, fed {xs:?} from {v0}, reverse mode (&mut self):");
    // Forward: remember the state before each update.
    let mut ema = Ema { value: v0, alpha };
    let mut before = Vec::new();
    for x in xs {
        before.push(ema.clone());
        ema.update(x);
    }
    // Backward: seed the final value, then walk the updates in reverse. Each
    // call replaces the seed of the state after an update with the gradient
    // with respect to the state before it, the seed of the previous step.
    let mut dstate = Ema {
        value: 1.0,
        alpha: 0.0,
    };
    let mut dxs = vec![0.0; xs.len()];
    for (k, state) in before.iter().enumerate().rev() {
        let mut state = state.clone();
        dxs[k] = state.d_update(&mut dstate, xs[k]);
    }
    // Analytic: v_n = (1 - a)^n v0 + sum_k a (1 - a)^(n-1-k) x_k.
    let n = i32::try_from(xs.len()).unwrap_or(i32::MAX);
    let keep = 1.0 - alpha;
    ok &= agree("final value v_n", ema.value, {
        let mut v = v0;
        for x in xs {
            v += alpha * (x - v);
        }
        v
    });
    ok &= agree("dv_n/dv0", dstate.value, keep.powi(n));
    let mut dalpha = -f64::from(n) * keep.powi(n - 1) * v0;
    for (k, (x, dx)) in (0..n).zip(xs.iter().zip(&dxs)) {
        let age = n - 1 - k;
        ok &= agree(&format!("dv_n/dx{k}"), *dx, alpha * keep.powi(age));
        dalpha += keep.powi(age) * x - alpha * f64::from(age) * keep.powi(age - 1) * x;
    }
    ok &= agree("dv_n/dalpha", dstate.alpha, dalpha);
    ok
}

/// `self` by value in forward mode: one unit tangent per partial derivative.
fn forward_self() -> bool {
    let mut ok = true;
    let t = Triangle {
        a: 3.0,
        b: 4.0,
        c: 6.0,
    };
    println!(
        "triangle area at sides ({}, {}, {}), forward mode (self):",
        t.a, t.b, t.c
    );
    // 16 A^2 = 2(a^2 b^2 + b^2 c^2 + c^2 a^2) - (a^4 + b^4 + c^4), so
    // dA/da = a (b^2 + c^2 - a^2) / (8 A), and likewise for b and c.
    let (a2, b2, c2) = (t.a * t.a, t.b * t.b, t.c * t.c);
    let area = (2.0 * (a2 * b2 + b2 * c2 + c2 * a2) - (a2 * a2 + b2 * b2 + c2 * c2)).sqrt() / 4.0;
    // A unit tangent along one side gives the partial derivative along it.
    let (value, da) = t.area_dual(Triangle {
        a: 1.0,
        b: 0.0,
        c: 0.0,
    });
    ok &= agree("area", value, area);
    ok &= agree("dA/da", da, t.a * (b2 + c2 - a2) / (8.0 * area));
    let (_, db) = t.area_dual(Triangle {
        a: 0.0,
        b: 1.0,
        c: 0.0,
    });
    ok &= agree("dA/db", db, t.b * (a2 + c2 - b2) / (8.0 * area));
    let (_, dc) = t.area_dual(Triangle {
        a: 0.0,
        b: 0.0,
        c: 1.0,
    });
    ok &= agree("dA/dc", dc, t.c * (a2 + b2 - c2) / (8.0 * area));
    ok
}

fn main() -> ExitCode {
    #[cfg(feature = "gradcheck")]
    gradchecks();
    let mut ok = reverse_ref_self();
    ok &= forward_ref_self();
    ok &= reverse_mut_self();
    ok &= forward_self();
    if ok {
        ExitCode::SUCCESS
    } else {
        eprintln!("error: a derivative disagrees with its analytic value");
        ExitCode::FAILURE
    }
}
