//! Words for types: how a type looks on the wire, its Rust spelling, and how a type change
//! moves the set of valid values.

use super::classify::Variance;
use crate::ir::{Api, Field, Status, TypeId, TypeKind, TypeRef};

/// How deep a chain of aliases is followed (aliases of aliases are rare; cycles are cut).
const ALIAS_DEPTH: usize = 32;

/// The type behind aliases: `type PetName = String` is a `String` on the wire and in Rust.
pub fn resolve<'a>(api: &'a Api, ty: &'a TypeRef) -> &'a TypeRef {
    let mut ty = ty;
    for _ in 0..ALIAS_DEPTH {
        match ty {
            TypeRef::Named(id) => match api.types.get(id.0).map(|t| &t.kind) {
                Some(TypeKind::Alias(inner, _)) => ty = inner,
                _ => return ty,
            },
            _ => return ty,
        }
    }
    ty
}

/// The kinds of named types, for telling a changed type from a changed kind of type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Struct,
    Enum,
    IntEnum,
    Union,
    Alias,
    Missing,
}

/// The category of a named type.
pub fn category(api: &Api, id: TypeId) -> Category {
    match api.types.get(id.0).map(|t| &t.kind) {
        Some(TypeKind::Struct(_)) => Category::Struct,
        Some(TypeKind::Enum(_)) => Category::Enum,
        Some(TypeKind::IntEnum(_)) => Category::IntEnum,
        Some(TypeKind::Union(_)) => Category::Union,
        Some(TypeKind::Alias(..)) => Category::Alias,
        None => Category::Missing,
    }
}

/// The Rust name of a named type.
pub fn type_name(api: &Api, id: TypeId) -> &str {
    api.types.get(id.0).map_or("?", |t| t.name.as_str())
}

/// The type as the spec writes it: `string (date-time)`, `array of object \`Pet\``.
pub fn wire(api: &Api, ty: &TypeRef) -> String {
    match resolve(api, ty) {
        TypeRef::Bool => "boolean".into(),
        TypeRef::I32 => "integer (int32)".into(),
        TypeRef::I64 => "integer (int64)".into(),
        TypeRef::U32 => "integer (uint32)".into(),
        TypeRef::U64 => "integer (uint64)".into(),
        TypeRef::F32 => "number (float)".into(),
        TypeRef::F64 => "number (double)".into(),
        TypeRef::String => "string".into(),
        TypeRef::Date => "string (date)".into(),
        TypeRef::DateTime => "string (date-time)".into(),
        TypeRef::Uuid => "string (uuid)".into(),
        TypeRef::Base64 => "string (byte)".into(),
        TypeRef::Binary => "string (binary)".into(),
        TypeRef::Any => "any value".into(),
        TypeRef::AnyObject => "object".into(),
        TypeRef::Vec(inner) => format!("array of {}", wire(api, inner)),
        TypeRef::Map(inner) => format!("map of {}", wire(api, inner)),
        TypeRef::Nullable(inner) => format!("{} or null", wire(api, inner)),
        TypeRef::Named(id) => {
            let name = type_name(api, *id);
            match category(api, *id) {
                Category::Struct => format!("object `{name}`"),
                Category::Enum => format!("string enum `{name}`"),
                Category::IntEnum => format!("integer enum `{name}`"),
                Category::Union => format!("union `{name}`"),
                Category::Alias | Category::Missing => format!("`{name}`"),
            }
        }
    }
}

/// The Rust spelling of a type, without crate paths: `Vec<Pet>`, `Option<i64>`.
pub fn rust(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::U32 => "u32".into(),
        TypeRef::U64 => "u64".into(),
        TypeRef::F32 => "f32".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::String => "String".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::DateTime => "DateTime<Utc>".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::Base64 => "Base64".into(),
        TypeRef::Binary => "Vec<u8>".into(),
        TypeRef::Any => "serde_json::Value".into(),
        TypeRef::AnyObject => "serde_json::Map<String, Value>".into(),
        TypeRef::Vec(inner) => format!("Vec<{}>", rust(api, inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", rust(api, inner)),
        TypeRef::Nullable(inner) => format!("Option<{}>", rust(api, inner)),
        TypeRef::Named(id) => type_name(api, *id).to_string(),
    }
}

/// The Rust type of a field, with the `Option`s that optional and nullable add.
pub fn field_rust(api: &Api, f: &Field) -> String {
    let inner = rust(api, &f.ty);
    let inner = if f.boxed {
        format!("Box<{inner}>")
    } else {
        inner
    };
    wrap(&inner, f.required, f.nullable)
}

/// `T`, `Option<T>` or `Option<Option<T>>`, as the models emitter wraps a field.
pub fn wrap(inner: &str, required: bool, nullable: bool) -> String {
    match (required, nullable) {
        (true, false) => inner.to_string(),
        (true, true) | (false, false) => format!("Option<{inner}>"),
        (false, true) => format!("Option<Option<{inner}>>"),
    }
}

/// How replacing `old` by `new` moves the set of valid values. Both are already resolved and
/// differ; named types of the same category were compared field by field instead.
pub fn variance(old_api: &Api, old: &TypeRef, new_api: &Api, new: &TypeRef) -> Variance {
    use TypeRef as T;
    let integer = |t: &TypeRef| matches!(t, T::I32 | T::I64 | T::U32 | T::U64);
    // Values of `narrow` are all values of `wide`.
    let within = |narrow: &TypeRef, narrow_api: &Api, wide: &TypeRef| -> bool {
        match (narrow, wide) {
            (_, T::Any) => true,
            (T::I32, T::I64) | (T::U32, T::U64) | (T::U32, T::I64) => true,
            (t, T::F64) if integer(t) || matches!(t, T::F32) => true,
            (T::Date | T::DateTime | T::Uuid | T::Base64, T::String) => true,
            (T::Map(_), T::AnyObject) => true,
            (T::Named(id), T::AnyObject) => category(narrow_api, *id) == Category::Struct,
            (T::Named(id), T::String) => category(narrow_api, *id) == Category::Enum,
            (T::Named(id), t) if integer(t) => {
                category(narrow_api, *id) == Category::IntEnum && matches!(t, T::I64)
            }
            _ => false,
        }
    };
    if within(old, old_api, new) {
        Variance::Widen
    } else if within(new, new_api, old) {
        Variance::Narrow
    } else {
        Variance::Both
    }
}

/// A status as the spec writes it: `200`, `4XX`, `default`.
pub fn status(status: Status) -> String {
    match status {
        Status::Code(c) => c.to_string(),
        Status::Range(r) => format!("{r}XX"),
        Status::Default => "default".into(),
    }
}

/// Whether two types hold the same kind of values, for spotting a renamed field: equal
/// primitives, or named types of one category with the same field names or values.
pub fn same_shape(old_api: &Api, old: &TypeRef, new_api: &Api, new: &TypeRef) -> bool {
    let (o, n) = (resolve(old_api, old), resolve(new_api, new));
    match (o, n) {
        (TypeRef::Vec(a), TypeRef::Vec(b))
        | (TypeRef::Map(a), TypeRef::Map(b))
        | (TypeRef::Nullable(a), TypeRef::Nullable(b)) => same_shape(old_api, a, new_api, b),
        (TypeRef::Named(a), TypeRef::Named(b)) => {
            let kinds = (
                old_api.types.get(a.0).map(|t| &t.kind),
                new_api.types.get(b.0).map(|t| &t.kind),
            );
            match kinds {
                (Some(TypeKind::Struct(x)), Some(TypeKind::Struct(y))) => {
                    sorted(x.fields.iter().map(|f| f.name.wire.as_str()))
                        == sorted(y.fields.iter().map(|f| f.name.wire.as_str()))
                }
                (Some(TypeKind::Enum(x)), Some(TypeKind::Enum(y))) => {
                    sorted(x.iter().map(|v| v.name.wire.as_str()))
                        == sorted(y.iter().map(|v| v.name.wire.as_str()))
                }
                (Some(a), Some(b)) => std::mem::discriminant(a) == std::mem::discriminant(b),
                _ => false,
            }
        }
        (a, b) => a == b,
    }
}

fn sorted<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = names.collect();
    v.sort_unstable();
    v
}
