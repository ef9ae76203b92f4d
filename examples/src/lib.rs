//! Shared helpers of autodiff-safe's examples; the examples themselves are
//! the `[[example]]` targets next to this crate (`cargo run --release
//! --example backprop`).
//!
//! [`cross_crate`] holds a derivative that other crates call. Besides it,
//! nothing here is differentiated: [`Rng`] makes deterministic synthetic
//! data without the `rand` crate, [`Momentum`] takes gradient-descent steps
//! on any model with `ShadowCheck` and `FloatTree` impls, and [`Progress`] draws a progress
//! bar. With the `gradcheck` feature, `gradchecked` prints and asserts the
//! gradchecks every example runs before it starts.

#![cfg_attr(feature = "enzyme", feature(autodiff))]

pub mod cross_crate;

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use autodiff_safe::{FloatTree, ShadowCheck, check, make_zero};

/// Prints a gradcheck's verdict and panics with the whole report if the
/// derivative disagrees with its finite-difference reference.
///
/// In the Enzyme tier the report compares Enzyme's derivative with central
/// differences, and one line says it passed; on the reference backend there
/// is nothing to compare, and [`Report::assert`] itself prints the one "not
/// compared" line (on standard error).
///
/// [`Report::assert`]: autodiff_safe::gradcheck::Report::assert
///
/// ```
/// use autodiff_safe::autodiff_reverse;
/// use autodiff_safe_examples::gradchecked;
///
/// #[autodiff_reverse(d_cube, Duplicated, Active)]
/// fn cube(x: &[f64]) -> f64 {
///     x.iter().map(|x| x * x * x).sum()
/// }
///
/// gradchecked(gradcheck_d_cube(&[1.0, -2.0], &mut [0.0; 2], 1.0));
/// ```
///
/// # Panics
///
/// If the report failed: a wrong or non-finite leaf, named by its path.
#[cfg(feature = "gradcheck")]
#[track_caller]
pub fn gradchecked(report: autodiff_safe::gradcheck::Report) {
    let report = report.assert();
    if report.compared() {
        println!("{report}");
    }
}

/// A tiny deterministic pseudo-random generator (`SplitMix64`), so that every
/// run of an example sees the same data.
///
/// ```
/// use autodiff_safe_examples::Rng;
///
/// let mut rng = Rng::new(7);
/// let x = rng.uniform(-1.0, 1.0);
/// assert!((-1.0..1.0).contains(&x));
/// assert_eq!(Rng::new(7).uniform(-1.0, 1.0), x);
/// ```
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator seeded with `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform sample from `[0, 1)`.
    #[allow(
        clippy::cast_precision_loss,
        reason = "53 random bits convert to f64 exactly"
    )]
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// A uniform sample from `[low, high)`.
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.next_f64()
    }

    /// A sample from the normal distribution with mean 0 and standard
    /// deviation 1 (Box–Muller).
    ///
    /// ```
    /// use autodiff_safe_examples::Rng;
    ///
    /// let mut rng = Rng::new(1);
    /// let mean = (0..10_000).map(|_| rng.normal()).sum::<f64>() / 10_000.0;
    /// assert!(mean.abs() < 0.05);
    /// ```
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.next_f64(); // in (0, 1], so ln(u) is finite
        let v = self.next_f64();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// A uniform index in `0..len`.
    ///
    /// # Panics
    ///
    /// If `len` is zero.
    #[allow(
        clippy::cast_possible_truncation,
        reason = "the result is below `len`, a usize"
    )]
    pub fn index(&mut self, len: usize) -> usize {
        assert!(len > 0, "Rng::index on an empty range");
        (self.next_u64() % len as u64) as usize
    }
}

/// A progress indicator on stderr. Every tenth of the way it prints a line
/// with the step, the elapsed time and the loss, so the loss can be seen
/// falling; in between, when stderr is a terminal, a bar is redrawn in place
/// with `\r`.
///
/// ```
/// use autodiff_safe_examples::Progress;
///
/// let mut progress = Progress::new("training", 100);
/// for step in 1_u16..=100 {
///     progress.update(usize::from(step), 1.0 / f64::from(step));
/// }
/// progress.finish();
/// ```
#[derive(Debug)]
pub struct Progress {
    label: &'static str,
    total: usize,
    terminal: bool,
    start: Instant,
    last_draw: Option<Instant>,
    next_line: usize,
}

impl Progress {
    /// Width of the bar, in characters.
    const WIDTH: usize = 30;

    /// A progress indicator for `total` steps.
    #[must_use]
    pub fn new(label: &'static str, total: usize) -> Self {
        Self {
            label,
            total: total.max(1),
            terminal: std::io::stderr().is_terminal(),
            start: Instant::now(),
            last_draw: None,
            next_line: 1,
        }
    }

    /// Reports that `step` of the `total` steps are done and the loss is now
    /// `loss`.
    pub fn update(&mut self, step: usize, loss: f64) {
        let step = step.min(self.total);
        // "\r\x1b[2K": back to the start of the line and clear it.
        let clear = if self.terminal { "\r\x1b[2K" } else { "" };
        if step * 10 >= self.next_line * self.total {
            eprintln!(
                "{clear}{}: {:3}% ({step}/{} steps, {:.1} s) loss {loss:.4e}",
                self.label,
                step * 100 / self.total,
                self.total,
                self.start.elapsed().as_secs_f64()
            );
            self.next_line = step * 10 / self.total + 1;
            self.last_draw = None;
        } else if self.terminal
            && self
                .last_draw
                .is_none_or(|at| at.elapsed() >= Duration::from_millis(50))
        {
            // Redraw at most 20 times a second.
            self.last_draw = Some(Instant::now());
            let filled = Self::WIDTH * step / self.total;
            let bar = format!("{}{}", "#".repeat(filled), "-".repeat(Self::WIDTH - filled));
            eprint!(
                "{clear}{} [{bar}] {step}/{} loss {loss:.4e}",
                self.label, self.total
            );
            let _ = std::io::stderr().flush();
        }
    }

    /// Clears a bar left on the terminal, if any.
    pub fn finish(&self) {
        if self.terminal && self.last_draw.is_some() {
            eprint!("\r\x1b[2K");
        }
    }
}

/// Gradient descent with momentum on every float of a model: `v = m v - lr g`,
/// then `x += v`.
///
/// It works for any struct or enum with `#[derive(ShadowCheck)]`: the
/// velocity is a [`make_zero`] copy of the model, and the floats of the
/// gradient (read), the velocity and the model (written) are walked together
/// by one [`FloatTree::zip_floats`], a whole `Vec<f64>` at a time.
///
/// ```
/// use autodiff_safe_examples::Momentum;
///
/// let mut x = vec![1.0, -2.0];
/// let mut descent = Momentum::new(&x, 0.1, 0.5);
/// for _ in 0..100 {
///     let grad: Vec<f64> = x.iter().map(|x| 2.0 * x).collect(); // of |x|^2
///     descent.step(&mut x, &grad);
/// }
/// assert!(x.iter().all(|x| x.abs() < 1e-6));
/// ```
#[derive(Debug)]
pub struct Momentum<T> {
    velocity: T,
    learning_rate: f64,
    decay: f64,
}

impl<T: ShadowCheck + FloatTree> Momentum<T> {
    /// A descent on models shaped like `model`, at rest. `momentum` is the
    /// fraction of the velocity kept from one step to the next.
    #[must_use]
    pub fn new(model: &T, learning_rate: f64, momentum: f64) -> Self {
        Self {
            velocity: make_zero(model),
            learning_rate,
            decay: momentum,
        }
    }

    /// One step of `model` along `grad`.
    ///
    /// # Panics
    ///
    /// If `grad` or the velocity does not have `model`'s structure.
    pub fn step(&mut self, model: &mut T, grad: &T) {
        if let Err(error) = check(model, grad).and_then(|()| check(model, &self.velocity)) {
            panic!("Momentum::step: the gradient does not match the model: {error}");
        }
        let (learning_rate, momentum) = (self.learning_rate, self.decay);
        T::zip_floats([grad], [&mut self.velocity, model], &mut |lanes| {
            lanes.for_each(|[g], [mut v, mut x]| {
                v.set(momentum * v.get() - learning_rate * g);
                x.set(x.get() + v.get());
            });
        });
    }
}
