//! Functions that write their arguments: every primal call of the reference
//! backend starts from the caller's values, and afterwards each argument
//! holds what one call leaves, in both modes (Enzyme gives the same).

#![cfg_attr(feature = "enzyme", feature(autodiff))]
#![allow(
    clippy::float_cmp,
    reason = "the primal values and the final states are exact: one call's"
)]

use autodiff_safe::{ShadowCheck, autodiff_forward, autodiff_reverse};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

#[autodiff_reverse(d_counter, Duplicated, Const, Active)]
fn counter(x: &[f64], s: &mut [f64]) -> f64 {
    s[0] += 1.0;
    x[0] * s[0]
}

#[test]
fn reverse_const_counter_runs_once() {
    let x = [2.0, 3.0];
    let mut dx = [0.0; 2];
    let mut s = [1.0];
    let y = d_counter(&x, &mut dx, &mut s, 1.0);
    assert_eq!(y, 4.0);
    assert!(close(dx[0], 2.0) && dx[1] == 0.0, "{dx:?}");
    assert_eq!(s, [2.0]);
}

#[autodiff_forward(f_counter, Dual, Const, Dual)]
fn counter_fwd(x: &[f64], s: &mut [f64]) -> f64 {
    s[0] += 1.0;
    x[0] * s[0]
}

#[test]
fn forward_const_counter_runs_once() {
    let mut s = [1.0];
    let (y, t) = f_counter(&[2.0, 3.0], &[1.0, 0.0], &mut s);
    assert_eq!(y, 4.0);
    assert!(close(t, 2.0), "{t}");
    assert_eq!(s, [2.0]);
}

/// Integer state, in a derived struct.
#[derive(ShadowCheck)]
struct Log {
    calls: u32,
    seen: Vec<f64>,
}

#[autodiff_reverse(d_logged, Duplicated, Const, Active)]
fn logged(x: &[f64], log: &mut Log) -> f64 {
    log.calls += 1;
    for (seen, v) in log.seen.iter_mut().zip(x) {
        *seen += v;
    }
    x.iter().map(|v| v * v).sum::<f64>() * f64::from(log.calls)
}

#[test]
fn reverse_struct_state_counter_and_accumulator() {
    let x = [1.0, -2.0];
    let mut dx = [0.0; 2];
    let mut log = Log {
        calls: 4,
        seen: vec![10.0, 20.0],
    };
    let y = d_logged(&x, &mut dx, &mut log, 1.0);
    // calls becomes 5 in the one call: y = 5 * |x|^2, dy/dx = 10 x.
    assert_eq!(y, 25.0);
    assert!(close(dx[0], 10.0) && close(dx[1], -20.0), "{dx:?}");
    assert_eq!(log.calls, 5);
    assert_eq!(log.seen, [11.0, 18.0]);
}

#[autodiff_forward(f_logged, Dual, Const, Dual)]
fn logged_fwd(x: &[f64], log: &mut Log) -> f64 {
    logged(x, log)
}

#[test]
fn forward_struct_state_counter_and_accumulator() {
    let mut log = Log {
        calls: 0,
        seen: vec![0.0, 0.0],
    };
    let (y, t) = f_logged(&[3.0, 4.0], &[1.0, 1.0], &mut log);
    assert_eq!(y, 25.0);
    assert!(close(t, 14.0), "{t}");
    assert_eq!(log.calls, 1);
    assert_eq!(log.seen, [3.0, 4.0]);
}

/// An in-place update through a `Duplicated` `&mut`, logged into a `Const`
/// workspace that the result does not read back (reading it back would make
/// `Const` an activity mistake: no derivative flows through it).
#[autodiff_reverse(d_step, Duplicated, Duplicated, Const, Active)]
fn step(w: &[f64], state: &mut [f64], scratch: &mut [f64]) -> f64 {
    // Written in place: this Enzyme refuses to differentiate a reallocation.
    for ((s, wi), out) in state.iter_mut().zip(w).zip(scratch.iter_mut()) {
        *s = *s * wi + 1.0;
        *out = *s;
    }
    state.iter().sum()
}

#[test]
fn reverse_in_place_update_with_workspace() {
    let w = [2.0, 3.0];
    let mut dw = [0.0; 2];
    let mut state = [1.0, 2.0];
    let mut dstate = [0.0; 2];
    let mut scratch = vec![7.0; 2];
    let y = d_step(&w, &mut dw, &mut state, &mut dstate, &mut scratch, 1.0);
    // state' = state * w + 1 = [3, 7]; y = 10; dy/dw = state = [1, 2];
    // dy/dstate = w = [2, 3].
    assert_eq!(y, 10.0);
    assert_eq!(state, [3.0, 7.0]);
    assert_eq!(scratch, [3.0, 7.0]);
    assert!(close(dw[0], 1.0) && close(dw[1], 2.0), "{dw:?}");
    assert!(close(dstate[0], 2.0) && close(dstate[1], 3.0), "{dstate:?}");
}

#[derive(ShadowCheck)]
struct Model {
    calls: u32,
}

impl Model {
    #[autodiff_reverse(d_scaled, Const, Active, Active)]
    fn scaled(&mut self, x: f64) -> f64 {
        self.calls += 1;
        x * x * f64::from(self.calls)
    }
}

#[test]
fn reverse_const_mut_self_runs_once() {
    let mut model = Model { calls: 1 };
    let (y, dx) = model.d_scaled(3.0, 1.0);
    assert_eq!(model.calls, 2);
    assert_eq!(y, 18.0);
    assert!(close(dx, 12.0), "{dx}");
}
