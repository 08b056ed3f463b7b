//! Finding the keyword behind a deserialization error that `serde` reports at an object.
//!
//! `openapiv3` reads `$ref`-or-object slots, security schemes and parameter locations through
//! untagged and internally tagged enums, which buffer their input and lose the path to the
//! problem: an error deep inside a parameter's schema is reported at the parameter. The part
//! to blame is found by trial, on errors only: the deepest part of the object without which the
//! whole value parses, or else the one value the error message quotes.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::load::escape;

/// How many parts of an object are tried: enough for any one operation or component, few
/// enough that a broken giant spec is still reported in moments.
const MAX_TRIES: usize = 400;

/// How many values all the tries may parse together (each try parses the whole value): a
/// value too large to be tried [`MAX_TRIES`] times is tried fewer times.
const MAX_TRIED_SIZE: usize = 400_000;

/// The pointer (relative to `value`) of the part of the object at `relative` that makes `value`
/// fail to parse as `T`, deeper than `relative`; `None` when no single part can be blamed.
pub fn culprit<T: DeserializeOwned>(
    value: &Value,
    relative: &str,
    message: &str,
) -> Option<String> {
    let target = value.pointer(relative)?;
    let tries = MAX_TRIES.min(MAX_TRIED_SIZE / size(value).max(1));
    let mut parts = Vec::new();
    descendants(target, relative, &mut parts);
    let parses = |without: &str| {
        let mut copy = value.clone();
        remove(&mut copy, without) && serde_json::from_value::<T>(copy).is_ok()
    };
    let removed = parts
        .iter()
        .take(tries)
        .filter(|(pointer, _)| parses(pointer))
        .max_by_key(|(pointer, _)| pointer.matches('/').count())
        .map(|(pointer, _)| pointer.clone());
    removed.or_else(|| quoted_value(&parts, message))
}

/// What is wrong with the part at `pointer`, when the error message says nothing useful.
pub fn why(value: &Value, pointer: &str) -> String {
    let key = pointer
        .rsplit('/')
        .next()
        .map(crate::load::unescape)
        .unwrap_or_default();
    let shown = value
        .pointer(pointer)
        .map(Value::to_string)
        .unwrap_or_default();
    format!("`{key}` has a value of the wrong type or form: {shown}")
}

/// Every part under `value` (which sits at `pointer`), parents before children; example data
/// and extensions are data, not parts to blame.
fn descendants<'a>(value: &'a Value, pointer: &str, out: &mut Vec<(String, &'a Value)>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .filter(|(key, _)| {
                !key.starts_with("x-") && !matches!(key.as_str(), "example" | "examples")
            })
            .map(|(key, child)| (format!("{pointer}/{}", escape(key)), child))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, child)| (format!("{pointer}/{i}"), child))
            .collect(),
        _ => return,
    };
    for (child_pointer, child) in children {
        if out.len() >= MAX_TRIES {
            return;
        }
        out.push((child_pointer.clone(), child));
        descendants(child, &child_pointer, out);
    }
}

/// The number of values in `value`, itself included.
fn size(value: &Value) -> usize {
    1 + match value {
        Value::Object(map) => map.values().map(size).sum(),
        Value::Array(items) => items.iter().map(size).sum(),
        _ => 0,
    }
}

/// Removes the part at `pointer`; false when there is none.
fn remove(value: &mut Value, pointer: &str) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return false;
    };
    let last = crate::load::unescape(last);
    match value.pointer_mut(parent) {
        Some(Value::Object(map)) => map.remove(&last).is_some(),
        Some(Value::Array(items)) => match last.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

/// The one part whose value the message quotes (serde writes `unknown variant \`body\``,
/// `invalid type: string "ten"`, `invalid type: integer \`5\``).
fn quoted_value(parts: &[(String, &Value)], message: &str) -> Option<String> {
    let quoted = quoted(message)?;
    let mut matching = parts.iter().filter(|(_, v)| match v {
        Value::String(s) => *s == quoted,
        Value::Number(n) => n.to_string() == quoted,
        Value::Bool(b) => b.to_string() == quoted,
        _ => false,
    });
    let (pointer, _) = matching.next()?;
    matching.next().is_none().then(|| pointer.clone())
}

/// The first value quoted in a serde message, between backquotes or double quotes.
fn quoted(message: &str) -> Option<String> {
    let start = message.find(['`', '"'])?;
    let quote = message[start..].chars().next()?;
    let rest = &message[start + 1..];
    let end = rest.find(quote)?;
    Some(rest[..end].to_string())
}

#[cfg(test)]
mod tests {
    use openapiv3::{Parameter, ReferenceOr, SecurityScheme};
    use serde_json::json;

    use super::culprit;

    #[test]
    fn blames_the_deepest_part_without_which_the_value_parses() {
        let parameter = json!({"name": "id", "in": "path", "required": true,
            "schema": {"type": "string", "maxLength": "ten"}});
        assert_eq!(
            culprit::<ReferenceOr<Parameter>>(&parameter, "", "invalid type").as_deref(),
            Some("/schema/maxLength")
        );
    }

    #[test]
    fn blames_the_value_the_message_quotes() {
        let scheme = json!({"type": "apiKey", "in": "body", "name": "k"});
        assert_eq!(
            culprit::<SecurityScheme>(
                &scheme,
                "",
                "unknown variant `body`, expected one of `query`"
            )
            .as_deref(),
            Some("/in")
        );
    }

    #[test]
    fn blames_nothing_for_a_missing_keyword() {
        let parameter = json!({"in": "query", "schema": {"type": "string"}});
        assert_eq!(
            culprit::<ReferenceOr<Parameter>>(&parameter, "", "missing field `name`"),
            None
        );
    }
}
