//! The body of the derived `unsafe impl ShadowCheck`: `CHECK_IS_NOOP`,
//! `check_shadow` and its `&` twin `check_shadow_shared` (one body, two
//! method names), and the allocation walk with its constants.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::super::ast::{Container, Data, Field, Style, Variant};
use super::fields::{
    binding, checked_fields, field_name, member, pattern, scalar_kind, variant_name,
};

pub fn body(container: &Container<'_>) -> TokenStream {
    match &container.data {
        Data::Struct(_, fields) => struct_body(fields),
        Data::Enum(variants) if variants.is_empty() => empty_enum_body(),
        Data::Enum(variants) => enum_body(variants),
    }
}

/// The check methods: `check_shadow`, and `check_shadow_shared`, which
/// recurses with itself so that nothing below a `&` argument is held to a
/// capacity.
const CHECK_METHODS: [&str; 2] = ["check_shadow", "check_shadow_shared"];

/// Fields that get a check call and a walk: checked fields not written as a
/// primitive scalar (whose check is a no-op and which own nothing; the
/// `Scalar` bound confirms the written name).
fn visited_fields<'v, 'a>(fields: &'v [Field<'a>]) -> impl Iterator<Item = &'v Field<'a>> {
    checked_fields(fields).filter(|field| scalar_kind(field.ty).is_none())
}

fn struct_body(fields: &[Field<'_>]) -> TokenStream {
    let checked: Vec<&Field<'_>> = checked_fields(fields).collect();
    let noop = noop_const(&checked, true);
    let methods = CHECK_METHODS.map(|method| {
        let method = syn::Ident::new(method, Span::call_site());
        let checks = visited_fields(fields).map(|field| {
            let access = member(field);
            let ty = field.ty;
            located(
                field,
                &quote_spanned! {ty.span()=>
                    <#ty as ::autodiff_safe::ShadowCheck>::#method(&self.#access, &__shadow.#access)
                },
                &quote!(::core::option::Option::None),
            )
        });
        quote! {
            #[inline]
            fn #method(&self, __shadow: &Self) -> ::core::result::Result<(), ::autodiff_safe::ShadowError> {
                #(#checks)*
                ::core::result::Result::Ok(())
            }
        }
    });
    // Each field through `walk_field`, which asserts, where a derivative
    // uses the walk, that the field's type walks its allocations: the
    // derived `ALLOCATIONS_WALKED` is a plain `true` so that recursive types
    // have no cyclic constant.
    let walks = visited_fields(fields).map(|field| {
        let access = member(field);
        let ty = field.ty;
        located(
            field,
            &quote_spanned! {ty.span()=>
                ::autodiff_safe::__private_0_1::walk_field::<#ty>(&self.#access, &__shadow.#access, __walk)
            },
            &quote!(::core::option::Option::None),
        )
    });
    let owns_nothing = owns_no_allocations(&checked);
    let fixed = fields_fixed(fields);
    quote! {
        const CHECK_IS_NOOP: ::core::primitive::bool = #noop;
        #(#methods)*
        const ALLOCATIONS_WALKED: ::core::primitive::bool = true;
        const OWNS_NO_ALLOCATIONS: ::core::primitive::bool = #owns_nothing;
        const STRUCTURE_IS_FIXED: ::core::primitive::bool = #fixed;
        #[inline]
        fn walk_allocations(
            &self,
            __shadow: &Self,
            __walk: &mut ::autodiff_safe::AllocationWalk,
        ) -> ::core::result::Result<(), ::autodiff_safe::ShadowError> {
            #(#walks)*
            ::core::result::Result::Ok(())
        }
    }
}

fn enum_body(variants: &[Variant<'_>]) -> TokenStream {
    let noop = enum_noop(variants);
    let methods = CHECK_METHODS.map(|method| {
        let method = syn::Ident::new(method, Span::call_site());
        let check_arms = variants.iter().map(|variant| check_arm(variant, &method));
        let mismatch_arm = (variants.len() > 1).then(|| mismatch_arm(variants));
        quote! {
            #[inline]
            fn #method(&self, __shadow: &Self) -> ::core::result::Result<(), ::autodiff_safe::ShadowError> {
                match (self, __shadow) {
                    #(#check_arms)*
                    #mismatch_arm
                }
            }
        }
    });
    let walk_arms = variants.iter().map(walk_arm);
    let other_variants = (variants.len() > 1).then(|| quote!(_ => ::core::result::Result::Ok(()),));
    let checked: Vec<&Field<'_>> = variants
        .iter()
        .flat_map(|variant| checked_fields(&variant.fields))
        .collect();
    let owns_nothing = owns_no_allocations(&checked);
    let fixed = enum_fixed(variants);
    quote! {
        const CHECK_IS_NOOP: ::core::primitive::bool = #noop;
        #(#methods)*
        const ALLOCATIONS_WALKED: ::core::primitive::bool = true;
        const OWNS_NO_ALLOCATIONS: ::core::primitive::bool = #owns_nothing;
        const STRUCTURE_IS_FIXED: ::core::primitive::bool = #fixed;
        #[inline]
        fn walk_allocations(
            &self,
            __shadow: &Self,
            __walk: &mut ::autodiff_safe::AllocationWalk,
        ) -> ::core::result::Result<(), ::autodiff_safe::ShadowError> {
            // Where the variants differ the walk has no pair to compare: a
            // shared allocation is one value at one position in both.
            match (self, __shadow) {
                #(#walk_arms)*
                #other_variants
            }
        }
    }
}

/// Both values of `variant`: check its fields with `method`.
fn check_arm(variant: &Variant<'_>, method: &syn::Ident) -> TokenStream {
    let ident = variant.ident;
    let name = variant_name(variant);
    let primal = pattern(variant, "__primal");
    let shadow = pattern(variant, "__shadow");
    let checks = visited_fields(&variant.fields).map(|field| {
        let binding_primal = binding(field, "__primal");
        let binding_shadow = binding(field, "__shadow");
        let ty = field.ty;
        located(
            field,
            &quote_spanned! {ty.span()=>
                <#ty as ::autodiff_safe::ShadowCheck>::#method(#binding_primal, #binding_shadow)
            },
            &quote!(::core::option::Option::Some(#name)),
        )
    });
    quote! {
        (Self::#ident #primal, Self::#ident #shadow) => {
            #(#checks)*
            ::core::result::Result::Ok(())
        }
    }
}

/// Both values of `variant`: walk its fields' allocations.
fn walk_arm(variant: &Variant<'_>) -> TokenStream {
    let ident = variant.ident;
    let name = variant_name(variant);
    let primal = pattern(variant, "__primal");
    let shadow = pattern(variant, "__shadow");
    let walks = visited_fields(&variant.fields).map(|field| {
        let binding_primal = binding(field, "__primal");
        let binding_shadow = binding(field, "__shadow");
        let ty = field.ty;
        located(
            field,
            &quote_spanned! {ty.span()=>
                ::autodiff_safe::__private_0_1::walk_field::<#ty>(#binding_primal, #binding_shadow, __walk)
            },
            &quote!(::core::option::Option::Some(#name)),
        )
    });
    quote! {
        (Self::#ident #primal, Self::#ident #shadow) => {
            #(#walks)*
            ::core::result::Result::Ok(())
        }
    }
}

/// `true` when no checked field owns an allocation. Scalar fields own none.
/// Unlike `CHECK_IS_NOOP` this may name the fields' constants even in an
/// enum: every recursive type goes through an owner (`Box`, `Vec`), whose
/// `OWNS_NO_ALLOCATIONS` is a plain `false`, so there is no cycle.
fn owns_no_allocations(checked: &[&Field<'_>]) -> TokenStream {
    let terms = checked
        .iter()
        .filter(|field| scalar_kind(field.ty).is_none())
        .map(|field| {
            let ty = field.ty;
            quote_spanned!(ty.span()=> && <#ty as ::autodiff_safe::ShadowCheck>::OWNS_NO_ALLOCATIONS)
        });
    quote!(true #(#terms)*)
}

/// `true` when every field's structure is fixed (scalar fields' is). An
/// `unsafe(skip)` field is never counted fixed: its type is not checked, so
/// nothing says a reverse pass could not replace an allocation in it.
/// Recursive types reach themselves through an owner (`Box`, `Vec`), whose
/// constant is a plain `false`, so there is no cycle.
fn fields_fixed(fields: &[Field<'_>]) -> TokenStream {
    if fields.iter().any(|field| field.unsafe_skip.is_some()) {
        return quote!(false);
    }
    let terms = visited_fields(fields).map(|field| {
        let ty = field.ty;
        quote_spanned!(ty.span()=> && <#ty as ::autodiff_safe::ShadowCheck>::STRUCTURE_IS_FIXED)
    });
    quote!(true #(#terms)*)
}

/// Fieldless variants only: a change of variant moves no payload, so the
/// structure is fixed. One variant: its fields'. Otherwise a variant with
/// data can be replaced by another, which is what a reverse pass cannot
/// follow.
fn enum_fixed(variants: &[Variant<'_>]) -> TokenStream {
    if variants.iter().all(|variant| variant.fields.is_empty()) {
        return quote!(true);
    }
    if let [variant] = variants {
        fields_fixed(&variant.fields)
    } else {
        quote!(false)
    }
}

/// Different variants: name both.
fn mismatch_arm(variants: &[Variant<'_>]) -> TokenStream {
    let name_arms = variants.iter().map(|variant| {
        let ident = variant.ident;
        let name = variant_name(variant);
        let rest = match variant.style {
            Style::Named => quote!({ .. }),
            Style::Tuple => quote!((..)),
            Style::Unit => quote!(),
        };
        quote!(Self::#ident #rest => #name,)
    });
    quote! {
        (__primal, __shadow) => {
            let __variant_name = |__value: &Self| -> &'static ::core::primitive::str {
                match __value { #(#name_arms)* }
            };
            ::core::result::Result::Err(::autodiff_safe::ShadowError::variant(
                __variant_name(__primal),
                __variant_name(__shadow),
            ))
        }
    }
}

/// Two or more variants always need the discriminant compared. Say so with a
/// bare `false`, without naming the fields' constants: a recursive enum
/// (`Add(Box<Expr>, Box<Expr>)`) would make its constant depend on itself
/// through `Box`'s, a cycle the compiler rejects.
fn enum_noop(variants: &[Variant<'_>]) -> TokenStream {
    if variants.len() > 1 {
        return quote!(false);
    }
    let checked: Vec<&Field<'_>> = variants
        .iter()
        .flat_map(|variant| checked_fields(&variant.fields))
        .collect();
    noop_const(&checked, true)
}

/// A zero-variant enum has no values: the check matches on `*self`, a place
/// of an uninhabited type, which needs no arms (a reference to it, as the
/// general body matches on, is not considered empty).
fn empty_enum_body() -> TokenStream {
    quote! {
        const CHECK_IS_NOOP: ::core::primitive::bool = true;
        fn check_shadow(&self, _: &Self) -> ::core::result::Result<(), ::autodiff_safe::ShadowError> {
            match *self {}
        }
        const ALLOCATIONS_WALKED: ::core::primitive::bool = true;
        const OWNS_NO_ALLOCATIONS: ::core::primitive::bool = true;
        const STRUCTURE_IS_FIXED: ::core::primitive::bool = true;
    }
}

fn noop_const(checked: &[&Field<'_>], structure_is_fixed: bool) -> TokenStream {
    let terms = checked
        .iter()
        .filter(|field| scalar_kind(field.ty).is_none())
        .map(|field| {
            let ty = field.ty;
            quote_spanned!(ty.span()=> && <#ty as ::autodiff_safe::ShadowCheck>::CHECK_IS_NOOP)
        });
    quote!(#structure_is_fixed #(#terms)*)
}

/// `check?;`, with the field (and variant) prefixed to the error's path.
fn located(field: &Field<'_>, check: &TokenStream, variant: &TokenStream) -> TokenStream {
    if let Some(name) = field_name(field) {
        quote!(::autodiff_safe::__private_0_1::in_field(#check, #name, #variant)?;)
    } else {
        let index = field.index;
        quote!(::autodiff_safe::__private_0_1::in_tuple_field(#check, #index, #variant)?;)
    }
}
