//! The family of primal types: a derived enum, a derived tuple struct, a
//! recursive derived tree, and a derived model that nests every type.

use autodiff_safe::ShadowCheck;

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
