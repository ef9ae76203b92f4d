//! Facade (to be documented).
pub use autodiff_core::*;
pub use autodiff_safe_derive::{ShadowCheck, autodiff, autodiff_forward, autodiff_reverse};
