//! Structural arithmetic on models: every function walks the float leaves
//! of values of one structure together, after checking that the structures
//! match, so that an update cannot forget a field or run past a buffer.
//!
//! Each function checks every structure against the first value it writes
//! (or reads, when it writes none) before it reads or writes anything; on a
//! mismatch it returns the [`ShadowError`] with its path, and nothing has
//! changed. The structures are compared as a derivative compares a shadow
//! behind `&` ([`ShadowCheck::check_shadow_shared`]): lengths and variants,
//! not capacities, since these functions only write elements in place.
//!
//! **Summation order.** [`dot`] and [`norm`] add leaf products in traversal
//! order (the order of [`FloatTree::visit_floats`]), left to right, in `f64`
//! (`f32` leaves are widened first): the same model gives the same bits on
//! every run and every thread count.

use crate::{FloatTree, Lanes, ShadowCheck, ShadowError};

/// The names errors give to the values of [`zip_map`], by position.
const READ_NAMES: [&str; 8] = [
    "read[0]", "read[1]", "read[2]", "read[3]", "read[4]", "read[5]", "read[6]", "read[7]",
];
const WRITE_NAMES: [&str; 8] = [
    "write[0]", "write[1]", "write[2]", "write[3]", "write[4]", "write[5]", "write[6]", "write[7]",
];

/// Checks every value of `read` and `write` against the first of `write`
/// (or of `read`), naming the one that differs.
fn check_all<T: ShadowCheck + ?Sized, const R: usize, const W: usize>(
    read: &[&T; R],
    write: &[&mut T; W],
) -> Result<(), ShadowError> {
    let reference: &T = match (write.first(), read.first()) {
        (Some(first), _) => first,
        (None, Some(first)) => first,
        (None, None) => return Ok(()),
    };
    for (index, value) in read.iter().enumerate() {
        reference.check_shadow_shared(value).map_err(|error| {
            error.for_argument(READ_NAMES.get(index).copied().unwrap_or("read[..]"))
        })?;
    }
    for (index, value) in write.iter().enumerate().skip(1) {
        reference.check_shadow_shared(value).map_err(|error| {
            error.for_argument(WRITE_NAMES.get(index).copied().unwrap_or("write[..]"))
        })?;
    }
    Ok(())
}

/// The n-ary map: after checking that all `R + W` values have one
/// structure, hands `f` their float leaves together, in traversal order, as
/// whole contiguous slices where the storage is contiguous (a `Vec<f64>` is
/// one call). `read` values are only read; `write` values are updated.
///
/// SGD with momentum, `v = mu * v + g; p -= lr * v`, over any model:
///
/// ```
/// use autodiff_safe::{Lanes, ShadowCheck, zip_map};
///
/// #[derive(ShadowCheck)]
/// struct Layer { w: Vec<f64>, b: f64 }
///
/// let mut params = Layer { w: vec![1.0, 2.0], b: 0.5 };
/// let mut velocity = Layer { w: vec![0.0; 2], b: 0.0 };
/// let grad = Layer { w: vec![0.1, -0.2], b: 1.0 };
/// zip_map([&grad], [&mut params, &mut velocity], |lanes| {
///     if let Lanes::F64 { read: [g], write: [p, v] } = lanes {
///         for ((p, v), g) in p.iter_mut().zip(v.iter_mut()).zip(g) {
///             *v = 0.9 * *v + g;
///             *p -= 0.1 * *v;
///         }
///     }
/// })?;
/// assert_eq!(params.b, 0.4);
/// assert_eq!(velocity.w, [0.1, -0.2]);
///
/// // A gradient of another structure is refused, and nothing moves.
/// let short = Layer { w: vec![0.0], b: 0.0 };
/// let err = zip_map([&short], [&mut params, &mut velocity], |_| {}).unwrap_err();
/// assert_eq!(err.path(), "read[0].w");
/// assert_eq!(params.b, 0.4);
/// # Ok::<(), autodiff_safe::ShadowError>(())
/// ```
///
/// For models of both precisions, [`Lanes::for_each`] hands `f64` values and
/// [`FloatMut`](crate::FloatMut) handles, one leaf at a time.
///
/// # Errors
///
/// The first value whose structure differs, named `read[i]` or `write[i]`,
/// with the path to the difference.
pub fn zip_map<T, const R: usize, const W: usize>(
    read: [&T; R],
    write: [&mut T; W],
    mut f: impl FnMut(Lanes<'_, R, W>),
) -> Result<(), ShadowError>
where
    T: ShadowCheck + FloatTree + ?Sized,
{
    check_all(&read, &write)?;
    T::zip_floats(read, write, &mut f);
    Ok(())
}

/// `y += alpha * x`, leaf by leaf.
///
/// `f32` leaves compute in `f32`: `alpha` is rounded to `f32` first (see
/// [Panics](#panics)).
///
/// ```
/// use autodiff_safe::axpy;
///
/// let mut y = vec![1.0_f64, 1.0];
/// axpy(-0.5, &vec![2.0, 4.0], &mut y)?;
/// assert_eq!(y, [0.0, -1.0]);
///
/// // The error names both sides: `y` is the structure `x` must have.
/// let err = axpy(1.0, &vec![1.0], &mut y).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "axpy: shadow `x` does not match its primal `y` at `y`: primal has length 2, shadow has length 1",
/// );
/// assert_eq!(y, [0.0, -1.0]);
/// # Ok::<(), autodiff_safe::ShadowError>(())
/// ```
///
/// # Errors
///
/// When `x` does not have `y`'s structure: the error's argument is `y`, its
/// shadow `x`, and its lengths say which side has which. Nothing is written.
///
/// # Panics
///
/// When `y` has `f32` leaves and `alpha` is finite but overflows `f32`
/// (`|alpha| > f32::MAX`): it would turn every such leaf into an infinity.
/// Nothing is written.
pub fn axpy<T>(alpha: f64, x: &T, y: &mut T) -> Result<(), ShadowError>
where
    T: ShadowCheck + FloatTree + ?Sized,
{
    y.check_shadow_shared(x)
        .map_err(|error| error.for_argument("y").in_derivative("axpy", "x"))?;
    refuse_f32_overflow("axpy", alpha, y);
    T::zip_floats([x], [y], &mut |lanes| match lanes {
        Lanes::F64 {
            read: [x],
            write: [y],
        } => {
            for (y, x) in y.iter_mut().zip(x) {
                *y += alpha * x;
            }
        }
        Lanes::F32 {
            read: [x],
            write: [y],
        } => {
            // Leaves keep their own precision; the product rounds to it.
            #[allow(clippy::cast_possible_truncation, reason = "f32 leaves store f32")]
            let alpha = alpha as f32;
            for (y, x) in y.iter_mut().zip(x) {
                *y += alpha * x;
            }
        }
    });
    Ok(())
}

/// `y += alpha * mask * x`, leaf by leaf: a `mask` of the model's structure
/// with `1.0` where parameters train and `0.0` where they are frozen.
///
/// ```
/// use autodiff_safe::{axpy_masked, fill, make_zero, ShadowCheck};
///
/// #[derive(ShadowCheck)]
/// struct Net { encoder: Vec<f64>, head: Vec<f64> }
///
/// let mut net = Net { encoder: vec![1.0; 2], head: vec![1.0; 2] };
/// let grad = Net { encoder: vec![1.0; 2], head: vec![1.0; 2] };
/// // Freeze the encoder: train only the head.
/// let mut mask = make_zero(&net);
/// fill(&mut mask.head, 1.0);
/// axpy_masked(-0.5, &grad, &mask, &mut net)?;
/// assert_eq!((net.encoder, net.head), (vec![1.0; 2], vec![0.5; 2]));
/// # Ok::<(), autodiff_safe::ShadowError>(())
/// ```
///
/// A leaf whose mask is `0.0` (or `-0.0`) is frozen: it keeps its bits,
/// whatever `x` holds there (`0 * inf` would be `NaN`, and `-0.0 + 0.0`
/// would be `+0.0`). Other mask values multiply, `NaN` included.
///
/// # Errors
///
/// When `x` or `mask` does not have `y`'s structure: the error's argument is
/// `y` and its shadow the one that differs. Nothing is written.
///
/// # Panics
///
/// As [`axpy`]: when `y` has `f32` leaves and `alpha` overflows `f32`.
pub fn axpy_masked<T>(alpha: f64, x: &T, mask: &T, y: &mut T) -> Result<(), ShadowError>
where
    T: ShadowCheck + FloatTree + ?Sized,
{
    y.check_shadow_shared(x)
        .map_err(|error| error.for_argument("y").in_derivative("axpy_masked", "x"))?;
    y.check_shadow_shared(mask)
        .map_err(|error| error.for_argument("y").in_derivative("axpy_masked", "mask"))?;
    refuse_f32_overflow("axpy_masked", alpha, y);
    T::zip_floats([x, mask], [y], &mut |lanes| match lanes {
        Lanes::F64 {
            read: [x, mask],
            write: [y],
        } => {
            for ((y, x), m) in y.iter_mut().zip(x).zip(mask) {
                if *m != 0.0 {
                    *y += alpha * m * x;
                }
            }
        }
        Lanes::F32 {
            read: [x, mask],
            write: [y],
        } => {
            #[allow(clippy::cast_possible_truncation, reason = "f32 leaves store f32")]
            let alpha = alpha as f32;
            for ((y, x), m) in y.iter_mut().zip(x).zip(mask) {
                if *m != 0.0 {
                    *y += alpha * m * x;
                }
            }
        }
    });
    Ok(())
}

/// `x *= alpha`, leaf by leaf.
///
/// `f32` leaves compute in `f32`: `alpha` is rounded to `f32` first.
///
/// ```
/// use autodiff_safe::scale;
///
/// let mut x = (2.0_f32, vec![1.0_f64, -3.0]);
/// scale(0.5, &mut x);
/// assert_eq!(x, (1.0, vec![0.5, -1.5]));
/// ```
///
/// # Panics
///
/// When `x` has `f32` leaves and `alpha` is finite but overflows `f32`.
/// Nothing is written.
pub fn scale<T: FloatTree + ?Sized>(alpha: f64, x: &mut T) {
    refuse_f32_overflow("scale", alpha, x);
    T::zip_floats([], [x], &mut |lanes| match lanes {
        Lanes::F64 { write: [x], .. } => {
            for x in x.iter_mut() {
                *x *= alpha;
            }
        }
        Lanes::F32 { write: [x], .. } => {
            #[allow(clippy::cast_possible_truncation, reason = "f32 leaves store f32")]
            let alpha = alpha as f32;
            for x in x.iter_mut() {
                *x *= alpha;
            }
        }
    });
}

/// Sets every float leaf to `value`: a mask of ones, say.
///
/// `f32` leaves get `value` rounded to `f32`.
///
/// ```
/// use autodiff_safe::{fill, make_zero};
///
/// let mut ones = make_zero(&vec![vec![2.0_f64; 2], vec![3.0]]);
/// fill(&mut ones, 1.0);
/// assert_eq!(ones, [vec![1.0; 2], vec![1.0]]);
/// ```
///
/// # Panics
///
/// When `x` has `f32` leaves and `value` is finite but overflows `f32`.
/// Nothing is written.
pub fn fill<T: FloatTree + ?Sized>(x: &mut T, value: f64) {
    refuse_f32_overflow("fill", value, x);
    T::zip_floats([], [x], &mut |lanes| match lanes {
        Lanes::F64 { write: [x], .. } => x.fill(value),
        Lanes::F32 { write: [x], .. } => {
            #[allow(clippy::cast_possible_truncation, reason = "f32 leaves store f32")]
            x.fill(value as f32);
        }
    });
}

/// Panics, before anything is written, when `value` is finite but rounds
/// to an infinity in `f32` and `x` has an `f32` leaf to write it into.
fn refuse_f32_overflow<T: FloatTree + ?Sized>(function: &str, value: f64, x: &T) {
    #[allow(
        clippy::cast_possible_truncation,
        reason = "the rounding is what is tested"
    )]
    let overflows = value.is_finite() && (value as f32).is_infinite();
    if !overflows {
        return;
    }
    let mut has_f32 = false;
    T::zip_floats([x], [], &mut |lanes| {
        has_f32 |= matches!(lanes, Lanes::F32 { read: [x], .. } if !x.is_empty());
    });
    assert!(
        !has_f32,
        "{function}: {value:e} overflows the `f32` leaves it would be applied to \
         (f32::MAX is {:e}); split it into factors that fit, or keep those leaves `f64`",
        f32::MAX
    );
}

/// The sum of `x[i] * y[i]` over every float leaf, in traversal order, in
/// `f64`.
///
/// ```
/// use autodiff_safe::dot;
///
/// assert_eq!(dot(&vec![1.0_f64, 2.0], &vec![3.0, 4.0])?, 11.0);
/// assert!(dot(&vec![1.0_f64], &vec![1.0, 2.0]).is_err());
/// # Ok::<(), autodiff_safe::ShadowError>(())
/// ```
///
/// # Errors
///
/// When `y` does not have `x`'s structure: the error's argument is `x`, its
/// shadow `y`.
pub fn dot<T>(x: &T, y: &T) -> Result<f64, ShadowError>
where
    T: ShadowCheck + FloatTree + ?Sized,
{
    x.check_shadow_shared(y)
        .map_err(|error| error.for_argument("x").in_derivative("dot", "y"))?;
    let mut sum = 0.0;
    T::zip_floats([x, y], [], &mut |lanes| match lanes {
        Lanes::F64 { read: [x, y], .. } => {
            for (x, y) in x.iter().zip(y) {
                sum += x * y;
            }
        }
        Lanes::F32 { read: [x, y], .. } => {
            for (x, y) in x.iter().zip(y) {
                sum += f64::from(*x) * f64::from(*y);
            }
        }
    });
    Ok(sum)
}

/// The Euclidean norm of all float leaves, `sqrt(dot(x, x))`, in the same
/// order.
///
/// ```
/// use autodiff_safe::norm;
///
/// assert_eq!(norm(&(3.0_f64, vec![4.0_f32])), 5.0);
/// ```
pub fn norm<T: FloatTree + ?Sized>(x: &T) -> f64 {
    let mut sum = 0.0;
    T::zip_floats([x], [], &mut |lanes| match lanes {
        Lanes::F64 { read: [x], .. } => {
            for x in x {
                sum += x * x;
            }
        }
        Lanes::F32 { read: [x], .. } => {
            for x in x {
                sum += f64::from(*x) * f64::from(*x);
            }
        }
    });
    sum.sqrt()
}
