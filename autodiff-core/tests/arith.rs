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
    assert_eq!(err.path(), "x.head");
    assert_eq!(y, model(true));

    let mut short = model(true);
    short.layers[1].clear();
    let (mut p, mut v) = (model(true), model(true));
    let err = zip_map([&short], [&mut p, &mut v], |_| unreachable!()).unwrap_err();
    assert_eq!(err.path(), "read[0].layers[1]");
    let err = zip_map([&model(true)], [&mut p, &mut short], |_| unreachable!()).unwrap_err();
    assert_eq!(err.path(), "write[1].layers[1]");
    assert_eq!((p, v), (model(true), model(true)));
    assert!(dot(&model(true), &short).is_err());
    assert!(axpy_masked(1.0, &model(true), &short, &mut model(true)).is_err());
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
