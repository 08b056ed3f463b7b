//! Operations of the IR: what the client and the server are built from.

use serde_json::Value;

use super::path::PathPart;
use super::{Constraints, Name, TypeRef};

/// HTTP methods OpenAPI 3.0 knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// The method as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// One operation (a method on a path).
#[derive(Clone, Debug)]
pub struct Operation {
    /// Method name (snake_case) and `operationId` (or the name derived from method and path).
    pub name: Name,
    /// Name of the operation's request type (parameters and body together), unique in the crate.
    pub request_type: String,
    /// Name of the operation's response type (one variant per status), unique in the crate.
    pub response_type: String,
    /// Name of the operation's error-body type (when several error bodies differ).
    pub error_type: String,
    /// Index into [`super::Api::groups`]: the module (first tag) the operation belongs to.
    /// Webhooks are not grouped: theirs is 0 and means nothing.
    pub group: usize,
    /// HTTP method.
    pub method: Method,
    /// The path template as written in the spec.
    pub path: String,
    /// The path template, parsed.
    pub path_parts: Vec<PathPart>,
    /// The name of the webhook this operation receives (3.1 `webhooks`): its path is then
    /// the stand-in `/` + name at which the generated receiver router serves it.
    pub webhook: Option<String>,
    /// Summary.
    pub summary: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Tags, the first being the module the operation belongs to.
    pub tags: Vec<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Parameters (path, query, header, cookie), path ones first in template order.
    pub params: Vec<Param>,
    /// The request body, if any.
    pub body: Option<RequestBody>,
    /// Responses in spec order.
    pub responses: Vec<Response>,
    /// Security requirements: any one of the alternatives suffices; empty means none needed.
    pub security: Vec<Vec<SecurityUse>>,
    /// The spec says on purpose that this operation needs no credentials: its own
    /// `security: []` (a login or health endpoint beside a global requirement). Only then
    /// does the client withhold the credentials it was given; an operation that says nothing
    /// (many specs require credentials everywhere and declare them in a few places) sends them.
    pub public: bool,
    /// `x-pagination`, when the operation returns one page of a list.
    pub pagination: Option<Pagination>,
    /// The types a call gives back, decided once in lowering from [`Operation::responses`].
    pub outcome: Outcome,
}

/// What a call of an operation gives back, as types: whether its successes need an enum and
/// which error bodies it has. Decided in lowering by comparing IR types, so that the client,
/// the diff and anything else that reads it agree.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// The successes (see [`Operation::successes_and_errors`]) differ in the type their bodies
    /// decode to (a success without a body is `()`): the operation gets a response enum named
    /// [`Operation::response_type`].
    pub success_enum: bool,
    /// The distinct types of the declared error bodies, in spec order. One is the error body
    /// type itself; several make an error enum named [`Operation::error_type`] (one variant
    /// per error response with a body); none means error bodies are read as any JSON.
    pub error_bodies: Vec<TypeRef>,
}

impl Outcome {
    /// The outcome of these responses.
    pub fn of(responses: &[Response]) -> Outcome {
        let (success, errors) = successes_and_errors(responses);
        let first = success.first().map(|r| r.value_type());
        let success_enum = success.iter().any(|r| Some(r.value_type()) != first);
        let mut error_bodies: Vec<TypeRef> = Vec::new();
        for ty in errors.iter().filter_map(|r| r.body.as_ref().map(|b| &b.ty)) {
            if !error_bodies.contains(ty) {
                error_bodies.push(ty.clone());
            }
        }
        Outcome {
            success_enum,
            error_bodies,
        }
    }

    /// Whether the error bodies differ in type, so that they make an error enum.
    pub fn error_enum(&self) -> bool {
        self.error_bodies.len() > 1
    }
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a request header.
    Header,
    /// In the `Cookie` header.
    Cookie,
}

/// How an array or object query parameter is written (`style` + `explode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamStyle {
    /// `style: form, explode: true`: `a=1&a=2`.
    FormExploded,
    /// `style: form, explode: false`: `a=1,2`.
    Form,
    /// `style: spaceDelimited`: `a=1%202`.
    SpaceDelimited,
    /// `style: pipeDelimited`: `a=1|2`.
    PipeDelimited,
    /// `style: deepObject`: `a[x]=1&a[y]=2`.
    DeepObject,
    /// `style: simple` (path and header): `1,2`.
    Simple,
    /// `content: {application/json: ...}` instead of a schema: the value as JSON text,
    /// `filter=%7B%22a%22%3A1%7D`.
    Json,
}

/// A parameter of an operation.
#[derive(Clone, Debug)]
pub struct Param {
    /// Rust (snake_case) and wire name.
    pub name: Name,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type (without `Option`).
    pub ty: TypeRef,
    /// Whether it must be given.
    pub required: bool,
    /// How it is serialized.
    pub style: ParamStyle,
    /// Description.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Constraints checked by the server.
    pub constraints: Constraints,
    /// The spec's example, if any.
    pub example: Option<Value>,
    /// Secret (an API key passed as a parameter).
    pub secret: bool,
}

/// The kinds of bodies the generated code can send and receive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// `application/json` and `+json` types.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// `text/*`.
    Text,
    /// Anything else: raw bytes.
    Binary,
    /// `text/event-stream` (Server-Sent Events), in responses only: a stream of events whose
    /// `data` each decode as the body's type (the type of one event's data, not of the whole
    /// body: what OpenAPI 3.2 calls the `itemSchema`).
    EventStream,
    /// JSON Lines (`application/jsonl`, `application/x-ndjson`), in responses only: a stream
    /// of JSON values, one a line, each decoding as the body's type (the type of one line).
    JsonLines,
}

impl BodyKind {
    /// Whether a response body of this kind is a stream of items, read as they arrive.
    pub fn is_stream(&self) -> bool {
        matches!(self, BodyKind::EventStream | BodyKind::JsonLines)
    }
}

/// A request body.
#[derive(Clone, Debug)]
pub struct RequestBody {
    /// The media type sent (the first usable one the spec lists).
    pub media_type: String,
    /// How it is encoded.
    pub kind: BodyKind,
    /// Its type.
    pub ty: TypeRef,
    /// Whether it must be sent.
    pub required: bool,
    /// Description.
    pub doc: Option<String>,
    /// The spec's example.
    pub example: Option<Value>,
    /// Constraints of the body's schema itself (an array's `maxItems`, a string's
    /// `maxLength`), not of its fields; kept for comparing versions, not checked.
    pub constraints: Constraints,
}

/// Which statuses a response covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// One status code.
    Code(u16),
    /// A range: `4XX` is `Range(4)`.
    Range(u8),
    /// `default`: every status not otherwise listed.
    Default,
}

impl Status {
    /// The name of the status in generated enums: the reason phrase of common codes (`Ok`,
    /// `NotFound`), else `Status418`, `Status4xx` for ranges and `Default`.
    pub fn variant_name(self) -> String {
        let phrase = match self {
            Status::Code(200) => "Ok",
            Status::Code(201) => "Created",
            Status::Code(202) => "Accepted",
            Status::Code(203) => "NonAuthoritativeInformation",
            Status::Code(204) => "NoContent",
            Status::Code(205) => "ResetContent",
            Status::Code(206) => "PartialContent",
            Status::Code(301) => "MovedPermanently",
            Status::Code(302) => "Found",
            Status::Code(303) => "SeeOther",
            Status::Code(304) => "NotModified",
            Status::Code(307) => "TemporaryRedirect",
            Status::Code(400) => "BadRequest",
            Status::Code(401) => "Unauthorized",
            Status::Code(403) => "Forbidden",
            Status::Code(404) => "NotFound",
            Status::Code(405) => "MethodNotAllowed",
            Status::Code(409) => "Conflict",
            Status::Code(410) => "Gone",
            Status::Code(412) => "PreconditionFailed",
            Status::Code(413) => "PayloadTooLarge",
            Status::Code(415) => "UnsupportedMediaType",
            Status::Code(422) => "UnprocessableEntity",
            Status::Code(429) => "TooManyRequests",
            Status::Code(500) => "InternalServerError",
            Status::Code(501) => "NotImplemented",
            Status::Code(502) => "BadGateway",
            Status::Code(503) => "ServiceUnavailable",
            Status::Code(504) => "GatewayTimeout",
            Status::Code(c) => return format!("Status{c}"),
            Status::Range(r) => return format!("Status{r}xx"),
            Status::Default => "Default",
        };
        phrase.to_string()
    }

    /// Whether a successful (2xx) status is covered.
    pub fn is_success(self) -> bool {
        match self {
            Status::Code(c) => (200..300).contains(&c),
            Status::Range(r) => r == 2,
            Status::Default => false,
        }
    }
}

impl Operation {
    /// The query parameter named `wire`, if the operation has one.
    pub fn query_param(&self, wire: &str) -> Option<&Param> {
        self.params
            .iter()
            .find(|p| p.name.wire == wire && p.location == ParamLocation::Query)
    }

    /// The responses that are successes and those that are errors. When no 2xx is declared,
    /// `default` is the success (a 2xx answer is the default response); without a `default`
    /// either (`responses: {}`, or error statuses only), any 2xx is a success without a body
    /// ([`IMPLIED_SUCCESS`]): a 2xx is never an error.
    pub fn successes_and_errors(&self) -> (Vec<&Response>, Vec<&Response>) {
        successes_and_errors(&self.responses)
    }

    /// The `Accept` header the client sends: the media types of the declared response bodies,
    /// in spec order, without repeats; those that are not valid header text are left out.
    /// Empty when no response has a body.
    pub fn accept(&self) -> String {
        let mut media: Vec<&str> = Vec::new();
        for body in self.responses.iter().filter_map(|r| r.body.as_ref()) {
            let m = body.media_type.as_str();
            let valid = !m.is_empty() && m.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
            if valid && !media.contains(&m) {
                media.push(m);
            }
        }
        media.join(", ")
    }

    /// The event stream the operation's successes offer: that of the first success response
    /// with one. The client's `send_stream()` decodes it, whatever 2xx answers.
    pub fn event_stream(&self) -> Option<&ResponseBody> {
        let (success, _) = self.successes_and_errors();
        success.into_iter().find_map(|r| r.stream.as_ref())
    }

    /// Whether an answer with a 2xx status that the spec does not list is decoded as the first
    /// declared success: true unless a `2XX` range or a `default` success already covers
    /// every 2xx. A 2xx is a success, declared or not.
    pub fn decodes_undeclared_success(&self) -> bool {
        let (success, _) = self.successes_and_errors();
        !success.is_empty()
            && !success
                .iter()
                .any(|r| matches!(r.status, Status::Default | Status::Range(2)))
    }
}

/// See [`Operation::successes_and_errors`].
fn successes_and_errors(responses: &[Response]) -> (Vec<&Response>, Vec<&Response>) {
    let mut success: Vec<&Response> = responses.iter().filter(|r| r.status.is_success()).collect();
    let mut errors: Vec<&Response> = responses
        .iter()
        .filter(|r| !r.status.is_success())
        .collect();
    if success.is_empty() {
        match errors.iter().position(|r| r.status == Status::Default) {
            Some(i) => success.push(errors.remove(i)),
            None => success.push(&IMPLIED_SUCCESS),
        }
    }
    (success, errors)
}

/// The success of an operation that declares none: any 2xx, without a body.
pub static IMPLIED_SUCCESS: Response = Response {
    status: Status::Range(2),
    doc: None,
    body: None,
    headers: Vec::new(),
    stream: None,
};

/// One declared response.
#[derive(Clone, Debug)]
pub struct Response {
    /// The statuses it covers.
    pub status: Status,
    /// Description.
    pub doc: Option<String>,
    /// Body, if the response has one.
    pub body: Option<ResponseBody>,
    /// Declared response headers.
    pub headers: Vec<ResponseHeader>,
    /// A stream of events the response offers ([`BodyKind::EventStream`] or
    /// [`BodyKind::JsonLines`]), instead of a body
    /// (then `body` is `None`) or beside one (the spec lists both media types for the status,
    /// as OpenAI's chat completions do: JSON, or events with `stream: true`), so that the
    /// caller chooses.
    pub stream: Option<ResponseBody>,
}

impl Response {
    /// The type its body decodes to, `None` for no body (`()`): what decides whether two
    /// responses can share one Rust type.
    pub fn value_type(&self) -> Option<&TypeRef> {
        self.body.as_ref().map(|b| &b.ty)
    }
}

/// The body of a response.
#[derive(Clone, Debug)]
pub struct ResponseBody {
    /// Media type.
    pub media_type: String,
    /// How it is decoded.
    pub kind: BodyKind,
    /// Its type (for an event stream, the type of one event's data).
    pub ty: TypeRef,
    /// The spec's example.
    pub example: Option<Value>,
    /// Constraints of the body's schema itself, not of its fields; kept for comparing
    /// versions, not checked.
    pub constraints: Constraints,
}

/// A declared response header.
#[derive(Clone, Debug)]
pub struct ResponseHeader {
    /// Rust and wire name.
    pub name: Name,
    /// Its type.
    pub ty: TypeRef,
    /// Whether it is always sent.
    pub required: bool,
    /// Description.
    pub doc: Option<String>,
}

/// A security scheme.
#[derive(Clone, Debug)]
pub struct SecurityScheme {
    /// Rust (snake_case) and spec name.
    pub name: Name,
    /// PascalCase name, for enum variants.
    pub variant: String,
    /// What kind of credential it takes.
    pub kind: SecurityKind,
    /// Description.
    pub doc: Option<String>,
    /// No operation names it (a spec that declares a scheme and forgets to require it, often
    /// through a top-level `security: []`). The client still offers its setter, and sends its
    /// credentials, when configured, with the operations that need none, rather than drop them
    /// without a word.
    pub unused: bool,
}

/// Kinds of security schemes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecurityKind {
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// Where it goes.
        location: ParamLocation,
        /// The header, parameter or cookie name.
        name: String,
    },
    /// HTTP Basic.
    Basic,
    /// HTTP Bearer (also OAuth2 and OpenID Connect, with a token the caller obtains).
    Bearer,
}

/// A security scheme an operation accepts, with the scopes it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityUse {
    /// Index into [`super::Api::security_schemes`].
    pub scheme: usize,
    /// OAuth2 scopes.
    pub scopes: Vec<String>,
}

/// How a list operation pages (`x-pagination`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pagination {
    /// Page numbers.
    Page {
        /// Query parameter holding the 1-based page number.
        page_param: String,
        /// Query parameter holding the page size.
        size_param: Option<String>,
        /// Property of the body holding the items; `None` when the body is the array.
        items: Option<String>,
    },
    /// Item offsets.
    Offset {
        /// Query parameter holding the number of items to skip.
        offset_param: String,
        /// Query parameter holding the page size.
        limit_param: Option<String>,
        /// Property of the body holding the items; `None` when the body is the array.
        items: Option<String>,
    },
    /// Opaque cursors.
    Cursor {
        /// Query parameter carrying the cursor.
        cursor_param: String,
        /// Property of the body holding the items; `None` when the body is the array.
        items: Option<String>,
        /// Dotted path of the next cursor in the body, when the spec knows it (without it the
        /// operation is documented as paged, but pages cannot be followed automatically).
        next_cursor: Option<String>,
    },
}

/// Operations that share their first tag: one module of the API.
#[derive(Clone, Debug)]
pub struct Group {
    /// Accessor name (snake_case) and tag.
    pub name: Name,
    /// Name of the client's group type (`AssetsApi`), unique in the crate.
    pub type_name: String,
    /// The tag's description.
    pub doc: Option<String>,
    /// The cargo feature that compiles the group's operations (when the API has several
    /// groups; with one, its operations are always compiled).
    pub feature: Option<String>,
}
