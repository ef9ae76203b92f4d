//! A derivative defined in this library crate and called from other crates
//! (`tests/cross_crate.rs`): Enzyme differentiates across the crate boundary
//! at fat-LTO time, and the checks travel with the derivative.

use autodiff_safe::autodiff_reverse;

/// The energy of a chain of unit springs, `sum (x[i+1] - x[i] - 1)^2`.
///
/// ```
/// use autodiff_safe_examples::cross_crate::{d_spring_energy, spring_energy};
///
/// let x = [0.0, 1.5, 2.0];
/// let mut dx = [0.0; 3];
/// assert_eq!(d_spring_energy(&x, &mut dx, 1.0), spring_energy(&x));
/// ```
#[autodiff_reverse(d_spring_energy, Duplicated, Active)]
#[must_use]
pub fn spring_energy(x: &[f64]) -> f64 {
    let mut energy = 0.0;
    for pair in x.windows(2) {
        let stretch = pair[1] - pair[0] - 1.0;
        energy += stretch * stretch;
    }
    energy
}

/// The same function under std's raw attribute, for the Enzyme tier's
/// bit-for-bit comparison.
#[cfg(feature = "enzyme")]
#[std::autodiff::autodiff_reverse(raw_d_spring_energy, Duplicated, Active)]
#[must_use]
pub fn spring_energy_raw(x: &[f64]) -> f64 {
    let mut energy = 0.0;
    for pair in x.windows(2) {
        let stretch = pair[1] - pair[0] - 1.0;
        energy += stretch * stretch;
    }
    energy
}
