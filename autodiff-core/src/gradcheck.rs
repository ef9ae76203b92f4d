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

use std::cell::RefCell;
use std::fmt::{self, Display, Write as _};

use crate::{FloatTree, PathSegment};

/// How far a derivative may be from the reference.
///
/// ```
/// use autodiff_core::gradcheck::Tolerance;
///
/// let tolerance = Tolerance::new(1e-8, 1e-6);
/// assert!(tolerance.accepts(1.0 + 1e-7, 1.0));
/// assert!(!tolerance.accepts(1.1, 1.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// The error allowed at a reference value of zero.
    pub absolute: f64,
    /// The error allowed per unit of the reference value's magnitude.
    pub relative: f64,
}

impl Tolerance {
    /// The default for `f64` leaves: central differences are accurate to
    /// about `1e-8` relative for smooth functions, so this leaves room for
    /// curvature without hiding a wrong gradient.
    pub const F64: Self = Self {
        absolute: 1e-6,
        relative: 1e-5,
    };

    /// The default when any compared leaf is `f32`.
    pub const F32: Self = Self {
        absolute: 1e-3,
        relative: 1e-2,
    };

    /// A tolerance of `absolute + relative * |reference|`.
    ///
    /// ```
    /// use autodiff_core::gradcheck::Tolerance;
    ///
    /// assert_eq!(Tolerance::new(0.0, 0.5).relative, 0.5);
    /// ```
    #[must_use]
    pub fn new(absolute: f64, relative: f64) -> Self {
        Self { absolute, relative }
    }

    /// Whether `candidate` is within the tolerance of `reference`.
    ///
    /// ```
    /// use autodiff_core::gradcheck::Tolerance;
    ///
    /// assert!(Tolerance::F64.accepts(2.0, 2.0 + 1e-6));
    /// ```
    #[must_use]
    pub fn accepts(&self, candidate: f64, reference: f64) -> bool {
        (candidate - reference).abs() <= self.absolute + self.relative * reference.abs()
    }
}

/// Full or fast comparison; see the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every leaf against its own central difference.
    Full,
    /// `directions` random directions, from a fixed `seed`.
    Fast {
        /// How many random directions.
        directions: usize,
        /// The generator's seed, so that a failure can be replayed.
        seed: u64,
    },
}

/// What gradcheck found at one leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    /// Outside the tolerance.
    Wrong,
    /// NaN or infinite on either side.
    NonFinite,
    /// The one-sided differences disagree: the function has a kink here, so
    /// the reference is no reference. Not a failure.
    NonDifferentiable,
}

/// One leaf (or, in fast mode, one direction) that did not match.
#[derive(Debug, Clone, PartialEq)]
pub struct LeafReport {
    /// The tolerance it was judged by.
    pub tolerance: Tolerance,
    /// The leaf's place, `m.layers[1].b[3]`, or `direction 2 of d_m_0` in
    /// fast mode.
    pub path: String,
    /// The derivative's value.
    pub candidate: f64,
    /// The finite-difference reference.
    pub reference: f64,
    /// `|candidate - reference|`.
    pub absolute_error: f64,
    /// `|candidate - reference| / |reference|` (infinite at a zero
    /// reference).
    pub relative_error: f64,
    /// Why it is reported.
    pub finding: Finding,
}

impl Display for LeafReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.finding {
            Finding::Wrong => "wrong",
            Finding::NonFinite => "not finite",
            Finding::NonDifferentiable => "non-differentiable here",
        };
        write!(
            f,
            "`{}` {what}: derivative {:.6e}, reference {:.6e} (absolute error {:.2e}, relative \
             error {:.2e}; tolerance {:.0e} + {:.0e} * |reference|)",
            self.path,
            self.candidate,
            self.reference,
            self.absolute_error,
            self.relative_error,
            self.tolerance.absolute,
            self.tolerance.relative
        )
    }
}

/// A `Const` argument the function writes, whose final value moved when the
/// differentiated inputs moved: derivatives that flow through it are lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateHint {
    /// The argument's name.
    pub argument: &'static str,
}

impl Display for StateHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "hint: `{0}` is `Const`, but its final value depends on the differentiated inputs; \
             if the result reads `{0}` back, no derivative flows through it: mark it \
             `Duplicated` (reverse) or `Dual` (forward)",
            self.argument
        )
    }
}

/// The verdict of a [`Report`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every compared leaf is within the tolerance.
    Passed,
    /// Nothing to compare with: the derivative *is* the reference (the
    /// `enzyme` feature is off). Non-finite values would still fail.
    NotCompared {
        /// Why: `"reference backend"`.
        reason: &'static str,
    },
    /// At least one leaf is wrong or not finite.
    Failed,
}

/// What a gradcheck found.
///
/// ```
/// use autodiff_core::gradcheck::{Outcome, Report};
///
/// let report = Report::not_compared("d_f");
/// assert_eq!(report.outcome(), Outcome::NotCompared { reason: "reference backend" });
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    function: &'static str,
    compared: bool,
    leaves: usize,
    tolerance: Option<Tolerance>,
    findings: Vec<LeafReport>,
    hints: Vec<StateHint>,
}

impl Report {
    /// A report for `function`, whose derivative is compared with the
    /// reference.
    ///
    /// ```
    /// use autodiff_core::gradcheck::Report;
    ///
    /// assert_eq!(Report::compared_for("d_f").leaves(), 0);
    /// ```
    #[must_use]
    pub fn compared_for(function: &'static str) -> Self {
        Self {
            function,
            compared: true,
            leaves: 0,
            tolerance: None,
            findings: Vec::new(),
            hints: Vec::new(),
        }
    }

    /// A report for `function` on the reference backend, which has nothing
    /// to compare with.
    ///
    /// ```
    /// use autodiff_core::gradcheck::Report;
    ///
    /// assert!(!Report::not_compared("d_f").compared());
    /// ```
    #[must_use]
    pub fn not_compared(function: &'static str) -> Self {
        Self {
            compared: false,
            ..Self::compared_for(function)
        }
    }

    /// The derivative's name.
    ///
    /// ```
    /// use autodiff_core::gradcheck::Report;
    ///
    /// assert_eq!(Report::not_compared("d_f").function(), "d_f");
    /// ```
    #[must_use]
    pub fn function(&self) -> &'static str {
        self.function
    }

    /// Whether the derivative was compared with the reference at all.
    ///
    /// ```
    /// use autodiff_core::gradcheck::Report;
    ///
    /// assert!(Report::compared_for("d_f").compared());
    /// ```
    #[must_use]
    pub fn compared(&self) -> bool {
        self.compared
    }

    /// How many leaves (or directions) were compared.
    ///
    /// ```
    /// use autodiff_core::gradcheck::Report;
    ///
    /// let mut report = Report::compared_for("d_f");
    /// report.compare_leaf(|| "x".into(), 1.0, 1.0, false);
    /// assert_eq!(report.leaves(), 1);
    /// ```
    #[must_use]
    pub fn leaves(&self) -> usize {
        self.leaves
    }

    /// The verdict.
    ///
    /// ```
    /// use autodiff_core::gradcheck::{Outcome, Report};
    ///
    /// let mut report = Report::compared_for("d_f");
    /// report.compare_leaf(|| "x[0]".into(), 2.0, 3.0, false);
    /// assert_eq!(report.outcome(), Outcome::Failed);
    /// ```
    #[must_use]
    pub fn outcome(&self) -> Outcome {
        let failed = self
            .findings
            .iter()
            .any(|leaf| leaf.finding != Finding::NonDifferentiable);
        match (failed, self.compared) {
            (true, _) => Outcome::Failed,
            (false, true) => Outcome::Passed,
            (false, false) => Outcome::NotCompared {
                reason: "reference backend",
            },
        }
    }

    /// Every leaf reported: failures, then kinks, in traversal order.
    ///
    /// ```
    /// use autodiff_core::gradcheck::{Finding, Report};
    ///
    /// let mut report = Report::compared_for("d_f");
    /// report.compare_leaf(|| "x".into(), f64::NAN, 1.0, false);
    /// assert_eq!(report.findings()[0].finding, Finding::NonFinite);
    /// ```
    #[must_use]
    pub fn findings(&self) -> &[LeafReport] {
        &self.findings
    }

    /// The first place to look: among the failures, a leaf whose
    /// *derivative* is not finite comes first, then one whose reference is
    /// not finite, then the largest error relative to its tolerance; ties go
    /// to the first in traversal order.
    ///
    /// ```
    /// use autodiff_core::gradcheck::Report;
    ///
    /// let mut report = Report::compared_for("d_f");
    /// report.compare_leaf(|| "a".into(), 1.1, 1.0, false);
    /// report.compare_leaf(|| "b".into(), 5.0, 1.0, false);
    /// assert_eq!(report.worst().unwrap().path, "b");
    /// // A correct leaf whose reference overflowed ranks below a NaN derivative.
    /// report.compare_leaf(|| "c".into(), f64::NAN, 1.0, false);
    /// report.compare_leaf(|| "d".into(), 1.0, f64::INFINITY, false);
    /// assert_eq!(report.worst().unwrap().path, "c");
    /// ```
    #[must_use]
    pub fn worst(&self) -> Option<&LeafReport> {
        // (class, excess): derivative non-finite > reference non-finite >
        // wrong, then the error in units of the tolerance.
        let rank = |leaf: &LeafReport| {
            let class = match leaf.finding {
                Finding::NonFinite if !leaf.candidate.is_finite() => 2,
                Finding::NonFinite => 1,
                _ => 0,
            };
            let excess = leaf.absolute_error
                / (leaf.tolerance.absolute + leaf.tolerance.relative * leaf.reference.abs());
            (class, if excess.is_nan() { 0.0 } else { excess })
        };
        let mut worst: Option<(&LeafReport, (u8, f64))> = None;
        for leaf in self
            .findings
            .iter()
            .filter(|leaf| leaf.finding != Finding::NonDifferentiable)
        {
            let key = rank(leaf);
            // Strictly greater only: the first of equals stays.
            let beats = worst.is_none_or(|(_, best)| {
                key.0 > best.0 || (key.0 == best.0 && key.1.total_cmp(&best.1).is_gt())
            });
            if beats {
                worst = Some((leaf, key));
            }
        }
        worst.map(|(leaf, _)| leaf)
    }

    /// `Const` arguments that look like activity mistakes.
    ///
    /// ```
    /// use autodiff_core::gradcheck::Report;
    ///
    /// assert!(Report::not_compared("d_f").hints().is_empty());
    /// ```
    #[must_use]
    pub fn hints(&self) -> &[StateHint] {
        &self.hints
    }

    /// The tolerance override, if any; without one, each leaf is judged by
    /// the default for its precision.
    ///
    /// ```
    /// use autodiff_core::gradcheck::{Report, Tolerance};
    ///
    /// assert_eq!(Report::compared_for("d_f").tolerance(), None);
    /// ```
    #[must_use]
    pub fn tolerance(&self) -> Option<Tolerance> {
        self.tolerance
    }

    /// Judges every later leaf by `tolerance` instead of the defaults.
    ///
    /// ```
    /// use autodiff_core::gradcheck::{Report, Tolerance};
    ///
    /// let mut report = Report::compared_for("d_f");
    /// report.set_tolerance(Tolerance::new(0.5, 0.0));
    /// report.compare_leaf(|| "x".into(), 1.4, 1.0, false);
    /// assert!(report.findings().is_empty());
    /// ```
    pub fn set_tolerance(&mut self, tolerance: Tolerance) {
        self.tolerance = Some(tolerance);
    }

    /// Compares one leaf; `path` is built only when the leaf is reported.
    /// `kink` marks a leaf where the reference's one-sided differences
    /// disagree. Leaves are judged against the tolerance in force when the
    /// report is read, so [`Report::set_tolerance`] may come later.
    ///
    /// ```
    /// use autodiff_core::gradcheck::{Outcome, Report};
    ///
    /// let mut report = Report::compared_for("d_relu");
    /// report.compare_leaf(|| "x".into(), 1.0, 0.5, true);
    /// assert_eq!(report.outcome(), Outcome::Passed);
    /// assert_eq!(report.findings().len(), 1);
    /// ```
    pub fn compare_leaf(
        &mut self,
        path: impl FnOnce() -> String,
        candidate: f64,
        reference: f64,
        kink: bool,
    ) {
        self.compare_with(path, candidate, reference, kink, false);
    }

    /// [`compare_leaf`](Self::compare_leaf) for an `f32` leaf, judged by
    /// [`Tolerance::F32`] unless overridden.
    ///
    /// ```
    /// use autodiff_core::gradcheck::Report;
    ///
    /// let mut report = Report::compared_for("d_f");
    /// report.compare_f32_leaf(|| "x".into(), 1.0005, 1.0, false);
    /// assert!(report.findings().is_empty());
    /// ```
    pub fn compare_f32_leaf(
        &mut self,
        path: impl FnOnce() -> String,
        candidate: f64,
        reference: f64,
        kink: bool,
    ) {
        self.compare_with(path, candidate, reference, kink, true);
    }

    fn compare_with(
        &mut self,
        path: impl FnOnce() -> String,
        candidate: f64,
        reference: f64,
        kink: bool,
        is_f32: bool,
    ) {
        self.leaves += 1;
        let tolerance = self.tolerance.unwrap_or(if is_f32 {
            Tolerance::F32
        } else {
            Tolerance::F64
        });
        let finding = if !candidate.is_finite() || !reference.is_finite() {
            Some(Finding::NonFinite)
        } else if !tolerance.accepts(candidate, reference) {
            Some(if kink {
                Finding::NonDifferentiable
            } else {
                Finding::Wrong
            })
        } else if kink {
            Some(Finding::NonDifferentiable)
        } else {
            None
        };
        if let Some(finding) = finding {
            let absolute_error = (candidate - reference).abs();
            self.findings.push(LeafReport {
                tolerance,
                path: path(),
                candidate,
                reference,
                absolute_error,
                relative_error: absolute_error / reference.abs(),
                finding,
            });
        }
    }

    /// Compares every float leaf of `candidate` with `reference` (two
    /// values of `primal`'s structure), naming each by its path in
    /// `primal` under `argument`. `kinks` flags leaves by traversal index.
    ///
    /// ```
    /// use autodiff_core::gradcheck::Report;
    ///
    /// let mut report = Report::compared_for("d_f");
    /// let primal = vec![vec![1.0_f64], vec![2.0, 3.0]];
    /// let good = vec![vec![2.0], vec![4.0, 6.0]];
    /// let bad = vec![vec![2.0], vec![4.0, 7.0]];
    /// report.compare_tree("dx_0", &primal, &bad, &good, &[]);
    /// assert_eq!(report.worst().unwrap().path, "dx_0[1][1]");
    /// ```
    pub fn compare_tree<T: FloatTree + ?Sized>(
        &mut self,
        argument: &str,
        primal: &T,
        candidate: &T,
        reference: &T,
        kinks: &[bool],
    ) {
        let reference_leaves = leaves(reference);
        let is_f32 = has_f32(primal);
        let mut index = 0;
        candidate.visit_floats(&mut |value| {
            if let Some(&expected) = reference_leaves.get(index) {
                let kink = kinks.get(index).copied().unwrap_or(false);
                let path = || leaf_path(argument, primal, index);
                self.compare_with(path, value, expected, kink, is_f32);
            }
            index += 1;
        });
    }

    /// Compares one float scalar of the result, judged by the default for
    /// its precision unless overridden.
    ///
    /// ```
    /// use autodiff_core::gradcheck::Report;
    ///
    /// let mut report = Report::compared_for("d_f");
    /// report.compare_scalar::<f32>("the return value", 1.0005, 1.0, false);
    /// assert!(report.findings().is_empty());
    /// report.compare_scalar::<f64>("the return value", 1.0005, 1.0, false);
    /// assert_eq!(report.worst().unwrap().path, "the return value");
    /// ```
    pub fn compare_scalar<F: crate::Float>(
        &mut self,
        label: &str,
        candidate: F,
        reference: F,
        kink: bool,
    ) {
        let is_f32 = F::EPSILON > f64::from(f32::EPSILON) / 2.0;
        self.compare_with(
            || label.to_owned(),
            candidate.to_f64(),
            reference.to_f64(),
            kink,
            is_f32,
        );
    }

    /// Adds a `Const` state hint for `argument`.
    ///
    /// ```
    /// use autodiff_core::gradcheck::Report;
    ///
    /// let mut report = Report::not_compared("d_f");
    /// report.hint_state("state");
    /// assert_eq!(report.hints()[0].argument, "state");
    /// ```
    pub fn hint_state(&mut self, argument: &'static str) {
        if !self.hints.iter().any(|hint| hint.argument == argument) {
            self.hints.push(StateHint { argument });
        }
    }
}

impl Report {
    /// Panics with the report if it failed; a report that was not compared
    /// (the reference backend) passes, and says so on standard error.
    ///
    /// ```
    /// use autodiff_core::gradcheck::Report;
    ///
    /// let report = Report::not_compared("d_f").assert();
    /// assert!(!report.compared());
    /// ```
    ///
    /// # Panics
    ///
    /// If any leaf is wrong or not finite, with the report as the message.
    #[track_caller]
    #[allow(
        clippy::must_use_candidate,
        clippy::return_self_not_must_use,
        reason = "a test line `gradcheck_d_f(..).assert();` needs nothing more"
    )]
    pub fn assert(self) -> Self {
        match self.outcome() {
            Outcome::Failed => panic!("{self}"),
            Outcome::NotCompared { .. } => eprintln!("{self}"),
            Outcome::Passed => {}
        }
        self
    }
}

impl Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.outcome() {
            Outcome::Passed => write!(
                f,
                "gradcheck {}: passed, {} leaves within tolerance",
                self.function, self.leaves
            )?,
            Outcome::NotCompared { reason } => {
                write!(f, "gradcheck {}: not compared: {reason}", self.function)?;
            }
            Outcome::Failed => {
                let failures = self
                    .findings
                    .iter()
                    .filter(|leaf| leaf.finding != Finding::NonDifferentiable)
                    .count();
                if self.compared {
                    write!(
                        f,
                        "gradcheck {}: {failures} of {} leaves failed",
                        self.function, self.leaves
                    )?;
                } else {
                    // Nothing was compared: only non-finite values can fail.
                    write!(
                        f,
                        "gradcheck {}: {failures} of {} leaves are not finite (not compared with \
                         a reference: reference backend)",
                        self.function, self.leaves
                    )?;
                }
                if let Some(worst) = self.worst() {
                    write!(f, "\n  worst: {worst}")?;
                }
            }
        }
        // By identity: a NaN leaf is not `==` to itself.
        let worst = self.worst();
        for leaf in self
            .findings
            .iter()
            .filter(|leaf| !worst.is_some_and(|worst| std::ptr::eq(*leaf, worst)))
            .take(8)
        {
            write!(f, "\n  {leaf}")?;
        }
        for hint in &self.hints {
            write!(f, "\n  {hint}")?;
        }
        Ok(())
    }
}

/// Options for the gradchecks run inside [`Check::run`]: a tolerance
/// override, or fast mode.
///
/// ```
/// use autodiff_core::gradcheck::{Check, Mode, Tolerance, current_options};
///
/// let options = Check::new().tolerance(Tolerance::F32).fast(3).seed(7).run(current_options);
/// assert_eq!(options.mode, Mode::Fast { directions: 3, seed: 7 });
/// assert_eq!(options.tolerance, Some(Tolerance::F32));
/// assert_eq!(current_options().mode, Mode::Full);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use]
pub struct Check {
    tolerance: Option<Tolerance>,
    /// `Some` once [`Check::fast`] chose fast mode.
    directions: Option<usize>,
    seed: u64,
}

/// What a [`Check`] was told.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// `None`: the default for each leaf's precision.
    pub tolerance: Option<Tolerance>,
    /// Full or fast.
    pub mode: Mode,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            tolerance: None,
            mode: Mode::Full,
        }
    }
}

thread_local! {
    static OPTIONS: std::cell::Cell<Options> = std::cell::Cell::new(Options::default());
}

/// The options the gradchecks running on this thread use: the innermost
/// [`Check::run`]'s, or the defaults.
///
/// ```
/// use autodiff_core::gradcheck::{Mode, current_options};
///
/// assert_eq!(current_options().mode, Mode::Full);
/// ```
#[must_use]
pub fn current_options() -> Options {
    OPTIONS.with(std::cell::Cell::get)
}

impl Default for Check {
    fn default() -> Self {
        Self::new()
    }
}

impl Check {
    /// The defaults: full mode, each leaf's precision's tolerance.
    ///
    /// ```
    /// use autodiff_core::gradcheck::{Check, current_options};
    ///
    /// assert_eq!(Check::new().run(current_options), current_options());
    /// ```
    pub fn new() -> Self {
        Self {
            tolerance: None,
            directions: None,
            seed: 0,
        }
    }

    /// The options [`run`](Self::run) installs.
    fn options(self) -> Options {
        Options {
            tolerance: self.tolerance,
            mode: match self.directions {
                Some(directions) => Mode::Fast {
                    directions,
                    seed: self.seed,
                },
                None => Mode::Full,
            },
        }
    }

    /// Overrides the default tolerances.
    ///
    /// ```
    /// use autodiff_core::gradcheck::{Check, Tolerance, current_options};
    ///
    /// let options = Check::new().tolerance(Tolerance::new(1e-3, 0.0)).run(current_options);
    /// assert_eq!(options.tolerance, Some(Tolerance::new(1e-3, 0.0)));
    /// ```
    pub fn tolerance(mut self, tolerance: Tolerance) -> Self {
        self.tolerance = Some(tolerance);
        self
    }

    /// Fast mode with `directions` random directions.
    ///
    /// ```
    /// use autodiff_core::gradcheck::{Check, Mode, current_options};
    ///
    /// let options = Check::new().fast(2).run(current_options);
    /// assert_eq!(options.mode, Mode::Fast { directions: 2, seed: 0 });
    /// ```
    pub fn fast(mut self, directions: usize) -> Self {
        self.directions = Some(directions);
        self
    }

    /// The seed of fast mode's directions (0 unless set), in either order
    /// with [`fast`](Self::fast). A seed alone only seeds: the mode stays
    /// full until `fast` chooses fast mode.
    ///
    /// ```
    /// use autodiff_core::gradcheck::{Check, Mode, current_options};
    ///
    /// assert_eq!(Check::new().seed(9).run(current_options).mode, Mode::Full);
    /// let options = Check::new().seed(9).fast(2).run(current_options);
    /// assert_eq!(options.mode, Mode::Fast { directions: 2, seed: 9 });
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Runs `body`, whose gradchecks use these options.
    pub fn run<R>(self, body: impl FnOnce() -> R) -> R {
        struct Restore(Options);
        impl Drop for Restore {
            fn drop(&mut self) {
                OPTIONS.with(|options| options.set(self.0));
            }
        }
        let _restore = Restore(OPTIONS.with(|options| options.replace(self.options())));
        body()
    }
}

/// What the reference records while a gradcheck runs: kinks in full mode,
/// directional differences in fast mode.
#[derive(Debug)]
pub struct Observer {
    mode: Mode,
    kinks: RefCell<Vec<bool>>,
    directions: RefCell<Vec<Vec<f64>>>,
    directional: RefCell<Vec<Vec<f64>>>,
}

impl Observer {
    /// An observer for `options`.
    ///
    /// ```
    /// use autodiff_core::gradcheck::{Mode, Observer, Options};
    ///
    /// let observer = Observer::new(&Options { tolerance: None, mode: Mode::Full });
    /// assert!(observer.kinks().is_empty());
    /// ```
    #[must_use]
    pub fn new(options: &Options) -> Self {
        Self {
            mode: options.mode,
            kinks: RefCell::new(Vec::new()),
            directions: RefCell::new(Vec::new()),
            directional: RefCell::new(Vec::new()),
        }
    }

    /// Full or fast.
    #[must_use]
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Kinks by input leaf (reverse) or by lane (forward), from full mode.
    #[must_use]
    pub fn kinks(&self) -> Vec<bool> {
        self.kinks.borrow().clone()
    }

    pub(crate) fn set_kinks(&self, kinks: Vec<bool>) {
        *self.kinks.borrow_mut() = kinks;
    }

    /// Fast mode's directions over the input leaves, and the reference's
    /// directional difference of each lane's loss along each.
    #[must_use]
    pub fn directional(&self) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        (
            self.directions.borrow().clone(),
            self.directional.borrow().clone(),
        )
    }

    pub(crate) fn set_directional(&self, directions: Vec<Vec<f64>>, values: Vec<Vec<f64>>) {
        *self.directions.borrow_mut() = directions;
        *self.directional.borrow_mut() = values;
    }
}

/// Fast mode's comparison: `<direction, gradient>` against the reference's
/// directional difference, for every direction and lane. `gradients[lane]`
/// holds the derivative's gradient over the input leaves, in traversal
/// order.
///
/// ```
/// use autodiff_core::gradcheck::{Report, compare_directions};
///
/// let mut report = Report::compared_for("d_f");
/// let directions = vec![vec![1.0, -1.0]];
/// compare_directions(&mut report, "dx", &directions, &[vec![3.0]], &[vec![2.0, -1.0]]);
/// assert!(report.findings().is_empty());
/// ```
pub fn compare_directions(
    report: &mut Report,
    argument: &str,
    directions: &[Vec<f64>],
    reference: &[Vec<f64>],
    gradients: &[Vec<f64>],
) {
    for (index, (direction, expected)) in directions.iter().zip(reference).enumerate() {
        for (lane, (gradient, &expected)) in gradients.iter().zip(expected).enumerate() {
            let projected: f64 = direction.iter().zip(gradient).map(|(v, g)| v * g).sum();
            report.compare_leaf(
                || {
                    if gradients.len() == 1 {
                        format!("direction {index} of {argument}")
                    } else {
                        format!("direction {index} of {argument}, lane {lane}")
                    }
                },
                projected,
                expected,
                false,
            );
        }
    }
}

/// The float leaves of `value`, in traversal order.
fn leaves<T: FloatTree + ?Sized>(value: &T) -> Vec<f64> {
    let mut out = Vec::new();
    value.visit_floats(&mut |leaf| out.push(leaf));
    out
}

fn has_f32<T: FloatTree + ?Sized>(value: &T) -> bool {
    let mut copy = value.make_zero_boxed();
    let mut found = false;
    copy.visit_floats_mut(&mut |leaf| found |= matches!(leaf, crate::FloatMut::F32(_)));
    found
}

/// `argument` followed by the path to leaf `index` of `primal`, or by
/// `#index` when the type does not know its paths.
fn leaf_path<T: FloatTree + ?Sized>(argument: &str, primal: &T, index: usize) -> String {
    let mut segments: Vec<PathSegment> = Vec::new();
    let mut path = String::from(argument);
    if primal.leaf_path(index, &mut segments) {
        for segment in segments {
            let _ = write!(path, "{segment}");
        }
    } else {
        let _ = write!(path, " leaf #{index}");
    }
    path
}

/// [`reference::gradient`](crate::reference::gradient) under a gradcheck:
/// full mode also evaluates the unperturbed loss and flags the leaves where
/// the one-sided differences disagree; fast mode evaluates the loss along
/// random directions instead and leaves the gradient zero.
pub fn gradient<const W: usize>(
    leaves: usize,
    observer: &Observer,
    mut eval: impl FnMut(&mut crate::reference::Cursor) -> [f64; W],
) -> [Vec<f64>; W] {
    use crate::reference::Cursor;
    let mut lanes: [Vec<f64>; W] = std::array::from_fn(|_| vec![0.0; leaves]);
    match observer.mode {
        Mode::Full => {
            let center = eval(&mut Cursor::leaf(usize::MAX, 0.0));
            let mut kinks = vec![false; leaves];
            for (leaf, kink) in kinks.iter_mut().enumerate() {
                let mut up = Cursor::leaf(leaf, 1.0);
                let loss_up = eval(&mut up);
                let mut down = Cursor::leaf(leaf, -1.0);
                let loss_down = eval(&mut down);
                let run = up.applied() - down.applied();
                for (lane, ((high, low), mid)) in lanes
                    .iter_mut()
                    .zip(loss_up.iter().zip(loss_down).zip(center))
                {
                    lane[leaf] = (high - low) / run;
                    *kink |= is_kink((high - mid) / (run / 2.0), (mid - low) / (run / 2.0));
                }
            }
            observer.set_kinks(kinks);
        }
        Mode::Fast { directions, seed } => {
            let mut random = SplitMix64(seed);
            let mut moved = Vec::new();
            let mut values = Vec::new();
            for _ in 0..directions {
                let direction: Vec<f64> = (0..leaves).map(|_| random.sign()).collect();
                let mut up = Cursor::along(direction.clone(), 1.0);
                let loss_up = eval(&mut up);
                let mut down = Cursor::along(direction, -1.0);
                let loss_down = eval(&mut down);
                // The half-distance each leaf really moved is the direction
                // the difference measures.
                moved.push(
                    up.moved()
                        .iter()
                        .zip(down.moved())
                        .map(|(a, b)| (a - b) / 2.0)
                        .collect(),
                );
                values.push(
                    loss_up
                        .iter()
                        .zip(loss_down)
                        .map(|(high, low)| (high - low) / 2.0)
                        .collect(),
                );
            }
            observer.set_directional(moved, values);
        }
    }
    lanes
}

/// [`reference::directional`](crate::reference::directional) under a
/// gradcheck: also evaluates the unperturbed outputs and records whether
/// this lane's tangent crosses a kink.
pub fn directional(
    scale: &crate::reference::Scale,
    observer: &Observer,
    mut eval: impl FnMut(&crate::reference::Direction) -> Vec<f64>,
) -> Vec<f64> {
    use crate::reference::Direction;
    let t = scale.step();
    let center = eval(&Direction::new(0.0));
    if t == 0.0 {
        observer.kinks.borrow_mut().push(false);
        return vec![0.0; center.len()];
    }
    let up = eval(&Direction::new(t));
    let down = eval(&Direction::new(-t));
    let kink = up
        .iter()
        .zip(&down)
        .zip(&center)
        .any(|((high, low), mid)| is_kink((high - mid) / t, (mid - low) / t));
    observer.kinks.borrow_mut().push(kink);
    up.iter()
        .zip(down)
        .map(|(high, low)| (high - low) / (2.0 * t))
        .collect()
}

/// One-sided slopes this far apart are a kink, not curvature: a smooth
/// function's differ by about `h * f''`, with `h` near `6e-6`.
fn is_kink(forward: f64, backward: f64) -> bool {
    (forward - backward).abs() > 1e-2 * forward.abs().max(backward.abs()).max(1.0)
}

/// A small, fixed generator for fast mode's directions: the same seed gives
/// the same directions on every platform.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `+1.0` or `-1.0`.
    fn sign(&mut self) -> f64 {
        if self.next() >> 63 == 0 { 1.0 } else { -1.0 }
    }
}

/// The cursor that moves every differentiated leaf one step up, for the
/// `Const` state hint.
///
/// ```
/// use autodiff_core::gradcheck::hint_cursor;
/// use autodiff_core::__private::reference::copy_perturbed;
///
/// let moved = copy_perturbed(&[1.0_f64, 2.0][..], &mut hint_cursor(2));
/// assert!(moved[0] > 1.0 && moved[1] > 2.0);
/// ```
#[must_use]
pub fn hint_cursor(leaves: usize) -> crate::reference::Cursor {
    crate::reference::Cursor::along(vec![1.0; leaves], 1.0)
}

/// Whether a `Const` argument's final value moved with the differentiated
/// inputs: compares the leaves it ended with after the unperturbed call and
/// after a call with every input leaf moved along a fixed direction.
///
/// ```
/// use autodiff_core::gradcheck::state_moved;
///
/// assert!(state_moved(&[1.0, 2.0], &[1.0, 2.0 + 1e-6]));
/// assert!(!state_moved(&[1.0, 2.0], &[1.0, 2.0]));
/// ```
#[must_use]
pub fn state_moved(unperturbed: &[f64], perturbed: &[f64]) -> bool {
    unperturbed.len() != perturbed.len()
        || unperturbed
            .iter()
            .zip(perturbed)
            .any(|(a, b)| (a - b).abs() > 1e-12 * a.abs().max(1.0))
}
