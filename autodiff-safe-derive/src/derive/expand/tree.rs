//! The body of the derived (safe) `impl FloatTree`: copies, zeros, the
//! n-ary walk and leaf paths, all forwarded to the fields in declaration
//! order. Skipped fields are cloned and never walked.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::super::ast::{Container, Data, Field, Style, Variant};
use super::fields::{
    binding, construct, field_name, member, pattern, variant_name, walked_fields, walked_pattern,
};

pub fn body(container: &Container<'_>) -> TokenStream {
    match &container.data {
        Data::Struct(style, fields) => struct_body(*style, fields),
        Data::Enum(variants) if variants.is_empty() => empty_enum_body(),
        Data::Enum(variants) => enum_body(variants),
    }
}

fn struct_body(style: Style, fields: &[Field<'_>]) -> TokenStream {
    let copies = fields.iter().map(|field| {
        let access = member(field);
        copy_field(
            field,
            &quote!(&mut self.#access),
            &quote!(&__source.#access),
        )
    });
    let walked: Vec<&Field<'_>> = walked_fields(fields).collect();
    let walks = walked.iter().map(|field| {
        let access = member(field);
        let ty = field.ty;
        quote_spanned! {ty.span()=>
            <#ty as ::autodiff_safe::FloatTree>::zip_floats(
                __read.map(|__value| &__value.#access),
                __write.each_mut().map(|__value| &mut __value.#access),
                __visitor,
            );
        }
    });
    let zip = zip_signature(!walked.is_empty());
    let zero_values = fields.iter().map(|field| {
        let access = member(field);
        zero_field(field, &quote!(&self.#access))
    });
    let zero = construct(quote!(Self), style, fields, zero_values);
    let search = leaf_search(
        None,
        walked.iter().map(|field| {
            let access = member(field);
            (*field, quote!(&self.#access))
        }),
    );
    let shared = copy_boxed_and_zero_boxed();
    quote! {
        #shared
        #[inline]
        fn copy_from(&mut self, __source: &Self) {
            #(#copies)*
        }
        #[inline]
        #zip {
            #(#walks)*
        }
        #[inline]
        fn make_zero(&self) -> Self {
            #zero
        }
        fn leaf_path(
            &self,
            __leaf: ::core::primitive::usize,
            __path: &mut ::std::vec::Vec<::autodiff_safe::PathSegment>,
        ) -> ::core::primitive::bool {
            #search
        }
    }
}

fn enum_body(variants: &[Variant<'_>]) -> TokenStream {
    let several = variants.len() > 1;
    let copy_arms = variants.iter().map(copy_arm);
    // Another variant: become a copy of the source's, then copy into it.
    let replace_arm = several.then(|| {
        quote! {
            (__target, __source) => {
                *__target = <Self as ::autodiff_safe::FloatTree>::make_zero(__source);
                <Self as ::autodiff_safe::FloatTree>::copy_from(__target, __source);
            }
        }
    });
    let walks: Vec<TokenStream> = variants
        .iter()
        .filter_map(|variant| variant_walk(variant, several))
        .collect();
    let zip = zip_signature(!walks.is_empty());
    let zero_arms = variants.iter().map(|variant| {
        let ident = variant.ident;
        let primal = pattern(variant, "__primal");
        let values = variant
            .fields
            .iter()
            .map(|field| zero_field(field, &binding(field, "__primal")));
        let zero = construct(quote!(Self::#ident), variant.style, &variant.fields, values);
        quote!(Self::#ident #primal => #zero,)
    });
    let path_arms = variants.iter().map(path_arm);
    let shared = copy_boxed_and_zero_boxed();
    quote! {
        #shared
        #[inline]
        fn copy_from(&mut self, __source: &Self) {
            match (self, __source) {
                #(#copy_arms)*
                #replace_arm
            }
        }
        #[inline]
        #zip {
            #(#walks)*
        }
        #[inline]
        fn make_zero(&self) -> Self {
            match self {
                #(#zero_arms)*
            }
        }
        fn leaf_path(
            &self,
            __leaf: ::core::primitive::usize,
            __path: &mut ::std::vec::Vec<::autodiff_safe::PathSegment>,
        ) -> ::core::primitive::bool {
            match self {
                #(#path_arms)*
            }
        }
    }
}

/// Both values of `variant`: copy field by field.
fn copy_arm(variant: &Variant<'_>) -> TokenStream {
    let ident = variant.ident;
    let target = pattern(variant, "__target");
    let source = pattern(variant, "__source");
    let copies = variant.fields.iter().map(|field| {
        copy_field(
            field,
            &binding(field, "__target"),
            &binding(field, "__source"),
        )
    });
    quote! {
        (Self::#ident #target, Self::#ident #source) => {
            #(#copies)*
        }
    }
}

/// Walks `variant`'s fields when every value is that variant: each value is
/// projected onto a tuple of its walked fields, then each field is walked.
fn variant_walk(variant: &Variant<'_>, several: bool) -> Option<TokenStream> {
    let walked: Vec<&Field<'_>> = walked_fields(&variant.fields).collect();
    if walked.is_empty() {
        return None;
    }
    let ident = variant.ident;
    let fields = walked_pattern(variant, "__field");
    let bindings: Vec<TokenStream> = walked
        .iter()
        .map(|field| binding(field, "__field"))
        .collect();
    let other = several.then(|| quote!(_ => ::core::option::Option::None,));
    let steps = walked.iter().enumerate().map(|(position, field)| {
        let index = syn::Index::from(position);
        let ty = field.ty;
        quote_spanned! {ty.span()=>
            <#ty as ::autodiff_safe::FloatTree>::zip_floats(
                __fields_read.map(|__part| __part.#index),
                __fields_write.each_mut().map(|__part| &mut *__part.#index),
                __visitor,
            );
        }
    });
    Some(quote! {
        if let (
            ::core::option::Option::Some(__fields_read),
            ::core::option::Option::Some(mut __fields_write),
        ) = (
            ::autodiff_safe::__private_0_1::all_some(__read.map(|__value| match __value {
                Self::#ident #fields => ::core::option::Option::Some((#(#bindings,)*)),
                #other
            })),
            ::autodiff_safe::__private_0_1::all_some(__write.each_mut().map(|__value| match &mut **__value {
                Self::#ident #fields => ::core::option::Option::Some((#(#bindings,)*)),
                #other
            })),
        ) {
            #(#steps)*
            return;
        }
    })
}

/// The leaf path through `variant`'s walked fields.
fn path_arm(variant: &Variant<'_>) -> TokenStream {
    let ident = variant.ident;
    let walked: Vec<&Field<'_>> = walked_fields(&variant.fields).collect();
    if walked.is_empty() {
        let rest = match variant.style {
            Style::Named => quote!({ .. }),
            Style::Tuple => quote!((..)),
            Style::Unit => quote!(),
        };
        return quote!(Self::#ident #rest => false,);
    }
    let fields = walked_pattern(variant, "__field");
    let search = leaf_search(
        Some(variant_name(variant)),
        walked
            .iter()
            .map(|field| (*field, binding(field, "__field"))),
    );
    quote!(Self::#ident #fields => #search,)
}

/// A zero-variant enum has no values: every method that has one matches on
/// `*self`, a place of an uninhabited type, which needs no arms; the walk,
/// which may get no value at all, does nothing.
fn empty_enum_body() -> TokenStream {
    let zip = zip_signature(false);
    quote! {
        fn copy_boxed(&self) -> ::std::boxed::Box<Self> {
            match *self {}
        }
        fn copy_from(&mut self, _: &Self) {
            match *self {}
        }
        #zip {}
        fn make_zero(&self) -> Self {
            match *self {}
        }
        fn make_zero_boxed(&self) -> ::std::boxed::Box<Self> {
            match *self {}
        }
        fn set_zero(&mut self) {
            match *self {}
        }
        fn leaf_path(
            &self,
            _: ::core::primitive::usize,
            _: &mut ::std::vec::Vec<::autodiff_safe::PathSegment>,
        ) -> ::core::primitive::bool {
            match *self {}
        }
    }
}

/// `copy_boxed` (the zero, then the values copied in: no `Clone` needed)
/// and `make_zero_boxed`, the same for every type.
fn copy_boxed_and_zero_boxed() -> TokenStream {
    quote! {
        #[inline]
        fn copy_boxed(&self) -> ::std::boxed::Box<Self> {
            let mut __copy = <Self as ::autodiff_safe::FloatTree>::make_zero(self);
            <Self as ::autodiff_safe::FloatTree>::copy_from(&mut __copy, self);
            ::std::boxed::Box::new(__copy)
        }
        #[inline]
        fn make_zero_boxed(&self) -> ::std::boxed::Box<Self> {
            ::std::boxed::Box::new(<Self as ::autodiff_safe::FloatTree>::make_zero(self))
        }
    }
}

/// `fn zip_floats<..>(..)`, with `mut` on the written values only when some
/// field is walked (an unused `mut` would warn in the user's crate).
fn zip_signature(walks: bool) -> TokenStream {
    let mutability = walks.then(|| quote!(mut));
    quote! {
        fn zip_floats<const __R: ::core::primitive::usize, const __W: ::core::primitive::usize>(
            __read: [&Self; __R],
            #mutability __write: [&mut Self; __W],
            __visitor: &mut dyn ::core::ops::FnMut(::autodiff_safe::Lanes<'_, __R, __W>),
        )
    }
}

/// `copy_from` for a walked field, `clone_from` for a skipped one.
fn copy_field(field: &Field<'_>, target: &TokenStream, source: &TokenStream) -> TokenStream {
    let ty = field.ty;
    if field.unsafe_skip.is_some() {
        quote_spanned!(ty.span()=> <#ty as ::core::clone::Clone>::clone_from(#target, #source);)
    } else {
        quote_spanned!(ty.span()=> <#ty as ::autodiff_safe::FloatTree>::copy_from(#target, #source);)
    }
}

/// The zero of a walked field, a clone of a skipped one.
fn zero_field(field: &Field<'_>, value: &TokenStream) -> TokenStream {
    let ty = field.ty;
    if field.unsafe_skip.is_some() {
        quote_spanned!(ty.span()=> <#ty as ::core::clone::Clone>::clone(#value))
    } else {
        quote_spanned!(ty.span()=> <#ty as ::autodiff_safe::FloatTree>::make_zero(#value))
    }
}

/// `{ let __search = LeafPath::new(..)[.in_variant(..)]; let __search =
/// __search.part(field, <Ty as FloatTree>::leaf_count, ..); ...;
/// __search.finish() }`.
fn leaf_search<'f, 'a: 'f>(
    variant: Option<String>,
    fields: impl Iterator<Item = (&'f Field<'a>, TokenStream)>,
) -> TokenStream {
    let variant = variant.map(|name| quote!(.in_variant(#name)));
    // Each step names the field type's methods by path, spanned on the type,
    // so that a missing impl is reported there once, with the walk's.
    let steps = fields.map(|(field, value)| {
        let ty = field.ty;
        let segment = if let Some(name) = field_name(field) {
            quote!(::autodiff_safe::PathSegment::Field(#name))
        } else {
            let index = field.index;
            quote!(::autodiff_safe::PathSegment::TupleField(#index))
        };
        quote_spanned! {ty.span()=>
            let __search = __search.part(
                #value,
                |__part| <#ty as ::autodiff_safe::FloatTree>::leaf_count(__part),
                |__part, __leaf, __path| <#ty as ::autodiff_safe::FloatTree>::leaf_path(__part, __leaf, __path),
                #segment,
            );
        }
    });
    quote! {{
        let __search = ::autodiff_safe::__private_0_1::LeafPath::new(__leaf, __path) #variant;
        #(#steps)*
        __search.finish()
    }}
}
