use crate::{FloatMut, PathSegment};

/// The safe half of a differentiable type: copying, zeroing and walking its
/// float leaves.
///
/// Derivatives need more than a checked shadow: a zeroed shadow of the
/// right shape ([`make_zero`](Self::make_zero)), zeroing between passes
/// ([`set_zero`](Self::set_zero)), and, for the finite-difference
/// reference backend and gradient checks, copies and
/// walks over the float leaves. None of that can cause undefined behaviour:
/// a derivative checks every shadow with
/// [`ShadowCheck`](crate::ShadowCheck) before it reads or writes through it,
/// so a wrong `FloatTree` impl gives wrong numbers (a shadow that fails its
/// check, a gradient in the wrong leaf), never UB. That is why this trait is
/// safe to implement, and [`ShadowCheck`](crate::ShadowCheck) holds only the
/// check.
///
/// `#[derive(ShadowCheck)]` implements both traits. Next to a hand-written
/// `unsafe impl ShadowCheck`, `#[derive(FloatTree)]` implements this one
/// alone.
///
/// ```
/// use autodiff_safe::{FloatTree, ShadowCheck};
///
/// #[derive(ShadowCheck)]
/// struct Layer {
///     w: Vec<f64>,
///     b: f32,
/// }
///
/// let layer = Layer { w: vec![1.0, 2.0], b: 0.5 };
/// let zero = layer.make_zero();
/// assert_eq!((zero.w, zero.b), (vec![0.0, 0.0], 0.0));
/// assert_eq!(layer.leaf_count(), 3);
/// ```
///
/// # The walk
///
/// Everything is built on one required walk, [`zip_floats`](Self::zip_floats):
/// it visits the float leaves of `R` values read-only and of `W` values
/// mutably, together, in traversal order, and hands over whole slices of
/// leaves ([`Lanes`]) where the storage is contiguous: a `Vec<f64>` is one
/// visitor call with the whole slice, whatever its length. Zeroing, the
/// per-leaf walks and the reference backend's perturbations are all
/// `zip_floats` with some `R` and `W`.
///
/// Traversal order is declaration order for fields, index order for
/// sequences, and the order each impl documents for ndarray and nalgebra; it
/// is the same order in which [`ShadowCheck`](crate::ShadowCheck) compares,
/// so leaf `i` of a primal corresponds to leaf `i` of a checked shadow.
///
/// # Implementation
///
/// Derive it. By hand, a type implements [`copy_boxed`](Self::copy_boxed),
/// [`copy_from`](Self::copy_from) and [`zip_floats`](Self::zip_floats) by
/// forwarding to its fields, and should implement
/// [`leaf_path`](Self::leaf_path) too, whose default knows no path:
///
/// ```
/// use autodiff_safe::{FloatTree, Lanes, PathSegment};
///
/// /// Two named weights.
/// struct Pair {
///     a: Vec<f64>,
///     b: Vec<f64>,
/// }
///
/// impl FloatTree for Pair {
///     fn copy_boxed(&self) -> Box<Self> {
///         Box::new(Pair { a: self.a.clone(), b: self.b.clone() })
///     }
///     fn copy_from(&mut self, source: &Self) {
///         self.a.copy_from(&source.a);
///         self.b.copy_from(&source.b);
///     }
///     fn zip_floats<const R: usize, const W: usize>(
///         read: [&Self; R],
///         mut write: [&mut Self; W],
///         visitor: &mut dyn FnMut(Lanes<'_, R, W>),
///     ) {
///         // Project every value onto the field, walk the fields in order.
///         Vec::zip_floats(read.map(|v| &v.a), write.each_mut().map(|v| &mut v.a), visitor);
///         Vec::zip_floats(read.map(|v| &v.b), write.each_mut().map(|v| &mut v.b), visitor);
///     }
///     fn leaf_path(&self, leaf: usize, path: &mut Vec<PathSegment>) -> bool {
///         let (field, name, leaf) = match leaf.checked_sub(self.a.len()) {
///             None => (&self.a, "a", leaf),
///             Some(rest) => (&self.b, "b", rest),
///         };
///         path.push(PathSegment::Field(name));
///         field.leaf_path(leaf, path) || { path.pop(); false }
///     }
/// }
///
/// let pair = Pair { a: vec![1.0, 2.0], b: vec![3.0] };
/// let mut calls = 0;
/// Pair::zip_floats([&pair], [], &mut |_| calls += 1);
/// assert_eq!(calls, 2); // one slice per `Vec<f64>`
/// assert_eq!(pair.make_zero().b, [0.0]);
/// let mut path = Vec::new();
/// assert!(pair.leaf_path(2, &mut path));
/// assert_eq!(path, [PathSegment::Field("b"), PathSegment::Index(0)]);
/// ```
///
/// The split has a cost: a type with only `unsafe impl ShadowCheck` can be
/// checked, but it cannot be a field of a derived type, nor use
/// [`make_zero`](Self::make_zero) or the reference backend, until it also
/// implements `FloatTree`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `autodiff_safe::FloatTree`, so it cannot be copied, zeroed or walked",
    label = "`make_zero`, `set_zero`, derived types and the reference backend need `FloatTree`",
    note = "`#[derive(autodiff_safe::ShadowCheck)]` implements both `ShadowCheck` and `FloatTree`",
    note = "next to a hand-written `unsafe impl ShadowCheck`, add `#[derive(autodiff_safe::FloatTree)]` (or implement it by hand: it is a safe trait)"
)]
pub trait FloatTree {
    /// A deep copy: floats and non-float data alike. Boxed so that unsized
    /// types (`[T]`, `str`) have one too.
    ///
    /// ```
    /// use autodiff_safe::FloatTree;
    ///
    /// let x: &[f64] = &[1.0, 2.0];
    /// let copy: Box<[f64]> = x.copy_boxed();
    /// assert_eq!(&*copy, x);
    /// ```
    #[must_use]
    fn copy_boxed(&self) -> Box<Self>;

    /// Makes `self` equal to `source`, values and structure, like
    /// [`Clone::clone_from`], reusing `self`'s storage where the structure
    /// already matches: a `Vec` of another length is resized, an `Option`,
    /// `Result` or enum of another variant is replaced by a copy.
    ///
    /// An unsized `[T]` (or `str`) cannot be resized: when the lengths differ
    /// only the common prefix is copied (for `str`, up to the last character
    /// boundary of both). A `Box<[T]>` or `Box<str>` is rebuilt instead.
    ///
    /// ```
    /// use autodiff_safe::FloatTree;
    ///
    /// let mut x = (vec![0.0_f64], 7_u32, Some(1.5_f32));
    /// x.copy_from(&(vec![1.0, 2.0], 3, None));
    /// assert_eq!(x, (vec![1.0, 2.0], 3, None));
    ///
    /// let mut prefix = [0.0_f64; 2];
    /// prefix[..].copy_from(&[5.0, 6.0, 7.0][..]);
    /// assert_eq!(prefix, [5.0, 6.0]);
    /// ```
    fn copy_from(&mut self, source: &Self);

    /// The walk: visits the float leaves of the `R` values in `read` and the
    /// `W` values in `write` together, in traversal order, calling `visitor`
    /// with [`Lanes`]: `R` read-only and `W` mutable slices of equal length,
    /// one leaf of each value per position. Contiguous storage comes as one
    /// call: a `Vec<f64>` is a single call with the whole slice.
    ///
    /// The values should have one structure (check it first with
    /// [`ShadowCheck`](crate::ShadowCheck)). Where they differ, they are
    /// walked only where they agree: enum variants that differ are skipped,
    /// sequences are walked over their common length. It never panics. The
    /// visitor is never called with empty slices, nor at all when
    /// `R + W == 0`.
    ///
    /// ```
    /// use autodiff_safe::{FloatTree, Lanes};
    ///
    /// // y += 2 x, one slice at a time.
    /// let x = vec![1.0_f64, 2.0, 3.0];
    /// let mut y = vec![10.0_f64; 3];
    /// let mut calls = 0;
    /// Vec::zip_floats([&x], [&mut y], &mut |lanes| {
    ///     calls += 1;
    ///     if let Lanes::F64 { read: [x], write: [y] } = lanes {
    ///         for (y, x) in y.iter_mut().zip(x) {
    ///             *y += 2.0 * x;
    ///         }
    ///     }
    /// });
    /// assert_eq!(y, [12.0, 14.0, 16.0]);
    /// assert_eq!(calls, 1);
    /// ```
    fn zip_floats<const R: usize, const W: usize>(
        read: [&Self; R],
        write: [&mut Self; W],
        visitor: &mut dyn FnMut(Lanes<'_, R, W>),
    );

    /// A new value of the same structure with every float `0.0`: the zero
    /// shadow of `self`, which always passes its check against `self`.
    ///
    /// Non-float data (integers, `bool`, `char`, strings) is copied. The
    /// default copies, then zeroes; the derive and the std impls build the
    /// zero directly.
    ///
    /// ```
    /// use autodiff_safe::FloatTree;
    ///
    /// assert_eq!(vec![1.5_f64, -2.0].make_zero(), vec![0.0, 0.0]);
    /// assert_eq!((2.0_f32, 7_u8).make_zero(), (0.0, 7));
    /// ```
    #[must_use]
    fn make_zero(&self) -> Self
    where
        Self: Sized,
    {
        let mut zero = *self.copy_boxed();
        zero.set_zero();
        zero
    }

    /// [`make_zero`](Self::make_zero) behind a `Box`, for unsized types such
    /// as `[f64]` and `str`.
    ///
    /// ```
    /// use autodiff_safe::FloatTree;
    ///
    /// let x: &[f64] = &[1.0, 2.0, 3.0];
    /// assert_eq!(&*x.make_zero_boxed(), &[0.0, 0.0, 0.0]);
    /// ```
    #[must_use]
    fn make_zero_boxed(&self) -> Box<Self> {
        let mut zero = self.copy_boxed();
        zero.set_zero();
        zero
    }

    /// Sets every float to `0.0` in place, without reallocating.
    ///
    /// Reverse-mode derivatives *add* into their input shadows; reset a shadow
    /// with this between passes.
    ///
    /// ```
    /// use autodiff_safe::FloatTree;
    ///
    /// let mut grad = vec![0.25_f64, 4.0];
    /// grad.set_zero();
    /// assert_eq!(grad, [0.0, 0.0]);
    /// ```
    fn set_zero(&mut self) {
        Self::zip_floats([], [self], &mut |lanes| match lanes {
            Lanes::F32 {
                write: [leaves], ..
            } => leaves.fill(0.0),
            Lanes::F64 {
                write: [leaves], ..
            } => leaves.fill(0.0),
        });
    }

    /// Calls `visitor` with every float leaf, widened to `f64`, in traversal
    /// order.
    ///
    /// ```
    /// use autodiff_safe::FloatTree;
    ///
    /// let mut seen = Vec::new();
    /// (1.0_f32, vec![2.0_f64, 3.0]).visit_floats(&mut |x| seen.push(x));
    /// assert_eq!(seen, [1.0, 2.0, 3.0]);
    /// ```
    fn visit_floats(&self, visitor: &mut dyn FnMut(f64)) {
        Self::zip_floats([self], [], &mut |lanes| match lanes {
            Lanes::F32 { read: [leaves], .. } => {
                for &leaf in leaves {
                    visitor(f64::from(leaf));
                }
            }
            Lanes::F64 { read: [leaves], .. } => {
                for &leaf in leaves {
                    visitor(leaf);
                }
            }
        });
    }

    /// Calls `visitor` with a mutable handle to every float leaf, in the same
    /// order as [`visit_floats`](Self::visit_floats).
    ///
    /// ```
    /// use autodiff_safe::FloatTree;
    ///
    /// let mut x = [1.0_f64, 2.0];
    /// x.visit_floats_mut(&mut |mut leaf| {
    ///     let v = leaf.get();
    ///     leaf.set(2.0 * v);
    /// });
    /// assert_eq!(x, [2.0, 4.0]);
    /// ```
    fn visit_floats_mut(&mut self, visitor: &mut dyn FnMut(FloatMut<'_>)) {
        Self::zip_floats([], [self], &mut |lanes| match lanes {
            Lanes::F32 {
                write: [leaves], ..
            } => {
                for leaf in leaves {
                    visitor(FloatMut::F32(leaf));
                }
            }
            Lanes::F64 {
                write: [leaves], ..
            } => {
                for leaf in leaves {
                    visitor(FloatMut::F64(leaf));
                }
            }
        });
    }

    /// The number of float leaves. A `Vec<f64>`'s is its length, found
    /// without visiting its elements.
    ///
    /// ```
    /// use autodiff_safe::FloatTree;
    ///
    /// assert_eq!((1.0_f64, vec![2.0_f32; 4], 7_usize).leaf_count(), 5);
    /// ```
    #[must_use]
    fn leaf_count(&self) -> usize {
        let mut count = 0;
        Self::zip_floats([self], [], &mut |lanes| count += lanes.len());
        count
    }

    /// The path to float leaf number `leaf` (in traversal order), pushed onto
    /// `path` outermost segment first, as in a [`ShadowError`](crate::ShadowError)'s
    /// path. Returns `false`, leaving `path` as it was, when `leaf` is out of
    /// range or the type knows no path: the default returns `false`; the
    /// derive and every impl in this crate implement it. Gradient checks use
    /// it to name the leaf they disagree on (`m.layers[1].b[3]`).
    ///
    /// ```
    /// use autodiff_safe::{FloatTree, PathSegment};
    ///
    /// let x = (1.0_f64, vec![vec![2.0_f64], vec![3.0, 4.0]]);
    /// let mut path = Vec::new();
    /// assert!(x.leaf_path(3, &mut path));
    /// assert_eq!(path, [PathSegment::TupleField(1), PathSegment::Index(1), PathSegment::Index(1)]);
    /// let text: String = path.iter().map(ToString::to_string).collect();
    /// assert_eq!(text, ".1[1][1]");
    /// assert!(!x.leaf_path(4, &mut Vec::new()));
    /// ```
    fn leaf_path(&self, leaf: usize, path: &mut Vec<PathSegment>) -> bool {
        let _ = (leaf, path);
        false
    }

    /// [`copy_from`](Self::copy_from) for the content of a `Box<Self>`,
    /// which `Box<T>` calls: the default copies in place; `[T]` and `str`
    /// rebuild the box when the lengths differ, since a box, unlike its
    /// content, can be replaced. Override it only for unsized types.
    ///
    /// ```
    /// use autodiff_safe::FloatTree;
    ///
    /// let mut boxed: Box<[f64]> = Box::new([0.0]);
    /// <[f64]>::copy_into_box(&mut boxed, &[1.0, 2.0]);
    /// assert_eq!(&*boxed, [1.0, 2.0]);
    /// ```
    #[doc(hidden)]
    fn copy_into_box(target: &mut Box<Self>, source: &Self) {
        (**target).copy_from(source);
    }

    /// The walk over slices of `Self`, which `[T]`, `Vec<T>`, `[T; N]`,
    /// `Box<[T]>` and the array types of ndarray and nalgebra call. Override
    /// it only for scalars: the default walks element by element over the
    /// slices' common length; `f32` and `f64` hand the whole slice to the
    /// visitor in one call, and the non-float scalars skip it.
    ///
    /// ```
    /// use autodiff_safe::{FloatTree, Lanes};
    ///
    /// let mut calls = 0;
    /// f64::zip_slices([&[1.0, 2.0, 3.0][..]], [], &mut |lanes: Lanes<'_, 1, 0>| {
    ///     calls += 1;
    ///     assert_eq!(lanes.len(), 3);
    /// });
    /// assert_eq!(calls, 1);
    /// ```
    fn zip_slices<const R: usize, const W: usize>(
        read: [&[Self]; R],
        mut write: [&mut [Self]; W],
        visitor: &mut dyn FnMut(Lanes<'_, R, W>),
    ) where
        Self: Sized,
    {
        for index in 0..common_length(&read, &write) {
            Self::zip_floats(
                read.map(|slice| &slice[index]),
                write.each_mut().map(|slice| &mut slice[index]),
                visitor,
            );
        }
    }
}

/// The shortest length among `read` and `write`; 0 when both are empty.
pub(crate) fn common_length<T, const R: usize, const W: usize>(
    read: &[&[T]; R],
    write: &[&mut [T]; W],
) -> usize {
    read.iter()
        .map(|slice| slice.len())
        .chain(write.iter().map(|slice| slice.len()))
        .min()
        .unwrap_or(0)
}

/// One step of a [`FloatTree::zip_floats`] walk: `R` read-only and `W`
/// mutable slices of float leaves, all of one precision and one length, the
/// `i`-th element of each belonging to the same leaf position of its value.
///
/// ```
/// use autodiff_safe::{FloatTree, Lanes};
///
/// let (a, b) = ((1.0_f32, 2.0_f64), (3.0_f32, 4.0_f64));
/// let mut sum = (0.0_f32, 0.0_f64);
/// <(f32, f64)>::zip_floats([&a, &b], [&mut sum], &mut |lanes| match lanes {
///     Lanes::F32 { read: [a, b], write: [sum] } => sum[0] = a[0] + b[0],
///     Lanes::F64 { read: [a, b], write: [sum] } => sum[0] = a[0] + b[0],
/// });
/// assert_eq!(sum, (4.0, 6.0));
/// ```
#[derive(Debug)]
pub enum Lanes<'a, const R: usize, const W: usize> {
    /// Leaves of `f32` storage.
    F32 {
        /// The read-only values' leaves.
        read: [&'a [f32]; R],
        /// The mutable values' leaves.
        write: [&'a mut [f32]; W],
    },
    /// Leaves of `f64` storage.
    F64 {
        /// The read-only values' leaves.
        read: [&'a [f64]; R],
        /// The mutable values' leaves.
        write: [&'a mut [f64]; W],
    },
}

impl<const R: usize, const W: usize> Lanes<'_, R, W> {
    /// How many leaf positions these lanes cover (the slices' length; 0 when
    /// `R + W == 0`).
    ///
    /// ```
    /// use autodiff_safe::Lanes;
    ///
    /// let x = [1.0_f64, 2.0];
    /// let lanes: Lanes<'_, 1, 0> = Lanes::F64 { read: [&x[..]], write: [] };
    /// assert_eq!(lanes.len(), 2);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::F32 { read, write } => common_length(read, write),
            Self::F64 { read, write } => common_length(read, write),
        }
    }

    /// Whether these lanes cover no leaf. Walks never hand out empty lanes.
    ///
    /// ```
    /// use autodiff_safe::Lanes;
    ///
    /// let lanes: Lanes<'_, 0, 0> = Lanes::F32 { read: [], write: [] };
    /// assert!(lanes.is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The machine epsilon of the leaves' precision.
    ///
    /// ```
    /// use autodiff_safe::Lanes;
    ///
    /// let x = [1.0_f32];
    /// let lanes: Lanes<'_, 1, 0> = Lanes::F32 { read: [&x[..]], write: [] };
    /// assert_eq!(lanes.epsilon(), f64::from(f32::EPSILON));
    /// ```
    #[must_use]
    pub fn epsilon(&self) -> f64 {
        match self {
            Self::F32 { .. } => f64::from(f32::EPSILON),
            Self::F64 { .. } => f64::EPSILON,
        }
    }

    /// Calls `f` once per leaf position, with the read-only leaves widened to
    /// `f64` and a [`FloatMut`] handle to each mutable leaf: the
    /// precision-independent, element-by-element way to write a visitor.
    ///
    /// ```
    /// use autodiff_safe::FloatTree;
    ///
    /// // z = x * y, for leaves of either precision.
    /// let (x, y) = ((2.0_f32, vec![1.0_f64, 2.0]), (3.0_f32, vec![4.0_f64, 5.0]));
    /// let mut z = (0.0_f32, vec![0.0_f64; 2]);
    /// <(f32, Vec<f64>)>::zip_floats([&x, &y], [&mut z], &mut |lanes| {
    ///     lanes.for_each(|[x, y], [mut z]| z.set(x * y));
    /// });
    /// assert_eq!(z, (6.0, vec![4.0, 10.0]));
    /// ```
    pub fn for_each(self, mut f: impl FnMut([f64; R], [FloatMut<'_>; W])) {
        let len = self.len();
        match self {
            Self::F32 { read, mut write } => {
                for index in 0..len {
                    f(
                        read.map(|leaves| f64::from(leaves[index])),
                        write
                            .each_mut()
                            .map(|leaves| FloatMut::F32(&mut leaves[index])),
                    );
                }
            }
            Self::F64 { read, mut write } => {
                for index in 0..len {
                    f(
                        read.map(|leaves| leaves[index]),
                        write
                            .each_mut()
                            .map(|leaves| FloatMut::F64(&mut leaves[index])),
                    );
                }
            }
        }
    }
}
