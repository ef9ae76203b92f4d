// Reverse mode, a generic argument behind `&mut`: refused where it is
// instantiated with a type whose structure can change.
use autodiff_safe::{ShadowCheck, autodiff_reverse};

#[autodiff_reverse(d_f, Duplicated, Active)]
fn f<T: ShadowCheck + autodiff_safe::FloatTree>(x: &mut T) -> f64 {
    let _ = x;
    1.0
}

// Statics name the instantiations, so that they are compiled: a fixed array
// is accepted, a `Vec` refused.
pub static FIXED: fn(&mut [f64; 2], &mut [f64; 2], f64) -> f64 = d_f::<[f64; 2]>;
pub static GROWABLE: fn(&mut Vec<f64>, &mut Vec<f64>, f64) -> f64 = d_f::<Vec<f64>>;

fn main() {}
