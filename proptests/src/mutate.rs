//! Structural mutations that turn a good shadow into a bad one, and the
//! random content they insert.

use crate::{Node, Pair, Rng, Shape};

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
