//! `ShadowCheck` for the std types.
//!
//! Every impl below argues its `SAFETY` from the trait's contract: it compares
//! each length and variant that std's own code uses to address the value's
//! memory, and defers to the element type's `check_shadow` for everything
//! inside. Types that are not here on purpose: `&T`, raw pointers, `Cell`,
//! `RefCell`, `UnsafeCell`, `Rc`, `Arc` and `dyn Trait` (see the trait docs),
//! and `VecDeque`: a derivative addresses the shadow's ring buffer with the
//! primal's head position, which is not public and so cannot be compared.

use std::marker::PhantomData;

use crate::{FloatMut, ShadowCheck, ShadowError};

macro_rules! float_impls {
    ($($float:ident => $variant:ident),* $(,)?) => {$(
        // SAFETY: a float is plain data with no indirection and a fixed
        // layout, so every shadow of the same type matches it; `check_shadow`
        // can never fail, which is what `CHECK_IS_NOOP = true` states.
        unsafe impl ShadowCheck for $float {
            const CHECK_IS_NOOP: bool = true;
            #[inline]
            fn check_shadow(&self, _shadow: &Self) -> Result<(), ShadowError> {
                Ok(())
            }
            #[inline]
            fn make_zero(&self) -> Self {
                0.0
            }
            fn make_zero_boxed(&self) -> Box<Self> {
                Box::new(0.0)
            }
            #[inline]
            fn set_zero(&mut self) {
                *self = 0.0;
            }
            fn visit_floats(&self, visitor: &mut dyn FnMut(f64)) {
                visitor(f64::from(*self));
            }
            fn visit_floats_mut(&mut self, visitor: &mut dyn FnMut(FloatMut<'_>)) {
                visitor(FloatMut::$variant(self));
            }
        }
    )*};
}

float_impls!(f32 => F32, f64 => F64);

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
            /// Not a float: copied, so that a zeroed shadow keeps its primal's
            /// sizes, flags and tags.
            #[inline]
            fn make_zero(&self) -> Self {
                *self
            }
            fn make_zero_boxed(&self) -> Box<Self> {
                Box::new(*self)
            }
            #[inline]
            fn set_zero(&mut self) {}
            fn visit_floats(&self, _visitor: &mut dyn FnMut(f64)) {}
            fn visit_floats_mut(&mut self, _visitor: &mut dyn FnMut(FloatMut<'_>)) {}
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
    fn make_zero(&self) -> Self {
        PhantomData
    }
    fn make_zero_boxed(&self) -> Box<Self> {
        Box::new(PhantomData)
    }
    fn set_zero(&mut self) {}
    fn visit_floats(&self, _visitor: &mut dyn FnMut(f64)) {}
    fn visit_floats_mut(&mut self, _visitor: &mut dyn FnMut(FloatMut<'_>)) {}
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
    fn make_zero(&self) -> Self {
        std::array::from_fn(|index| self[index].make_zero())
    }
    fn make_zero_boxed(&self) -> Box<Self> {
        Box::new(self.make_zero())
    }
    // Zeroing and walking are the slice's.
    fn set_zero(&mut self) {
        self.as_mut_slice().set_zero();
    }
    fn visit_floats(&self, visitor: &mut dyn FnMut(f64)) {
        self.as_slice().visit_floats(visitor);
    }
    fn visit_floats_mut(&mut self, visitor: &mut dyn FnMut(FloatMut<'_>)) {
        self.as_mut_slice().visit_floats_mut(visitor);
    }
}

macro_rules! sequence_impl {
    ($(#[$safety:meta])* impl<$T:ident> for $ty:ty {
        $(make_zero: $make_zero:expr,)?
        make_zero_boxed: $make_zero_boxed:expr $(,)?
    }) => {
        $(#[$safety])*
        unsafe impl<$T: ShadowCheck> ShadowCheck for $ty {
            #[inline]
            fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
                check_sequence(self.len(), shadow.len(), self.iter().zip(shadow.iter()))
            }
            $(
                fn make_zero(&self) -> Self {
                    let make_zero: fn(&Self) -> Self = $make_zero;
                    make_zero(self)
                }
            )?
            fn make_zero_boxed(&self) -> Box<Self> {
                let make_zero_boxed: fn(&Self) -> Box<Self> = $make_zero_boxed;
                make_zero_boxed(self)
            }
            fn set_zero(&mut self) {
                for element in self.iter_mut() {
            element.set_zero();
        }
            }
            fn visit_floats(&self, visitor: &mut dyn FnMut(f64)) {
                for element in self.iter() {
            element.visit_floats(visitor);
        }
            }
            fn visit_floats_mut(&mut self, visitor: &mut dyn FnMut(FloatMut<'_>)) {
                for element in self.iter_mut() {
            element.visit_floats_mut(visitor);
        }
            }
        }
    };
}

sequence_impl! {
    // SAFETY: a slice is addressed by its length alone; equal lengths and
    // checked elements make every element location of the primal exist in
    // the shadow with the same layout.
    impl<T> for [T] {
        make_zero_boxed: |slice| slice.iter().map(T::make_zero).collect(),
    }
}

sequence_impl! {
    // SAFETY: a `Vec`'s readable memory is its `len` initialised elements;
    // equal lengths and checked elements match every location code can reach
    // through the primal. Capacity is not compared: spare capacity is not
    // initialised memory that code may read, and a derivative that grows the
    // primal would reallocate its shadow through `Vec`'s own code.
    impl<T> for Vec<T> {
        make_zero: |vec| {
            // Same capacity as the primal: a derivative that frees or grows the
            // shadow does so with the primal's capacity.
            let mut zero = Vec::with_capacity(vec.capacity());
            zero.extend(vec.iter().map(T::make_zero));
            zero
        },
        make_zero_boxed: |vec| Box::new(vec.make_zero()),
    }
}

// SAFETY: a `Box<T>` owns exactly one `T`; checking the pointees checks all
// memory reachable through it.
unsafe impl<T: ShadowCheck + ?Sized> ShadowCheck for Box<T> {
    const CHECK_IS_NOOP: bool = T::CHECK_IS_NOOP;
    #[inline]
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        (**self).check_shadow(shadow)
    }
    fn make_zero(&self) -> Self {
        (**self).make_zero_boxed()
    }
    fn make_zero_boxed(&self) -> Box<Self> {
        Box::new(self.make_zero())
    }
    fn set_zero(&mut self) {
        (**self).set_zero();
    }
    fn visit_floats(&self, visitor: &mut dyn FnMut(f64)) {
        (**self).visit_floats(visitor);
    }
    fn visit_floats_mut(&mut self, visitor: &mut dyn FnMut(FloatMut<'_>)) {
        (**self).visit_floats_mut(visitor);
    }
}

// SAFETY: `str` is addressed by its byte length alone; equal lengths match
// every byte location. Its bytes are never floats.
unsafe impl ShadowCheck for str {
    #[inline]
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_byte_length(self.len(), shadow.len())
    }
    fn make_zero_boxed(&self) -> Box<Self> {
        self.into()
    }
    fn set_zero(&mut self) {}
    fn visit_floats(&self, _visitor: &mut dyn FnMut(f64)) {}
    fn visit_floats_mut(&mut self, _visitor: &mut dyn FnMut(FloatMut<'_>)) {}
}

// SAFETY: as for `str`: a `String`'s readable memory is its `len` bytes.
unsafe impl ShadowCheck for String {
    #[inline]
    fn check_shadow(&self, shadow: &Self) -> Result<(), ShadowError> {
        check_byte_length(self.len(), shadow.len())
    }
    /// Not floats: copied, like every non-float leaf.
    fn make_zero(&self) -> Self {
        self.clone()
    }
    fn make_zero_boxed(&self) -> Box<Self> {
        Box::new(self.clone())
    }
    fn set_zero(&mut self) {}
    fn visit_floats(&self, _visitor: &mut dyn FnMut(f64)) {}
    fn visit_floats_mut(&mut self, _visitor: &mut dyn FnMut(FloatMut<'_>)) {}
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
    fn make_zero(&self) -> Self {
        self.as_ref().map(T::make_zero)
    }
    fn make_zero_boxed(&self) -> Box<Self> {
        Box::new(self.make_zero())
    }
    fn set_zero(&mut self) {
        if let Some(value) = self {
            value.set_zero();
        }
    }
    fn visit_floats(&self, visitor: &mut dyn FnMut(f64)) {
        if let Some(value) = self {
            value.visit_floats(visitor);
        }
    }
    fn visit_floats_mut(&mut self, visitor: &mut dyn FnMut(FloatMut<'_>)) {
        if let Some(value) = self {
            value.visit_floats_mut(visitor);
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
    fn make_zero(&self) -> Self {
        match self {
            Ok(value) => Ok(value.make_zero()),
            Err(error) => Err(error.make_zero()),
        }
    }
    fn make_zero_boxed(&self) -> Box<Self> {
        Box::new(self.make_zero())
    }
    fn set_zero(&mut self) {
        match self {
            Ok(value) => value.set_zero(),
            Err(error) => error.set_zero(),
        }
    }
    fn visit_floats(&self, visitor: &mut dyn FnMut(f64)) {
        match self {
            Ok(value) => value.visit_floats(visitor),
            Err(error) => error.visit_floats(visitor),
        }
    }
    fn visit_floats_mut(&mut self, visitor: &mut dyn FnMut(FloatMut<'_>)) {
        match self {
            Ok(value) => value.visit_floats_mut(visitor),
            Err(error) => error.visit_floats_mut(visitor),
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
            fn make_zero(&self) -> Self {
                ($(self.$index.make_zero(),)+)
            }
            fn make_zero_boxed(&self) -> Box<Self> {
                Box::new(self.make_zero())
            }
            fn set_zero(&mut self) {
                $(self.$index.set_zero();)+
            }
            fn visit_floats(&self, visitor: &mut dyn FnMut(f64)) {
                $(self.$index.visit_floats(visitor);)+
            }
            fn visit_floats_mut(&mut self, visitor: &mut dyn FnMut(FloatMut<'_>)) {
                $(self.$index.visit_floats_mut(visitor);)+
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
