//! Lowering of `allOf`: parts that only annotate are dropped, and the properties and required
//! lists of the other parts are merged into one struct.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::Lowerer;
use crate::ir::{Constraints, TypeKind, TypeRef};

impl Lowerer<'_> {
    pub(super) fn all_of_ref(
        &mut self,
        schema: &Schema,
        parts: &[ReferenceOr<Schema>],
        context: &str,
        pointer: &str,
    ) -> TypeRef {
        // `allOf: [{$ref: X}, {description: ...}]` (common in generated specs) only annotates X:
        // parts with no structure of their own do not make a new type.
        let structural: Vec<&ReferenceOr<Schema>> =
            parts.iter().filter(|p| !is_annotation(p)).collect();
        if structural.len() == 1 {
            return self.schema_ref(structural[0], context, pointer);
        }
        self.define(schema, context, pointer, |l, name| {
            l.all_of_kind(parts, name, pointer)
        })
    }

    /// `allOf`: the properties and required lists of every part, merged into one struct.
    pub(super) fn all_of_kind(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        owner: &str,
        pointer: &str,
    ) -> TypeKind {
        let mut properties = indexmap::IndexMap::new();
        let mut required = Vec::new();
        let mut additional = None;
        let mut others = Vec::new();
        let mut stack: Vec<(ReferenceOr<Schema>, usize)> =
            parts.iter().rev().cloned().map(|p| (p, 0)).collect();
        while let Some((part, depth)) = stack.pop() {
            let Ok((s, _)) = self.spec.schema(&part) else {
                continue;
            };
            match &s.schema_kind {
                SchemaKind::Type(Type::Object(o)) => {
                    properties.extend(o.properties.clone());
                    required.extend(o.required.clone());
                    additional = additional.or(o.additional_properties.clone());
                }
                SchemaKind::Any(a)
                    if !a.properties.is_empty() || a.all_of.is_empty() && a.typ.is_none() =>
                {
                    properties.extend(a.properties.clone());
                    required.extend(a.required.clone());
                    if depth < 32 {
                        for nested in a.all_of.iter().rev() {
                            stack.push((nested.clone(), depth + 1));
                        }
                    }
                }
                SchemaKind::AllOf { all_of }
                | SchemaKind::Any(openapiv3::AnySchema { all_of, .. })
                    if depth < 32 =>
                {
                    for nested in all_of.iter().rev() {
                        stack.push((nested.clone(), depth + 1));
                    }
                }
                _ => others.push(part.clone()),
            }
        }
        if properties.is_empty() && others.len() == 1 {
            let ty = self.schema_ref(&others[0], owner, pointer);
            return TypeKind::Alias(ty, Constraints::default());
        }
        if !others.is_empty() {
            self.warning(
                pointer,
                "allOf mixes objects with other kinds of schema; only the object parts are kept",
            );
        }
        self.object(&properties, &required, additional.as_ref(), owner, pointer)
    }
}

/// Whether a schema only annotates (description, title, nullable, examples...) and adds no
/// structure: no type, properties, items, composition or enum.
pub(super) fn is_annotation(part: &ReferenceOr<Schema>) -> bool {
    match part {
        ReferenceOr::Reference { .. } => false,
        ReferenceOr::Item(s) => matches!(&s.schema_kind, SchemaKind::Any(a) if a.typ.is_none()
            && a.properties.is_empty()
            && a.items.is_none()
            && a.additional_properties.is_none()
            && a.all_of.is_empty()
            && a.one_of.is_empty()
            && a.any_of.is_empty()
            && a.not.is_none()
            && a.enumeration.is_empty()
            && a.format.is_none()),
    }
}
