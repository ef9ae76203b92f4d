//! What a test sets: a tolerance override and the mode, for the gradchecks
//! inside [`Check::run`].

use super::Tolerance;

/// Full or fast comparison; see the [module docs](crate::gradcheck).
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
