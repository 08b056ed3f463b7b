// The core of `src/support.rs`, which every generated crate carries whatever its features:
// `Validate`, `ValidationError(s)` and serde helpers. The other files of this directory are
// appended to it, each only when the API needs it (`generator/src/emit/runtime.rs`); they are
// one module, so each may use the items of this one unqualified.
//
// The copy is formatted from the syntax tree: `///` docs are kept, `//` comments like this one
// are not, and `#[cfg(test)]` modules are left out. Compiled, linted and tested here by the
// `forge-runtime-check` crate.

use std::collections::BTreeMap;
use std::fmt;

/// One failed check: which field, which rule, and what was wrong.
#[derive(Clone, Debug, PartialEq, Eq, ::serde::Serialize, ::serde::Deserialize)]
pub struct ValidationError {
    /// Path of the field, with wire names: `owner.emails[2]` (empty for the value itself).
    pub field: String,
    /// The rule that failed, named as in OpenAPI: `maxLength`, `pattern`, `enum`...
    pub rule: String,
    /// What was wrong, in words.
    pub message: String,
}

impl ValidationError {
    /// A failed check of `rule` on `field`.
    pub fn new(field: &str, rule: &str, message: impl Into<String>) -> Self {
        ValidationError {
            field: field.to_owned(),
            rule: rule.to_owned(),
            message: message.into(),
        }
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
/// Every failed check of one value.
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
/// Checks the constraints of the spec (`maxLength`, `pattern`, `minimum`, `enum`...).
pub trait Validate {
    /// Appends every failed check of `self`, found at `path`, to `errors`.
    fn validate_into(&self, path: &str, errors: &mut Vec<ValidationError>);
    /// Checks `self` and everything it holds; all failures are reported, not only the first.
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

impl Validate for bool {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}

impl Validate for i32 {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}

impl Validate for i64 {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}

impl Validate for u32 {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}

impl Validate for u64 {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}

impl Validate for f32 {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}

impl Validate for f64 {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}

impl Validate for u8 {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}

impl Validate for String {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}

impl Validate for ::serde_json::Value {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}

impl Validate for ::serde_json::Map<String, ::serde_json::Value> {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}

/// `parent.child`, or `parent[3]` for an index.
pub fn join(parent: &str, child: &str) -> String {
    if child.bytes().all(|b| b.is_ascii_digit()) && !child.is_empty() {
        format!("{parent}[{child}]")
    } else if parent.is_empty() {
        child.to_owned()
    } else {
        format!("{parent}.{child}")
    }
}

/// Stands in for a secret in `Debug` output.
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Deserializes an optional nullable field: absent stays `None` (through
/// `#[serde(default)]`), `null` becomes `Some(None)`, a value `Some(Some(value))`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: ::serde::Deserializer<'de>,
    T: ::serde::Deserialize<'de>,
{
    <Option<T> as ::serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// Deserializes an optional field that must not be `null` (used when the crate is built
/// as a server, which rejects what the spec does not allow).
#[allow(dead_code)]
pub fn non_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: ::serde::Deserializer<'de>,
    T: ::serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value whose check fails when it is odd.
    struct Even(u32);

    impl Validate for Even {
        fn validate_into(&self, path: &str, errors: &mut Vec<ValidationError>) {
            if self.0 % 2 == 1 {
                errors.push(ValidationError::new(path, "multipleOf", "must be even"));
            }
        }
    }

    #[derive(Debug, PartialEq, ::serde::Deserialize)]
    struct Patch {
        #[serde(default, deserialize_with = "nullable")]
        note: Option<Option<String>>,
        #[serde(default, deserialize_with = "non_null")]
        size: Option<u32>,
    }

    #[test]
    fn paths_join_names_and_indexes() {
        assert_eq!(join("", "owner"), "owner");
        assert_eq!(join("owner", "emails"), "owner.emails");
        assert_eq!(join("owner.emails", "2"), "owner.emails[2]");
        assert_eq!(join("", "0"), "[0]");
        assert_eq!(join("a", ""), "a.");
    }

    #[test]
    fn every_failure_is_reported_with_its_path() {
        let mut map = BTreeMap::new();
        map.insert("k".to_owned(), vec![Even(1), Even(2), Even(3)]);
        let errors = Some(Box::new(map)).validate().unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["k[0]", "k[2]"]);
        assert_eq!(
            errors.to_string(),
            "`k[0]` must be even (multipleOf); `k[2]` must be even (multipleOf)"
        );
        let root = ValidationError::new("", "enum", "is not allowed");
        assert_eq!(root.to_string(), "is not allowed (enum)");
        assert!(None::<Even>.validate().is_ok());
        assert!(vec![String::new()].validate().is_ok());
    }

    #[test]
    fn nullable_and_non_null_fields() {
        let patch = |json: &str| ::serde_json::from_str::<Patch>(json);
        let absent = patch("{}").unwrap();
        assert_eq!((absent.note, absent.size), (None, None));
        assert_eq!(patch(r#"{"note": null}"#).unwrap().note, Some(None));
        let note = patch(r#"{"note": "x"}"#).unwrap().note;
        assert_eq!(note, Some(Some("x".to_owned())));
        assert_eq!(patch(r#"{"size": 3}"#).unwrap().size, Some(3));
        assert!(patch(r#"{"size": null}"#).is_err());
    }

    #[test]
    fn redacted_shows_nothing() {
        assert_eq!(format!("{Redacted:?}"), "<redacted>");
    }
}
