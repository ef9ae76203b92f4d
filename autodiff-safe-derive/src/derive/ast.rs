//! The derive input, reduced to what the expansion needs.

use proc_macro2::Span;

use super::attr;
use crate::ctxt::Ctxt;

/// Which derive runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Derive {
    /// `unsafe impl ShadowCheck` and `impl FloatTree`.
    ShadowCheck,
    /// `impl FloatTree` alone, next to a hand-written `ShadowCheck`.
    FloatTree,
}

pub struct Container<'a> {
    pub ident: &'a syn::Ident,
    pub generics: &'a syn::Generics,
    pub data: Data<'a>,
}

pub enum Data<'a> {
    Struct(Style, Vec<Field<'a>>),
    Enum(Vec<Variant<'a>>),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Named,
    Tuple,
    Unit,
}

pub struct Variant<'a> {
    pub ident: &'a syn::Ident,
    pub style: Style,
    pub fields: Vec<Field<'a>>,
}

pub struct Field<'a> {
    /// `Some` for named fields.
    pub ident: Option<&'a syn::Ident>,
    pub index: usize,
    pub ty: &'a syn::Type,
    pub unsafe_skip: Option<Span>,
}

impl<'a> Container<'a> {
    pub fn from_ast(cx: &Ctxt, input: &'a syn::DeriveInput, derive: Derive) -> Option<Self> {
        attr::reject_container_attrs(cx, &input.attrs);
        let data = match &input.data {
            syn::Data::Struct(data) => {
                let (style, fields) = fields_from_ast(cx, &data.fields);
                Data::Struct(style, fields)
            }
            syn::Data::Enum(data) => Data::Enum(
                data.variants
                    .iter()
                    .map(|variant| {
                        attr::reject_variant_attrs(cx, variant);
                        let (style, fields) = fields_from_ast(cx, &variant.fields);
                        Variant {
                            ident: &variant.ident,
                            style,
                            fields,
                        }
                    })
                    .collect(),
            ),
            syn::Data::Union(data) => {
                let message = match derive {
                    Derive::ShadowCheck => {
                        "`ShadowCheck` cannot be derived for a union: which field is live is not \
                         recorded anywhere, so a shadow's layout cannot be checked against its \
                         primal's; wrap it in a struct or enum and implement `ShadowCheck` by hand"
                    }
                    Derive::FloatTree => {
                        "`FloatTree` cannot be derived for a union: which field is live is not \
                         recorded anywhere, so its float leaves cannot be found; wrap it in a \
                         struct or enum and implement `FloatTree` by hand"
                    }
                };
                cx.error_spanned_by(data.union_token, message);
                return None;
            }
        };
        Some(Container {
            ident: &input.ident,
            generics: &input.generics,
            data,
        })
    }
}

fn fields_from_ast<'a>(cx: &Ctxt, fields: &'a syn::Fields) -> (Style, Vec<Field<'a>>) {
    let style = match fields {
        syn::Fields::Named(_) => Style::Named,
        syn::Fields::Unnamed(_) => Style::Tuple,
        syn::Fields::Unit => Style::Unit,
    };
    let fields = fields
        .iter()
        .enumerate()
        .map(|(index, field)| Field {
            ident: field.ident.as_ref(),
            index,
            ty: &field.ty,
            unsafe_skip: attr::field_attrs(cx, field).unsafe_skip,
        })
        .collect();
    (style, fields)
}

impl Container<'_> {
    pub fn all_fields(&self) -> Box<dyn Iterator<Item = &Field<'_>> + '_> {
        match &self.data {
            Data::Struct(_, fields) => Box::new(fields.iter()),
            Data::Enum(variants) => Box::new(variants.iter().flat_map(|variant| &variant.fields)),
        }
    }
}
