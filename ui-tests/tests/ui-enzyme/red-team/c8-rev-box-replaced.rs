// Red team, class 8 (issue 17): reverse mode, a fresh allocation stored into
// a `Duplicated` `&mut Box<f64>` leaves the caller's shadow dangling. Must be
// refused at compile time, naming `b` and offering `&T`, `&mut [f64]` or
// `unsafe(Duplicated)`.
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[autodiff_safe::autodiff_reverse(d_f, Duplicated, Active)]
fn f(b: &mut Box<f64>) -> f64 {
    let s = **b * 2.0;
    *b = Box::new(0.5);
    s
}

fn main() {}
