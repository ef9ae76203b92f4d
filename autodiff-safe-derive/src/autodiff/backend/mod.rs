//! The two backends behind one interface: given a plan, the expression that
//! computes the derivative's result (its shadows already checked) and any
//! items that must stand next to the derivative.

mod enzyme;
mod reference;

use proc_macro2::TokenStream;

use super::plan::{Backend, Plan};

/// What a backend contributes to the generated code.
pub struct Body {
    /// Evaluates to the derivative's return value.
    pub expr: TokenStream,
    /// Items next to `d_f` (the Enzyme backend's hidden primal of a method).
    pub siblings: TokenStream,
}

/// The reference backend's body for `plan` under a gradcheck, which records
/// what the reference saw into `observer`.
pub fn reference_body(plan: &Plan<'_>, observer: &syn::Ident) -> TokenStream {
    reference::body(plan, Some(observer))
}

/// The body of `plan`'s derivative on the plan's backend, after one
/// `unsafe` block per `unsafe(..)` activity, spanned on the user's `unsafe`
/// so that `unsafe_code` reports the opt-out (see [`crate::optout`]).
pub fn body(plan: &Plan<'_>) -> Body {
    let Body { expr, siblings } = match plan.backend {
        Backend::Reference => Body {
            expr: reference::body(plan, None),
            siblings: TokenStream::new(),
        },
        Backend::Enzyme => enzyme::body(plan),
    };
    let opt_outs: TokenStream = plan
        .args
        .activities
        .iter()
        .filter(|act| act.unchecked)
        .filter_map(|act| crate::optout::unsafe_span(&act.tokens))
        .map(crate::optout::acknowledged)
        .collect();
    let confirmed = plan
        .function
        .context
        .confirmed(plan.function.ident(), &plan.function.turbofish());
    Body {
        expr: quote::quote!({
            #opt_outs
            #confirmed
            #expr
        }),
        siblings,
    }
}
