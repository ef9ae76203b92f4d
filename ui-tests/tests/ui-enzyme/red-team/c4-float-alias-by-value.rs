// Red team, class 4 (issue 17): an alias named `f64` steers the attribute's
// by-value float path; the by-value path must be bounded by the sealed
// `Float`, so a non-float type is refused.
#![feature(autodiff)]
#![forbid(unsafe_code)]

mod fake {
    #[allow(non_camel_case_types)]
    pub type f64 = Vec<core::primitive::f64>;
}

// Imported, so that it is written as the single segment the by-value float
// path looks for (`fake::f64`, a path, is not taken for a float).
use fake::f64;

#[autodiff_safe::autodiff_forward(d_f, Dual, Dual)]
fn f(x: f64) -> core::primitive::f64 {
    x[0] * 2.0
}

fn main() {}
