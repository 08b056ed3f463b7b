//! Lowering of schemas to IR types.
//!
//! Component schemas got their ids before any schema is lowered, so references, forward
//! references and cycles all resolve to a [`TypeId`]. Inline schemas that need a name (objects,
//! enums, unions) are named from their context: `<Parent><Field>`, `<Operation>Body`...
//!
//! Unions (`oneOf`, `anyOf`) are lowered in `unions`, `allOf` in `all_of`, and the constraints
//! `validate()` checks in `constraints`.

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::Lowerer;
use crate::ir::names::{field_name, type_name, variant_name, Namespace};
use crate::ir::{
    Additional, Constraints, EnumValue, Field, IntValue, Name, Shape, Struct, TypeDef, TypeId,
    TypeKind, TypeRef,
};
use crate::normalize::Spec;

/// How deeply inline types may nest in one another.
pub(super) const MAX_INLINE_DEPTH: usize = 48;

/// Field names that read as secrets even when the spec does not mark them.
const SECRET_NAMES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "api_key",
    "apikey",
    "access_token",
    "refresh_token",
    "client_secret",
    "private_key",
    "secret_key",
    "id_token",
];

impl Lowerer<'_> {
    /// Lowers a schema used at `pointer`, naming inline types after `context`.
    pub(crate) fn schema_ref(
        &mut self,
        schema: &ReferenceOr<Schema>,
        context: &str,
        pointer: &str,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => match self.spec.schema(schema) {
                Ok((_, Some(name))) => match self.component_ids.get(name) {
                    Some(id) => TypeRef::Named(*id),
                    None => TypeRef::Any,
                },
                Ok((target, None)) => self.inline(target, context, pointer),
                Err(e) => {
                    self.error(pointer, format!("cannot follow `{reference}`: {e}"));
                    TypeRef::Any
                }
            },
            ReferenceOr::Item(s) => self.inline(s, context, pointer),
        }
    }

    /// Same as [`Self::schema_ref`] for the boxed schemas of properties and items.
    pub(crate) fn boxed_ref(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        context: &str,
        pointer: &str,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.schema_ref(
                &ReferenceOr::Reference {
                    reference: reference.clone(),
                },
                context,
                pointer,
            ),
            ReferenceOr::Item(s) => self.inline(s, context, pointer),
        }
    }

    /// The schema behind a possibly referenced, possibly boxed schema.
    pub(crate) fn target<'s>(&'s self, schema: &'s ReferenceOr<Box<Schema>>) -> Option<&'s Schema> {
        target_in(self.spec, schema)
    }

    /// Lowers a schema written in place.
    fn inline(&mut self, schema: &Schema, context: &str, pointer: &str) -> TypeRef {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
                self.define(schema, context, pointer, |l, _| l.string_enum(schema))
            }
            SchemaKind::Type(Type::Integer(i)) if i.enumeration.iter().any(Option::is_some) => {
                self.define(schema, context, pointer, |l, _| l.int_enum(schema))
            }
            SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => {
                self.define(schema, context, pointer, |l, name| {
                    with_counts(
                        l.object(
                            &o.properties,
                            &o.required,
                            o.additional_properties.as_ref(),
                            name,
                            pointer,
                        ),
                        o.min_properties,
                        o.max_properties,
                    )
                })
            }
            // `allOf` beside `type: object` or beside properties of its own: one merged struct.
            SchemaKind::Any(a) if !a.all_of.is_empty() => {
                let parts = all_of_parts(a);
                self.all_of_ref(schema, &parts, context, pointer)
            }
            SchemaKind::Any(a) if !a.properties.is_empty() => {
                self.define(schema, context, pointer, |l, name| {
                    with_counts(
                        l.object(
                            &a.properties,
                            &a.required,
                            a.additional_properties.as_ref(),
                            name,
                            pointer,
                        ),
                        a.min_properties,
                        a.max_properties,
                    )
                })
            }
            // `additionalProperties: false` and no properties: the empty object, nothing else.
            SchemaKind::Type(Type::Object(o))
                if o.properties.is_empty()
                    && matches!(
                        o.additional_properties,
                        Some(AdditionalProperties::Any(false))
                    ) =>
            {
                self.define(schema, context, pointer, |l, name| {
                    l.object(
                        &o.properties,
                        &o.required,
                        o.additional_properties.as_ref(),
                        name,
                        pointer,
                    )
                })
            }
            SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts } => {
                self.union_ref(schema, parts, context, pointer)
            }
            SchemaKind::Any(a) if !a.one_of.is_empty() || !a.any_of.is_empty() => {
                let parts = if a.one_of.is_empty() {
                    &a.any_of
                } else {
                    &a.one_of
                };
                self.union_ref(schema, parts, context, pointer)
            }
            SchemaKind::AllOf { all_of } => self.all_of_ref(schema, all_of, context, pointer),
            SchemaKind::Any(a) if items_without_type(a) => {
                self.define(schema, context, pointer, |l, name| {
                    l.list_or_other(a, name, pointer)
                })
            }
            _ => self.plain(schema, context, pointer),
        }
    }

    /// Types that need no name of their own: primitives, arrays, maps.
    fn plain(&mut self, schema: &Schema, context: &str, pointer: &str) -> TypeRef {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => self.string_type(&s.format),
            SchemaKind::Type(Type::Number(n)) => match n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Integer(i)) => integer_type(&i.format),
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(a)) => self.array(a.items.as_ref(), context, pointer),
            SchemaKind::Type(Type::Object(o)) => {
                self.map(o.additional_properties.as_ref(), context, pointer)
            }
            SchemaKind::Any(a) => match a.typ.as_deref() {
                Some("string") => self.string_type(&format_of(a.format.as_deref())),
                Some("integer") => integer_type(&format_of::<IntegerFormat>(a.format.as_deref())),
                Some("number") => TypeRef::F64,
                Some("boolean") => TypeRef::Bool,
                Some("array") => self.array(a.items.as_ref(), context, pointer),
                Some("object") => self.map(a.additional_properties.as_ref(), context, pointer),
                _ if a.items.is_some() => self.array(a.items.as_ref(), context, pointer),
                _ if a.additional_properties.is_some() => {
                    self.map(a.additional_properties.as_ref(), context, pointer)
                }
                _ => TypeRef::Any,
            },
            _ => TypeRef::Any,
        }
    }

    fn string_type(&mut self, format: &VariantOrUnknownOrEmpty<StringFormat>) -> TypeRef {
        match format {
            VariantOrUnknownOrEmpty::Item(StringFormat::Date) => {
                self.runtime.chrono = true;
                TypeRef::Date
            }
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => {
                self.runtime.chrono = true;
                TypeRef::DateTime
            }
            VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => {
                self.runtime.base64 = true;
                TypeRef::Base64
            }
            VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Binary,
            VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => {
                self.runtime.uuid = true;
                TypeRef::Uuid
            }
            _ => TypeRef::String,
        }
    }

    pub(super) fn array(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        context: &str,
        pointer: &str,
    ) -> TypeRef {
        let Some(items) = items else {
            return TypeRef::Vec(Box::new(TypeRef::Any));
        };
        let item = self.boxed_ref(
            items,
            &format!("{context}Item"),
            &format!("{pointer}/items"),
        );
        let nullable = self.target(items).is_some_and(|s| self.accepts_null(s));
        TypeRef::Vec(Box::new(wrap_nullable(item, nullable)))
    }

    fn map(
        &mut self,
        additional: Option<&AdditionalProperties>,
        context: &str,
        pointer: &str,
    ) -> TypeRef {
        match additional {
            Some(AdditionalProperties::Schema(s)) => {
                let value = self.schema_ref(
                    s,
                    &format!("{context}Value"),
                    &format!("{pointer}/additionalProperties"),
                );
                let nullable = self.spec.schema(s).is_ok_and(|(s, _)| self.accepts_null(s));
                TypeRef::Map(Box::new(wrap_nullable(value, nullable)))
            }
            _ => TypeRef::AnyObject,
        }
    }

    /// Creates a named type for `schema`, unless this exact schema already has one.
    pub(super) fn define(
        &mut self,
        schema: &Schema,
        context: &str,
        pointer: &str,
        build: impl FnOnce(&mut Self, &str) -> TypeKind,
    ) -> TypeRef {
        // Inline types nest as deep as the spec does; a schema that keeps producing new inline
        // types (a recursive `allOf` merged into itself) is cut short rather than followed
        // until the stack runs out.
        if self.inline_depth >= MAX_INLINE_DEPTH {
            self.warning(pointer, "inline schemas nest too deeply here (a recursive allOf?); the value is left untyped");
            return TypeRef::Any;
        }
        let name = match self.type_name_override(schema, pointer) {
            Some(name) => name,
            None => self.type_names.claim(&type_name(context)),
        };
        let id = self.reserve(name.clone(), context.to_string(), schema);
        self.types[id.0].overrides = self.type_overrides(schema, pointer, false);
        self.inline_depth += 1;
        let kind = build(self, &name);
        self.inline_depth -= 1;
        self.types[id.0].kind = kind;
        TypeRef::Named(id)
    }

    /// Reserves an id with a placeholder kind, so that recursion can refer to it.
    pub(crate) fn reserve(&mut self, name: String, origin: String, schema: &Schema) -> TypeId {
        let id = TypeId(self.types.len());
        self.types.push(TypeDef {
            id,
            name,
            origin,
            doc: schema
                .schema_data
                .description
                .clone()
                .or_else(|| schema.schema_data.title.clone()),
            kind: TypeKind::Alias(TypeRef::Any, Constraints::default()),
            shape: Shape::Both,
            example: schema.schema_data.example.clone(),
            secret: false,
            overrides: Default::default(),
            features: Vec::new(),
        });
        id
    }

    /// The kind of a component schema (which already has its id and name).
    pub(crate) fn component_kind(
        &mut self,
        schema: &Schema,
        name: &str,
        pointer: &str,
    ) -> TypeKind {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
                self.string_enum(schema)
            }
            SchemaKind::Type(Type::Integer(i)) if i.enumeration.iter().any(Option::is_some) => {
                self.int_enum(schema)
            }
            SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => with_counts(
                self.object(
                    &o.properties,
                    &o.required,
                    o.additional_properties.as_ref(),
                    name,
                    pointer,
                ),
                o.min_properties,
                o.max_properties,
            ),
            SchemaKind::Any(a) if !a.all_of.is_empty() => {
                self.all_of_kind(&all_of_parts(a), name, pointer)
            }
            SchemaKind::Any(a) if !a.properties.is_empty() => with_counts(
                self.object(
                    &a.properties,
                    &a.required,
                    a.additional_properties.as_ref(),
                    name,
                    pointer,
                ),
                a.min_properties,
                a.max_properties,
            ),
            SchemaKind::Type(Type::Object(o))
                if o.properties.is_empty()
                    && matches!(
                        o.additional_properties,
                        Some(AdditionalProperties::Any(false))
                    ) =>
            {
                self.object(
                    &o.properties,
                    &o.required,
                    o.additional_properties.as_ref(),
                    name,
                    pointer,
                )
            }
            SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts } => {
                self.component_union(schema, parts, name, pointer)
            }
            SchemaKind::Any(a) if !a.one_of.is_empty() || !a.any_of.is_empty() => {
                let parts = if a.one_of.is_empty() {
                    &a.any_of
                } else {
                    &a.one_of
                };
                self.component_union(schema, parts, name, pointer)
            }
            SchemaKind::AllOf { all_of } => self.all_of_kind(all_of, name, pointer),
            SchemaKind::Any(a) if items_without_type(a) => self.list_or_other(a, name, pointer),
            _ => {
                let ty = self.plain(schema, name, pointer);
                TypeKind::Alias(ty, self.constraints(schema))
            }
        }
    }

    fn string_enum(&mut self, schema: &Schema) -> TypeKind {
        let SchemaKind::Type(Type::String(s)) = &schema.schema_kind else {
            return TypeKind::Alias(TypeRef::String, Constraints::default());
        };
        let varnames = string_list(&schema.schema_data.extensions, "x-enum-varnames");
        let docs = string_list(&schema.schema_data.extensions, "x-enum-descriptions");
        let mut names = Namespace::with_reserved(&["Unknown"]);
        let mut values = Vec::new();
        for (i, value) in s.enumeration.iter().flatten().enumerate() {
            if values.iter().any(|v: &EnumValue| v.name.wire == *value) {
                continue;
            }
            let wanted = varnames
                .get(i)
                .map_or_else(|| variant_name(value), |v| variant_name(v));
            values.push(EnumValue {
                name: Name {
                    rust: names.claim(&wanted),
                    wire: value.clone(),
                },
                doc: docs.get(i).cloned(),
            });
        }
        if values.is_empty() {
            return TypeKind::Alias(TypeRef::String, Constraints::default());
        }
        TypeKind::Enum(values)
    }

    fn int_enum(&mut self, schema: &Schema) -> TypeKind {
        let SchemaKind::Type(Type::Integer(t)) = &schema.schema_kind else {
            return TypeKind::Alias(TypeRef::I64, Constraints::default());
        };
        let varnames = string_list(&schema.schema_data.extensions, "x-enum-varnames");
        let docs = string_list(&schema.schema_data.extensions, "x-enum-descriptions");
        let mut names = Namespace::with_reserved(&["Unknown"]);
        let mut values: Vec<IntValue> = Vec::new();
        for (i, value) in t.enumeration.iter().flatten().enumerate() {
            if values.iter().any(|v| v.value == *value) {
                continue;
            }
            let wanted = match varnames.get(i) {
                Some(v) => variant_name(v),
                None if *value < 0 => format!("Minus{}", value.unsigned_abs()),
                None => format!("V{value}"),
            };
            values.push(IntValue {
                name: names.claim(&wanted),
                value: *value,
                doc: docs.get(i).cloned(),
            });
        }
        TypeKind::IntEnum(values)
    }

    /// An object with fields.
    pub(super) fn object(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        owner: &str,
        pointer: &str,
    ) -> TypeKind {
        let mut names = Namespace::default();
        let mut fields = Vec::new();
        for (wire, prop) in properties {
            let prop_pointer = format!("{pointer}/properties/{}", crate::load::escape(wire));
            let context = format!("{owner}{}", type_name_part(wire));
            let ty = self.boxed_ref(prop, &context, &prop_pointer);
            // Borrowed from the spec, not from `self`, which lowering the field's type changes.
            let resolved = target_in(self.spec, prop);
            let data = resolved.map(|s| &s.schema_data);
            let rust = names.claim(&field_name(wire));
            let format_password = resolved.is_some_and(is_password);
            let marked =
                data.is_some_and(|d| d.extensions.get("x-sensitive") == Some(&Value::Bool(true)));
            let secret = format_password || marked || SECRET_NAMES.contains(&rust.as_str());
            let is_required = required.iter().any(|r| r == wire);
            let default = data
                .and_then(|d| d.default.clone())
                .filter(|d| !is_required && default_fits(&ty, d, self));
            let doc = match prop {
                ReferenceOr::Item(s) => s
                    .schema_data
                    .description
                    .clone()
                    .or_else(|| s.schema_data.title.clone()),
                ReferenceOr::Reference { .. } => None,
            };
            fields.push(Field {
                name: Name {
                    rust,
                    wire: wire.clone(),
                },
                ty,
                required: is_required,
                nullable: resolved.is_some_and(|s| self.accepts_null(s)),
                read_only: data.is_some_and(|d| d.read_only),
                write_only: data.is_some_and(|d| d.write_only),
                secret,
                doc,
                default,
                constraints: resolved.map(|s| self.constraints(s)).unwrap_or_default(),
                boxed: false,
            });
        }
        let additional = match additional {
            None => Additional::Ignored,
            Some(AdditionalProperties::Any(false)) => Additional::Denied,
            Some(AdditionalProperties::Any(true)) => Additional::Kept(TypeRef::Any),
            Some(AdditionalProperties::Schema(s)) => Additional::Kept(self.schema_ref(
                s,
                &format!("{owner}Value"),
                &format!("{pointer}/additionalProperties"),
            )),
        };
        TypeKind::Struct(Struct {
            fields,
            additional,
            min_properties: None,
            max_properties: None,
        })
    }
}

fn format_of<T: std::str::FromStr>(format: Option<&str>) -> VariantOrUnknownOrEmpty<T> {
    match format {
        None => VariantOrUnknownOrEmpty::Empty,
        Some(f) => match f.parse::<T>() {
            Ok(known) => VariantOrUnknownOrEmpty::Item(known),
            Err(_) => VariantOrUnknownOrEmpty::Unknown(f.to_string()),
        },
    }
}

fn integer_type<T>(format: &VariantOrUnknownOrEmpty<T>) -> TypeRef
where
    T: std::fmt::Debug,
{
    let name = match format {
        VariantOrUnknownOrEmpty::Item(f) => format!("{f:?}").to_lowercase(),
        VariantOrUnknownOrEmpty::Unknown(s) => s.to_lowercase(),
        VariantOrUnknownOrEmpty::Empty => String::new(),
    };
    match name.as_str() {
        "int32" | "int16" | "int8" => TypeRef::I32,
        "uint32" | "uint16" | "uint8" => TypeRef::U32,
        "uint64" | "uint" => TypeRef::U64,
        _ => TypeRef::I64,
    }
}

/// The schema behind a possibly referenced, possibly boxed schema.
fn target_in<'s>(spec: &'s Spec, schema: &'s ReferenceOr<Box<Schema>>) -> Option<&'s Schema> {
    match schema {
        ReferenceOr::Item(s) => Some(s),
        ReferenceOr::Reference { reference } => spec.schema_by_ref(reference).ok(),
    }
}

/// Whether a schema has `items` and nothing that says it is an array or anything else.
fn items_without_type(a: &openapiv3::AnySchema) -> bool {
    a.typ.is_none()
        && a.items.is_some()
        && a.properties.is_empty()
        && a.all_of.is_empty()
        && a.any_of.is_empty()
        && a.one_of.is_empty()
        && a.additional_properties.is_none()
        && a.enumeration.is_empty()
}

/// The parts of an `allOf` written beside `type: object` or properties of its own: the listed
/// parts, then the schema's own properties as one more part.
fn all_of_parts(a: &openapiv3::AnySchema) -> Vec<ReferenceOr<Schema>> {
    let mut parts = a.all_of.clone();
    if !a.properties.is_empty() || !a.required.is_empty() || a.additional_properties.is_some() {
        parts.push(ReferenceOr::Item(Schema {
            schema_data: Default::default(),
            schema_kind: SchemaKind::Type(Type::Object(openapiv3::ObjectType {
                properties: a.properties.clone(),
                required: a.required.clone(),
                additional_properties: a.additional_properties.clone(),
                min_properties: a.min_properties,
                max_properties: a.max_properties,
            })),
        }));
    }
    parts
}

/// Whether a schema is marked secret: `format: password` or `x-sensitive: true`.
pub(crate) fn is_secret(schema: &Schema) -> bool {
    is_password(schema)
        || schema.schema_data.extensions.get("x-sensitive") == Some(&Value::Bool(true))
}

fn is_password(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            matches!(
                s.format,
                VariantOrUnknownOrEmpty::Item(StringFormat::Password)
            )
        }
        SchemaKind::Any(a) => a.format.as_deref() == Some("password"),
        _ => false,
    }
}

fn wrap_nullable(ty: TypeRef, nullable: bool) -> TypeRef {
    if nullable {
        TypeRef::Nullable(Box::new(ty))
    } else {
        ty
    }
}

fn string_list(extensions: &indexmap::IndexMap<String, Value>, key: &str) -> Vec<String> {
    extensions
        .get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|v| v.as_str().map(str::to_string).unwrap_or_default())
                .collect()
        })
        .unwrap_or_default()
}

/// The PascalCase piece a property name adds to a context name.
fn type_name_part(wire: &str) -> String {
    let name = type_name(wire);
    name.strip_suffix("Model")
        .filter(|base| crate::ir::names::RESERVED_TYPE_NAMES.contains(base))
        .map(str::to_string)
        .unwrap_or(name)
}

/// Whether a default value can be written as a Rust literal of `ty`.
fn default_fits(ty: &TypeRef, value: &Value, lowerer: &Lowerer<'_>) -> bool {
    match (ty, value) {
        (TypeRef::Bool, Value::Bool(_)) => true,
        (TypeRef::I32 | TypeRef::I64, Value::Number(n)) => n.is_i64(),
        (TypeRef::U32 | TypeRef::U64, Value::Number(n)) => n.is_u64(),
        (TypeRef::F32 | TypeRef::F64, Value::Number(_)) => true,
        (TypeRef::String, Value::String(_)) => true,
        (TypeRef::Named(id), Value::String(s)) => matches!(
            &lowerer.types[id.0].kind,
            TypeKind::Enum(values) if values.iter().any(|v| v.name.wire == *s)
        ),
        (TypeRef::Named(id), Value::Number(n)) => matches!(
            &lowerer.types[id.0].kind,
            TypeKind::IntEnum(values) if values.iter().any(|v| Some(v.value) == n.as_i64())
        ),
        _ => false,
    }
}

/// Adds `minProperties`/`maxProperties` to a struct kind.
fn with_counts(kind: TypeKind, min: Option<usize>, max: Option<usize>) -> TypeKind {
    match kind {
        TypeKind::Struct(mut s) => {
            s.min_properties = min.filter(|&min| min > 0);
            s.max_properties = max;
            TypeKind::Struct(s)
        }
        other => other,
    }
}
