// Red team, stable tier (the reference backend expands the same macros).
// class 4 (issue 17): a user type declared `Scalar` and aliased as
// `f64`, so that a decision taken from the written name skips a field's
// check. `Scalar` must be sealed: the impl is refused.
#![forbid(unsafe_code)]

mod fake {
    #[derive(autodiff_safe::ShadowCheck, Clone, Debug)]
    pub struct V(pub Vec<f64>);
    impl autodiff_safe::__private_0_1::Scalar for V {}
    #[allow(non_camel_case_types)]
    pub type f64 = V;
}

#[derive(autodiff_safe::ShadowCheck)]
struct S {
    w: fake::f64,
}

fn main() {}
