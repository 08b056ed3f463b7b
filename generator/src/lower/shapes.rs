//! Whole-API passes over the lowered types: request shapes, boxing and the JSON shapes of
//! union variants.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::names::Namespace;
use crate::ir::{Additional, Api, JsonShape, Shape, TypeId, TypeKind, TypeRef};

/// Gives every type whose request and response shapes differ a second, request-only type.
///
/// A struct differs when it has readOnly or writeOnly fields, or holds a type that differs. The
/// response shape keeps its name and drops writeOnly fields; the request shape is named
/// `<Name>Input` and drops readOnly fields, so that a create request never needs a
/// server-assigned `id`. Request bodies and parameters are switched to the request shapes.
pub fn split_request_shapes(api: &mut Api, names: &mut Namespace) {
    let mut differs: BTreeSet<TypeId> = api
        .types
        .iter()
        .filter(|t| match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().any(|f| f.read_only || f.write_only),
            _ => false,
        })
        .map(|t| t.id)
        .collect();
    loop {
        let before = differs.len();
        for t in &api.types {
            if differs.contains(&t.id) {
                continue;
            }
            let mut used = Vec::new();
            refs_of(&t.kind, &mut used);
            if used.iter().any(|u| differs.contains(u)) {
                differs.insert(t.id);
            }
        }
        if differs.len() == before {
            break;
        }
    }
    if differs.is_empty() {
        return;
    }
    let mut input_of: BTreeMap<TypeId, TypeId> = BTreeMap::new();
    for &id in &differs {
        let new_id = TypeId(api.types.len() + input_of.len());
        input_of.insert(id, new_id);
    }
    let mut inputs = Vec::new();
    for (&id, &new_id) in &input_of {
        let original = &api.types[id.0];
        let mut input = original.clone();
        input.id = new_id;
        input.name = names.claim(&format!("{}Input", original.name));
        input.shape = Shape::Request { of: id };
        if let TypeKind::Struct(s) = &mut input.kind {
            s.fields.retain(|f| !f.read_only);
        }
        remap_kind(&mut input.kind, &input_of);
        inputs.push(input);
    }
    for &id in &differs {
        if let TypeKind::Struct(s) = &mut api.types[id.0].kind {
            s.fields.retain(|f| !f.write_only);
        }
    }
    api.types.extend(inputs);
    // Webhook bodies keep the full shape: what a provider sends is its view of a resource,
    // read-only fields included, and dropping them would lose what it said.
    for op in &mut api.operations {
        if let Some(body) = &mut op.body {
            remap(&mut body.ty, &input_of);
        }
        for p in &mut op.params {
            remap(&mut p.ty, &input_of);
        }
    }
}

/// Boxes the fields and variants that close a cycle of directly contained types.
pub fn box_cycles(api: &mut Api) {
    let direct: Vec<Vec<TypeId>> = api.types.iter().map(|t| direct_refs(&t.kind)).collect();
    let reaches = |from: TypeId, to: TypeId| -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from];
        while let Some(t) = stack.pop() {
            if t == to {
                return true;
            }
            if seen.insert(t) {
                stack.extend(direct[t.0].iter().copied());
            }
        }
        false
    };
    for i in 0..api.types.len() {
        let me = TypeId(i);
        let mut kind = std::mem::replace(
            &mut api.types[i].kind,
            TypeKind::Alias(TypeRef::Any, Default::default()),
        );
        match &mut kind {
            TypeKind::Struct(s) => {
                for f in &mut s.fields {
                    if let Some(target) = direct_target(&f.ty) {
                        f.boxed = reaches(target, me);
                    }
                }
            }
            TypeKind::Union(u) => {
                for v in &mut u.variants {
                    if let Some(target) = direct_target(&v.ty) {
                        v.boxed = reaches(target, me);
                    }
                }
            }
            _ => {}
        }
        api.types[i].kind = kind;
    }
}

/// The named type a reference holds without indirection (not inside a `Vec` or map).
fn direct_target(ty: &TypeRef) -> Option<TypeId> {
    match ty {
        TypeRef::Named(id) => Some(*id),
        TypeRef::Nullable(inner) => direct_target(inner),
        _ => None,
    }
}

fn direct_refs(kind: &TypeKind) -> Vec<TypeId> {
    match kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .filter_map(|f| direct_target(&f.ty))
            .collect(),
        TypeKind::Union(u) => u
            .variants
            .iter()
            .filter_map(|v| direct_target(&v.ty))
            .collect(),
        TypeKind::Alias(ty, _) => direct_target(ty).into_iter().collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn refs_of(kind: &TypeKind, out: &mut Vec<TypeId>) {
    match kind {
        TypeKind::Struct(s) => {
            for f in &s.fields {
                f.ty.named(out);
            }
            if let Additional::Kept(ty) = &s.additional {
                ty.named(out);
            }
        }
        TypeKind::Union(u) => {
            for v in &u.variants {
                v.ty.named(out);
            }
        }
        TypeKind::Alias(ty, _) => ty.named(out),
        TypeKind::Enum(_) | TypeKind::IntEnum(_) => {}
    }
}

fn remap_kind(kind: &mut TypeKind, map: &BTreeMap<TypeId, TypeId>) {
    match kind {
        TypeKind::Struct(s) => {
            for f in &mut s.fields {
                remap(&mut f.ty, map);
            }
            if let Additional::Kept(ty) = &mut s.additional {
                remap(ty, map);
            }
        }
        TypeKind::Union(u) => {
            for v in &mut u.variants {
                remap(&mut v.ty, map);
            }
        }
        TypeKind::Alias(ty, _) => remap(ty, map),
        TypeKind::Enum(_) | TypeKind::IntEnum(_) => {}
    }
}

fn remap(ty: &mut TypeRef, map: &BTreeMap<TypeId, TypeId>) {
    match ty {
        TypeRef::Named(id) => {
            if let Some(new) = map.get(id) {
                *id = *new;
            }
        }
        TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => remap(t, map),
        _ => {}
    }
}

/// Records the JSON shape of every union variant, once every type (request shapes included)
/// has its final fields.
pub fn union_shapes(api: &mut Api) {
    let mut shapes = Vec::new();
    for (index, t) in api.types.iter().enumerate() {
        if let TypeKind::Union(u) = &t.kind {
            let of: Vec<JsonShape> = u
                .variants
                .iter()
                .map(|v| json_shape(api, &v.ty, 0))
                .collect();
            shapes.push((index, of));
        }
    }
    for (index, of) in shapes {
        if let TypeKind::Union(u) = &mut api.types[index].kind {
            for (variant, shape) in u.variants.iter_mut().zip(of) {
                variant.shape = shape;
            }
        }
    }
}

/// How many aliases are followed before a shape is called `Any`.
const MAX_ALIAS_DEPTH: usize = 16;

fn json_shape(api: &Api, ty: &TypeRef, depth: usize) -> JsonShape {
    match ty {
        TypeRef::Bool => JsonShape::Bool,
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => JsonShape::Integer,
        TypeRef::F32 | TypeRef::F64 => JsonShape::Number,
        TypeRef::String
        | TypeRef::Date
        | TypeRef::DateTime
        | TypeRef::Uuid
        | TypeRef::Base64
        | TypeRef::Binary => JsonShape::String,
        TypeRef::Vec(_) => JsonShape::Array,
        TypeRef::Map(_) | TypeRef::AnyObject => JsonShape::Object {
            known: Vec::new(),
            required: Vec::new(),
        },
        TypeRef::Any | TypeRef::Nullable(_) => JsonShape::Any,
        TypeRef::Named(id) => match api.types.get(id.0).map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => JsonShape::Object {
                known: s.fields.iter().map(|f| f.name.wire.clone()).collect(),
                required: s
                    .fields
                    .iter()
                    .filter(|f| f.required && !f.nullable)
                    .map(|f| f.name.wire.clone())
                    .collect(),
            },
            Some(TypeKind::Enum(_)) => JsonShape::String,
            Some(TypeKind::IntEnum(_)) => JsonShape::Integer,
            Some(TypeKind::Alias(inner, _)) if depth < MAX_ALIAS_DEPTH => {
                json_shape(api, inner, depth + 1)
            }
            _ => JsonShape::Any,
        },
    }
}
