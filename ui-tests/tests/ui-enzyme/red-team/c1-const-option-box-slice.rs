// Red team, class 1 (issue 17): `Option<Box<[f64]>>` behind `&mut`, `Const`:
// an owner inside an `Option`; must be refused at compile time.
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[autodiff_safe::autodiff_forward(d_f, Dual, Const, Dual)]
fn f(x: &mut Vec<f64>, c: &mut Option<Box<[f64]>>) -> f64 {
    x[0] * c.as_ref().map_or(1.0, |c| c[0])
}

fn main() {}
