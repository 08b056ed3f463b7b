//! Lowering of `oneOf` and `anyOf` to unions: a union of one non-null part is that part, each
//! variant is named from its schema or its type, a discriminator picks variants by tag. Also
//! `items` without `type` (a list or any other value), and whether a schema accepts `null`.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::Lowerer;
use crate::ir::names::Namespace;
use crate::ir::{Constraints, Name, TypeKind, TypeRef, Union, UnionVariant};

impl Lowerer<'_> {
    pub(super) fn union_ref(
        &mut self,
        schema: &Schema,
        parts: &[ReferenceOr<Schema>],
        context: &str,
        pointer: &str,
    ) -> TypeRef {
        let non_null: Vec<&ReferenceOr<Schema>> =
            parts.iter().filter(|p| !self.is_null_schema(p)).collect();
        if non_null.len() == 1 {
            return self.schema_ref(non_null[0], context, pointer);
        }
        if non_null.is_empty() {
            return TypeRef::Any;
        }
        self.define(schema, context, pointer, |l, name| {
            l.union_kind(schema, parts, name, pointer)
        })
    }

    fn union_kind(
        &mut self,
        schema: &Schema,
        parts: &[ReferenceOr<Schema>],
        owner: &str,
        pointer: &str,
    ) -> TypeKind {
        let key = if matches!(schema.schema_kind, SchemaKind::AnyOf { .. }) {
            "anyOf"
        } else {
            "oneOf"
        };
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut names = Namespace::default();
        let mut variants = Vec::new();
        // The index in `parts` of each variant.
        let mut first_part: Vec<usize> = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            if self.is_null_schema(part) {
                continue;
            }
            let ty = self.schema_ref(
                part,
                &format!("{owner}Variant{}", i + 1),
                &format!("{pointer}/{key}/{i}"),
            );
            let component = match part {
                ReferenceOr::Reference { reference } => {
                    reference.rsplit('/').next().map(crate::load::unescape)
                }
                ReferenceOr::Item(_) => None,
            };
            let wire = match (discriminator, &component) {
                (Some(d), Some(c)) => d
                    .mapping
                    .iter()
                    .find(|(_, target)| {
                        target.rsplit('/').next() == Some(c.as_str()) || *target == c
                    })
                    .map(|(value, _)| value.clone())
                    // Unmapped, the tag is the schema's name, unless the schema allows the
                    // property one value only (`const`, a one-value enum): no payload can
                    // carry another, whatever the name (OpenAI's `role: user` messages).
                    .or_else(|| self.only_value(part, &d.property_name, 0))
                    .unwrap_or_else(|| c.clone()),
                _ => String::new(),
            };
            // The same alternative listed twice (a `$ref` repeated in generated specs) is one
            // variant: a second could never be chosen.
            if let Some(first) = variants
                .iter()
                .position(|v: &UnionVariant| v.ty == ty && v.name.wire == wire)
            {
                self.warning(
                    &format!("{pointer}/{key}/{i}"),
                    format!(
                        "the same alternative as `{key}/{}`; read once",
                        first_part[first]
                    ),
                );
                continue;
            }
            let wanted = match &ty {
                TypeRef::Named(id) => self.types[id.0]
                    .name
                    .strip_prefix(owner)
                    .filter(|rest| {
                        !rest.is_empty() && !rest.starts_with(|c: char| c.is_ascii_digit())
                    })
                    .map(str::to_string)
                    .unwrap_or_else(|| self.types[id.0].name.clone()),
                other => primitive_variant_name(other).to_string(),
            };
            first_part.push(i);
            variants.push(UnionVariant {
                name: Name {
                    rust: names.claim(&wanted),
                    wire,
                },
                ty,
                boxed: false,
                shape: Default::default(),
            });
        }
        let tagged = discriminator.filter(|_| variants.iter().all(|v| !v.name.wire.is_empty()));
        TypeKind::Union(Union {
            variants,
            discriminator: tagged.map(|d| d.property_name.clone()),
        })
    }

    /// The one value a string property of `schema` (or of its `allOf` parts) may take, when
    /// its schema is a one-value enum.
    fn only_value(
        &self,
        schema: &ReferenceOr<Schema>,
        property: &str,
        depth: usize,
    ) -> Option<String> {
        let (schema, _) = self.spec.schema(schema).ok()?;
        let (properties, all_of) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (Some(&o.properties), None),
            SchemaKind::Any(a) => (Some(&a.properties), Some(&a.all_of)),
            SchemaKind::AllOf { all_of } => (None, Some(all_of)),
            _ => (None, None),
        };
        let found = properties.and_then(|p| p.get(property)).and_then(|p| {
            let target = self.target(p)?;
            match &target.schema_kind {
                SchemaKind::Type(Type::String(s)) => match s.enumeration.as_slice() {
                    [Some(value)] => Some(value.clone()),
                    _ => None,
                },
                _ => None,
            }
        });
        // `allOf` chains are short in practice; the depth bound keeps a cycle from looping.
        found.or_else(|| {
            (depth < 8)
                .then_some(all_of?)?
                .iter()
                .find_map(|part| self.only_value(part, property, depth + 1))
        })
    }

    /// A component union: `X or null` is `X` (its users see that it accepts null, through
    /// [`Self::accepts_null`]); two or more alternatives are an enum.
    pub(super) fn component_union(
        &mut self,
        schema: &Schema,
        parts: &[ReferenceOr<Schema>],
        name: &str,
        pointer: &str,
    ) -> TypeKind {
        let non_null: Vec<&ReferenceOr<Schema>> =
            parts.iter().filter(|p| !self.is_null_schema(p)).collect();
        match non_null.as_slice() {
            [] => TypeKind::Alias(TypeRef::Any, Constraints::default()),
            [only] => TypeKind::Alias(self.schema_ref(only, name, pointer), Constraints::default()),
            _ => self.union_kind(schema, parts, name, pointer),
        }
    }

    /// `items` without `type`: JSON Schema applies `items` to arrays only, and any other value
    /// is valid too (Directus declares `items` where it sends one object). A union of the list
    /// and any other value reads both, losing nothing.
    pub(super) fn list_or_other(
        &mut self,
        a: &openapiv3::AnySchema,
        name: &str,
        pointer: &str,
    ) -> TypeKind {
        let list = self.array(a.items.as_ref(), name, pointer);
        let variant = |rust: &str, ty: TypeRef| UnionVariant {
            name: Name {
                rust: rust.to_owned(),
                wire: rust.to_owned(),
            },
            ty,
            boxed: false,
            shape: Default::default(),
        };
        TypeKind::Union(Union {
            variants: vec![variant("List", list), variant("Other", TypeRef::Any)],
            discriminator: None,
        })
    }

    /// Whether `null` is a valid value of a schema: `nullable: true`, or a union with a
    /// `{type: "null"}` (or `{nullable: true}`) alternative, directly or through a component
    /// that is such a union.
    pub(crate) fn accepts_null(&self, schema: &Schema) -> bool {
        if schema.schema_data.nullable {
            return true;
        }
        let parts = match &schema.schema_kind {
            SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts } => parts,
            SchemaKind::Any(a) if !a.one_of.is_empty() => &a.one_of,
            SchemaKind::Any(a) if !a.any_of.is_empty() => &a.any_of,
            _ => return false,
        };
        parts.iter().any(|p| self.is_null_schema(p))
    }

    fn is_null_schema(&self, part: &ReferenceOr<Schema>) -> bool {
        self.spec.schema(part).is_ok_and(|(s, _)| {
            matches!(&s.schema_kind, SchemaKind::Any(a) if a.typ.as_deref() == Some("null"))
                || (s.schema_data.nullable
                    && matches!(&s.schema_kind, SchemaKind::Any(a) if *a == Default::default()))
        })
    }
}

pub(super) fn primitive_variant_name(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::Bool => "Boolean",
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => "Integer",
        TypeRef::F32 | TypeRef::F64 => "Number",
        TypeRef::String => "String",
        TypeRef::Date => "Date",
        TypeRef::DateTime => "DateTime",
        TypeRef::Uuid => "Uuid",
        TypeRef::Base64 | TypeRef::Binary => "Bytes",
        TypeRef::Any => "Value",
        TypeRef::AnyObject | TypeRef::Map(_) => "Object",
        TypeRef::Vec(_) => "Array",
        TypeRef::Nullable(_) => "Nullable",
        TypeRef::Named(_) => "Variant",
    }
}
