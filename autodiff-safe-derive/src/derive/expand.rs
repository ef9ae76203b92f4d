//! Code generation for `#[derive(ShadowCheck)]`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit::Visit;

use super::ast::{Container, Data, Field, Style, Variant};

pub fn expand(container: &Container<'_>) -> TokenStream {
    let ident = container.ident;
    let generics = bounded_generics(container);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let body = match &container.data {
        Data::Struct(style, fields) => struct_body(*style, fields),
        Data::Enum(variants) => enum_body(variants),
    };
    let safety = "every field's shadow is checked by the field type's own `ShadowCheck`, in \
                  declaration order, after the variants are compared; skipped fields were \
                  opted out with `unsafe(skip)`, whose contract the user upholds";
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_qualifications, clippy::all, clippy::pedantic)]
        const _: () = {
            #[doc = #safety]
            #[automatically_derived]
            unsafe impl #impl_generics ::autodiff_safe::ShadowCheck for #ident #ty_generics #where_clause {
                #body
            }
        };
    }
}

/// Bounds every type parameter used by a checked field with `ShadowCheck`,
/// and every skipped field's type with `Clone` (`make_zero` clones it).
/// Field types themselves are not bounded: for a recursive type such as
/// `Node<T> { next: Option<Box<Node<T>>> }` that bound would send the trait
/// solver round the cycle for ever.
fn bounded_generics(container: &Container<'_>) -> syn::Generics {
    let mut generics = container.generics.clone();
    let params: Vec<syn::Ident> = generics
        .type_params()
        .map(|param| param.ident.clone())
        .collect();
    let mut used = vec![false; params.len()];
    for field in container.all_fields() {
        if field.unsafe_skip.is_none() {
            let mut finder = ParamFinder {
                params: &params,
                used: &mut used,
            };
            finder.visit_type(field.ty);
        }
    }
    let where_clause = generics.make_where_clause();
    for (param, used) in params.iter().zip(used) {
        if used {
            where_clause
                .predicates
                .push(syn::parse_quote!(#param: ::autodiff_safe::ShadowCheck));
        }
    }
    for field in container.all_fields() {
        if field.unsafe_skip.is_none() && scalar_kind(field.ty).is_some() {
            // The scalar fast path skips these fields' checks; the bound
            // proves that the name really is the primitive, not an alias.
            let ty = field.ty;
            where_clause.predicates.push(
                syn::parse_quote_spanned!(ty.span()=> #ty: ::autodiff_safe::__private::Scalar),
            );
        }
        if field.unsafe_skip.is_some() {
            let ty = field.ty;
            where_clause
                .predicates
                .push(syn::parse_quote_spanned!(ty.span()=> #ty: ::core::clone::Clone));
        }
    }
    generics
}

struct ParamFinder<'a> {
    params: &'a [syn::Ident],
    used: &'a mut [bool],
}

impl<'ast> Visit<'ast> for ParamFinder<'_> {
    fn visit_type_path(&mut self, path: &'ast syn::TypePath) {
        if path.qself.is_none() {
            if let Some(first) = path.path.segments.first()
                && let Some(index) = self.params.iter().position(|param| *param == first.ident)
            {
                self.used[index] = true;
            }
            if path
                .path
                .segments
                .last()
                .is_some_and(|last| last.ident == "PhantomData")
            {
                return;
            }
        }
        syn::visit::visit_type_path(self, path);
    }
}

fn struct_body(style: Style, fields: &[Field<'_>]) -> TokenStream {
    let checked: Vec<&Field<'_>> = fields.iter().filter(|f| f.unsafe_skip.is_none()).collect();
    let noop = noop_const(&checked, true);
    let accesses: Vec<TokenStream> = fields.iter().map(member).collect();
    let checks = checked.iter().filter(|field| scalar_kind(field.ty).is_none()).map(|field| {
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
    let zero_values = fields
        .iter()
        .zip(&accesses)
        .map(|(field, access)| zero_field(field, &quote!(&self.#access)));
    let construct = construct(quote!(Self), style, fields, zero_values);
    let (visits, visits_mut) = visit_fields(checked.iter().map(|field| {
        let access = member(field);
        (field.ty, quote!(&self.#access), quote!(&mut self.#access))
    }));
    quote! {
        const CHECK_IS_NOOP: ::core::primitive::bool = #noop;
        #[inline]
        fn check_shadow(&self, __shadow: &Self) -> ::core::result::Result<(), ::autodiff_safe::ShadowError> {
            #(#checks)*
            ::core::result::Result::Ok(())
        }
        #[inline]
        fn make_zero(&self) -> Self {
            #construct
        }
        #[inline]
        fn make_zero_boxed(&self) -> ::std::boxed::Box<Self> {
            ::std::boxed::Box::new(::autodiff_safe::ShadowCheck::make_zero(self))
        }
        #[inline]
        fn visit_floats(&self, __visitor: &mut dyn ::core::ops::FnMut(::core::primitive::f64)) {
            #(#visits)*
        }
        #[inline]
        fn visit_floats_mut(&mut self, __visitor: &mut dyn ::core::ops::FnMut(::autodiff_safe::FloatMut<'_>)) {
            #(#visits_mut)*
        }
    }
}

#[allow(
    clippy::too_many_lines,
    reason = "one code template reads best in one piece"
)]
fn enum_body(variants: &[Variant<'_>]) -> TokenStream {
    if variants.is_empty() {
        return empty_enum_body();
    }
    let noop = enum_noop(variants);

    let check_arms = variants.iter().map(|variant| {
        let ident = variant.ident;
        let name = syn::ext::IdentExt::unraw(ident).to_string();
        let primal = pattern(variant, "__primal");
        let shadow = pattern(variant, "__shadow");
        let checks = checked_fields(variant).filter(|field| scalar_kind(field.ty).is_none()).map(|field| {
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
    });
    let name_arms = variants.iter().map(|variant| {
        let ident = variant.ident;
        let name = syn::ext::IdentExt::unraw(ident).to_string();
        let rest = match variant.style {
            Style::Named => quote!({ .. }),
            Style::Tuple => quote!((..)),
            Style::Unit => quote!(),
        };
        quote!(Self::#ident #rest => #name,)
    });
    let mismatch_arm = (variants.len() > 1).then(|| {
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
    });
    let zero_arms = variants.iter().map(|variant| {
        let ident = variant.ident;
        let primal = pattern(variant, "__primal");
        let values = variant
            .fields
            .iter()
            .map(|field| zero_field(field, &binding(field, "__primal")));
        let construct = construct(quote!(Self::#ident), variant.style, &variant.fields, values);
        quote!(Self::#ident #primal => #construct,)
    });
    let (visit_arms, visit_mut_arms): (Vec<_>, Vec<_>) = variants
        .iter()
        .map(|variant| {
            let ident = variant.ident;
            let primal = pattern(variant, "__primal");
            let (visits, visits_mut) = visit_fields(checked_fields(variant).map(|field| {
                let binding = binding(field, "__primal");
                (field.ty, binding.clone(), binding)
            }));
            (
                quote!(Self::#ident #primal => { #(#visits)* }),
                quote!(Self::#ident #primal => { #(#visits_mut)* }),
            )
        })
        .unzip();
    let unused = quote!(let _ = __visitor;);
    quote! {
        const CHECK_IS_NOOP: ::core::primitive::bool = #noop;
        #[inline]
        fn check_shadow(&self, __shadow: &Self) -> ::core::result::Result<(), ::autodiff_safe::ShadowError> {
            match (self, __shadow) {
                #(#check_arms)*
                #mismatch_arm
            }
        }
        #[inline]
        fn make_zero(&self) -> Self {
            match self {
                #(#zero_arms)*
            }
        }
        #[inline]
        fn make_zero_boxed(&self) -> ::std::boxed::Box<Self> {
            ::std::boxed::Box::new(::autodiff_safe::ShadowCheck::make_zero(self))
        }
        #[inline]
        fn visit_floats(&self, __visitor: &mut dyn ::core::ops::FnMut(::core::primitive::f64)) {
            #unused
            match self {
                #(#visit_arms)*
            }
        }
        #[inline]
        fn visit_floats_mut(&mut self, __visitor: &mut dyn ::core::ops::FnMut(::autodiff_safe::FloatMut<'_>)) {
            #unused
            match self {
                #(#visit_mut_arms)*
            }
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
        .flat_map(|variant| &variant.fields)
        .filter(|field| field.unsafe_skip.is_none())
        .collect();
    noop_const(&checked, true)
}

/// A zero-variant enum has no values: every method matches on `*self`, a
/// place of an uninhabited type, which needs no arms (a reference to it, as
/// the general body matches on, is not considered empty).
fn empty_enum_body() -> TokenStream {
    quote! {
        const CHECK_IS_NOOP: ::core::primitive::bool = true;
        fn check_shadow(&self, _: &Self) -> ::core::result::Result<(), ::autodiff_safe::ShadowError> {
            match *self {}
        }
        #[inline]
        fn make_zero(&self) -> Self {
            match *self {}
        }
        #[inline]
        fn make_zero_boxed(&self) -> ::std::boxed::Box<Self> {
            match *self {}
        }
        fn set_zero(&mut self) {
            match *self {}
        }
        fn visit_floats(&self, _: &mut dyn ::core::ops::FnMut(::core::primitive::f64)) {
            match *self {}
        }
        fn visit_floats_mut(&mut self, _: &mut dyn ::core::ops::FnMut(::autodiff_safe::FloatMut<'_>)) {
            match *self {}
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ScalarKind {
    /// `f32`, `f64`: nothing to check, floats to visit.
    Float,
    /// Integers, `bool`, `char`: nothing to check or visit.
    Inert,
}

/// Fields written as a primitive scalar get no check call at all: theirs is
/// a no-op, and skipping it keeps derives of wide models cheap to compile.
fn scalar_kind(ty: &syn::Type) -> Option<ScalarKind> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    if path.qself.is_some() || path.path.segments.len() != 1 {
        return None;
    }
    let segment = &path.path.segments[0];
    if !matches!(segment.arguments, syn::PathArguments::None) {
        return None;
    }
    match segment.ident.to_string().as_str() {
        "f32" | "f64" => Some(ScalarKind::Float),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize" | "bool" | "char" => Some(ScalarKind::Inert),
        _ => None,
    }
}

fn checked_fields<'v, 'a>(variant: &'v Variant<'a>) -> impl Iterator<Item = &'v Field<'a>> {
    variant
        .fields
        .iter()
        .filter(|field| field.unsafe_skip.is_none())
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

fn member(field: &Field<'_>) -> TokenStream {
    if let Some(ident) = field.ident {
        quote!(#ident)
    } else {
        let index = syn::Index::from(field.index);
        quote!(#index)
    }
}

/// `check?;`, with the field (and variant) prefixed to the error's path.
fn located(field: &Field<'_>, check: &TokenStream, variant: &TokenStream) -> TokenStream {
    if let Some(ident) = field.ident {
        let name = syn::ext::IdentExt::unraw(ident).to_string();
        quote!(::autodiff_safe::__private::in_field(#check, #name, #variant)?;)
    } else {
        let index = field.index;
        quote!(::autodiff_safe::__private::in_tuple_field(#check, #index, #variant)?;)
    }
}

fn binding(field: &Field<'_>, prefix: &str) -> TokenStream {
    let ident = format_ident!("{}_{}", prefix, field.index, span = Span::call_site());
    quote!(#ident)
}

fn pattern(variant: &Variant<'_>, prefix: &str) -> TokenStream {
    let bindings = variant.fields.iter().map(|field| binding(field, prefix));
    match variant.style {
        Style::Named => {
            let names = variant.fields.iter().map(|field| field.ident);
            quote!({ #(#names: #bindings),* })
        }
        Style::Tuple => quote!(( #(#bindings),* )),
        Style::Unit => quote!(),
    }
}

fn zero_field(field: &Field<'_>, value: &TokenStream) -> TokenStream {
    let ty = field.ty;
    if field.unsafe_skip.is_some() {
        quote_spanned!(ty.span()=> <#ty as ::core::clone::Clone>::clone(#value))
    } else {
        quote_spanned!(ty.span()=> <#ty as ::autodiff_safe::ShadowCheck>::make_zero(#value))
    }
}

fn construct(
    path: TokenStream,
    style: Style,
    fields: &[Field<'_>],
    values: impl Iterator<Item = TokenStream>,
) -> TokenStream {
    match style {
        Style::Named => {
            let names = fields.iter().map(|field| field.ident);
            quote!(#path { #(#names: #values),* })
        }
        Style::Tuple => quote!(#path ( #(#values),* )),
        Style::Unit => path,
    }
}

fn visit_fields<'t>(
    fields: impl Iterator<Item = (&'t syn::Type, TokenStream, TokenStream)>,
) -> (Vec<TokenStream>, Vec<TokenStream>) {
    fields
        .filter(|(ty, _, _)| scalar_kind(ty) != Some(ScalarKind::Inert))
        .map(|(ty, shared, exclusive)| {
            (
                quote_spanned!(ty.span()=> <#ty as ::autodiff_safe::ShadowCheck>::visit_floats(#shared, __visitor);),
                quote_spanned!(ty.span()=> <#ty as ::autodiff_safe::ShadowCheck>::visit_floats_mut(#exclusive, __visitor);),
            )
        })
        .unzip()
}
