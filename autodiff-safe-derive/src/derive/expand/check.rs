//! The body of the derived `unsafe impl ShadowCheck`: `CHECK_IS_NOOP` and
//! `check_shadow`, nothing else.

use proc_macro2::TokenStream;
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

fn struct_body(fields: &[Field<'_>]) -> TokenStream {
    let checked: Vec<&Field<'_>> = checked_fields(fields).collect();
    let noop = noop_const(&checked, true);
    let checks = checked
        .iter()
        .filter(|field| scalar_kind(field.ty).is_none())
        .map(|field| {
            let access = member(field);
            let ty = field.ty;
            located(
                field,
                &quote_spanned! {ty.span()=>
                    <#ty as ::autodiff_safe::ShadowCheck>::check_shadow(&self.#access, &__shadow.#access)
                },
                &quote!(::core::option::Option::None),
            )
        });
    quote! {
        const CHECK_IS_NOOP: ::core::primitive::bool = #noop;
        #[inline]
        fn check_shadow(&self, __shadow: &Self) -> ::core::result::Result<(), ::autodiff_safe::ShadowError> {
            #(#checks)*
            ::core::result::Result::Ok(())
        }
    }
}

fn enum_body(variants: &[Variant<'_>]) -> TokenStream {
    let noop = enum_noop(variants);
    let check_arms = variants.iter().map(check_arm);
    let mismatch_arm = (variants.len() > 1).then(|| mismatch_arm(variants));
    quote! {
        const CHECK_IS_NOOP: ::core::primitive::bool = #noop;
        #[inline]
        fn check_shadow(&self, __shadow: &Self) -> ::core::result::Result<(), ::autodiff_safe::ShadowError> {
            match (self, __shadow) {
                #(#check_arms)*
                #mismatch_arm
            }
        }
    }
}

/// Both values of `variant`: check its fields.
fn check_arm(variant: &Variant<'_>) -> TokenStream {
    let ident = variant.ident;
    let name = variant_name(variant);
    let primal = pattern(variant, "__primal");
    let shadow = pattern(variant, "__shadow");
    let checks = checked_fields(&variant.fields)
        .filter(|field| scalar_kind(field.ty).is_none())
        .map(|field| {
            let binding_primal = binding(field, "__primal");
            let binding_shadow = binding(field, "__shadow");
            let ty = field.ty;
            located(
                field,
                &quote_spanned! {ty.span()=>
                    <#ty as ::autodiff_safe::ShadowCheck>::check_shadow(#binding_primal, #binding_shadow)
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
