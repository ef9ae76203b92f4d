// Red team, stable tier (the reference backend expands the same macros).
// class 7 (issue 17): `#[shadow(unsafe(skip))]` is an opt-out of a
// check; under `#![forbid(unsafe_code)]` it must trip the `unsafe_code`
// lint, spanned on the user's `unsafe`.
#![forbid(unsafe_code)]

#[derive(autodiff_safe::ShadowCheck)]
pub struct S {
    pub w: Vec<f64>,
    #[shadow(unsafe(skip))]
    pub hidden: Vec<f64>,
}

fn main() {}
