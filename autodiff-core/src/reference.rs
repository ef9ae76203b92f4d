//! The reference backend: derivatives by central finite differences.
//!
//! Without the `enzyme` feature, the checked derivatives that
//! `#[autodiff_reverse]` and `#[autodiff_forward]` generate compute their
//! outputs here, with std's documented semantics:
//!
//! - **Reverse mode** returns the primal result and the gradients of `Active`
//!   inputs, *adds* the gradient into the shadow of every `Duplicated` `&T`
//!   input, and replaces the shadow of every `Duplicated` `&mut T` argument
//!   (its seed on entry) by the gradient with respect to that argument's
//!   initial value, so a pure output's seed ends at zero.
//! - **Forward mode** returns the tangent of the result and *overwrites* the
//!   shadow of every `Dual` `&mut T` argument with the tangent of its final
//!   value.
//!
//! Reverse mode perturbs each float leaf `x` of the differentiated arguments
//! by `h = cbrt(eps) * max(1, |x|)` in each direction: `2n` primal calls for
//! `n` leaves, plus the one call that produces the primal outputs. Forward
//! mode perturbs along each tangent: two calls per tangent. The error is
//! `O(h^2)`, about `1e-8` relative for smooth `f64` functions and `1e-3` for
//! `f32`; functions with kinks (`if`, `abs`) are exact away from the kink and
//! wrong at it. Use the `enzyme` feature for exact derivatives.
//!
//! Everything here is called by generated code; its items are public so that
//! code can name them, and stable only as far as the macros need.
//!
//! ```
//! use autodiff_safe::autodiff_reverse;
//!
//! #[autodiff_reverse(d_sum_sq, Duplicated, Active)]
//! fn sum_sq(x: &[f64]) -> f64 {
//!     x.iter().map(|v| v * v).sum()
//! }
//!
//! let x = [1.0, -2.0, 3.0];
//! let mut dx = [0.0; 3];
//! let y = d_sum_sq(&x, &mut dx, 1.0);
//! assert_eq!(y, 14.0);
//! for (g, v) in dx.iter().zip(x) {
//!     assert!((g - 2.0 * v).abs() < 1e-7);
//! }
//! ```

use crate::{Float, FloatMut, FloatTree, Lanes};

/// The step for a leaf of value `value` and precision `epsilon`.
fn step(value: f64, epsilon: f64) -> f64 {
    epsilon.cbrt() * value.abs().max(1.0)
}

/// Where the next perturbation goes: the `target`-th float leaf, counted
/// across all differentiated arguments in signature order.
///
/// ```
/// use autodiff_safe::__private_0_1::reference::{copy_perturbed, Cursor};
///
/// let mut cursor = Cursor::leaf(1, 1.0);
/// let copy = copy_perturbed(&[1.0_f64, 2.0][..], &mut cursor);
/// assert_eq!(copy[0], 1.0);
/// assert!(copy[1] > 2.0);
/// ```
#[derive(Debug, Clone)]
pub struct Cursor {
    target: usize,
    sign: f64,
    position: usize,
    applied: f64,
    /// Gradcheck's fast mode: every leaf `i` moves by `sign * step_i *
    /// direction[i]`, and the distances moved are recorded.
    along: Option<(Vec<f64>, Vec<f64>)>,
}

impl Cursor {
    /// Perturbs leaf `target` by one step in the direction of `sign`.
    ///
    /// ```
    /// use autodiff_safe::__private_0_1::reference::Cursor;
    ///
    /// let cursor = Cursor::leaf(0, -1.0);
    /// assert_eq!(cursor.position(), 0);
    /// ```
    #[must_use]
    pub fn leaf(target: usize, sign: f64) -> Self {
        Self {
            target,
            sign,
            position: 0,
            applied: f64::NAN,
            along: None,
        }
    }

    #[cfg(feature = "gradcheck")]
    /// Moves every leaf `i` by `sign` steps times `direction[i]`.
    pub(crate) fn along(direction: Vec<f64>, sign: f64) -> Self {
        Self {
            along: Some((direction, Vec::new())),
            ..Self::leaf(usize::MAX, sign)
        }
    }

    #[cfg(feature = "gradcheck")]
    /// The distance each leaf actually moved, for a cursor made by
    /// [`along`](Self::along).
    pub(crate) fn moved(&self) -> &[f64] {
        self.along
            .as_ref()
            .map_or(&[], |(_, moved)| moved.as_slice())
    }

    /// How many leaves this cursor has passed.
    ///
    /// ```
    /// use autodiff_safe::__private_0_1::reference::{copy_perturbed, Cursor};
    ///
    /// let mut cursor = Cursor::leaf(usize::MAX, 1.0);
    /// let _ = copy_perturbed(&vec![1.0_f64; 3], &mut cursor);
    /// assert_eq!(cursor.position(), 3);
    /// ```
    #[must_use]
    pub fn position(&self) -> usize {
        self.position
    }

    /// Moves past one slice of leaves, perturbing the target if it is in it
    /// (or, along a direction, every leaf).
    fn visit(&mut self, mut lanes: Lanes<'_, 0, 1>) {
        let len = lanes.len();
        if let Some((direction, moved)) = &mut self.along {
            let start = self.position;
            let sign = self.sign;
            let mut along = |index: usize, mut leaf: FloatMut<'_>| {
                let value = leaf.get();
                let weight = direction.get(start + index).copied().unwrap_or(0.0);
                leaf.set(value + sign * weight * step(value, leaf.epsilon()));
                moved.push(leaf.get() - value);
            };
            match &mut lanes {
                Lanes::F32 {
                    write: [leaves], ..
                } => {
                    for (index, leaf) in leaves.iter_mut().enumerate() {
                        along(index, FloatMut::F32(leaf));
                    }
                }
                Lanes::F64 {
                    write: [leaves], ..
                } => {
                    for (index, leaf) in leaves.iter_mut().enumerate() {
                        along(index, FloatMut::F64(leaf));
                    }
                }
            }
        } else if let Some(index) = self.target.checked_sub(self.position)
            && index < len
        {
            let leaf = match lanes {
                Lanes::F32 {
                    write: [leaves], ..
                } => FloatMut::F32(&mut leaves[index]),
                Lanes::F64 {
                    write: [leaves], ..
                } => FloatMut::F64(&mut leaves[index]),
            };
            self.perturb(leaf);
        }
        self.position += len;
    }

    fn perturb(&mut self, mut leaf: FloatMut<'_>) {
        let value = leaf.get();
        leaf.set(value + self.sign * step(value, leaf.epsilon()));
        self.applied = leaf.get();
    }
}

/// The number of float leaves of `value`.
///
/// ```
/// use autodiff_safe::__private_0_1::reference::leaf_count;
///
/// assert_eq!(leaf_count(&(1.0_f64, vec![2.0_f32; 4], 7_usize)), 5);
/// ```
#[must_use]
pub fn leaf_count<T: FloatTree + ?Sized>(value: &T) -> usize {
    value.leaf_count()
}

/// The float leaves of a `&mut` dual argument after a primal call, in
/// traversal order; first it refuses a structure the call changed.
///
/// A forward derivative's tangent of such an argument has the argument's
/// structure *before* the call. A function that changes it (`mem::take`, an
/// enum that changes variant, a `push`) leaves nothing to pair the tangent
/// with, on this backend as on Enzyme, so this panics naming the function,
/// the argument and both leaf counts, instead of failing inside the
/// generated code.
///
/// ```
/// use autodiff_safe::__private_0_1::reference::final_floats;
///
/// assert_eq!(final_floats("d_f", "x", 2, &vec![1.0_f64, 2.0]), [1.0, 2.0]);
/// let taken = std::panic::catch_unwind(|| final_floats("d_f", "x", 2, &Vec::<f64>::new()));
/// assert!(taken.is_err());
/// ```
///
/// # Panics
///
/// When `value` no longer has `before` float leaves.
#[must_use]
#[track_caller]
pub fn final_floats<T: FloatTree + ?Sized>(
    function: &'static str,
    argument: &'static str,
    before: usize,
    value: &T,
) -> Vec<f64> {
    let after = value.leaf_count();
    assert!(
        after == before,
        "{function}: the function changed the structure of `{argument}`, a `Dual` `&mut` \
         argument: it had {before} float leaves before the call and {after} after; a forward \
         derivative pairs the tangent with the argument as it was, so the function must keep \
         its structure (no `mem::take`, `push`, `clear` or change of enum variant): return the \
         new value instead, or mark the argument `Const`"
    );
    floats(value)
}

/// The float leaves of `value`, in traversal order.
///
/// ```
/// use autodiff_safe::__private_0_1::reference::floats;
///
/// assert_eq!(floats(&[1.0_f32, 2.0][..]), [1.0, 2.0]);
/// ```
#[must_use]
pub fn floats<T: FloatTree + ?Sized>(value: &T) -> Vec<f64> {
    let mut leaves = Vec::with_capacity(value.leaf_count());
    T::zip_floats([value], [], &mut |lanes| match lanes {
        Lanes::F32 { read: [x], .. } => leaves.extend(x.iter().map(|&x| f64::from(x))),
        Lanes::F64 { read: [x], .. } => leaves.extend_from_slice(x),
    });
    leaves
}

/// A value the reference backend can copy before each primal call: the
/// `Const &mut` arguments, which the function may write, start every call
/// from the caller's value.
///
/// Every [`FloatTree`] type is one; derive it for yours.
///
/// ```
/// use autodiff_safe::__private_0_1::reference::Snapshot;
///
/// let state = vec![1.0_f64, 2.0];
/// assert_eq!(*state.snapshot(), state);
/// ```
#[diagnostic::on_unimplemented(
    message = "the reference backend cannot copy `{Self}`, which this function may write",
    label = "a `Const` `&mut` argument whose type cannot be copied",
    note = "the reference backend calls the function 2n+1 times; every call starts from a copy of the caller's `Const` `&mut` arguments, so that they end as one call leaves them",
    note = "derive it with `#[derive(autodiff_safe::ShadowCheck)]` (or `#[derive(autodiff_safe::FloatTree)]`), or use the `enzyme` feature, which calls the function once"
)]
pub trait Snapshot {
    /// A deep copy: floats and every other field.
    #[must_use]
    fn snapshot(&self) -> Box<Self>;
}

impl<T: FloatTree + ?Sized> Snapshot for T {
    fn snapshot(&self) -> Box<Self> {
        self.copy_boxed()
    }
}

/// A copy of `value` with the cursor's leaf perturbed, if it falls in
/// `value`.
///
/// ```
/// use autodiff_safe::__private_0_1::reference::{copy_perturbed, Cursor};
///
/// let mut cursor = Cursor::leaf(5, 1.0);
/// let copy = copy_perturbed(&vec![1.0_f64, 2.0], &mut cursor);
/// assert_eq!(*copy, [1.0, 2.0]);
/// ```
#[must_use]
pub fn copy_perturbed<T: FloatTree + ?Sized>(value: &T, cursor: &mut Cursor) -> Box<T> {
    let mut copy = value.copy_boxed();
    T::zip_floats([], [&mut *copy], &mut |lanes| cursor.visit(lanes));
    copy
}

/// `value`, perturbed if it is the cursor's leaf.
///
/// ```
/// use autodiff_safe::__private_0_1::reference::{scalar_perturbed, Cursor};
///
/// let mut cursor = Cursor::leaf(0, -1.0);
/// assert!(scalar_perturbed(2.0_f64, &mut cursor) < 2.0);
/// ```
#[must_use]
pub fn scalar_perturbed<F: Float + FloatTree>(mut value: F, cursor: &mut Cursor) -> F {
    F::zip_floats([], [&mut value], &mut |lanes| cursor.visit(lanes));
    value
}

/// Central differences of a reverse-mode loss: for each of the `leaves`
/// leaves, `eval` runs the primal on copies with that leaf moved one step up,
/// then one step down, and returns the loss of each of the `W` batch lanes.
///
/// Returns the gradient of each lane. `eval` is called exactly `2 * leaves`
/// times.
///
/// ```
/// use autodiff_safe::__private_0_1::reference::{copy_perturbed, gradient};
///
/// let x = [3.0_f64];
/// let [g] = gradient::<1>(1, |cursor| {
///     let x = copy_perturbed(&x[..], cursor);
///     [x[0] * x[0]]
/// });
/// assert!((g[0] - 6.0).abs() < 1e-7);
/// ```
pub fn gradient<const W: usize>(
    leaves: usize,
    mut eval: impl FnMut(&mut Cursor) -> [f64; W],
) -> [Vec<f64>; W] {
    let mut lanes = std::array::from_fn(|_| vec![0.0; leaves]);
    for leaf in 0..leaves {
        let (loss_up, loss_down, run) = leaf_steps(leaf, &mut eval);
        for (lane, (high, low)) in lanes.iter_mut().zip(loss_up.iter().zip(loss_down)) {
            lane[leaf] = slope(*high, low, run);
        }
    }
    lanes
}

/// The two evaluations of one leaf's central difference: the `W` losses
/// with the leaf one step up and one step down, and the distance between
/// the two points. Gradcheck's full mode shares it.
pub(crate) fn leaf_steps<const W: usize>(
    leaf: usize,
    eval: &mut impl FnMut(&mut Cursor) -> [f64; W],
) -> ([f64; W], [f64; W], f64) {
    let mut up = Cursor::leaf(leaf, 1.0);
    let loss_up = eval(&mut up);
    let mut down = Cursor::leaf(leaf, -1.0);
    let loss_down = eval(&mut down);
    // Dividing by the steps actually stored cancels their rounding.
    (loss_up, loss_down, up.applied - down.applied)
}

/// The two evaluations along a forward tangent, at `+t` and `-t`: their
/// distance is `2t`. Gradcheck's forward check shares it.
pub(crate) fn tangent_steps(
    t: f64,
    eval: &mut impl FnMut(&Direction) -> Vec<f64>,
) -> (Vec<f64>, Vec<f64>) {
    (eval(&Direction::new(t)), eval(&Direction::new(-t)))
}

/// The central difference itself: every derivative the reference backend
/// (and gradcheck) computes is this quotient.
#[inline]
pub(crate) fn slope(high: f64, low: f64, run: f64) -> f64 {
    (high - low) / run
}

/// Adds `seed * value` to every lane's loss: the contribution of an `Active`
/// float return with seed `dret`.
///
/// ```
/// use autodiff_safe::__private_0_1::reference::add_return;
///
/// let mut loss = [0.0; 2];
/// add_return(&mut loss, 3.0_f64, 2.0);
/// assert_eq!(loss, [6.0, 6.0]);
/// ```
pub fn add_return<F: Float, const W: usize>(loss: &mut [f64; W], value: F, seed: F) {
    let term = seed.to_f64() * value.to_f64();
    for lane in loss {
        *lane += term;
    }
}

/// Adds `seeds[lane] . floats(value)` to each lane's loss: the contribution of
/// a `Duplicated` `&mut` argument, whose shadow holds the seed of its final
/// value.
///
/// ```
/// use autodiff_safe::__private_0_1::reference::add_seed_dot;
///
/// let mut loss = [0.0];
/// add_seed_dot(&mut loss, &[2.0_f64, 3.0][..], &[vec![1.0, 10.0]]);
/// assert_eq!(loss, [32.0]);
/// ```
pub fn add_seed_dot<T: FloatTree + ?Sized, const W: usize>(
    loss: &mut [f64; W],
    value: &T,
    seeds: &[Vec<f64>; W],
) {
    let leaves = floats(value);
    for (lane, seed) in loss.iter_mut().zip(seeds) {
        *lane += leaves.iter().zip(seed).map(|(x, s)| x * s).sum::<f64>();
    }
}

/// Adds `gradient` leaf by leaf into `shadow` (reverse mode, `&T` inputs).
///
/// ```
/// use autodiff_safe::__private_0_1::reference::accumulate;
///
/// let mut shadow = vec![1.0_f64, 1.0];
/// accumulate(&mut shadow, &[0.5, 2.0]);
/// assert_eq!(shadow, [1.5, 3.0]);
/// ```
pub fn accumulate<T: FloatTree + ?Sized>(shadow: &mut T, gradient: &[f64]) {
    let mut source = gradient.iter();
    T::zip_floats([], [shadow], &mut |lanes| {
        lanes.for_each(|[], [mut leaf]| {
            if let Some(delta) = source.next() {
                let value = leaf.get();
                leaf.set(value + delta);
            }
        });
    });
}

/// Stores `values` leaf by leaf into `shadow` (reverse mode `&mut` arguments,
/// forward-mode outputs).
///
/// ```
/// use autodiff_safe::__private_0_1::reference::overwrite;
///
/// let mut shadow = vec![1.0_f64, 1.0];
/// overwrite(&mut shadow, &[0.5, 2.0]);
/// assert_eq!(shadow, [0.5, 2.0]);
/// ```
pub fn overwrite<T: FloatTree + ?Sized>(shadow: &mut T, values: &[f64]) {
    let mut source = values.iter();
    T::zip_floats([], [shadow], &mut |lanes| {
        lanes.for_each(|[], [mut leaf]| {
            if let Some(value) = source.next() {
                leaf.set(*value);
            }
        });
    });
}

/// Converts a gradient entry to an `Active` input's float type.
///
/// ```
/// use autodiff_safe::__private_0_1::reference::to_float;
///
/// let g: f32 = to_float(0.5);
/// assert_eq!(g, 0.5);
/// ```
#[must_use]
pub fn to_float<F: Float>(value: f64) -> F {
    F::from_f64(value)
}

/// A forward-mode evaluation point: every dual leaf moves by `t` times its
/// tangent.
///
/// ```
/// use autodiff_safe::__private_0_1::reference::{copy_along, Direction};
///
/// let direction = Direction::new(0.5);
/// let moved = copy_along(&[1.0_f64, 2.0][..], &[2.0, 0.0], &direction);
/// assert_eq!(*moved, [2.0, 2.0]);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Direction {
    t: f64,
}

impl Direction {
    /// A point `t` along the tangents.
    ///
    /// ```
    /// use autodiff_safe::__private_0_1::reference::Direction;
    ///
    /// let _ = Direction::new(1e-5);
    /// ```
    #[must_use]
    pub fn new(t: f64) -> Self {
        Self { t }
    }
}

/// A copy of `value` moved along `tangent` (its shadow's leaves).
///
/// ```
/// use autodiff_safe::__private_0_1::reference::{copy_along, Direction};
///
/// let moved = copy_along(&vec![1.0_f64, 1.0], &[1.0, -1.0], &Direction::new(0.5));
/// assert_eq!(*moved, [1.5, 0.5]);
/// ```
#[must_use]
pub fn copy_along<T: FloatTree + ?Sized>(
    value: &T,
    tangent: &[f64],
    direction: &Direction,
) -> Box<T> {
    let mut copy = value.copy_boxed();
    let mut tangent = tangent.iter();
    T::zip_floats([], [&mut *copy], &mut |lanes| {
        lanes.for_each(|[], [mut leaf]| {
            if let Some(dx) = tangent.next() {
                let x = leaf.get();
                leaf.set(x + direction.t * dx);
            }
        });
    });
    copy
}

/// A scalar moved along its tangent.
///
/// ```
/// use autodiff_safe::__private_0_1::reference::{scalar_along, Direction};
///
/// assert_eq!(scalar_along(1.0_f64, 2.0, &Direction::new(0.25)), 1.5);
/// ```
#[must_use]
pub fn scalar_along<F: Float>(value: F, tangent: F, direction: &Direction) -> F {
    F::from_f64(value.to_f64() + direction.t * tangent.to_f64())
}

/// Scale facts about the dual inputs, used to pick the forward step.
///
/// ```
/// use autodiff_safe::__private_0_1::reference::Scale;
///
/// let mut scale = Scale::default();
/// scale.include(&[3.0_f64, -4.0][..], &[1.0, 0.5]);
/// assert_eq!(scale.step(), f64::EPSILON.cbrt() * 4.0);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    max_value: f64,
    max_tangent: f64,
    epsilon: f64,
}

impl Default for Scale {
    fn default() -> Self {
        Self {
            max_value: 1.0,
            max_tangent: 0.0,
            epsilon: f64::EPSILON,
        }
    }
}

impl Scale {
    /// Takes a dual input and its tangent into account.
    ///
    /// ```
    /// use autodiff_safe::__private_0_1::reference::Scale;
    ///
    /// let mut scale = Scale::default();
    /// scale.include(&[1.0_f32][..], &[2.0]);
    /// assert_eq!(scale.step(), f64::from(f32::EPSILON).cbrt() / 2.0);
    /// ```
    pub fn include<T: FloatTree + ?Sized>(&mut self, value: &T, tangent: &[f64]) {
        T::zip_floats([value], [], &mut |lanes| {
            self.epsilon = self.epsilon.max(lanes.epsilon());
            lanes.for_each(|[x], []| self.max_value = self.max_value.max(x.abs()));
        });
        for dx in tangent {
            self.max_tangent = self.max_tangent.max(dx.abs());
        }
    }

    /// Takes a dual scalar and its tangent into account.
    ///
    /// ```
    /// use autodiff_safe::__private_0_1::reference::Scale;
    ///
    /// let mut scale = Scale::default();
    /// scale.include_scalar(2.0_f32, 0.0);
    /// assert!(scale.is_zero());
    /// ```
    pub fn include_scalar<F: Float>(&mut self, value: F, tangent: F) {
        self.epsilon = self.epsilon.max(F::EPSILON);
        self.max_value = self.max_value.max(value.to_f64().abs());
        self.max_tangent = self.max_tangent.max(tangent.to_f64().abs());
    }

    /// Whether every tangent is zero, so the directional derivative is zero.
    ///
    /// ```
    /// use autodiff_safe::__private_0_1::reference::Scale;
    ///
    /// assert!(Scale::default().is_zero());
    /// ```
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.max_tangent == 0.0
    }

    /// The step `t` along the tangents: each leaf moves by at most
    /// `cbrt(eps) * max(1, |x|_max)`.
    ///
    /// ```
    /// use autodiff_safe::__private_0_1::reference::Scale;
    ///
    /// let mut scale = Scale::default();
    /// scale.include_scalar(10.0_f64, 4.0);
    /// assert_eq!(scale.step(), f64::EPSILON.cbrt() * 10.0 / 4.0);
    /// ```
    #[must_use]
    pub fn step(&self) -> f64 {
        if self.is_zero() {
            return 0.0;
        }
        step(self.max_value, self.epsilon) / self.max_tangent
    }
}

/// Central differences along one tangent: `eval` runs the primal at
/// `+step` and `-step` along the tangents and returns its float outputs
/// (the return value, then the final leaves of every `&mut` dual argument).
/// Returns their tangents, or zeros when every input tangent is zero (then
/// `eval` still runs once, for the output count).
///
/// ```
/// use autodiff_safe::__private_0_1::reference::{directional, scalar_along, Scale};
///
/// let (x, dx) = (3.0_f64, 1.0);
/// let mut scale = Scale::default();
/// scale.include_scalar(x, dx);
/// let tangent = directional(&scale, |direction| {
///     let x = scalar_along(x, dx, direction);
///     vec![x * x]
/// });
/// assert!((tangent[0] - 6.0).abs() < 1e-7);
/// ```
pub fn directional(scale: &Scale, mut eval: impl FnMut(&Direction) -> Vec<f64>) -> Vec<f64> {
    let t = scale.step();
    if t == 0.0 {
        return vec![0.0; eval(&Direction::new(0.0)).len()];
    }
    let (up, down) = tangent_steps(t, &mut eval);
    up.iter()
        .zip(down)
        .map(|(high, low)| slope(*high, low, 2.0 * t))
        .collect()
}

/// Splits a `Dualv` shadow's leaves into `W` lane tangents of equal length.
///
/// ```
/// use autodiff_safe::__private_0_1::reference::vector_lanes;
///
/// let [a, b] = vector_lanes::<_, 2>(&[1.0_f64, 2.0, 3.0, 4.0][..]);
/// assert_eq!((a, b), (vec![1.0, 2.0], vec![3.0, 4.0]));
/// ```
#[must_use]
pub fn vector_lanes<T: FloatTree + ?Sized, const W: usize>(shadow: &T) -> [Vec<f64>; W] {
    let leaves = floats(shadow);
    let lane = leaves.len() / W.max(1);
    std::array::from_fn(|index| leaves[index * lane..(index + 1) * lane].to_vec())
}
