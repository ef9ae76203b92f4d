//! Runtime of [`autodiff-safe`](https://docs.rs/autodiff-safe).
//!
//! Users depend on the `autodiff-safe` facade, which re-exports everything
//! here together with the derive and attribute macros. This crate holds:
//!
//! - [`ShadowCheck`], the unsafe trait whose `Ok` is the promise that a shadow
//!   has exactly its primal's structure, with impls for the std types;
//! - [`FloatTree`], the safe trait that copies, zeroes and walks the float
//!   leaves ([`Lanes`]), for the same types;
//! - [`ShadowError`], which says where and how a shadow differs;
//! - [`check`], [`make_zero`], [`set_zero`] and the structural arithmetic
//!   ([`zip_map`], [`axpy`], [`dot`], ..);
//! - the finite-difference reference backend used without Enzyme, which
//!   only generated code calls;
//! - with the `gradcheck` feature, the module `gradcheck`;
//! - [`batch`], mini-batch gradients, parallel with the `rayon` feature;
//! - with the `argmin` feature, the module `argmin`: checked derivatives as
//!   argmin problems.
//!
//! ```
//! use autodiff_core::{check, make_zero};
//!
//! let weights = vec![vec![1.0_f64, 2.0], vec![3.0]];
//! let shadow = make_zero(&weights);
//! assert!(check(&weights, &shadow).is_ok());
//! assert!(check(&weights, &vec![vec![0.0, 0.0], vec![]]).is_err());
//! ```

#![warn(missing_docs)]

mod after_call;
mod arith;
pub mod batch;
mod error;
mod ext;
mod float;
#[cfg(feature = "gradcheck")]
pub mod gradcheck;
mod impls;
mod ops;
/// Items only generated code calls: hidden, and free to change in any
/// release together with the macros, which pin this crate's version.
#[doc(hidden)]
pub mod __private {
    pub use crate::private::*;
    /// The reference backend's runtime.
    pub mod reference {
        pub use crate::reference::*;
    }
    /// What the gradcheck companions call while the reference runs.
    #[cfg(feature = "gradcheck")]
    pub mod gradcheck {
        pub use crate::gradcheck::private::*;
    }
}
mod private;
mod reference;
mod shadow;
mod tree;
mod tree_impls;

pub use arith::{axpy, axpy_masked, dot, fill, norm, scale, zip_map};
pub use error::{Mismatch, PathSegment, ShadowError};
#[cfg(feature = "argmin")]
pub use ext::argmin;
pub use float::{Float, FloatMut};
pub use ops::{check, make_zero, set_zero};
pub use shadow::{AllocationWalk, ShadowCheck};
pub use tree::{FloatTree, Lanes};
