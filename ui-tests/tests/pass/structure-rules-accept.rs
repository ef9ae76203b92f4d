//! What the `Const` owner rule and the reverse-mode structure rule accept:
//! slices, arrays, fixed derived structs (fieldless enums included) behind
//! `&mut` in reverse mode; `Const` owners behind `&`; and the explicit
//! `unsafe(Const)` opt-out, an `unsafe fn`.

use autodiff_safe::{ShadowCheck, autodiff_forward, autodiff_reverse, make_zero};

#[derive(ShadowCheck, Clone, Copy)]
enum Activation {
    Identity,
    Double,
}

#[derive(ShadowCheck)]
struct Layer {
    w: [f64; 2],
    act: Activation,
    steps: u32,
}

#[autodiff_reverse(d_slice, Duplicated, Active)]
fn slice(x: &mut [f64]) -> f64 {
    x[0] *= 2.0;
    x[0] * x[1]
}

#[autodiff_reverse(d_array, Duplicated, Active)]
fn array(x: &mut [f64; 3]) -> f64 {
    x.iter().sum()
}

#[autodiff_reverse(d_layer, Duplicated, Const, Active)]
fn layer(l: &mut Layer, config: &Vec<f64>) -> f64 {
    l.steps += 1;
    let scale = match l.act {
        Activation::Identity => 1.0,
        Activation::Double => 2.0,
    };
    scale * (l.w[0] * config[0] + l.w[1])
}

#[autodiff_forward(d_scratch, Dual, Const, Dual)]
fn scratch(x: &[f64], work: &mut [f64]) -> f64 {
    work[0] = x[0] * 3.0;
    work[0]
}

// SAFETY: `pool` only clears `spare`; it moves no allocation out of it.
#[autodiff_forward(d_pool, Dual, unsafe(Const), Dual)]
fn pool(x: &mut Vec<f64>, spare: &mut Vec<f64>) -> f64 {
    spare.clear();
    x[0] * 2.0
}

fn main() {
    let mut x = [1.0, 3.0];
    let mut dx = [0.0, 0.0];
    assert_eq!(d_slice(&mut x, &mut dx, 1.0), 6.0);

    let mut a = [1.0, 2.0, 3.0];
    let mut da = [0.0; 3];
    assert_eq!(d_array(&mut a, &mut da, 1.0), 6.0);

    let mut l = Layer {
        w: [1.0, 2.0],
        act: Activation::Double,
        steps: 0,
    };
    let mut dl = make_zero(&l);
    assert_eq!(d_layer(&mut l, &mut dl, &vec![3.0], 1.0), 10.0);
    assert_eq!(l.steps, 1);

    let (value, tangent) = d_scratch(&[2.0], &[1.0], &mut [0.0]);
    assert_eq!(value, 6.0);
    assert!((tangent - 3.0).abs() < 1e-6, "{tangent}");

    let mut spare = vec![5.0];
    // SAFETY: `pool` moves no allocation out of `spare`.
    let (value, _) = unsafe { d_pool(&mut vec![2.0], &mut vec![1.0], &mut spare) };
    assert_eq!((value, spare.len()), (4.0, 0));
}
