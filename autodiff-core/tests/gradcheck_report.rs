//! Gradcheck's reports: which leaf is the worst, how a report reads, and
//! what the options mean.
#![cfg(feature = "gradcheck")]

use autodiff_core::gradcheck::{Check, Mode, Report, current_options};

#[test]
fn a_nan_worst_leaf_is_printed_once() {
    let mut report = Report::compared_for("d_f");
    report.compare_leaf(|| "x[0]".into(), f64::NAN, 1.0, false);
    let text = report.to_string();
    assert_eq!(text.matches("`x[0]`").count(), 1, "{text}");
}

#[test]
fn the_worst_is_a_non_finite_derivative_then_the_largest_error_then_the_first() {
    let mut report = Report::compared_for("d_f");
    // A correct leaf whose reference overflowed, after the bad derivative:
    // max_by would have named the last non-finite one.
    report.compare_leaf(|| "bad".into(), f64::INFINITY, 2.0, false);
    report.compare_leaf(|| "overflowed".into(), 2.0, f64::INFINITY, false);
    assert_eq!(report.worst().unwrap().path, "bad");

    let mut report = Report::compared_for("d_f");
    report.compare_leaf(|| "ref_a".into(), 1.0, f64::NAN, false);
    report.compare_leaf(|| "ref_b".into(), 1.0, f64::NAN, false);
    assert_eq!(report.worst().unwrap().path, "ref_a");

    let mut report = Report::compared_for("d_f");
    report.compare_leaf(|| "first".into(), 3.0, 1.0, false);
    report.compare_leaf(|| "second".into(), 3.0, 1.0, false);
    report.compare_leaf(|| "small".into(), 1.5, 1.0, false);
    assert_eq!(report.worst().unwrap().path, "first");
}

#[test]
fn a_report_that_compared_nothing_says_what_it_found() {
    let mut report = Report::not_compared("d_f");
    report.compare_leaf(|| "x[0]".into(), f64::NAN, f64::NAN, false);
    report.compare_leaf(|| "x[1]".into(), 1.0, 1.0, false);
    let text = report.to_string();
    assert!(
        text.starts_with(
            "gradcheck d_f: 1 of 2 leaves are not finite (not compared with a reference: \
             reference backend)"
        ),
        "{text}"
    );
    assert!(!text.contains("failed"), "{text}");
}

#[test]
fn a_seed_alone_only_seeds() {
    assert_eq!(Check::new().seed(3).run(current_options).mode, Mode::Full);
    assert_eq!(
        Check::new().seed(3).fast(5).run(current_options).mode,
        Mode::Fast {
            directions: 5,
            seed: 3
        }
    );
    assert_eq!(
        Check::new().fast(5).seed(3).run(current_options).mode,
        Mode::Fast {
            directions: 5,
            seed: 3
        }
    );
}
