//! `ShadowCheck` and `FloatTree` (ndarray: `FloatTree` only) for the numeric ecosystem, each behind a
//! feature of the same name (off by default; the `autodiff-safe` facade
//! forwards them):
//!
//! - `ndarray`: `FloatTree` for owned arrays `Array<A, D>` of any dimension
//!   (not `ShadowCheck`: the module says why);
//! - `nalgebra`: owned matrices and vectors, dynamically sized (`DMatrix`,
//!   `DVector`, `OMatrix<T, Dyn, U3>`, ..) and statically sized (`SMatrix`,
//!   `Vector3`, ..);
//! - `argmin`: not a `ShadowCheck` impl but an adapter, `argmin::Objective`,
//!   public as `autodiff_core::argmin`.
//!
//! The impls live here, in the trait's crate, because neither the trait nor
//! the array types are local to a user's crate. Views are deliberately left
//! out; each module explains why.

#[cfg(feature = "argmin")]
pub mod argmin;
#[cfg(feature = "nalgebra")]
mod nalgebra;
#[cfg(feature = "ndarray")]
mod ndarray;
