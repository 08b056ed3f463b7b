//! Lowering of request bodies and responses: the media type chosen, the body type (lowered once
//! for a shared component), its constraints, and each response by status.

use openapiv3::{ParameterSchemaOrContent, ReferenceOr, StatusCode};

use super::operation::body_kind;
use super::Lowerer;
use crate::ir::names::{field_name, type_name, Namespace};
use crate::ir::{
    BodyKind, Constraints, Name, RequestBody, Response, ResponseBody, ResponseHeader, Status,
    TypeRef,
};
use crate::load::escape;

impl Lowerer<'_> {
    pub(super) fn request_body(
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

    pub(super) fn responses(
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
