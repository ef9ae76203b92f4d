//! What a gradcheck found: per-leaf findings, hints and the verdict.

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
