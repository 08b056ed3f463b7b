//! Lowering of operations, parameters, bodies, responses and security schemes.

use openapiv3::{
    APIKeyLocation, Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr, Schema,
    SchemaKind, StatusCode, Type,
};
use std::collections::BTreeMap;

use serde_json::Value;

use super::Lowerer;
use crate::ir::names::{field_name, type_name, variant_name, Namespace, RESERVED_PARAM_NAMES};
use crate::ir::path::{parse_template, template_params};
use crate::ir::{
    BodyKind, Constraints, Group, Method, Name, Operation, Outcome, Pagination, Param,
    ParamLocation, ParamStyle, RequestBody, Response, ResponseBody, ResponseHeader, SecurityKind,
    SecurityScheme, SecurityUse, Status, TypeRef,
};
use crate::load::escape;
use crate::normalize::Spec;

impl Lowerer<'_> {
    pub(crate) fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let spec = self.spec;
        let Some(components) = spec.doc.components.as_ref() else {
            return Vec::new();
        };
        let mut names = Namespace::default();
        let mut variants = Namespace::default();
        let mut out = Vec::new();
        for (name, scheme) in &components.security_schemes {
            let pointer = format!("/components/securitySchemes/{}", escape(name));
            let scheme = match spec.security_scheme(scheme) {
                Ok(s) => s,
                Err(e) => {
                    self.error(&pointer, e);
                    continue;
                }
            };
            use openapiv3::SecurityScheme as S;
            let (kind, doc) = match scheme {
                S::APIKey {
                    location,
                    name,
                    description,
                    ..
                } => {
                    let location = match location {
                        APIKeyLocation::Query => ParamLocation::Query,
                        APIKeyLocation::Header => ParamLocation::Header,
                        APIKeyLocation::Cookie => ParamLocation::Cookie,
                    };
                    (
                        SecurityKind::ApiKey {
                            location,
                            name: name.clone(),
                        },
                        description.clone(),
                    )
                }
                S::HTTP {
                    scheme,
                    description,
                    ..
                } => match scheme.to_ascii_lowercase().as_str() {
                    "basic" => (SecurityKind::Basic, description.clone()),
                    "bearer" => (SecurityKind::Bearer, description.clone()),
                    other => {
                        self.warning(
                            &pointer,
                            format!("http scheme `{other}` is not supported; operations that need it get no credentials"),
                        );
                        continue;
                    }
                },
                S::OAuth2 { description, .. } | S::OpenIDConnect { description, .. } => {
                    (SecurityKind::Bearer, description.clone())
                }
            };
            out.push(SecurityScheme {
                name: Name {
                    rust: names.claim(&field_name(name)),
                    wire: name.clone(),
                },
                variant: variants.claim(&variant_name(name)),
                kind,
                doc,
                unused: false,
            });
        }
        out
    }

    pub(crate) fn operations(
        &mut self,
        schemes: &[SecurityScheme],
    ) -> (Vec<Operation>, Vec<Group>) {
        let spec = self.spec;
        self.shared_param_schemas = shared_param_schemas(spec);
        // Operation methods, one namespace for all groups: the server trait holds every one,
        // beside its own `authenticate`.
        let mut method_names = Namespace::with_reserved(&["client", "authenticate"]);
        // Each `operationId` and the operation (method, path) that has it first.
        let mut ids: BTreeMap<String, String> = BTreeMap::new();
        // Each (method, path with its parameters unnamed) and the path that has it first.
        let mut routes: BTreeMap<(Method, String), String> = BTreeMap::new();
        let mut group_names = Namespace::with_reserved(&[
            "new",
            "builder",
            "base_url",
            "http_client",
            "has_credentials",
            "resolve_credentials",
        ]);
        let mut groups: Vec<Group> = Vec::new();
        let mut out = Vec::new();
        for (path, item) in spec.doc.paths.iter() {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            for (method, op) in item.iter() {
                let pointer = format!("/paths/{}/{method}", escape(path));
                let method = match method {
                    "get" => Method::Get,
                    "put" => Method::Put,
                    "post" => Method::Post,
                    "delete" => Method::Delete,
                    "options" => Method::Options,
                    "head" => Method::Head,
                    "patch" => Method::Patch,
                    _ => Method::Trace,
                };
                let wire = self.operation_id(op, method, path, &pointer, &mut ids);
                self.check_route(method, path, &pointer, &mut routes);
                let tag = op
                    .tags
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "default".to_string());
                let group = match groups.iter().position(|g| g.name.wire == tag) {
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
                                rust: group_names.claim(&field_name(&tag)),
                                wire: tag.clone(),
                            },
                            type_name: self.type_names.claim(&format!("{}Api", type_name(&tag))),
                            doc,
                            feature: None,
                        });
                        groups.len() - 1
                    }
                };
                // `x-rust-name` renames the method and the types named after it.
                let (rust, stem) =
                    match self.method_name_override(&op.extensions, &mut method_names, &pointer) {
                        Some(name) => {
                            let stem = type_name(&name);
                            (name, stem)
                        }
                        None => (method_names.claim(&field_name(&wire)), type_name(&wire)),
                    };
                let request_type = self.type_names.claim(&format!("{stem}Request"));
                let response_type = self.type_names.claim(&format!("{stem}Response"));
                let error_type = self.type_names.claim(&format!("{stem}Error"));
                let params = self.params(&item.parameters, &op.parameters, path, &stem, &pointer);
                let body = op
                    .request_body
                    .as_ref()
                    .and_then(|b| self.request_body(b, &stem, &pointer));
                let responses = self.responses(&op.responses, &stem, &pointer);
                let security = match op.security.as_ref().or(spec.doc.security.as_ref()) {
                    None => Vec::new(),
                    Some(reqs) => self.security_uses(reqs, schemes, &pointer),
                };
                // The load stage pushes a document's global requirement down to the operations
                // that do not override it, so an empty list here is the operation's own.
                let public = op.security.as_ref().is_some_and(Vec::is_empty);
                let pagination = op
                    .extensions
                    .get("x-pagination")
                    .and_then(|v| self.pagination(v, &pointer));
                let outcome = Outcome::of(&responses);
                out.push(Operation {
                    name: Name { rust, wire },
                    request_type,
                    response_type,
                    error_type,
                    group,
                    method,
                    path: path.clone(),
                    path_parts: parse_template(path),
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
                });
            }
        }
        (out, groups)
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
        let derived = || derived_operation_id(method, path);
        let Some(id) = op.operation_id.clone().filter(|id| !id.trim().is_empty()) else {
            return derived();
        };
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

    fn params(
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

    fn request_body(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        stem: &str,
        pointer: &str,
    ) -> Option<RequestBody> {
        let at = format!("{pointer}/requestBody");
        let body_ref = body;
        let body = match self.spec.request_body(body) {
            Ok(b) => b,
            Err(e) => {
                self.error(&at, e);
                return None;
            }
        };
        let (media, m) = pick_media(&body.content)?;
        // Events are what a server streams; a request that sends them sends text.
        let kind = match body_kind(media) {
            BodyKind::EventStream => BodyKind::Text,
            BodyKind::JsonLines => BodyKind::Binary,
            kind => kind,
        };
        let shared = component_of(body_ref, "requestBodies");
        let ty = self.shared_type(shared, |l, name| {
            let context = name.map_or_else(
                || format!("{stem}Body"),
                |n| format!("{}Body", type_name(n)),
            );
            l.body_type(
                &kind,
                m,
                &context,
                &format!("{at}/content/{}/schema", escape(media)),
            )
        });
        let constraints = self.body_constraints(m);
        Some(RequestBody {
            media_type: media.clone(),
            kind,
            ty,
            required: body.required,
            doc: body.description.clone(),
            example: m.example.clone(),
            constraints,
        })
    }

    fn body_type(
        &mut self,
        kind: &BodyKind,
        m: &openapiv3::MediaType,
        context: &str,
        pointer: &str,
    ) -> TypeRef {
        match (kind, &m.schema) {
            (BodyKind::Binary, _) => TypeRef::Binary,
            (BodyKind::Text, _) => TypeRef::String,
            (_, Some(s)) => self.schema_ref(s, context, pointer),
            (_, None) => TypeRef::Any,
        }
    }

    /// Constraints of a body's schema itself (not of its fields).
    fn body_constraints(&self, m: &openapiv3::MediaType) -> Constraints {
        m.schema
            .as_ref()
            .and_then(|s| self.spec.schema(s).ok())
            .map(|(s, _)| self.read_constraints(s))
            .unwrap_or_default()
    }

    fn responses(
        &mut self,
        responses: &openapiv3::Responses,
        stem: &str,
        pointer: &str,
    ) -> Vec<Response> {
        let mut entries: Vec<(Status, &ReferenceOr<openapiv3::Response>, String)> = Vec::new();
        for (code, r) in &responses.responses {
            let (status, key) = match code {
                StatusCode::Code(c) => (Status::Code(*c), c.to_string()),
                StatusCode::Range(r) => (Status::Range((*r).min(9) as u8), format!("{r}XX")),
            };
            entries.push((status, r, key));
        }
        if let Some(d) = &responses.default {
            entries.push((Status::Default, d, "default".into()));
        }
        let first_success = entries.iter().position(|(s, _, _)| s.is_success());
        let mut out = Vec::new();
        for (i, (status, r, key)) in entries.into_iter().enumerate() {
            let at = format!("{pointer}/responses/{key}");
            let shared = component_of(r, "responses");
            let r = match self.spec.response(r) {
                Ok(r) => r,
                Err(e) => {
                    self.error(&at, e);
                    continue;
                }
            };
            let context = match status {
                _ if Some(i) == first_success => format!("{stem}ResponseBody"),
                Status::Code(c) => format!("{stem}{c}Body"),
                Status::Range(n) => format!("{stem}{n}XXBody"),
                Status::Default => format!("{stem}DefaultBody"),
            };
            // An event stream is kept apart from the body the response is otherwise read as.
            let (streams, bodies): (indexmap::IndexMap<_, _>, indexmap::IndexMap<_, _>) = r
                .content
                .iter()
                .map(|(media, m)| (media.clone(), m.clone()))
                .partition(|(media, _)| body_kind(media).is_stream());
            let body = pick_media(&bodies).map(|(media, m)| {
                self.response_body(shared.clone(), &context, media, m, &at, None)
            });
            let stream = streams.first().map(|(media, m)| {
                self.response_body(shared.clone(), &context, media, m, &at, Some("Event"))
            });
            let mut header_names = Namespace::default();
            let mut headers = Vec::new();
            for (name, h) in &r.headers {
                let Ok(h) = self.spec.header(h) else {
                    continue;
                };
                if name.eq_ignore_ascii_case("content-type") {
                    continue;
                }
                let ty = match &h.format {
                    ParameterSchemaOrContent::Schema(s) => self.schema_ref(
                        s,
                        &format!("{context}{}", type_name(name)),
                        &format!("{at}/headers/{}", escape(name)),
                    ),
                    ParameterSchemaOrContent::Content(_) => TypeRef::String,
                };
                headers.push(ResponseHeader {
                    name: Name {
                        rust: header_names.claim(&field_name(name)),
                        wire: name.clone(),
                    },
                    ty,
                    required: h.required,
                    doc: h.description.clone(),
                });
            }
            out.push(Response {
                status,
                doc: Some(r.description.clone()).filter(|d| !d.trim().is_empty()),
                body,
                headers,
                stream,
            });
        }
        if out.is_empty() {
            self.warning(
                &format!("{pointer}/responses"),
                "the operation declares no response; any 2xx answer is read as a success without a body",
            );
        }
        out
    }

    /// A response's body as `media` (`m`) gives it; `item` names what one element of a stream
    /// is, for the type's name (`CreateChatCompletionEvent`) and the key of a shared response.
    fn response_body(
        &mut self,
        shared: Option<String>,
        context: &str,
        media: &str,
        m: &openapiv3::MediaType,
        at: &str,
        item: Option<&str>,
    ) -> ResponseBody {
        let kind = body_kind(media);
        // `<Context>Body` for a body, `<Context>Event` for one item of a stream.
        let suffix = item.unwrap_or("Body");
        let context = context.strip_suffix("Body").unwrap_or(context);
        let shared = shared.map(|key| match item {
            Some(item) => format!("{key}#{item}"),
            None => key,
        });
        let ty = self.shared_type(shared, |l, name| {
            let context = name.map_or_else(
                || format!("{context}{suffix}"),
                |n| format!("{}{suffix}", type_name(n.split('#').next().unwrap_or(n))),
            );
            l.body_type(
                &kind,
                m,
                &context,
                &format!("{at}/content/{}/schema", escape(media)),
            )
        });
        ResponseBody {
            media_type: media.to_string(),
            kind,
            ty,
            constraints: self.body_constraints(m),
            example: m.example.clone().or_else(|| {
                m.examples.values().find_map(|e| match e {
                    ReferenceOr::Item(e) => e.value.clone(),
                    ReferenceOr::Reference { .. } => None,
                })
            }),
        }
    }

    fn security_uses(
        &mut self,
        requirements: &[openapiv3::SecurityRequirement],
        schemes: &[SecurityScheme],
        pointer: &str,
    ) -> Vec<Vec<SecurityUse>> {
        let mut out = Vec::new();
        for (i, req) in requirements.iter().enumerate() {
            let mut alternative = Vec::new();
            for (name, scopes) in req {
                match schemes.iter().position(|s| s.name.wire == *name) {
                    Some(scheme) => alternative.push(SecurityUse {
                        scheme,
                        scopes: scopes.clone(),
                    }),
                    None => self.warning(
                        &format!("{pointer}/security/{i}"),
                        format!("security scheme `{name}` is not defined (or not supported); it is ignored"),
                    ),
                }
            }
            out.push(alternative);
        }
        out
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

/// The component a `$ref` names (`#/components/<section>/<name>`), if it is one.
fn component_of<T>(item: &ReferenceOr<T>, section: &str) -> Option<String> {
    match item {
        ReferenceOr::Reference { reference } => reference
            .strip_prefix(&format!("#/components/{section}/"))
            .map(crate::load::unescape)
            .map(|name| format!("{section}/{name}")),
        ReferenceOr::Item(_) => None,
    }
}

impl Lowerer<'_> {
    /// The body type of a shared response or request body is lowered once, named after the
    /// component, and reused by every operation that refers to it.
    fn shared_type(
        &mut self,
        component: Option<String>,
        lower: impl FnOnce(&mut Self, Option<&str>) -> TypeRef,
    ) -> TypeRef {
        let Some(key) = component else {
            return lower(self, None);
        };
        if let Some(ty) = self.shared_types.get(&key) {
            return ty.clone();
        }
        let name = key
            .split_once('/')
            .map_or(key.as_str(), |(_, n)| n)
            .to_string();
        let ty = lower(self, Some(&name));
        self.shared_types.insert(key, ty.clone());
        ty
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

fn location_of(p: &Parameter) -> ParamLocation {
    match p {
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

/// The media type the generated code speaks, in order of preference.
fn pick_media(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<(&String, &openapiv3::MediaType)> {
    let rank = |media: &str| match body_kind(media) {
        BodyKind::Json => 0,
        BodyKind::Form => 1,
        BodyKind::Multipart => 2,
        BodyKind::Text => 3,
        BodyKind::Binary => 4,
        BodyKind::EventStream | BodyKind::JsonLines => 5,
    };
    content.iter().min_by_key(|(media, _)| rank(media))
}

/// How a media type is encoded.
pub(crate) fn body_kind(media: &str) -> BodyKind {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
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

/// Whether a media type is JSON (`application/json`, `application/problem+json`...).
fn is_json_media(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
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
fn shared_param_schemas(spec: &Spec) -> BTreeMap<String, String> {
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
