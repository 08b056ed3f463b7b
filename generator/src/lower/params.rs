//! Lowering of parameters: each parameter of an operation (path, query, header, cookie) with its
//! name, location, style and type; inline parameter schemas that several parameters write alike
//! are lowered once, as one shared type.

use openapiv3::{
    Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr, Schema, SchemaKind, Type,
};
use serde_json::Value;
use std::collections::BTreeMap;

use super::Lowerer;
use crate::ir::names::{field_name, type_name, Namespace, RESERVED_PARAM_NAMES};
use crate::ir::path::template_params;
use crate::ir::{Name, Param, ParamLocation, ParamStyle, TypeRef};
use crate::load::escape;
use crate::normalize::Spec;

impl Lowerer<'_> {
    pub(super) fn params(
        &mut self,
        shared: &[ReferenceOr<Parameter>],
        own: &[ReferenceOr<Parameter>],
        path: &str,
        stem: &str,
        pointer: &str,
    ) -> Vec<Param> {
        let spec = self.spec;
        // Operation parameters override path-item parameters of the same name and location.
        let mut merged: Vec<(&Parameter, String)> = Vec::new();
        let path_pointer = pointer.rsplit_once('/').map_or("", |(p, _)| p).to_string();
        for (list, base) in [(shared, path_pointer.as_str()), (own, pointer)] {
            for (i, p) in list.iter().enumerate() {
                let at = format!("{base}/parameters/{i}");
                let Ok(p) = spec.parameter(p) else {
                    continue;
                };
                let key = (location_of(p), &p.parameter_data_ref().name);
                merged.retain(|(q, _)| (location_of(q), &q.parameter_data_ref().name) != key);
                merged.push((p, at));
            }
        }
        let template = template_params(path);
        // Parameters become fields and setters beside the items the generated code adds itself:
        // the request builder's `client` and its methods, the server request's `body` and
        // `credentials`.
        let mut names = Namespace::with_reserved(RESERVED_PARAM_NAMES);
        let mut out = Vec::new();
        // Path parameters first, in template order, so the client's arguments read like the URL.
        for wire in &template {
            match merged.iter().find(|(p, _)| {
                location_of(p) == ParamLocation::Path && p.parameter_data_ref().name == *wire
            }) {
                Some((p, at)) => {
                    let param = self.param(p, stem, at, &mut names);
                    out.push(param);
                }
                None => out.push(Param {
                    name: Name {
                        rust: names.claim(&field_name(wire)),
                        wire: wire.clone(),
                    },
                    location: ParamLocation::Path,
                    ty: TypeRef::String,
                    required: true,
                    style: ParamStyle::Simple,
                    doc: None,
                    deprecated: false,
                    constraints: Default::default(),
                    example: None,
                    secret: false,
                }),
            }
        }
        for (p, at) in &merged {
            if location_of(p) == ParamLocation::Path {
                continue;
            }
            let data = p.parameter_data_ref();
            if location_of(p) == ParamLocation::Header
                && ["accept", "content-type", "authorization"]
                    .contains(&data.name.to_ascii_lowercase().as_str())
            {
                // OpenAPI 3.0 §4.7.12.1: these header parameters are ignored.
                continue;
            }
            let param = self.param(p, stem, at, &mut names);
            out.push(param);
        }
        out
    }

    fn param(&mut self, p: &Parameter, stem: &str, at: &str, names: &mut Namespace) -> Param {
        let data = p.parameter_data_ref();
        let context = format!("{stem}{}", type_name(&data.name));
        let (ty, schema) = match &data.format {
            ParameterSchemaOrContent::Schema(s) => {
                let ty = self.param_schema(s, &context, &format!("{at}/schema"));
                (ty, self.spec.schema(s).ok().map(|(s, _)| s.clone()))
            }
            ParameterSchemaOrContent::Content(content) => match content.iter().next() {
                Some((media, m)) => match &m.schema {
                    Some(s) => {
                        let ty = self.schema_ref(
                            s,
                            &context,
                            &format!("{at}/content/{}/schema", escape(media)),
                        );
                        (ty, self.spec.schema(s).ok().map(|(s, _)| s.clone()))
                    }
                    None => (TypeRef::String, None),
                },
                None => (TypeRef::String, None),
            },
        };
        let explode = data.explode;
        let json_content = matches!(&data.format, ParameterSchemaOrContent::Content(content)
            if content.keys().next().is_some_and(|m| is_json_media(m)));
        let style = match p {
            _ if json_content => ParamStyle::Json,
            Parameter::Query { style, .. } => match style {
                QueryStyle::Form if explode == Some(false) => ParamStyle::Form,
                QueryStyle::Form => ParamStyle::FormExploded,
                QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                QueryStyle::DeepObject => ParamStyle::DeepObject,
            },
            Parameter::Cookie { .. } => ParamStyle::Form,
            Parameter::Path { .. } | Parameter::Header { .. } => ParamStyle::Simple,
        };
        let secret = schema.as_ref().is_some_and(|s| {
            s.schema_data.extensions.get("x-sensitive") == Some(&Value::Bool(true))
        }) || data.extensions.get("x-sensitive") == Some(&Value::Bool(true));
        Param {
            name: Name {
                rust: names.claim(&field_name(&data.name)),
                wire: data.name.clone(),
            },
            location: location_of(p),
            ty,
            required: data.required || matches!(p, Parameter::Path { .. }),
            style,
            doc: data.description.clone(),
            deprecated: data.deprecated.unwrap_or(false),
            constraints: schema
                .as_ref()
                .map(|s| self.constraints(s))
                .unwrap_or_default(),
            example: data.example.clone(),
            secret,
        }
    }

    /// The type of a parameter's schema: the one type of an inline schema that other parameters
    /// write alike (a `direction` or `sort` enum repeated on every list operation), else a type
    /// named after the operation and the parameter.
    fn param_schema(&mut self, s: &ReferenceOr<Schema>, context: &str, at: &str) -> TypeRef {
        let ReferenceOr::Item(schema) = s else {
            return self.schema_ref(s, context, at);
        };
        let key = serde_json::to_string(schema).unwrap_or_default();
        if let Some(ty) = self.param_types.get(&key) {
            return ty.clone();
        }
        let Some(name) = self.shared_param_schemas.get(&key).cloned() else {
            return self.schema_ref(s, context, at);
        };
        let ty = self.schema_ref(s, &name, at);
        self.param_types.insert(key, ty.clone());
        ty
    }
}

fn location_of(p: &Parameter) -> ParamLocation {
    match p {
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

/// Whether lowering an inline schema defines a named type (an enum, a struct or a union) rather
/// than naming a Rust type that exists.
fn defines_type(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => !s.enumeration.is_empty(),
        SchemaKind::Type(Type::Integer(i)) => i.enumeration.iter().any(Option::is_some),
        SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::AllOf { .. } => true,
        SchemaKind::Any(a) => {
            !a.properties.is_empty()
                || !a.one_of.is_empty()
                || !a.any_of.is_empty()
                || !a.all_of.is_empty()
        }
        _ => false,
    }
}

/// The inline parameter schemas that define a type and that two parameters or more write
/// alike (compared as JSON), each with the name of the first parameter that has it: lowered once,
/// as one type, instead of once per operation.
pub(super) fn shared_param_schemas(spec: &Spec) -> BTreeMap<String, String> {
    let mut seen: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (_, item) in spec.doc.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, op) in item.iter() {
            for p in item.parameters.iter().chain(&op.parameters) {
                let Ok(p) = spec.parameter(p) else {
                    continue;
                };
                let data = p.parameter_data_ref();
                let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &data.format
                else {
                    continue;
                };
                if !defines_type(schema) {
                    continue;
                }
                let key = serde_json::to_string(schema).unwrap_or_default();
                let entry = seen.entry(key).or_insert((0, data.name.clone()));
                entry.0 += 1;
            }
        }
    }
    seen.into_iter()
        .filter(|(_, (count, _))| *count > 1)
        .map(|(key, (_, name))| (key, name))
        .collect()
}

/// Whether a media type is JSON (`application/json`, `application/problem+json`...).
fn is_json_media(media: &str) -> bool {
    let essence = super::operation::media_essence(media);
    essence == "application/json" || essence.ends_with("+json")
}
