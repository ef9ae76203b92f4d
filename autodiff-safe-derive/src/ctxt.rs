use std::cell::RefCell;
use std::fmt::Display;

use quote::ToTokens;

/// Collects every error found while parsing and validating, so that one
/// expansion reports all of them at once, each spanned on its own tokens.
///
/// [`check`](Self::check) consumes it. Dropping it unchecked would lose
/// every error it holds, so that is a bug in the macro: debug builds of the
/// macro (the compiler's default for `cargo test`) assert it; release
/// builds never panic in macro code.
pub struct Ctxt {
    /// `None` once checked.
    errors: RefCell<Option<Vec<syn::Error>>>,
}

impl Default for Ctxt {
    fn default() -> Self {
        Self {
            errors: RefCell::new(Some(Vec::new())),
        }
    }
}

impl Ctxt {
    pub fn error_spanned_by<T: ToTokens, M: Display>(&self, tokens: T, message: M) {
        self.syn_error(syn::Error::new_spanned(tokens.into_token_stream(), message));
    }

    pub fn syn_error(&self, error: syn::Error) {
        if let Some(errors) = self.errors.borrow_mut().as_mut() {
            errors.push(error);
        }
    }

    /// How many errors were collected so far.
    pub fn error_count(&self) -> usize {
        self.errors.borrow().as_ref().map_or(0, Vec::len)
    }

    /// All collected errors combined, or `Ok` when there were none.
    pub fn check(self) -> syn::Result<()> {
        let mut errors = self.errors.take().unwrap_or_default().into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for error in errors {
            combined.combine(error);
        }
        Err(combined)
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        debug_assert!(
            std::thread::panicking() || self.errors.get_mut().is_none(),
            "autodiff-safe-derive: a Ctxt was dropped without `check`, losing its errors"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::Ctxt;

    #[test]
    fn check_reports_every_error_once() {
        let cx = Ctxt::default();
        cx.error_spanned_by(quote::quote!(a), "first");
        cx.error_spanned_by(quote::quote!(b), "second");
        assert_eq!(cx.error_count(), 2);
        let error = cx.check().expect_err("two errors");
        assert_eq!(error.into_iter().count(), 2);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "dropped without `check`")]
    fn unchecked_context_is_caught_in_debug_builds() {
        let cx = Ctxt::default();
        cx.error_spanned_by(quote::quote!(a), "lost");
    }
}
