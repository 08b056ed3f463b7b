//! Reading and parsing one file: size limit, YAML or JSON into a `serde_json::Value`. YAML is
//! read through `serde_yaml` here and nowhere else.

use std::path::PathBuf;

use serde_json::Value;

/// The largest spec file read, in bytes. Nobody writes a spec this large; the limit stops a
/// `$ref` to a file that never ends (`/dev/zero`) from filling the memory.
const MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;

/// Reads a whole file as UTF-8, refusing files larger than [`MAX_FILE_SIZE`].
pub(super) fn read_text(name: &str) -> std::io::Result<String> {
    use std::io::Read as _;
    let mut text = String::new();
    std::fs::File::open(name)?
        .take(MAX_FILE_SIZE + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_FILE_SIZE {
        return Err(std::io::Error::other(format!(
            "the file is larger than {} MiB",
            MAX_FILE_SIZE >> 20
        )));
    }
    Ok(text)
}

/// Parses a document; errors carry a message and, where the parser knows it, line:column.
pub(super) fn parse_document(
    name: &str,
    text: &str,
) -> Result<Value, (String, Option<(usize, usize)>)> {
    let is_json = PathBuf::from(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        return serde_json::from_str(text)
            .map_err(|e| (format!("invalid json: {e}"), Some((e.line(), e.column()))));
    }
    let mut yaml = serde_yaml::from_str::<WideYaml>(text)
        .map(|w| w.0)
        .map_err(|e| {
            let at = e.location().map(|l| (l.line(), l.column()));
            (format!("invalid yaml: {e}"), at)
        })?;
    yaml.apply_merge()
        .map_err(|e| (format!("invalid yaml merge key: {e}"), None))?;
    Ok(yaml_to_json(yaml))
}

/// A YAML value read as `serde_yaml::Value` reads it, except that integers beyond 64 bits
/// (`minimum: -9223372036854776000` in OpenAI's spec), which `serde_yaml::Value` refuses,
/// become the nearest float.
struct WideYaml(serde_yaml::Value);

impl<'de> serde::Deserialize<'de> for WideYaml {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(WideYamlVisitor).map(WideYaml)
    }
}

struct WideYamlVisitor;

impl<'de> serde::de::Visitor<'de> for WideYamlVisitor {
    type Value = serde_yaml::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number((v as f64).into()))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number((v as f64).into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(v.into()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(WideYamlVisitor)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(WideYaml(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_yaml::Value::Sequence(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_yaml::Mapping::new();
        while let Some((WideYaml(k), WideYaml(v))) = map.next_entry()? {
            if out.contains_key(&k) {
                let shown = serde_yaml::to_string(&k).unwrap_or_default();
                return Err(serde::de::Error::custom(format!(
                    "duplicate entry with key {}",
                    shown.trim_end()
                )));
            }
            out.insert(k, v);
        }
        Ok(serde_yaml::Value::Mapping(out))
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        use serde::de::VariantAccess as _;
        // serde_yaml reads a tagged value (`!tag value`) as an enum variant named by the tag.
        let (tag, variant): (String, _) = data.variant()?;
        let WideYaml(value) = variant.newtype_variant()?;
        Ok(serde_yaml::Value::Tagged(Box::new(
            serde_yaml::value::TaggedValue {
                tag: serde_yaml::value::Tag::new(tag),
                value,
            },
        )))
    }
}

/// YAML allows keys that JSON does not (`200:` is an integer); OpenAPI means them as strings.
fn yaml_to_json(value: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (yaml_key(k), yaml_to_json(v)))
                .collect(),
        ),
        Y::Tagged(t) => yaml_to_json(t.value),
    }
}

fn yaml_key(key: serde_yaml::Value) -> String {
    use serde_yaml::Value as Y;
    match key {
        Y::String(s) => s,
        Y::Bool(b) => b.to_string(),
        Y::Number(n) => n.to_string(),
        Y::Null => "null".into(),
        other => serde_yaml::to_string(&other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}
