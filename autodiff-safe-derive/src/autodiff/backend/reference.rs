//! The reference backend's body: central finite differences through the
//! runtime's `reference` module, with std's semantics.
//!
//! Both modes evaluate the primal on copies, several times, then call it
//! once on the caller's arguments for the results. Each input contributes
//! its [`Pieces`] to the template; the template puts every kind of piece in
//! its place.

mod forward;
mod pieces;
mod reverse;

use proc_macro2::TokenStream;

use crate::autodiff::args::Mode;
use crate::autodiff::plan::Plan;

/// The body; under a gradcheck, the differences go through `observer`.
pub fn body(plan: &Plan<'_>, observer: Option<&syn::Ident>) -> TokenStream {
    match plan.mode() {
        Mode::Reverse => reverse::reverse(plan, observer),
        Mode::Forward => forward::forward(plan, observer),
    }
}
