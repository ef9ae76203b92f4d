//! Const generics in derived types and in differentiated functions.

use autodiff_safe::{ShadowCheck, autodiff_forward, autodiff_reverse, check, make_zero};

#[derive(ShadowCheck, Clone, Debug, PartialEq)]
struct Affine<const N: usize> {
    w: [f64; N],
    b: f64,
}

#[derive(ShadowCheck)]
struct Grid<T, const R: usize, const C: usize> {
    cells: [[T; C]; R],
    spill: Vec<[T; C]>,
}

#[derive(ShadowCheck)]
enum Stage<const N: usize> {
    Fixed([f64; N]),
    Growing(Vec<f64>),
}

#[autodiff_reverse(d_energy, Duplicated, Const, Active)]
fn energy<const N: usize>(layer: &Affine<N>, x: &[f64; N]) -> f64 {
    let y: f64 = layer.w.iter().zip(x).map(|(w, x)| w * x).sum::<f64>() + layer.b;
    0.5 * y * y
}

#[autodiff_forward(d_dot, Dual, Const, Dual)]
fn dot<const N: usize>(a: &[f64; N], b: &[f64; N]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + b.abs())
}

fn main() {
    // Arrays need no check: their length is in the type.
    assert!(<Affine<3> as ShadowCheck>::CHECK_IS_NOOP);
    assert!(!<Grid<f64, 2, 2> as ShadowCheck>::CHECK_IS_NOOP);

    let layer = Affine {
        w: [1.0, 2.0, 3.0],
        b: 0.5,
    };
    let x = [1.0, 0.0, -1.0];
    let mut grad = make_zero(&layer);
    // y = 1 - 3 + 0.5 = -1.5; dE/dw = y x, dE/db = y.
    let value = d_energy(&layer, &mut grad, &x, 1.0);
    assert!(close(value, 1.125), "{value}");
    assert!(close(grad.w[0], -1.5) && close(grad.w[1], 0.0) && close(grad.w[2], 1.5));
    assert!(close(grad.b, -1.5));

    let (value, tangent) = d_dot(&[1.0, 2.0], &[0.0, 1.0], &[3.0, 4.0]);
    assert!(
        close(value, 11.0) && close(tangent, 4.0),
        "{value} {tangent}"
    );

    let grid = Grid::<f64, 2, 3> {
        cells: [[0.0; 3]; 2],
        spill: vec![[1.0; 3]],
    };
    let mut shadow = make_zero(&grid);
    shadow.spill.push([0.0; 3]);
    let error = check(&grid, &shadow).unwrap_err().for_argument("grid");
    assert_eq!(error.path(), "grid.spill");

    let stage = Stage::<4>::Fixed([0.0; 4]);
    let error = check(&stage, &Stage::Growing(vec![])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "shadow does not match its primal: primal is variant `Fixed`, shadow is variant `Growing`"
    );
}
