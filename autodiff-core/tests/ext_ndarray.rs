//! `FloatTree` for ndarray's owned arrays (feature `ndarray`), the storage
//! that keeps them from implementing `ShadowCheck`, and derivatives over
//! them with the explicit `unsafe(Duplicated)` opt-out.
#![cfg(feature = "ndarray")]
#![allow(
    clippy::float_cmp,
    clippy::cast_precision_loss,
    reason = "zeroed and exactly representable floats are compared exactly on purpose; the indices cast to floats are small"
)]

use autodiff_core::__private::reference::floats;
use autodiff_core::{FloatTree, Lanes, PathSegment, make_zero, set_zero};
use ndarray::{Array, Array1, Array2, Array3, Axis, ShapeBuilder, array, s};

#[test]
fn make_zero_keeps_the_memory_order_and_copies_non_floats() {
    let c = Array2::from_shape_fn((2, 3), |(i, j)| (i as f64, 10 * i + j));
    let f = Array2::from_shape_fn((2, 3).f(), |(i, j)| (i as f64, 10 * i + j));
    let permuted = Array3::<f64>::ones((2, 3, 4)).permuted_axes([2, 0, 1]);
    let strided = Array1::from_iter((0..9).map(f64::from)).slice_move(s![1..;3]);
    let mut inverted = Array2::from_shape_fn((2, 3).f(), |(i, j)| (i + j) as f64);
    inverted.invert_axis(Axis(1));

    for (primal, zero) in [(&c, make_zero(&c)), (&f, make_zero(&f))] {
        assert_eq!(zero.strides(), primal.strides());
        for (p, z) in primal.iter().zip(&zero) {
            assert_eq!(z, &(0.0, p.1));
        }
    }
    assert_eq!(make_zero(&f).strides(), [1, 2]);

    let zero = make_zero(&permuted);
    assert_eq!(zero.strides(), [1, 12, 4]);

    assert_eq!(strided.strides(), [3]);
    let zero = make_zero(&strided);
    assert_eq!(zero.strides(), [3]);
    assert_eq!(zero, array![0.0, 0.0, 0.0]);

    assert_eq!(inverted.strides(), [1, -2]);
    let zero = make_zero(&inverted);
    assert_eq!(zero.strides(), [1, -2]);
    assert!(zero.iter().all(|&x| x == 0.0));
}

#[test]
fn make_zero_keeps_each_element_in_its_place() {
    // Elements of different structure, so a misplaced element fails the check.
    let shape = |(i, j): (usize, usize)| vec![1.0_f64; 1 + 3 * i + j];
    let mut negative = Array2::from_shape_fn((2, 3).f(), shape);
    negative.invert_axis(Axis(0));
    let strided = Array2::from_shape_fn((4, 6), shape).slice_move(s![..;2, 1..;2]);
    assert!(strided.as_slice_memory_order().is_none());
    for primal in [
        Array2::from_shape_fn((2, 3), shape),
        Array2::from_shape_fn((2, 3).f(), shape),
        negative,
        strided,
    ] {
        let zero = make_zero(&primal);
        assert_eq!(zero.strides(), primal.strides());
        for (p, z) in primal.iter().zip(&zero) {
            assert_eq!(z, &vec![0.0; p.len()]);
        }
    }
}

#[test]
fn set_zero_does_not_reallocate() {
    let mut grad = Array2::from_shape_fn((3, 2).f(), |(i, j)| (i + j) as f32 + 0.5);
    let before = grad.as_ptr();
    set_zero(&mut grad);
    assert_eq!(grad.as_ptr(), before);
    assert_eq!(grad.strides(), [1, 3]);
    assert!(grad.iter().all(|&x| x == 0.0));

    let mut nested = array![vec![1.0_f64, 2.0], vec![3.0]];
    let inner = nested[1].as_ptr();
    nested.set_zero();
    assert_eq!(nested, array![vec![0.0, 0.0], vec![0.0]]);
    assert_eq!(nested[1].as_ptr(), inner);
}

#[test]
fn floats_are_visited_in_logical_order_for_every_layout() {
    let c = Array2::from_shape_fn((2, 3), |(i, j)| (3 * i + j) as f64);
    let f = Array2::from_shape_fn((2, 3).f(), |(i, j)| (3 * i + j) as f64);
    let expected = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
    assert_eq!(floats(&c), expected);
    assert_eq!(floats(&f), expected);

    let mut doubled = f.clone();
    doubled.visit_floats_mut(&mut |mut leaf| {
        let x = leaf.get();
        leaf.set(2.0 * x);
    });
    assert_eq!(doubled, &f * 2.0);
}

#[test]
fn a_standard_layout_array_is_one_slice_and_other_layouts_go_element_by_element() {
    let c = Array2::from_shape_fn((2, 3), |(i, j)| (3 * i + j) as f64);
    let f = Array2::from_shape_fn((2, 3).f(), |(i, j)| (3 * i + j) as f64);
    let mut lengths = Vec::new();
    Array2::zip_floats([&c, &c], [], &mut |lanes| lengths.push(lanes.len()));
    assert_eq!(lengths, [6]);
    lengths.clear();
    Array2::zip_floats([&f], [], &mut |lanes| lengths.push(lanes.len()));
    assert_eq!(lengths, [1; 6]);

    // y = a + b, pairing elements by multi-index whatever the layouts.
    let mut y = Array2::<f64>::zeros((2, 3));
    Array2::zip_floats([&c, &f], [&mut y], &mut |lanes| {
        lanes.for_each(|[a, b], [mut y]| y.set(a + b));
    });
    assert_eq!(y, &c * 2.0);
    assert_eq!(c.leaf_count(), 6);

    // Other shapes: nothing walked.
    let mut calls = 0;
    Array2::zip_floats([&c, &Array2::zeros((3, 2))], [], &mut |_| calls += 1);
    assert_eq!(calls, 0);

    let mut zeroed = f.clone();
    zeroed.set_zero();
    assert_eq!(zeroed.strides(), [1, 2]);
    assert!(zeroed.iter().all(|&x| x == 0.0));
}

#[test]
fn array_copies_keep_the_layout_and_paths_are_logical_indices() {
    let f = Array2::from_shape_fn((2, 3).f(), |(i, j)| (3 * i + j) as f64);
    let copy = f.copy_boxed();
    assert_eq!((*copy).clone(), f);
    assert_eq!(copy.strides(), f.strides());

    let mut target = Array2::<f64>::zeros((2, 3).f());
    let before = target.as_ptr();
    target.copy_from(&f);
    assert_eq!(
        (target.as_ptr(), &target),
        (before, &f),
        "same layout: in place"
    );
    let mut other_shape = Array2::<f64>::zeros((3, 3));
    other_shape.copy_from(&f);
    assert_eq!(other_shape, f);
    assert_eq!(other_shape.strides(), f.strides());

    let nested = array![vec![1.0_f64], vec![2.0, 3.0]];
    let mut path = Vec::new();
    assert!(nested.leaf_path(2, &mut path));
    assert_eq!(path, [PathSegment::Index(1), PathSegment::Index(1)]);
    let mut path = Vec::new();
    assert!(f.leaf_path(4, &mut path));
    assert_eq!(path, [PathSegment::Index(4)]);
    assert!(!f.leaf_path(6, &mut path));

    let mut calls = 0;
    Array1::zip_floats([&array![1.0_f32, 2.0]], [], &mut |lanes| {
        calls += 1;
        assert!(matches!(lanes, Lanes::F32 { .. }));
    });
    assert_eq!(calls, 1);
}

#[test]
fn storage_outside_the_elements_is_why_arrays_are_not_shadow_checked() {
    // An array sliced in place keeps its whole `Vec`, which `&self` does not
    // expose: two arrays of one shape and strides can own storages of
    // different lengths, which safe code then reads whole. Should ndarray
    // ever expose it, compare it and implement `ShadowCheck` again.
    let sliced = Array1::from(vec![1.0_f64, 2.0, 3.0, 4.0]).slice_move(s![1..3]);
    let fresh = Array1::<f64>::zeros(2);
    assert_eq!(
        (sliced.shape(), sliced.strides()),
        (fresh.shape(), fresh.strides())
    );
    let (storage, offset) = sliced.into_raw_vec_and_offset();
    assert_eq!((storage.len(), offset), (4, Some(1)));
    let (storage, offset) = fresh.into_raw_vec_and_offset();
    assert_eq!((storage.len(), offset), (2, Some(0)));
}

mod derivatives {
    use autodiff_safe::autodiff_reverse;
    use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ShapeBuilder, array};

    /// `sum_i c_i w_i^2`, through ndarray's arithmetic. ndarray's arrays do
    /// not implement `ShadowCheck`, so the differentiated weights come as a
    /// slice, which is checked, and are viewed as an array inside.
    #[autodiff_reverse(d_weighted_sq, Duplicated, Const, Active)]
    fn weighted_sq(w: &[f64], c: &Array1<f64>) -> f64 {
        let w = ArrayView1::from(w);
        (&w * &w * c).sum()
    }

    /// `x^T A x` with `A` differentiated, its elements in memory order.
    #[autodiff_reverse(d_quad, Duplicated, Const, Active)]
    fn quad(a: &[f64], x: &Array1<f64>) -> f64 {
        let a = ArrayView2::from_shape((2, 2).f(), a).expect("a 2 x 2 matrix");
        x.dot(&a.dot(x))
    }

    #[test]
    fn a_derivative_over_array_storage_is_checked_and_computes_the_gradient() {
        let w = array![1.0_f64, -2.0, 0.5];
        let c = array![3.0, 1.0, 4.0];
        let mut dw = vec![0.0; 3];
        let value = d_weighted_sq(w.as_slice().unwrap(), &mut dw, &c, 1.0);
        assert_eq!(value, 3.0 + 4.0 + 1.0);
        for (g, expected) in dw.iter().zip([6.0, -4.0, 4.0]) {
            assert!((g - expected).abs() < 1e-7, "{g} vs {expected}");
        }
        let mut short = vec![7.0; 2];
        let err = try_d_weighted_sq(w.as_slice().unwrap(), &mut short, &c, 1.0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "d_weighted_sq: shadow `dw_0` does not match its primal `w` at `w`: \
             primal has length 3, shadow has length 2"
        );
        assert_eq!(short, [7.0, 7.0]);
    }

    #[test]
    fn a_fortran_order_matrix_gets_its_gradient_through_its_memory_order_slice() {
        // d(x^T A x)/dA = x x^T, whatever A's memory order.
        let a = Array2::from_shape_fn((2, 2).f(), |(i, j)| (i + 2 * j) as f64);
        let x = array![1.0_f64, 3.0];
        let mut da = Array2::<f64>::zeros((2, 2).f());
        let value = d_quad(
            a.as_slice_memory_order().unwrap(),
            da.as_slice_memory_order_mut().unwrap(),
            &x,
            1.0,
        );
        assert_eq!(value, x.dot(&a.dot(&x)));
        let expected = array![[1.0, 3.0], [3.0, 9.0]];
        for (g, e) in da.iter().zip(&expected) {
            assert!((g - e).abs() < 1e-6, "{g} vs {e}");
        }
    }
}

#[test]
fn arrays_nest_inside_types_deriving_float_tree() {
    #[derive(autodiff_safe::FloatTree)]
    struct Layer {
        w: Array2<f64>,
        b: Array1<f64>,
    }
    let layer = Layer {
        w: Array::ones((2, 3)),
        b: Array::ones(2),
    };
    let grad = make_zero(&layer);
    assert_eq!(
        (grad.w.shape(), grad.b.shape()),
        ([2, 3].as_slice(), [2].as_slice())
    );
    assert!(grad.w.iter().chain(&grad.b).all(|&x| x == 0.0));
}
