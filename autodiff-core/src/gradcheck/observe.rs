//! The plumbing the generated companions call while the reference runs:
//! the observer of kinks and directions, the differences under observation,
//! and the `Const` state hint. Reached through `__private_0_1::gradcheck`.

use std::cell::RefCell;

use super::{Mode, Options, Report};
use crate::reference;

/// What the reference records while a gradcheck runs: kinks in full mode,
/// directional differences in fast mode.
#[derive(Debug)]
pub struct Observer {
    mode: Mode,
    kinks: RefCell<Vec<bool>>,
    directions: RefCell<Vec<Vec<f64>>>,
    directional: RefCell<Vec<Vec<f64>>>,
}

impl Observer {
    /// An observer for `options`.
    ///
    /// ```
    /// use autodiff_core::__private::gradcheck::Observer;
    /// use autodiff_core::gradcheck::{Mode, Options};
    ///
    /// let observer = Observer::new(&Options { tolerance: None, mode: Mode::Full });
    /// assert!(observer.kinks().is_empty());
    /// ```
    #[must_use]
    pub fn new(options: &Options) -> Self {
        Self {
            mode: options.mode,
            kinks: RefCell::new(Vec::new()),
            directions: RefCell::new(Vec::new()),
            directional: RefCell::new(Vec::new()),
        }
    }

    /// Full or fast.
    #[must_use]
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Kinks by input leaf (reverse) or by lane (forward), from full mode.
    #[must_use]
    pub fn kinks(&self) -> Vec<bool> {
        self.kinks.borrow().clone()
    }

    pub(crate) fn set_kinks(&self, kinks: Vec<bool>) {
        *self.kinks.borrow_mut() = kinks;
    }

    /// Fast mode's directions over the input leaves, and the reference's
    /// directional difference of each lane's loss along each.
    #[must_use]
    pub fn directional(&self) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        (
            self.directions.borrow().clone(),
            self.directional.borrow().clone(),
        )
    }

    pub(crate) fn set_directional(&self, directions: Vec<Vec<f64>>, values: Vec<Vec<f64>>) {
        *self.directions.borrow_mut() = directions;
        *self.directional.borrow_mut() = values;
    }
}

/// [`reference::gradient`](crate::reference::gradient) under a gradcheck:
/// full mode also evaluates the unperturbed loss and flags the leaves where
/// the one-sided differences disagree; fast mode evaluates the loss along
/// random directions instead and leaves the gradient zero.
pub fn gradient<const W: usize>(
    leaves: usize,
    observer: &Observer,
    mut eval: impl FnMut(&mut crate::reference::Cursor) -> [f64; W],
) -> [Vec<f64>; W] {
    use crate::reference::Cursor;
    let mut lanes: [Vec<f64>; W] = std::array::from_fn(|_| vec![0.0; leaves]);
    match observer.mode {
        Mode::Full => {
            let center = eval(&mut Cursor::leaf(usize::MAX, 0.0));
            let mut kinks = vec![false; leaves];
            for (leaf, kink) in kinks.iter_mut().enumerate() {
                let (loss_up, loss_down, run) = reference::leaf_steps(leaf, &mut eval);
                for (lane, ((high, low), mid)) in lanes
                    .iter_mut()
                    .zip(loss_up.iter().zip(loss_down).zip(center))
                {
                    lane[leaf] = reference::slope(*high, low, run);
                    *kink |= is_kink(
                        reference::slope(*high, mid, run / 2.0),
                        reference::slope(mid, low, run / 2.0),
                    );
                }
            }
            observer.set_kinks(kinks);
        }
        Mode::Fast { directions, seed } => {
            let mut random = SplitMix64(seed);
            let mut moved = Vec::new();
            let mut values = Vec::new();
            for _ in 0..directions {
                let direction: Vec<f64> = (0..leaves).map(|_| random.sign()).collect();
                let mut up = Cursor::along(direction.clone(), 1.0);
                let loss_up = eval(&mut up);
                let mut down = Cursor::along(direction, -1.0);
                let loss_down = eval(&mut down);
                // The half-distance each leaf really moved is the direction
                // the difference measures.
                moved.push(
                    up.moved()
                        .iter()
                        .zip(down.moved())
                        .map(|(a, b)| (a - b) / 2.0)
                        .collect(),
                );
                values.push(
                    loss_up
                        .iter()
                        .zip(loss_down)
                        .map(|(high, low)| (high - low) / 2.0)
                        .collect(),
                );
            }
            observer.set_directional(moved, values);
        }
    }
    lanes
}

/// [`reference::directional`](crate::reference::directional) under a
/// gradcheck: also evaluates the unperturbed outputs and records whether
/// this lane's tangent crosses a kink.
pub fn directional(
    scale: &crate::reference::Scale,
    observer: &Observer,
    mut eval: impl FnMut(&crate::reference::Direction) -> Vec<f64>,
) -> Vec<f64> {
    use crate::reference::Direction;
    let t = scale.step();
    let center = eval(&Direction::new(0.0));
    if t == 0.0 {
        observer.kinks.borrow_mut().push(false);
        return vec![0.0; center.len()];
    }
    let (up, down) = reference::tangent_steps(t, &mut eval);
    let kink = up.iter().zip(&down).zip(&center).any(|((high, low), mid)| {
        is_kink(
            reference::slope(*high, *mid, t),
            reference::slope(*mid, *low, t),
        )
    });
    observer.kinks.borrow_mut().push(kink);
    up.iter()
        .zip(down)
        .map(|(high, low)| reference::slope(*high, low, 2.0 * t))
        .collect()
}

/// One-sided slopes this far apart are a kink, not curvature: a smooth
/// function's differ by about `h * f''`, with `h` near `6e-6`.
fn is_kink(forward: f64, backward: f64) -> bool {
    (forward - backward).abs() > 1e-2 * forward.abs().max(backward.abs()).max(1.0)
}

/// A small, fixed generator for fast mode's directions: the same seed gives
/// the same directions on every platform.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `+1.0` or `-1.0`.
    fn sign(&mut self) -> f64 {
        if self.next() >> 63 == 0 { 1.0 } else { -1.0 }
    }
}

/// The cursor that moves every differentiated leaf one step up, for the
/// `Const` state hint.
///
/// ```
/// use autodiff_core::__private::gradcheck::hint_cursor;
/// use autodiff_core::__private::reference::copy_perturbed;
///
/// let moved = copy_perturbed(&[1.0_f64, 2.0][..], &mut hint_cursor(2));
/// assert!(moved[0] > 1.0 && moved[1] > 2.0);
/// ```
#[must_use]
pub fn hint_cursor(leaves: usize) -> crate::reference::Cursor {
    crate::reference::Cursor::along(vec![1.0; leaves], 1.0)
}

/// Whether a `Const` argument's final value moved with the differentiated
/// inputs: compares the leaves it ended with after the unperturbed call and
/// after a call with every input leaf moved along a fixed direction.
///
/// ```
/// use autodiff_core::__private::gradcheck::state_moved;
///
/// assert!(state_moved(&[1.0, 2.0], &[1.0, 2.0 + 1e-6]));
/// assert!(!state_moved(&[1.0, 2.0], &[1.0, 2.0]));
/// ```
#[must_use]
pub fn state_moved(unperturbed: &[f64], perturbed: &[f64]) -> bool {
    unperturbed.len() != perturbed.len()
        || unperturbed
            .iter()
            .zip(perturbed)
            .any(|(a, b)| (a - b).abs() > 1e-12 * a.abs().max(1.0))
}

/// Fast mode's comparison: `<direction, gradient>` against the reference's
/// directional difference, for every direction and lane. `gradients[lane]`
/// holds the derivative's gradient over the input leaves, in traversal
/// order.
///
/// ```
/// use autodiff_core::__private::gradcheck::compare_directions;
/// use autodiff_core::gradcheck::Report;
///
/// let mut report = Report::compared_for("d_f");
/// let directions = vec![vec![1.0, -1.0]];
/// compare_directions(&mut report, "dx", &directions, &[vec![3.0]], &[vec![2.0, -1.0]]);
/// assert!(report.findings().is_empty());
/// ```
pub fn compare_directions(
    report: &mut Report,
    argument: &str,
    directions: &[Vec<f64>],
    reference: &[Vec<f64>],
    gradients: &[Vec<f64>],
) {
    for (index, (direction, expected)) in directions.iter().zip(reference).enumerate() {
        for (lane, (gradient, &expected)) in gradients.iter().zip(expected).enumerate() {
            let projected: f64 = direction.iter().zip(gradient).map(|(v, g)| v * g).sum();
            report.compare_leaf(
                || {
                    if gradients.len() == 1 {
                        format!("direction {index} of {argument}")
                    } else {
                        format!("direction {index} of {argument}, lane {lane}")
                    }
                },
                projected,
                expected,
                false,
            );
        }
    }
}
