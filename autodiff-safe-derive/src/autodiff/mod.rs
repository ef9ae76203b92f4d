//! `#[autodiff_reverse]`, `#[autodiff_forward]` and `#[autodiff]`, in one
//! direction: parse the arguments ([`args`]) and the function
//! ([`function`]), pair them into a [`plan`], report what does not fit
//! ([`valid`]), then emit the original function followed by the checked
//! derivative and its `try_` twin ([`expand`]) over the plan's
//! [`backend`].
//!
//! On any error the original function is emitted untouched next to the
//! errors, so one mistake does not cascade into errors about the function.

mod args;
mod backend;
mod block;
mod checks;
mod context;
mod expand;
mod function;
mod gradcheck;
mod lints;
mod owners;
mod plan;
mod valid;

use proc_macro2::TokenStream;
use quote::quote;

pub use args::Entry;
pub use block::{BlockEntry, context_marker, expand as expand_block};

use crate::ctxt::Ctxt;

/// The annotated function as written: a free function, a method, or a
/// trait method with or without a default body.
struct Annotated {
    attrs: Vec<syn::Attribute>,
    vis: syn::Visibility,
    sig: syn::Signature,
    has_body: bool,
}

fn annotated(item: &TokenStream) -> Option<Annotated> {
    if let Ok(function) = syn::parse2::<syn::ItemFn>(item.clone()) {
        return Some(Annotated {
            attrs: function.attrs,
            vis: function.vis,
            sig: function.sig,
            has_body: true,
        });
    }
    let function = syn::parse2::<syn::TraitItemFn>(item.clone()).ok()?;
    Some(Annotated {
        attrs: function.attrs,
        vis: syn::Visibility::Inherited,
        sig: function.sig,
        has_body: function.default.is_some(),
    })
}

pub fn expand(entry: Entry, args: TokenStream, item: &TokenStream) -> TokenStream {
    let Some(function) = annotated(item) else {
        let error = not_a_function(entry, item).into_compile_error();
        return quote!(#error #item);
    };
    let cx = Ctxt::default();
    let generated = args::parse(&cx, entry, args).and_then(|args| {
        let context = match context::Context::from_attrs(&function.attrs) {
            Ok(context) => context,
            Err(error) => {
                cx.syn_error(error);
                return None;
            }
        };
        valid::placement(&cx, entry, &function.sig, function.has_body, &context);
        let function = function::Function::new(&cx, &function.vis, &function.sig, context)?;
        if !valid::activity_count(&cx, &args, &function) {
            return None;
        }
        let plan = plan::Plan::new(&args, &function, plan::Backend::selected())?;
        valid::check(&cx, &plan);
        // Expand only a clean plan.
        (cx.error_count() == 0).then(|| expand::expand(&plan))
    });
    match cx.check() {
        Ok(()) => quote!(#item #generated),
        Err(errors) => {
            let errors = errors.into_compile_error();
            quote!(#errors #item)
        }
    }
}

/// The error for an attribute on anything but a function with a body,
/// spanned on the item's keyword and name.
fn not_a_function(entry: Entry, item: &TokenStream) -> syn::Error {
    let (what, head) = match syn::parse2::<syn::Item>(item.clone()) {
        Ok(syn::Item::Struct(syn::ItemStruct {
            struct_token,
            ident,
            ..
        })) => ("a struct", quote!(#struct_token #ident)),
        Ok(syn::Item::Enum(syn::ItemEnum {
            enum_token, ident, ..
        })) => ("an enum", quote!(#enum_token #ident)),
        Ok(syn::Item::Union(syn::ItemUnion {
            union_token, ident, ..
        })) => ("a union", quote!(#union_token #ident)),
        Ok(syn::Item::Trait(syn::ItemTrait {
            trait_token, ident, ..
        })) => ("a trait", quote!(#trait_token #ident)),
        Ok(syn::Item::Impl(syn::ItemImpl {
            impl_token,
            self_ty,
            ..
        })) => ("an impl block", quote!(#impl_token #self_ty)),
        Ok(syn::Item::Mod(syn::ItemMod {
            mod_token, ident, ..
        })) => ("a module", quote!(#mod_token #ident)),
        Ok(syn::Item::Const(syn::ItemConst {
            const_token, ident, ..
        })) => ("a constant", quote!(#const_token #ident)),
        Ok(syn::Item::Static(syn::ItemStatic {
            static_token,
            ident,
            ..
        })) => ("a static", quote!(#static_token #ident)),
        Ok(syn::Item::Type(syn::ItemType {
            type_token, ident, ..
        })) => ("a type alias", quote!(#type_token #ident)),
        _ => ("this item", item.clone()),
    };
    let message = format!(
        "`#[{}]` applies to functions and methods with a body, not to {what}; put it on the \
         function to differentiate",
        entry.attribute()
    );
    if head.is_empty() {
        syn::Error::new(proc_macro2::Span::call_site(), message)
    } else {
        syn::Error::new_spanned(head, message)
    }
}
