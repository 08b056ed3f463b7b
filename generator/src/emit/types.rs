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
/// Vec(Named(User))  →  ::std::vec::Vec<User>
/// Map(Nullable(I64)) →  ::std::collections::BTreeMap<::std::string::String, ::std::option::Option<i64>>
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
        TypeRef::String => quote!(::std::string::String),
        TypeRef::Date => quote!(::chrono::NaiveDate),
        TypeRef::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        TypeRef::Uuid => quote!(::uuid::Uuid),
        TypeRef::Base64 => quote!(crate::support::Base64),
        TypeRef::Binary => quote!(::std::vec::Vec<u8>),
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::AnyObject => {
            quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>)
        }
        TypeRef::Vec(inner) => {
            let inner = rust_type(api, inner);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(api, inner);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = rust_type(api, inner);
            quote!(::std::option::Option<#inner>)
        }
        TypeRef::Named(id) => {
            let name = ident(&api.ty(*id).name);
            quote!(crate::models::#name)
        }
    }
}

/// Whether values of the type can hold something `validate()` must look into.
pub fn needs_validation(ty: &TypeRef) -> bool {
    let mut named = Vec::new();
    ty.named(&mut named);
    !named.is_empty()
}
