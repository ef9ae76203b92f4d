//! `ShadowCheck` for nalgebra's owned matrices and vectors (feature `nalgebra`).
#![cfg(feature = "nalgebra")]
#![allow(
    clippy::float_cmp,
    clippy::cast_precision_loss,
    reason = "zeroed and exactly representable floats are compared exactly on purpose; the indices cast to floats are small"
)]

use autodiff_core::__private::reference::floats;
use autodiff_core::{FloatTree, Mismatch, PathSegment, ShadowCheck, check, make_zero, set_zero};
use nalgebra::{
    DMatrix, DVector, Dyn, Matrix2x3, Matrix3, OMatrix, RowDVector, SMatrix, U2, U3, Vector3,
};

fn message<T: ShadowCheck>(primal: &T, shadow: &T) -> String {
    check(primal, shadow).unwrap_err().to_string()
}

#[test]
fn dynamic_matrices_compare_their_shapes() {
    let w = DMatrix::<f64>::from_element(2, 3, 1.0);
    assert!(check(&w, &DMatrix::zeros(2, 3)).is_ok());
    let err = check(&w, &DMatrix::zeros(3, 2)).unwrap_err();
    assert_eq!(
        err.mismatch(),
        &Mismatch::Shape {
            primal: vec![2, 3],
            shadow: vec![3, 2]
        }
    );
    assert_eq!(
        err.for_argument("w").to_string(),
        "shadow does not match its primal at `w`: primal has shape [2, 3], shadow has shape [3, 2]"
    );
    assert_eq!(
        message(&DVector::<f64>::zeros(3), &DVector::zeros(1)),
        "shadow does not match its primal: primal has shape [3, 1], shadow has shape [1, 1]"
    );
    assert_eq!(
        message(&RowDVector::<f64>::zeros(3), &RowDVector::zeros(4)),
        "shadow does not match its primal: primal has shape [1, 3], shadow has shape [1, 4]"
    );
    const { assert!(!<DMatrix<f64> as ShadowCheck>::CHECK_IS_NOOP) };
}

#[test]
fn mixed_static_and_dynamic_matrices_compare_the_dynamic_side() {
    let tall = OMatrix::<f64, Dyn, U3>::zeros(4);
    assert!(check(&tall, &OMatrix::<f64, Dyn, U3>::zeros(4)).is_ok());
    assert_eq!(
        message(&tall, &OMatrix::<f64, Dyn, U3>::zeros(2)),
        "shadow does not match its primal: primal has shape [4, 3], shadow has shape [2, 3]"
    );
    let wide = OMatrix::<f64, U2, Dyn>::zeros(5);
    assert_eq!(make_zero(&wide).shape(), (2, 5));
    assert_eq!(
        message(&wide, &OMatrix::<f64, U2, Dyn>::zeros(1)),
        "shadow does not match its primal: primal has shape [2, 5], shadow has shape [2, 1]"
    );
}

#[test]
fn elements_are_checked_in_column_major_order() {
    // Element (r, c) has r + 2c + 1 entries; (0, 1) is linear index 2.
    let primal = DMatrix::from_fn(2, 2, |r, c| vec![1.0_f64; r + 2 * c + 1]);
    let mut shadow = make_zero(&primal);
    assert!(check(&primal, &shadow).is_ok());
    shadow[(0, 1)].push(0.0);
    let err = check(&primal, &shadow).unwrap_err();
    assert_eq!(err.path(), "[2]");
    assert_eq!(
        err.for_argument("m").to_string(),
        "shadow does not match its primal at `m[2]`: primal has length 3, shadow has length 4"
    );

    let primal = SMatrix::<Vec<f64>, 2, 2>::from_fn(|r, c| vec![1.0; r + 2 * c + 1]);
    let mut shadow = make_zero(&primal);
    assert!(check(&primal, &shadow).is_ok());
    shadow[(1, 0)].clear();
    assert_eq!(
        message(&primal, &shadow),
        "shadow does not match its primal at `[1]`: primal has length 2, shadow has length 0"
    );
    const { assert!(!<SMatrix<Vec<f64>, 2, 2> as ShadowCheck>::CHECK_IS_NOOP) };
}

#[test]
fn static_matrices_of_floats_need_no_check() {
    const { assert!(<Matrix3<f64> as ShadowCheck>::CHECK_IS_NOOP) };
    const { assert!(<Vector3<f32> as ShadowCheck>::CHECK_IS_NOOP) };
    let m = Matrix2x3::new(1.0_f64, 2.0, 3.0, 4.0, 5.0, 6.0);
    assert!(check(&m, &Matrix2x3::zeros()).is_ok());
    assert_eq!(make_zero(&m), Matrix2x3::zeros());
}

#[test]
fn make_zero_keeps_shapes_and_copies_non_floats() {
    let m = DMatrix::from_fn(3, 2, |r, c| (r as f64 + 0.5, 10 * r + c));
    let zero = make_zero(&m);
    assert_eq!(zero.shape(), (3, 2));
    assert!(check(&m, &zero).is_ok());
    assert_eq!(zero, DMatrix::from_fn(3, 2, |r, c| (0.0, 10 * r + c)));
    let v = Vector3::new((1.0_f32, true), (2.0, false), (3.0, true));
    assert_eq!(
        make_zero(&v),
        Vector3::new((0.0, true), (0.0, false), (0.0, true))
    );
}

#[test]
fn set_zero_does_not_reallocate() {
    let mut grad = DMatrix::from_element(3, 4, 0.25_f64);
    let before = grad.as_ptr();
    set_zero(&mut grad);
    assert_eq!(grad.as_ptr(), before);
    assert_eq!(grad, DMatrix::zeros(3, 4));

    let mut fixed = Matrix3::<f32>::repeat(2.0);
    fixed.set_zero();
    assert_eq!(fixed, Matrix3::zeros());
}

#[test]
fn floats_are_visited_in_column_major_order() {
    let m = DMatrix::from_row_slice(2, 3, &[1.0_f64, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert_eq!(floats(&m), [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    let s = Matrix2x3::new(1.0_f64, 2.0, 3.0, 4.0, 5.0, 6.0);
    assert_eq!(floats(&s), [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);

    let mut doubled = m.clone();
    doubled.visit_floats_mut(&mut |mut leaf| {
        let x = leaf.get();
        leaf.set(2.0 * x);
    });
    assert_eq!(doubled, &m * 2.0);
}

#[test]
fn matrices_are_one_slice_copied_and_named_by_column_major_index() {
    let m = DMatrix::from_row_slice(2, 3, &[1.0_f64, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let mut lengths = Vec::new();
    DMatrix::zip_floats([&m, &m], [], &mut |lanes| lengths.push(lanes.len()));
    assert_eq!(lengths, [6]);
    let mut calls = 0;
    DMatrix::zip_floats([&m, &DMatrix::zeros(3, 2)], [], &mut |_| calls += 1);
    assert_eq!(calls, 0, "other shapes are not walked");

    let mut target = DMatrix::<f64>::zeros(1, 1);
    FloatTree::copy_from(&mut target, &m);
    assert_eq!(target, m);
    assert_eq!(*m.copy_boxed(), m);
    let mut path = Vec::new();
    assert!(m.leaf_path(1, &mut path));
    assert_eq!(path, [PathSegment::Index(1)]);

    let s = Matrix2x3::new(1.0_f64, 2.0, 3.0, 4.0, 5.0, 6.0);
    let mut sum = Matrix2x3::<f64>::zeros();
    Matrix2x3::zip_floats([&s, &s], [&mut sum], &mut |lanes| {
        lanes.for_each(|[a, b], [mut sum]| sum.set(a + b));
    });
    assert_eq!(sum, s * 2.0);
    let mut fixed = Matrix2x3::<f64>::zeros();
    FloatTree::copy_from(&mut fixed, &s);
    assert_eq!(fixed, s);
    assert_eq!(s.leaf_count(), 6);
}

mod derivatives {
    use autodiff_core::make_zero;
    use autodiff_safe::autodiff_reverse;
    use nalgebra::{DMatrix, DVector, Matrix2, Vector2};

    /// `|A x - b|^2` with `A` differentiated.
    #[autodiff_reverse(d_residual, Duplicated, Const, Const, Active)]
    fn residual(a: &DMatrix<f64>, x: &DVector<f64>, b: &DVector<f64>) -> f64 {
        (a * x - b).norm_squared()
    }

    /// `x^T M x` for a static matrix.
    #[autodiff_reverse(d_quad, Duplicated, Const, Active)]
    fn quad(m: &Matrix2<f64>, x: &Vector2<f64>) -> f64 {
        x.dot(&(m * x))
    }

    #[test]
    fn dynamic_matrix_gradient() {
        // d|Ax - b|^2 / dA = 2 (Ax - b) x^T.
        let a = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 0.5, -1.0]);
        let x = DVector::from_vec(vec![1.0, 2.0]);
        let b = DVector::from_vec(vec![1.0, 1.0]);
        let mut da = make_zero(&a);
        let value = d_residual(&a, &mut da, &x, &b, 1.0);
        let r = &a * &x - &b;
        assert_eq!(value, r.norm_squared());
        let expected = 2.0 * &r * x.transpose();
        for (g, e) in da.iter().zip(expected.iter()) {
            assert!((g - e).abs() < 1e-6, "{g} vs {e}");
        }
    }

    #[test]
    fn static_matrix_gradient() {
        let m = Matrix2::new(1.0, 2.0, 3.0, 4.0);
        let x = Vector2::new(1.0, -1.0);
        let mut dm = Matrix2::zeros();
        let _ = d_quad(&m, &mut dm, &x, 1.0);
        let expected = x * x.transpose();
        for (g, e) in dm.iter().zip(expected.iter()) {
            assert!((g - e).abs() < 1e-6, "{g} vs {e}");
        }
    }

    #[test]
    fn a_wrong_shadow_is_refused_before_anything_is_written() {
        let a = DMatrix::from_element(2, 2, 1.0);
        let x = DVector::from_element(2, 1.0);
        let mut wrong = DMatrix::from_element(2, 1, 7.0);
        let err = try_d_residual(&a, &mut wrong, &x, &x, 1.0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "d_residual: shadow `da_0` does not match its primal `a` at `a`: \
             primal has shape [2, 2], shadow has shape [2, 1]"
        );
        assert_eq!(wrong, DMatrix::from_element(2, 1, 7.0));
    }
}

#[test]
fn matrices_nest_inside_derived_types() {
    #[derive(autodiff_safe::ShadowCheck)]
    struct Affine {
        w: DMatrix<f64>,
        b: DVector<f64>,
        scale: Vector3<f64>,
    }
    let affine = Affine {
        w: DMatrix::zeros(2, 3),
        b: DVector::zeros(2),
        scale: Vector3::zeros(),
    };
    let mut grad = make_zero(&affine);
    assert!(check(&affine, &grad).is_ok());
    grad.w = DMatrix::zeros(3, 2);
    assert_eq!(
        check(&affine, &grad)
            .unwrap_err()
            .for_argument("affine")
            .to_string(),
        "shadow does not match its primal at `affine.w`: primal has shape [2, 3], shadow has shape [3, 2]"
    );
}

#[test]
fn mixed_types_round_trip_through_the_float_walk() {
    let m = OMatrix::<f64, U2, Dyn>::from_fn(3, |r, c| (r * 3 + c) as f64);
    let mut copy = make_zero(&m);
    let leaves = floats(&m);
    let mut source = leaves.iter();
    copy.visit_floats_mut(&mut |mut leaf| leaf.set(*source.next().unwrap()));
    assert_eq!(copy, m);
}

#[test]
fn a_writable_matrix_shadow_needs_the_storage_capacity() {
    use autodiff_core::AllocationWalk;
    let mut storage = Vec::with_capacity(10);
    storage.extend([1.0_f64, 2.0, 3.0, 4.0]);
    let m = DMatrix::from_vec(2, 2, storage);
    let tight = DMatrix::<f64>::zeros(2, 2);
    assert_eq!(
        m.check_shadow(&tight).unwrap_err().mismatch(),
        &Mismatch::Capacity {
            primal: 10,
            shadow: 4
        }
    );
    assert!(m.check_shadow_shared(&tight).is_ok());
    let zero = make_zero(&m);
    assert_eq!(zero.data.as_vec().capacity(), 10);
    assert!(m.check_shadow(&zero).is_ok());
    // The storage `Vec` is an allocation of the walk.
    assert!(
        m.walk_allocations(&zero, &mut AllocationWalk::shared())
            .is_ok()
    );
    assert_eq!(
        m.walk_allocations(&m, &mut AllocationWalk::shared())
            .unwrap_err()
            .mismatch(),
        &Mismatch::SharedAllocation
    );
    const {
        assert!(<DMatrix<f64> as ShadowCheck>::ALLOCATIONS_WALKED);
        assert!(<nalgebra::Matrix3<f64> as ShadowCheck>::OWNS_NO_ALLOCATIONS);
    }
}
