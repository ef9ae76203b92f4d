// A `Const` `Vec` behind `&mut`: the function could move its buffer into
// the differentiated `x` (`mem::swap(x, c)`), which Enzyme would then treat
// as its own shadow too, a double free.
use autodiff_safe::autodiff_forward;

#[autodiff_forward(d_f, Dual, Const, Dual)]
fn f(x: &mut Vec<f64>, c: &mut Vec<f64>) -> f64 {
    let s = x[0] * 2.0;
    std::mem::swap(x, c);
    s
}

fn main() {}
