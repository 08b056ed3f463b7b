//! Lowering of operations: ids, routes, pagination and the media kinds of bodies. Their
//! parameters are lowered in `params`, request bodies and responses in `bodies`, security
//! schemes and their uses in `security`.

use openapiv3::ReferenceOr;
use std::collections::BTreeMap;

use serde_json::Value;

use super::params::shared_param_schemas;
use super::Lowerer;
use crate::ir::names::{field_name, type_name, Namespace};
use crate::ir::path::parse_template;
use crate::ir::{BodyKind, Group, Method, Name, Operation, Outcome, Pagination, SecurityScheme};
use crate::load::escape;

/// Where an operation is declared: the path it is served at (a webhook's stand-in path), the
/// pointer of its operation object, and the webhook's name.
struct Site {
    path: String,
    pointer: String,
    webhook: Option<String>,
}

/// What the operations lowered so far have claimed.
struct Sites {
    method_names: Namespace,
    /// Each `operationId` and the operation (method, path) that has it first.
    ids: BTreeMap<String, String>,
    /// Each (method, path with its parameters unnamed) and the path that has it first.
    routes: BTreeMap<(Method, String), String>,
    group_names: Namespace,
    groups: Vec<Group>,
}

/// The path a webhook is received at by the generated router: `/` and its name, characters
/// outside a path segment's unreserved ones percent-encoded.
pub(crate) fn webhook_path(name: &str) -> String {
    let mut path = String::from("/");
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            path.push(char::from(b));
        } else {
            path.push_str(&format!("%{b:02X}"));
        }
    }
    path
}

impl Lowerer<'_> {
    /// The operations of `paths`, then the webhooks (each received at `/` and its name), with
    /// the groups (tags) of both.
    pub(crate) fn operations(
        &mut self,
        schemes: &[SecurityScheme],
    ) -> (Vec<Operation>, Vec<Operation>, Vec<Group>) {
        let spec = self.spec;
        self.shared_param_schemas = shared_param_schemas(spec);
        let mut state = Sites {
            // Operation methods, one namespace for all groups: the server trait holds every
            // one, beside its own `authenticate`.
            method_names: Namespace::with_reserved(&["client", "authenticate"]),
            ids: BTreeMap::new(),
            routes: BTreeMap::new(),
            group_names: Namespace::with_reserved(&[
                "new",
                "builder",
                "base_url",
                "http_client",
                "has_credentials",
                "resolve_credentials",
            ]),
            groups: Vec::new(),
        };
        let mut out = Vec::new();
        for (path, item) in spec.doc.paths.iter() {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            let at = format!("/paths/{}", escape(path));
            for (method, op) in item.iter() {
                let site = Site {
                    path: path.clone(),
                    pointer: format!("{at}/{method}"),
                    webhook: None,
                };
                let op = self.operation(item, method, op, &site, schemes, &mut state);
                out.push(op);
            }
        }
        // Webhooks are received by another party than the API's server: their methods have a
        // namespace (the receiver trait) and ids of their own.
        state.method_names = Namespace::with_reserved(&["authenticate"]);
        state.ids = BTreeMap::new();
        state.routes = BTreeMap::new();
        let mut webhooks = Vec::new();
        for (name, item) in &spec.webhooks {
            let at = format!("/webhooks/{}", escape(name));
            for (method, op) in item.iter() {
                let site = Site {
                    path: webhook_path(name),
                    pointer: format!("{at}/{method}"),
                    webhook: Some(name.clone()),
                };
                let op = self.operation(item, method, op, &site, schemes, &mut state);
                webhooks.push(op);
            }
        }
        (out, webhooks, state.groups)
    }

    /// Lowers one operation of a path item (or of a webhook).
    fn operation(
        &mut self,
        item: &openapiv3::PathItem,
        method: &str,
        op: &openapiv3::Operation,
        site: &Site,
        schemes: &[SecurityScheme],
        state: &mut Sites,
    ) -> Operation {
        let spec = self.spec;
        let Site { path, pointer, .. } = site;
        let pointer = pointer.as_str();
        let method = method_of(method);
        let wire = match &site.webhook {
            // A webhook without an `operationId` is named after itself, not its stand-in path.
            Some(name)
                if op
                    .operation_id
                    .as_deref()
                    .is_none_or(|id| id.trim().is_empty()) =>
            {
                self.unique_id(name.clone(), method, path, pointer, &mut state.ids)
            }
            _ => self.operation_id(op, method, path, pointer, &mut state.ids),
        };
        self.check_route(method, path, pointer, &mut state.routes);
        let tag = op
            .tags
            .first()
            .cloned()
            .unwrap_or_else(|| "default".to_string());
        // Webhooks are not grouped: their receiver is compiled with the server, whatever the
        // tags (a tag only webhooks have would otherwise make a client group without calls).
        let group = match site.webhook {
            Some(_) => 0,
            None => self.group_of(&tag, &mut state.groups, &mut state.group_names),
        };
        // `x-rust-name` renames the method and the types named after it.
        let (rust, stem) =
            match self.method_name_override(&op.extensions, &mut state.method_names, pointer) {
                Some(name) => {
                    let stem = type_name(&name);
                    (name, stem)
                }
                None => (
                    state.method_names.claim(&field_name(&wire)),
                    type_name(&wire),
                ),
            };
        let request_type = self.type_names.claim(&format!("{stem}Request"));
        let response_type = self.type_names.claim(&format!("{stem}Response"));
        let error_type = self.type_names.claim(&format!("{stem}Error"));
        let params = self.params(&item.parameters, &op.parameters, path, &stem, pointer);
        let body = op
            .request_body
            .as_ref()
            .and_then(|b| self.request_body(b, &stem, pointer));
        let responses = self.responses(&op.responses, &stem, pointer);
        // A webhook carries only what its own `security` says (the document's global
        // requirement is the API's, and the bundle does not push it down to webhooks).
        let requirements = match site.webhook {
            Some(_) => op.security.as_ref(),
            None => op.security.as_ref().or(spec.doc.security.as_ref()),
        };
        let security = match requirements {
            None => Vec::new(),
            Some(reqs) => self.security_uses(reqs, schemes, pointer),
        };
        // The load stage pushes a document's global requirement down to the operations
        // that do not override it, so an empty list here is the operation's own.
        let public = op.security.as_ref().is_some_and(Vec::is_empty);
        let pagination = op
            .extensions
            .get("x-pagination")
            .and_then(|v| self.pagination(v, pointer));
        let outcome = Outcome::of(&responses);
        Operation {
            name: Name { rust, wire },
            request_type,
            response_type,
            error_type,
            group,
            method,
            path: path.clone(),
            path_parts: parse_template(path),
            webhook: site.webhook.clone(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            tags: op.tags.clone(),
            deprecated: op.deprecated,
            params,
            body,
            responses,
            security,
            public,
            pagination,
            outcome,
        }
    }

    /// The index of the group of operations tagged `tag`, added (named, with the tag's
    /// description) by the first operation that has it.
    fn group_of(
        &mut self,
        tag: &str,
        groups: &mut Vec<Group>,
        group_names: &mut Namespace,
    ) -> usize {
        let spec = self.spec;
        match groups.iter().position(|g| g.name.wire == tag) {
            Some(i) => i,
            None => {
                let doc = spec
                    .doc
                    .tags
                    .iter()
                    .find(|t| t.name == tag)
                    .and_then(|t| t.description.clone());
                groups.push(Group {
                    name: Name {
                        rust: group_names.claim(&field_name(tag)),
                        wire: tag.to_string(),
                    },
                    type_name: self.type_names.claim(&format!("{}Api", type_name(tag))),
                    doc,
                    feature: None,
                });
                groups.len() - 1
            }
        }
    }

    /// The operation's id: its `operationId`, or one derived from method and path when it has
    /// none or when an earlier operation has the same one (ids must be unique: two operations
    /// with one name would be one method defined twice).
    fn operation_id(
        &mut self,
        op: &openapiv3::Operation,
        method: Method,
        path: &str,
        pointer: &str,
        ids: &mut BTreeMap<String, String>,
    ) -> String {
        let Some(id) = op.operation_id.clone().filter(|id| !id.trim().is_empty()) else {
            return derived_operation_id(method, path);
        };
        self.unique_id(id, method, path, pointer, ids)
    }

    /// `id`, or the id derived from method and path when an earlier operation has it.
    fn unique_id(
        &mut self,
        id: String,
        method: Method,
        path: &str,
        pointer: &str,
        ids: &mut BTreeMap<String, String>,
    ) -> String {
        let derived = || derived_operation_id(method, path);
        let this = format!("{} {path}", method.as_str());
        match ids.get(&id) {
            None => {
                ids.insert(id.clone(), this);
                id
            }
            Some(first) => {
                let derived = derived();
                self.warning(
                    &format!("{pointer}/operationId"),
                    format!("operationId `{id}` of `{this}` is also the id of `{first}` (ids must be unique); this operation is generated as `{derived}`"),
                );
                derived
            }
        }
    }

    /// Warns when a server cannot tell the operation from an earlier one: the same method on
    /// a path that differs only in the names of its parameters (OpenAPI forbids such paths;
    /// specs converted from Google's discovery documents have them).
    fn check_route(
        &mut self,
        method: Method,
        path: &str,
        pointer: &str,
        routes: &mut BTreeMap<(Method, String), String>,
    ) {
        let route = crate::ir::path::axum_route(&parse_template(path));
        match routes.get(&(method, route.clone())) {
            None => {
                routes.insert((method, route), path.to_string());
            }
            Some(first) if first != path => {
                let m = method.as_str();
                self.warning(
                    pointer,
                    format!("`{m} {path}` and `{m} {first}` are one route to a server (their paths differ only in parameter names); the generated server serves `{m} {first}`, the client calls both"),
                );
            }
            Some(_) => {}
        }
    }

    fn pagination(&mut self, value: &Value, pointer: &str) -> Option<Pagination> {
        let at = format!("{pointer}/x-pagination");
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
        let result = match text("style").as_deref() {
            Some("page") => text("page_param").map(|page_param| Pagination::Page {
                page_param,
                size_param: text("size_param"),
                items: text("items"),
            }),
            Some("offset") => text("offset_param").map(|offset_param| Pagination::Offset {
                offset_param,
                limit_param: text("limit_param"),
                items: text("items"),
            }),
            Some("cursor") => text("cursor_param").map(|cursor_param| Pagination::Cursor {
                cursor_param,
                items: text("items"),
                next_cursor: text("next_cursor"),
            }),
            _ => None,
        };
        if result.is_none() {
            self.warning(&at, "x-pagination is not understood (see specs/CONVENTIONS.md); the operation is treated as unpaginated");
        }
        result
    }
}

/// `get_users_id` for `GET /users/{id}`: a name for operations without `operationId`.
fn derived_operation_id(method: Method, path: &str) -> String {
    let mut id = method.as_str().to_ascii_lowercase();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        id.push_str(segment.trim_start_matches('{').trim_end_matches('}'));
    }
    id
}

/// A media type without its parameters, lower-cased (`application/json; charset=utf-8` is
/// `application/json`).
pub(crate) fn media_essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// How a media type is encoded.
pub(crate) fn body_kind(media: &str) -> BodyKind {
    let essence = media_essence(media);
    if essence == "application/json"
        || essence.ends_with("+json")
        || essence == "*/*"
        || essence.is_empty()
    {
        BodyKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else if essence == "multipart/form-data" {
        BodyKind::Multipart
    } else if essence == "text/event-stream" {
        BodyKind::EventStream
    } else if [
        "application/jsonl",
        "application/x-ndjson",
        "application/x-jsonlines",
        "application/jsonlines",
    ]
    .contains(&essence.as_str())
    {
        BodyKind::JsonLines
    } else if essence.starts_with("text/") {
        BodyKind::Text
    } else {
        BodyKind::Binary
    }
}

/// Whether a media type is a stream of items (`text/event-stream`, JSON Lines), whose schema is
/// that of one item.
pub(crate) fn is_event_stream(media: &str) -> bool {
    body_kind(media).is_stream()
}

/// The method of a path item's key (`get`, `put`...; the keys are the eight methods).
fn method_of(key: &str) -> Method {
    match key {
        "get" => Method::Get,
        "put" => Method::Put,
        "post" => Method::Post,
        "delete" => Method::Delete,
        "options" => Method::Options,
        "head" => Method::Head,
        "patch" => Method::Patch,
        _ => Method::Trace,
    }
}
