//! The Enzyme tier's compile-fail cases (`tests/ui-enzyme/*.rs`): std's raw
//! derivatives, which the Enzyme backend keeps next to the checked ones,
//! cannot be called from safe code in any position the macros accept.
//!
//! `RUSTFLAGS=-Zautodiff=Enable cargo +nightly test -p autodiff-safe-ui-tests --features enzyme --test ui_enzyme`
//! (`TRYBUILD=overwrite` regenerates the nightly's `.stderr` files.)
#![cfg(feature = "enzyme")]

#[test]
fn ui_enzyme() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui-enzyme/*.rs");
}

/// The red team's compile-time refusals (issue 17; the table is in
/// SOUNDNESS.md): each case must be refused with the argument named and the
/// fix.
#[test]
fn ui_enzyme_red_team() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui-enzyme/red-team/*.rs");
}
