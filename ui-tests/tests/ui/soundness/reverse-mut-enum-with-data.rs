// Reverse mode, a derived enum whose variants carry data, behind `&mut`:
// `*e = E::A(addr)` made the reverse pass write the gradient at `addr`.
use autodiff_safe::{ShadowCheck, autodiff_reverse};

#[derive(ShadowCheck)]
enum E {
    A(usize),
    B(Vec<f64>),
}

#[autodiff_reverse(d_f, Duplicated, Const, Active)]
fn f(e: &mut E, addr: usize) -> f64 {
    let s = match e {
        E::A(_) => 0.0,
        E::B(v) => v[0] * v[0],
    };
    *e = E::A(addr);
    s
}

fn main() {}
