// Red team, class 1 in reverse mode (issue 17): a `Const` `&mut Vec` swapped
// into a `Duplicated` one. Must be refused at compile time.
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[autodiff_safe::autodiff_reverse(f_swap_d, Duplicated, Const, Active)]
fn f_swap(x: &mut Vec<f64>, c: &mut Vec<f64>) -> f64 {
    let s = x[0] * 2.0;
    std::mem::swap(x, c);
    s
}

fn main() {}
