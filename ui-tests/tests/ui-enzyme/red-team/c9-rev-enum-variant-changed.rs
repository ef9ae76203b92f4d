// Red team, class 9 (issue 17): reverse mode, changing the variant of a
// `Duplicated` enum behind `&mut` is an arbitrary write (the reverse pass
// reloads a pointer from memory the new variant overwrote). Must be refused
// at compile time.
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[derive(autodiff_safe::ShadowCheck)]
pub enum E {
    A(usize),
    B(Vec<f64>),
}

#[autodiff_safe::autodiff_reverse(d_f, Duplicated, Const, Active)]
fn f(e: &mut E, addr: usize) -> f64 {
    let s = match e {
        E::A(_) => 0.0,
        E::B(v) => v[0] * v[0],
    };
    *e = E::A(addr);
    s
}

fn main() {}
