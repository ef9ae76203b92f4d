// Red team control (issue 17): `&mut [f64]`, arrays, floats and derived
// structs of them stay safe `Duplicated` arguments in reverse mode. This
// case must keep failing only on the deliberate type error at the end,
// never on a refusal of `f`.
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[derive(autodiff_safe::ShadowCheck)]
pub struct P {
    pub a: [f64; 3],
    pub b: f64,
}

#[autodiff_safe::autodiff_reverse(d_f, Duplicated, Duplicated, Active)]
fn f(x: &mut [f64], p: &mut P) -> f64 {
    x[0] *= 2.0;
    p.a[1] * p.b + x[0]
}

fn main() {
    let deliberate_type_error: () = 0_u8;
}
