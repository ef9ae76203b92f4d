// Red team, class 8 (issue 17): the same through a derived struct's field
// (`m.w = vec![..]`): the rule must be decided by the traits, not by names.
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[derive(autodiff_safe::ShadowCheck)]
pub struct Model {
    pub w: Vec<f64>,
}

#[autodiff_safe::autodiff_reverse(d_f, Duplicated, Active)]
fn f(m: &mut Model) -> f64 {
    let s = m.w[0] * 2.0;
    m.w = vec![0.0; 7];
    s
}

fn main() {}
