//! Support for the property tests in `tests/`: a family of nested primal
//! types, an oracle for their structural equality written without
//! [`ShadowCheck`], a walk over their floats and allocations written without
//! [`ShadowCheck`], and structural mutations that turn a good shadow into a
//! bad one.
//!
//! The family: `Vec<f64>`, `Vec<Vec<f64>>`, `Option<Vec<f64>>`, `Box<[f32]>`,
//! `[f64; 4]`, the derived enum [`Shape`], the derived tuple struct [`Pair`],
//! the recursive derived [`Node`] and the derived [`Model`] that nests all of
//! them.
//!
//! ```
//! use autodiff_safe::{make_zero, Mismatch};
//! use autodiff_safe_proptests::{first_mismatch, Node};
//!
//! let tree = Node { value: vec![1.0], children: vec![Node::leaf(vec![2.0, 3.0])], next: None };
//! let mut shadow = make_zero(&tree);
//! shadow.children[0].value.pop();
//! let found = first_mismatch(&tree, &shadow).unwrap();
//! assert_eq!(found.path, ".children[0].value");
//! assert_eq!(found.mismatch, Mismatch::Length { primal: 2, shadow: 1 });
//! ```

#![warn(missing_docs)]

use autodiff_safe::{Mismatch, PathSegment, ShadowCheck};

// ------------------------------------------------------------------ types

/// A derived enum with a unit, a tuple and a struct variant.
#[derive(ShadowCheck, Debug, Clone, PartialEq)]
pub enum Shape {
    /// No payload.
    Empty,
    /// Two sequences of different float types.
    Pair(Vec<f64>, Vec<f32>),
    /// Named sequences, one of them nested.
    Poly {
        /// Coefficients.
        coeffs: Vec<f64>,
        /// Rows of a ragged matrix.
        rows: Vec<Vec<f64>>,
    },
}

/// A derived tuple struct.
#[derive(ShadowCheck, Debug, Clone, PartialEq)]
pub struct Pair(pub Vec<f64>, pub Option<Vec<f64>>);

/// A recursive derived tree.
#[derive(ShadowCheck, Debug, Clone, PartialEq)]
pub struct Node {
    /// This node's floats.
    pub value: Vec<f64>,
    /// Sub-trees.
    pub children: Vec<Node>,
    /// A linked successor.
    pub next: Option<Box<Node>>,
}

impl Node {
    /// A node without children or successor.
    #[must_use]
    pub fn leaf(value: Vec<f64>) -> Self {
        Self {
            value,
            children: Vec::new(),
            next: None,
        }
    }
}

/// A derived struct nesting every type of the family.
#[derive(ShadowCheck, Debug, Clone, PartialEq)]
pub struct Model {
    /// A flat sequence.
    pub weights: Vec<f64>,
    /// A ragged matrix.
    pub rows: Vec<Vec<f64>>,
    /// An optional sequence.
    pub bias: Option<Vec<f64>>,
    /// A boxed `f32` slice.
    pub half: Box<[f32]>,
    /// A fixed-size array, whose check cannot fail.
    pub fixed: [f64; 4],
    /// A fixed-size array of sequences, whose elements are checked.
    pub lanes: [Vec<f64>; 2],
    /// An enum.
    pub head: Shape,
    /// A sequence of enums.
    pub heads: Vec<Shape>,
    /// A tuple struct.
    pub pair: Pair,
    /// A float scalar.
    pub scale: f64,
    /// A non-float scalar, copied by `make_zero`.
    pub steps: usize,
    /// A recursive tree.
    pub tree: Node,
}

// -------------------------------------------------------------------- rng

/// `SplitMix64`: the source of the random content a mutation inserts.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform index in `0..n`; `n` must not be zero.
    pub fn below(&mut self, n: usize) -> usize {
        // `n` is tiny in this crate; the modulo bias is irrelevant.
        usize::try_from(self.next_u64() % n as u64).unwrap_or(0)
    }

    /// A fair coin.
    pub fn coin(&mut self) -> bool {
        self.next_u64() & 1 == 1
    }

    /// A float in `[-4, 4)`.
    pub fn float(&mut self) -> f64 {
        #[allow(clippy::cast_precision_loss, reason = "53 random bits convert exactly")]
        let unit = (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64;
        8.0 * unit - 4.0
    }
}

// ----------------------------------------------------------------- oracle

/// The first structural difference between a primal and a shadow, as the
/// oracle sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The path as a place expression without a root: `.tree.children[0]`.
    pub path: String,
    /// The same path as segments, outermost first.
    pub segments: Vec<PathSegment>,
    /// What differs there.
    pub mismatch: Mismatch,
}

/// Where the oracle is in its walk: the path text and its segments.
#[derive(Debug, Default)]
pub struct Place {
    text: String,
    segments: Vec<PathSegment>,
}

impl Place {
    fn within<R>(
        &mut self,
        segment: PathSegment,
        text: &str,
        inside: impl FnOnce(&mut Self) -> R,
    ) -> R {
        let mark = self.text.len();
        self.text.push_str(text);
        self.segments.push(segment);
        let result = inside(self);
        self.text.truncate(mark);
        self.segments.pop();
        result
    }

    /// Runs `inside` one named field deeper.
    pub fn field<R>(&mut self, name: &'static str, inside: impl FnOnce(&mut Self) -> R) -> R {
        self.within(PathSegment::Field(name), &format!(".{name}"), inside)
    }

    /// Runs `inside` one positional field deeper.
    pub fn tuple_field<R>(&mut self, index: usize, inside: impl FnOnce(&mut Self) -> R) -> R {
        self.within(PathSegment::TupleField(index), &format!(".{index}"), inside)
    }

    /// Runs `inside` one element deeper.
    pub fn index<R>(&mut self, index: usize, inside: impl FnOnce(&mut Self) -> R) -> R {
        self.within(PathSegment::Index(index), &format!("[{index}]"), inside)
    }

    /// Runs `inside` in a variant's payload.
    pub fn variant<R>(&mut self, name: &'static str, inside: impl FnOnce(&mut Self) -> R) -> R {
        self.within(PathSegment::Variant(name), &format!(".{name}"), inside)
    }

    /// A mismatch at the current place.
    #[must_use]
    pub fn found(&self, mismatch: Mismatch) -> Found {
        Found {
            path: self.text.clone(),
            segments: self.segments.clone(),
            mismatch,
        }
    }
}

/// Structural equality, written independently of `ShadowCheck`: lengths
/// before elements, elements in index order, fields in declaration order,
/// variants before payloads.
pub trait Oracle {
    /// The first difference between `self` and `shadow`, if any.
    fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found>;
}

/// The first structural difference between `primal` and `shadow`.
pub fn first_mismatch<T: Oracle + ?Sized>(primal: &T, shadow: &T) -> Option<Found> {
    primal.first_mismatch_at(shadow, &mut Place::default())
}

macro_rules! no_structure {
    ($($ty:ty),*) => {$(
        impl Oracle for $ty {
            fn first_mismatch_at(&self, _shadow: &Self, _place: &mut Place) -> Option<Found> {
                None
            }
        }
    )*};
}

no_structure!(f64, f32, usize);

impl<T: Oracle> Oracle for [T] {
    fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found> {
        if self.len() != shadow.len() {
            return Some(place.found(Mismatch::Length {
                primal: self.len(),
                shadow: shadow.len(),
            }));
        }
        (0..self.len())
            .find_map(|i| place.index(i, |place| self[i].first_mismatch_at(&shadow[i], place)))
    }
}

impl<T: Oracle, const N: usize> Oracle for [T; N] {
    fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found> {
        (0..N).find_map(|i| place.index(i, |place| self[i].first_mismatch_at(&shadow[i], place)))
    }
}

impl<T: Oracle> Oracle for Vec<T> {
    fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found> {
        self.as_slice().first_mismatch_at(shadow.as_slice(), place)
    }
}

impl<T: Oracle + ?Sized> Oracle for Box<T> {
    fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found> {
        (**self).first_mismatch_at(shadow, place)
    }
}

impl<T: Oracle> Oracle for Option<T> {
    fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found> {
        match (self, shadow) {
            (Some(primal), Some(shadow)) => place.variant("Some", |place| {
                place.tuple_field(0, |place| primal.first_mismatch_at(shadow, place))
            }),
            (None, None) => None,
            (Some(_), None) => Some(place.found(Mismatch::Variant {
                primal: "Some",
                shadow: "None",
            })),
            (None, Some(_)) => Some(place.found(Mismatch::Variant {
                primal: "None",
                shadow: "Some",
            })),
        }
    }
}

impl Shape {
    /// The variant's name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Empty => "Empty",
            Self::Pair(..) => "Pair",
            Self::Poly { .. } => "Poly",
        }
    }
}

impl Oracle for Shape {
    fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found> {
        match (self, shadow) {
            (Self::Empty, Self::Empty) => None,
            (Self::Pair(a, b), Self::Pair(sa, sb)) => place.variant("Pair", |place| {
                place
                    .tuple_field(0, |place| a.first_mismatch_at(sa, place))
                    .or_else(|| place.tuple_field(1, |place| b.first_mismatch_at(sb, place)))
            }),
            (
                Self::Poly { coeffs, rows },
                Self::Poly {
                    coeffs: shadow_coeffs,
                    rows: shadow_rows,
                },
            ) => place.variant("Poly", |place| {
                place
                    .field("coeffs", |place| {
                        coeffs.first_mismatch_at(shadow_coeffs, place)
                    })
                    .or_else(|| {
                        place.field("rows", |place| rows.first_mismatch_at(shadow_rows, place))
                    })
            }),
            (primal, shadow) => Some(place.found(Mismatch::Variant {
                primal: primal.name(),
                shadow: shadow.name(),
            })),
        }
    }
}

impl Oracle for Pair {
    fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found> {
        place
            .tuple_field(0, |place| self.0.first_mismatch_at(&shadow.0, place))
            .or_else(|| place.tuple_field(1, |place| self.1.first_mismatch_at(&shadow.1, place)))
    }
}

/// Implements [`Oracle`], [`Walk`] and [`Mutate`] for a struct with named
/// fields, visiting the fields in the order listed (declaration order).
macro_rules! named_struct {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl Oracle for $ty {
            fn first_mismatch_at(&self, shadow: &Self, place: &mut Place) -> Option<Found> {
                None
                $(.or_else(|| place.field(stringify!($field), |place| {
                    self.$field.first_mismatch_at(&shadow.$field, place)
                })))*
            }
        }

        impl Walk for $ty {
            fn walk(&self, out: &mut Vec<Item>) {
                $(self.$field.walk(out);)*
            }
        }

        impl Mutate for $ty {
            fn sites(&self) -> usize {
                0 $(+ self.$field.sites())*
            }
            fn mutate(&mut self, site: usize, rng: &mut Rng) {
                mutate_among(&mut [$(&mut self.$field as &mut dyn Mutate),*], site, rng);
            }
            fn scramble(&mut self, rng: &mut Rng) {
                $(self.$field.scramble(rng);)*
            }
        }
    };
}

named_struct!(Node {
    value,
    children,
    next
});
named_struct!(Model {
    weights,
    rows,
    bias,
    half,
    fixed,
    lanes,
    head,
    heads,
    pair,
    scale,
    steps,
    tree,
});

// ------------------------------------------------------------------- walk

/// One observation of a value's walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// A sequence's length.
    Len(usize),
    /// An enum's variant, by index.
    Tag(u8),
    /// An `f64` leaf's bits.
    F64(u64),
    /// An `f32` leaf's bits.
    F32(u32),
    /// A non-float scalar.
    Int(usize),
    /// A heap allocation: its address and capacity in elements.
    Alloc {
        /// The buffer's address.
        addr: usize,
        /// The buffer's capacity.
        capacity: usize,
    },
}

/// A walk over everything observable about a value, written independently
/// of `ShadowCheck`.
pub trait Walk {
    /// Appends this value's items, in traversal order.
    fn walk(&self, out: &mut Vec<Item>);
}

/// Every item of `value`: two values with equal snapshots have the same
/// structure, the same float bits and the same allocations.
pub fn snapshot<T: Walk + ?Sized>(value: &T) -> Vec<Item> {
    let mut out = Vec::new();
    value.walk(&mut out);
    out
}

/// The float leaves of `value`, widened to `f64`.
pub fn float_leaves<T: Walk + ?Sized>(value: &T) -> Vec<f64> {
    snapshot(value)
        .into_iter()
        .filter_map(|item| match item {
            Item::F64(bits) => Some(f64::from_bits(bits)),
            Item::F32(bits) => Some(f64::from(f32::from_bits(bits))),
            _ => None,
        })
        .collect()
}

/// The `(address, capacity)` of every heap buffer of `value`.
pub fn allocations<T: Walk + ?Sized>(value: &T) -> Vec<(usize, usize)> {
    snapshot(value)
        .into_iter()
        .filter_map(|item| match item {
            Item::Alloc { addr, capacity } => Some((addr, capacity)),
            _ => None,
        })
        .collect()
}

impl Walk for f64 {
    fn walk(&self, out: &mut Vec<Item>) {
        out.push(Item::F64(self.to_bits()));
    }
}

impl Walk for f32 {
    fn walk(&self, out: &mut Vec<Item>) {
        out.push(Item::F32(self.to_bits()));
    }
}

impl Walk for usize {
    fn walk(&self, out: &mut Vec<Item>) {
        out.push(Item::Int(*self));
    }
}

impl<T: Walk> Walk for [T] {
    fn walk(&self, out: &mut Vec<Item>) {
        out.push(Item::Len(self.len()));
        for element in self {
            element.walk(out);
        }
    }
}

impl<T: Walk, const N: usize> Walk for [T; N] {
    fn walk(&self, out: &mut Vec<Item>) {
        for element in self {
            element.walk(out);
        }
    }
}

impl<T: Walk> Walk for Vec<T> {
    fn walk(&self, out: &mut Vec<Item>) {
        out.push(Item::Alloc {
            addr: self.as_ptr().addr(),
            capacity: self.capacity(),
        });
        self.as_slice().walk(out);
    }
}

impl<T: Walk> Walk for Box<[T]> {
    fn walk(&self, out: &mut Vec<Item>) {
        out.push(Item::Alloc {
            addr: self.as_ptr().addr(),
            capacity: self.len(),
        });
        (**self).walk(out);
    }
}

impl Walk for Box<Node> {
    fn walk(&self, out: &mut Vec<Item>) {
        out.push(Item::Alloc {
            addr: std::ptr::from_ref::<Node>(self).addr(),
            capacity: 1,
        });
        (**self).walk(out);
    }
}

impl<T: Walk> Walk for Option<T> {
    fn walk(&self, out: &mut Vec<Item>) {
        match self {
            None => out.push(Item::Tag(0)),
            Some(value) => {
                out.push(Item::Tag(1));
                value.walk(out);
            }
        }
    }
}

impl Walk for Shape {
    fn walk(&self, out: &mut Vec<Item>) {
        match self {
            Self::Empty => out.push(Item::Tag(0)),
            Self::Pair(a, b) => {
                out.push(Item::Tag(1));
                a.walk(out);
                b.walk(out);
            }
            Self::Poly { coeffs, rows } => {
                out.push(Item::Tag(2));
                coeffs.walk(out);
                rows.walk(out);
            }
        }
    }
}

impl Walk for Pair {
    fn walk(&self, out: &mut Vec<Item>) {
        self.0.walk(out);
        self.1.walk(out);
    }
}

// --------------------------------------------------------------- mutation

/// A fresh random value, for the content a mutation inserts.
pub trait Random {
    /// A small random value.
    fn random(rng: &mut Rng) -> Self;
}

impl Random for f64 {
    fn random(rng: &mut Rng) -> Self {
        rng.float()
    }
}

impl Random for f32 {
    fn random(rng: &mut Rng) -> Self {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "rounding to f32 is the intent"
        )]
        let value = rng.float() as f32;
        value
    }
}

impl<T: Random> Random for Vec<T> {
    fn random(rng: &mut Rng) -> Self {
        (0..rng.below(4)).map(|_| T::random(rng)).collect()
    }
}

impl Random for Shape {
    fn random(rng: &mut Rng) -> Self {
        Self::random_variant(rng.below(3), rng)
    }
}

impl Shape {
    fn random_variant(variant: usize, rng: &mut Rng) -> Self {
        match variant {
            0 => Self::Empty,
            1 => Self::Pair(Vec::random(rng), Vec::random(rng)),
            _ => Self::Poly {
                coeffs: Vec::random(rng),
                rows: Vec::random(rng),
            },
        }
    }

    fn variant_index(&self) -> usize {
        match self {
            Self::Empty => 0,
            Self::Pair(..) => 1,
            Self::Poly { .. } => 2,
        }
    }
}

impl Random for Node {
    fn random(rng: &mut Rng) -> Self {
        Self::random_depth(rng, 1)
    }
}

impl Node {
    fn random_depth(rng: &mut Rng, depth: u32) -> Self {
        let value = Vec::random(rng);
        if depth == 0 {
            return Self::leaf(value);
        }
        let children = (0..rng.below(3))
            .map(|_| Self::random_depth(rng, depth - 1))
            .collect();
        let next = rng
            .coin()
            .then(|| Box::new(Self::random_depth(rng, depth - 1)));
        Self {
            value,
            children,
            next,
        }
    }
}

impl<T: Random> Random for Box<T> {
    fn random(rng: &mut Rng) -> Self {
        Box::new(T::random(rng))
    }
}

/// Structural mutation: every place where a shadow can go wrong is a *site*,
/// numbered in traversal order; [`mutate`](Self::mutate) breaks one.
pub trait Mutate {
    /// How many sites this value has.
    fn sites(&self) -> usize;
    /// Changes the structure at site `site` (`< self.sites()`): a length by
    /// ±k at a random position, an enum variant, `Some`/`None` swapped, a
    /// subtree removed.
    fn mutate(&mut self, site: usize, rng: &mut Rng);
    /// Sets every float to a random value, keeping the structure.
    fn scramble(&mut self, rng: &mut Rng);
}

/// Mutates site `site` of a sequence of values, counted across all of them.
///
/// # Panics
///
/// If `site` is not below the values' total number of sites.
pub fn mutate_among(values: &mut [&mut dyn Mutate], mut site: usize, rng: &mut Rng) {
    for value in values {
        let sites = value.sites();
        if site < sites {
            value.mutate(site, rng);
            return;
        }
        site -= sites;
    }
    panic!("mutation site out of range");
}

macro_rules! scalar_mutate {
    ($($ty:ty),*) => {$(
        impl Mutate for $ty {
            fn sites(&self) -> usize {
                0
            }
            fn mutate(&mut self, _site: usize, _rng: &mut Rng) {
                panic!("a scalar has no mutation site");
            }
            fn scramble(&mut self, rng: &mut Rng) {
                *self = <$ty>::random(rng);
            }
        }
    )*};
}

scalar_mutate!(f64, f32);

impl Mutate for usize {
    fn sites(&self) -> usize {
        0
    }
    fn mutate(&mut self, _site: usize, _rng: &mut Rng) {
        panic!("a scalar has no mutation site");
    }
    /// Not a float: kept.
    fn scramble(&mut self, _rng: &mut Rng) {}
}

/// Inserts 1..=3 random elements at a random position, or removes 1..=3
/// elements (whole subtrees) from a random position.
fn resize<T: Random>(vec: &mut Vec<T>, rng: &mut Rng) {
    let k = 1 + rng.below(3);
    if vec.is_empty() || rng.coin() {
        let at = rng.below(vec.len() + 1);
        for _ in 0..k {
            vec.insert(at, T::random(rng));
        }
    } else {
        let at = rng.below(vec.len());
        let end = (at + k).min(vec.len());
        vec.drain(at..end);
    }
}

fn mutate_elements<T: Mutate>(elements: &mut [T], site: usize, rng: &mut Rng) {
    let mut values: Vec<&mut dyn Mutate> = elements
        .iter_mut()
        .map(|element| element as &mut dyn Mutate)
        .collect();
    mutate_among(&mut values, site, rng);
}

impl<T: Mutate + Random> Mutate for Vec<T> {
    fn sites(&self) -> usize {
        1 + self.iter().map(Mutate::sites).sum::<usize>()
    }
    fn mutate(&mut self, site: usize, rng: &mut Rng) {
        match site {
            0 => resize(self, rng),
            _ => mutate_elements(self, site - 1, rng),
        }
    }
    fn scramble(&mut self, rng: &mut Rng) {
        for element in self.iter_mut() {
            element.scramble(rng);
        }
    }
}

impl Mutate for Box<[f32]> {
    fn sites(&self) -> usize {
        1
    }
    fn mutate(&mut self, _site: usize, rng: &mut Rng) {
        let mut vec = self.to_vec();
        resize(&mut vec, rng);
        *self = vec.into_boxed_slice();
    }
    fn scramble(&mut self, rng: &mut Rng) {
        for element in self.iter_mut() {
            element.scramble(rng);
        }
    }
}

impl<T: Mutate, const N: usize> Mutate for [T; N] {
    fn sites(&self) -> usize {
        self.iter().map(Mutate::sites).sum()
    }
    fn mutate(&mut self, site: usize, rng: &mut Rng) {
        mutate_elements(self, site, rng);
    }
    fn scramble(&mut self, rng: &mut Rng) {
        for element in self.iter_mut() {
            element.scramble(rng);
        }
    }
}

impl Mutate for Box<Node> {
    fn sites(&self) -> usize {
        (**self).sites()
    }
    fn mutate(&mut self, site: usize, rng: &mut Rng) {
        (**self).mutate(site, rng);
    }
    fn scramble(&mut self, rng: &mut Rng) {
        (**self).scramble(rng);
    }
}

impl<T: Mutate + Random> Mutate for Option<T> {
    fn sites(&self) -> usize {
        1 + self.as_ref().map_or(0, Mutate::sites)
    }
    fn mutate(&mut self, site: usize, rng: &mut Rng) {
        match (site, self.as_mut()) {
            (0, Some(_)) => *self = None,
            (0, None) => *self = Some(T::random(rng)),
            (_, Some(value)) => value.mutate(site - 1, rng),
            (_, None) => panic!("mutation site out of range"),
        }
    }
    fn scramble(&mut self, rng: &mut Rng) {
        if let Some(value) = self {
            value.scramble(rng);
        }
    }
}

impl Mutate for Shape {
    fn sites(&self) -> usize {
        1 + match self {
            Self::Empty => 0,
            Self::Pair(a, b) => a.sites() + b.sites(),
            Self::Poly { coeffs, rows } => coeffs.sites() + rows.sites(),
        }
    }
    fn mutate(&mut self, site: usize, rng: &mut Rng) {
        if site == 0 {
            let other = (self.variant_index() + 1 + rng.below(2)) % 3;
            *self = Self::random_variant(other, rng);
            return;
        }
        match self {
            Self::Empty => panic!("mutation site out of range"),
            Self::Pair(a, b) => mutate_among(&mut [a as &mut dyn Mutate, b], site - 1, rng),
            Self::Poly { coeffs, rows } => {
                mutate_among(&mut [coeffs as &mut dyn Mutate, rows], site - 1, rng);
            }
        }
    }
    fn scramble(&mut self, rng: &mut Rng) {
        match self {
            Self::Empty => {}
            Self::Pair(a, b) => {
                a.scramble(rng);
                b.scramble(rng);
            }
            Self::Poly { coeffs, rows } => {
                coeffs.scramble(rng);
                rows.scramble(rng);
            }
        }
    }
}

impl Mutate for Pair {
    fn sites(&self) -> usize {
        self.0.sites() + self.1.sites()
    }
    fn mutate(&mut self, site: usize, rng: &mut Rng) {
        mutate_among(
            &mut [&mut self.0 as &mut dyn Mutate, &mut self.1],
            site,
            rng,
        );
    }
    fn scramble(&mut self, rng: &mut Rng) {
        self.0.scramble(rng);
        self.1.scramble(rng);
    }
}

/// Applies `mutations` (a site selector in `0..1` scaled to the number of
/// sites, and a seed for the inserted content) to `shadow` in turn, then
/// scrambles its floats if asked.
pub fn mutated<T: Mutate>(
    mut shadow: T,
    mutations: &[(f64, u64)],
    scramble_seed: Option<u64>,
) -> T {
    for &(selector, seed) in mutations {
        let sites = shadow.sites();
        if sites == 0 {
            continue;
        }
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "selector is in [0, 1) and sites is small"
        )]
        let site = ((selector * sites as f64) as usize).min(sites - 1);
        shadow.mutate(site, &mut Rng::new(seed));
    }
    if let Some(seed) = scramble_seed {
        shadow.scramble(&mut Rng::new(seed));
    }
    shadow
}
