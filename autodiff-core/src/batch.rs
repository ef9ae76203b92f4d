//! Mini-batch gradients: the summed or mean loss of a checked derivative over
//! a slice of samples, and its gradient, in one call, in parallel with the
//! `rayon` feature, and bit for bit the same for any number of threads.
//!
//! ```
//! use autodiff_safe::batch::Batch;
//! use autodiff_safe::{autodiff_reverse, ShadowCheck};
//!
//! #[derive(ShadowCheck)]
//! struct Line {
//!     w: f64,
//!     b: f64,
//! }
//!
//! #[autodiff_reverse(d_loss, Duplicated, Const, Const, Active)]
//! fn loss(m: &Line, x: f64, y: f64) -> f64 {
//!     let e = m.w * x + m.b - y;
//!     e * e
//! }
//!
//! let model = Line { w: 1.0, b: 0.0 };
//! let samples: Vec<(f64, f64)> = (0..100).map(|i| (f64::from(i) / 100.0, 2.0)).collect();
//! let (mean_loss, grad) = Batch::new(&model, &samples)
//!     .chunk_size(16)
//!     .mean()
//!     .gradient(|m, &(x, y), dm| d_loss(m, dm, x, y, 1.0));
//! assert!(mean_loss > 0.0);
//! assert!(grad.b < 0.0); // raising the intercept lowers the loss
//! ```
//!
//! # What is computed, in which order
//!
//! The `n` samples are cut into `k = ceil(n / c)` chunks of `c` samples (the
//! [`chunk_size`](Batch::chunk_size), 32 unless set; the last chunk may be
//! shorter): chunk `i` holds `samples[i * c .. min((i + 1) * c, n)]`. The
//! chunks depend on `n` and `c` only, **never on the number of threads**.
//!
//! 1. Each chunk gets one fresh gradient shadow, `make_zero(model)`, and a
//!    loss `0.0`. Its samples are visited in order: the closure's derivative
//!    *adds* each sample's gradient into that shadow (reverse-mode
//!    derivatives add into their shadows), and the loss it returns is added
//!    to the chunk's loss.
//! 2. The chunk results `c_0 .. c_{k-1}` are reduced in one fixed pairwise
//!    tree, by index: `T(i, i + 1) = c_i` and
//!    `T(i, j) = T(i, m) + T(m, j)` with `m = i + p`, `p` the largest power
//!    of two below `j - i`. Level by level this is the pairwise sum
//!    `((c_0 + c_1) + (c_2 + c_3)) + ((c_4 + c_5) + c_6)`: neighbours are
//!    paired from the left, a leftover last element moves up a level
//!    unchanged. `a + b` adds `b`'s loss to `a`'s and `b`'s gradient into
//!    `a`'s, float leaf by float leaf.
//! 3. With [`mean`](Batch::mean), the loss and every gradient leaf of
//!    `T(0, k)` are then divided by `n`, once (a division, not a
//!    multiplication by `1 / n`).
//!
//! Every float operation and its operands are therefore fixed by `n` and
//! `c`: the result is bit-identical whether the chunks run on 1, 2 or 64
//! threads, in any interleaving, and identical to the [sequential](Batch::sequential)
//! run of the same chunking. Changing the chunk size changes the rounding
//! (by the usual few ulps of a reordered sum).
//!
//! An empty batch has no chunk: the loss is `0.0` and the gradient is
//! `make_zero(model)`, for the sum and for the mean alike (the mean does not
//! divide by zero), and the closure is never called.
//!
//! # Threads
//!
//! Without the `rayon` feature every chunk runs on the calling thread. With
//! it, the tree above is evaluated with `rayon::join` on the current rayon
//! pool (the global one, or the one a `ThreadPool::install` runs in), so
//! chunks run in parallel and each pair is added by the thread that ran its
//! left half. The bounds are the same with and without the feature, so
//! turning it on never breaks a build:
//!
//! - the model is shared by every thread: `M: Sync`; gradient shadows move
//!   between threads: `M: Send`; samples are shared: `S: Sync`;
//! - the closure is called from several threads at once: `Fn + Sync`. It may
//!   capture shared data (`&` references to `Sync` values, constants, the
//!   derivative itself, which is a plain `fn`); state it mutates needs a
//!   `Mutex` or an atomic, and belongs in the per-chunk scratch of
//!   [`gradient_with_scratch`](Batch::gradient_with_scratch) instead;
//! - a scratch value is made, used and dropped inside one chunk, on one
//!   thread: it needs no bound.
//!
//! A panic in the closure is propagated to the caller (by `rayon::join` with
//! the feature).

use std::convert::Infallible;
use std::fmt;

#[cfg(feature = "mpi")]
pub mod mpi;

use crate::{FloatTree, ShadowCheck, make_zero};

/// Samples per chunk unless [`Batch::chunk_size`] sets it.
///
/// ```
/// assert_eq!(autodiff_core::batch::DEFAULT_CHUNK_SIZE, 32);
/// ```
pub const DEFAULT_CHUNK_SIZE: usize = 32;

/// A mini-batch gradient to compute: a model, its samples, a chunk size and
/// sum or mean. Build it with [`Batch::new`], set it up with the builder
/// methods, then call one of the `gradient` methods.
///
/// See the [module documentation](self) for the exact order of the float
/// operations, which makes the result independent of the number of threads.
///
/// ```
/// use autodiff_safe::batch::Batch;
///
/// let model = vec![1.0_f64, 2.0];
/// let samples = [1.0, 2.0, 3.0];
/// // d/dm (m[0] * s + m[1]) = (s, 1), summed over the samples.
/// let (loss, grad) = Batch::new(&model, &samples).gradient(|m, &s, dm| {
///     dm[0] += s;
///     dm[1] += 1.0;
///     m[0] * s + m[1]
/// });
/// assert_eq!(loss, 12.0);
/// assert_eq!(grad, [6.0, 3.0]);
/// ```
pub struct Batch<'a, M, S> {
    model: &'a M,
    samples: &'a [S],
    chunk_size: usize,
    mean: bool,
    parallel: bool,
}

impl<M, S> Clone for Batch<'_, M, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, S> Copy for Batch<'_, M, S> {}

impl<M, S> fmt::Debug for Batch<'_, M, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("samples", &self.samples.len())
            .field("chunk_size", &self.chunk_size)
            .field("mean", &self.mean)
            .field("parallel", &self.parallel)
            .finish_non_exhaustive()
    }
}

impl<'a, M, S> Batch<'a, M, S> {
    /// A batch over `samples` for `model`: chunks of [`DEFAULT_CHUNK_SIZE`]
    /// samples, summed loss and gradient, parallel with the `rayon` feature.
    ///
    /// ```
    /// use autodiff_safe::batch::Batch;
    ///
    /// let model = 0.5_f64;
    /// let samples = [1.0, 2.0];
    /// let batch = Batch::new(&model, &samples);
    /// assert_eq!(batch.chunks(), 1);
    /// ```
    #[must_use]
    pub fn new(model: &'a M, samples: &'a [S]) -> Self {
        Batch {
            model,
            samples,
            chunk_size: DEFAULT_CHUNK_SIZE,
            mean: false,
            parallel: true,
        }
    }

    /// Sets the number of samples per chunk: the unit of parallel work, and
    /// of rounding (see the [module documentation](self)). Each chunk costs
    /// one `make_zero(model)` and one addition of a whole gradient, so a
    /// chunk should hold enough samples to outweigh those.
    ///
    /// ```
    /// use autodiff_safe::batch::Batch;
    ///
    /// let model = 0.0_f64;
    /// let samples = [0.0; 100];
    /// assert_eq!(Batch::new(&model, &samples).chunk_size(30).chunks(), 4);
    /// ```
    ///
    /// # Panics
    ///
    /// If `chunk_size` is 0.
    #[must_use]
    pub fn chunk_size(mut self, chunk_size: usize) -> Self {
        assert!(
            chunk_size > 0,
            "Batch::chunk_size: chunks need at least one sample"
        );
        self.chunk_size = chunk_size;
        self
    }

    /// Returns the mean over the samples instead of the sum: the reduced loss
    /// and gradient are divided by the number of samples, once, at the end.
    /// An empty batch still gives `0.0` and a zero gradient.
    ///
    /// ```
    /// use autodiff_safe::batch::Batch;
    ///
    /// let model = vec![0.0_f64];
    /// let samples = [1.0, 2.0, 6.0];
    /// let (loss, grad) = Batch::new(&model, &samples).mean().gradient(|_, &s, dm| {
    ///     dm[0] += s;
    ///     s
    /// });
    /// assert_eq!((loss, grad[0]), (3.0, 3.0));
    /// ```
    #[must_use]
    pub fn mean(mut self) -> Self {
        self.mean = true;
        self
    }

    /// Returns the sum over the samples (the default).
    ///
    /// ```
    /// use autodiff_safe::batch::Batch;
    ///
    /// let model = vec![0.0_f64];
    /// let samples = [1.0, 2.0, 6.0];
    /// let (loss, _) = Batch::new(&model, &samples).mean().sum().gradient(|_, &s, _| s);
    /// assert_eq!(loss, 9.0);
    /// ```
    #[must_use]
    pub fn sum(mut self) -> Self {
        self.mean = false;
        self
    }

    /// Runs every chunk on the calling thread, even with the `rayon`
    /// feature. The chunks and the reduction tree stay the same, so the
    /// result is bit for bit the parallel one.
    ///
    /// ```
    /// use autodiff_safe::batch::Batch;
    ///
    /// let model = vec![0.0_f64];
    /// let samples: Vec<f64> = (0..100).map(|i| 1.0 / f64::from(i + 1)).collect();
    /// let f = |_: &Vec<f64>, &s: &f64, dm: &mut Vec<f64>| {
    ///     dm[0] += s * s;
    ///     s
    /// };
    /// let batch = Batch::new(&model, &samples).chunk_size(7);
    /// let (loss, grad) = batch.gradient(f);
    /// let (seq_loss, seq_grad) = batch.sequential().gradient(f);
    /// assert_eq!(loss.to_bits(), seq_loss.to_bits());
    /// assert_eq!(grad[0].to_bits(), seq_grad[0].to_bits());
    /// ```
    #[must_use]
    pub fn sequential(mut self) -> Self {
        self.parallel = false;
        self
    }

    /// The number of chunks, `ceil(samples / chunk_size)`: 0 for an empty
    /// batch.
    ///
    /// ```
    /// use autodiff_safe::batch::Batch;
    ///
    /// let model = 0.0_f64;
    /// let samples = [0.0; 65];
    /// assert_eq!(Batch::new(&model, &samples).chunks(), 3);
    /// assert_eq!(Batch::new(&model, &samples[..0]).chunks(), 0);
    /// ```
    #[must_use]
    pub fn chunks(&self) -> usize {
        self.samples.len().div_ceil(self.chunk_size)
    }
}

impl<M, S> Batch<'_, M, S>
where
    M: ShadowCheck + FloatTree + Send + Sync,
    S: Sync,
{
    /// The loss and gradient over the batch: `f(model, sample, dmodel)` is
    /// called once per sample, must add that sample's gradient into `dmodel`
    /// (as a reverse-mode derivative does) and return its loss.
    ///
    /// ```
    /// use autodiff_safe::batch::Batch;
    /// use autodiff_safe::{autodiff_reverse, ShadowCheck};
    ///
    /// #[derive(ShadowCheck)]
    /// struct Model {
    ///     w: Vec<f64>,
    /// }
    ///
    /// #[autodiff_reverse(d_loss, Duplicated, Const, Const, Active)]
    /// fn loss(m: &Model, x: &[f64], y: f64) -> f64 {
    ///     let p: f64 = m.w.iter().zip(x).map(|(w, x)| w * x).sum();
    ///     (p - y) * (p - y)
    /// }
    ///
    /// struct Sample {
    ///     x: [f64; 2],
    ///     y: f64,
    /// }
    ///
    /// let model = Model { w: vec![0.0, 0.0] };
    /// let samples = [Sample { x: [1.0, 0.0], y: 1.0 }, Sample { x: [0.0, 1.0], y: 2.0 }];
    /// let (loss, grad) = Batch::new(&model, &samples)
    ///     .gradient(|m, s, dm| d_loss(m, dm, &s.x, s.y, 1.0));
    /// assert_eq!(loss, 5.0);
    /// // d/dw (w.x - y)^2 = 2 (w.x - y) x, summed: (-2, -4).
    /// assert!((grad.w[0] + 2.0).abs() < 1e-6 && (grad.w[1] + 4.0).abs() < 1e-6);
    /// ```
    ///
    /// # Panics
    ///
    /// If `f` panics, or if `f` changes the number of float leaves of
    /// `dmodel` (by pushing to one of its `Vec`s, say).
    pub fn gradient<F>(&self, f: F) -> (f64, M)
    where
        F: Fn(&M, &S, &mut M) -> f64 + Sync,
    {
        self.try_gradient_with_scratch(
            || (),
            |model, sample, dmodel, ()| Ok::<_, Infallible>(f(model, sample, dmodel)),
        )
        .unwrap_or_else(|never| match never {})
    }

    /// [`gradient`](Self::gradient) with a scratch value per chunk: `init()`
    /// is called once per chunk, and its result passed to every sample of
    /// that chunk, in order, as `f(model, sample, dmodel, scratch)`. Use it
    /// for a workspace of the derivative, which then needs no lock and is
    /// not reallocated per sample. Hand it to the derivative as a `Const`
    /// slice (`&mut [f64]`, as below): a `Const` `&mut Vec` is refused at
    /// compile time, because a function could move its buffer into a
    /// differentiated argument, which Enzyme would then share between primal
    /// and shadow.
    ///
    /// Pass the scratch to the derivative as `Const`: it gets no shadow, so
    /// only data that does not depend on the differentiated arguments may
    /// flow through it (features computed from the sample, say). The result
    /// depends on the scratch only through what `f` reads from it; reading
    /// what an earlier sample of the chunk left there is still
    /// deterministic, since the chunks are fixed.
    ///
    /// ```
    /// use autodiff_safe::batch::Batch;
    /// use autodiff_safe::autodiff_reverse;
    ///
    /// /// Squared error of `w . phi(x)`, with the features `phi(x) = (x, x^2)`
    /// /// built in the workspace `phi`.
    /// #[autodiff_reverse(d_loss, Duplicated, Const, Const, Const, Active)]
    /// fn loss(w: &[f64], x: f64, y: f64, phi: &mut [f64]) -> f64 {
    ///     phi[0] = x;
    ///     phi[1] = x * x;
    ///     let e = w[0] * phi[0] + w[1] * phi[1] - y;
    ///     e * e
    /// }
    ///
    /// let w = vec![1.0, 0.0];
    /// let samples = [(1.0, 1.0), (2.0, 1.0)];
    /// let (loss, grad) = Batch::new(&w, &samples).gradient_with_scratch(
    ///     || vec![0.0; 2],
    ///     |w, &(x, y), dw, phi| d_loss(w, dw, x, y, phi, 1.0),
    /// );
    /// assert_eq!(loss, 1.0);
    /// // 2 (w . phi - y) phi, from the second sample only: (4, 8).
    /// assert!((grad[0] - 4.0).abs() < 1e-6 && (grad[1] - 8.0).abs() < 1e-6);
    /// ```
    ///
    /// # Panics
    ///
    /// As [`gradient`](Self::gradient), and if `init` panics.
    pub fn gradient_with_scratch<W, I, F>(&self, init: I, f: F) -> (f64, M)
    where
        I: Fn() -> W + Sync,
        F: Fn(&M, &S, &mut M, &mut W) -> f64 + Sync,
    {
        self.try_gradient_with_scratch(init, |model, sample, dmodel, scratch| {
            Ok::<_, Infallible>(f(model, sample, dmodel, scratch))
        })
        .unwrap_or_else(|never| match never {})
    }

    /// [`gradient`](Self::gradient) for a fallible closure, such as one that
    /// calls the `try_` twin of a checked derivative.
    ///
    /// ```
    /// use autodiff_safe::batch::Batch;
    /// use autodiff_safe::autodiff_reverse;
    ///
    /// #[autodiff_reverse(d_loss, Duplicated, Const, Active)]
    /// fn loss(w: &[f64], x: &[f64]) -> f64 {
    ///     w.iter().zip(x).map(|(w, x)| w * x).sum()
    /// }
    ///
    /// let w = vec![1.0, 2.0];
    /// let xs = [[1.0, 1.0], [2.0, 0.0]];
    /// let (loss, grad) = Batch::new(&w, &xs)
    ///     .try_gradient(|w, x, dw| try_d_loss(w, dw, x, 1.0))
    ///     .unwrap();
    /// assert_eq!(loss, 5.0);
    /// assert!((grad[0] - 3.0).abs() < 1e-6);
    ///
    /// // A closure that passes a wrong shadow gets the checked error back.
    /// let err = Batch::new(&w, &xs)
    ///     .try_gradient(|w, x, _| try_d_loss(w, &mut [0.0], x, 1.0))
    ///     .unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "d_loss: shadow `dw_0` does not match its primal `w` at `w`: primal has length 2, shadow has length 1",
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// The first error `f` returns, in sample order: a chunk stops at its
    /// first error, and the reduction keeps the error of the lowest chunk.
    /// With the `rayon` feature, later chunks may have run meanwhile.
    ///
    /// # Panics
    ///
    /// As [`gradient`](Self::gradient).
    pub fn try_gradient<E, F>(&self, f: F) -> Result<(f64, M), E>
    where
        E: Send,
        F: Fn(&M, &S, &mut M) -> Result<f64, E> + Sync,
    {
        self.try_gradient_with_scratch(|| (), |model, sample, dmodel, ()| f(model, sample, dmodel))
    }

    /// [`gradient_with_scratch`](Self::gradient_with_scratch) for a fallible
    /// closure.
    ///
    /// ```
    /// use autodiff_safe::batch::Batch;
    /// use autodiff_safe::autodiff_reverse;
    ///
    /// #[autodiff_reverse(d_loss, Duplicated, Const, Const, Active)]
    /// fn loss(w: &[f64], x: f64, phi: &mut [f64]) -> f64 {
    ///     phi[0] = x;
    ///     phi[1] = x * x;
    ///     w[0] * phi[0] + w[1] * phi[1]
    /// }
    ///
    /// let w = vec![1.0, 2.0];
    /// let (loss, grad) = Batch::new(&w, &[1.0, 3.0])
    ///     .try_gradient_with_scratch(|| vec![0.0; 2], |w, &x, dw, phi| try_d_loss(w, dw, x, phi, 1.0))
    ///     .unwrap();
    /// assert_eq!(loss, 24.0);
    /// assert!((grad[0] - 4.0).abs() < 1e-6 && (grad[1] - 10.0).abs() < 1e-6);
    /// ```
    ///
    /// # Errors
    ///
    /// As [`try_gradient`](Self::try_gradient).
    ///
    /// # Panics
    ///
    /// As [`gradient_with_scratch`](Self::gradient_with_scratch).
    pub fn try_gradient_with_scratch<W, E, I, F>(&self, init: I, f: F) -> Result<(f64, M), E>
    where
        E: Send,
        I: Fn() -> W + Sync,
        F: Fn(&M, &S, &mut M, &mut W) -> Result<f64, E> + Sync,
    {
        let chunks = self.chunks();
        let (mut loss, mut grad) = if chunks == 0 {
            (0.0, make_zero(self.model))
        } else {
            self.tree(0, chunks, &init, &f)?
        };
        if self.mean && !self.samples.is_empty() {
            #[allow(
                clippy::cast_precision_loss,
                reason = "batches beyond 2^53 samples do not fit in memory"
            )]
            let n = self.samples.len() as f64;
            loss /= n;
            grad.visit_floats_mut(&mut |mut leaf| {
                let value = leaf.get();
                leaf.set(value / n);
            });
        }
        Ok((loss, grad))
    }

    /// `T(lo, hi)` of the module documentation.
    fn tree<W, E, I, F>(&self, lo: usize, hi: usize, init: &I, f: &F) -> Result<(f64, M), E>
    where
        E: Send,
        I: Fn() -> W + Sync,
        F: Fn(&M, &S, &mut M, &mut W) -> Result<f64, E> + Sync,
    {
        if hi - lo == 1 {
            return self.chunk(lo, init, f);
        }
        // The largest power of two below `hi - lo` (which is at least 2).
        let mid = lo + (1 << (hi - lo - 1).ilog2());
        let (left, right) = if self.parallel && cfg!(feature = "rayon") {
            join(
                || self.tree(lo, mid, init, f),
                || self.tree(mid, hi, init, f),
            )
        } else {
            let left = self.tree(lo, mid, init, f)?;
            (Ok(left), self.tree(mid, hi, init, f))
        };
        let (mut loss, mut grad) = left?;
        let (right_loss, right_grad) = right?;
        loss += right_loss;
        add_into(&mut grad, &right_grad);
        Ok((loss, grad))
    }

    /// `c_index`: the chunk's samples accumulated in order into one shadow.
    fn chunk<W, E, I, F>(&self, index: usize, init: &I, f: &F) -> Result<(f64, M), E>
    where
        I: Fn() -> W,
        F: Fn(&M, &S, &mut M, &mut W) -> Result<f64, E>,
    {
        let start = index * self.chunk_size;
        let end = self.samples.len().min(start + self.chunk_size);
        let mut grad = make_zero(self.model);
        let mut scratch = init();
        let mut loss = 0.0;
        for sample in &self.samples[start..end] {
            loss += f(self.model, sample, &mut grad, &mut scratch)?;
        }
        check_chunk(self.model, &grad, index);
        Ok((loss, grad))
    }
}

/// Refuses a chunk's gradient whose structure is no longer the model's.
///
/// Every chunk's shadow passes here before it is returned or reduced: with a
/// single chunk there is no reduction, so without it a closure that grew
/// `dmodel` would hand back a gradient of another structure.
fn check_chunk<M: ShadowCheck + ?Sized>(model: &M, grad: &M, index: usize) {
    if let Err(error) = crate::check(model, grad) {
        panic!(
            "Batch: the closure changed the structure of the gradient shadow of chunk {index}: \
             {error}; `dmodel` must keep the structure of `make_zero(model)`"
        );
    }
}

/// Both closures, in parallel on the current rayon pool.
#[cfg(feature = "rayon")]
fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    rayon::join(a, b)
}

/// Both closures, in order (never called: `tree` checks the feature first).
#[cfg(not(feature = "rayon"))]
fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA,
    B: FnOnce() -> RB,
{
    (a(), b())
}

/// Adds `x` into `acc`, float leaf by float leaf, in traversal order.
///
/// Both come from `make_zero` of one model; a closure that changed the
/// structure of its shadow is caught here.
fn add_into<T: ShadowCheck + FloatTree>(acc: &mut T, x: &T) {
    if let Err(error) = crate::axpy(1.0, x, acc) {
        panic!("Batch: the closure changed the structure of a gradient shadow: {error}");
    }
}
