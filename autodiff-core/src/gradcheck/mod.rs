//! Gradcheck: compare a derivative against the finite-difference reference,
//! leaf by leaf, and say where it is wrong.
//!
//! With the `gradcheck` feature of `autodiff-safe`, every
//! `#[autodiff_reverse(d_f, ..)]` and `#[autodiff_forward(d_f, ..)]` also
//! generates `gradcheck_d_f`, taking `d_f`'s arguments and returning a
//! [`Report`]. One line in a test checks the derivative at the arguments
//! given: `gradcheck_d_f(&x, &mut dx, 1.0).assert();` (the facade's
//! `gradcheck` module docs show it compiled).
//!
//! On the stable reference backend there is nothing to compare the
//! derivative with: it *is* the reference. Then the check runs the
//! derivative once, still reports non-finite values and `Const` state hints,
//! and ends in [`Outcome::NotCompared`], never in a silent pass.
//!
//! # Tolerance
//!
//! A leaf passes when `|candidate - reference| <= absolute + relative *
//! |reference|`. The defaults are [`Tolerance::F64`] (`1e-6`, `1e-5`) when
//! a leaf is `f64` and [`Tolerance::F32`] (`1e-3`, `1e-2`) when it is `f32`;
//! [`Check::tolerance`] overrides both, for the checks run inside
//! [`Check::run`]. NaN or infinity on
//! either side is a failure of its own ([`Finding::NonFinite`]).
//!
//! # Modes
//!
//! - **Full** (the default): every output leaf, each against its own central
//!   difference: `2n + 1` primal calls in reverse mode for `n` input leaves.
//!   A leaf where the two one-sided differences disagree (a kink, as in
//!   `relu`, `abs` or `max`) is reported as [`Finding::NonDifferentiable`],
//!   not as a wrong gradient.
//! - **Fast** ([`Check::fast`]): a few random directions `v`, comparing
//!   `<v, gradient>` against the directional difference of the loss along
//!   `v`: two primal calls per direction, whatever `n`, as `PyTorch`'s fast
//!   gradcheck does. Forward mode is already directional: its tangents are
//!   the directions, so both modes compare every output tangent.
//!
//! # Arguments
//!
//! The reference runs on copies; the derivative runs once on the caller's
//! arguments, so they end as one call of `d_f` leaves them.
//!
//! # Layout
//!
//! [`Report`] and what it holds are what a test reads; [`Check`] and
//! [`Options`] are what a test sets. What the generated companions call
//! while the reference runs (the observer of kinks and directions, the
//! differences under observation, the state hint) is plumbing: it lives in
//! `observe` and is reached only through `__private_0_1::gradcheck`.

mod observe;
mod options;
mod report;

pub use options::{Check, Mode, Options, current_options};
pub use report::{Finding, LeafReport, Outcome, Report, StateHint, Tolerance};

/// Items only the generated companions call, re-exported as
/// `__private::gradcheck`.
pub(crate) mod private {
    pub use super::observe::{
        Observer, compare_directions, directional, gradient, hint_cursor, state_moved,
    };
}
