//! The reference backend's derivatives against analytic ones, on random
//! inputs, in reverse (`Duplicated`, `Active`) and forward (`Dual`) mode:
//! polynomials, exp/sin/tanh compositions, and a two-layer perceptron with a
//! tanh hidden layer and a squared-error loss over a derived model struct.
//!
//! Tolerance: `|got - want| <= REL * max(|want|, FLOOR)`, with `REL = 1e-6`
//! and `FLOOR = 1`, so a relative `1e-6` for derivatives above 1 and an
//! absolute `1e-6` below. Central differences with the backend's step
//! `cbrt(eps) * max(1, |x|)` err by about `1e-9` on these functions: inputs
//! stay in ranges where they are well-conditioned (|x| <= 2, weights and
//! coefficients <= 2 in magnitude, degree <= 5, small layers).
//!
//! Reverse mode adds into `&T` shadows, so they start from random values and
//! must end at `start + dret * gradient`; a `&mut` pure output's seed must end
//! at zero; forward mode overwrites `&mut` shadows, which start as garbage.
//! Primal results must equal a direct call bit for bit.
//!
//! The Enzyme tier runs the same properties against Enzyme's derivatives
//! (`--features enzyme`, see `Cargo.toml`), within the same tolerances, with
//! two differences: every `dret` is `1.0`, since this Enzyme ignores the seed
//! of an `Active` return, and `f32` leaves of the family add no term to
//! `leafy` (see `Terms for f32`).
#![cfg_attr(feature = "enzyme", feature(autodiff))]
#![allow(
    clippy::float_cmp,
    reason = "primal results are compared exactly, on purpose"
)]

mod common;

use autodiff_safe::{ShadowCheck, autodiff_forward, autodiff_reverse, make_zero};
use autodiff_safe_proptests::{
    Item, Model, Node, Pair, Shape, first_mismatch, float_leaves, mutated, snapshot,
};
use common::{Floats, config, model_in};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Whether the derivatives are Enzyme's.
const ENZYME: bool = cfg!(feature = "enzyme");

/// Relative tolerance.
const REL: f64 = 1e-6;
/// Relative tolerance where `f32` leaves are perturbed (the backend's step
/// is then `cbrt(f32::EPSILON)`, about `5e-3`).
const REL_F32: f64 = 1e-3;
/// Magnitude below which a relative tolerance is an absolute one.
const FLOOR: f64 = 1.0;

fn close(what: &str, got: f64, want: f64) -> Result<(), TestCaseError> {
    close_within(what, got, want, REL)
}

fn close_within(what: &str, got: f64, want: f64, rel: f64) -> Result<(), TestCaseError> {
    let tolerance = rel * want.abs().max(FLOOR);
    if (got - want).abs() <= tolerance {
        Ok(())
    } else {
        Err(TestCaseError::fail(format!(
            "{what}: got {got:e}, want {want:e} (error {:e} > tolerance {tolerance:e})",
            (got - want).abs()
        )))
    }
}

fn all_close(what: &str, got: &[f64], want: &[f64]) -> Result<(), TestCaseError> {
    prop_assert_eq!(got.len(), want.len(), "{}: lengths", what);
    for (i, (got, want)) in got.iter().zip(want).enumerate() {
        close(&format!("{what}[{i}]"), *got, *want)?;
    }
    Ok(())
}

/// The seed `dret` of an `Active` return: random on the reference backend,
/// `1.0` in the Enzyme tier, where this Enzyme ignores the seed and computes
/// every gradient for `dret = 1.0` (the README's compatibility table).
fn dret() -> BoxedStrategy<f64> {
    if cfg!(feature = "enzyme") {
        Just(1.0).boxed()
    } else {
        (-2.0..2.0_f64).boxed()
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

// ------------------------------------------------------------ polynomial

/// `sum_i c[i] x^i`, by Horner's rule.
#[autodiff_reverse(d_poly, Duplicated, Active, Active)]
#[autodiff_forward(f_poly, Dual, Dual, Dual)]
fn poly(c: &[f64], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, ci| acc * x + ci)
}

/// `(d/dc_i, d/dx)` of [`poly`].
fn poly_gradient(c: &[f64], x: f64) -> (Vec<f64>, f64) {
    let mut power = 1.0;
    let dc = c
        .iter()
        .map(|_| {
            let p = power;
            power *= x;
            p
        })
        .collect();
    let mut dx = 0.0;
    let mut power = 1.0;
    for (i, ci) in c.iter().enumerate().skip(1) {
        dx += f64::from(u8::try_from(i).unwrap_or(u8::MAX)) * ci * power;
        power *= x;
    }
    (dc, dx)
}

// ----------------------------------------------------------- composition

/// `exp(sin(x0) x1) + tanh(x2 x0) + sin(tanh(x1))`.
#[autodiff_reverse(d_wave, Duplicated, Active)]
#[autodiff_forward(f_wave, Dual, Dual)]
fn wave(x: &[f64; 3]) -> f64 {
    (x[0].sin() * x[1]).exp() + (x[2] * x[0]).tanh() + x[1].tanh().sin()
}

fn sech2(z: f64) -> f64 {
    1.0 - z.tanh().powi(2)
}

fn wave_gradient(x: &[f64; 3]) -> [f64; 3] {
    let e = (x[0].sin() * x[1]).exp();
    let t = sech2(x[2] * x[0]);
    [
        e * x[0].cos() * x[1] + t * x[2],
        e * x[0].sin() + x[1].tanh().cos() * sech2(x[1]),
        t * x[0],
    ]
}

/// `tanh(exp(sin(a) b) - a)`, with two `Active` scalars.
#[autodiff_reverse(d_bump, Active, Active, Active)]
#[autodiff_forward(f_bump, Dual, Dual, Dual)]
fn bump(a: f64, b: f64) -> f64 {
    ((a.sin() * b).exp() - a).tanh()
}

fn bump_gradient(a: f64, b: f64) -> (f64, f64) {
    let e = (a.sin() * b).exp();
    let outer = sech2(e - a);
    (outer * (e * a.cos() * b - 1.0), outer * e * a.sin())
}

/// `x_i <- a sin(x_i)`, in place: a `&mut` argument that is read and
/// written.
#[autodiff_reverse(d_squash, Duplicated, Active)]
#[autodiff_forward(f_squash, Dual, Dual)]
fn squash(x: &mut [f64], a: f64) {
    for v in x {
        *v = a * v.sin();
    }
}

// ------------------------------------------------------------ perceptron

/// A two-layer perceptron: `y = w2 . tanh(w1 x + b1) + b2`.
#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Mlp {
    w1: Vec<Vec<f64>>,
    b1: Vec<f64>,
    w2: Vec<f64>,
    b2: f64,
}

fn pre_activation(m: &Mlp, x: &[f64]) -> Vec<f64> {
    m.w1.iter()
        .zip(&m.b1)
        .map(|(row, b)| dot(row, x) + b)
        .collect()
}

/// The hidden layer, written into `h`.
#[autodiff_reverse(d_hidden, Duplicated, Const, Duplicated)]
#[autodiff_forward(f_hidden, Dual, Const, Dual)]
fn hidden(m: &Mlp, x: &[f64], h: &mut [f64]) {
    for (h, z) in h.iter_mut().zip(pre_activation(m, x)) {
        *h = z.tanh();
    }
}

/// Squared error of the perceptron's output against `y`.
#[autodiff_reverse(d_mlp, Duplicated, Const, Active, Active)]
#[autodiff_forward(f_mlp, Dual, Dual, Const, Dual)]
fn mlp_loss(m: &Mlp, x: &[f64], y: f64) -> f64 {
    let hidden: Vec<f64> = pre_activation(m, x).into_iter().map(f64::tanh).collect();
    let residual = dot(&m.w2, &hidden) + m.b2 - y;
    residual * residual
}

/// Backpropagation by hand: `(dm, dx, dy)`.
fn mlp_gradient(m: &Mlp, x: &[f64], y: f64) -> (Mlp, Vec<f64>, f64) {
    let hidden: Vec<f64> = pre_activation(m, x).into_iter().map(f64::tanh).collect();
    let residual = dot(&m.w2, &hidden) + m.b2 - y;
    let dr = 2.0 * residual;
    let dz: Vec<f64> = hidden
        .iter()
        .zip(&m.w2)
        .map(|(h, w2)| dr * w2 * (1.0 - h * h))
        .collect();
    let dm = Mlp {
        w1: dz
            .iter()
            .map(|dz| x.iter().map(|x| dz * x).collect())
            .collect(),
        b1: dz.clone(),
        w2: hidden.iter().map(|h| dr * h).collect(),
        b2: dr,
    };
    let dx = (0..x.len())
        .map(|i| m.w1.iter().zip(&dz).map(|(row, dz)| row[i] * dz).sum())
        .collect();
    (dm, dx, -dr)
}

fn flat(m: &Mlp) -> Vec<f64> {
    let mut out: Vec<f64> = m.w1.iter().flatten().copied().collect();
    out.extend(&m.b1);
    out.extend(&m.w2);
    out.push(m.b2);
    out
}

/// An input size, a hidden size, and a perceptron of those sizes with
/// entries drawn from `entry`.
fn mlp_of(
    inputs: usize,
    hidden: usize,
    entry: impl Strategy<Value = f64> + Clone,
) -> impl Strategy<Value = Mlp> {
    (
        vec(vec(entry.clone(), inputs), hidden),
        vec(entry.clone(), hidden),
        vec(entry.clone(), hidden),
        entry,
    )
        .prop_map(|(w1, b1, w2, b2)| Mlp { w1, b1, w2, b2 })
}

/// A perceptron, a tangent (or start shadow) of the same shape, an input
/// and its tangent.
fn mlp_case() -> impl Strategy<Value = (Mlp, Mlp, Vec<f64>, Vec<f64>)> {
    (1..4_usize, 1..5_usize).prop_flat_map(|(inputs, hidden)| {
        (
            mlp_of(inputs, hidden, -1.0..1.0_f64),
            mlp_of(inputs, hidden, -1.0..1.0_f64),
            vec(-1.0..1.0_f64, inputs),
            vec(-1.0..1.0_f64, inputs),
        )
    })
}

// ------------------------------------------------------- the whole family

/// `sum_k c[k mod len(c)] sin(leaf_k)` over every float leaf of the model, in
/// the order of the test's own walk (`Walk`, not `ShadowCheck`): the
/// gradient must land on the right leaf of every type in the family.
#[autodiff_reverse(d_leafy, Duplicated, Const, Active)]
#[autodiff_forward(f_leafy, Dual, Const, Dual)]
fn leafy(m: &Model, c: &[f64]) -> f64 {
    let mut k = 0;
    m.terms(c, &mut k)
}

/// The terms of [`leafy`], leaf by leaf in `Walk`'s order, by plain
/// recursion: collecting the leaves first (`float_leaves`) grows a `Vec`,
/// which this Enzyme refuses in differentiated code ("could not statically
/// determine size of realloc"). `family_reverse` and `family_forward` check
/// the order against `float_leaves`.
trait Terms {
    /// The sum of this value's terms; `k` indexes `c` at the next leaf.
    fn terms(&self, c: &[f64], k: &mut usize) -> f64;
}

/// One leaf's term; moves `k` on, cycling through `c` (non-empty).
fn term(x: f64, c: &[f64], k: &mut usize) -> f64 {
    let value = c[*k] * x.sin();
    *k += 1;
    if *k == c.len() {
        *k = 0;
    }
    value
}

impl Terms for f64 {
    fn terms(&self, c: &[f64], k: &mut usize) -> f64 {
        term(*self, c, k)
    }
}

/// In the Enzyme tier an `f32` leaf takes its turn of `c` but adds no term:
/// this Enzyme differentiates one float type per function, and the widened
/// `f32` stops its type analysis ("Cannot deduce adding type (cast) of
/// `fpext float .. to double`"). Its shadow must then be left as it was.
impl Terms for f32 {
    #[cfg(not(feature = "enzyme"))]
    fn terms(&self, c: &[f64], k: &mut usize) -> f64 {
        term(f64::from(*self), c, k)
    }

    #[cfg(feature = "enzyme")]
    fn terms(&self, c: &[f64], k: &mut usize) -> f64 {
        term(0.0, c, k)
    }
}

impl Terms for usize {
    fn terms(&self, _c: &[f64], _k: &mut usize) -> f64 {
        0.0
    }
}

impl<T: Terms> Terms for [T] {
    fn terms(&self, c: &[f64], k: &mut usize) -> f64 {
        let mut total = 0.0;
        for element in self {
            total += element.terms(c, k);
        }
        total
    }
}

impl<T: Terms, const N: usize> Terms for [T; N] {
    fn terms(&self, c: &[f64], k: &mut usize) -> f64 {
        self.as_slice().terms(c, k)
    }
}

impl<T: Terms> Terms for Vec<T> {
    fn terms(&self, c: &[f64], k: &mut usize) -> f64 {
        self.as_slice().terms(c, k)
    }
}

impl<T: Terms + ?Sized> Terms for Box<T> {
    fn terms(&self, c: &[f64], k: &mut usize) -> f64 {
        (**self).terms(c, k)
    }
}

impl<T: Terms> Terms for Option<T> {
    fn terms(&self, c: &[f64], k: &mut usize) -> f64 {
        match self {
            Some(value) => value.terms(c, k),
            None => 0.0,
        }
    }
}

impl Terms for Shape {
    fn terms(&self, c: &[f64], k: &mut usize) -> f64 {
        match self {
            Self::Empty => 0.0,
            Self::Pair(a, b) => {
                let total = a.terms(c, k);
                total + b.terms(c, k)
            }
            Self::Poly { coeffs, rows } => {
                let total = coeffs.terms(c, k);
                total + rows.terms(c, k)
            }
        }
    }
}

impl Terms for Pair {
    fn terms(&self, c: &[f64], k: &mut usize) -> f64 {
        let total = self.0.terms(c, k);
        total + self.1.terms(c, k)
    }
}

impl Terms for Node {
    fn terms(&self, c: &[f64], k: &mut usize) -> f64 {
        let mut total = self.value.terms(c, k);
        total += self.children.terms(c, k);
        total + self.next.terms(c, k)
    }
}

impl Terms for Model {
    fn terms(&self, c: &[f64], k: &mut usize) -> f64 {
        let mut total = self.weights.terms(c, k);
        total += self.rows.terms(c, k);
        total += self.bias.terms(c, k);
        total += self.half.terms(c, k);
        total += self.fixed.terms(c, k);
        total += self.lanes.terms(c, k);
        total += self.head.terms(c, k);
        total += self.heads.terms(c, k);
        total += self.pair.terms(c, k);
        total += self.scale.terms(c, k);
        total += self.steps.terms(c, k);
        total + self.tree.terms(c, k)
    }
}

/// Whether each float leaf of `m`, in walk order, is an `f32`.
fn is_f32(m: &Model) -> Vec<bool> {
    snapshot(m)
        .into_iter()
        .filter_map(|item| match item {
            Item::F64(_) => Some(false),
            Item::F32(_) => Some(true),
            _ => None,
        })
        .collect()
}

/// Everything but the floats: structure, non-float leaves.
fn skeleton(m: &Model) -> Vec<Item> {
    snapshot(m)
        .into_iter()
        .filter(|item| matches!(item, Item::Len(_) | Item::Tag(_) | Item::Int(_)))
        .collect()
}

// ------------------------------------------------------------ properties

proptest! {
    #![proptest_config(config())]

    #[test]
    fn poly_reverse(
        c in vec(-2.0..2.0_f64, 0..6),
        start in vec(-1.0..1.0_f64, 6),
        x in -2.0..2.0_f64,
        dret in dret(),
    ) {
        let mut dc = start[..c.len()].to_vec();
        let (value, dx) = d_poly(&c, &mut dc, x, dret);
        prop_assert_eq!(value, poly(&c, x));
        let (gc, gx) = poly_gradient(&c, x);
        let want: Vec<f64> = start.iter().zip(&gc).map(|(s, g)| s + dret * g).collect();
        all_close("dc", &dc, &want)?;
        close("dx", dx, dret * gx)?;
    }

    #[test]
    fn poly_forward(
        c in vec(-2.0..2.0_f64, 0..6),
        tangent in vec(-1.0..1.0_f64, 6),
        x in -2.0..2.0_f64,
        bx in -1.0..1.0_f64,
    ) {
        let bc = &tangent[..c.len()];
        let (value, dvalue) = f_poly(&c, bc, x, bx);
        prop_assert_eq!(value, poly(&c, x));
        let (gc, gx) = poly_gradient(&c, x);
        close("tangent", dvalue, dot(&gc, bc) + gx * bx)?;
    }

    #[test]
    fn wave_reverse(
        x in proptest::array::uniform3(-1.5..1.5_f64),
        start in proptest::array::uniform3(-1.0..1.0_f64),
        dret in dret(),
    ) {
        let mut dx = start;
        let value = d_wave(&x, &mut dx, dret);
        prop_assert_eq!(value, wave(&x));
        let g = wave_gradient(&x);
        let want: Vec<f64> = start.iter().zip(g).map(|(s, g)| s + dret * g).collect();
        all_close("dx", &dx, &want)?;
    }

    #[test]
    fn wave_forward(
        x in proptest::array::uniform3(-1.5..1.5_f64),
        bx in proptest::array::uniform3(-1.0..1.0_f64),
    ) {
        let (value, dvalue) = f_wave(&x, &bx);
        prop_assert_eq!(value, wave(&x));
        close("tangent", dvalue, dot(&wave_gradient(&x), &bx))?;
    }

    #[test]
    fn bump_reverse_and_forward(
        a in -1.5..1.5_f64,
        b in -1.5..1.5_f64,
        da in -1.0..1.0_f64,
        db in -1.0..1.0_f64,
        dret in dret(),
    ) {
        let (ga, gb) = bump_gradient(a, b);
        let (value, grad_a, grad_b) = d_bump(a, b, dret);
        prop_assert_eq!(value, bump(a, b));
        close("da", grad_a, dret * ga)?;
        close("db", grad_b, dret * gb)?;
        let (value, dvalue) = f_bump(a, da, b, db);
        prop_assert_eq!(value, bump(a, b));
        close("tangent", dvalue, ga * da + gb * db)?;
    }

    #[test]
    fn mlp_reverse(
        (m, start, x, _) in mlp_case(),
        y in -2.0..2.0_f64,
        dret in dret(),
    ) {
        let mut dm = start.clone();
        let (value, dy) = d_mlp(&m, &mut dm, &x, y, dret);
        prop_assert_eq!(value, mlp_loss(&m, &x, y));
        let (gm, _, gy) = mlp_gradient(&m, &x, y);
        let want: Vec<f64> = flat(&start)
            .iter()
            .zip(flat(&gm))
            .map(|(s, g)| s + dret * g)
            .collect();
        all_close("dm", &flat(&dm), &want)?;
        close("dy", dy, dret * gy)?;
    }

    #[test]
    fn mlp_forward(
        (m, bm, x, bx) in mlp_case(),
        y in -2.0..2.0_f64,
    ) {
        let (value, dvalue) = f_mlp(&m, &bm, &x, &bx, y);
        prop_assert_eq!(value, mlp_loss(&m, &x, y));
        let (gm, gx, _) = mlp_gradient(&m, &x, y);
        close("tangent", dvalue, dot(&flat(&gm), &flat(&bm)) + dot(&gx, &bx))?;
    }

    #[test]
    fn hidden_reverse_and_forward(
        (m, bm, x, _) in mlp_case(),
        seed in vec(-1.0..1.0_f64, 4),
        garbage in vec(-9.0..9.0_f64, 4),
    ) {
        let n = m.b1.len();
        let z = pre_activation(&m, &x);
        let slope: Vec<f64> = z.iter().map(|z| sech2(*z)).collect();

        // Reverse: dm += J^T seed; the pure output's seed ends at zero.
        let mut dm = bm.clone();
        let mut h = garbage[..n].to_vec();
        let mut dh = seed[..n].to_vec();
        d_hidden(&m, &mut dm, &x, &mut h, &mut dh);
        let mut hh = vec![0.0; n];
        hidden(&m, &x, &mut hh);
        prop_assert_eq!(&h, &hh);
        all_close("dh", &dh, &vec![0.0; n])?;
        let dz: Vec<f64> = seed.iter().zip(&slope).map(|(s, t)| s * t).collect();
        let gm = Mlp {
            w1: dz.iter().map(|dz| x.iter().map(|x| dz * x).collect()).collect(),
            b1: dz.clone(),
            w2: vec![0.0; n],
            b2: 0.0,
        };
        let want: Vec<f64> = flat(&bm).iter().zip(flat(&gm)).map(|(s, g)| s + g).collect();
        all_close("dm", &flat(&dm), &want)?;

        // Forward: the output's tangent overwrites its garbage shadow.
        let mut h = garbage[..n].to_vec();
        let mut bh = garbage[..n].iter().map(|g| -g).collect::<Vec<_>>();
        f_hidden(&m, &bm, &x, &mut h, &mut bh);
        prop_assert_eq!(&h, &hh);
        let want: Vec<f64> = bm
            .w1
            .iter()
            .zip(&bm.b1)
            .zip(&slope)
            .map(|((row, b), t)| t * (dot(row, &x) + b))
            .collect();
        all_close("bh", &bh, &want)?;
    }

    #[test]
    fn family_reverse(
        m in model_in(1, Floats::Tame),
        c in vec(-2.0..2.0_f64, 1..6),
        seed in any::<u64>(),
        dret in dret(),
    ) {
        let start = mutated(make_zero(&m), &[], Some(seed));
        let mut dm = start.clone();
        let value = d_leafy(&m, &mut dm, &c, dret);
        prop_assert_eq!(value, leafy(&m, &c));
        prop_assert_eq!(first_mismatch(&m, &dm), None);
        prop_assert_eq!(skeleton(&dm), skeleton(&start));
        let x = float_leaves(&m);
        let got = float_leaves(&dm);
        for (k, ((x, (start, got)), f32_leaf)) in x
            .iter()
            .zip(float_leaves(&start).iter().zip(&got))
            .zip(is_f32(&m))
            .enumerate()
        {
            // No term on an `f32` leaf in the Enzyme tier (see `Terms for f32`).
            let differentiated = !(ENZYME && f32_leaf);
            let want = if differentiated {
                start + dret * c[k % c.len()] * x.cos()
            } else {
                *start
            };
            let rel = if f32_leaf { REL_F32 } else { REL };
            close_within(&format!("leaf {k}"), *got, want, rel)?;
        }
    }

    #[test]
    fn family_forward(
        m in model_in(1, Floats::Tame),
        c in vec(-2.0..2.0_f64, 1..6),
        seed in any::<u64>(),
    ) {
        let bm = mutated(make_zero(&m), &[], Some(seed));
        let (value, tangent) = f_leafy(&m, &bm, &c);
        prop_assert_eq!(value, leafy(&m, &c));
        let terms: Vec<f64> = float_leaves(&m)
            .iter()
            .zip(float_leaves(&bm))
            .zip(is_f32(&m))
            .enumerate()
            .map(|(k, ((x, v), f32_leaf))| {
                // No term on an `f32` leaf in the Enzyme tier (see `Terms for f32`).
                if ENZYME && f32_leaf { 0.0 } else { c[k % c.len()] * x.cos() * v }
            })
            .collect();
        let want: f64 = terms.iter().sum();
        // Every leaf moves at once, so errors add up over the terms: scale
        // the tolerance by their magnitudes, not by their (cancelling) sum.
        let magnitude: f64 = terms.iter().map(|term| term.abs()).sum();
        let rel = if is_f32(&m).contains(&true) { REL_F32 } else { REL };
        let tolerance = rel * magnitude.max(FLOOR);
        prop_assert!(
            (tangent - want).abs() <= tolerance,
            "tangent: got {:e}, want {:e} (error {:e} > tolerance {:e})",
            tangent, want, (tangent - want).abs(), tolerance
        );
    }

    /// Reverse mode replaces a `&mut` shadow (the seed of the final value)
    /// by the gradient with respect to the initial value; forward mode
    /// overwrites it with the tangent of the final value.
    #[test]
    fn in_place_reverse_and_forward(
        x0 in vec(-2.0..2.0_f64, 0..6),
        seed in vec(-1.0..1.0_f64, 6),
        a in -2.0..2.0_f64,
        ba in -1.0..1.0_f64,
    ) {
        let n = x0.len();
        let mut expected_x = x0.clone();
        squash(&mut expected_x, a);

        let mut x = x0.clone();
        let mut dx = seed[..n].to_vec();
        let da = d_squash(&mut x, &mut dx, a);
        prop_assert_eq!(&x, &expected_x);
        let want: Vec<f64> = x0.iter().zip(&seed).map(|(x, s)| s * a * x.cos()).collect();
        all_close("dx", &dx, &want)?;
        close("da", da, x0.iter().zip(&seed).map(|(x, s)| s * x.sin()).sum())?;

        let mut x = x0.clone();
        let mut bx = seed[..n].to_vec();
        f_squash(&mut x, &mut bx, a, ba);
        prop_assert_eq!(&x, &expected_x);
        let want: Vec<f64> = x0
            .iter()
            .zip(&seed)
            .map(|(x, b)| a * x.cos() * b + x.sin() * ba)
            .collect();
        all_close("bx", &bx, &want)?;
    }
}
