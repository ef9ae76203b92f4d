//! A [`Batch`] spread over the ranks of an MPI communicator (feature `mpi`):
//! the same loss and gradient on every rank, bit for bit the single-process
//! `Batch` of the same global batch and chunk size, for any number of ranks
//! and of threads per rank.
//!
//! ```no_run
//! use autodiff_safe::batch::Batch;
//! use autodiff_safe::batch::mpi::MpiBatch as _;
//!
//! let universe = autodiff_safe::batch::mpi::rsmpi::initialize().expect("MPI initialises once per process");
//! let world = universe.world();
//! let model = vec![1.0_f64, 2.0];
//! let samples: Vec<f64> = (0..1000).map(f64::from).collect();
//! let (loss, grad) = Batch::new(&model, &samples)
//!     .chunk_size(16)
//!     .mean()
//!     .over(&world)
//!     .try_gradient(|m, &s, dm| {
//!         dm[0] += s;
//!         dm[1] += 1.0;
//!         Ok::<_, autodiff_safe::ShadowError>(m[0] * s + m[1])
//!     })
//!     .expect("same model on every rank");
//! // `loss` and `grad` have the same bits on every rank, and the bits of
//! // `Batch::new(&model, &samples).chunk_size(16).mean().gradient(..)`.
//! # let _ = (loss, grad);
//! ```
//!
//! # What each rank computes
//!
//! The `n` global samples make `k = ceil(n / c)` chunks, numbered globally as
//! in [`Batch`](super). Rank `r` of `R` owns the contiguous, balanced chunk
//! range `[r k / R, (r + 1) k / R)` ([`chunk_range`]), i.e. the samples
//! [`sample_range`]. Each rank either loads every sample and calls
//! [`MpiBatch::over`] (it reads only its own range), or loads only its slice
//! and calls [`MpiBatch::over_local`] with the global count.
//!
//! A contiguous range of chunks is covered by at most `2 ceil(log2 k)` whole
//! subtrees of the fixed pairwise tree `T(0, k)` (the *frontier* of the rank:
//! the maximal nodes `T(i, j)` with `[i, j)` inside its range). Each rank
//! computes its frontier nodes exactly as `Batch` does (with `rayon` inside
//! a node). The frontier nodes of all ranks, in chunk order, partition
//! `[0, k)`; the part of the tree above them is evaluated once per parameter
//! shard:
//!
//! 1. **Reduce-scatter.** The gradient's float leaves, flattened in
//!    traversal order (`f64` and `f32` leaves in two buffers), are cut into
//!    `R` balanced shards. Every rank sends shard `s` of each of its frontier
//!    nodes to rank `s` (one `MPI_Alltoallv`). Rank `s` then evaluates the
//!    top of the tree, `T(0, k)` restricted to shard `s`, with the same
//!    additions in the same order as `Batch` (`left + right`, in the leaf's
//!    own precision).
//! 2. **All-gather.** The reduced shards are gathered on every rank
//!    (`MPI_Allgatherv`) and written back into `make_zero(model)`. The
//!    frontier losses (one `f64` each) are all-gathered and reduced by the
//!    same tree on every rank. With [`mean`](Batch::mean), the loss and each
//!    leaf are divided by `n` once, by the same code as `Batch`.
//!
//! # Threads per rank
//!
//! Inside a frontier node the chunks run as in `Batch`: on the current rayon
//! pool with the `rayon` feature. rsmpi's communicators are not `Sync`, so a
//! closure capturing one cannot be passed to `ThreadPool::install`: size the
//! global pool instead (`RAYON_NUM_THREADS`, or `ThreadPoolBuilder::build_global`).
//! The bits do not depend on it.
//!
//! With one rank, the only frontier node is `T(0, k)` itself: it is returned
//! as it is (no hash, no flattening), so the `mpi` path costs two all-gathers
//! of a few words more than `Batch`.
//!
//! # Cost model
//!
//! With `P` float leaves of `b` bytes, `R` ranks, `k` chunks and `F_r` frontier
//! nodes on rank `r` (`F_r <= 2 ceil(log2 k)`, `F = sum F_r`), per step rank `r`
//!
//! - sends `b P F_r (R - 1) / R` and receives `b (P / R) (F - F_r)` bytes in
//!   the reduce-scatter, and
//! - sends and receives `b P (R - 1) / R` bytes in the all-gather,
//!
//! plus `O(R)` words of headers (model hashes, status, losses). So a rank
//! moves `O(b P log k)` bytes whatever `R`: no rank receives every chunk's
//! gradient (`O(P k)`). [`traffic`] counts the payload bytes actually moved.
//!
//! # When the bits do not depend on the ranks
//!
//! The result is bit-identical to the single-process `Batch` with the same
//! global samples and chunk size (and so to any number of ranks, and of
//! threads per rank) when:
//!
//! - each rank holds whole chunks, in global order (what [`sample_range`]
//!   gives; [`MpiBatch::over_local`] refuses a slice of another length);
//! - additions happen in each leaf's own precision, as `axpy(1.0, ..)` does,
//!   and the mean is divided once by the same code (this module does both);
//! - the model's float bits and structure are identical on every rank:
//!   checked on every call (a hash per rank and one small all-gather),
//!   refused with [`MpiBatchError::ModelDiffers`] naming the first leaf that
//!   differs otherwise;
//! - every host runs the same binary (the same closure, compiled the same
//!   way, and the same float semantics).
//!
//! # Failures
//!
//! Every rank makes the same collective calls whatever happens, so nothing
//! hangs: a fallible closure that fails on one rank makes every rank return
//! an error ([`MpiBatchError::Sample`] on the rank owning the first failure in
//! global sample order, [`MpiBatchError::Remote`] on the others, carrying that
//! rank, the global sample index, the message, and the error itself when it
//! crosses ranks, as a [`ShadowError`] does). A panic in the closure (or in a
//! chunk's shadow check, which runs on every rank before any reduction) is
//! caught and aborts the whole job through the communicator (`MPI_Abort`):
//! the other ranks would otherwise wait for it forever.

use std::collections::HashSet;
use std::convert::Infallible;
use std::fmt;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use mpi::Count;
use mpi::datatype::{Partition, PartitionMut};
use mpi::traits::{Communicator, CommunicatorCollectives, Equivalence, Root};

use super::Batch;

use crate::{FloatTree, Lanes, Mismatch, PathSegment, ShadowCheck, ShadowError, make_zero};
/// The `mpi` crate (rsmpi) this module runs on, for `initialize` and the
/// communicator traits without a second dependency line.
///
/// ```no_run
/// use autodiff_safe::batch::mpi::rsmpi;
/// use rsmpi::traits::Communicator;
///
/// let universe = rsmpi::initialize().unwrap();
/// println!("rank {} of {}", universe.world().rank(), universe.world().size());
/// ```
pub use mpi as rsmpi;

/// The chunks `[r k / R, (r + 1) k / R)` that rank `rank` of `ranks` owns,
/// for `chunks` global chunks: contiguous and balanced (sizes differ by at
/// most one).
///
/// ```
/// use autodiff_safe::batch::mpi::chunk_range;
///
/// assert_eq!(chunk_range(10, 3, 0), 0..3);
/// assert_eq!(chunk_range(10, 3, 1), 3..6);
/// assert_eq!(chunk_range(10, 3, 2), 6..10);
/// ```
#[must_use]
pub fn chunk_range(chunks: usize, ranks: usize, rank: usize) -> Range<usize> {
    let at = |r: usize| {
        // u128: `r * chunks` cannot overflow.
        usize::try_from(r as u128 * chunks as u128 / ranks.max(1) as u128).unwrap_or(chunks)
    };
    at(rank)..at(rank + 1)
}

/// The global samples rank `rank` of `ranks` must load for
/// [`MpiBatch::over_local`]: the samples of its [`chunk_range`].
///
/// ```
/// use autodiff_safe::batch::mpi::sample_range;
///
/// // 100 samples, chunks of 16 (7 chunks), 3 ranks: chunks 0..2, 2..4, 4..7.
/// assert_eq!(sample_range(100, 16, 3, 0), 0..32);
/// assert_eq!(sample_range(100, 16, 3, 2), 64..100);
/// ```
#[must_use]
pub fn sample_range(samples: usize, chunk_size: usize, ranks: usize, rank: usize) -> Range<usize> {
    let chunks = chunk_range(samples.div_ceil(chunk_size), ranks, rank);
    (chunks.start * chunk_size).min(samples)..(chunks.end * chunk_size).min(samples)
}

/// The frontier of a rank: the maximal nodes `T(i, j)` of the fixed tree
/// over `0..chunks` whose chunks all lie in `range`, in chunk order.
///
/// ```
/// use autodiff_safe::batch::mpi::frontier;
///
/// // T(0, 7) = T(0, 4) + T(4, 7); chunks 2..7 are T(2, 4), T(4, 7).
/// assert_eq!(frontier(7, 2..7), [(2, 4), (4, 7)]);
/// ```
#[must_use]
pub fn frontier(chunks: usize, range: Range<usize>) -> Vec<(usize, usize)> {
    fn walk(i: usize, j: usize, range: &Range<usize>, out: &mut Vec<(usize, usize)>) {
        if j <= range.start || i >= range.end {
            return;
        }
        if range.start <= i && j <= range.end {
            out.push((i, j));
            return;
        }
        // Partly inside, so at least two chunks: split as `Batch::tree` does.
        let mid = split(i, j);
        walk(i, mid, range, out);
        walk(mid, j, range, out);
    }
    let mut out = Vec::new();
    if chunks > 0 && range.start < range.end {
        walk(0, chunks, &range, &mut out);
    }
    out
}

/// The split point of `T(i, j)`, `j - i >= 2`: `i` plus the largest power of
/// two below `j - i`, as in `Batch::tree`.
fn split(i: usize, j: usize) -> usize {
    i + (1 << (j - i - 1).ilog2())
}

/// Payload bytes moved by this process's [`MpiBatch`] calls, and where the
/// time went, since the start (or the last [`reset_traffic`]).
///
/// ```
/// let t = autodiff_safe::batch::mpi::traffic();
/// assert!(t.sent_bytes <= t.sent_bytes + t.received_bytes);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Traffic {
    /// Bytes this rank sent to other ranks (payload, headers included).
    pub sent_bytes: u64,
    /// Bytes this rank received from other ranks.
    pub received_bytes: u64,
    /// Nanoseconds spent computing the rank's frontier nodes.
    pub compute_nanos: u64,
    /// Nanoseconds spent checking, communicating and reducing.
    pub communicate_nanos: u64,
    /// Calls made.
    pub calls: u64,
}

static SENT: AtomicU64 = AtomicU64::new(0);
static RECEIVED: AtomicU64 = AtomicU64::new(0);
static COMPUTE: AtomicU64 = AtomicU64::new(0);
static COMMUNICATE: AtomicU64 = AtomicU64::new(0);
static CALLS: AtomicU64 = AtomicU64::new(0);

/// The [`Traffic`] so far.
///
/// ```
/// let before = autodiff_safe::batch::mpi::traffic();
/// assert_eq!(before, autodiff_safe::batch::mpi::traffic());
/// ```
#[must_use]
pub fn traffic() -> Traffic {
    Traffic {
        sent_bytes: SENT.load(Ordering::Relaxed),
        received_bytes: RECEIVED.load(Ordering::Relaxed),
        compute_nanos: COMPUTE.load(Ordering::Relaxed),
        communicate_nanos: COMMUNICATE.load(Ordering::Relaxed),
        calls: CALLS.load(Ordering::Relaxed),
    }
}

/// Sets the [`Traffic`] counters back to zero.
///
/// ```
/// autodiff_safe::batch::mpi::reset_traffic();
/// assert_eq!(autodiff_safe::batch::mpi::traffic().calls, 0);
/// ```
pub fn reset_traffic() {
    for counter in [&SENT, &RECEIVED, &COMPUTE, &COMMUNICATE, &CALLS] {
        counter.store(0, Ordering::Relaxed);
    }
}

fn count_bytes(sent: usize, received: usize) {
    SENT.fetch_add(sent as u64, Ordering::Relaxed);
    RECEIVED.fetch_add(received as u64, Ordering::Relaxed);
}

fn add_nanos(counter: &AtomicU64, since: Instant) {
    let nanos = u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX);
    counter.fetch_add(nanos, Ordering::Relaxed);
}

/// An error that can cross ranks: encoded to bytes on the rank that owns it,
/// decoded on the others. Every host runs the same binary, so the encoding
/// needs no versioning.
///
/// A [`ShadowError`] crosses whole: mismatch, path, argument, function,
/// shadow and lane. Its names are `&'static str`, so decoding leaks each
/// distinct name once (they are interned: a job that decodes the same error
/// every step does not grow).
///
/// ```
/// use autodiff_safe::batch::mpi::CrossRank;
/// use autodiff_safe::ShadowError;
///
/// let err = ShadowError::length(2, 1).in_field("w").for_argument("m");
/// assert_eq!(ShadowError::decode(&err.encode()), Some(err));
/// // Every kind of mismatch crosses, the checks after the call's too.
/// for err in [
///     ShadowError::capacity(16, 2).in_field("buf"),
///     ShadowError::shared_allocation().for_argument("x"),
///     ShadowError::replaced_allocation().in_derivative("d_f", "dx_0"),
///     ShadowError::batch_length(2, 3, 5),
/// ] {
///     assert_eq!(ShadowError::decode(&err.encode()), Some(err));
/// }
/// ```
pub trait CrossRank: Sized {
    /// The bytes to send.
    fn encode(&self) -> Vec<u8>;
    /// The error back, or `None` if `bytes` is not an encoding.
    fn decode(bytes: &[u8]) -> Option<Self>;
}

impl CrossRank for Infallible {
    fn encode(&self) -> Vec<u8> {
        match *self {}
    }
    fn decode(_: &[u8]) -> Option<Self> {
        None
    }
}

impl CrossRank for String {
    fn encode(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
    fn decode(bytes: &[u8]) -> Option<Self> {
        String::from_utf8(bytes.to_vec()).ok()
    }
}

/// The names a decoded [`ShadowError`] refers to: interned, so that a job
/// that decodes the same error many times leaks each name once.
fn intern(name: &str) -> &'static str {
    static NAMES: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut names = NAMES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let names = names.get_or_insert_with(HashSet::new);
    if let Some(&known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// Little writer and reader of the encoding: words and strings.
struct Writer(Vec<u8>);

impl Writer {
    fn word(&mut self, x: u64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn usize(&mut self, x: usize) {
        self.word(x as u64);
    }
    fn text(&mut self, s: &str) {
        self.usize(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn option(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.word(1);
                self.text(s);
            }
            None => self.word(0),
        }
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn word(&mut self) -> Option<u64> {
        let (head, rest) = self.0.split_at_checked(8)?;
        self.0 = rest;
        Some(u64::from_le_bytes(head.try_into().ok()?))
    }
    fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.word()?).ok()
    }
    fn text(&mut self) -> Option<&'static str> {
        let len = self.usize()?;
        let (head, rest) = self.0.split_at_checked(len)?;
        self.0 = rest;
        Some(intern(std::str::from_utf8(head).ok()?))
    }
    #[allow(
        clippy::option_option,
        reason = "outer: the bytes parse; inner: the encoded option"
    )]
    fn option(&mut self) -> Option<Option<&'static str>> {
        match self.word()? {
            0 => Some(None),
            _ => self.text().map(Some),
        }
    }
    fn list<T>(&mut self, item: impl Fn(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let len = self.usize()?;
        (0..len).map(|_| item(self)).collect()
    }
}

impl CrossRank for ShadowError {
    fn encode(&self) -> Vec<u8> {
        let mut w = Writer(Vec::new());
        match self.mismatch() {
            Mismatch::Length { primal, shadow } => {
                w.word(0);
                w.usize(*primal);
                w.usize(*shadow);
            }
            Mismatch::Variant { primal, shadow } => {
                w.word(1);
                w.text(primal);
                w.text(shadow);
            }
            Mismatch::Shape { primal, shadow } => {
                w.word(2);
                for side in [primal, shadow] {
                    w.usize(side.len());
                    for &x in side {
                        w.usize(x);
                    }
                }
            }
            Mismatch::Strides { primal, shadow } => {
                w.word(3);
                for side in [primal, shadow] {
                    w.usize(side.len());
                    for &x in side {
                        w.word(x.cast_unsigned() as u64);
                    }
                }
            }
            Mismatch::BatchLength {
                width,
                primal,
                shadow,
            } => {
                w.word(4);
                w.usize(*width);
                w.usize(*primal);
                w.usize(*shadow);
            }
            Mismatch::Capacity { primal, shadow } => {
                w.word(5);
                w.usize(*primal);
                w.usize(*shadow);
            }
            Mismatch::SharedAllocation => w.word(6),
            Mismatch::ReplacedAllocation => w.word(7),
        }
        // Innermost segment first: the order the builder pushes them in.
        w.usize(self.segments().len());
        for segment in self.segments().rev() {
            match segment {
                PathSegment::Field(name) => {
                    w.word(0);
                    w.text(name);
                }
                PathSegment::TupleField(i) => {
                    w.word(1);
                    w.usize(*i);
                }
                PathSegment::Index(i) => {
                    w.word(2);
                    w.usize(*i);
                }
                PathSegment::Variant(name) => {
                    w.word(3);
                    w.text(name);
                }
            }
        }
        w.option(self.argument());
        w.option(self.function());
        w.option(self.shadow());
        w.word(self.lane().map_or(0, |lane| lane as u64 + 1));
        w.0
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let mut r = Reader(bytes);
        let mut error = match r.word()? {
            0 => ShadowError::length(r.usize()?, r.usize()?),
            1 => ShadowError::variant(r.text()?, r.text()?),
            2 => {
                let primal = r.list(Reader::usize)?;
                ShadowError::shape(primal, r.list(Reader::usize)?)
            }
            3 => {
                let word = |r: &mut Reader<'_>| {
                    r.word()
                        .map(|x| isize::try_from(x.cast_signed()).unwrap_or(isize::MAX))
                };
                let primal = r.list(word)?;
                ShadowError::strides(primal, r.list(word)?)
            }
            4 => ShadowError::batch_length(r.usize()?, r.usize()?, r.usize()?),
            5 => ShadowError::capacity(r.usize()?, r.usize()?),
            6 => ShadowError::shared_allocation(),
            7 => ShadowError::replaced_allocation(),
            _ => return None,
        };
        for _ in 0..r.usize()? {
            error = match r.word()? {
                0 => error.in_field(r.text()?),
                1 => error.in_tuple_field(r.usize()?),
                2 => error.at_index(r.usize()?),
                3 => error.in_variant(r.text()?),
                _ => return None,
            };
        }
        if let Some(argument) = r.option()? {
            error = error.for_argument(argument);
        }
        let function = r.option()?;
        let shadow = r.option()?;
        if let (Some(function), Some(shadow)) = (function, shadow) {
            error = error.in_derivative(function, shadow);
        }
        match r.word()? {
            0 => {}
            lane => error = error.in_lane(usize::try_from(lane - 1).ok()?),
        }
        r.0.is_empty().then_some(error)
    }
}

/// Why an [`MpiBatch`] call failed. Every rank returns one, never a wrong
/// sum and never a hang.
///
/// ```
/// use autodiff_safe::batch::mpi::MpiBatchError;
///
/// let err: MpiBatchError<String> = MpiBatchError::Remote {
///     rank: 2,
///     sample: 17,
///     message: "bad sample".into(),
///     error: None,
/// };
/// assert_eq!(err.to_string(), "batch over MPI: sample 17 failed on rank 2: bad sample");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MpiBatchError<E> {
    /// On the rank owning the first failure in global sample order: the
    /// closure's own error, for global sample `sample`.
    Sample {
        /// Global index of the failing sample.
        sample: usize,
        /// The closure's error.
        error: E,
    },
    /// On every other rank: the first failure happened on `rank`.
    Remote {
        /// The rank that owns the failure.
        rank: usize,
        /// Global index of the failing sample.
        sample: usize,
        /// The failing rank's error, displayed.
        message: String,
        /// The error itself, decoded with [`CrossRank`].
        error: Option<E>,
    },
    /// The model on `rank` is not the model on rank 0 (other bits or
    /// another structure): the gradient would mean nothing.
    ModelDiffers {
        /// The lowest rank whose model differs from rank 0's.
        rank: usize,
        /// The first float leaf, in traversal order, that differs.
        leaf: usize,
        /// Its path (`.layers[1].b[3]`).
        path: String,
        /// `"value"` or `"structure"`.
        what: &'static str,
    },
    /// The batch on `rank` is not set up as on rank 0: another global
    /// number of samples, chunk size, or sum instead of mean.
    BatchDiffers {
        /// The lowest rank that differs from rank 0.
        rank: usize,
        /// What differs.
        what: &'static str,
    },
    /// [`MpiBatch::over_local`] on `rank` got a slice of another length
    /// than its [`sample_range`].
    LocalSamples {
        /// The rank with the wrong slice.
        rank: usize,
        /// The length its [`sample_range`] has.
        expected: usize,
        /// The length it got.
        got: usize,
    },
}

impl<E: fmt::Display> fmt::Display for MpiBatchError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sample { sample, error } => {
                write!(
                    f,
                    "batch over MPI: sample {sample} failed on this rank: {error}"
                )
            }
            Self::Remote {
                rank,
                sample,
                message,
                ..
            } => write!(
                f,
                "batch over MPI: sample {sample} failed on rank {rank}: {message}"
            ),
            Self::ModelDiffers {
                rank,
                leaf,
                path,
                what,
            } => write!(
                f,
                "batch over MPI: the model on rank {rank} differs from rank 0 in {what} at \
                 `{path}` (float leaf {leaf}); every rank must hold the same model bits: \
                 broadcast the model from rank 0 before the first step"
            ),
            Self::BatchDiffers { rank, what } => write!(
                f,
                "batch over MPI: {what} on rank {rank} differs from rank 0; every rank must \
                 build the same `Batch` (same global samples, chunk size, sum or mean)"
            ),
            Self::LocalSamples {
                rank,
                expected,
                got,
            } => write!(
                f,
                "batch over MPI: rank {rank} passed {got} local samples to `over_local`, \
                 its chunk range holds {expected}; load `sample_range(..)` on each rank"
            ),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for MpiBatchError<E> {}

/// A [`Batch`] spread over a communicator: built by [`MpiBatch::over`] or
/// [`MpiBatch::over_local`].
///
/// ```no_run
/// use autodiff_safe::batch::Batch;
/// use autodiff_safe::batch::mpi::MpiBatch as _;
///
/// let universe = autodiff_safe::batch::mpi::rsmpi::initialize().unwrap();
/// let world = universe.world();
/// let model = vec![0.5_f64];
/// let samples = [1.0, 2.0, 3.0];
/// let (loss, grad) = Batch::new(&model, &samples).over(&world).gradient(|m, &s, dm| {
///     dm[0] += s;
///     m[0] * s
/// });
/// assert_eq!((loss, grad[0]), (3.0, 6.0));
/// ```
pub struct Distributed<'a, 'c, M, S, C> {
    /// This rank's samples, as a batch of the global chunk size.
    local: Batch<'a, M, S>,
    /// Global index of `local.samples[0]`.
    offset: usize,
    /// Global sample count.
    total: usize,
    /// The local slice's length is wrong (`over_local`): reported collectively.
    wrong_local: Option<usize>,
    comm: &'c C,
}

impl<M, S, C> fmt::Debug for Distributed<'_, '_, M, S, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Distributed")
            .field("local", &self.local)
            .field("offset", &self.offset)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

/// Spreads a [`Batch`] over the ranks of a communicator.
///
/// ```no_run
/// use autodiff_safe::batch::Batch;
/// use autodiff_safe::batch::mpi::{sample_range, MpiBatch as _};
/// use autodiff_safe::batch::mpi::rsmpi::traits::Communicator;
///
/// let universe = autodiff_safe::batch::mpi::rsmpi::initialize().unwrap();
/// let world = universe.world();
/// let model = vec![0.5_f64];
/// // Each rank loads only its own samples of the 1000.
/// let mine = sample_range(1000, 32, world.size() as usize, world.rank() as usize);
/// let local: Vec<f64> = mine.map(|i| i as f64).collect();
/// let (loss, _) = Batch::new(&model, &local)
///     .chunk_size(32)
///     .over_local(&world, 1000)
///     .gradient(|m, &s, dm| { dm[0] += s; m[0] * s });
/// # let _ = loss;
/// ```
pub trait MpiBatch<'a, M, S>: Sized {
    /// The batch's samples are the global samples, loaded on every rank;
    /// each rank computes only its [`chunk_range`]. Set the chunk size and
    /// mean first: they are the global ones.
    fn over<C: Communicator>(self, comm: &C) -> Distributed<'a, '_, M, S, C>;

    /// The batch's samples are this rank's [`sample_range`] of `total` global
    /// samples. A slice of another length is refused on every rank with
    /// [`MpiBatchError::LocalSamples`].
    fn over_local<C: Communicator>(self, comm: &C, total: usize) -> Distributed<'a, '_, M, S, C>;
}

/// `comm`'s size and rank as indices.
fn size_rank<C: Communicator>(comm: &C) -> (usize, usize) {
    let size = usize::try_from(comm.size()).unwrap_or(1);
    let rank = usize::try_from(comm.rank()).unwrap_or(0);
    (size, rank)
}

impl<'a, M, S> MpiBatch<'a, M, S> for Batch<'a, M, S> {
    fn over<C: Communicator>(self, comm: &C) -> Distributed<'a, '_, M, S, C> {
        let (size, rank) = size_rank(comm);
        let total = self.samples.len();
        let range = sample_range(total, self.chunk_size, size, rank);
        Distributed {
            local: Batch {
                samples: &self.samples[range.clone()],
                ..self
            },
            offset: range.start,
            total,
            wrong_local: None,
            comm,
        }
    }

    fn over_local<C: Communicator>(self, comm: &C, total: usize) -> Distributed<'a, '_, M, S, C> {
        let (size, rank) = size_rank(comm);
        let range = sample_range(total, self.chunk_size, size, rank);
        let wrong_local = (range.len() != self.samples.len()).then_some(range.len());
        Distributed {
            local: self,
            offset: range.start,
            total,
            wrong_local,
            comm,
        }
    }
}

/// A model's float leaves, flattened by precision, and hashes of its bits
/// and its structure (lane lengths and precisions).
struct Flat {
    f64s: Vec<f64>,
    f32s: Vec<f32>,
}

impl Flat {
    fn of<M: FloatTree>(model: &M) -> Self {
        let mut flat = Flat {
            f64s: Vec::new(),
            f32s: Vec::new(),
        };
        M::zip_floats([model], [], &mut |lanes| match lanes {
            Lanes::F64 { read: [x], .. } => flat.f64s.extend_from_slice(x),
            Lanes::F32 { read: [x], .. } => flat.f32s.extend_from_slice(x),
        });
        flat
    }
}

/// One leaf for the model comparison: its bits, and whether it opens a lane
/// and is an `f32` (the structure).
fn describe<M: FloatTree>(model: &M) -> Vec<[u64; 2]> {
    let mut out = Vec::new();
    M::zip_floats([model], [], &mut |lanes| match lanes {
        Lanes::F64 { read: [x], .. } => {
            for (i, v) in x.iter().enumerate() {
                out.push([v.to_bits(), u64::from(i == 0)]);
            }
        }
        Lanes::F32 { read: [x], .. } => {
            for (i, v) in x.iter().enumerate() {
                out.push([u64::from(v.to_bits()), u64::from(i == 0) | 2]);
            }
        }
    });
    out
}

/// `[leaf count, structure hash, value hash]` of a model.
fn fingerprint<M: FloatTree>(model: &M) -> [u64; 3] {
    const K: u64 = 0x0100_0000_01b3;
    let mix = |h: u64, x: u64| (h ^ x).wrapping_mul(K).rotate_left(29);
    let (mut count, mut structure, mut value) = (0_u64, 0xcbf2_9ce4_8422_2325_u64, 0_u64);
    M::zip_floats([model], [], &mut |lanes| {
        let tag = u64::from(matches!(lanes, Lanes::F32 { .. }));
        count += lanes.len() as u64;
        structure = mix(structure, (lanes.len() as u64) << 1 | tag);
        match lanes {
            Lanes::F64 { read: [x], .. } => {
                for v in x {
                    value = mix(value, v.to_bits());
                }
            }
            Lanes::F32 { read: [x], .. } => {
                for v in x {
                    value = mix(value, u64::from(v.to_bits()));
                }
            }
        }
    });
    [count, structure, value]
}

fn to_count(n: usize) -> Count {
    Count::try_from(n).unwrap_or_else(|_| {
        panic!("batch over MPI: a message of {n} elements exceeds MPI's int count; use more ranks")
    })
}

/// Counts and displacements of consecutive blocks.
fn partition(counts: &[usize]) -> (Vec<Count>, Vec<Count>) {
    let mut displs = Vec::with_capacity(counts.len());
    let mut at = 0;
    for &c in counts {
        displs.push(to_count(at));
        at += c;
    }
    (counts.iter().map(|&c| to_count(c)).collect(), displs)
}

/// Every rank's `N` words.
fn all_gather_words<C: Communicator, const N: usize>(comm: &C, mine: [u64; N]) -> Vec<[u64; N]> {
    let (size, _) = size_rank(comm);
    let mut all = vec![0_u64; N * size];
    comm.all_gather_into(&mine[..], &mut all[..]);
    count_bytes(8 * N * (size - 1), 8 * N * (size - 1));
    all.chunks_exact(N)
        .map(|c| c.try_into().unwrap_or([0; N]))
        .collect()
}

/// `root`'s bytes on every rank.
fn broadcast_bytes<C: Communicator>(comm: &C, root: usize, mine: Vec<u8>) -> Vec<u8> {
    let root = comm.process_at_rank(Count::try_from(root).unwrap_or(0));
    let mut len = [mine.len() as u64];
    root.broadcast_into(&mut len[..]);
    let mut bytes = mine;
    bytes.resize(usize::try_from(len[0]).unwrap_or(0), 0);
    root.broadcast_into(&mut bytes[..]);
    bytes
}

/// The tree over the frontier nodes `nodes` (a partition of `0..k` into tree
/// nodes, in order), evaluated on `T(i, j)`; `value(f)` is node `f`'s value.
fn top<T: Copy>(
    i: usize,
    j: usize,
    nodes: &[(usize, usize)],
    value: &dyn Fn(usize) -> Vec<T>,
    add: fn(T, T) -> T,
) -> Vec<T> {
    if let Ok(f) = nodes.binary_search(&(i, j)) {
        return value(f);
    }
    let mid = split(i, j);
    let mut left = top(i, mid, nodes, value, add);
    let right = top(mid, j, nodes, value, add);
    for (l, r) in left.iter_mut().zip(&right) {
        *l = add(*l, *r);
    }
    left
}

/// Reduce-scatter of the frontier values by shard, the top of the tree on
/// this rank's shard, then all-gather: the reduced buffer on every rank.
/// `len` is the buffer length, the same on every rank (the models were
/// checked identical), so a rank without nodes still takes part.
fn reduce_buffer<C, T>(
    comm: &C,
    mine: &[Vec<T>],
    len: usize,
    all_nodes: &[Vec<(usize, usize)>],
    chunks: usize,
    add: fn(T, T) -> T,
) -> Vec<T>
where
    C: Communicator,
    T: Equivalence + Copy + Default,
{
    let (size, rank) = size_rank(comm);
    if len == 0 {
        return Vec::new();
    }
    let shard = |s: usize| chunk_range(len, size, s);
    let bytes = size_of::<T>();
    // Send shard `s` of every local node to rank `s`, nodes in order.
    let mut send = Vec::with_capacity(len * mine.len());
    let mut send_counts = Vec::with_capacity(size);
    for s in 0..size {
        for node in mine {
            send.extend_from_slice(&node[shard(s)]);
        }
        send_counts.push(mine.len() * shard(s).len());
    }
    let my_shard = shard(rank).len();
    let recv_counts: Vec<usize> = all_nodes.iter().map(|n| n.len() * my_shard).collect();
    let mut recv = vec![T::default(); recv_counts.iter().sum()];
    {
        let (sc, sd) = partition(&send_counts);
        let (rc, rd) = partition(&recv_counts);
        let send = Partition::new(&send[..], sc, sd);
        let mut recv = PartitionMut::new(&mut recv[..], rc, rd);
        comm.all_to_all_varcount_into(&send, &mut recv);
    }
    count_bytes(
        bytes * (send.len() - send_counts[rank]),
        bytes * (recv.len() - recv_counts[rank]),
    );
    drop(send);
    // Every frontier node in chunk order: rank by rank, each rank's in order.
    let nodes: Vec<(usize, usize)> = all_nodes.iter().flatten().copied().collect();
    let value = |f: usize| recv[f * my_shard..(f + 1) * my_shard].to_vec();
    let reduced = top(0, chunks, &nodes, &value, add);
    let mut out = vec![T::default(); len];
    {
        let counts: Vec<usize> = (0..size).map(|s| shard(s).len()).collect();
        let (rc, rd) = partition(&counts);
        let mut out = PartitionMut::new(&mut out[..], rc, rd);
        comm.all_gather_varcount_into(&reduced[..], &mut out);
    }
    count_bytes(bytes * my_shard * (size - 1), bytes * (len - my_shard));
    out
}

impl<M, S, C> Distributed<'_, '_, M, S, C>
where
    M: ShadowCheck + FloatTree + Send + Sync,
    S: Sync,
    C: Communicator,
{
    /// [`Batch::gradient`] over the ranks.
    ///
    /// ```no_run
    /// use autodiff_safe::batch::Batch;
    /// use autodiff_safe::batch::mpi::MpiBatch as _;
    ///
    /// let universe = autodiff_safe::batch::mpi::rsmpi::initialize().unwrap();
    /// let model = vec![2.0_f64];
    /// let (loss, _) = Batch::new(&model, &[1.0, 2.0])
    ///     .over(&universe.world())
    ///     .gradient(|m, &s, dm| { dm[0] += s; m[0] * s });
    /// assert_eq!(loss, 6.0);
    /// ```
    ///
    /// # Panics
    ///
    /// If the models differ between ranks, or a rank's local slice is
    /// wrong (every rank panics, with the message of [`MpiBatchError`]). A
    /// panic in `f` aborts the job.
    pub fn gradient<F>(&self, f: F) -> (f64, M)
    where
        F: Fn(&M, &S, &mut M) -> f64 + Sync,
    {
        self.try_gradient_with_scratch(
            || (),
            |model, sample, dmodel, ()| Ok::<_, Infallible>(f(model, sample, dmodel)),
        )
        .unwrap_or_else(|error| panic!("{error}"))
    }

    /// [`Batch::try_gradient`] over the ranks.
    ///
    /// ```no_run
    /// use autodiff_safe::batch::Batch;
    /// use autodiff_safe::batch::mpi::MpiBatch as _;
    ///
    /// let universe = autodiff_safe::batch::mpi::rsmpi::initialize().unwrap();
    /// let model = vec![2.0_f64];
    /// let err = Batch::new(&model, &[1.0, 2.0])
    ///     .over(&universe.world())
    ///     .try_gradient(|_, &s, _| if s > 1.5 { Err("too big".to_string()) } else { Ok(s) })
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("sample 1 failed"));
    /// ```
    ///
    /// # Errors
    ///
    /// See [`MpiBatchError`]: on every rank, or on none.
    ///
    /// # Panics
    ///
    /// A panic in `f` aborts the job through the communicator.
    pub fn try_gradient<E, F>(&self, f: F) -> Result<(f64, M), MpiBatchError<E>>
    where
        E: Send + CrossRank + fmt::Display,
        F: Fn(&M, &S, &mut M) -> Result<f64, E> + Sync,
    {
        self.try_gradient_with_scratch(|| (), |model, sample, dmodel, ()| f(model, sample, dmodel))
    }

    /// [`Batch::try_gradient_with_scratch`] over the ranks.
    ///
    /// ```no_run
    /// use autodiff_safe::batch::Batch;
    /// use autodiff_safe::batch::mpi::MpiBatch as _;
    ///
    /// let universe = autodiff_safe::batch::mpi::rsmpi::initialize().unwrap();
    /// let model = vec![2.0_f64];
    /// let (loss, _) = Batch::new(&model, &[1.0, 2.0])
    ///     .over(&universe.world())
    ///     .try_gradient_with_scratch(|| 0.0, |m, &s, dm, _| { dm[0] += s; Ok::<_, String>(m[0] * s) })
    ///     .unwrap();
    /// assert_eq!(loss, 6.0);
    /// ```
    ///
    /// # Errors
    ///
    /// See [`MpiBatchError`].
    ///
    /// # Panics
    ///
    /// A panic in `f` or `init` aborts the job through the communicator.
    pub fn try_gradient_with_scratch<W, E, I, F>(
        &self,
        init: I,
        f: F,
    ) -> Result<(f64, M), MpiBatchError<E>>
    where
        E: Send + CrossRank + fmt::Display,
        I: Fn() -> W + Sync,
        F: Fn(&M, &S, &mut M, &mut W) -> Result<f64, E> + Sync,
    {
        CALLS.fetch_add(1, Ordering::Relaxed);
        let start = Instant::now();
        let (size, rank) = size_rank(self.comm);
        let chunk_size = self.local.chunk_size;
        let chunks = self.total.div_ceil(chunk_size);

        // 1. Same model and setup everywhere, or an error everywhere.
        let agreed = self.agree(size);
        add_nanos(&COMMUNICATE, start);
        agreed?;

        // 2. This rank's frontier nodes, as `Batch::tree` computes them.
        let compute = Instant::now();
        let all_nodes: Vec<Vec<(usize, usize)>> = (0..size)
            .map(|r| frontier(chunks, chunk_range(chunks, size, r)))
            .collect();
        let first_chunk = chunk_range(chunks, size, rank).start;
        let base = self.local.samples.as_ptr().addr();
        let offset = self.offset;
        let indexed = |model: &M, sample: &S, dmodel: &mut M, scratch: &mut W| {
            f(model, sample, dmodel, scratch).map_err(|error| {
                // The sample's place in the local slice, from its address.
                let local = (std::ptr::from_ref(sample).addr() - base) / size_of::<S>().max(1);
                (offset + local, error)
            })
        };
        let run = || {
            let mut out = Vec::with_capacity(all_nodes[rank].len());
            for &(i, j) in &all_nodes[rank] {
                out.push(
                    self.local
                        .tree(i - first_chunk, j - first_chunk, &init, &indexed)?,
                );
            }
            Ok::<_, (usize, E)>(out)
        };
        let local = catch_unwind(AssertUnwindSafe(run)).unwrap_or_else(|_| {
            eprintln!(
                "batch over MPI: the closure panicked on rank {rank}; aborting the job \
                 through the communicator (the other ranks would wait forever)"
            );
            self.comm.abort(101)
        });
        add_nanos(&COMPUTE, compute);

        // 3. Status everywhere: the first failure in global sample order wins.
        let communicate = Instant::now();
        let status = match &local {
            Ok(_) => [0, 0],
            Err((sample, _)) => [1, *sample as u64],
        };
        let statuses = all_gather_words(self.comm, status);
        let result = match local {
            Err((sample, error)) if statuses.iter().position(|s| s[0] == 1) == Some(rank) => {
                let _ = broadcast_bytes(self.comm, rank, error.encode());
                let _ = broadcast_bytes(self.comm, rank, error.to_string().into_bytes());
                Err(MpiBatchError::Sample { sample, error })
            }
            local => {
                if let Some(owner) = statuses.iter().position(|s| s[0] == 1) {
                    let encoded = broadcast_bytes(self.comm, owner, Vec::new());
                    let message = broadcast_bytes(self.comm, owner, Vec::new());
                    Err(MpiBatchError::Remote {
                        rank: owner,
                        sample: usize::try_from(statuses[owner][1]).unwrap_or(usize::MAX),
                        message: String::from_utf8_lossy(&message).into_owned(),
                        error: E::decode(&encoded),
                    })
                } else {
                    let nodes = local.unwrap_or_else(|_| Vec::new());
                    Ok(self.reduce(nodes, &all_nodes, chunks))
                }
            }
        };
        add_nanos(&COMMUNICATE, communicate);
        result
    }

    /// Step 1: every rank holds the same model (hash of its bits and
    /// structure) and the same batch setup, and `over_local` got the right
    /// slice; otherwise the same error on every rank.
    fn agree<E>(&self, size: usize) -> Result<(), MpiBatchError<E>> {
        let model = self.local.model;
        let chunk_size = self.local.chunk_size;
        // One rank agrees with itself: no hash to compute.
        let [count, structure, value] = if size == 1 {
            [0; 3]
        } else {
            fingerprint(model)
        };
        let wrong = self
            .wrong_local
            .map_or(u64::MAX, |expected| expected as u64);
        let local_len = self.local.samples.len() as u64;
        let setup = [
            self.total as u64,
            chunk_size as u64,
            u64::from(self.local.mean),
        ];
        let heads = all_gather_words(
            self.comm,
            [
                count, structure, value, wrong, local_len, setup[0], setup[1], setup[2],
            ],
        );
        // Ranks that disagree on the chunking would make different
        // collective calls: refuse before any of them.
        if let Some((r, h)) = heads
            .iter()
            .enumerate()
            .find(|(_, h)| h[5..] != heads[0][5..])
        {
            let what = ["the number of samples", "the chunk size", "sum or mean"];
            let field = (5..8).find(|&i| h[i] != heads[0][i]).unwrap_or(5);
            return Err(MpiBatchError::BatchDiffers {
                rank: r,
                what: what[field - 5],
            });
        }
        if let Some((r, h)) = heads.iter().enumerate().find(|(_, h)| h[3] != u64::MAX) {
            return Err(MpiBatchError::LocalSamples {
                rank: r,
                expected: usize::try_from(h[3]).unwrap_or(usize::MAX),
                got: usize::try_from(h[4]).unwrap_or(usize::MAX),
            });
        }
        if heads.iter().any(|h| h[..3] != heads[0][..3]) {
            return Err(self.model_difference(&heads));
        }
        Ok(())
    }

    /// Step 4: the reduced loss and gradient, on every rank.
    fn reduce(
        &self,
        nodes: Vec<(f64, M)>,
        all_nodes: &[Vec<(usize, usize)>],
        chunks: usize,
    ) -> (f64, M) {
        let model = self.local.model;
        let (loss, grad) = if chunks == 0 {
            (0.0, make_zero(model))
        } else if let [_] = all_nodes {
            // One rank: its only frontier node is `T(0, k)`, the result.
            nodes
                .into_iter()
                .next()
                .unwrap_or_else(|| (0.0, make_zero(model)))
        } else {
            self.reduce_ranks(&nodes, all_nodes, chunks)
        };
        self.finish(loss, grad)
    }

    /// The reduction over several ranks (module docs, steps 1 and 2).
    fn reduce_ranks(
        &self,
        nodes: &[(f64, M)],
        all_nodes: &[Vec<(usize, usize)>],
        chunks: usize,
    ) -> (f64, M) {
        let model = self.local.model;
        // Losses: tiny, gathered whole and reduced by every rank.
        let losses: Vec<f64> = nodes.iter().map(|(loss, _)| *loss).collect();
        let counts: Vec<usize> = all_nodes.iter().map(Vec::len).collect();
        let mut all_losses = vec![0.0; counts.iter().sum()];
        {
            let (c, d) = partition(&counts);
            let mut out = PartitionMut::new(&mut all_losses[..], c, d);
            self.comm.all_gather_varcount_into(&losses[..], &mut out);
        }
        count_bytes(
            8 * losses.len() * (counts.len() - 1),
            8 * (all_losses.len() - losses.len()),
        );
        let flat_nodes: Vec<(usize, usize)> = all_nodes.iter().flatten().copied().collect();
        let loss_of = |f: usize| vec![all_losses[f]];
        let loss = top(0, chunks, &flat_nodes, &loss_of, |a, b| a + b)[0];

        // Gradients: reduce-scatter by shard, top of the tree, all-gather.
        // Every rank knows the leaf counts (checked identical), so a rank
        // without nodes still takes part with the right lengths.
        let shape = Flat::of(model);
        let flats: Vec<Flat> = nodes.iter().map(|(_, g)| Flat::of(g)).collect();
        let (f64s, f32s): (Vec<Vec<f64>>, Vec<Vec<f32>>) =
            flats.into_iter().map(|f| (f.f64s, f.f32s)).unzip();
        // Leaves add in their own precision, as `axpy(1.0, ..)` does.
        let r64 = reduce_buffer(
            self.comm,
            &f64s,
            shape.f64s.len(),
            all_nodes,
            chunks,
            |a, b| a + b,
        );
        let r32 = reduce_buffer(
            self.comm,
            &f32s,
            shape.f32s.len(),
            all_nodes,
            chunks,
            |a, b| a + b,
        );
        let mut grad = make_zero(model);
        let (mut at64, mut at32) = (0, 0);
        M::zip_floats([], [&mut grad], &mut |lanes| match lanes {
            Lanes::F64 { write: [y], .. } => {
                y.copy_from_slice(&r64[at64..at64 + y.len()]);
                at64 += y.len();
            }
            Lanes::F32 { write: [y], .. } => {
                y.copy_from_slice(&r32[at32..at32 + y.len()]);
                at32 += y.len();
            }
        });
        (loss, grad)
    }

    /// The mean, if asked: divided once by `n`, by the same code as `Batch`.
    fn finish(&self, mut loss: f64, mut grad: M) -> (f64, M) {
        if self.local.mean && self.total > 0 {
            // The same division as `Batch`: once, by `n`.
            #[allow(
                clippy::cast_precision_loss,
                reason = "batches beyond 2^53 samples do not fit in memory"
            )]
            let n = self.total as f64;
            loss /= n;
            grad.visit_floats_mut(&mut |mut leaf| {
                let value = leaf.get();
                leaf.set(value / n);
            });
        }
        (loss, grad)
    }

    /// Every rank's lowest differing leaf against rank 0's, and its path.
    fn model_difference<E>(&self, heads: &[[u64; 8]]) -> MpiBatchError<E> {
        let (_, rank) = size_rank(self.comm);
        let model = self.local.model;
        let mine = describe(model);
        // Rank 0's leaves on every rank (an error path: O(P) once).
        let words: Vec<u8> = if rank == 0 {
            mine.iter()
                .flatten()
                .flat_map(|w| w.to_le_bytes())
                .collect()
        } else {
            Vec::new()
        };
        let bytes = broadcast_bytes(self.comm, 0, words);
        let theirs: Vec<[u64; 2]> = bytes
            .chunks_exact(16)
            .map(|c| {
                let word =
                    |k: usize| u64::from_le_bytes(c[8 * k..8 * k + 8].try_into().unwrap_or([0; 8]));
                [word(0), word(1)]
            })
            .collect();
        let first = mine
            .iter()
            .zip(&theirs)
            .position(|(a, b)| a != b)
            .or((mine.len() != theirs.len()).then(|| mine.len().min(theirs.len())));
        let what = first.map_or(0, |i| {
            if mine.get(i).map(|m| m[1]) == theirs.get(i).map(|t| t[1]) {
                1
            } else {
                2
            }
        });
        let firsts = all_gather_words(self.comm, [first.map_or(u64::MAX, |i| i as u64), what]);
        let (differs, leaf, what) = firsts
            .iter()
            .enumerate()
            .find(|(_, f)| f[0] != u64::MAX)
            .map_or((0, 0, 2), |(r, f)| {
                (r, usize::try_from(f[0]).unwrap_or(usize::MAX), f[1])
            });
        // The path from the rank that has the leaf.
        let owner = if (leaf as u64) < heads[differs][0] {
            differs
        } else {
            0
        };
        let path = if rank == owner {
            let mut segments = Vec::new();
            if model.leaf_path(leaf, &mut segments) {
                segments.iter().map(ToString::to_string).collect()
            } else {
                format!("<float leaf {leaf}>")
            }
        } else {
            String::new()
        };
        let path = broadcast_bytes(self.comm, owner, path.into_bytes());
        MpiBatchError::ModelDiffers {
            rank: differs,
            leaf,
            path: String::from_utf8_lossy(&path).into_owned(),
            what: if what == 1 { "value" } else { "structure" },
        }
    }
}
