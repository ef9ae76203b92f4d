//! `ShadowCheck` for the std types (their `FloatTree` impls are in
//! `tree_impls.rs`).
//!
//! Every impl below argues its `SAFETY` from the trait's contract: it compares
//! each length and variant that std's own code uses to address the value's
//! memory, and defers to the element type's `check_shadow` for everything
//! inside. Types that are not here on purpose: `&T`, raw pointers, `Cell`,
//! `RefCell`, `UnsafeCell`, `Rc`, `Arc` and `dyn Trait` (see the trait docs),
//! and `VecDeque`: a derivative addresses the shadow's ring buffer with the
//! primal's head position, which is not public and so cannot be compared.

use std::marker::PhantomData;

use crate::{ShadowCheck, ShadowError};

macro_rules! float_impls {
    ($($float:ident),* $(,)?) => {$(
        // SAFETY: a float is plain data with no indirection and a fixed
        // layout, so every shadow of the same type matches it; `check_shadow`
        // can never fail, which is what `CHECK_IS_NOOP = true` states.
        unsafe impl ShadowCheck for $float {
            const CHECK_IS_NOOP: bool = true;
            #[inline]
            fn check_shadow(&self, _shadow: &Self) -> Result<(), ShadowError> {
                Ok(())
            }
        }
    )*};
}

float_impls!(f32, f64);

macro_rules! inert_impls {
    ($($ty:ty),* $(,)?) => {$(
        // SAFETY: plain data with no indirection and a fixed layout; every
        // shadow of the same type matches it, so `check_shadow` never fails.
        unsafe impl ShadowCheck for $ty {
            const CHECK_IS_NOOP: bool = true;
            #[inline]
            fn check_shadow(&self, _shadow: &Self) -> Result<(), ShadowError> {
                Ok(())
            }
        }
    )*};
}

inert_impls!(
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    bool,
    char,
    ()
);

// SAFETY: `PhantomData` is zero-sized and holds nothing to read or write.
unsafe impl<T: ?Sized> ShadowCheck for PhantomData<T> {
    const CHECK_IS_NOOP: bool = true;
    fn check_shadow(&self, _shadow: &Self) -> Result<(), ShadowError> {
        Ok(())
    }
}

/// Checks equal lengths, then each element pair unless the element check is a
/// no-op. Shared by every sequence type.
#[inline]
fn check_sequence<'a, T: ShadowCheck + 'a>(
    primal_len: usize,
    shadow_len: usize,
    pairs: impl Iterator<Item = (&'a T, &'a T)>,
) -> Result<(), ShadowError> {
    if primal_len != shadow_len {
        return Err(ShadowError::length(primal_len, shadow_len));
    }
    check_elements(pairs)
}

#[inline]
fn check_elements<'a, T: ShadowCheck + 'a>(
    pairs: impl Iterator<Item = (&'a T, &'a T)>,
) -> Result<(), ShadowError> {
    if T::CHECK_IS_NOOP {
        return Ok(());
    }
    for (index, (primal, shadow)) in pairs.enumerate() {
        primal
            .check_shadow(shadow)
            .map_err(|error| error.at_index(index))?;
    }
    Ok(())
}

// SAFETY: the length is part of the type, so both arrays have `N` elements;
// every element pair is checked unless `T`'s check can never fail, so the
// array's check is a no-op exactly when `T`'s is.
unsafe impl<T: ShadowCheck, const N: usize> ShadowCheck for [T; N] {
    const CHECK_IS_NOOP: bool = T::CHECK_IS_NOOP;
    #[inline]
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_elements(self.iter().zip(shadow))
    }
}

macro_rules! sequence_impl {
    ($($ty:ty),* $(,)?) => {$(
        // SAFETY: a slice, and a `Vec` through its slice, is addressed by its
        // length alone: its readable memory is its `len` initialised elements.
        // Equal lengths and checked elements make every element location the
        // primal's code can reach exist in the shadow with the same layout.
        // A `Vec`'s capacity is not compared: spare capacity is not
        // initialised memory that code may read, and a derivative that grows
        // the primal reallocates its shadow through `Vec`'s own code.
        unsafe impl<T: ShadowCheck> ShadowCheck for $ty {
            #[inline]
            fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
                check_sequence(self.len(), shadow.len(), self.iter().zip(shadow.iter()))
            }
        }
    )*};
}

sequence_impl!([T], Vec<T>);

// SAFETY: a `Box<T>` owns exactly one `T`; checking the pointees checks all
// memory reachable through it.
unsafe impl<T: ShadowCheck + ?Sized> ShadowCheck for Box<T> {
    const CHECK_IS_NOOP: bool = T::CHECK_IS_NOOP;
    #[inline]
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        (**self).check_shadow(shadow)
    }
}

// SAFETY: `str` is addressed by its byte length alone; equal lengths match
// every byte location. Its bytes are never floats.
unsafe impl ShadowCheck for str {
    #[inline]
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_byte_length(self.len(), shadow.len())
    }
}

// SAFETY: as for `str`: a `String`'s readable memory is its `len` bytes.
unsafe impl ShadowCheck for String {
    #[inline]
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_byte_length(self.len(), shadow.len())
    }
}

#[inline]
fn check_byte_length(primal: usize, shadow: usize) -> Result<(), ShadowError> {
    if primal == shadow {
        Ok(())
    } else {
        Err(ShadowError::length(primal, shadow))
    }
}

// SAFETY: the discriminants are compared first; with equal variants the
// payloads (if any) are checked, which covers all memory inside.
unsafe impl<T: ShadowCheck> ShadowCheck for Option<T> {
    #[inline]
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        match (self, shadow) {
            (Some(primal), Some(shadow)) => primal
                .check_shadow(shadow)
                .map_err(|error| error.in_tuple_field(0).in_variant("Some")),
            (None, None) => Ok(()),
            (primal, shadow) => Err(ShadowError::variant(
                option_variant(primal.as_ref()),
                option_variant(shadow.as_ref()),
            )),
        }
    }
}

fn option_variant<T>(value: Option<&T>) -> &'static str {
    if value.is_some() { "Some" } else { "None" }
}

// SAFETY: the discriminants are compared first; with equal variants the
// payloads are checked, which covers all memory inside.
unsafe impl<T: ShadowCheck, E: ShadowCheck> ShadowCheck for Result<T, E> {
    #[inline]
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        match (self, shadow) {
            (Ok(primal), Ok(shadow)) => primal
                .check_shadow(shadow)
                .map_err(|error| error.in_tuple_field(0).in_variant("Ok")),
            (Err(primal), Err(shadow)) => primal
                .check_shadow(shadow)
                .map_err(|error| error.in_tuple_field(0).in_variant("Err")),
            (primal, shadow) => Err(ShadowError::variant(
                result_variant(primal),
                result_variant(shadow),
            )),
        }
    }
}

fn result_variant<T, E>(value: &Result<T, E>) -> &'static str {
    if value.is_ok() { "Ok" } else { "Err" }
}

macro_rules! tuple_impls {
    ($(($($T:ident . $index:tt),+))*) => {$(
        // SAFETY: a tuple is its fields; each field pair is checked, and the
        // tuple's check is a no-op exactly when every field's is.
        unsafe impl<$($T: ShadowCheck),+> ShadowCheck for ($($T,)+) {
            const CHECK_IS_NOOP: bool = true $(&& $T::CHECK_IS_NOOP)+;
            #[inline]
            fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
                $(
                    self.$index
                        .check_shadow(&shadow.$index)
                        .map_err(|error| error.in_tuple_field($index))?;
                )+
                Ok(())
            }
        }
    )*};
}

tuple_impls! {
    (A.0)
    (A.0, B.1)
    (A.0, B.1, C.2)
    (A.0, B.1, C.2, D.3)
    (A.0, B.1, C.2, D.3, E.4)
    (A.0, B.1, C.2, D.3, E.4, F.5)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9, K.10)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9, K.10, L.11)
}
