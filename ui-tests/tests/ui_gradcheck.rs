//! Every compile-pass program again, with the `gradcheck` feature on: the
//! companions `gradcheck_d_f` must be as hygienic as the derivatives
//! (`#![no_implicit_prelude]`, parameters named like their locals).
//!
//! `cargo test -p autodiff-safe-ui-tests --features gradcheck --test ui_gradcheck`
//! (and with `enzyme` too in the Enzyme tier).
#![cfg(feature = "gradcheck")]

#[test]
fn pass_with_gradcheck() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/pass/*.rs");
}
