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
    /// Appends every failed check of `self`, found at `path`, to `errors`. The default checks
    /// nothing: it is the method of types without constraints.
    fn validate_into(&self, path: &str, errors: &mut Vec<ValidationError>) {
        let _ = (path, errors);
    }
    /// Checks `self` as the member `name` of the value at `path`. Members that hold nothing
    /// (an absent option) cost no path.
    fn validate_member(&self, path: &str, name: &str, errors: &mut Vec<ValidationError>) {
        self.validate_into(&join(path, name), errors);
    }
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
    fn validate_member(&self, path: &str, name: &str, errors: &mut Vec<ValidationError>) {
        if let Some(value) = self {
            value.validate_member(path, name, errors);
        }
    }
}

/// Reports a value of an enum that the spec does not list (`Unknown`).
pub fn unlisted<V: fmt::Display, L: fmt::Debug + ?Sized>(
    path: &str,
    value: &V,
    listed: &L,
    errors: &mut Vec<ValidationError>,
) {
    errors.push(ValidationError::new(
        path,
        "enum",
        format!("`{value}` is not one of {listed:?}"),
    ));
}

/// Reads a string, borrowed from the input where it can be (enums are read so).
pub fn cow_str<'de, D: ::serde::Deserializer<'de>>(
    d: D,
) -> Result<std::borrow::Cow<'de, str>, D::Error> {
    <std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)
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

/// Whether an optional field is absent, so that it is left out when serialized
/// (`skip_serializing_if = "absent"`).
pub fn absent<T>(value: &Option<T>) -> bool {
    value.is_none()
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

// Whether this thread is decoding in strict mode (see `strict`).
thread_local! {
    static STRICT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `decode` in strict mode: optional fields that are not nullable refuse `null`, as the
/// spec says they must. The generated server decodes requests so; everywhere else (a client
/// reading what real servers send) `null` in such a field reads as absent. The mode is a
/// property of the call, not of the crate's features, so a model decodes the same in every
/// build. Decoding is synchronous, so the mode covers exactly the values `decode` reads.
pub fn strict<T>(decode: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            STRICT.with(|strict| strict.set(self.0));
        }
    }
    let _restore = Restore(STRICT.with(|strict| strict.replace(true)));
    decode()
}

/// Deserializes an optional field that is not nullable: absent stays `None` (through
/// `#[serde(default)]`), a value is `Some(value)`, and `null` is `None` too, except in
/// [`strict`] mode, where it is an error.
pub fn optional<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: ::serde::Deserializer<'de>,
    T: ::serde::Deserialize<'de>,
{
    let value = <Option<T> as ::serde::Deserialize>::deserialize(deserializer)?;
    if value.is_none() && STRICT.with(std::cell::Cell::get) {
        return Err(<D::Error as ::serde::de::Error>::custom(
            "invalid type: null, expected a value (leave the member out instead)",
        ));
    }
    Ok(value)
}
/// The kind of JSON value a union variant reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonKind {
    /// Any value (a free-form variant, or one whose shape is not known up front).
    Any,
    /// `true` or `false`.
    Bool,
    /// A number without a fraction.
    Integer,
    /// Any number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonKind {
    fn of(value: &::serde_json::Value) -> &'static str {
        match value {
            ::serde_json::Value::Null => "null",
            ::serde_json::Value::Bool(_) => "a boolean",
            ::serde_json::Value::Number(_) => "a number",
            ::serde_json::Value::String(_) => "a string",
            ::serde_json::Value::Array(_) => "an array",
            ::serde_json::Value::Object(_) => "an object",
        }
    }

    fn name(self) -> &'static str {
        match self {
            JsonKind::Any => "any value",
            JsonKind::Bool => "a boolean",
            JsonKind::Integer => "an integer",
            JsonKind::Number => "a number",
            JsonKind::String => "a string",
            JsonKind::Array => "an array",
            JsonKind::Object => "an object",
        }
    }

    fn accepts(self, value: &::serde_json::Value) -> bool {
        match (self, value) {
            (JsonKind::Any, _) => true,
            (JsonKind::Bool, ::serde_json::Value::Bool(_)) => true,
            (JsonKind::Integer, ::serde_json::Value::Number(n)) => n.is_i64() || n.is_u64(),
            (JsonKind::Number, ::serde_json::Value::Number(_)) => true,
            (JsonKind::String, ::serde_json::Value::String(_)) => true,
            (JsonKind::Array, ::serde_json::Value::Array(_)) => true,
            (JsonKind::Object, ::serde_json::Value::Object(_)) => true,
            _ => false,
        }
    }
}

/// What one variant of an untagged union reads: the kind of value and, for objects, the
/// members it knows and those it requires.
#[derive(Clone, Copy, Debug)]
pub struct VariantShape {
    /// The variant's name, for error messages.
    pub name: &'static str,
    /// The kind of JSON value it reads.
    pub kind: JsonKind,
    /// The members of an object variant (empty when it takes any members, as a map does).
    pub known: &'static [&'static str],
    /// The members an object variant cannot do without.
    pub required: &'static [&'static str],
}

/// Decodes an untagged union, choosing the variant from the value's shape.
///
/// Variants that cannot read this kind of value, or lack a required member, are passed over.
/// Object variants are tried in the order of how many of the object's members they know
/// (spec order among equals), and a variant that knows none of them is not tried when another
/// knows some: an object whose fields are all optional never swallows an object that carries
/// another variant's members. The first variant that decodes wins; when none does, the error
/// says why each one failed.
pub fn decode_union<T>(
    union: &str,
    value: &::serde_json::Value,
    variants: &[VariantShape],
    decode: impl Fn(usize, &::serde_json::Value) -> Result<T, ::serde_json::Error>,
) -> Result<T, String> {
    let mut reasons: Vec<String> = Vec::new();
    // (index, members known) of every variant worth trying.
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    for (index, shape) in variants.iter().enumerate() {
        if !shape.kind.accepts(value) {
            reasons.push(format!(
                "{}: expected {}, found {}",
                shape.name,
                shape.kind.name(),
                JsonKind::of(value)
            ));
            continue;
        }
        let ::serde_json::Value::Object(members) = value else {
            candidates.push((index, 0));
            continue;
        };
        if let Some(missing) = shape.required.iter().find(|k| !members.contains_key(**k)) {
            reasons.push(format!("{}: missing member `{missing}`", shape.name));
            continue;
        }
        let known = members
            .keys()
            .filter(|k| shape.known.contains(&k.as_str()))
            .count();
        candidates.push((index, known));
    }
    let best = candidates
        .iter()
        .map(|(_, known)| *known)
        .max()
        .unwrap_or(0);
    if best > 0 {
        candidates.retain(|(index, known)| {
            let shape = &variants[*index];
            let swallows = *known == 0 && !shape.known.is_empty();
            if swallows {
                reasons.push(format!(
                    "{}: knows none of the object's members, which another variant knows",
                    shape.name
                ));
            }
            !swallows
        });
    }
    // Stable: spec order among variants that know as many members.
    candidates.sort_by_key(|(_, known)| std::cmp::Reverse(*known));
    for (index, _) in candidates {
        match decode(index, value) {
            Ok(decoded) => return Ok(decoded),
            Err(e) => reasons.push(format!("{}: {e}", variants[index].name)),
        }
    }
    Err(format!(
        "the value matches no variant of `{union}` ({})",
        reasons.join("; ")
    ))
}

/// One event of a stream (`text/event-stream`): its data, decoded as the spec declares, with the
/// name, id and reconnection delay the server gave it. The client's `send_stream()` yields
/// these; a server streams them.
#[derive(Clone, Debug, PartialEq)]
pub struct Event<T> {
    /// The event's name (`event:`), when it has one (the default name is `message`).
    pub event: Option<String>,
    /// The id of the event (`id:`): the last id the stream gave, as the SSE rules have it.
    pub id: Option<String>,
    /// How long a client should wait before reconnecting, in milliseconds (`retry:`).
    pub retry: Option<u64>,
    /// The event's data.
    pub data: T,
}

impl<T> Event<T> {
    /// An event that holds `data` only.
    pub fn new(data: T) -> Self {
        Event {
            event: None,
            id: None,
            retry: None,
            data,
        }
    }
    /// The event, named `name`.
    pub fn with_event(mut self, name: impl Into<String>) -> Self {
        self.event = Some(name.into());
        self
    }
    /// The event, with the id `id`.
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
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
        #[serde(default, deserialize_with = "optional")]
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
    fn nullable_and_optional_fields() {
        let patch = |json: &str| ::serde_json::from_str::<Patch>(json);
        let absent = patch("{}").unwrap();
        assert_eq!((absent.note, absent.size), (None, None));
        assert_eq!(patch(r#"{"note": null}"#).unwrap().note, Some(None));
        let note = patch(r#"{"note": "x"}"#).unwrap().note;
        assert_eq!(note, Some(Some("x".to_owned())));
        assert_eq!(patch(r#"{"size": 3}"#).unwrap().size, Some(3));
        assert_eq!(patch(r#"{"size": null}"#).unwrap().size, None);
        let error = strict(|| patch(r#"{"size": null}"#)).unwrap_err();
        assert!(error.to_string().contains("null"), "{error}");
        // Strict mode ends with the call, even when the call panics.
        assert_eq!(patch(r#"{"size": null}"#).unwrap().size, None);
        let _ = std::panic::catch_unwind(|| strict(|| panic!("decoding failed")));
        assert_eq!(patch(r#"{"size": null}"#).unwrap().size, None);
        // Nullable fields keep `null` in strict mode.
        assert_eq!(
            strict(|| patch(r#"{"note": null}"#)).unwrap().note,
            Some(None)
        );
    }

    #[test]
    fn unions_choose_by_shape_and_explain_failures() {
        const VARIANTS: &[VariantShape] = &[
            VariantShape {
                name: "List",
                kind: JsonKind::Array,
                known: &[],
                required: &[],
            },
            VariantShape {
                name: "Page",
                kind: JsonKind::Object,
                known: &["total", "data"],
                required: &["data"],
            },
            VariantShape {
                name: "Item",
                kind: JsonKind::Object,
                known: &["id"],
                required: &[],
            },
        ];
        // Each variant accepts anything but `null` here, so only the shape decides.
        let decode = |variant: usize, value: &::serde_json::Value| {
            if value.get("total").is_some_and(::serde_json::Value::is_null) {
                return Err(<::serde_json::Error as ::serde::de::Error>::custom(
                    "null total",
                ));
            }
            Ok(variant)
        };
        let pick = |json: &str| {
            let value: ::serde_json::Value = ::serde_json::from_str(json).unwrap();
            decode_union("Result", &value, VARIANTS, decode)
        };
        assert_eq!(pick("[]"), Ok(0));
        assert_eq!(pick(r#"{"data": [], "total": 1}"#), Ok(1));
        assert_eq!(pick(r#"{"id": 1}"#), Ok(2));
        assert_eq!(pick("{}"), Ok(2));
        let error = pick(r#"{"data": [], "total": null}"#).unwrap_err();
        assert!(error.contains("Page: null total"), "{error}");
        assert!(error.contains("Item: knows none"), "{error}");
        assert!(
            error.contains("List: expected an array, found an object"),
            "{error}"
        );
    }

    #[test]
    fn redacted_shows_nothing() {
        assert_eq!(format!("{Redacted:?}"), "<redacted>");
    }
}
