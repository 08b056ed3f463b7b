//! Example values built from the IR, for the mock server and documentation.
//!
//! A value is the spec's example where the spec gives one, and otherwise the smallest value
//! the schema accepts: required fields only, the first enum value, the minimum of a number,
//! strings as long as `minLength` asks, one item where `minItems` asks.

use serde_json::{json, Map, Value};

use crate::ir::{Api, Constraints, TypeId, TypeKind, TypeRef};

/// How deep nested types are followed before a recursive type is cut short.
const MAX_DEPTH: usize = 8;

/// A value of `ty` built from the schema (ignoring the spec's examples).
pub fn synthesize(api: &Api, ty: &TypeRef) -> Value {
    value(api, ty, &Constraints::default(), 0)
}

fn value(api: &Api, ty: &TypeRef, c: &Constraints, depth: usize) -> Value {
    match ty {
        TypeRef::Bool => Value::Bool(true),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => {
            let min = c.minimum.map_or(
                1.0,
                |(m, excl)| if excl { m.floor() + 1.0 } else { m.ceil() },
            );
            let max = c.maximum.map_or(
                f64::MAX,
                |(m, excl)| if excl { m.ceil() - 1.0 } else { m.floor() },
            );
            let n = min
                .min(max)
                .max(if matches!(ty, TypeRef::U32 | TypeRef::U64) {
                    0.0
                } else {
                    f64::MIN
                });
            json!(n as i64)
        }
        TypeRef::F32 | TypeRef::F64 => {
            let min = c
                .minimum
                .map_or(1.0, |(m, excl)| if excl { m + 1.0 } else { m });
            let max = c
                .maximum
                .map_or(f64::MAX, |(m, excl)| if excl { m - 0.5 } else { m });
            json!(min.min(max))
        }
        TypeRef::String => {
            let mut s = "example".to_string();
            if let Some(min) = c.min_length {
                while s.chars().count() < min {
                    s.push('x');
                }
            }
            if let Some(max) = c.max_length {
                s = s.chars().take(max).collect();
            }
            Value::String(s)
        }
        TypeRef::Date => json!("2024-01-01"),
        TypeRef::DateTime => json!("2024-01-01T00:00:00Z"),
        TypeRef::Uuid => json!("00000000-0000-4000-8000-000000000000"),
        TypeRef::Base64 => json!("ZXhhbXBsZQ=="),
        TypeRef::Binary => json!([]),
        TypeRef::Any => Value::Null,
        TypeRef::AnyObject => json!({}),
        TypeRef::Nullable(_) => Value::Null,
        TypeRef::Vec(item) => {
            let count = c.min_items.unwrap_or(0).min(3);
            let items = c.items.as_deref().cloned().unwrap_or_default();
            Value::Array(
                (0..count)
                    .map(|_| value(api, item, &items, depth + 1))
                    .collect(),
            )
        }
        TypeRef::Map(_) => json!({}),
        TypeRef::Named(id) => named_value(api, *id, depth),
    }
}

/// A value of a named type: the spec's example of an existing Rust type, else one built from
/// the struct's required fields, the first enum value or the first union variant.
fn named_value(api: &Api, id: TypeId, depth: usize) -> Value {
    let t = api.ty(id);
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    // An existing Rust type (`x-rust-type`): only the spec's example says what it reads.
    if let (Some(_), Some(example)) = (&t.overrides.external, &t.example) {
        return example.clone();
    }
    match &t.kind {
        TypeKind::Struct(s) => {
            let mut m = Map::new();
            for f in s.fields.iter().filter(|f| f.required) {
                let v = if f.nullable {
                    Value::Null
                } else {
                    value(api, &f.ty, &f.constraints, depth + 1)
                };
                m.insert(f.name.wire.clone(), v);
            }
            // `minProperties`: add optional fields until there are enough.
            let wanted = s.min_properties.unwrap_or(0);
            for f in s.fields.iter().filter(|f| !f.required && !f.read_only) {
                if m.len() >= wanted {
                    break;
                }
                m.insert(
                    f.name.wire.clone(),
                    value(api, &f.ty, &f.constraints, depth + 1),
                );
            }
            Value::Object(m)
        }
        TypeKind::Enum(values) => values.first().map_or(json!(""), |v| json!(v.name.wire)),
        TypeKind::IntEnum(values) => values.first().map_or(json!(0), |v| json!(v.value)),
        TypeKind::Union(u) => u.variants.first().map_or(Value::Null, |v| {
            let mut inner = value(api, &v.ty, &Constraints::default(), depth + 1);
            if let (Some(property), Value::Object(m)) = (&u.discriminator, &mut inner) {
                m.insert(property.clone(), json!(v.name.wire));
            }
            inner
        }),
        TypeKind::Alias(inner, c) => value(api, inner, c, depth + 1),
    }
}
