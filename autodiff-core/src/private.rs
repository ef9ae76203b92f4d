//! Items the generated code calls. Not public API: hidden, and free to change
//! in any release together with the macros, which pin this crate's version.
#![allow(
    clippy::missing_errors_doc,
    clippy::missing_panics_doc,
    reason = "hidden items called only by generated code, documented there"
)]

use crate::{ShadowCheck, ShadowError};

/// Checks one shadow argument of a derivative, naming everything on failure.
#[inline]
pub fn check_argument<T: ShadowCheck + ?Sized>(
    function: &'static str,
    argument: &'static str,
    shadow_name: &'static str,
    primal: &T,
    shadow: &T,
) -> Result<(), ShadowError> {
    primal.check_shadow(shadow).map_err(
        #[cold]
        |error| {
            error
                .for_argument(argument)
                .in_derivative(function, shadow_name)
        },
    )
}

/// Checks a vector-mode (`Dualv`) shadow: one slice holding `width` tangents.
#[inline]
pub fn check_vector_argument<T: ShadowCheck>(
    function: &'static str,
    argument: &'static str,
    shadow_name: &'static str,
    width: usize,
    primal: &[T],
    shadow: &[T],
) -> Result<(), ShadowError> {
    if width.checked_mul(primal.len()) != Some(shadow.len()) {
        return Err(ShadowError::batch_length(width, primal.len(), shadow.len())
            .for_argument(argument)
            .in_derivative(function, shadow_name));
    }
    if T::CHECK_IS_NOOP {
        return Ok(());
    }
    for (lane, chunk) in shadow.chunks(primal.len().max(1)).enumerate() {
        check_argument(function, argument, shadow_name, primal, chunk)
            .map_err(|error| error.in_lane(lane))?;
    }
    Ok(())
}

/// The panic of a checked derivative whose shadow was refused.
#[cold]
#[track_caller]
pub fn refuse(error: &ShadowError) -> ! {
    panic!("{error}")
}
