// Red team, class 7 (issue 17): `unsafe(Duplicated)` makes the derivative an
// `unsafe fn`; under `#![forbid(unsafe_code)]` the activity itself must trip
// the `unsafe_code` lint, spanned on the user's `unsafe`.
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[autodiff_safe::autodiff_reverse(d_f, unsafe(Duplicated), Active)]
fn f(x: &[f64]) -> f64 {
    x[0] * x[0]
}

fn main() {}
