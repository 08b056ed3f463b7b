//! Rust type expressions for IR type references.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Api, TypeRef};

/// An identifier from an IR name (already sanitized by `ir::names`).
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of a type reference, with absolute paths.
///
/// ```text
/// Vec(Named(User))  →  Vec<User>
/// Map(Nullable(I64)) →  ::std::collections::BTreeMap<String, Option<i64>>
/// ```
pub fn rust_type(api: &Api, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::U32 => quote!(u32),
        TypeRef::U64 => quote!(u64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::String => quote!(String),
        TypeRef::Date => quote!(::chrono::NaiveDate),
        TypeRef::DateTime => quote!(crate::support::DateTime),
        TypeRef::Uuid => quote!(::uuid::Uuid),
        TypeRef::Base64 => quote!(crate::support::Base64),
        TypeRef::Binary => quote!(Vec<u8>),
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::AnyObject => {
            quote!(::serde_json::Map<String, ::serde_json::Value>)
        }
        TypeRef::Vec(inner) => {
            let inner = rust_type(api, inner);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(api, inner);
            quote!(::std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = rust_type(api, inner);
            quote!(Option<#inner>)
        }
        TypeRef::Named(id) => {
            // Modules that use model types glob-import `crate::models`; the names pass keeps
            // every model name clear of the prelude and of the crate's own items.
            let name = ident(&api.ty(*id).name);
            quote!(#name)
        }
    }
}

/// Whether values of the type can hold something `validate()` must look into.
pub fn needs_validation(ty: &TypeRef) -> bool {
    let mut named = Vec::new();
    ty.named(&mut named);
    !named.is_empty()
}
