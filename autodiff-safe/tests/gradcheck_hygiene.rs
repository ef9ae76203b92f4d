//! The gradcheck companions in a crate without the prelude, next to
//! parameters named like their locals, on both backends: with `enzyme` the
//! companion compares (and generates its fast-mode code), which trybuild's
//! pass cases cannot build, since they need the `enzyme` profile's fat LTO.
#![cfg(feature = "gradcheck")]
#![cfg_attr(feature = "enzyme", feature(autodiff))]
#![no_implicit_prelude]
#![allow(
    non_snake_case,
    clippy::too_many_arguments,
    reason = "std names shadows `d{name}_0`; one parameter per generated local"
)]

mod cases {
    use ::autodiff_safe::{autodiff_forward, autodiff_reverse};

    // The prelude's names, taken by user items the generated code must not
    // pick up.
    #[allow(dead_code, reason = "only their names matter")]
    pub struct Vec;
    #[allow(dead_code, reason = "only their names matter")]
    pub struct Option;
    #[allow(dead_code, reason = "only their names matter")]
    pub trait Iterator {}

    #[autodiff_reverse(
        d_rev, Duplicated, Const, Const, Const, Const, Const, Const, Const, Const, Const, Active
    )]
    pub fn rev(
        __fast: &[f64],
        __gradients: f64,
        __directions: f64,
        __values: f64,
        __lanes: f64,
        __run: f64,
        __still: f64,
        __moved: f64,
        __tolerance: f64,
        __kinks: f64,
    ) -> f64 {
        let sum = __gradients + __directions + __values + __lanes + __run + __still + __moved;
        __fast[0] * __fast[0] * (sum + __tolerance + __kinks)
    }

    #[autodiff_reverse(d_state, Duplicated, Const, Const, Const, Const, Active)]
    pub fn state(
        __a: &[f64],
        __b: &mut [f64],
        __name: f64,
        __candidate: f64,
        __report: f64,
    ) -> f64 {
        __b[0] = __a[0] * __name;
        __a[0] * __a[0] * (__candidate + __report)
    }

    #[autodiff_forward(d_fwd, Dual, Const, Const, Const, Dual)]
    pub fn fwd(__observer: &[f64], __options: f64, __value: f64, __error: f64) -> f64 {
        __observer[0] * __observer[0] * (__options + __value + __error)
    }
}

#[::core::prelude::v1::test]
fn companions_compile_and_run_without_the_prelude() {
    use ::autodiff_safe::gradcheck::{Check, Outcome};

    let expected = if ::core::cfg!(feature = "enzyme") {
        Outcome::Passed
    } else {
        Outcome::NotCompared {
            reason: "reference backend",
        }
    };
    for fast in [false, true] {
        let run = || {
            [
                cases::gradcheck_d_rev(
                    &[2.0],
                    &mut [0.0],
                    1.0,
                    1.0,
                    1.0,
                    1.0,
                    1.0,
                    1.0,
                    1.0,
                    1.0,
                    1.0,
                    1.0,
                ),
                cases::gradcheck_d_state(&[3.0], &mut [0.0], &mut [0.0], 2.0, 1.0, 1.0, 1.0),
                cases::gradcheck_d_fwd(&[2.0], &[1.0], 1.0, 1.0, 1.0),
            ]
        };
        let reports = if fast {
            Check::new().fast(2).run(run)
        } else {
            run()
        };
        for report in reports {
            ::std::assert_eq!(report.outcome(), expected, "{report}");
        }
    }
}
