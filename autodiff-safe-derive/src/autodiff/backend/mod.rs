//! The two backends behind one interface: given a plan, the expression that
//! computes the derivative's result (its shadows already checked) and any
//! items that must stand next to the derivative.

mod enzyme;
mod reference;

use proc_macro2::TokenStream;

use super::context::Context;
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
    let unmarked = unmarked_method(plan);
    Body {
        expr: quote::quote!({
            #opt_outs
            #confirmed
            #expr
        }),
        siblings: quote::quote!(#siblings #unmarked),
    }
}

/// On the reference backend, a method no block attribute marked gets a
/// `pub(self)` hidden constant next to it, as the Enzyme backend's sibling
/// primal is `pub(self)`: valid in an inherent `impl`, refused (E0449) in a
/// trait, where the Enzyme backend needs `#[autodiff_trait]` to nest the
/// primal. Both tiers then accept the same code.
fn unmarked_method(plan: &Plan<'_>) -> TokenStream {
    // Where the Enzyme backend puts a sibling (`enzyme::placement`).
    let sibling = match &plan.function.context {
        Context::Free => plan.function.has_receiver,
        Context::Inherent => true,
        Context::TraitImpl(_) | Context::Trait(_) => false,
    };
    if plan.backend != Backend::Reference || !sibling {
        return TokenStream::new();
    }
    let span = plan.args.name.span();
    let name = quote::format_ident!("__autodiff_safe_unmarked_{}", plan.args.name);
    quote::quote_spanned! {span=>
        #[doc(hidden)]
        #[allow(dead_code, non_upper_case_globals)]
        pub(self) const #name: () = ();
    }
}
