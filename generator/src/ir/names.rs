//! Rust names for wire names: the one place where identifiers are made and kept apart.
//!
//! Every identifier of the generated code comes from [`type_name`], [`field_name`] or
//! [`variant_name`], and every set of names that share a namespace goes through a [`Namespace`],
//! which never merges two wire names into one Rust name: the later one gets a numbered suffix,
//! in the deterministic order the caller adds them.

use std::collections::BTreeSet;

use heck::{ToPascalCase, ToSnakeCase};

/// Rust keywords (strict, reserved and weak ones that cannot be field names).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names of the items the generated code puts beside an operation's parameters: the request
/// builder's `client` field and its methods (`body`, `send`, `into_stream`, `into_future`), the
/// server request's `body` and `credentials`. A parameter with one of these names gets a suffix.
pub const RESERVED_PARAM_NAMES: &[&str] = &[
    "body",
    "client",
    "context",
    "credentials",
    "into_future",
    "into_stream",
    "send",
];

/// Type names that would shadow the prelude, common std types, or items every generated crate
/// defines itself. A schema with one of these names gets a suffix.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Self",
    "Result",
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "Box",
    "Vec",
    "String",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "Display",
    "Send",
    "Sync",
    "Sized",
    "Fn",
    "FnMut",
    "FnOnce",
    "Drop",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Hash",
    "Iterator",
    "IntoIterator",
    "Into",
    "From",
    "ToString",
    "ToOwned",
    "AsRef",
    "AsMut",
    "Extend",
    "Unpin",
    "BTreeMap",
    "HashMap",
    "Error",
    "Client",
    "ClientBuilder",
    "Server",
    "Api",
    "Validate",
    "ValidationError",
    "ValidationErrors",
    "Value",
    "Map",
    "Bytes",
    "Uuid",
    "DateTime",
    "NaiveDate",
    "Utc",
    "Credentials",
    "ApiError",
    // Names the client and server modules import or define next to the models.
    "Arc",
    "Duration",
    "Future",
    "BasicCredentials",
    "BearerToken",
    "BoxError",
    "BoxFuture",
    "DecodeError",
    "ErrorResponse",
    "HeaderMap",
    "HeaderName",
    "HeaderValue",
    "Hook",
    "ResponseValue",
    "RetryPolicy",
    "SecretString",
    "StatusCode",
    "TokenProvider",
    "Response",
    "IntoResponse",
    "Secret",
    "BasicAuth",
    "Mock",
    "ServerConfig",
    "State",
    "Scheme",
    "ServerVariables",
    "Redacted",
    "Base64",
];

/// Symbols that carry meaning in enum values (`<=`, `reactions-+1`) and would otherwise vanish.
const SYMBOL_WORDS: &[(char, &str)] = &[
    ('+', "plus"),
    ('=', "eq"),
    ('<', "lt"),
    ('>', "gt"),
    ('!', "not"),
    ('*', "star"),
    ('&', "and"),
    ('|', "or"),
    ('%', "percent"),
    ('@', "at"),
    ('#', "hash"),
    ('$', "dollar"),
    ('^', "caret"),
    ('~', "tilde"),
    ('?', "question"),
];

/// Splits a wire name into words, turning meaningful symbols into words.
///
/// `keep_symbols` is false for property names, where `@type` should read `type`, and true for
/// enum values, where `<` and `<=` must stay apart.
fn words(wire: &str, keep_symbols: bool) -> String {
    let mut out = String::new();
    let chars: Vec<char> = wire.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            out.push(c);
            continue;
        }
        out.push(' ');
        if keep_symbols {
            let next_is_digit = chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
            let prev_is_alnum = i > 0 && chars[i - 1].is_alphanumeric();
            if c == '-' && next_is_digit && !prev_is_alnum {
                out.push_str("minus ");
            } else if let Some((_, word)) = SYMBOL_WORDS.iter().find(|(s, _)| *s == c) {
                out.push_str(word);
                out.push(' ');
            }
        }
    }
    // Non-ASCII letters are valid in identifiers but not in every editor or crate name; keep
    // only ASCII so that every name can be typed.
    out.chars()
        .map(|c| if c.is_ascii() { c } else { ' ' })
        .collect()
}

fn fix_start(mut ident: String, prefix: &str, empty: &str) -> String {
    if ident.is_empty() {
        return empty.to_string();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert_str(0, prefix);
    }
    ident
}

/// A PascalCase type name for a schema or context name.
pub fn type_name(wire: &str) -> String {
    let name = fix_start(words(wire, false).to_pascal_case(), "T", "Unnamed");
    if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
        format!("{name}Model")
    } else {
        name
    }
}

/// A snake_case name for a field, parameter or method.
pub fn field_name(wire: &str) -> String {
    // A name without letters (`+1`, `-1`, `$`) keeps its symbols as words, or `+1` and `-1`
    // would both read `1`.
    let keep_symbols = !wire.chars().any(char::is_alphabetic);
    let snake = words(wire, keep_symbols).to_snake_case();
    let name = fix_start(snake, "n", "value");
    if KEYWORDS.contains(&name.as_str()) || name == "_" {
        format!("{name}_")
    } else {
        name
    }
}

/// A PascalCase variant name for an enum value.
pub fn variant_name(wire: &str) -> String {
    match wire {
        "" => "Empty".to_string(),
        _ => fix_start(words(wire, true).to_pascal_case(), "V", "Value"),
    }
    .replace("Self", "SelfValue")
}

/// A SCREAMING_SNAKE_CASE name for a constant.
pub fn const_name(wire: &str) -> String {
    field_name(wire).trim_end_matches('_').to_uppercase()
}

/// A set of Rust names that must stay distinct (the types of a crate, the fields of a struct).
#[derive(Debug, Default)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A namespace in which `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Claims `wanted`, or `wanted2`, `wanted3`... if it is taken, and returns what was claimed.
    pub fn claim(&mut self, wanted: &str) -> String {
        let mut name = wanted.to_string();
        let mut n = 2;
        while self.taken.contains(&name) {
            let sep = if wanted.ends_with(|c: char| c.is_ascii_digit()) {
                "_"
            } else {
                ""
            };
            name = format!("{wanted}{sep}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    /// True when `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names() {
        let cases = [
            ("AddressID", "address_id"),
            ("addressId", "address_id"),
            ("type", "type_"),
            ("self", "self_"),
            ("2fa", "n2fa"),
            ("x-request-id", "x_request_id"),
            ("@type", "type_"),
            ("+1", "plus_1"),
            ("-1", "minus_1"),
            ("", "value"),
            ("_", "value"),
            ("__", "value"),
            ("$", "dollar"),
            ("Content-Type", "content_type"),
            ("naïve", "na_ve"),
        ];
        for (wire, rust) in cases {
            assert_eq!(field_name(wire), rust, "{wire:?}");
        }
    }

    #[test]
    fn type_names() {
        let cases = [
            ("address_group", "AddressGroup"),
            ("Result", "ResultModel"),
            ("Error", "ErrorModel"),
            ("Client", "ClientModel"),
            ("String", "StringModel"),
            ("2FA-config", "T2faConfig"),
            ("", "Unnamed"),
            ("foo.bar.Baz", "FooBarBaz"),
        ];
        for (wire, rust) in cases {
            assert_eq!(type_name(wire), rust, "{wire:?}");
        }
    }

    #[test]
    fn variant_names_keep_symbols_apart() {
        let cases = [
            ("=", "Eq"),
            ("<", "Lt"),
            ("<=", "LtEq"),
            ("!=", "NotEq"),
            ("2C", "V2c"),
            ("reactions-+1", "ReactionsPlus1"),
            ("reactions--1", "ReactionsMinus1"),
            ("active", "Active"),
            ("IN_PROGRESS", "InProgress"),
            ("", "Empty"),
            ("Self", "SelfValue"),
        ];
        for (wire, rust) in cases {
            assert_eq!(variant_name(wire), rust, "{wire:?}");
        }
    }

    #[test]
    fn collisions_get_numbered_suffixes_in_order() {
        let mut ns = Namespace::default();
        let names: Vec<String> = ["AddressId", "AddressID", "address_id"]
            .iter()
            .map(|w| ns.claim(&field_name(w)))
            .collect();
        assert_eq!(names, ["address_id", "address_id2", "address_id3"]);
        let mut ns = Namespace::default();
        assert_eq!(ns.claim("v1"), "v1");
        assert_eq!(ns.claim("v1"), "v1_2");
    }
}
