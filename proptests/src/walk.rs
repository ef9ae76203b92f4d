//! A walk over everything observable about a value (structure, float bits,
//! allocations), written without `ShadowCheck`.

use crate::{Node, Pair, Shape};

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
