//! `src/models.rs`: one Rust item (plus impls) per named type of the IR.
//!
//! Here: structs, their fields and secrets. The checks `validate()` makes are emitted in
//! `checks`, enums in `enums`, unions in `unions`.

mod checks;
mod enums;
mod unions;

use proc_macro2::TokenStream;
use quote::quote;

use super::constructors::constructors;
use super::docs::{doc_attrs, raw_doc_attrs};
use super::features::{cfg, gate};
use super::types::{allow_complex_type, ident, needs_validation, rust_type};
use super::{item_parts, part, Part};
use crate::ir::{Additional, Api, Field, Shape, Struct, TypeDef, TypeKind, TypeRef};

pub use checks::value_checks;
use checks::{field_checks, property_count_check};
use enums::{int_enum, string_enum};
use unions::union_def;

/// The `models` module, in parts: one Rust item (plus impls) per named type, sorted by name.
pub fn parts(api: &Api) -> Vec<Part<'_>> {
    let mut parts = vec![part(|| {
        quote! {
            // Names come from the spec: enum values often share a prefix or suffix, and a union's
            // variants may differ much in size.
            #![allow(clippy::enum_variant_names, clippy::large_enum_variant)]
            // `absent`, `optional` and `nullable` keep the serde attributes of fields short.
            #[allow(unused_imports)]
            use crate::support::{absent, nullable, optional, Validate, ValidationError};
        }
    })];
    parts.extend(item_parts(api.types_by_name(), move |t| {
        gate(type_def(api, t), cfg(&t.features))
    }));
    parts
}

fn type_def(api: &Api, t: &TypeDef) -> TokenStream {
    let mut doc = doc_attrs(t.doc.as_deref());
    if let Shape::Request { of } = t.shape {
        // Written by the generator: a real intra-doc link, not escaped vendor text.
        let note = format!(
            "Request shape of [`{}`]: the same object without the fields only the server sends (readOnly).",
            api.ty(of).name
        );
        let separator = t.doc.as_ref().map(|_| raw_doc_attrs(""));
        let note = raw_doc_attrs(&note);
        doc = quote!(#doc #separator #note);
    }
    if let Some(path) = &t.overrides.external {
        return super::overrides::external_def(api, t, path, doc);
    }
    let tokens = match &t.kind {
        TypeKind::Struct(s) => struct_def(api, t, s, doc),
        TypeKind::Enum(values) => string_enum(t, values, doc),
        TypeKind::IntEnum(values) => int_enum(t, values, doc),
        TypeKind::Union(u) => union_def(api, t, u, doc),
        TypeKind::Alias(ty, _) if t.secret => secret_def(api, t, ty, doc),
        TypeKind::Alias(ty, _) => {
            let name = ident(&t.name);
            let ty = rust_type(api, ty);
            quote! {
                #doc
                pub type #name = #ty;
            }
        }
    };
    super::overrides::with_derives(tokens, t)
}

/// A secret string component: a newtype, the same as the string on the wire, whose `Debug`
/// shows `<redacted>`.
///
/// ```text
/// #[serde(transparent)]
/// pub struct ApiKey(pub String);
/// impl Debug for ApiKey { /* <redacted> */ }
/// impl Deref for ApiKey { type Target = String; }
/// impl From<String>, From<&str>, PartialEq<str>, PartialEq<&str> for ApiKey
/// ```
fn secret_def(api: &Api, t: &TypeDef, ty: &TypeRef, doc: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let ty = rust_type(api, ty);
    let tuple = &t.name;
    quote! {
        #doc
        #[derive(Clone, PartialEq, Eq, Hash, Default, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(transparent)]
        pub struct #name(pub #ty);

        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple(#tuple).field(&crate::support::Redacted).finish()
            }
        }

        impl ::std::ops::Deref for #name {
            type Target = #ty;
            fn deref(&self) -> &#ty {
                &self.0
            }
        }

        impl From<#ty> for #name {
            fn from(value: #ty) -> Self {
                #name(value)
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                #name(value.to_owned())
            }
        }

        impl PartialEq<str> for #name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for #name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl Validate for #name {
            fn validate_into(&self, path: &str, errors: &mut Vec<ValidationError>) {
                self.0.validate_into(path, errors);
            }
        }
    }
}

/// A struct with serde attributes, `validate()` and, when it holds secrets, a redacting `Debug`:
///
/// ```text
/// #[derive(Clone, PartialEq, Serialize, Deserialize)]
/// pub struct User {
///     #[serde(rename = "userID")]
///     pub user_id: i64,
///     #[serde(default, skip_serializing_if = "absent", deserialize_with = "optional")]
///     pub nickname: Option<String>,
/// }
/// impl Validate for User { ... }
/// impl Debug for User { ... }   // password fields print as <redacted>
/// ```
fn struct_def(api: &Api, t: &TypeDef, s: &Struct, doc: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let fields = s.fields.iter().map(|f| field_def(api, f));
    let extra_name = extra_field_name(s);
    let extra = match &s.additional {
        Additional::Kept(ty) => {
            let ty = rust_type(api, ty);
            let field = ident(&extra_name);
            quote! {
                #[doc = " Members not described by the spec."]
                #[serde(flatten)]
                pub #field: ::std::collections::BTreeMap<String, #ty>,
            }
        }
        _ => TokenStream::new(),
    };
    let deny = match s.additional {
        Additional::Denied => quote!(#[serde(deny_unknown_fields)]),
        _ => TokenStream::new(),
    };
    let has_secret = s.fields.iter().any(|f| f.secret);
    let all_optional = s.fields.iter().all(|f| !f.required);
    let debug_derive = if has_secret { quote!() } else { quote!(Debug,) };
    let default_derive = if all_optional {
        quote!(Default,)
    } else {
        quote!()
    };
    let debug_impl = if has_secret {
        redacted_debug(t, s, &extra_name)
    } else {
        TokenStream::new()
    };
    let checks: Vec<TokenStream> = s.fields.iter().map(field_checks).collect();
    let extra_check = match &s.additional {
        Additional::Kept(ty) if needs_validation(ty) => {
            let field = ident(&extra_name);
            quote! {
                for (key, value) in &self.#field {
                    value.validate_into(&crate::support::join(path, key), errors);
                }
            }
        }
        _ => TokenStream::new(),
    };
    let count_check = property_count_check(s, &extra_name);
    let example = example_doc(t);
    let constructors = constructors(api, t, s, &extra_name);
    let validate = if checks.iter().all(TokenStream::is_empty)
        && extra_check.is_empty()
        && count_check.is_empty()
    {
        // Nothing to check: the trait's default method.
        quote!(impl Validate for #name {})
    } else {
        quote! {
            impl Validate for #name {
                fn validate_into(&self, path: &str, errors: &mut Vec<ValidationError>) {
                    #(#checks)*
                    #extra_check
                    #count_check
                }
            }
        }
    };
    quote! {
        #doc
        #example
        #[derive(Clone, #debug_derive #default_derive PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #deny
        pub struct #name {
            #(#fields)*
            #extra
        }

        #validate

        #constructors
        #debug_impl
    }
}

fn extra_field_name(s: &Struct) -> String {
    let mut name = "additional_properties".to_string();
    while s.fields.iter().any(|f| f.name.rust == name) {
        name.push('_');
    }
    name
}

/// The Rust type of a field, with the `Option`s that optional and nullable add.
fn field_type(api: &Api, f: &Field) -> TokenStream {
    let inner = rust_type(api, &f.ty);
    let inner = if f.boxed { quote!(Box<#inner>) } else { inner };
    match (f.required, f.nullable) {
        (true, false) => inner,
        (true, true) | (false, false) => quote!(Option<#inner>),
        (false, true) => quote!(Option<Option<#inner>>),
    }
}

fn field_def(api: &Api, f: &Field) -> TokenStream {
    let name = ident(&f.name.rust);
    let ty = field_type(api, f);
    let mut doc = f.doc.clone().unwrap_or_default();
    if let Some(default) = &f.default {
        let note = format!("The server assumes `{default}` when this is absent.");
        doc = if doc.is_empty() {
            note
        } else {
            format!("{doc}\n\n{note}")
        };
    }
    let doc = doc_attrs(Some(&doc));
    let allow = allow_complex_type(&ty);
    let rename = (f.name.rust != f.name.wire).then(|| {
        let wire = &f.name.wire;
        quote!(rename = #wire,)
    });
    let serde = match (f.required, f.nullable) {
        (true, false) => rename.map(|r| quote!(#[serde(#r)])),
        // Required but nullable: always sent, `null` when `None`.
        (true, true) => Some(quote!(#[serde(#rename default)])),
        // Optional, not nullable: `null` is invalid, yet real servers send it. The model reads it
        // as absent whatever features are on; the server's extractor decodes in strict mode
        // (`support::strict`), where it is refused.
        (false, false) => Some(quote! {
            #[serde(#rename default, skip_serializing_if = "absent", deserialize_with = "optional")]
        }),
        // Optional and nullable: absent (`None`), `null` (`Some(None)`) and a value stay distinct.
        (false, true) => Some(
            quote!(#[serde(#rename default, skip_serializing_if = "absent", deserialize_with = "nullable")]),
        ),
    };
    quote! {
        #doc
        #allow
        #serde
        pub #name: #ty,
    }
}

fn redacted_debug(t: &TypeDef, s: &Struct, extra_name: &str) -> TokenStream {
    let name = ident(&t.name);
    let type_name = &t.name;
    let fields = s.fields.iter().map(|f| {
        let field = ident(&f.name.rust);
        let label = &f.name.rust;
        if !f.secret {
            quote!(.field(#label, &self.#field))
        } else if f.required && !f.nullable {
            quote!(.field(#label, &crate::support::Redacted))
        } else {
            quote!(.field(#label, &self.#field.as_ref().map(|_| crate::support::Redacted)))
        }
    });
    let extra = match s.additional {
        Additional::Kept(_) => {
            let field = ident(extra_name);
            quote!(.field(#extra_name, &self.#field))
        }
        _ => TokenStream::new(),
    };
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#type_name)
                    #(#fields)*
                    #extra
                    .finish()
            }
        }
    }
}

/// The spec's example, shown in the type's documentation.
fn example_doc(t: &TypeDef) -> TokenStream {
    let Some(example) = &t.example else {
        return TokenStream::new();
    };
    let Ok(json) = serde_json::to_string_pretty(example) else {
        return TokenStream::new();
    };
    let text = format!("\n# Example\n\n```json\n{json}\n```");
    raw_doc_attrs(&text)
}
