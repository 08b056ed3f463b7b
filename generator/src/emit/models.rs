//! `src/models.rs`: one Rust item (plus impls) per named type of the IR.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::constructors::{constructors, union_conversions};
use super::docs::{doc_attrs, raw_doc_attrs};
use super::features::{cfg, gate};
use super::types::{allow_complex_type, ident, needs_validation, rust_type};
use super::{item_parts, part, Part};
use crate::ir::{
    Additional, Api, Constraints, EnumValue, Field, IntValue, JsonShape, Shape, Struct, TypeDef,
    TypeKind, TypeRef, Union,
};

/// The `models` module, in parts: one Rust item (plus impls) per named type, sorted by name.
pub fn parts(api: &Api) -> Vec<Part<'_>> {
    let mut parts = vec![part(|| {
        quote! {
            // Names come from the spec: enum values often share a prefix or suffix, and a union's
            // variants may differ much in size.
            #![allow(clippy::enum_variant_names, clippy::large_enum_variant)]
            #[allow(unused_imports)]
            use crate::support::{Validate, ValidationError};
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
///     #[serde(default, skip_serializing_if = "Option::is_none")]
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
    let checks = s.fields.iter().map(field_checks);
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
    quote! {
        #doc
        #example
        #[derive(Clone, #debug_derive #default_derive PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #deny
        pub struct #name {
            #(#fields)*
            #extra
        }

        impl Validate for #name {
            #[allow(unused_variables)]
            fn validate_into(&self, path: &str, errors: &mut Vec<ValidationError>) {
                #(#checks)*
                #extra_check
                #count_check
            }
        }

        #constructors
        #debug_impl
    }
}

/// `minProperties`/`maxProperties`: members present, counting the extra ones.
fn property_count_check(s: &Struct, extra_name: &str) -> TokenStream {
    if s.min_properties.is_none() && s.max_properties.is_none() {
        return TokenStream::new();
    }
    let always = s.fields.iter().filter(|f| f.required).count();
    let mut terms: Vec<TokenStream> = Vec::new();
    if always > 0 {
        terms.push(quote!(#always));
    }
    for f in s.fields.iter().filter(|f| !f.required) {
        let n = ident(&f.name.rust);
        terms.push(quote!(usize::from(self.#n.is_some())));
    }
    if matches!(s.additional, Additional::Kept(_)) {
        let n = ident(extra_name);
        terms.push(quote!(self.#n.len()));
    }
    if terms.is_empty() {
        terms.push(quote!(0));
    }
    let min = s.min_properties.map(|min| {
        let message = format!("must have at least {min} members");
        quote!(if present < #min { errors.push(ValidationError::new(path, "minProperties", #message)); })
    });
    let max = s.max_properties.map(|max| {
        let message = format!("must have at most {max} members");
        quote!(if present > #max { errors.push(ValidationError::new(path, "maxProperties", #message)); })
    });
    quote! {
        let present: usize = #(#terms)+*;
        #min
        #max
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
            #[serde(#rename default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::support::optional")]
        }),
        // Optional and nullable: absent (`None`), `null` (`Some(None)`) and a value stay distinct.
        (false, true) => Some(
            quote!(#[serde(#rename default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::support::nullable")]),
        ),
    };
    quote! {
        #doc
        #allow
        #serde
        pub #name: #ty,
    }
}

/// The checks `validate()` makes for one field.
fn field_checks(f: &Field) -> TokenStream {
    let name = ident(&f.name.rust);
    let wire = &f.name.wire;
    let constraint_checks = value_checks(&f.ty, &f.constraints, quote!(value), quote!(&field_path));
    let nested = needs_validation(&f.ty).then(|| quote!(value.validate_into(&field_path, errors);));
    if constraint_checks.is_empty() && nested.is_none() {
        return TokenStream::new();
    }
    if constraint_checks.is_empty() {
        // Only the value's own checks: its path is made where it is used.
        let nested = quote!(value.validate_into(&crate::support::join(path, #wire), errors););
        return match (f.required, f.nullable) {
            (true, false) => {
                quote! { self.#name.validate_into(&crate::support::join(path, #wire), errors); }
            }
            (true, true) | (false, false) => {
                quote! { if let Some(value) = &self.#name { #nested } }
            }
            (false, true) => quote! { if let Some(Some(value)) = &self.#name { #nested } },
        };
    }
    let body = quote! {
        let field_path = crate::support::join(path, #wire);
        #constraint_checks
        #nested
    };
    match (f.required, f.nullable) {
        (true, false) => quote! {{ let value = &self.#name; #body }},
        (true, true) | (false, false) => quote! { if let Some(value) = &self.#name { #body } },
        (false, true) => quote! { if let Some(Some(value)) = &self.#name { #body } },
    }
}

/// Constraint checks of a value (`value` is a reference to it, `path` a `&str` expression).
pub fn value_checks(
    ty: &TypeRef,
    c: &Constraints,
    value: TokenStream,
    path: TokenStream,
) -> TokenStream {
    let mut out = TokenStream::new();
    let report = |rule: &str, message: String| quote!(errors.push(ValidationError::new(#path, #rule, #message)););
    // Lowering keeps only the constraints a value of the Rust type can break (none on a
    // `format: uuid` string or an enum); a type that cannot take a check never gets it.
    let scalar = |t: &TypeRef| {
        matches!(
            t,
            TypeRef::Bool
                | TypeRef::Date
                | TypeRef::DateTime
                | TypeRef::Uuid
                | TypeRef::Base64
                | TypeRef::Binary
                | TypeRef::Any
                | TypeRef::AnyObject
                | TypeRef::Vec(_)
                | TypeRef::Map(_)
        )
    };
    let numeric = matches!(
        ty,
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 | TypeRef::F32 | TypeRef::F64
    );
    let text = !scalar(ty) && !numeric;
    let c = &Constraints {
        min_length: c.min_length.filter(|_| text),
        max_length: c.max_length.filter(|_| text),
        pattern: c.pattern.clone().filter(|_| text),
        minimum: c
            .minimum
            .filter(|_| numeric || matches!(ty, TypeRef::Named(_))),
        maximum: c
            .maximum
            .filter(|_| numeric || matches!(ty, TypeRef::Named(_))),
        ..c.clone()
    };
    if let Some(min) = c.min_length {
        let r = report(
            "minLength",
            format!("must be at least {min} characters long"),
        );
        out.extend(quote!(if #value.chars().count() < #min { #r }));
    }
    if let Some(max) = c.max_length {
        let r = report(
            "maxLength",
            format!("must be at most {max} characters long"),
        );
        out.extend(quote!(if #value.chars().count() > #max { #r }));
    }
    if let Some(pattern) = &c.pattern {
        let r = report("pattern", format!("must match the pattern `{pattern}`"));
        out.extend(quote!(if !crate::support::matches_pattern(#pattern, #value) { #r }));
    }
    let number = |bound: f64| {
        let as_f64 = match ty {
            TypeRef::F64 => quote!(*#value),
            _ => quote!((*#value as f64)),
        };
        (as_f64, Literal::f64_suffixed(bound))
    };
    if let Some((min, exclusive)) = c.minimum {
        let (v, lit) = number(min);
        let (cmp, word) = if exclusive {
            (quote!(<=), "greater than")
        } else {
            (quote!(<), "at least")
        };
        let r = report("minimum", format!("must be {word} {min}"));
        out.extend(quote!(if #v #cmp #lit { #r }));
    }
    if let Some((max, exclusive)) = c.maximum {
        let (v, lit) = number(max);
        let (cmp, word) = if exclusive {
            (quote!(>=), "less than")
        } else {
            (quote!(>), "at most")
        };
        let r = report("maximum", format!("must be {word} {max}"));
        out.extend(quote!(if #v #cmp #lit { #r }));
    }
    if let Some(min) = c.min_items {
        let r = report("minItems", format!("must have at least {min} items"));
        if min == 1 {
            out.extend(quote!(if #value.is_empty() { #r }));
        } else if min > 1 {
            out.extend(quote!(if #value.len() < #min { #r }));
        }
    }
    if let Some(max) = c.max_items {
        let r = report("maxItems", format!("must have at most {max} items"));
        out.extend(quote!(if #value.len() > #max { #r }));
    }
    if let (Some(items), TypeRef::Vec(item_ty)) = (&c.items, ty) {
        let (item_ty, nullable) = match item_ty.as_ref() {
            TypeRef::Nullable(inner) => (inner.as_ref(), true),
            other => (other, false),
        };
        let inner = value_checks(item_ty, items, quote!(item), quote!(&item_path));
        if !inner.is_empty() {
            let bind = if nullable {
                quote!(let Some(item) = item else { continue; };)
            } else {
                TokenStream::new()
            };
            out.extend(quote! {
                for (index, item) in #value.iter().enumerate() {
                    #bind
                    let item_path = crate::support::join(#path, &index.to_string());
                    #inner
                }
            });
        }
    }
    out
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

/// A string enum that keeps values it does not know:
///
/// ```text
/// pub enum Status { Active, Inactive, Unknown(String) }
/// impl Status { pub const VALUES: &[&str]; pub fn as_str(&self) -> &str }
/// impl From<&str>, Display, Serialize (as the string), Deserialize (never fails on a string)
/// ```
fn string_enum(t: &TypeDef, values: &[EnumValue], doc: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let variants = values.iter().map(|v| {
        let variant = ident(&v.name.rust);
        let doc = variant_doc(v.doc.as_deref(), &format!("`{}`", v.name.wire));
        quote!(#doc #variant,)
    });
    let wires: Vec<&str> = values.iter().map(|v| v.name.wire.as_str()).collect();
    let idents: Vec<_> = values.iter().map(|v| ident(&v.name.rust)).collect();
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            #[doc = " A value this version of the crate does not know, kept as it was received."]
            Unknown(String),
        }

        impl #name {
            #[doc = " Every value the spec lists, in spec order."]
            pub const VALUES: &'static [&'static str] = &[#(#wires),*];

            #[doc = " The value as it is written on the wire."]
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #wires,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#idents,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }

        impl Validate for #name {
            fn validate_into(&self, path: &str, errors: &mut Vec<ValidationError>) {
                if let Self::Unknown(value) = self {
                    errors.push(ValidationError::new(path, "enum", format!("`{value}` is not one of {:?}", Self::VALUES)));
                }
            }
        }
    }
}

/// An integer enum serialized as a number, keeping values it does not know.
fn int_enum(t: &TypeDef, values: &[IntValue], doc: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let variants = values.iter().map(|v| {
        let variant = ident(&v.name);
        let doc = variant_doc(v.doc.as_deref(), &format!("`{}`", v.value));
        quote!(#doc #variant,)
    });
    let numbers: Vec<Literal> = values
        .iter()
        .map(|v| Literal::i64_unsuffixed(v.value))
        .collect();
    let idents: Vec<_> = values.iter().map(|v| ident(&v.name)).collect();
    quote! {
        #doc
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            #[doc = " A value this version of the crate does not know, kept as it was received."]
            Unknown(i64),
        }

        impl #name {
            #[doc = " Every value the spec lists, in spec order."]
            pub const VALUES: &'static [i64] = &[#(#numbers),*];

            #[doc = " The value as it is written on the wire."]
            pub fn value(self) -> i64 {
                match self {
                    #(Self::#idents => #numbers,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#numbers => Self::#idents,)*
                    other => Self::Unknown(other),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.value(), f)
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <i64 as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }

        impl Validate for #name {
            fn validate_into(&self, path: &str, errors: &mut Vec<ValidationError>) {
                if let Self::Unknown(value) = self {
                    errors.push(ValidationError::new(path, "enum", format!("`{value}` is not one of {:?}", Self::VALUES)));
                }
            }
        }
    }
}

fn variant_doc(doc: Option<&str>, fallback: &str) -> TokenStream {
    match doc {
        Some(d) if !d.trim().is_empty() => {
            // The value first, on its own line: a description may start with a code fence.
            let text = format!("{fallback}\n\n{}", super::docs::sanitize(d));
            raw_doc_attrs(&text)
        }
        _ => raw_doc_attrs(fallback),
    }
}

/// A union: untagged, or internally tagged through the discriminator property.
///
/// ```text
/// pub enum Pet { Dog(Dog), Cat(Box<Cat>) }
/// // untagged: serde tries each variant in order
/// // tagged:   the discriminator property picks the variant, and is written back on output
/// ```
fn union_def(api: &Api, t: &TypeDef, u: &Union, doc: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.name.rust);
        let ty = rust_type(api, &v.ty);
        let ty = if v.boxed { quote!(Box<#ty>) } else { ty };
        let allow = allow_complex_type(&ty);
        quote!(#allow #variant(#ty),)
    });
    let validate_arms = u.variants.iter().map(|v| {
        let variant = ident(&v.name.rust);
        if needs_validation(&v.ty) {
            quote!(Self::#variant(value) => value.validate_into(path, errors),)
        } else {
            quote!(Self::#variant(_) => {})
        }
    });
    let validate = quote! {
        impl Validate for #name {
            #[allow(unused_variables)]
            fn validate_into(&self, path: &str, errors: &mut Vec<ValidationError>) {
                match self {
                    #(#validate_arms)*
                }
            }
        }
    };
    let Some(property) = &u.discriminator else {
        let deserialize = untagged_deserialize(t, u);
        let conversions = union_conversions(api, t, u);
        return quote! {
            #doc
            #[derive(Clone, Debug, PartialEq, ::serde::Serialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#variants)*
            }
            #deserialize
            #validate
            #conversions
        };
    };
    let idents: Vec<_> = u.variants.iter().map(|v| ident(&v.name.rust)).collect();
    let tags: Vec<&str> = u.variants.iter().map(|v| v.name.wire.as_str()).collect();
    let conversions = union_conversions(api, t, u);
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #(#variants)*
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::Error as _;
                let (tag, value) = match self {
                    #(Self::#idents(value) => (#tags, ::serde_json::to_value(value)),)*
                };
                let mut value = value.map_err(S::Error::custom)?;
                if let ::serde_json::Value::Object(members) = &mut value {
                    // The variant decides the tag, whatever the inner value's field says.
                    members.insert(#property.to_owned(), ::serde_json::Value::from(tag));
                }
                ::serde::Serialize::serialize(&value, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use ::serde::de::Error as _;
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value
                    .get(#property)
                    .and_then(::serde_json::Value::as_str)
                    .ok_or_else(|| D::Error::missing_field(#property))?
                    .to_owned();
                match tag.as_str() {
                    #(#tags => ::serde_json::from_value(value).map(Self::#idents).map_err(D::Error::custom),)*
                    other => Err(D::Error::custom(format!(
                        "unknown {} `{}`, expected one of {:?}", #property, other, [#(#tags),*]
                    ))),
                }
            }
        }

        #validate
        #conversions
    }
}

/// `Deserialize` of an untagged union: the variant is chosen from the value's shape by
/// `support::decode_union` (see there), never by whichever variant happens to decode first.
///
/// ```text
/// impl Deserialize for Pet {
///     const VARIANTS = [VariantShape { name: "Dog", kind: Object, known: ["bark"], required: [] }, ..];
///     decode_union("Pet", &value, VARIANTS, |variant, value| match variant {
///         0 => Deserialize::deserialize(value).map(Self::Dog),
///         _ => Deserialize::deserialize(value).map(Self::Cat),
///     })
/// }
/// ```
fn untagged_deserialize(t: &TypeDef, u: &Union) -> TokenStream {
    let name = ident(&t.name);
    let union = &t.name;
    let shapes = u.variants.iter().map(|v| {
        let variant = &v.name.rust;
        let (kind, known, required): (&str, &[String], &[String]) = match &v.shape {
            JsonShape::Any => ("Any", &[], &[]),
            JsonShape::Bool => ("Bool", &[], &[]),
            JsonShape::Integer => ("Integer", &[], &[]),
            JsonShape::Number => ("Number", &[], &[]),
            JsonShape::String => ("String", &[], &[]),
            JsonShape::Array => ("Array", &[], &[]),
            JsonShape::Object { known, required } => ("Object", known, required),
        };
        let kind = format_ident!("{kind}");
        quote! {
            crate::support::VariantShape {
                name: #variant,
                kind: crate::support::JsonKind::#kind,
                known: &[#(#known),*],
                required: &[#(#required),*],
            },
        }
    });
    let count = u.variants.len();
    let arms = u.variants.iter().enumerate().map(|(i, v)| {
        let variant = ident(&v.name.rust);
        let pattern = if i + 1 == count {
            quote!(_)
        } else {
            let i = Literal::usize_unsuffixed(i);
            quote!(#i)
        };
        quote!(#pattern => ::serde::Deserialize::deserialize(value).map(Self::#variant),)
    });
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                const VARIANTS: &[crate::support::VariantShape] = &[#(#shapes)*];
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                crate::support::decode_union(#union, &value, VARIANTS, |variant, value| match variant {
                    #(#arms)*
                })
                .map_err(<D::Error as ::serde::de::Error>::custom)
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
