// Red team, class 1 (issue 17): a `String` passed `Const` by value is a std
// owner; must be refused at compile time.
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[autodiff_safe::autodiff_forward(d_f, Dual, Const, Dual)]
fn f(x: &mut Vec<f64>, name: String) -> f64 {
    x[0] * name.len() as f64
}

fn main() {}
