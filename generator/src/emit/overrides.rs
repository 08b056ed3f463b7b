//! The models' side of the spec's `x-rust-*` overrides (see `lower/overrides.rs`): components
//! that are existing Rust types, and derives added to generated types.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::punctuated::Punctuated;

use super::types::ident;
use crate::ir::{Api, TypeDef};

/// The types `support` already implements `Validate` for, by path without a leading `::`: an
/// `x-rust-type` naming one of them must not implement it again.
const VALIDATED: &[&str] = &[
    "bool",
    "i32",
    "i64",
    "u32",
    "u64",
    "f32",
    "f64",
    "u8",
    "String",
    "std::string::String",
    "serde_json::Value",
    "chrono::NaiveDate",
    "uuid::Uuid",
];

/// A component that is an existing type (`x-rust-type`): an alias of it, and an empty
/// `Validate` (the spec's constraints are the type's own business), once per type:
///
/// ```text
/// /// Docs of the schema.
/// pub type Money = ::rust_decimal::Decimal;
/// impl Validate for Money {}
/// ```
pub(super) fn external_def(api: &Api, t: &TypeDef, path: &str, doc: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let ty: syn::Type = match syn::parse_str(path) {
        Ok(ty) => ty,
        // Lowering checked the path; a type that does not parse stays out of the code.
        Err(_) => return TokenStream::new(),
    };
    let key = normalized(path);
    // The first type, by name, that names this path implements `Validate` for it; a second
    // impl for the same type would conflict.
    let first = api
        .types
        .iter()
        .filter(|other| other.overrides.external.as_deref().map(normalized) == Some(key.clone()))
        .map(|other| other.name.as_str())
        .min()
        == Some(t.name.as_str());
    let generic = key.contains('<');
    let validate = (first && !generic && !VALIDATED.contains(&key.as_str()))
        .then(|| quote!(impl Validate for #name {}));
    quote! {
        #doc
        pub type #name = #ty;
        #validate
    }
}

/// A path without spaces and leading `::`, to compare paths as written.
fn normalized(path: &str) -> String {
    let compact: String = path.chars().filter(|c| !c.is_whitespace()).collect();
    compact.trim_start_matches("::").to_string()
}

/// The items of a type with its `x-rust-derives` added to the struct or enum itself, leaving
/// out the traits it already derives (by last path segment: `Hash` and `::std::hash::Hash`
/// are one):
///
/// ```text
/// #[derive(Clone, Debug, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
/// #[derive(Eq, Hash)]
/// pub struct Tag { .. }
/// ```
pub(super) fn with_derives(tokens: TokenStream, t: &TypeDef) -> TokenStream {
    if t.overrides.derives.is_empty() {
        return tokens;
    }
    let Ok(mut file) = syn::parse2::<syn::File>(tokens.clone()) else {
        return tokens;
    };
    for item in &mut file.items {
        let attrs = match item {
            syn::Item::Struct(s) if s.ident == t.name => &mut s.attrs,
            syn::Item::Enum(e) if e.ident == t.name => &mut e.attrs,
            _ => continue,
        };
        let mut derived: Vec<String> = Vec::new();
        for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
            if let Ok(paths) =
                attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            {
                derived.extend(paths.iter().filter_map(last_segment));
            }
        }
        let extra: Vec<syn::Path> = t
            .overrides
            .derives
            .iter()
            .filter_map(|d| syn::parse_str::<syn::Path>(d).ok())
            .filter(|p| last_segment(p).is_some_and(|name| !derived.contains(&name)))
            .collect();
        if !extra.is_empty() {
            attrs.push(syn::parse_quote!(#[derive(#(#extra),*)]));
        }
        break;
    }
    file.into_token_stream()
}

fn last_segment(path: &syn::Path) -> Option<String> {
    path.segments.last().map(|s| s.ident.to_string())
}
