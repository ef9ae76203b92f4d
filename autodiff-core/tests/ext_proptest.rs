//! Property tests of the ndarray and nalgebra impls over random shapes and
//! memory layouts (features `ndarray` and `nalgebra`; each part runs when its
//! feature is on).
#![cfg(any(feature = "ndarray", feature = "nalgebra"))]
#![allow(
    clippy::float_cmp,
    clippy::cast_precision_loss,
    reason = "zeroed and exactly representable floats are compared exactly on purpose; the indices cast to floats are small"
)]

#[cfg(feature = "ndarray")]
mod ndarray_layouts {
    use autodiff_core::__private::reference::floats;
    // ndarray's arrays implement `FloatTree` only (not `ShadowCheck`, see
    // the `ndarray` module): these properties are of the zeros and walks.
    use autodiff_core::{FloatTree, make_zero, set_zero};
    use ndarray::{ArrayD, IxDyn, ShapeBuilder, Slice};
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;

    /// How to turn a fresh array into the primal: memory order, then per axis
    /// a slice `start..` with `step` (negative steps reverse), then a
    /// permutation of the axes.
    #[derive(Debug, Clone)]
    struct Layout {
        dims: Vec<usize>,
        fortran: bool,
        slices: Vec<(usize, isize)>,
        permutation: Vec<usize>,
    }

    fn layouts() -> impl Strategy<Value = Layout> {
        (1_usize..=4)
            .prop_flat_map(|ndim| {
                (
                    prop::collection::vec(0_usize..=5, ndim),
                    any::<bool>(),
                    prop::collection::vec(
                        (0_usize..=2, prop_oneof![-3_isize..=-1, 1_isize..=3]),
                        ndim,
                    ),
                    Just((0..ndim).collect::<Vec<_>>()).prop_shuffle(),
                )
            })
            .prop_map(|(dims, fortran, slices, permutation)| Layout {
                dims,
                fortran,
                slices,
                permutation,
            })
    }

    /// The primal of `layout`, with element `k` (in the fresh array's logical
    /// order) built by `element(k)`.
    fn build<A>(layout: &Layout, element: impl FnMut(usize) -> A) -> ArrayD<A> {
        let size = layout.dims.iter().product();
        let values: Vec<A> = (0..size).map(element).collect();
        let shape = IxDyn(&layout.dims).set_f(layout.fortran);
        let mut array = ArrayD::from_shape_vec(shape, values).unwrap();
        array.slice_each_axis_inplace(|axis| {
            let (start, step) = layout.slices[axis.axis.index()];
            Slice::new(start.min(axis.len).cast_signed(), None, step)
        });
        array.permuted_axes(IxDyn(&layout.permutation))
    }

    proptest! {
        #[test]
        fn make_zero_is_a_zero_shadow_with_the_primal_strides(layout in layouts()) {
            let primal = build(&layout, |k| k as f64 + 1.0);
            let zero = make_zero(&primal);
            prop_assert_eq!(zero.shape(), primal.shape());
            if !primal.is_empty() {
                prop_assert_eq!(zero.strides(), primal.strides());
            }
            prop_assert!(zero.iter().all(|&x| x == 0.0));
        }

        #[test]
        fn the_float_walk_is_the_logical_order_on_both_sides(layout in layouts()) {
            let primal = build(&layout, |k| k as f64 * 0.5);
            let leaves = floats(&primal);
            prop_assert_eq!(&leaves, &primal.iter().copied().collect::<Vec<_>>());
            // Writing the primal's leaves into its zero shadow in walk order
            // reproduces the primal.
            let mut copy = make_zero(&primal);
            let mut source = leaves.iter();
            copy.visit_floats_mut(&mut |mut leaf| leaf.set(*source.next().unwrap()));
            prop_assert!(source.next().is_none());
            prop_assert_eq!(&copy, &primal);
        }

        #[test]
        fn set_zero_zeroes_in_place(layout in layouts()) {
            let mut grad = build(&layout, |k| k as f32 - 3.0);
            let (before, strides) = (grad.as_ptr(), grad.strides().to_vec());
            set_zero(&mut grad);
            prop_assert_eq!(grad.as_ptr(), before);
            prop_assert_eq!(grad.strides(), &strides[..]);
            prop_assert!(grad.iter().all(|&x| x == 0.0));
        }

    }

    #[test]
    fn the_layouts_cover_what_they_should() {
        // Guards the generator: negative strides, gaps and permutations all
        // occur in the layouts used above.
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let (mut negative, mut strided, mut permuted) = (false, false, false);
        for _ in 0..256 {
            let layout = layouts().new_tree(&mut runner).unwrap().current();
            let array = build(&layout, |k| k);
            if array.is_empty() {
                continue;
            }
            negative |= array.strides().iter().any(|&s| s < 0);
            strided |= array.as_slice_memory_order().is_none();
            permuted |= !array.is_standard_layout() && !array.t().is_standard_layout();
        }
        assert!(negative && strided && permuted);
    }
}

#[cfg(feature = "nalgebra")]
mod nalgebra_shapes {
    use autodiff_core::__private::reference::floats;
    use autodiff_core::{Mismatch, check, make_zero};
    use nalgebra::DMatrix;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn make_zero_passes_and_other_shapes_do_not(
            (rows, cols) in (0_usize..6, 0_usize..6),
            (other_rows, other_cols) in (0_usize..6, 0_usize..6),
        ) {
            let m = DMatrix::from_fn(rows, cols, |r, c| (r * 7 + c) as f64);
            let zero = make_zero(&m);
            prop_assert!(check(&m, &zero).is_ok());
            prop_assert_eq!(zero, DMatrix::zeros(rows, cols));
            let other = DMatrix::<f64>::zeros(other_rows, other_cols);
            let result = check(&m, &other);
            if (rows, cols) == (other_rows, other_cols) {
                prop_assert!(result.is_ok());
            } else {
                let err = result.unwrap_err();
                prop_assert_eq!(err.mismatch(), &Mismatch::Shape {
                    primal: vec![rows, cols],
                    shadow: vec![other_rows, other_cols],
                });
            }
        }

        #[test]
        fn the_float_walk_is_column_major(rows in 0_usize..6, cols in 0_usize..6) {
            let m = DMatrix::from_fn(rows, cols, |r, c| (r * 7 + c) as f64);
            prop_assert_eq!(floats(&m), m.as_slice().to_vec());
        }
    }
}
