//! Lower stage: a checked [`Spec`] → the IR [`Api`], built once.
//!
//! Order of work, each step deterministic:
//! 1. every component schema gets its id and its Rust name (components claim names first);
//! 2. component schemas are lowered, naming inline types from their context;
//! 3. operations are lowered in spec order, with their parameters, bodies and responses;
//! 4. types whose readOnly/writeOnly fields make requests and responses differ are split;
//! 5. fields that close a cycle of structs are boxed.

mod all_of;
mod bodies;
mod constraints;
mod features;
mod operation;
mod overrides;
mod params;
mod schema;
mod security;
mod shapes;
mod unions;

pub(crate) use operation::is_event_stream;

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostics;
use crate::ir::names::{type_name, Namespace, RESERVED_TYPE_NAMES};
use crate::ir::{Api, Runtime, ServerUrl, ServerVariable, TypeDef, TypeId};
use crate::load::escape;
use crate::normalize::Spec;

/// Lowers a checked spec. Errors found on the way are recorded in `diags`.
pub fn lower(mut spec: Spec, crate_name: &str, diags: &mut Diagnostics) -> Api {
    // The bundled document moves into the IR as it is: lowering reads only the typed spec.
    let document = std::mem::take(&mut spec.bundle.doc);
    let spec = &spec;
    let mut l = Lowerer {
        spec,
        diags,
        types: Vec::new(),
        component_ids: BTreeMap::new(),
        type_names: Namespace::with_reserved(RESERVED_TYPE_NAMES),
        runtime: Runtime::default(),
        shared_types: BTreeMap::new(),
        inline_depth: 0,
        shared_param_schemas: BTreeMap::new(),
        param_types: BTreeMap::new(),
    };
    l.lower_components();
    let security_schemes = l.security_schemes();
    let (operations, webhooks, groups) = l.operations(&security_schemes);
    let mut security_schemes = security_schemes;
    for (index, scheme) in security_schemes.iter_mut().enumerate() {
        scheme.unused = !operations
            .iter()
            .flat_map(|op| op.security.iter().flatten())
            .any(|u| u.scheme == index);
    }
    let mut api = Api {
        crate_name: crate_name.to_string(),
        title: spec.doc.info.title.clone(),
        version: spec.doc.info.version.clone(),
        description: spec.doc.info.description.clone(),
        sources: spec.bundle.sources.clone(),
        servers: servers(spec),
        types: l.types,
        operations,
        webhooks,
        groups,
        security_schemes,
        runtime: l.runtime,
        document,
    };
    shapes::split_request_shapes(&mut api, &mut l.type_names);
    shapes::box_cycles(&mut api);
    shapes::union_shapes(&mut api);
    features::assign(&mut api);
    api
}

impl Lowerer<'_> {
    /// Steps 1 and 2: every component schema gets its id and its Rust name (names the spec
    /// asks for first), then each is lowered.
    fn lower_components(&mut self) {
        let spec = self.spec;
        let schemas = spec
            .doc
            .components
            .as_ref()
            .map(|c| &c.schemas)
            .into_iter()
            .flatten();
        // Names the spec asks for (`x-rust-name`) are claimed before the names made from the
        // others' wire names, so that they are had as written.
        let schemas: Vec<_> = schemas
            .map(|(name, schema)| {
                let pointer = format!("/components/schemas/{}", escape(name));
                let wanted = match schema {
                    openapiv3::ReferenceOr::Item(own) => self.type_name_override(own, &pointer),
                    openapiv3::ReferenceOr::Reference { .. } => None,
                };
                (name, schema, pointer, wanted)
            })
            .collect();
        let mut resolved = Vec::new();
        for (name, schema, pointer, wanted) in schemas {
            let Ok((target, _)) = spec.schema(schema) else {
                continue;
            };
            let rust = wanted.unwrap_or_else(|| self.type_names.claim(&type_name(name)));
            let id = self.reserve(rust, name.clone(), target);
            if let openapiv3::ReferenceOr::Item(own) = schema {
                self.types[id.0].overrides = self.type_overrides(own, &pointer, true);
            }
            self.component_ids.insert(name.clone(), id);
            resolved.push((id, schema, target, pointer));
        }
        for (id, schema, target, pointer) in resolved {
            if self.types[id.0].overrides.external.is_some() {
                // An existing Rust type: nothing of the schema is generated.
                self.derives_on_alias(id, &pointer);
                continue;
            }
            let kind = match schema {
                // A component that is only a `$ref` to another one is an alias of it.
                openapiv3::ReferenceOr::Reference { .. } => {
                    let ty = self.schema_ref(schema, &self.types[id.0].name.clone(), &pointer);
                    crate::ir::TypeKind::Alias(ty, Default::default())
                }
                openapiv3::ReferenceOr::Item(_) => {
                    let rust = self.types[id.0].name.clone();
                    self.component_kind(target, &rust, &pointer)
                }
            };
            // A secret string component (an API key, a password) is a redacting newtype.
            let secret = matches!(
                kind,
                crate::ir::TypeKind::Alias(crate::ir::TypeRef::String, _)
            ) && schema::is_secret(target);
            if secret || matches!(kind, crate::ir::TypeKind::Alias(..)) {
                self.derives_on_alias(id, &pointer);
            }
            self.types[id.0].kind = kind;
            self.types[id.0].secret = secret;
        }
    }
}

/// State of one lowering run.
pub(crate) struct Lowerer<'a> {
    pub(crate) spec: &'a Spec,
    diags: &'a mut Diagnostics,
    pub(crate) types: Vec<TypeDef>,
    pub(crate) component_ids: BTreeMap<String, TypeId>,
    pub(crate) type_names: Namespace,
    pub(crate) runtime: Runtime,
    /// Body types of shared responses and request bodies, by `section/name`.
    pub(crate) shared_types: BTreeMap<String, crate::ir::TypeRef>,
    /// How many inline type definitions are being built, one inside the other.
    pub(crate) inline_depth: usize,
    /// Inline parameter schemas that several parameters write alike (by their JSON), with the
    /// name of the one type they share: the parameter's name.
    pub(crate) shared_param_schemas: BTreeMap<String, String>,
    /// The types lowered for those schemas, by their JSON.
    pub(crate) param_types: BTreeMap<String, crate::ir::TypeRef>,
}

impl Lowerer<'_> {
    pub(crate) fn error(&mut self, pointer: &str, message: impl Into<String>) {
        let location = self.spec.locate(pointer);
        self.diags.error(location, message);
    }

    pub(crate) fn warning(&mut self, pointer: &str, message: impl Into<String>) {
        let location = self.spec.locate(pointer);
        self.diags.warning(location, message);
    }
}

fn servers(spec: &Spec) -> Vec<ServerUrl> {
    spec.doc
        .servers
        .iter()
        .map(|s| ServerUrl {
            url: s.url.clone(),
            description: s.description.clone(),
            variables: s
                .variables
                .iter()
                .flatten()
                .map(|(name, v)| ServerVariable {
                    name: crate::ir::Name {
                        rust: crate::ir::names::field_name(name),
                        wire: name.clone(),
                    },
                    default: v.default.clone(),
                    allowed: v.enumeration.clone(),
                    description: v.description.clone(),
                })
                .collect(),
        })
        .collect()
}
