//! `FloatTree` for the std types: every type that has `ShadowCheck`.
//!
//! The walks project all values of one structure onto the same part
//! (`read.map(|v| &v.0)`, `write.each_mut().map(|v| &mut v.0)`) and walk the
//! parts in the order `ShadowCheck` compares them. Sequences hand their
//! elements to the element type's `zip_slices`, so a `Vec<f64>` is one
//! visitor call with the whole slice.

use std::marker::PhantomData;

use crate::private::{LeafPath, all_some, copy};
use crate::tree::common_length;
use crate::{FloatTree, Lanes, PathSegment};

macro_rules! float_impls {
    ($($float:ident => $variant:ident),* $(,)?) => {$(
        /// A single leaf. Slices of it are walked as one slice.
        impl FloatTree for $float {
            #[inline]
            fn copy_boxed(&self) -> Box<Self> {
                Box::new(*self)
            }
            #[inline]
            fn copy_from(&mut self, source: &Self) {
                *self = *source;
            }
            #[inline]
            fn zip_floats<const R: usize, const W: usize>(
                read: [&Self; R],
                write: [&mut Self; W],
                visitor: &mut dyn FnMut(Lanes<'_, R, W>),
            ) {
                Self::zip_slices(
                    read.map(core::slice::from_ref),
                    write.map(core::slice::from_mut),
                    visitor,
                );
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
            #[inline]
            fn leaf_count(&self) -> usize {
                1
            }
            fn leaf_path(&self, leaf: usize, _path: &mut Vec<PathSegment>) -> bool {
                leaf == 0
            }
            #[inline]
            fn zip_slices<const R: usize, const W: usize>(
                read: [&[Self]; R],
                write: [&mut [Self]; W],
                visitor: &mut dyn FnMut(Lanes<'_, R, W>),
            ) {
                let len = common_length(&read, &write);
                if len > 0 {
                    visitor(Lanes::$variant {
                        read: read.map(|leaves| &leaves[..len]),
                        write: write.map(|leaves| &mut leaves[..len]),
                    });
                }
            }
        }
    )*};
}

float_impls!(f32 => F32, f64 => F64);

macro_rules! inert_impls {
    ($($ty:ty),* $(,)?) => {$(
        /// Not a float: no leaves; copied by `make_zero`, so that a zeroed
        /// shadow keeps its primal's sizes, flags and tags.
        impl FloatTree for $ty {
            #[inline]
            fn copy_boxed(&self) -> Box<Self> {
                Box::new(*self)
            }
            #[inline]
            fn copy_from(&mut self, source: &Self) {
                *self = *source;
            }
            #[inline]
            fn zip_floats<const R: usize, const W: usize>(
                _read: [&Self; R],
                _write: [&mut Self; W],
                _visitor: &mut dyn FnMut(Lanes<'_, R, W>),
            ) {
            }
            #[inline]
            fn make_zero(&self) -> Self {
                *self
            }
            fn make_zero_boxed(&self) -> Box<Self> {
                Box::new(*self)
            }
            #[inline]
            fn set_zero(&mut self) {}
            #[inline]
            fn leaf_count(&self) -> usize {
                0
            }
            fn leaf_path(&self, _leaf: usize, _path: &mut Vec<PathSegment>) -> bool {
                false
            }
            #[inline]
            fn zip_slices<const R: usize, const W: usize>(
                _read: [&[Self]; R],
                _write: [&mut [Self]; W],
                _visitor: &mut dyn FnMut(Lanes<'_, R, W>),
            ) {
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

/// Zero-sized: nothing to copy or walk.
impl<T: ?Sized> FloatTree for PhantomData<T> {
    fn copy_boxed(&self) -> Box<Self> {
        Box::new(PhantomData)
    }
    fn copy_from(&mut self, _source: &Self) {}
    fn zip_floats<const R: usize, const W: usize>(
        _read: [&Self; R],
        _write: [&mut Self; W],
        _visitor: &mut dyn FnMut(Lanes<'_, R, W>),
    ) {
    }
    fn make_zero(&self) -> Self {
        PhantomData
    }
    fn set_zero(&mut self) {}
    fn leaf_count(&self) -> usize {
        0
    }
    fn leaf_path(&self, _leaf: usize, _path: &mut Vec<PathSegment>) -> bool {
        false
    }
}

/// The path to leaf `leaf` among `elements`, under `[i]`.
pub(crate) fn elements_leaf_path<'a, T: FloatTree + 'a>(
    elements: impl IntoIterator<Item = &'a T>,
    leaf: usize,
    path: &mut Vec<PathSegment>,
) -> bool {
    let mut search = LeafPath::new(leaf, path);
    for (index, element) in elements.into_iter().enumerate() {
        search = search.segment(element, PathSegment::Index(index));
        if search.is_done() {
            break;
        }
    }
    search.finish()
}

/// Copies `source` into `target` element by element.
fn copy_elements<T: FloatTree>(target: &mut [T], source: &[T]) {
    for (target, source) in target.iter_mut().zip(source) {
        target.copy_from(source);
    }
}

/// The array's walk and zeroing are the slice's.
impl<T: FloatTree, const N: usize> FloatTree for [T; N] {
    fn copy_boxed(&self) -> Box<Self> {
        Box::new(std::array::from_fn(|index| copy(&self[index])))
    }
    fn copy_from(&mut self, source: &Self) {
        copy_elements(self, source);
    }
    #[inline]
    fn zip_floats<const R: usize, const W: usize>(
        read: [&Self; R],
        write: [&mut Self; W],
        visitor: &mut dyn FnMut(Lanes<'_, R, W>),
    ) {
        T::zip_slices(
            read.map(|array| &array[..]),
            write.map(|array| &mut array[..]),
            visitor,
        );
    }
    fn make_zero(&self) -> Self {
        std::array::from_fn(|index| self[index].make_zero())
    }
    fn make_zero_boxed(&self) -> Box<Self> {
        Box::new(self.make_zero())
    }
    fn leaf_path(&self, leaf: usize, path: &mut Vec<PathSegment>) -> bool {
        elements_leaf_path(self, leaf, path)
    }
}

/// A slice cannot be resized: `copy_from` with another length copies the
/// common prefix, and `copy_into_box` rebuilds a `Box<[T]>` instead.
impl<T: FloatTree> FloatTree for [T] {
    fn copy_boxed(&self) -> Box<Self> {
        self.iter().map(copy).collect()
    }
    fn copy_from(&mut self, source: &Self) {
        copy_elements(self, source);
    }
    #[inline]
    fn zip_floats<const R: usize, const W: usize>(
        read: [&Self; R],
        write: [&mut Self; W],
        visitor: &mut dyn FnMut(Lanes<'_, R, W>),
    ) {
        T::zip_slices(read, write, visitor);
    }
    fn make_zero_boxed(&self) -> Box<Self> {
        self.iter().map(T::make_zero).collect()
    }
    fn leaf_path(&self, leaf: usize, path: &mut Vec<PathSegment>) -> bool {
        elements_leaf_path(self, leaf, path)
    }
    fn copy_into_box(target: &mut Box<Self>, source: &Self) {
        if target.len() == source.len() {
            (**target).copy_from(source);
        } else {
            *target = source.copy_boxed();
        }
    }
}

/// Copies and zeros keep the primal's capacity: a derivative that frees or
/// grows the shadow does so with the primal's capacity.
impl<T: FloatTree> FloatTree for Vec<T> {
    fn copy_boxed(&self) -> Box<Self> {
        let mut copy_of = Vec::with_capacity(self.capacity());
        copy_of.extend(self.iter().map(copy));
        Box::new(copy_of)
    }
    /// Resizes to `source`'s length, reusing the elements both have.
    fn copy_from(&mut self, source: &Self) {
        self.truncate(source.len());
        copy_elements(self, source);
        let kept = self.len();
        self.extend(source[kept..].iter().map(copy));
    }
    #[inline]
    fn zip_floats<const R: usize, const W: usize>(
        read: [&Self; R],
        write: [&mut Self; W],
        visitor: &mut dyn FnMut(Lanes<'_, R, W>),
    ) {
        T::zip_slices(
            read.map(Vec::as_slice),
            write.map(Vec::as_mut_slice),
            visitor,
        );
    }
    fn make_zero(&self) -> Self {
        let mut zero = Vec::with_capacity(self.capacity());
        zero.extend(self.iter().map(T::make_zero));
        zero
    }
    fn make_zero_boxed(&self) -> Box<Self> {
        Box::new(self.make_zero())
    }
    fn leaf_path(&self, leaf: usize, path: &mut Vec<PathSegment>) -> bool {
        elements_leaf_path(self, leaf, path)
    }
}

/// Transparent: the pointee's walk, paths and zeroing.
impl<T: FloatTree + ?Sized> FloatTree for Box<T> {
    fn copy_boxed(&self) -> Box<Self> {
        Box::new((**self).copy_boxed())
    }
    fn copy_from(&mut self, source: &Self) {
        T::copy_into_box(self, source);
    }
    #[inline]
    fn zip_floats<const R: usize, const W: usize>(
        read: [&Self; R],
        write: [&mut Self; W],
        visitor: &mut dyn FnMut(Lanes<'_, R, W>),
    ) {
        T::zip_floats(
            read.map(|boxed| &**boxed),
            write.map(|boxed| &mut **boxed),
            visitor,
        );
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
    fn leaf_count(&self) -> usize {
        (**self).leaf_count()
    }
    fn leaf_path(&self, leaf: usize, path: &mut Vec<PathSegment>) -> bool {
        (**self).leaf_path(leaf, path)
    }
}

/// Text: no leaves. `copy_from` with another length copies the longest
/// common prefix that ends on a character boundary of both, and
/// `copy_into_box` rebuilds a `Box<str>` instead.
impl FloatTree for str {
    fn copy_boxed(&self) -> Box<Self> {
        self.into()
    }
    fn copy_from(&mut self, source: &Self) {
        let mut end = self.len().min(source.len());
        while !(self.is_char_boundary(end) && source.is_char_boundary(end)) {
            end -= 1;
        }
        if self.as_bytes()[..end] == source.as_bytes()[..end] {
            return;
        }
        // SAFETY: `end` is a character boundary of both strings, so the bytes
        // written are the whole characters of `source[..end]`, valid UTF-8,
        // and the bytes kept, `self[end..]`, start on a character boundary of
        // `self` and stay valid UTF-8 on their own.
        let bytes = unsafe { self.as_bytes_mut() };
        bytes[..end].copy_from_slice(&source.as_bytes()[..end]);
    }
    fn zip_floats<const R: usize, const W: usize>(
        _read: [&Self; R],
        _write: [&mut Self; W],
        _visitor: &mut dyn FnMut(Lanes<'_, R, W>),
    ) {
    }
    fn make_zero_boxed(&self) -> Box<Self> {
        self.into()
    }
    fn set_zero(&mut self) {}
    fn leaf_count(&self) -> usize {
        0
    }
    fn leaf_path(&self, _leaf: usize, _path: &mut Vec<PathSegment>) -> bool {
        false
    }
    fn copy_into_box(target: &mut Box<Self>, source: &Self) {
        if **target != *source {
            *target = source.into();
        }
    }
}

/// Text: no leaves; copied by `make_zero`, like every non-float leaf.
impl FloatTree for String {
    fn copy_boxed(&self) -> Box<Self> {
        Box::new(self.clone())
    }
    fn copy_from(&mut self, source: &Self) {
        self.clone_from(source);
    }
    fn zip_floats<const R: usize, const W: usize>(
        _read: [&Self; R],
        _write: [&mut Self; W],
        _visitor: &mut dyn FnMut(Lanes<'_, R, W>),
    ) {
    }
    /// A copy with the primal's capacity, so that it passes the strict
    /// check of a shadow that may be written.
    fn make_zero(&self) -> Self {
        let mut zero = String::with_capacity(self.capacity());
        zero.push_str(self);
        zero
    }
    fn make_zero_boxed(&self) -> Box<Self> {
        Box::new(self.make_zero())
    }
    fn set_zero(&mut self) {}
    fn leaf_count(&self) -> usize {
        0
    }
    fn leaf_path(&self, _leaf: usize, _path: &mut Vec<PathSegment>) -> bool {
        false
    }
}

/// `Some` payloads are walked when every value is `Some`; paths go through
/// `.Some.0`, as in shadow errors.
impl<T: FloatTree> FloatTree for Option<T> {
    fn copy_boxed(&self) -> Box<Self> {
        Box::new(self.as_ref().map(copy))
    }
    fn copy_from(&mut self, source: &Self) {
        match (self, source) {
            (Some(target), Some(source)) => target.copy_from(source),
            (None, None) => {}
            (target, source) => *target = source.as_ref().map(copy),
        }
    }
    fn zip_floats<const R: usize, const W: usize>(
        read: [&Self; R],
        mut write: [&mut Self; W],
        visitor: &mut dyn FnMut(Lanes<'_, R, W>),
    ) {
        if let (Some(read), Some(write)) = (
            all_some(read.map(Option::as_ref)),
            all_some(write.each_mut().map(|value| value.as_mut())),
        ) {
            T::zip_floats(read, write, visitor);
        }
    }
    fn make_zero(&self) -> Self {
        self.as_ref().map(T::make_zero)
    }
    fn make_zero_boxed(&self) -> Box<Self> {
        Box::new(self.make_zero())
    }
    fn leaf_path(&self, leaf: usize, path: &mut Vec<PathSegment>) -> bool {
        match self {
            Some(value) => LeafPath::new(leaf, path)
                .in_variant("Some")
                .positional(value, 0)
                .finish(),
            None => false,
        }
    }
}

/// The `Ok` payloads are walked when every value is `Ok`, the `Err` ones when
/// every value is `Err`; paths go through `.Ok.0` and `.Err.0`.
impl<T: FloatTree, E: FloatTree> FloatTree for Result<T, E> {
    fn copy_boxed(&self) -> Box<Self> {
        Box::new(copy_result(self))
    }
    fn copy_from(&mut self, source: &Self) {
        match (self, source) {
            (Ok(target), Ok(source)) => target.copy_from(source),
            (Err(target), Err(source)) => target.copy_from(source),
            (target, source) => *target = copy_result(source),
        }
    }
    fn zip_floats<const R: usize, const W: usize>(
        read: [&Self; R],
        mut write: [&mut Self; W],
        visitor: &mut dyn FnMut(Lanes<'_, R, W>),
    ) {
        if let (Some(read), Some(write)) = (
            all_some(read.map(|value| value.as_ref().ok())),
            all_some(write.each_mut().map(|value| value.as_mut().ok())),
        ) {
            T::zip_floats(read, write, visitor);
            return;
        }
        if let (Some(read), Some(write)) = (
            all_some(read.map(|value| value.as_ref().err())),
            all_some(write.each_mut().map(|value| value.as_mut().err())),
        ) {
            E::zip_floats(read, write, visitor);
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
    fn leaf_path(&self, leaf: usize, path: &mut Vec<PathSegment>) -> bool {
        let search = LeafPath::new(leaf, path);
        match self {
            Ok(value) => search.in_variant("Ok").positional(value, 0).finish(),
            Err(error) => search.in_variant("Err").positional(error, 0).finish(),
        }
    }
}

fn copy_result<T: FloatTree, E: FloatTree>(value: &Result<T, E>) -> Result<T, E> {
    match value {
        Ok(value) => Ok(copy(value)),
        Err(error) => Err(copy(error)),
    }
}

macro_rules! tuple_impls {
    ($(($($T:ident . $index:tt),+))*) => {$(
        /// The fields, in order; paths go through `.0`, `.1`, ...
        impl<$($T: FloatTree),+> FloatTree for ($($T,)+) {
            fn copy_boxed(&self) -> Box<Self> {
                Box::new(($(copy(&self.$index),)+))
            }
            fn copy_from(&mut self, source: &Self) {
                $(self.$index.copy_from(&source.$index);)+
            }
            #[inline]
            fn zip_floats<const R: usize, const W: usize>(
                read: [&Self; R],
                mut write: [&mut Self; W],
                visitor: &mut dyn FnMut(Lanes<'_, R, W>),
            ) {
                $(
                    $T::zip_floats(
                        read.map(|value| &value.$index),
                        write.each_mut().map(|value| &mut value.$index),
                        visitor,
                    );
                )+
            }
            fn make_zero(&self) -> Self {
                ($(self.$index.make_zero(),)+)
            }
            fn make_zero_boxed(&self) -> Box<Self> {
                Box::new(self.make_zero())
            }
            fn leaf_path(&self, leaf: usize, path: &mut Vec<PathSegment>) -> bool {
                LeafPath::new(leaf, path)
                    $(.positional(&self.$index, $index))+
                    .finish()
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
