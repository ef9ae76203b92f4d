//! The `#[shadow(..)]` helper attribute.

use syn::spanned::Spanned;

use crate::ctxt::Ctxt;

/// What `#[shadow(..)]` says of one field.
pub struct FieldAttrs {
    /// `#[shadow(unsafe(skip))]`: the field is neither checked nor visited.
    /// The span is the user's `unsafe`, which the expansion re-emits for
    /// `unsafe_code` to see.
    pub unsafe_skip: Option<proc_macro2::Span>,
}

pub fn field_attrs(cx: &Ctxt, field: &syn::Field) -> FieldAttrs {
    let mut attrs = FieldAttrs { unsafe_skip: None };
    for attr in &field.attrs {
        if !attr.path().is_ident("shadow") {
            continue;
        }
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("unsafe") {
                meta.parse_nested_meta(|inner| {
                    if inner.path.is_ident("skip") {
                        if attrs.unsafe_skip.is_some() {
                            cx.error_spanned_by(&inner.path, "duplicate `unsafe(skip)` on this field");
                        }
                        attrs.unsafe_skip = Some(meta.path.span());
                        Ok(())
                    } else {
                        Err(inner.error(format!(
                            "unknown unsafe shadow option `{}`; the only one is `unsafe(skip)`",
                            path_text(&inner.path)
                        )))
                    }
                })
            } else if meta.path.is_ident("skip") {
                Err(meta.error(
                    "skipping a field's shadow check is unsafe: write `#[shadow(unsafe(skip))]` \
                     and justify in a `// SAFETY:` comment that no derivative reads or writes \
                     this field's shadow",
                ))
            } else {
                Err(meta.error(format!(
                    "unknown shadow attribute `{}`; the only field attribute is `#[shadow(unsafe(skip))]`",
                    path_text(&meta.path)
                )))
            }
        });
        if let Err(error) = parsed {
            cx.syn_error(error);
        }
    }
    attrs
}

/// Container-level `#[shadow(..)]` takes no options; say so rather than
/// ignore one.
pub fn reject_container_attrs(cx: &Ctxt, attrs: &[syn::Attribute]) {
    for attr in attrs {
        if attr.path().is_ident("shadow") {
            cx.error_spanned_by(
                attr,
                "`#[shadow(..)]` belongs on fields; the only option is `#[shadow(unsafe(skip))]`",
            );
        }
    }
}

/// Variants take no options either.
pub fn reject_variant_attrs(cx: &Ctxt, variant: &syn::Variant) {
    for attr in &variant.attrs {
        if attr.path().is_ident("shadow") {
            cx.error_spanned_by(
                attr,
                "`#[shadow(..)]` belongs on fields, not variants; the only option is `#[shadow(unsafe(skip))]`",
            );
        }
    }
}

fn path_text(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}
