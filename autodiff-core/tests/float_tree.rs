//! `FloatTree`: the n-ary walk (values, order, one call per contiguous
//! slice), copies, leaf paths, `f32` leaves and the enum walks, on derived
//! and std types.

#![allow(
    clippy::float_cmp,
    reason = "copied and walked floats are compared exactly, on purpose"
)]

use autodiff_core::{FloatMut, FloatTree, Lanes, PathSegment, ShadowCheck, check};

#[derive(autodiff_safe::ShadowCheck, Debug, Clone, PartialEq)]
struct Layer {
    w: Vec<f64>,
    b: Vec<f64>,
}

#[derive(autodiff_safe::ShadowCheck, Debug, Clone, PartialEq)]
enum Head {
    Linear { w: f64 },
    Poly(Vec<f64>),
    Off,
}

#[derive(autodiff_safe::ShadowCheck, Debug, Clone, PartialEq)]
struct Model {
    layers: Vec<Layer>,
    scale: f32,
    bias: Option<f64>,
    head: Head,
    pair: (f64, [f32; 2]),
    steps: u32,
    name: String,
}

/// A model whose leaf `i` is `start + i`, in traversal order.
fn model(start: f64) -> Model {
    let mut model = Model {
        layers: vec![
            Layer {
                w: vec![0.0; 3],
                b: vec![0.0; 2],
            },
            Layer {
                w: vec![0.0; 2],
                b: vec![0.0; 4],
            },
        ],
        scale: 0.0,
        bias: Some(0.0),
        head: Head::Poly(vec![0.0; 3]),
        pair: (0.0, [0.0; 2]),
        steps: 7,
        name: "net".into(),
    };
    let mut next = start;
    model.visit_floats_mut(&mut |mut leaf| {
        leaf.set(next);
        next += 1.0;
    });
    model
}

const LEAVES: usize = 19;

fn number(i: usize) -> f64 {
    f64::from(u16::try_from(i).expect("a small index"))
}

fn floats<T: FloatTree + ?Sized>(value: &T) -> Vec<f64> {
    let mut seen = Vec::new();
    value.visit_floats(&mut |x| seen.push(x));
    seen
}

fn path_of<T: FloatTree + ?Sized>(value: &T, leaf: usize) -> Option<String> {
    let mut path = Vec::new();
    value
        .leaf_path(leaf, &mut path)
        .then(|| path.iter().map(ToString::to_string).collect())
}

/// Which precision and length each visitor call got.
#[derive(Debug, PartialEq)]
enum Call {
    F32(usize),
    F64(usize),
}

#[test]
fn model_leaves_are_numbered_in_traversal_order() {
    let m = model(0.0);
    assert_eq!(m.leaf_count(), LEAVES);
    assert_eq!(floats(&m), (0..LEAVES).map(number).collect::<Vec<_>>());
}

#[test]
fn zip_two_read_one_write_on_a_nested_derived_struct() {
    let (a, b) = (model(0.0), model(100.0));
    let mut out = model(0.0).make_zero();
    let mut calls = Vec::new();
    Model::zip_floats([&a, &b], [&mut out], &mut |lanes| match lanes {
        Lanes::F32 {
            read: [a, b],
            write: [out],
        } => {
            calls.push(Call::F32(out.len()));
            for ((out, a), b) in out.iter_mut().zip(a).zip(b) {
                *out = a + 2.0 * b;
            }
        }
        Lanes::F64 {
            read: [a, b],
            write: [out],
        } => {
            calls.push(Call::F64(out.len()));
            assert_eq!((a.len(), b.len()), (out.len(), out.len()));
            for ((out, a), b) in out.iter_mut().zip(a).zip(b) {
                *out = a + 2.0 * b;
            }
        }
    });
    // Every `Vec<f64>` and the `[f32; 2]` is one call with the whole slice;
    // scalars, the `Option`'s and the enum's payloads follow in field order.
    assert_eq!(
        calls,
        [
            Call::F64(3),
            Call::F64(2),
            Call::F64(2),
            Call::F64(4),
            Call::F32(1),
            Call::F64(1),
            Call::F64(3),
            Call::F64(1),
            Call::F32(2),
        ]
    );
    let expected: Vec<f64> = (0..LEAVES)
        .map(|i| number(i) + 2.0 * (100.0 + number(i)))
        .collect();
    assert_eq!(floats(&out), expected);
    // Non-float data is left alone by the walk.
    assert_eq!((out.steps, out.name.as_str()), (7, "net"));
    assert!(check(&a, &out).is_ok());
}

#[test]
fn a_long_vec_is_one_visitor_call_and_an_empty_one_none() {
    let x = vec![1.5_f64; 1000];
    let mut y = vec![0.0_f64; 1000];
    let mut calls = 0;
    Vec::zip_floats([&x], [&mut y], &mut |lanes| {
        calls += 1;
        assert_eq!(lanes.len(), 1000);
        if let Lanes::F64 {
            read: [x],
            write: [y],
        } = lanes
        {
            y.copy_from_slice(x);
        }
    });
    assert_eq!(calls, 1);
    assert_eq!(y, x);

    let empty: Vec<f64> = Vec::new();
    let mut calls = 0;
    Vec::zip_floats([&empty], [], &mut |_| calls += 1);
    <(f64, Vec<f64>)>::zip_floats([], [], &mut |_| calls += 1);
    assert_eq!(calls, 0, "no empty lanes, and nothing with R = W = 0");
}

#[test]
fn nested_vecs_are_one_call_per_row() {
    let rows = vec![vec![1.0_f64; 4], vec![], vec![2.0; 3]];
    let mut lengths = Vec::new();
    Vec::zip_floats([&rows], [], &mut |lanes| lengths.push(lanes.len()));
    assert_eq!(lengths, [4, 3]);
    let boxed: Box<[f64]> = vec![1.0; 5].into_boxed_slice();
    let mut calls = 0;
    <Box<[f64]>>::zip_floats([&boxed], [], &mut |lanes| {
        calls += 1;
        assert_eq!(lanes.len(), 5);
    });
    assert_eq!(calls, 1);
}

#[test]
fn values_of_different_structure_are_walked_where_they_agree() {
    let a = model(0.0);
    let mut b = model(100.0);
    b.layers[0].w.truncate(1);
    b.head = Head::Linear { w: 5.0 };
    b.bias = None;
    let mut pairs = Vec::new();
    Model::zip_floats([&a, &b], [], &mut |lanes| {
        lanes.for_each(|[x, y], []| pairs.push((x, y)));
    });
    // `layers[0].w` over its common length 1; `bias` and `head` skipped.
    assert_eq!(pairs.len(), LEAVES - 2 - 1 - 3);
    assert_eq!(pairs[0], (0.0, 100.0));
    assert_eq!(pairs[1], (3.0, 103.0), "then `layers[0].b`");
    assert!(pairs.iter().all(|(x, y)| y - x == 100.0));
}

#[test]
fn f32_leaves_come_as_f32_lanes_and_round_through_float_mut() {
    let mut m = model(0.0);
    let mut kinds = Vec::new();
    m.visit_floats_mut(&mut |leaf| kinds.push(matches!(leaf, FloatMut::F32(_))));
    let f32_positions: Vec<usize> = kinds
        .iter()
        .enumerate()
        .filter_map(|(i, &is_f32)| is_f32.then_some(i))
        .collect();
    assert_eq!(f32_positions, [11, 17, 18], "`scale` and `pair.1`");

    let mut epsilons = Vec::new();
    Model::zip_floats([&m], [], &mut |lanes| epsilons.push(lanes.epsilon()));
    assert_eq!(epsilons[4], f64::from(f32::EPSILON));
    assert_eq!(epsilons[5], f64::EPSILON);

    // Writing through a `FloatMut` rounds to the leaf's precision.
    Model::zip_floats([], [&mut m], &mut |lanes| {
        lanes.for_each(|[], [mut leaf]| leaf.set(0.1));
    });
    assert_eq!(m.scale, 0.1_f32);
    assert_eq!(m.pair.1, [0.1_f32; 2]);
    assert_eq!(m.pair.0, 0.1_f64);
    let widened = floats(&m);
    assert_eq!(widened[11], f64::from(0.1_f32));
    assert_eq!(widened[12], 0.1);

    let mut single = vec![1.0_f32, 2.0];
    let mut calls = 0;
    Vec::zip_floats([], [&mut single], &mut |lanes| {
        calls += 1;
        match lanes {
            Lanes::F32 { write: [x], .. } => x.iter_mut().for_each(|x| *x *= 3.0),
            Lanes::F64 { .. } => panic!("f32 storage came as f64"),
        }
    });
    assert_eq!((calls, single), (1, vec![3.0, 6.0]));
}

#[test]
fn copy_from_restores_integers_strings_lengths_and_variants() {
    let source = model(0.0);
    let mut target = model(50.0);
    target.steps = 99;
    target.name = "changed".into();
    target.layers[0].w.push(1.0);
    target.layers[1].b.truncate(1);
    target.layers.push(target.layers[0].clone());
    target.head = Head::Off;
    target.bias = None;
    let kept = target.layers[0].b.as_ptr();
    target.copy_from(&source);
    assert_eq!(target, source);
    assert_eq!(
        target.layers[0].b.as_ptr(),
        kept,
        "a matching Vec is reused"
    );

    // And the other way: a shorter `layers`, other variants.
    let mut target = model(0.0);
    let mut source = model(10.0);
    source.layers.truncate(1);
    source.head = Head::Linear { w: 4.0 };
    source.steps = 1;
    target.copy_from(&source);
    assert_eq!(target, source);
}

#[test]
fn copies_are_deep_and_make_zero_keeps_non_floats() {
    let m = model(1.0);
    let copy = m.copy_boxed();
    assert_eq!(*copy, m);
    assert_ne!(copy.layers[0].w.as_ptr(), m.layers[0].w.as_ptr());
    let zero = m.make_zero();
    assert!(floats(&zero).iter().all(|&x| x == 0.0));
    assert_eq!((zero.steps, zero.name.as_str()), (7, "net"));
    assert_eq!(*m.make_zero_boxed(), zero);
    let mut reset = m.clone();
    reset.set_zero();
    assert_eq!(reset, zero);
}

#[test]
fn leaf_paths_of_nested_fields_elements_and_variants() {
    let m = model(0.0);
    assert_eq!(path_of(&m, 0).as_deref(), Some(".layers[0].w[0]"));
    assert_eq!(path_of(&m, 4).as_deref(), Some(".layers[0].b[1]"));
    assert_eq!(path_of(&m, 10).as_deref(), Some(".layers[1].b[3]"));
    assert_eq!(path_of(&m, 11).as_deref(), Some(".scale"));
    assert_eq!(path_of(&m, 12).as_deref(), Some(".bias.Some.0"));
    assert_eq!(path_of(&m, 15).as_deref(), Some(".head.Poly.0[2]"));
    assert_eq!(path_of(&m, 16).as_deref(), Some(".pair.0"));
    assert_eq!(path_of(&m, 18).as_deref(), Some(".pair.1[1]"));
    let mut path = vec![PathSegment::Field("kept")];
    assert!(!m.leaf_path(LEAVES, &mut path));
    assert_eq!(
        path,
        [PathSegment::Field("kept")],
        "untouched when out of range"
    );

    let mut path = Vec::new();
    assert!(m.leaf_path(10, &mut path));
    assert_eq!(
        path,
        [
            PathSegment::Field("layers"),
            PathSegment::Index(1),
            PathSegment::Field("b"),
            PathSegment::Index(3),
        ]
    );

    let named = Head::Linear { w: 1.0 };
    assert_eq!(path_of(&named, 0).as_deref(), Some(".Linear.w"));
    assert_eq!(path_of(&Head::Off, 0), None);
    assert_eq!(path_of(&1.0_f64, 0).as_deref(), Some(""));
    assert_eq!(path_of(&1.0_f64, 1), None);
    assert_eq!(path_of(&7_u32, 0), None);
}

type Outcome = Result<Vec<f64>, (f32, f64)>;

#[test]
fn result_walks_its_ok_and_its_err_payloads() {
    let ok: Outcome = Ok(vec![1.0, 2.0]);
    let err: Outcome = Err((3.0, 4.0));
    assert_eq!(floats(&ok), [1.0, 2.0]);
    assert_eq!(floats(&err), [3.0, 4.0]);
    assert_eq!((ok.leaf_count(), err.leaf_count()), (2, 2));
    assert_eq!(path_of(&ok, 1).as_deref(), Some(".Ok.0[1]"));
    assert_eq!(path_of(&err, 1).as_deref(), Some(".Err.0.1"));

    let mut sum: Outcome = Ok(vec![0.0; 2]);
    Outcome::zip_floats([&ok, &ok], [&mut sum], &mut |lanes| {
        lanes.for_each(|[a, b], [mut s]| s.set(a + b));
    });
    assert_eq!(sum, Ok(vec![2.0, 4.0]));
    let mut sum: Outcome = Err((0.0, 0.0));
    Outcome::zip_floats([&err, &err], [&mut sum], &mut |lanes| {
        lanes.for_each(|[a, b], [mut s]| s.set(a + b));
    });
    assert_eq!(sum, Err((6.0, 8.0)));

    // Mixed arms: nothing is walked.
    let mut calls = 0;
    Outcome::zip_floats([&ok, &err], [], &mut |_| calls += 1);
    assert_eq!(calls, 0);

    let mut zeroed = err.clone();
    zeroed.set_zero();
    assert_eq!(zeroed, Err((0.0, 0.0)));
    assert_eq!(ok.make_zero(), Ok(vec![0.0, 0.0]));
    let mut target = ok.clone();
    target.copy_from(&err);
    assert_eq!(target, err);
    target.copy_from(&ok);
    assert_eq!(target, ok);
    assert_eq!(*err.copy_boxed(), err);
}

#[test]
fn option_walks_only_when_every_value_is_some() {
    let (some, none) = (Some(2.0_f64), None::<f64>);
    let mut calls = 0;
    Option::zip_floats([&some, &none], [], &mut |_| calls += 1);
    assert_eq!(calls, 0);
    let mut out = Some(0.0);
    Option::zip_floats([&some, &some], [&mut out], &mut |lanes| {
        lanes.for_each(|[a, b], [mut out]| out.set(a * b));
    });
    assert_eq!(out, Some(4.0));
    let mut target: Option<f64> = None;
    target.copy_from(&some);
    assert_eq!(target, some);
    target.copy_from(&none);
    assert_eq!(target, None);
}

#[test]
fn unsized_copies_keep_their_length_and_boxes_are_rebuilt() {
    let mut prefix = [0.0_f64; 2];
    prefix[..].copy_from(&[1.0, 2.0, 3.0][..]);
    assert_eq!(prefix, [1.0, 2.0]);
    let mut longer = [0.0_f64; 3];
    longer[..].copy_from(&[5.0][..]);
    assert_eq!(longer, [5.0, 0.0, 0.0]);

    let mut boxed: Box<[f64]> = vec![0.0; 1].into_boxed_slice();
    boxed.copy_from(&vec![1.0, 2.0].into_boxed_slice());
    assert_eq!(&*boxed, [1.0, 2.0]);
    let before = boxed.as_ptr();
    boxed.copy_from(&vec![3.0, 4.0].into_boxed_slice());
    assert_eq!((&*boxed, boxed.as_ptr()), (&[3.0, 4.0][..], before));

    let mut text: Box<str> = "ab".into();
    text.copy_from(&Box::from("xyz"));
    assert_eq!(&*text, "xyz");

    // A `str` in place: the common prefix, cut on a character boundary of both.
    let mut owned = String::from("héllo");
    owned.as_mut_str().copy_from("abcdefg");
    assert_eq!(owned, "abcdef");
    let mut owned = String::from("abcdef");
    owned.as_mut_str().copy_from("xé");
    assert_eq!(owned, "xédef");
    let mut owned = String::from("xb");
    owned.as_mut_str().copy_from("aé");
    assert_eq!(owned, "ab", "cut before the `é` that byte 2 would split");

    let mut vec = vec![1.0_f64; 5];
    vec.copy_from(&vec![2.0; 2]);
    assert_eq!(vec, [2.0, 2.0]);
    vec.copy_from(&vec![3.0; 4]);
    assert_eq!(vec, [3.0; 4]);
}

#[test]
fn tuples_and_arrays_walk_their_parts_in_order() {
    let value = (
        1.0_f64,
        [2.0_f32, 3.0],
        vec![(4.0_f64, 5_u8)],
        Box::new(6.0_f64),
    );
    assert_eq!(floats(&value), [1.0, 2.0, 3.0, 4.0, 6.0]);
    assert_eq!(path_of(&value, 2).as_deref(), Some(".1[1]"));
    assert_eq!(path_of(&value, 3).as_deref(), Some(".2[0].0"));
    assert_eq!(path_of(&value, 4).as_deref(), Some(".3"));
    let mut other = value.make_zero();
    assert_eq!(other.2[0].1, 5);
    other.2[0].1 = 0;
    other.copy_from(&value);
    assert_eq!(other, value);
}

/// A hand-written check next to the derived safe half, with a skipped field
/// that is cloned by the copies.
#[derive(autodiff_safe::FloatTree, Debug, Clone, PartialEq)]
struct Grid {
    rows: usize,
    cells: Vec<f64>,
    // SAFETY: no derivative reads or writes the label's shadow.
    #[shadow(unsafe(skip))]
    label: String,
}

// SAFETY: `cells` is the only buffer; its length is all that `Grid`'s code
// addresses memory with, and it is compared.
unsafe impl ShadowCheck for Grid {
    fn check_shadow(&self, shadow: &Self) -> Result<(), autodiff_core::ShadowError> {
        self.cells
            .check_shadow(&shadow.cells)
            .map_err(|error| error.in_field("cells"))
    }
}

#[test]
fn derive_float_tree_next_to_a_hand_written_check() {
    let grid = Grid {
        rows: 2,
        cells: vec![1.0, 2.0, 3.0, 4.0],
        label: "g".into(),
    };
    let zero = grid.make_zero();
    assert_eq!(
        zero,
        Grid {
            rows: 2,
            cells: vec![0.0; 4],
            label: "g".into()
        }
    );
    assert!(check(&grid, &zero).is_ok());
    assert_eq!(path_of(&grid, 3).as_deref(), Some(".cells[3]"));
    let mut target = Grid {
        rows: 0,
        cells: vec![],
        label: String::new(),
    };
    target.copy_from(&grid);
    assert_eq!(target, grid);
    assert_eq!(grid.leaf_count(), 4);
}

/// A hand-written `FloatTree` that only implements the required methods:
/// the provided ones are built on its walk.
struct Pair(f64, f32);

impl FloatTree for Pair {
    fn copy_boxed(&self) -> Box<Self> {
        Box::new(Pair(self.0, self.1))
    }
    fn copy_from(&mut self, source: &Self) {
        (self.0, self.1) = (source.0, source.1);
    }
    fn zip_floats<const R: usize, const W: usize>(
        read: [&Self; R],
        mut write: [&mut Self; W],
        visitor: &mut dyn FnMut(Lanes<'_, R, W>),
    ) {
        f64::zip_floats(
            read.map(|pair| &pair.0),
            write.each_mut().map(|pair| &mut pair.0),
            visitor,
        );
        f32::zip_floats(
            read.map(|pair| &pair.1),
            write.each_mut().map(|pair| &mut pair.1),
            visitor,
        );
    }
}

#[test]
fn provided_methods_follow_the_required_walk() {
    let pair = Pair(2.0, 3.0);
    let zero = pair.make_zero();
    assert_eq!((zero.0, zero.1), (0.0, 0.0));
    let boxed = pair.make_zero_boxed();
    assert_eq!((boxed.0, boxed.1), (0.0, 0.0));
    assert_eq!(floats(&pair), [2.0, 3.0]);
    assert_eq!(pair.leaf_count(), 2);
    assert!(
        !pair.leaf_path(0, &mut Vec::new()),
        "no path known by default"
    );
    let mut other = Pair(5.0, 5.0);
    other.set_zero();
    assert_eq!((other.0, other.1), (0.0, 0.0));
    let mut halves = [Pair(4.0, 8.0), Pair(1.0, 2.0)];
    <[Pair]>::zip_floats([], [&mut halves[..]], &mut |lanes| {
        lanes.for_each(|[], [mut x]| x.set(x.get() / 2.0));
    });
    assert_eq!(floats(&halves[..]), [2.0, 4.0, 0.5, 1.0]);
}
