// Red team, class 1 (issue 17): a `Const` `&mut Vec` whose buffer the
// function moves into a shadowed argument. Must be refused at compile time,
// naming `c` and offering `&mut [f64]`, `Dual`, or `unsafe(Const)`.
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[autodiff_safe::autodiff_forward(f_swap_d, Dual, Const, Dual)]
fn f_swap(x: &mut Vec<f64>, c: &mut Vec<f64>) -> f64 {
    let s = x[0] * 2.0;
    std::mem::swap(x, c);
    s
}

fn main() {}
