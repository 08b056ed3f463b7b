//! `src/support.rs`: the small runtime every generated crate carries (validation, serde helpers).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Api;

/// The `support` module: `Validate`, `ValidationError(s)` and serde helpers.
pub fn support(api: &Api) -> TokenStream {
    let chrono = api.runtime.chrono.then(|| {
        quote! {
            impl Validate for ::chrono::NaiveDate {
                fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
            }
            impl Validate for ::chrono::DateTime<::chrono::Utc> {
                fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
            }
        }
    });
    let uuid = api.runtime.uuid.then(|| {
        quote! {
            impl Validate for ::uuid::Uuid {
                fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
            }
        }
    });
    let base64 = api.runtime.base64.then(base64_type);
    let regex = api.runtime.regex.then(|| {
        quote! {
            #[doc = " Whether `value` matches `pattern` (compiled once per pattern)."]
            #[doc = ""]
            #[doc = " Patterns were checked when the crate was generated; one that still fails to"]
            #[doc = " compile matches everything rather than rejecting valid input."]
            pub fn matches_pattern(pattern: &'static str, value: &str) -> bool {
                use ::std::collections::HashMap;
                use ::std::sync::{Mutex, OnceLock};
                static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<::regex::Regex>>>> = OnceLock::new();
                let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
                let mut cache = match cache.lock() {
                    Ok(guard) => guard,
                    Err(poisoned) => poisoned.into_inner(),
                };
                let regex = cache
                    .entry(pattern)
                    .or_insert_with(|| ::regex::Regex::new(pattern).ok());
                regex.as_ref().is_none_or(|re| re.is_match(value))
            }
        }
    });
    let primitives = [
        quote!(bool),
        quote!(i32),
        quote!(i64),
        quote!(u32),
        quote!(u64),
        quote!(f32),
        quote!(f64),
        quote!(u8),
        quote!(String),
        quote!(::serde_json::Value),
        quote!(::serde_json::Map<String, ::serde_json::Value>),
    ];
    quote! {
        use std::collections::BTreeMap;
        use std::fmt;

        #[doc = " One failed check: which field, which rule, and what was wrong."]
        #[derive(Clone, Debug, PartialEq, Eq, ::serde::Serialize, ::serde::Deserialize)]
        pub struct ValidationError {
            #[doc = " Path of the field, with wire names: `owner.emails[2]` (empty for the value itself)."]
            pub field: String,
            #[doc = " The rule that failed, named as in OpenAPI: `maxLength`, `pattern`, `enum`..."]
            pub rule: String,
            #[doc = " What was wrong, in words."]
            pub message: String,
        }

        impl ValidationError {
            #[doc = " A failed check of `rule` on `field`."]
            pub fn new(field: &str, rule: &str, message: impl Into<String>) -> Self {
                ValidationError { field: field.to_owned(), rule: rule.to_owned(), message: message.into() }
            }
        }

        impl fmt::Display for ValidationError {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                if self.field.is_empty() {
                    write!(f, "{} ({})", self.message, self.rule)
                } else {
                    write!(f, "`{}` {} ({})", self.field, self.message, self.rule)
                }
            }
        }

        impl ::std::error::Error for ValidationError {}

        #[doc = " Every failed check of one value."]
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct ValidationErrors(pub Vec<ValidationError>);

        impl fmt::Display for ValidationErrors {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                for (i, e) in self.0.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    fmt::Display::fmt(e, f)?;
                }
                Ok(())
            }
        }

        impl ::std::error::Error for ValidationErrors {}

        #[doc = " Checks the constraints of the spec (`maxLength`, `pattern`, `minimum`, `enum`...)."]
        pub trait Validate {
            #[doc = " Appends every failed check of `self`, found at `path`, to `errors`."]
            fn validate_into(&self, path: &str, errors: &mut Vec<ValidationError>);

            #[doc = " Checks `self` and everything it holds; all failures are reported, not only the first."]
            fn validate(&self) -> Result<(), ValidationErrors> {
                let mut errors = Vec::new();
                self.validate_into("", &mut errors);
                if errors.is_empty() {
                    Ok(())
                } else {
                    Err(ValidationErrors(errors))
                }
            }
        }

        impl<T: Validate> Validate for Vec<T> {
            fn validate_into(&self, path: &str, errors: &mut Vec<ValidationError>) {
                for (index, item) in self.iter().enumerate() {
                    item.validate_into(&join(path, &index.to_string()), errors);
                }
            }
        }

        impl<T: Validate> Validate for Option<T> {
            fn validate_into(&self, path: &str, errors: &mut Vec<ValidationError>) {
                if let Some(value) = self {
                    value.validate_into(path, errors);
                }
            }
        }

        impl<T: Validate> Validate for Box<T> {
            fn validate_into(&self, path: &str, errors: &mut Vec<ValidationError>) {
                (**self).validate_into(path, errors);
            }
        }

        impl<T: Validate> Validate for BTreeMap<String, T> {
            fn validate_into(&self, path: &str, errors: &mut Vec<ValidationError>) {
                for (key, value) in self {
                    value.validate_into(&join(path, key), errors);
                }
            }
        }

        #(
            impl Validate for #primitives {
                fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
            }
        )*
        #chrono
        #uuid

        #[doc = " `parent.child`, or `parent[3]` for an index."]
        pub fn join(parent: &str, child: &str) -> String {
            if child.bytes().all(|b| b.is_ascii_digit()) && !child.is_empty() {
                format!("{parent}[{child}]")
            } else if parent.is_empty() {
                child.to_owned()
            } else {
                format!("{parent}.{child}")
            }
        }

        #regex

        #[doc = " Stands in for a secret in `Debug` output."]
        pub struct Redacted;

        impl fmt::Debug for Redacted {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("<redacted>")
            }
        }

        #[doc = " Deserializes an optional nullable field: absent stays `None` (through"]
        #[doc = " `#[serde(default)]`), `null` becomes `Some(None)`, a value `Some(Some(value))`."]
        pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
        where
            D: ::serde::Deserializer<'de>,
            T: ::serde::Deserialize<'de>,
        {
            <Option<T> as ::serde::Deserialize>::deserialize(deserializer).map(Some)
        }

        #[doc = " Deserializes an optional field that must not be `null` (used when the crate is built"]
        #[doc = " as a server, which rejects what the spec does not allow)."]
        #[allow(dead_code)]
        pub fn non_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
        where
            D: ::serde::Deserializer<'de>,
            T: ::serde::Deserialize<'de>,
        {
            T::deserialize(deserializer).map(Some)
        }

        #base64
    }
}

fn base64_type() -> TokenStream {
    quote! {
        #[doc = " Bytes sent as base64 text (`format: byte`)."]
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
        pub struct Base64(pub Vec<u8>);

        impl ::serde::Serialize for Base64 {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::base64::Engine as _;
                serializer.serialize_str(&::base64::engine::general_purpose::STANDARD.encode(&self.0))
            }
        }

        impl<'de> ::serde::Deserialize<'de> for Base64 {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use ::base64::Engine as _;
                let text = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                ::base64::engine::general_purpose::STANDARD
                    .decode(text.as_bytes())
                    .map(Base64)
                    .map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }

        impl Validate for Base64 {
            fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
        }
    }
}
