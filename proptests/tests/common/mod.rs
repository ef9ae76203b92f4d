//! Strategies shared by the property tests: random primals of the family in
//! `autodiff_safe_proptests`, and shadows that are either `make_zero` of the
//! primal or a random structural mutation of it.

#![allow(dead_code, reason = "each test binary uses a subset of the strategies")]

use autodiff_safe::{FloatTree, ShadowCheck, make_zero};
use autodiff_safe_proptests::{Model, Mutate, Node, Pair, Shape, mutated};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::Config;

/// Cases per property unless `PROPTEST_CASES` says otherwise.
pub const CASES: u32 = 10_000;

/// `CASES` cases, or `PROPTEST_CASES` when set.
pub fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(CASES);
    Config {
        cases,
        ..Config::default()
    }
}

/// Which floats the leaves hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Floats {
    /// Mostly in `[-8, 8)`, sometimes any bit pattern (NaN, infinities,
    /// subnormals, `-0.0`): the checks and the zeroing must not care.
    Any,
    /// In `[-4, 4)`, where smooth functions of them are well-conditioned.
    Tame,
}

/// An `f64` leaf.
pub fn float_in(floats: Floats) -> BoxedStrategy<f64> {
    match floats {
        Floats::Any => prop_oneof![9 => -8.0..8.0_f64, 1 => any::<f64>()].boxed(),
        Floats::Tame => (-4.0..4.0_f64).boxed(),
    }
}

/// An `f32` leaf.
pub fn float32_in(floats: Floats) -> BoxedStrategy<f32> {
    match floats {
        Floats::Any => prop_oneof![9 => -8.0..8.0_f32, 1 => any::<f32>()].boxed(),
        Floats::Tame => (-4.0..4.0_f32).boxed(),
    }
}

/// An `f64` leaf of any kind.
pub fn float() -> BoxedStrategy<f64> {
    float_in(Floats::Any)
}

/// `Vec<f64>` of length 0..5.
pub fn vec_f64() -> BoxedStrategy<Vec<f64>> {
    vec_f64_in(Floats::Any)
}

/// `Vec<f64>` of length 0..5, of `floats`.
pub fn vec_f64_in(floats: Floats) -> BoxedStrategy<Vec<f64>> {
    vec(float_in(floats), 0..5).boxed()
}

/// `Vec<Vec<f64>>`.
pub fn vec_vec_f64() -> BoxedStrategy<Vec<Vec<f64>>> {
    vec_vec_f64_in(Floats::Any)
}

fn vec_vec_f64_in(floats: Floats) -> BoxedStrategy<Vec<Vec<f64>>> {
    vec(vec_f64_in(floats), 0..4).boxed()
}

/// `Option<Vec<f64>>`.
pub fn option_vec_f64() -> BoxedStrategy<Option<Vec<f64>>> {
    option_vec_f64_in(Floats::Any)
}

fn option_vec_f64_in(floats: Floats) -> BoxedStrategy<Option<Vec<f64>>> {
    proptest::option::of(vec_f64_in(floats)).boxed()
}

/// `Box<[f32]>`.
pub fn boxed_f32() -> BoxedStrategy<Box<[f32]>> {
    boxed_f32_in(Floats::Any)
}

fn boxed_f32_in(floats: Floats) -> BoxedStrategy<Box<[f32]>> {
    vec(float32_in(floats), 0..5)
        .prop_map(Vec::into_boxed_slice)
        .boxed()
}

/// `[f64; 4]`.
pub fn array_f64() -> BoxedStrategy<[f64; 4]> {
    array_f64_in(Floats::Any)
}

fn array_f64_in(floats: Floats) -> BoxedStrategy<[f64; 4]> {
    proptest::array::uniform4(float_in(floats)).boxed()
}

/// Every variant of [`Shape`].
pub fn shape() -> BoxedStrategy<Shape> {
    shape_in(Floats::Any)
}

fn shape_in(floats: Floats) -> BoxedStrategy<Shape> {
    prop_oneof![
        Just(Shape::Empty),
        (vec_f64_in(floats), vec(float32_in(floats), 0..4)).prop_map(|(a, b)| Shape::Pair(a, b)),
        (vec_f64_in(floats), vec_vec_f64_in(floats))
            .prop_map(|(coeffs, rows)| Shape::Poly { coeffs, rows }),
    ]
    .boxed()
}

fn pair_in(floats: Floats) -> BoxedStrategy<Pair> {
    (vec_f64_in(floats), option_vec_f64_in(floats))
        .prop_map(|(a, b)| Pair(a, b))
        .boxed()
}

/// A tree of at most `depth` levels below the root.
pub fn node(depth: u32) -> BoxedStrategy<Node> {
    node_in(depth, Floats::Any)
}

fn node_in(depth: u32, floats: Floats) -> BoxedStrategy<Node> {
    vec_f64_in(floats)
        .prop_map(Node::leaf)
        .prop_recursive(depth, 24, 3, move |inner| {
            (
                vec_f64_in(floats),
                vec(inner.clone(), 0..3),
                proptest::option::of(inner.prop_map(Box::new)),
            )
                .prop_map(|(value, children, next)| Node {
                    value,
                    children,
                    next,
                })
        })
        .boxed()
}

/// A [`Model`] whose tree has at most `depth` levels.
pub fn model(depth: u32) -> BoxedStrategy<Model> {
    model_in(depth, Floats::Any)
}

/// A [`Model`] whose tree has at most `depth` levels, of `floats`.
pub fn model_in(depth: u32, floats: Floats) -> BoxedStrategy<Model> {
    (
        (
            vec_f64_in(floats),
            vec_vec_f64_in(floats),
            option_vec_f64_in(floats),
            boxed_f32_in(floats),
        ),
        (
            array_f64_in(floats),
            [vec_f64_in(floats), vec_f64_in(floats)],
            shape_in(floats),
            vec(shape_in(floats), 0..3),
        ),
        (
            pair_in(floats),
            float_in(floats),
            0..100_usize,
            node_in(depth, floats),
        ),
    )
        .prop_map(
            |(
                (weights, rows, bias, half),
                (fixed, lanes, head, heads),
                (pair, scale, steps, tree),
            )| Model {
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
            },
        )
        .boxed()
}

/// Up to `max` mutations: a site selector in `[0, 1)` and a content seed.
pub fn mutations(min: usize, max: usize) -> impl Strategy<Value = Vec<(f64, u64)>> {
    vec((0.0..1.0_f64, any::<u64>()), min..=max)
}

/// A primal and a shadow built from `make_zero(&primal)`: unchanged, or with
/// `min..=max` structural mutations, and with its floats scrambled or not.
pub fn with_shadow<T>(
    primal: impl Strategy<Value = T>,
    min: usize,
    max: usize,
) -> impl Strategy<Value = (T, T)>
where
    T: ShadowCheck + FloatTree + Mutate + std::fmt::Debug,
{
    (
        primal,
        mutations(min, max),
        proptest::option::of(any::<u64>()),
    )
        .prop_map(|(primal, mutations, scramble)| {
            let shadow = mutated(make_zero(&primal), &mutations, scramble);
            (primal, shadow)
        })
}
