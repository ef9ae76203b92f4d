//! A derivative defined in a library crate, called from this binary crate.
//! The binary needs no `#![feature(autodiff)]` of its own: the derivative was
//! generated in the library.

use autodiff_safe_examples::cross_crate::{d_spring_energy, try_d_spring_energy};

#[test]
fn library_derivative_is_checked_and_correct() {
    let x = [0.0, 1.5, 2.0];
    let mut dx = [0.0; 3];
    let energy = d_spring_energy(&x, &mut dx, 1.0);
    assert_eq!(energy.to_bits(), 0.5_f64.to_bits());
    // d/dx0 = -2 s0, d/dx1 = 2 s0 - 2 s1, d/dx2 = 2 s1 with s0 = 0.5, s1 = -0.5.
    for (g, expected) in dx.iter().zip([-1.0, 2.0, -1.0]) {
        assert!((g - expected).abs() < 1e-7, "{g} vs {expected}");
    }
    let mut short = [0.0; 2];
    let err = try_d_spring_energy(&x, &mut short, 1.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "d_spring_energy: shadow `dx_0` does not match its primal `x` at `x`: primal has length 3, shadow has length 2"
    );
}

#[cfg(feature = "enzyme")]
#[test]
fn library_derivative_equals_raw_std_bit_for_bit() {
    use autodiff_safe_examples::cross_crate::raw_d_spring_energy;
    let x = [0.25, 1.0, 2.5, 3.0];
    let (mut safe, mut raw) = ([0.5; 4], [0.5; 4]);
    let a = d_spring_energy(&x, &mut safe, 1.0);
    let b = raw_d_spring_energy(&x, &mut raw, 1.0);
    assert_eq!(a.to_bits(), b.to_bits());
    for (s, r) in safe.iter().zip(&raw) {
        assert_eq!(s.to_bits(), r.to_bits());
    }
}

/// The library's derivative under gradcheck, from another crate: against
/// finite differences in the Enzyme tier.
#[cfg(feature = "gradcheck")]
#[test]
fn library_derivative_passes_gradcheck() {
    use autodiff_safe_examples::cross_crate::gradcheck_d_spring_energy;
    let report = gradcheck_d_spring_energy(&[0.25, 1.0, 2.5, 3.0], &mut [0.0; 4], 1.0).assert();
    assert_eq!(report.compared(), cfg!(feature = "enzyme"), "{report}");
}
