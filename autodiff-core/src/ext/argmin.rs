//! Checked derivatives as [argmin](https://docs.rs/argmin) problems (feature
//! `argmin`).
//!
//! [`Objective`] pairs a cost function with a closure that calls a checked
//! reverse-mode derivative, and implements argmin's `CostFunction` and
//! `Gradient`, so that gradient-based solvers (L-BFGS, BFGS, conjugate
//! gradient, steepest descent, ...) run on it. Each gradient starts from a
//! fresh `make_zero(param)` shadow, which always matches its primal.
//!
//! ```
//! use argmin::core::{Executor, State};
//! use argmin::solver::linesearch::MoreThuenteLineSearch;
//! use argmin::solver::quasinewton::LBFGS;
//! use autodiff_core::argmin::Objective;
//! use autodiff_safe::autodiff_reverse;
//!
//! #[autodiff_reverse(d_rosenbrock, Duplicated, Active)]
//! fn rosenbrock(x: &[f64]) -> f64 {
//!     (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2)
//! }
//!
//! let problem = Objective::new(
//!     |x: &Vec<f64>| rosenbrock(x),
//!     |x, dx| d_rosenbrock(x, dx, 1.0),
//! );
//! let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7);
//! let result = Executor::new(problem, solver)
//!     .configure(|state| state.param(vec![-1.2, 1.0]).max_iters(100))
//!     .run()?;
//! let best = result.state().get_best_param().unwrap();
//! assert!((best[0] - 1.0).abs() < 1e-4 && (best[1] - 1.0).abs() < 1e-4);
//! # Ok::<(), argmin::core::Error>(())
//! ```
//!
//! # Parameter types
//!
//! `Objective<P, ..>` implements the traits for every `P: FloatTree`; a
//! solver then asks for its own math traits (`ArgminDot`, `ArgminAdd`,
//! `ArgminL2Norm`, ...) from the `argmin-math` crate, with `f64` as the
//! float type, since the cost is an `f64`. The types that have both are:
//!
//! - `Vec<f64>`: argmin-math's `vec` backend, which this feature turns on;
//! - `f64`, for one-dimensional problems with the solvers that need only
//!   argmin-math's `primitives` (steepest descent; not L-BFGS, which
//!   asks for `ArgminSignum`).
//!
//! argmin-math 0.5 (the version argmin 0.11 uses) implements its traits for
//! ndarray up to 0.16 and nalgebra up to 0.34, while autodiff-safe's
//! `ShadowCheck` impls are for the versions this workspace uses, ndarray 0.17
//! and nalgebra 0.35: no array type has both, so keep the parameters in a
//! `Vec<f64>` (an `Array1` is `Array1::from_vec(x.clone())` away inside the
//! closures). A model struct is not a solver parameter either, for want of
//! the math traits; flatten it into a `Vec<f64>`.
//!
//! # Errors
//!
//! The derivative closure may return `f64` (a panicking derivative, `d_f`)
//! or `Result<f64, E>` for any error type `E` (the checked `try_d_f`, which
//! returns a `ShadowError`). An `Err` becomes the argmin [`Error`] of that
//! gradient, and the solver stops with it: its message is the shadow
//! error's, with the function, the argument and the path, and the
//! `ShadowError` itself is there for `downcast_ref`.
//!
//! ```
//! use argmin::core::Gradient;
//! use autodiff_core::argmin::Objective;
//! use autodiff_safe::{autodiff_reverse, ShadowCheck, ShadowError};
//!
//! #[derive(ShadowCheck)]
//! struct Weights {
//!     w: Vec<f64>,
//! }
//!
//! #[autodiff_reverse(d_fit, Duplicated, Duplicated, Active)]
//! fn fit(x: &[f64], m: &Weights) -> f64 {
//!     x.iter().zip(&m.w).map(|(x, w)| (x - w) * (x - w)).sum()
//! }
//!
//! // A closure that hands the derivative a shadow of the wrong shape.
//! let m = Weights { w: vec![1.0, 2.0] };
//! let problem = Objective::new(
//!     |x: &Vec<f64>| fit(x, &m),
//!     |x, dx| try_d_fit(x, dx, &m, &mut Weights { w: vec![0.0] }, 1.0),
//! );
//! let err = problem.gradient(&vec![0.0, 0.0]).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "d_fit: shadow `dm_0` does not match its primal `m` at `m.w`: \
//!      primal has length 2, shadow has length 1",
//! );
//! assert_eq!(err.downcast_ref::<ShadowError>().unwrap().path(), "m.w");
//! ```

use std::fmt;
use std::marker::PhantomData;

use ::argmin::core::{CostFunction, Error, Gradient};

use crate::{FloatTree, make_zero};

/// A cost function and its checked derivative, as an argmin problem over
/// parameters `P` (`CostFunction` and `Gradient`, with `f64` costs).
///
/// See the [module documentation](self) for the parameter types argmin's
/// solvers accept and for errors.
///
/// ```
/// use argmin::core::{CostFunction, Gradient};
/// use autodiff_core::argmin::Objective;
/// use autodiff_safe::autodiff_reverse;
///
/// #[autodiff_reverse(d_sum_sq, Duplicated, Active)]
/// fn sum_sq(x: &[f64]) -> f64 {
///     x.iter().map(|v| v * v).sum()
/// }
///
/// let problem = Objective::new(|x: &Vec<f64>| sum_sq(x), |x, dx| d_sum_sq(x, dx, 1.0));
/// assert_eq!(problem.cost(&vec![1.0, 2.0])?, 5.0);
/// let grad = problem.gradient(&vec![1.0, 2.0])?;
/// assert!((grad[0] - 2.0).abs() < 1e-6 && (grad[1] - 4.0).abs() < 1e-6);
/// # Ok::<(), argmin::core::Error>(())
/// ```
pub struct Objective<P, C, D> {
    cost: C,
    derivative: D,
    param: PhantomData<fn(&P) -> P>,
}

impl<P, C, D> fmt::Debug for Objective<P, C, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Objective").finish_non_exhaustive()
    }
}

impl<P, C, D> Objective<P, C, D> {
    /// An objective with cost `cost(x)` and gradient from
    /// `derivative(x, dx)`, which must add the gradient of the cost at `x`
    /// into the zeroed shadow `dx` and return the cost (or a `Result` of
    /// it), as `|x, dx| d_f(x, dx, 1.0)` or `|x, dx| try_d_f(x, dx, 1.0)`
    /// do. The returned cost is ignored: argmin asks for it separately.
    ///
    /// Annotate the cost closure's parameter (`|x: &Vec<f64>| ..`): it names
    /// `P` for both closures.
    ///
    /// ```
    /// use argmin::core::Gradient;
    /// use autodiff_core::argmin::Objective;
    /// use autodiff_safe::autodiff_reverse;
    ///
    /// #[autodiff_reverse(d_cube, Duplicated, Active)]
    /// fn cube(x: &f64) -> f64 {
    ///     x * x * x
    /// }
    ///
    /// let problem = Objective::new(|x: &f64| cube(x), |x, dx| try_d_cube(x, dx, 1.0));
    /// assert!((problem.gradient(&2.0)? - 12.0).abs() < 1e-6);
    /// # Ok::<(), argmin::core::Error>(())
    /// ```
    #[must_use]
    pub fn new<R>(cost: C, derivative: D) -> Self
    where
        C: Fn(&P) -> f64,
        D: Fn(&P, &mut P) -> R,
        R: DerivativeOutput,
    {
        Objective {
            cost,
            derivative,
            param: PhantomData,
        }
    }
}

impl<P, C, D> CostFunction for Objective<P, C, D>
where
    C: Fn(&P) -> f64,
{
    type Param = P;
    type Output = f64;

    /// `cost(param)`.
    fn cost(&self, param: &P) -> Result<f64, Error> {
        Ok((self.cost)(param))
    }
}

impl<P, C, D, R> Gradient for Objective<P, C, D>
where
    P: FloatTree,
    D: Fn(&P, &mut P) -> R,
    R: DerivativeOutput,
{
    type Param = P;
    type Gradient = P;

    /// `derivative(param, dparam)` into `dparam = make_zero(param)`.
    fn gradient(&self, param: &P) -> Result<P, Error> {
        let mut grad = make_zero(param);
        (self.derivative)(param, &mut grad).into_result()?;
        Ok(grad)
    }
}

/// What an [`Objective`]'s derivative closure may return: `f64`, or
/// `Result<f64, E>` for any error type `E`, whose `Err` becomes an argmin
/// [`Error`].
///
/// The trait is sealed: those are the only implementations.
///
/// ```
/// use autodiff_core::argmin::DerivativeOutput;
///
/// assert_eq!(2.5_f64.into_result().unwrap(), 2.5);
/// let failed: Result<f64, std::fmt::Error> = Err(std::fmt::Error);
/// assert!(failed.into_result().is_err());
/// ```
pub trait DerivativeOutput: sealed::Sealed {
    /// The cost, or the error as an argmin [`Error`].
    ///
    /// ```
    /// use autodiff_core::argmin::DerivativeOutput;
    /// use autodiff_safe::check;
    ///
    /// let err = check(&vec![1.0_f64], &vec![]).map(|()| 0.0).into_result().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "shadow does not match its primal: primal has length 1, shadow has length 0",
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// The closure's own error, wrapped.
    fn into_result(self) -> Result<f64, Error>;
}

impl DerivativeOutput for f64 {
    fn into_result(self) -> Result<f64, Error> {
        Ok(self)
    }
}

impl<E> DerivativeOutput for Result<f64, E>
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn into_result(self) -> Result<f64, Error> {
        self.map_err(Error::new)
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f64 {}
    impl<E> Sealed for Result<f64, E> {}
}
