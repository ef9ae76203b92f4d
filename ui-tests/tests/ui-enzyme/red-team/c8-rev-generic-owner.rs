// Red team, class 8 (issue 17): a generic `&mut T` `Duplicated` in reverse
// mode, instantiated with `Vec<f64>`: the rule must hold for generics too.
#![feature(autodiff)]
#![forbid(unsafe_code)]

#[autodiff_safe::autodiff_reverse(d_f, Duplicated, Active)]
fn f<T: autodiff_safe::ShadowCheck + Default>(x: &mut T) -> f64 {
    *x = T::default();
    1.0
}

fn main() {
    let (mut x, mut dx) = (vec![1.0_f64], vec![0.0_f64]);
    let _ = d_f(&mut x, &mut dx, 1.0);
}
