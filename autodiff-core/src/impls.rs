//! `ShadowCheck` for the std types (their `FloatTree` impls are in
//! `tree_impls.rs`).
//!
//! Every impl below argues its `SAFETY` from the trait's contract: it compares
//! each length and variant that std's own code uses to address the value's
//! memory (and, for a shadow that may be written, each capacity), defers to
//! the element type's check for everything inside, and walks every owned
//! allocation for the check after the call. Types that are not here on purpose: `&T`, raw pointers, `Cell`,
//! `RefCell`, `UnsafeCell`, `Rc`, `Arc` and `dyn Trait` (see the trait docs),
//! and `VecDeque`: a derivative addresses the shadow's ring buffer with the
//! primal's head position, which is not public and so cannot be compared.

use std::marker::PhantomData;

use crate::{AllocationWalk, ShadowCheck, ShadowError};

/// Which of the two checks a container recurses with: the strict
/// `check_shadow` for a shadow the derivative may write, or
/// `check_shadow_shared` below a `&`. One generic body per container keeps
/// the two in step.
#[inline]
fn check_with<T: ShadowCheck + ?Sized, const SHARED: bool>(
    primal: &T,
    shadow: &T,
) -> Result<(), ShadowError> {
    if SHARED {
        primal.check_shadow_shared(shadow)
    } else {
        primal.check_shadow(shadow)
    }
}

macro_rules! inert_impls {
    ($($ty:ty),* $(,)?) => {$(
        // SAFETY: plain data with no indirection, no allocation and a fixed
        // layout; every shadow of the same type matches it, so `check_shadow`
        // never fails, and there is no allocation to walk.
        unsafe impl ShadowCheck for $ty {
            const CHECK_IS_NOOP: bool = true;
            #[inline]
            fn check_shadow(&self, _shadow: &Self) -> Result<(), ShadowError> {
                Ok(())
            }
            const ALLOCATIONS_WALKED: bool = true;
            const STRUCTURE_IS_FIXED: bool = true;
            const OWNS_NO_ALLOCATIONS: bool = true;
        }
    )*};
}

inert_impls!(
    f32,
    f64,
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

// SAFETY: `PhantomData` is zero-sized and holds nothing to read, write or
// free.
unsafe impl<T: ?Sized> ShadowCheck for PhantomData<T> {
    const CHECK_IS_NOOP: bool = true;
    fn check_shadow(&self, _shadow: &Self) -> Result<(), ShadowError> {
        Ok(())
    }
    const ALLOCATIONS_WALKED: bool = true;
    const STRUCTURE_IS_FIXED: bool = true;
    const OWNS_NO_ALLOCATIONS: bool = true;
}

/// Checks equal lengths, then each element pair unless the element check is a
/// no-op. Shared by every sequence type.
#[inline]
fn check_sequence<'a, T: ShadowCheck + 'a, const SHARED: bool>(
    primal_len: usize,
    shadow_len: usize,
    pairs: impl Iterator<Item = (&'a T, &'a T)>,
) -> Result<(), ShadowError> {
    if primal_len != shadow_len {
        return Err(ShadowError::length(primal_len, shadow_len));
    }
    check_elements::<T, SHARED>(pairs)
}

#[inline]
fn check_elements<'a, T: ShadowCheck + 'a, const SHARED: bool>(
    pairs: impl Iterator<Item = (&'a T, &'a T)>,
) -> Result<(), ShadowError> {
    if T::CHECK_IS_NOOP {
        return Ok(());
    }
    for (index, (primal, shadow)) in pairs.enumerate() {
        check_with::<T, SHARED>(primal, shadow).map_err(|error| error.at_index(index))?;
    }
    Ok(())
}

/// Walks the allocations inside each element pair, over the common length,
/// unless the elements own none.
#[inline]
fn walk_elements<'a, T: ShadowCheck + 'a>(
    pairs: impl Iterator<Item = (&'a T, &'a T)>,
    walk: &mut AllocationWalk,
) -> Result<(), ShadowError> {
    if T::OWNS_NO_ALLOCATIONS {
        return Ok(());
    }
    for (index, (primal, shadow)) in pairs.enumerate() {
        primal
            .walk_allocations(shadow, walk)
            .map_err(|error| error.at_index(index))?;
    }
    Ok(())
}

/// A shadow the derivative may write needs at least the primal's capacity:
/// code that writes the primal's spare capacity (`spare_capacity_mut`,
/// `set_len`) writes the shadow's at the same offsets.
#[inline]
fn check_capacity(primal: usize, shadow: usize) -> Result<(), ShadowError> {
    if shadow < primal {
        Err(ShadowError::capacity(primal, shadow))
    } else {
        Ok(())
    }
}

// SAFETY: the length is part of the type, so both arrays have `N` elements;
// every element pair is checked unless `T`'s check can never fail, so the
// array's check is a no-op exactly when `T`'s is. An array owns no
// allocation of its own; the walk visits its elements'. Its length cannot
// change, so its structure is fixed exactly when its elements' is.
unsafe impl<T: ShadowCheck, const N: usize> ShadowCheck for [T; N] {
    const CHECK_IS_NOOP: bool = T::CHECK_IS_NOOP;
    #[inline]
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_elements::<T, false>(self.iter().zip(shadow))
    }
    #[inline]
    fn check_shadow_shared(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_elements::<T, true>(self.iter().zip(shadow))
    }
    const ALLOCATIONS_WALKED: bool = T::ALLOCATIONS_WALKED;
    const STRUCTURE_IS_FIXED: bool = T::STRUCTURE_IS_FIXED;
    const OWNS_NO_ALLOCATIONS: bool = T::OWNS_NO_ALLOCATIONS;
    #[inline]
    fn walk_allocations(
        &self,
        shadow: &Self,
        walk: &mut AllocationWalk,
    ) -> Result<(), ShadowError> {
        walk_elements(self.iter().zip(shadow), walk)
    }
}

// SAFETY: a slice is addressed by its length alone: its readable memory is
// its `len` initialised elements, and it cannot grow. Equal lengths and
// checked elements make every element location the primal's code can reach
// exist in the shadow with the same layout. A slice does not own its
// storage; the walk visits the allocations its elements own. Through
// `&mut [T]` its length cannot change, so its structure is fixed exactly
// when its elements' is.
unsafe impl<T: ShadowCheck> ShadowCheck for [T] {
    #[inline]
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_sequence::<T, false>(self.len(), shadow.len(), self.iter().zip(shadow))
    }
    #[inline]
    fn check_shadow_shared(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_sequence::<T, true>(self.len(), shadow.len(), self.iter().zip(shadow))
    }
    const ALLOCATIONS_WALKED: bool = T::ALLOCATIONS_WALKED;
    const STRUCTURE_IS_FIXED: bool = T::STRUCTURE_IS_FIXED;
    const OWNS_NO_ALLOCATIONS: bool = T::OWNS_NO_ALLOCATIONS;
    #[inline]
    fn walk_allocations(
        &self,
        shadow: &Self,
        walk: &mut AllocationWalk,
    ) -> Result<(), ShadowError> {
        walk_elements(self.iter().zip(shadow), walk)
    }
}

// SAFETY: a `Vec`'s memory is its buffer of `capacity` slots, of which the
// first `len` are initialised elements. Equal lengths and checked elements
// make every element location exist in the shadow with the same layout. A
// shadow that may be written also needs at least the primal's capacity:
// code that writes the primal's spare capacity (`spare_capacity_mut`,
// `set_len`) makes the derivative write the shadow's slots at the same
// offsets, which then exist. Behind `&` (`check_shadow_shared`) the primal
// cannot be written, so its spare capacity is never addressed and only the
// elements are compared. The walk visits the buffer (none when the capacity
// is zero or `T` is zero-sized: the pointer is then dangling), then the
// elements' allocations over the common length.
unsafe impl<T: ShadowCheck> ShadowCheck for Vec<T> {
    #[inline]
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_sequence::<T, false>(self.len(), shadow.len(), self.iter().zip(shadow))?;
        check_capacity(self.capacity(), shadow.capacity())
    }
    #[inline]
    fn check_shadow_shared(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_sequence::<T, true>(self.len(), shadow.len(), self.iter().zip(shadow))
    }
    const ALLOCATIONS_WALKED: bool = T::ALLOCATIONS_WALKED;
    const STRUCTURE_IS_FIXED: bool = false;
    #[inline]
    fn walk_allocations(
        &self,
        shadow: &Self,
        walk: &mut AllocationWalk,
    ) -> Result<(), ShadowError> {
        walk.owned(
            self.as_ptr(),
            self.capacity(),
            shadow.as_ptr(),
            shadow.capacity(),
        )?;
        walk_elements(self.iter().zip(shadow), walk)
    }
}

// SAFETY: a `Box<T>` owns exactly one `T` (for `Box<[T]>` and `Box<str>`,
// exactly their `len` elements: a box cannot grow in place, so it has no
// spare capacity); checking the pointees checks all memory reachable through
// it. The walk visits the box's own allocation, `size_of_val` bytes from the
// pointee (none when that is zero: the box is then dangling), then the
// pointee's allocations.
unsafe impl<T: ShadowCheck + ?Sized> ShadowCheck for Box<T> {
    const CHECK_IS_NOOP: bool = T::CHECK_IS_NOOP;
    #[inline]
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        (**self).check_shadow(shadow)
    }
    #[inline]
    fn check_shadow_shared(&self, shadow: &Self) -> Result<(), ShadowError> {
        (**self).check_shadow_shared(shadow)
    }
    const ALLOCATIONS_WALKED: bool = T::ALLOCATIONS_WALKED;
    const STRUCTURE_IS_FIXED: bool = false;
    #[inline]
    fn walk_allocations(
        &self,
        shadow: &Self,
        walk: &mut AllocationWalk,
    ) -> Result<(), ShadowError> {
        walk.owned::<u8>(
            std::ptr::from_ref::<T>(self).cast(),
            std::mem::size_of_val::<T>(self),
            std::ptr::from_ref::<T>(shadow).cast(),
            std::mem::size_of_val::<T>(shadow),
        )?;
        (**self).walk_allocations(shadow, walk)
    }
}

// SAFETY: `str` is addressed by its byte length alone; equal lengths match
// every byte location. Its bytes are never floats, and it owns no
// allocation.
unsafe impl ShadowCheck for str {
    #[inline]
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_byte_length(self.len(), shadow.len())
    }
    const ALLOCATIONS_WALKED: bool = true;
    const STRUCTURE_IS_FIXED: bool = true;
    const OWNS_NO_ALLOCATIONS: bool = true;
}

// SAFETY: as for `Vec<u8>`: a `String`'s memory is its buffer of `capacity`
// bytes, of which `len` are initialised. Equal lengths match every byte;
// a shadow that may be written also needs at least the primal's capacity
// (`as_mut_vec`, `reserve` then writes), which is not compared behind `&`.
// The walk visits the buffer.
unsafe impl ShadowCheck for String {
    #[inline]
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_byte_length(self.len(), shadow.len())?;
        check_capacity(self.capacity(), shadow.capacity())
    }
    #[inline]
    fn check_shadow_shared(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_byte_length(self.len(), shadow.len())
    }
    const ALLOCATIONS_WALKED: bool = true;
    const STRUCTURE_IS_FIXED: bool = false;
    #[inline]
    fn walk_allocations(
        &self,
        shadow: &Self,
        walk: &mut AllocationWalk,
    ) -> Result<(), ShadowError> {
        walk.owned(
            self.as_ptr(),
            self.capacity(),
            shadow.as_ptr(),
            shadow.capacity(),
        )
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

#[inline]
fn check_option<T: ShadowCheck, const SHARED: bool>(
    primal: Option<&T>,
    shadow: Option<&T>,
) -> Result<(), ShadowError> {
    match (primal, shadow) {
        (Some(primal), Some(shadow)) => check_with::<T, SHARED>(primal, shadow)
            .map_err(|error| error.in_tuple_field(0).in_variant("Some")),
        (None, None) => Ok(()),
        (primal, shadow) => Err(ShadowError::variant(
            option_variant(primal),
            option_variant(shadow),
        )),
    }
}

// SAFETY: the discriminants are compared first; with equal variants the
// payloads (if any) are checked, which covers all memory inside. The walk
// visits the payloads' allocations when both are `Some`.
unsafe impl<T: ShadowCheck> ShadowCheck for Option<T> {
    #[inline]
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_option::<T, false>(self.as_ref(), shadow.as_ref())
    }
    #[inline]
    fn check_shadow_shared(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_option::<T, true>(self.as_ref(), shadow.as_ref())
    }
    const ALLOCATIONS_WALKED: bool = T::ALLOCATIONS_WALKED;
    const STRUCTURE_IS_FIXED: bool = false;
    const OWNS_NO_ALLOCATIONS: bool = T::OWNS_NO_ALLOCATIONS;
    #[inline]
    fn walk_allocations(
        &self,
        shadow: &Self,
        walk: &mut AllocationWalk,
    ) -> Result<(), ShadowError> {
        match (self, shadow) {
            (Some(primal), Some(shadow)) => primal
                .walk_allocations(shadow, walk)
                .map_err(|error| error.in_tuple_field(0).in_variant("Some")),
            _ => Ok(()),
        }
    }
}

fn option_variant<T>(value: Option<&T>) -> &'static str {
    if value.is_some() { "Some" } else { "None" }
}

#[inline]
fn check_result<T: ShadowCheck, E: ShadowCheck, const SHARED: bool>(
    primal: &Result<T, E>,
    shadow: &Result<T, E>,
) -> Result<(), ShadowError> {
    match (primal, shadow) {
        (Ok(primal), Ok(shadow)) => check_with::<T, SHARED>(primal, shadow)
            .map_err(|error| error.in_tuple_field(0).in_variant("Ok")),
        (Err(primal), Err(shadow)) => check_with::<E, SHARED>(primal, shadow)
            .map_err(|error| error.in_tuple_field(0).in_variant("Err")),
        (primal, shadow) => Err(ShadowError::variant(
            result_variant(primal),
            result_variant(shadow),
        )),
    }
}

// SAFETY: the discriminants are compared first; with equal variants the
// payloads are checked, which covers all memory inside. The walk visits the
// payloads' allocations when both are the same variant.
unsafe impl<T: ShadowCheck, E: ShadowCheck> ShadowCheck for Result<T, E> {
    #[inline]
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_result::<T, E, false>(self, shadow)
    }
    #[inline]
    fn check_shadow_shared(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_result::<T, E, true>(self, shadow)
    }
    const ALLOCATIONS_WALKED: bool = T::ALLOCATIONS_WALKED && E::ALLOCATIONS_WALKED;
    const STRUCTURE_IS_FIXED: bool = false;
    const OWNS_NO_ALLOCATIONS: bool = T::OWNS_NO_ALLOCATIONS && E::OWNS_NO_ALLOCATIONS;
    #[inline]
    fn walk_allocations(
        &self,
        shadow: &Self,
        walk: &mut AllocationWalk,
    ) -> Result<(), ShadowError> {
        match (self, shadow) {
            (Ok(primal), Ok(shadow)) => primal
                .walk_allocations(shadow, walk)
                .map_err(|error| error.in_tuple_field(0).in_variant("Ok")),
            (Err(primal), Err(shadow)) => primal
                .walk_allocations(shadow, walk)
                .map_err(|error| error.in_tuple_field(0).in_variant("Err")),
            _ => Ok(()),
        }
    }
}

fn result_variant<T, E>(value: &Result<T, E>) -> &'static str {
    if value.is_ok() { "Ok" } else { "Err" }
}

macro_rules! tuple_impls {
    ($(($($T:ident . $index:tt),+))*) => {$(
        // SAFETY: a tuple is its fields; each field pair is checked (with
        // the same check the tuple was asked for), the tuple's check is a
        // no-op exactly when every field's is, the walk visits every
        // field's allocations, and its structure is fixed exactly when every
        // field's is.
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
            #[inline]
            fn check_shadow_shared(&self, shadow: &Self) -> Result<(), ShadowError> {
                $(
                    self.$index
                        .check_shadow_shared(&shadow.$index)
                        .map_err(|error| error.in_tuple_field($index))?;
                )+
                Ok(())
            }
            const ALLOCATIONS_WALKED: bool = true $(&& $T::ALLOCATIONS_WALKED)+;
            const STRUCTURE_IS_FIXED: bool = true $(&& $T::STRUCTURE_IS_FIXED)+;
            const OWNS_NO_ALLOCATIONS: bool = true $(&& $T::OWNS_NO_ALLOCATIONS)+;
            #[inline]
            fn walk_allocations(
                &self,
                shadow: &Self,
                walk: &mut AllocationWalk,
            ) -> Result<(), ShadowError> {
                $(
                    if !$T::OWNS_NO_ALLOCATIONS {
                        self.$index
                            .walk_allocations(&shadow.$index, walk)
                            .map_err(|error| error.in_tuple_field($index))?;
                    }
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
