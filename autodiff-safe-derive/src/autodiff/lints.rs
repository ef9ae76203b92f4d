//! The lints every generated function allows: its shape is std's (many
//! arguments, tuple returns, the user's own bounds and argument names), not
//! something the user wrote or can change.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[allow(..)]` for a generated `d_f`, `try_d_f` or `gradcheck_d_f`.
pub fn allowed() -> TokenStream {
    quote! {
        #[allow(
            clippy::too_many_arguments,
            clippy::type_complexity,
            clippy::must_use_candidate,
            clippy::missing_errors_doc,
            clippy::missing_safety_doc,
            clippy::multiple_bound_locations,
            clippy::used_underscore_binding,
            clippy::too_many_lines,
            unused_variables,
            unused_mut,
        )]
    }
}
