//! Structural arithmetic: every structure is checked before anything
//! changes, every float leaf is reached, and sums run in traversal order.

#![allow(clippy::float_cmp, reason = "the operations are exact on these values")]

use autodiff_safe::{
    Lanes, ShadowCheck, axpy, axpy_masked, dot, fill, make_zero, norm, scale, zip_map,
};

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
enum Head {
    Linear { w: f64 },
    Poly(Vec<f64>),
}

#[derive(ShadowCheck, Debug, Clone, PartialEq)]
struct Model {
    layers: Vec<Vec<f64>>,
    scale: f32,
    head: Head,
    steps: u32,
}

fn model(poly: bool) -> Model {
    Model {
        layers: vec![vec![1.0, 2.0], vec![3.0]],
        scale: 0.5,
        head: if poly {
            Head::Poly(vec![4.0, 5.0])
        } else {
            Head::Linear { w: 4.0 }
        },
        steps: 7,
    }
}

#[test]
fn axpy_reaches_every_leaf_of_both_precisions_and_leaves_integers() {
    let mut y = model(true);
    axpy(2.0, &model(true), &mut y).unwrap();
    assert_eq!(y.layers, [vec![3.0, 6.0], vec![9.0]]);
    assert_eq!(y.scale, 1.5);
    assert_eq!(y.head, Head::Poly(vec![12.0, 15.0]));
    assert_eq!(y.steps, 7);
}

#[test]
fn a_mismatch_names_the_value_and_the_path_and_changes_nothing() {
    let mut y = model(true);
    let err = axpy(1.0, &model(false), &mut y).unwrap_err();
    assert_eq!(
        err.to_string(),
        "axpy: shadow `x` does not match its primal `y` at `y.head`: \
         primal is variant `Poly`, shadow is variant `Linear`"
    );
    assert_eq!(y, model(true));
    // The same mismatch the other way round says which side is which.
    let mut linear = model(false);
    let err = axpy(1.0, &model(true), &mut linear).unwrap_err();
    assert_eq!(
        err.to_string(),
        "axpy: shadow `x` does not match its primal `y` at `y.head`: \
         primal is variant `Linear`, shadow is variant `Poly`"
    );

    let mut short = model(true);
    short.layers[1].clear();
    let (mut p, mut v) = (model(true), model(true));
    let err = zip_map([&short], [&mut p, &mut v], |_| unreachable!()).unwrap_err();
    assert_eq!(err.path(), "read[0].layers[1]");
    let err = zip_map([&model(true)], [&mut p, &mut short], |_| unreachable!()).unwrap_err();
    assert_eq!(err.path(), "write[1].layers[1]");
    assert_eq!((p, v), (model(true), model(true)));
    assert_eq!(
        dot(&model(true), &short).unwrap_err().to_string(),
        "dot: shadow `y` does not match its primal `x` at `x.layers[1]`: \
         primal has length 1, shadow has length 0"
    );
    let err = axpy_masked(1.0, &model(true), &short, &mut model(true)).unwrap_err();
    assert_eq!(
        (err.shadow(), err.path().as_str()),
        (Some("mask"), "y.layers[1]")
    );
    let err = axpy_masked(1.0, &short, &model(true), &mut model(true)).unwrap_err();
    assert_eq!(
        (err.shadow(), err.path().as_str()),
        (Some("x"), "y.layers[1]")
    );
}

#[test]
fn a_zero_mask_keeps_the_bits_of_a_frozen_leaf_whatever_the_gradient() {
    let x = vec![f64::INFINITY, f64::NAN, f64::NEG_INFINITY, 1.0];
    let mask = vec![0.0, -0.0, 0.0, 0.0];
    let mut y = vec![-0.0, 2.0, f64::NAN, -0.0];
    let before: Vec<u64> = y.iter().map(|v| v.to_bits()).collect();
    axpy_masked(-0.5, &x, &mask, &mut y).unwrap();
    assert_eq!(y.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), before);

    let x32 = (f32::NAN, vec![f32::INFINITY]);
    let mask32 = (0.0_f32, vec![0.0_f32]);
    let mut y32 = (-0.0_f32, vec![3.0_f32]);
    axpy_masked(1.0, &x32, &mask32, &mut y32).unwrap();
    assert_eq!((y32.0.to_bits(), y32.1[0]), ((-0.0_f32).to_bits(), 3.0));
}

#[test]
fn alpha_beyond_f32_is_refused_before_anything_changes() {
    // An f64 leaf comes first in traversal order: it must not be written.
    let x = (1.0_f64, vec![1.0_f32]);
    let mut y = (1.0_f64, vec![1.0_f32]);
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| axpy(1e39, &x, &mut y)))
        .unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(
        message.starts_with("axpy: 1e39 overflows the `f32` leaves"),
        "{message}"
    );
    assert_eq!(y, (1.0, vec![1.0]));
    for f in [
        |y: &mut (f64, Vec<f32>)| scale(-1e39, y),
        |y: &mut (f64, Vec<f32>)| fill(y, 1e39),
    ] {
        assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut y))).is_err());
        assert_eq!(y, (1.0, vec![1.0]));
    }
    // Without f32 leaves nothing overflows; infinities stay allowed.
    let mut only_f64 = vec![1.0_f64];
    axpy(1e39, &vec![1.0], &mut only_f64).unwrap();
    assert_eq!(only_f64, [1e39 + 1.0]);
    scale(f64::INFINITY, &mut y);
    assert_eq!(y.1, [f32::INFINITY]);
}

#[test]
fn zip_map_hands_whole_slices_and_updates_every_written_value() {
    let grad = model(true);
    let (mut p, mut v) = (model(true), make_zero(&model(true)));
    let mut calls = Vec::new();
    zip_map([&grad], [&mut p, &mut v], |lanes| {
        calls.push(lanes.len());
        lanes.for_each(|[g], [mut p, mut v]| {
            v.set(0.5 * v.get() + g);
            p.set(p.get() - v.get());
        });
    })
    .unwrap();
    // Vec<f64> layers, the f32 scalar, the Poly Vec: one call each.
    assert_eq!(calls, [2, 1, 1, 2]);
    assert_eq!(p, {
        let mut zero = model(true);
        fill(&mut zero, 0.0);
        zero.steps = 7;
        zero
    });
    assert_eq!(v, model(true));
}

#[test]
fn masks_freeze_parameters() {
    let mut y = model(true);
    let mut mask = make_zero(&y);
    fill(&mut mask.layers[1], 1.0);
    mask.scale = 1.0;
    axpy_masked(-1.0, &model(true), &mask, &mut y).unwrap();
    assert_eq!(y.layers, [vec![1.0, 2.0], vec![0.0]]);
    assert_eq!(y.scale, 0.0);
    assert_eq!(y.head, Head::Poly(vec![4.0, 5.0]));
}

#[test]
fn scale_dot_and_norm() {
    let mut x = model(true);
    scale(-2.0, &mut x);
    assert_eq!(x.layers, [vec![-2.0, -4.0], vec![-6.0]]);
    assert_eq!(x.scale, -1.0);
    // 1 + 4 + 9 + 0.25 + 16 + 25
    assert_eq!(dot(&model(true), &model(true)).unwrap(), 55.25);
    assert_eq!(norm(&model(true)), 55.25_f64.sqrt());
    assert_eq!(dot(&model(true), &x).unwrap(), -110.5);
}

#[test]
fn dot_sums_in_traversal_order() {
    // Left to right: (1e16 + 1) - 1e16 = 0 in f64, where another order gives 1.
    let x = vec![1e16, 1.0, -1e16];
    let ones = vec![1.0; 3];
    assert_eq!(dot(&x, &ones).unwrap(), 0.0);
    let lanes_order = {
        let mut sum = 0.0;
        zip_map([&x, &ones], [], |lanes| {
            if let Lanes::F64 { read: [a, b], .. } = lanes {
                for (a, b) in a.iter().zip(b) {
                    sum += a * b;
                }
            }
        })
        .unwrap();
        sum
    };
    assert_eq!(lanes_order.to_bits(), dot(&x, &ones).unwrap().to_bits());
}

#[test]
fn masked_updates_of_f32_leaves() {
    let x = (3.0_f32, vec![3.0_f32, 5.0]);
    let mask = (1.0_f32, vec![0.0_f32, 1.0]);
    let mut y = (1.0_f32, vec![1.0_f32, 1.0]);
    axpy_masked(-2.0, &x, &mask, &mut y).unwrap();
    assert_eq!(y, (-5.0, vec![1.0, -9.0]));
}

/// Arithmetic writes elements in place: a gradient with less spare capacity
/// than the model is still the model's structure.
#[test]
fn capacities_do_not_matter_to_arithmetic() {
    let mut y = Vec::with_capacity(16);
    y.extend([1.0_f64, 2.0]);
    let x = vec![1.0, 1.0];
    axpy(1.0, &x, &mut y).unwrap();
    axpy_masked(1.0, &x, &vec![1.0, 0.0], &mut y).unwrap();
    assert_eq!(y, [3.0, 3.0]);
    assert_eq!(dot(&y, &x).unwrap(), 6.0);
    let (mut p, mut v) = (y.clone(), y);
    zip_map([&x], [&mut p, &mut v], |_| {}).unwrap();
}

/// A mask value other than 0 and 1 scales the update (a per-leaf learning
/// rate), in both precisions.
#[test]
fn fractional_masks_scale_the_update() {
    let mut y = vec![1.0_f64, 1.0];
    axpy_masked(2.0, &vec![1.0, 3.0], &vec![0.5, 0.25], &mut y).unwrap();
    assert_eq!(y, [2.0, 2.5]);
    let mut y32 = vec![1.0_f32, 1.0];
    axpy_masked(2.0, &vec![1.0_f32, 3.0], &vec![0.5_f32, 0.25], &mut y32).unwrap();
    assert_eq!(y32, [2.0, 2.5]);
}
