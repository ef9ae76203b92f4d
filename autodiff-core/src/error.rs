use std::fmt::{self, Display, Write as _};

/// A shadow whose structure differs from its primal's.
///
/// It records where the first difference is, as a path written like a Rust
/// place expression (`m.layers[1].b`), and what differs ([`Mismatch`]). The
/// path is assembled while the error travels back up the traversal, so a
/// successful check never allocates.
///
/// ```
/// use autodiff_safe::{check, Mismatch, ShadowCheck};
///
/// #[derive(ShadowCheck)]
/// struct Layer { w: Vec<f64>, b: Vec<f64> }
/// #[derive(ShadowCheck)]
/// struct Mlp { layers: Vec<Layer> }
///
/// let m = Mlp { layers: vec![
///     Layer { w: vec![1.0; 4], b: vec![0.0; 2] },
///     Layer { w: vec![1.0; 2], b: vec![0.0; 1] },
/// ] };
/// let mut dm = autodiff_safe::make_zero(&m);
/// dm.layers[1].b.push(0.0);
///
/// let err = check(&m, &dm).unwrap_err().for_argument("m");
/// assert_eq!(err.path(), "m.layers[1].b");
/// assert_eq!(err.mismatch(), &Mismatch::Length { primal: 1, shadow: 2 });
/// assert_eq!(
///     err.to_string(),
///     "shadow does not match its primal at `m.layers[1].b`: primal has length 1, shadow has length 2",
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShadowError {
    // Boxed so that `Result<_, ShadowError>` stays one pointer wide; it is
    // built only on failure, so success paths still never allocate.
    inner: Box<Inner>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    function: Option<&'static str>,
    argument: Option<&'static str>,
    shadow: Option<&'static str>,
    /// Innermost segment first: segments are pushed while unwinding.
    reversed_path: Vec<PathSegment>,
    /// The tangent of a `Dualv` batch the mismatch is in.
    lane: Option<usize>,
    /// What the shadow holds after a check after the call repaired it.
    repaired: Option<&'static str>,
    mismatch: Mismatch,
}

/// What differs between a primal and its shadow.
///
/// ```
/// use autodiff_safe::{check, Mismatch};
///
/// let err = check(&Some(1.0_f64), &None).unwrap_err();
/// assert_eq!(err.mismatch(), &Mismatch::Variant { primal: "Some", shadow: "None" });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mismatch {
    /// A slice, `Vec`, `Box<[T]>` or `String` of another length.
    Length {
        /// The primal's length.
        primal: usize,
        /// The shadow's length.
        shadow: usize,
    },
    /// An enum of another variant.
    Variant {
        /// The primal's variant.
        primal: &'static str,
        /// The shadow's variant.
        shadow: &'static str,
    },
    /// A multi-dimensional value of another shape.
    Shape {
        /// The primal's shape.
        primal: Vec<usize>,
        /// The shadow's shape.
        shadow: Vec<usize>,
    },
    /// A multi-dimensional value with the same shape but other strides (a
    /// transposed or otherwise re-laid-out shadow).
    Strides {
        /// The primal's strides, in elements.
        primal: Vec<isize>,
        /// The shadow's strides, in elements.
        shadow: Vec<isize>,
    },
    /// A vector-mode (`Dualv`) shadow that is not `width` times the primal's
    /// length.
    BatchLength {
        /// The batch width of the derivative.
        width: usize,
        /// The primal's length.
        primal: usize,
        /// The shadow's length, which must be `width * primal`.
        shadow: usize,
    },
    /// A `Vec` or `String` whose shadow has less capacity than the primal's:
    /// a derivative that writes the primal's spare capacity
    /// (`spare_capacity_mut`, `set_len`) writes the shadow's at the same
    /// offsets.
    Capacity {
        /// The primal's capacity.
        primal: usize,
        /// The shadow's capacity.
        shadow: usize,
    },
    /// After the call, the primal and its shadow own the same allocation:
    /// the function moved an allocation out of memory that has no shadow (a
    /// `Const` argument, a cell, a global) into the argument, and Enzyme
    /// stored it into both. Both would free it.
    SharedAllocation,
    /// After a reverse-mode call, an allocation of the primal is not the one
    /// it held before: the function replaced it, and the reverse pass freed
    /// the new allocation, which the caller's primal or shadow still points
    /// to. Derivatives print it and abort the process.
    ReplacedAllocation,
}

/// One step of a [`ShadowError`]'s path.
///
/// ```
/// use autodiff_safe::{PathSegment, ShadowError};
///
/// let err = ShadowError::length(3, 1).at_index(2).in_field("rows");
/// assert_eq!(err.segments().collect::<Vec<_>>(), [&PathSegment::Field("rows"), &PathSegment::Index(2)]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathSegment {
    /// A named field, `.name`, or a tuple field, `.0`.
    Field(&'static str),
    /// A positional field of a tuple or tuple struct, `.0`.
    TupleField(usize),
    /// An element of a sequence, `[i]`.
    Index(usize),
    /// The payload of an enum variant, `.Some`, `.Poly`.
    Variant(&'static str),
}

impl ShadowError {
    /// A length mismatch at the current position.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// assert_eq!(ShadowError::length(3, 1).to_string(),
    ///     "shadow does not match its primal: primal has length 3, shadow has length 1");
    /// ```
    #[must_use]
    pub fn length(primal: usize, shadow: usize) -> Self {
        Self::new(Mismatch::Length { primal, shadow })
    }

    /// A variant mismatch at the current position.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// assert_eq!(ShadowError::variant("Poly", "Linear").to_string(),
    ///     "shadow does not match its primal: primal is variant `Poly`, shadow is variant `Linear`");
    /// ```
    #[must_use]
    pub fn variant(primal: &'static str, shadow: &'static str) -> Self {
        Self::new(Mismatch::Variant { primal, shadow })
    }

    /// A shape mismatch at the current position.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// assert_eq!(ShadowError::shape(vec![2, 3], vec![3, 2]).to_string(),
    ///     "shadow does not match its primal: primal has shape [2, 3], shadow has shape [3, 2]");
    /// ```
    #[must_use]
    pub fn shape(primal: Vec<usize>, shadow: Vec<usize>) -> Self {
        Self::new(Mismatch::Shape { primal, shadow })
    }

    /// A strides mismatch at the current position.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// assert_eq!(ShadowError::strides(vec![3, 1], vec![1, 2]).to_string(),
    ///     "shadow does not match its primal: primal has strides [3, 1], shadow has strides [1, 2]");
    /// ```
    #[must_use]
    pub fn strides(primal: Vec<isize>, shadow: Vec<isize>) -> Self {
        Self::new(Mismatch::Strides { primal, shadow })
    }

    /// A `Dualv` shadow whose length is not `width` times the primal's.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// assert_eq!(ShadowError::batch_length(2, 3, 5).to_string(),
    ///     "shadow does not match its primal: batch of width 2 needs a shadow of length 6 (2 x 3), shadow has length 5");
    /// ```
    #[must_use]
    pub fn batch_length(width: usize, primal: usize, shadow: usize) -> Self {
        Self::new(Mismatch::BatchLength {
            width,
            primal,
            shadow,
        })
    }

    /// A capacity mismatch at the current position: the shadow of a `Vec` or
    /// `String` the derivative may write has less capacity than the primal.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// assert_eq!(ShadowError::capacity(8, 2).to_string(),
    ///     "shadow does not match its primal: primal has capacity 8, shadow has capacity 2 \
    ///      (a shadow the derivative may write needs at least the primal's capacity; \
    ///      `make_zero` builds one)");
    /// ```
    #[must_use]
    pub fn capacity(primal: usize, shadow: usize) -> Self {
        Self::new(Mismatch::Capacity { primal, shadow })
    }

    /// A primal and shadow that own the same allocation, found after the
    /// call ([`Mismatch::SharedAllocation`]).
    ///
    /// ```
    /// use autodiff_safe::{Mismatch, ShadowError};
    ///
    /// let err = ShadowError::shared_allocation();
    /// assert_eq!(err.mismatch(), &Mismatch::SharedAllocation);
    /// ```
    #[must_use]
    pub fn shared_allocation() -> Self {
        Self::new(Mismatch::SharedAllocation)
    }

    /// An allocation a reverse-mode call replaced
    /// ([`Mismatch::ReplacedAllocation`]).
    ///
    /// ```
    /// use autodiff_safe::{Mismatch, ShadowError};
    ///
    /// let err = ShadowError::replaced_allocation();
    /// assert_eq!(err.mismatch(), &Mismatch::ReplacedAllocation);
    /// ```
    #[must_use]
    pub fn replaced_allocation() -> Self {
        Self::new(Mismatch::ReplacedAllocation)
    }

    /// Records what a check after the call left in the shadow when it
    /// repaired it; the message then says so.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// let err = ShadowError::shared_allocation()
    ///     .for_argument("x")
    ///     .in_derivative("d_f", "bx_0")
    ///     .repaired("zeros of the primal's structure");
    /// assert_eq!(err.repair(), Some("zeros of the primal's structure"));
    /// assert!(err.to_string().ends_with(
    ///     "`bx_0` now holds zeros of the primal's structure; its old allocations are leaked, not freed"
    /// ));
    /// ```
    #[must_use]
    pub fn repaired(mut self, now_holds: &'static str) -> Self {
        self.inner.repaired = Some(now_holds);
        self
    }

    /// What the shadow holds after a check after the call repaired it, when
    /// it did.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// assert_eq!(ShadowError::length(1, 2).repair(), None);
    /// ```
    #[must_use]
    pub fn repair(&self) -> Option<&'static str> {
        self.inner.repaired
    }

    /// Whether the error was found after the call (an allocation shared or
    /// replaced by the function), rather than before anything ran.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// assert!(ShadowError::shared_allocation().is_after_call());
    /// assert!(!ShadowError::capacity(2, 1).is_after_call());
    /// ```
    #[must_use]
    pub fn is_after_call(&self) -> bool {
        matches!(
            self.inner.mismatch,
            Mismatch::SharedAllocation | Mismatch::ReplacedAllocation
        )
    }

    #[cold]
    fn new(mismatch: Mismatch) -> Self {
        Self {
            inner: Box::new(Inner {
                function: None,
                argument: None,
                shadow: None,
                reversed_path: Vec::new(),
                lane: None,
                repaired: None,
                mismatch,
            }),
        }
    }

    /// Prefixes the path with a named field: call it on the way out of the
    /// field's check.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// assert_eq!(ShadowError::length(1, 2).in_field("b").in_field("head").path(), ".head.b");
    /// ```
    #[must_use]
    pub fn in_field(self, name: &'static str) -> Self {
        self.push(PathSegment::Field(name))
    }

    /// Prefixes the path with a positional field (`.0`) of a tuple or tuple
    /// struct.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// assert_eq!(ShadowError::length(1, 2).in_tuple_field(1).path(), ".1");
    /// ```
    #[must_use]
    pub fn in_tuple_field(self, index: usize) -> Self {
        self.push(PathSegment::TupleField(index))
    }

    /// Prefixes the path with a sequence index (`[i]`).
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// assert_eq!(ShadowError::length(1, 2).at_index(4).in_field("rows").path(), ".rows[4]");
    /// ```
    #[must_use]
    pub fn at_index(self, index: usize) -> Self {
        self.push(PathSegment::Index(index))
    }

    /// Prefixes the path with an enum variant's payload (`.Some`).
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// assert_eq!(ShadowError::length(1, 2).in_tuple_field(0).in_variant("Some").path(), ".Some.0");
    /// ```
    #[must_use]
    pub fn in_variant(self, name: &'static str) -> Self {
        self.push(PathSegment::Variant(name))
    }

    fn push(mut self, segment: PathSegment) -> Self {
        self.inner.reversed_path.push(segment);
        self
    }

    /// Names the argument the checked value was passed as; it becomes the
    /// root of the path.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// assert_eq!(ShadowError::length(3, 1).for_argument("x").path(), "x");
    /// ```
    #[must_use]
    pub fn for_argument(mut self, argument: &'static str) -> Self {
        self.inner.argument = Some(argument);
        self
    }

    /// Names the derivative function and its shadow argument, as the checked
    /// derivatives do before returning or panicking.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// let err = ShadowError::length(3, 1).for_argument("x").in_derivative("d_f", "dx_0");
    /// assert_eq!(err.to_string(),
    ///     "d_f: shadow `dx_0` does not match its primal `x` at `x`: primal has length 3, shadow has length 1");
    /// ```
    #[must_use]
    pub fn in_derivative(mut self, function: &'static str, shadow: &'static str) -> Self {
        self.inner.function = Some(function);
        self.inner.shadow = Some(shadow);
        self
    }

    /// Records that the mismatch is in tangent `lane` of a vector-mode
    /// (`Dualv`) shadow, whose tangents lie back to back in one slice; the
    /// path stays the primal's.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// let err = ShadowError::length(2, 1).at_index(1).for_argument("x").in_lane(1);
    /// assert_eq!(err.lane(), Some(1));
    /// assert_eq!(err.to_string(),
    ///     "shadow does not match its primal at `x[1]` in batch lane 1: primal has length 2, shadow has length 1");
    /// ```
    #[must_use]
    pub fn in_lane(mut self, lane: usize) -> Self {
        self.inner.lane = Some(lane);
        self
    }

    /// The `Dualv` batch lane of the mismatch, when it is in one.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// assert_eq!(ShadowError::length(2, 1).lane(), None);
    /// ```
    #[must_use]
    pub fn lane(&self) -> Option<usize> {
        self.inner.lane
    }

    /// What differs.
    ///
    /// ```
    /// use autodiff_safe::{Mismatch, ShadowError};
    ///
    /// assert_eq!(ShadowError::length(3, 1).mismatch(), &Mismatch::Length { primal: 3, shadow: 1 });
    /// ```
    #[must_use]
    pub fn mismatch(&self) -> &Mismatch {
        &self.inner.mismatch
    }

    /// The argument the mismatch was found in, when known.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// assert_eq!(ShadowError::length(3, 1).for_argument("x").argument(), Some("x"));
    /// ```
    #[must_use]
    pub fn argument(&self) -> Option<&'static str> {
        self.inner.argument
    }

    /// The derivative function that refused its shadows, when known.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// let err = ShadowError::length(3, 1).in_derivative("d_f", "dx_0");
    /// assert_eq!(err.function(), Some("d_f"));
    /// ```
    #[must_use]
    pub fn function(&self) -> Option<&'static str> {
        self.inner.function
    }

    /// The refused shadow argument, when known.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// let err = ShadowError::length(3, 1).in_derivative("d_f", "dx_0");
    /// assert_eq!(err.shadow(), Some("dx_0"));
    /// ```
    #[must_use]
    pub fn shadow(&self) -> Option<&'static str> {
        self.inner.shadow
    }

    /// The path's segments from the outermost inwards.
    ///
    /// ```
    /// use autodiff_safe::{PathSegment, ShadowError};
    ///
    /// let err = ShadowError::length(3, 1).in_field("w");
    /// assert_eq!(err.segments().next(), Some(&PathSegment::Field("w")));
    /// ```
    #[must_use]
    pub fn segments(&self) -> impl DoubleEndedIterator<Item = &PathSegment> + ExactSizeIterator {
        self.inner.reversed_path.iter().rev()
    }

    /// The path to the mismatch as a place expression: `m.layers[1].b`, or
    /// `.layers[1].b` when the argument is not known.
    ///
    /// ```
    /// use autodiff_safe::ShadowError;
    ///
    /// let err = ShadowError::length(3, 1).in_field("b").at_index(1).in_field("layers");
    /// assert_eq!(err.path(), ".layers[1].b");
    /// assert_eq!(err.for_argument("m").path(), "m.layers[1].b");
    /// ```
    #[must_use]
    pub fn path(&self) -> String {
        let mut path = String::from(self.inner.argument.unwrap_or(""));
        for segment in self.segments() {
            // Writing into a String cannot fail.
            let _ = write!(path, "{segment}");
        }
        path
    }
}

impl Display for PathSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Field(name) | Self::Variant(name) => write!(f, ".{name}"),
            Self::TupleField(index) => write!(f, ".{index}"),
            Self::Index(index) => write!(f, "[{index}]"),
        }
    }
}

impl Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length { primal, shadow } => {
                write!(f, "primal has length {primal}, shadow has length {shadow}")
            }
            Self::Variant { primal, shadow } => {
                write!(
                    f,
                    "primal is variant `{primal}`, shadow is variant `{shadow}`"
                )
            }
            Self::Shape { primal, shadow } => {
                write!(
                    f,
                    "primal has shape {primal:?}, shadow has shape {shadow:?}"
                )
            }
            Self::Strides { primal, shadow } => {
                write!(
                    f,
                    "primal has strides {primal:?}, shadow has strides {shadow:?}"
                )
            }
            Self::BatchLength {
                width,
                primal,
                shadow,
            } => write!(
                f,
                "batch of width {width} needs a shadow of length {} ({width} x {primal}), shadow has length {shadow}",
                width.saturating_mul(*primal)
            ),
            Self::Capacity { primal, shadow } => write!(
                f,
                "primal has capacity {primal}, shadow has capacity {shadow} (a shadow the \
                 derivative may write needs at least the primal's capacity; `make_zero` builds one)"
            ),
            Self::SharedAllocation => f.write_str(
                "primal and shadow own the same allocation: the function moved it there from \
                 memory that has no shadow (a `Const` argument, a cell or a global), and Enzyme \
                 stored it into both; mark the argument it came from `Dual` or `Duplicated`, or \
                 pass the float storage as a slice (`&mut [f64]`)",
            ),
            Self::ReplacedAllocation => f.write_str(
                "the function replaced an allocation of the primal, and the reverse pass freed \
                 the new one, which the primal or its shadow still points to; take `&T` if the \
                 function only reads the value, or pass the float storage as `&mut [f64]` and \
                 allocate outside the function; neither can be read or dropped, so the process \
                 aborts",
            ),
        }
    }
}

impl Display for ShadowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(function) = self.inner.function {
            write!(f, "{function}: ")?;
        }
        if self.is_after_call() {
            return self.fmt_after_call(f);
        }
        match self.inner.shadow {
            Some(shadow) => write!(f, "shadow `{shadow}` does not match its primal")?,
            None => f.write_str("shadow does not match its primal")?,
        }
        if let (Some(argument), Some(_)) = (self.inner.argument, self.inner.shadow) {
            write!(f, " `{argument}`")?;
        }
        if self.inner.argument.is_some() || !self.inner.reversed_path.is_empty() {
            write!(f, " at `{}`", self.path())?;
        }
        if let Some(lane) = self.inner.lane {
            write!(f, " in batch lane {lane}")?;
        }
        write!(f, ": {}", self.inner.mismatch)
    }
}

impl ShadowError {
    /// "after the call, shadow `bx_0` of `x` at `x.buf`: (what); `bx_0` now
    /// holds (repair)": the after-call errors name the moment, since nothing
    /// was refused before the call.
    fn fmt_after_call(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("after the call, ")?;
        match self.inner.shadow {
            Some(shadow) => write!(f, "shadow `{shadow}`")?,
            None => f.write_str("a shadow")?,
        }
        if let Some(argument) = self.inner.argument {
            write!(f, " of `{argument}`")?;
        }
        if self.inner.argument.is_some() || !self.inner.reversed_path.is_empty() {
            write!(f, " at `{}`", self.path())?;
        }
        if let Some(lane) = self.inner.lane {
            write!(f, " in batch lane {lane}")?;
        }
        write!(f, ": {}", self.inner.mismatch)?;
        if let Some(repair) = self.inner.repaired {
            let shadow = self.inner.shadow.unwrap_or("the shadow");
            write!(
                f,
                "; `{shadow}` now holds {repair}; its old allocations are leaked, not freed"
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ShadowError {}
