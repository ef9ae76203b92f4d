//! The red team's compile-time refusals that are reachable on stable too
//! (issue 17, classes 4 to 7: decisions the macros take, whatever the
//! backend). The Enzyme tier runs the full set in `ui_enzyme.rs`; the table
//! is in SOUNDNESS.md.
//!
//! `cargo test -p autodiff-safe-ui-tests --test ui_red_team_stable`
//! (`TRYBUILD=overwrite` writes the `.stderr` files; read each one.)

#[test]
fn ui_red_team_stable() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui-red-team-stable/*.rs");
}
