// The server runtime: the part of the server that is the same for every API. Request parsing that
// never panics and never answers 500 on bad input: every rejection is a JSON `ApiError` naming
// the field and the rule. And the writing of streamed responses (Server-Sent Events, JSON Lines).
//
// Copied into `src/server/runtime.rs` of every generated crate (compiled with its `server`
// feature) by `generator/src/emit/runtime.rs`. It uses `crate::server::{Secret, BasicAuth,
// CHALLENGE}` and `crate::support::ValidationErrors` of the generated crate. The copy is
// formatted from the syntax tree: `///` docs are kept, `//` comments like this one are not, and
// `#[cfg(test)]` modules are left out. Compiled, linted and tested here by the
// `forge-runtime-check` crate.

use std::collections::BTreeMap;

use ::axum::http::{HeaderMap, StatusCode};
use ::axum::response::{IntoResponse, Response};

/// What a handler knows of its request besides the parameters and the body: the method, the
/// URI, the headers, the extensions that middleware put on the request, and the principal
/// that [`Api::authenticate`](crate::server::Api::authenticate) found.
///
/// `Debug` shows the method, the path and the header names only: header values and the query
/// may carry credentials.
#[derive(Clone, Default)]
pub struct Context {
    /// The request method.
    pub method: ::axum::http::Method,
    /// The request URI, query included.
    pub uri: ::axum::http::Uri,
    /// Every request header, credentials included.
    pub headers: HeaderMap,
    /// The request's extensions: what middleware inserted, and the principal.
    pub extensions: ::axum::http::Extensions,
}

/// The principal of a request, kept in its extensions apart from any other value of its type.
#[derive(Clone)]
struct Principal<T>(T);

impl Context {
    /// Records who makes the request (a user, a service account...), for the handler to read
    /// with [`Context::principal`].
    pub fn set_principal<T: Clone + Send + Sync + 'static>(&mut self, principal: T) {
        self.extensions.insert(Principal(principal));
    }

    /// The principal `authenticate` recorded, if it recorded one of type `T`.
    pub fn principal<T: Clone + Send + Sync + 'static>(&self) -> Option<&T> {
        self.extensions.get::<Principal<T>>().map(|p| &p.0)
    }

    /// A context with these headers and nothing else (for tests of an implementation).
    pub fn with_headers(headers: HeaderMap) -> Self {
        Context {
            headers,
            ..Context::default()
        }
    }

    #[doc(hidden)]
    pub fn finish(&mut self, parts: ::axum::http::request::Parts) {
        self.method = parts.method;
        self.uri = parts.uri;
        let extensions = std::mem::replace(&mut self.extensions, parts.extensions);
        self.extensions.extend(extensions);
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("method", &self.method)
            .field("path", &self.uri.path())
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// A rejection or failure, answered as JSON:
/// `{"error": {"status": 400, "field": "limit", "rule": "type", "message": "..."}}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status to answer with.
    pub status: StatusCode,
    /// The parameter or body field at fault (`body.name`, `limit`), if any.
    pub field: Option<String>,
    /// The rule that failed: `required`, `type`, `maxLength`, `content-type`...
    pub rule: String,
    /// What was wrong.
    pub message: String,
}

impl ApiError {
    /// An error with any status.
    pub fn new(status: StatusCode, rule: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            status,
            field: None,
            rule: rule.into(),
            message: message.into(),
        }
    }
    /// A 400 naming the field and rule.
    pub fn bad_request(
        field: impl Into<String>,
        rule: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            field: Some(field.into()),
            rule: rule.into(),
            message: message.into(),
        }
    }
    /// 501: the operation is not implemented.
    pub fn not_implemented(operation: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            "not-implemented",
            format!("operation `{operation}` is not implemented"),
        )
    }
    /// 401: credentials are missing.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "security", message)
    }
    /// 500, for failures of the implementation itself (never for bad input).
    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => {
                write!(
                    f,
                    "{} `{field}`: {} ({})",
                    self.status, self.message, self.rule
                )
            }
            None => write!(f, "{}: {} ({})", self.status, self.message, self.rule),
        }
    }
}

impl std::error::Error for ApiError {}
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ::serde_json::json!(
            { "error" : { "status" : self.status.as_u16(), "field" : self.field, "rule" :
            self.rule, "message" : self.message, } }
        );
        let mut response = (self.status, ::axum::Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED && !crate::server::CHALLENGE.is_empty() {
            response.headers_mut().insert(
                ::axum::http::header::WWW_AUTHENTICATE,
                ::axum::http::HeaderValue::from_static(crate::server::CHALLENGE),
            );
        }
        response
    }
}

impl From<crate::support::ValidationErrors> for ApiError {
    fn from(errors: crate::support::ValidationErrors) -> Self {
        let first = errors.0.first();
        ApiError {
            status: StatusCode::BAD_REQUEST,
            field: first.map(|e| {
                if e.field.is_empty() {
                    "body".to_owned()
                } else {
                    format!("body.{}", e.field)
                }
            }),
            rule: first.map_or_else(|| "validation".to_owned(), |e| e.rule.clone()),
            message: errors.to_string(),
        }
    }
}

/// Parses one parameter value: as a JSON string first (strings, enums, dates), then as
/// a JSON scalar (numbers, booleans).
#[doc(hidden)]
pub fn parse_scalar<T: ::serde::de::DeserializeOwned>(
    name: &str,
    raw: &str,
) -> Result<T, ApiError> {
    if let Ok(value) = ::serde_json::from_value::<T>(::serde_json::Value::String(raw.to_owned())) {
        return Ok(value);
    }
    let trimmed = raw.trim();
    if !trimmed.is_empty() && !trimmed.starts_with(['"', '[', '{']) {
        if let Ok(value) = ::serde_json::from_str::<T>(trimmed) {
            return Ok(value);
        }
    }
    Err(ApiError::bad_request(
        name,
        "type",
        format!("`{raw}` is not a valid value"),
    ))
}

/// Parses a list parameter from its items.
#[doc(hidden)]
pub fn parse_list<T: ::serde::de::DeserializeOwned>(
    name: &str,
    items: &[&str],
) -> Result<T, ApiError> {
    let mut values = Vec::with_capacity(items.len());
    for item in items {
        let v = ::serde_json::Value::String((*item).to_owned());
        let parsed: ::serde_json::Value = match item.trim().parse::<f64>() {
            Ok(_) => ::serde_json::from_str(item.trim()).unwrap_or(v),
            Err(_) if *item == "true" || *item == "false" => {
                ::serde_json::Value::Bool(*item == "true")
            }
            Err(_) => v,
        };
        values.push(parsed);
    }
    // Items that look like numbers but are strings in the schema are retried as strings.
    ::serde_json::from_value::<T>(::serde_json::Value::Array(values)).or_else(|_| {
        let strings = items
            .iter()
            .map(|s| ::serde_json::Value::String((*s).to_owned()))
            .collect();
        ::serde_json::from_value::<T>(::serde_json::Value::Array(strings)).map_err(|_| {
            ApiError::bad_request(
                name,
                "type",
                format!("`{}` is not a valid list", items.join(",")),
            )
        })
    })
}

/// The query string as a multimap, in order.
#[doc(hidden)]
pub struct Query(Vec<(String, String)>);

impl Query {
    #[doc(hidden)]
    pub fn parse(raw: Option<&str>) -> Query {
        Query(
            ::url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .into_owned()
                .collect(),
        )
    }
    fn values(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    /// A scalar parameter.
    #[doc(hidden)]
    pub fn scalar<T: ::serde::de::DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<Option<T>, ApiError> {
        match self.values(name).first() {
            None => Ok(None),
            Some(raw) => parse_scalar(name, raw).map(Some),
        }
    }
    /// A parameter sent as JSON text (`content: application/json`).
    #[doc(hidden)]
    pub fn json<T: ::serde::de::DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<Option<T>, ApiError> {
        match self.values(name).first() {
            None => Ok(None),
            Some(raw) => ::serde_json::from_str(raw)
                .map(Some)
                .map_err(|e| ApiError::bad_request(name, "json", e.to_string())),
        }
    }
    /// A list parameter: repeated (`explode`) or joined with `separator`.
    #[doc(hidden)]
    pub fn list<T: ::serde::de::DeserializeOwned>(
        &self,
        name: &str,
        separator: Option<char>,
    ) -> Result<Option<T>, ApiError> {
        let values = self.values(name);
        if values.is_empty() {
            return Ok(None);
        }
        let items: Vec<&str> = match separator {
            Some(sep) => values
                .iter()
                .flat_map(|v| v.split(sep))
                .filter(|s| !s.is_empty())
                .collect(),
            None => values,
        };
        parse_list(name, &items).map(Some)
    }
    /// An object parameter in `deepObject` style: `name[key]=value`.
    #[doc(hidden)]
    pub fn deep_object<T: ::serde::de::DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<Option<T>, ApiError> {
        let prefix = format!("{name}[");
        let mut members = ::serde_json::Map::new();
        for (k, v) in &self.0 {
            if let Some(key) = k.strip_prefix(&prefix).and_then(|k| k.strip_suffix(']')) {
                let value = ::serde_json::from_str(v)
                    .unwrap_or_else(|_| ::serde_json::Value::String(v.clone()));
                members.insert(key.to_owned(), value);
            }
        }
        if members.is_empty() {
            return Ok(None);
        }
        ::serde_json::from_value(::serde_json::Value::Object(members))
            .map(Some)
            .map_err(|e| ApiError::bad_request(name, "type", e.to_string()))
    }
}

/// A required parameter that may be absent.
#[doc(hidden)]
pub fn required<T>(name: &str, value: Option<T>) -> Result<T, ApiError> {
    value.ok_or_else(|| ApiError::bad_request(name, "required", "is required"))
}

/// A header parameter.
#[doc(hidden)]
pub fn header<T: ::serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    name: &str,
) -> Result<Option<T>, ApiError> {
    match headers.get(name) {
        None => Ok(None),
        Some(value) => {
            let text = value
                .to_str()
                .map_err(|_| ApiError::bad_request(name, "type", "is not visible ASCII"))?;
            // `simple` style: an array is its items joined with commas.
            parse_scalar(name, text)
                .or_else(|e| {
                    let items: Vec<&str> = text.split(',').map(str::trim).collect();
                    parse_list(name, &items).map_err(|_| e)
                })
                .map(Some)
        }
    }
}

/// The cookies of a request, by name.
#[doc(hidden)]
pub fn cookies(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for value in headers.get_all(::axum::http::header::COOKIE) {
        if let Ok(text) = value.to_str() {
            for pair in text.split(';') {
                if let Some((k, v)) = pair.trim().split_once('=') {
                    out.insert(k.trim().to_owned(), v.trim().to_owned());
                }
            }
        }
    }
    out
}

/// A cookie parameter.
#[doc(hidden)]
pub fn cookie<T: ::serde::de::DeserializeOwned>(
    cookies: &BTreeMap<String, String>,
    name: &str,
) -> Result<Option<T>, ApiError> {
    match cookies.get(name) {
        None => Ok(None),
        Some(raw) => parse_scalar(name, raw).map(Some),
    }
}

/// The path parameters of a request, in the order of the route's captures.
#[doc(hidden)]
pub async fn path_params(
    parts: &mut ::axum::http::request::Parts,
) -> Result<Vec<String>, ApiError> {
    use ::axum::extract::FromRequestParts as _;
    match ::axum::extract::RawPathParams::from_request_parts(parts, &()).await {
        Ok(params) => Ok(params.iter().map(|(_, v)| v.to_owned()).collect()),
        Err(_) => Err(ApiError::bad_request(
            "path",
            "type",
            "path parameters are not valid UTF-8",
        )),
    }
}

/// One path parameter, by position.
#[doc(hidden)]
pub fn path<T: ::serde::de::DeserializeOwned>(
    params: &[String],
    index: usize,
    name: &str,
) -> Result<T, ApiError> {
    let raw = params
        .get(index)
        .filter(|raw| !raw.is_empty())
        .ok_or_else(|| ApiError::bad_request(name, "required", "is missing from the path"))?;
    parse_scalar(name, raw)
}

/// Checks the request's content type against the one the operation accepts.
#[doc(hidden)]
pub fn content_type(headers: &HeaderMap, expected: &str) -> Result<(), ApiError> {
    let actual = headers
        .get(::axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = actual
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let wanted = expected
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let json_like = wanted == "application/json"
        && (essence == "application/json" || essence.ends_with("+json"));
    if essence == wanted || json_like || wanted == "*/*" {
        Ok(())
    } else {
        Err(ApiError {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            field: Some("body".to_owned()),
            rule: "content-type".to_owned(),
            message: format!("expected `{expected}`, got `{actual}`"),
        })
    }
}

/// Reads the whole body, up to `limit` bytes (413 beyond).
#[doc(hidden)]
pub async fn read_body(body: ::axum::body::Body, limit: usize) -> Result<::bytes::Bytes, ApiError> {
    ::axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            field: Some("body".to_owned()),
            rule: "maxBodySize".to_owned(),
            message: format!("the body is larger than {limit} bytes or could not be read"),
        })
}

/// Decodes a JSON body, naming the field where decoding failed. Strict: `null` in an optional
/// field that is not nullable is refused (see `support::strict`).
#[doc(hidden)]
pub fn json<T: ::serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    crate::support::strict(|| json_strict(bytes))
}

fn json_strict<T: ::serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // A body that decodes takes the fast path; where a failure lies is found by decoding
    // again while tracking the path.
    if let Ok(value) = ::serde_json::from_slice(bytes) {
        return Ok(value);
    }
    let mut deserializer = ::serde_json::Deserializer::from_slice(bytes);
    let value = ::serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        // A missing field is reported at its parent; name the field itself.
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned);
        let mut field = if path == "." || path.is_empty() || path.contains('?') {
            "body".to_owned()
        } else if path.starts_with('[') {
            format!("body{path}")
        } else {
            format!("body.{path}")
        };
        if let Some(name) = &missing {
            field = format!("{field}.{name}");
        }
        let rule = if inner.is_syntax() || inner.is_eof() {
            "json"
        } else if missing.is_some() {
            "required"
        } else {
            "type"
        };
        ApiError::bad_request(field, rule, message)
    })?;
    deserializer
        .end()
        .map_err(|e| ApiError::bad_request("body", "json", e.to_string()))?;
    Ok(value)
}

/// Decodes a JSON body whose schema is an object: other JSON types are rejected even where
/// serde would accept them (an array for a struct).
#[doc(hidden)]
pub fn json_object<T: ::serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(ApiError::bad_request(
            "body",
            "type",
            "must be a JSON object",
        ));
    }
    json(bytes)
}

/// Decodes a `multipart/form-data` body: JSON parts as JSON, file parts as bytes, other
/// parts as text (or numbers and booleans, where they parse as such).
#[doc(hidden)]
pub async fn multipart<T: ::serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    bytes: ::bytes::Bytes,
) -> Result<T, ApiError> {
    let content_type = headers
        .get(::axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = ::multer::parse_boundary(content_type)
        .map_err(|e| ApiError::bad_request("body", "content-type", e.to_string()))?;
    let stream =
        ::futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
    let mut form = ::multer::Multipart::new(stream, boundary);
    let mut fields: Vec<(String, TextField)> = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                return Err(ApiError::bad_request("body", "multipart", e.to_string()));
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = field.file_name().is_some();
        let is_json = field.content_type().is_some_and(|m| {
            m.essence_str() == "application/json" || m.suffix().is_some_and(|s| s == "json")
        });
        let data = field
            .bytes()
            .await
            .map_err(|e| ApiError::bad_request(name.clone(), "multipart", e.to_string()))?;
        let field = if is_json {
            TextField::Json(::serde_json::from_slice(&data).map_err(|e| {
                ApiError::bad_request(format!("body.{name}"), "json", e.to_string())
            })?)
        } else if is_file {
            // The part's bytes as received: decoding them into a `Vec<u8>` field copies them
            // once, and nothing else holds them (a JSON array of numbers would cost dozens of
            // bytes per byte).
            TextField::Files(vec![data])
        } else {
            TextField::Texts(vec![String::from_utf8_lossy(&data).into_owned()])
        };
        match (fields.iter_mut().find(|(n, _)| *n == name), field) {
            (Some((_, TextField::Texts(values))), TextField::Texts(more)) => values.extend(more),
            (Some((_, TextField::Files(files))), TextField::Files(more)) => files.extend(more),
            (_, field) => fields.push((name, field)),
        }
    }
    from_text_fields(fields)
}

/// Decodes a form body.
#[doc(hidden)]
pub fn form<T: ::serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut fields: Vec<(String, Vec<String>)> = Vec::new();
    for (k, v) in ::url::form_urlencoded::parse(bytes) {
        match fields.iter_mut().find(|(name, _)| *name == k) {
            Some((_, values)) => values.push(v.into_owned()),
            None => fields.push((k.into_owned(), vec![v.into_owned()])),
        }
    }
    from_text_fields(
        fields
            .into_iter()
            .map(|(k, v)| (k, TextField::Texts(v)))
            .collect(),
    )
}

/// A field of a form or multipart body before it meets the schema.
#[doc(hidden)]
pub enum TextField {
    /// One or more text values (several: an array).
    Texts(Vec<String>),
    /// A value that is already JSON (a JSON part).
    Json(::serde_json::Value),
    /// The bytes of one or more file parts (several: an array).
    Files(Vec<::bytes::Bytes>),
}

/// One member of a form or multipart body as the model's `Deserialize` reads it: a JSON value,
/// or file bytes, read as a sequence of `u8` without being copied into JSON.
#[derive(Clone)]
enum Member {
    Value(::serde_json::Value),
    File(::bytes::Bytes),
    Files(Vec<::bytes::Bytes>),
}

impl<'de> ::serde::de::IntoDeserializer<'de, ::serde_json::Error> for Member {
    type Deserializer = Member;
    fn into_deserializer(self) -> Member {
        self
    }
}

/// Forwards `deserialize_*` methods: JSON values to their own, file bytes to
/// `deserialize_any`.
macro_rules! forward_members {
    ($($method:ident)*) => {
        $(
            fn $method<V: ::serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, ::serde_json::Error> {
                match self {
                    Member::Value(value) => value.$method(visitor),
                    files => files.deserialize_any(visitor),
                }
            }
        )*
    };
}

impl<'de> ::serde::Deserializer<'de> for Member {
    type Error = ::serde_json::Error;

    fn deserialize_any<V: ::serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, ::serde_json::Error> {
        use ::serde::de::value::SeqDeserializer;
        match self {
            Member::Value(value) => value.deserialize_any(visitor),
            Member::File(bytes) => {
                let mut seq = SeqDeserializer::<_, ::serde_json::Error>::new(bytes.into_iter());
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Member::Files(files) => {
                let mut seq = SeqDeserializer::<_, ::serde_json::Error>::new(
                    files.into_iter().map(Member::File),
                );
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
        }
    }

    fn deserialize_option<V: ::serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, ::serde_json::Error> {
        match self {
            Member::Value(value) => value.deserialize_option(visitor),
            files => visitor.visit_some(files),
        }
    }

    fn deserialize_enum<V: ::serde::de::Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ::serde_json::Error> {
        match self {
            Member::Value(value) => value.deserialize_enum(name, variants, visitor),
            files => files.deserialize_any(visitor),
        }
    }

    fn deserialize_newtype_struct<V: ::serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ::serde_json::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_unit_struct<V: ::serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ::serde_json::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_tuple<V: ::serde::de::Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ::serde_json::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: ::serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ::serde_json::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_struct<V: ::serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ::serde_json::Error> {
        self.deserialize_map(visitor)
    }

    forward_members! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_bytes deserialize_byte_buf deserialize_unit
        deserialize_seq deserialize_map deserialize_identifier deserialize_ignored_any
    }
}

fn guess(text: &str) -> ::serde_json::Value {
    match ::serde_json::from_str::<::serde_json::Value>(text) {
        Ok(v @ (::serde_json::Value::Number(_) | ::serde_json::Value::Bool(_))) => v,
        _ => ::serde_json::Value::String(text.to_owned()),
    }
}

/// Builds the body from text fields. Texts that look like numbers or booleans are read
/// as such first; a field whose schema wants text after all is retried as text.
#[doc(hidden)]
pub fn from_text_fields<T: ::serde::de::DeserializeOwned>(
    fields: Vec<(String, TextField)>,
) -> Result<T, ApiError> {
    crate::support::strict(|| text_fields_strict(fields))
}

fn text_fields_strict<T: ::serde::de::DeserializeOwned>(
    fields: Vec<(String, TextField)>,
) -> Result<T, ApiError> {
    let mut as_text: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    loop {
        let mut members: Vec<(String, Member)> = Vec::with_capacity(fields.len());
        for (name, field) in &fields {
            let value = match field {
                TextField::Json(v) => v.clone(),
                // `Bytes` are shared, not copied.
                TextField::Files(files) => {
                    let member = match files.as_slice() {
                        [one] => Member::File(one.clone()),
                        many => Member::Files(many.to_vec()),
                    };
                    members.push((name.clone(), member));
                    continue;
                }
                TextField::Texts(texts) => {
                    let one = |t: &String| {
                        if as_text.contains(name) {
                            ::serde_json::Value::String(t.clone())
                        } else {
                            guess(t)
                        }
                    };
                    match texts.as_slice() {
                        [single] => one(single),
                        many => ::serde_json::Value::Array(many.iter().map(one).collect()),
                    }
                }
            };
            members.push((name.clone(), Member::Value(value)));
        }
        let result: Result<T, _> = ::serde_path_to_error::deserialize(
            ::serde::de::value::MapDeserializer::new(members.clone().into_iter()),
        );
        match result {
            Ok(value) => return Ok(value),
            Err(e) => {
                let field = e.path().iter().find_map(|s| match s {
                    ::serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                    _ => None,
                });
                let message = e.into_inner().to_string();
                // A one-item array sent as one value.
                if let Some(name) = field
                    .as_ref()
                    .filter(|_| message.contains("expected a sequence"))
                {
                    let single = members.iter().position(|(n, m)| {
                        n == name && matches!(m, Member::Value(v) if !v.is_array())
                    });
                    if let Some(at) = single {
                        let mut fixed = members.clone();
                        if let Member::Value(value) = &mut fixed[at].1 {
                            *value = ::serde_json::Value::Array(vec![value.take()]);
                        }
                        let decoded: Result<T, ::serde_json::Error> =
                            ::serde::Deserialize::deserialize(
                                ::serde::de::value::MapDeserializer::new(fixed.into_iter()),
                            );
                        if let Ok(v) = decoded {
                            return Ok(v);
                        }
                    }
                }
                match field {
                    Some(name)
                        if !as_text.contains(&name)
                            && fields
                                .iter()
                                .any(|(n, f)| *n == name && matches!(f, TextField::Texts(_))) =>
                    {
                        as_text.insert(name);
                    }
                    _ => {
                        let rule = if message.starts_with("missing field") {
                            "required"
                        } else {
                            "type"
                        };
                        let missing = message
                            .strip_prefix("missing field `")
                            .and_then(|rest| rest.split('`').next())
                            .map(|m| format!("body.{m}"));
                        let at = missing.unwrap_or_else(|| "body".to_owned());
                        return Err(ApiError::bad_request(at, rule, message));
                    }
                }
            }
        }
    }
}

/// Decodes a text body.
#[doc(hidden)]
pub fn text(bytes: &[u8]) -> Result<String, ApiError> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::bad_request("body", "type", "is not UTF-8 text"))
}

/// The status code of a response the spec declares (its codes were checked when the
/// crate was generated; one out of range would answer 500).
#[doc(hidden)]
pub fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Answers one request in `span`: `request` extracts and checks it, `call` runs the
/// implementation. A rejected request is logged at debug level; when the operation takes a body
/// (`close`), the answer asks the client to close the connection, since the rejection may come
/// before the body was read and the connection could not carry another request.
#[doc(hidden)]
pub async fn answer<R, T, Fut>(
    span: ::tracing::Span,
    request: impl std::future::Future<Output = Result<R, ApiError>>,
    close: bool,
    call: impl FnOnce(R) -> Fut,
) -> Response
where
    Fut: std::future::Future<Output = Result<T, ApiError>>,
    T: IntoResponse,
{
    use ::tracing::Instrument as _;
    async move {
        match request.await {
            Ok(request) => match call(request).await {
                Ok(response) => response.into_response(),
                Err(error) => error.into_response(),
            },
            Err(error) => {
                ::tracing::debug!(%error, "request rejected");
                let mut response = error.into_response();
                if close {
                    response.headers_mut().insert(
                        ::axum::http::header::CONNECTION,
                        ::axum::http::HeaderValue::from_static("close"),
                    );
                }
                response
            }
        }
    }
    .instrument(span)
    .await
}

/// A JSON response with a status.
#[doc(hidden)]
pub fn json_response<T: ::serde::Serialize>(status: StatusCode, body: &T) -> Response {
    match ::serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(
                ::axum::http::header::CONTENT_TYPE,
                ::axum::http::HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response(),
        Err(e) => ApiError::internal(format!("cannot encode the response: {e}")).into_response(),
    }
}

/// Where a request carries an API key (the scheme's `in`).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyLocation {
    Header,
    Query,
    Cookie,
}

/// An API key from a header, query parameter or cookie.
#[doc(hidden)]
pub fn api_key(
    headers: &HeaderMap,
    query: &Query,
    cookies: &BTreeMap<String, String>,
    location: KeyLocation,
    name: &str,
) -> Option<crate::server::Secret> {
    let value = match location {
        KeyLocation::Query => query.values(name).first().map(|v| (*v).to_owned()),
        KeyLocation::Cookie => cookies.get(name).cloned(),
        KeyLocation::Header => headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    value.filter(|v| !v.is_empty()).map(crate::server::Secret)
}

/// Bearer token of the `Authorization` header.
#[doc(hidden)]
pub fn bearer(headers: &HeaderMap) -> Option<crate::server::Secret> {
    let value = headers
        .get(::axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
        .then(|| crate::server::Secret(token.trim().to_owned()))
}

/// Basic credentials of the `Authorization` header.
#[doc(hidden)]
pub fn basic(headers: &HeaderMap) -> Option<crate::server::BasicAuth> {
    use ::base64::Engine as _;
    let value = headers
        .get(::axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = ::base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (username, password) = text.split_once(':')?;
    Some(crate::server::BasicAuth {
        username: username.to_owned(),
        password: crate::server::Secret(password.to_owned()),
    })
}

/// The events a handler streams (`text/event-stream`), each written as one Server-Sent Event
/// whose data is the JSON of its value. Any `Stream` of events, or a list of them.
pub struct EventStream<T>(
    std::pin::Pin<Box<dyn ::futures_util::Stream<Item = crate::support::Event<T>> + Send>>,
);

impl<T> EventStream<T> {
    /// The events `stream` yields, as they come.
    pub fn new(
        stream: impl ::futures_util::Stream<Item = crate::support::Event<T>> + Send + 'static,
    ) -> Self {
        EventStream(Box::pin(stream))
    }
}

impl<T: Send + 'static> EventStream<T> {
    /// These events, then the end of the stream.
    pub fn from_events(events: Vec<crate::support::Event<T>>) -> Self {
        EventStream::new(::futures_util::stream::iter(events))
    }
}

impl<T> std::fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EventStream(..)")
    }
}

/// A `text/event-stream` response that writes `events` as they come. A value that cannot be
/// written as JSON becomes a comment naming the error, so that the stream goes on.
#[doc(hidden)]
pub fn event_stream_response<T: ::serde::Serialize + 'static>(
    status: StatusCode,
    events: EventStream<T>,
) -> Response {
    use ::axum::response::sse::{Event, Sse};
    use ::futures_util::StreamExt as _;
    let events = events.0.map(|event| {
        let mut sse = match ::serde_json::to_string(&event.data) {
            Ok(data) => Event::default().data(data),
            Err(e) => Event::default().comment(format!("the event cannot be written: {e}")),
        };
        if let Some(name) = event.event.filter(|n| !n.contains(['\r', '\n'])) {
            sse = sse.event(name);
        }
        if let Some(id) = event.id.filter(|i| !i.contains(['\r', '\n', '\0'])) {
            sse = sse.id(id);
        }
        if let Some(retry) = event.retry {
            sse = sse.retry(std::time::Duration::from_millis(retry));
        }
        Ok::<_, std::convert::Infallible>(sse)
    });
    (status, Sse::new(events)).into_response()
}

/// A JSON Lines response (`application/x-ndjson`) that writes the data of `events` as they come,
/// one JSON value a line (names and ids have no place in it). A value that cannot be written as
/// JSON is left out.
#[doc(hidden)]
pub fn json_lines_response<T: ::serde::Serialize + 'static>(
    status: StatusCode,
    media_type: &'static str,
    events: EventStream<T>,
) -> Response {
    use ::futures_util::StreamExt as _;
    let lines = events.0.filter_map(|event| {
        let line = ::serde_json::to_vec(&event.data).ok().map(|mut line| {
            line.push(b'\n');
            Ok::<_, std::convert::Infallible>(line)
        });
        std::future::ready(line)
    });
    (
        status,
        [(::axum::http::header::CONTENT_TYPE, media_type)],
        ::axum::body::Body::from_stream(lines),
    )
        .into_response()
}

/// Whether the request's `Accept` header names `media` (its essence, without parameters).
#[doc(hidden)]
pub fn accepts(headers: &HeaderMap, media: &str) -> bool {
    let essence = |m: &str| {
        m.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    let wanted = essence(media);
    headers
        .get_all(::axum::http::header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|m| essence(m) == wanted)
}

/// The mock's events: the first candidate (JSON text) that decodes, a list being one event per
/// item and any other value one event.
#[doc(hidden)]
pub fn example_events<T: ::serde::de::DeserializeOwned + Send + 'static>(
    candidates: &[&str],
) -> Result<EventStream<T>, ApiError> {
    let mut last = String::new();
    for candidate in candidates {
        let value: ::serde_json::Value = match ::serde_json::from_str(candidate) {
            Ok(value) => value,
            Err(e) => {
                last = e.to_string();
                continue;
            }
        };
        let one = |value| ::serde_json::from_value(value).map(crate::support::Event::new);
        // A list whose items are no events may be one event whose data is a list.
        let events = match &value {
            ::serde_json::Value::Array(items) => items.iter().cloned().map(one).collect(),
            _ => Err(::serde::de::Error::custom("not a list")),
        }
        .or_else(|_: ::serde_json::Error| one(value).map(|event| vec![event]));
        match events {
            Ok(events) => return Ok(EventStream::from_events(events)),
            Err(e) => last = e.to_string(),
        }
    }
    Err(ApiError::internal(format!(
        "the mock has no valid example: {last}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    use ::axum::http::HeaderValue;

    #[derive(Debug, PartialEq, ::serde::Deserialize)]
    struct Pet {
        name: String,
        age: Option<u32>,
        #[serde(default)]
        tags: Vec<String>,
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    /// The field and rule of a rejection.
    fn at<T: std::fmt::Debug>(result: Result<T, ApiError>) -> (Option<String>, String) {
        let error = result.unwrap_err();
        (error.field, error.rule)
    }

    fn rejected(field: &str, rule: &str) -> (Option<String>, String) {
        (Some(field.to_owned()), rule.to_owned())
    }

    #[test]
    fn scalars_parse_as_strings_first_then_as_json() {
        assert_eq!(parse_scalar::<String>("q", "12").unwrap(), "12");
        assert_eq!(parse_scalar::<u32>("limit", " 12 ").unwrap(), 12);
        assert!(parse_scalar::<bool>("flag", "true").unwrap());
        assert_eq!(
            at(parse_scalar::<u32>("limit", "ten")),
            rejected("limit", "type")
        );
        assert_eq!(
            at(parse_scalar::<u32>("limit", "[1]")),
            rejected("limit", "type")
        );
    }

    #[test]
    fn lists_retry_number_like_items_as_strings() {
        assert_eq!(parse_list::<Vec<u32>>("ids", &["1", "2"]).unwrap(), [1, 2]);
        assert_eq!(
            parse_list::<Vec<String>>("ids", &["1", "x"]).unwrap(),
            ["1", "x"]
        );
        assert_eq!(
            parse_list::<Vec<bool>>("f", &["true", "false"]).unwrap(),
            [true, false]
        );
        assert_eq!(
            at(parse_list::<Vec<u32>>("ids", &["1", "x"])),
            rejected("ids", "type")
        );
    }

    #[test]
    fn query_parameters() {
        let query = Query::parse(Some("ids=1,2&tag=a&tag=b&f%5Bx%5D=1&f%5By%5D=z&n=3"));
        assert_eq!(
            query.list::<Vec<u32>>("ids", Some(',')).unwrap(),
            Some(vec![1, 2])
        );
        assert_eq!(
            query.list::<Vec<String>>("tag", None).unwrap(),
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(query.scalar::<u8>("n").unwrap(), Some(3));
        assert_eq!(query.scalar::<u8>("absent").unwrap(), None);
        let object: Option<::serde_json::Value> = query.deep_object("f").unwrap();
        assert_eq!(object, Some(::serde_json::json!({"x": 1, "y": "z"})));
        let absent = query.scalar::<u8>("absent").unwrap();
        assert_eq!(
            at(required("absent", absent)),
            rejected("absent", "required")
        );
        assert_eq!(Query::parse(None).scalar::<u8>("n").unwrap(), None);
    }

    #[test]
    fn headers_cookies_and_path() {
        let map = headers(&[
            ("x-ids", "1, 2"),
            ("x-one", "7"),
            ("cookie", "a=1; b = two"),
            ("cookie", "c=3"),
        ]);
        assert_eq!(header::<Vec<u8>>(&map, "x-ids").unwrap(), Some(vec![1, 2]));
        assert_eq!(header::<u8>(&map, "x-one").unwrap(), Some(7));
        assert_eq!(header::<u8>(&map, "x-none").unwrap(), None);
        let jar = cookies(&map);
        assert_eq!(jar.len(), 3);
        assert_eq!(cookie::<String>(&jar, "b").unwrap(), Some("two".to_owned()));
        assert_eq!(cookie::<u8>(&jar, "c").unwrap(), Some(3));

        let params = ["7".to_owned(), String::new()];
        assert_eq!(path::<u32>(&params, 0, "id").unwrap(), 7);
        assert_eq!(
            at(path::<String>(&params, 1, "name")),
            rejected("name", "required")
        );
        assert_eq!(
            at(path::<String>(&params, 2, "other")),
            rejected("other", "required")
        );
    }

    #[test]
    fn content_types() {
        let json = headers(&[("content-type", "application/problem+json; charset=utf-8")]);
        assert!(content_type(&json, "application/json").is_ok());
        assert!(content_type(&json, "*/*").is_ok());
        let error = content_type(&json, "text/plain").unwrap_err();
        assert_eq!(error.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(error.rule, "content-type");
        assert!(content_type(&HeaderMap::new(), "application/json").is_err());
    }

    #[test]
    fn json_bodies_name_the_field_at_fault() {
        let pet: Pet = json(br#"{"name": "Rex", "age": 3}"#).unwrap();
        assert_eq!(pet.age, Some(3));
        assert_eq!(
            at(json::<Pet>(br#"{"age": 3}"#)),
            rejected("body.name", "required")
        );
        assert_eq!(
            at(json::<Pet>(br#"{"name": "Rex", "age": "old"}"#)),
            rejected("body.age", "type")
        );
        assert_eq!(
            at(json::<Pet>(br#"{"name": "Rex", "tags": ["a", 1]}"#)),
            rejected("body.tags[1]", "type")
        );
        assert_eq!(at(json::<Pet>(br#"{"name": "#)).1, "json");
        assert_eq!(
            at(json::<Pet>(br#"{"name": "Rex"} x"#)),
            rejected("body", "json")
        );
        assert_eq!(
            at(json_object::<Pet>(br#" ["Rex"]"#)),
            rejected("body", "type")
        );
    }

    #[test]
    fn form_bodies() {
        let pet: Pet = form(b"name=Rex&age=3&tags=a&tags=b").unwrap();
        assert_eq!(
            pet,
            Pet {
                name: "Rex".into(),
                age: Some(3),
                tags: vec!["a".into(), "b".into()]
            }
        );
        // A text field that looks like a number, and one item of an array.
        let pet: Pet = form(b"name=12&tags=1").unwrap();
        assert_eq!((pet.name.as_str(), pet.tags), ("12", vec!["1".to_owned()]));
        assert_eq!(at(form::<Pet>(b"age=3")), rejected("body.name", "required"));
        assert_eq!(at(form::<Pet>(b"name=a&age=x")), rejected("body", "type"));
    }

    #[tokio::test]
    async fn multipart_bodies() {
        let body = "--XX\r\n\
            Content-Disposition: form-data; name=\"name\"\r\n\r\n\
            Rex\r\n\
            --XX\r\n\
            Content-Disposition: form-data; name=\"age\"\r\n\
            Content-Type: application/json\r\n\r\n\
            4\r\n\
            --XX--\r\n";
        let map = headers(&[("content-type", "multipart/form-data; boundary=XX")]);
        let pet: Pet = multipart(&map, ::bytes::Bytes::from(body)).await.unwrap();
        assert_eq!((pet.name.as_str(), pet.age), ("Rex", Some(4)));
        let none = headers(&[("content-type", "multipart/form-data")]);
        let error = multipart::<Pet>(&none, ::bytes::Bytes::new())
            .await
            .unwrap_err();
        assert_eq!(error.rule, "content-type");
    }

    #[test]
    fn credentials() {
        let map = headers(&[
            ("authorization", "Bearer  abc "),
            ("x-key", "k1"),
            ("cookie", "session=s1"),
        ]);
        let query = Query::parse(Some("key=q1&empty="));
        let jar = cookies(&map);
        assert_eq!(bearer(&map).unwrap().expose(), "abc");
        let key = |location, name| api_key(&map, &query, &jar, location, name);
        assert_eq!(key(KeyLocation::Header, "x-key").unwrap().expose(), "k1");
        assert_eq!(key(KeyLocation::Query, "key").unwrap().expose(), "q1");
        assert_eq!(key(KeyLocation::Cookie, "session").unwrap().expose(), "s1");
        assert!(key(KeyLocation::Query, "empty").is_none());
        // The location decides: the same name elsewhere is not read.
        assert!(key(KeyLocation::Header, "key").is_none());
        assert!(basic(&map).is_none());

        let map = headers(&[("authorization", "basic bWU6aHVudGVyOjI=")]);
        let credentials = basic(&map).unwrap();
        assert_eq!(credentials.username, "me");
        assert_eq!(credentials.password.expose(), "hunter:2");
        assert!(bearer(&map).is_none());
    }

    #[test]
    fn rejections_are_json() {
        use crate::support::{ValidationError, ValidationErrors};
        let error = ApiError::from(ValidationErrors(vec![ValidationError::new(
            "name",
            "maxLength",
            "too long",
        )]));
        assert_eq!(error.field.as_deref(), Some("body.name"));
        assert_eq!(error.rule, "maxLength");

        let response = ApiError::unauthorized("no token").into_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let challenge = response
            .headers()
            .get(::axum::http::header::WWW_AUTHENTICATE);
        assert_eq!(challenge.unwrap(), crate::server::CHALLENGE);
        assert_eq!(status(1000), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(status(204), StatusCode::NO_CONTENT);
    }

    #[derive(Debug, PartialEq, ::serde::Deserialize)]
    struct Upload {
        file: Vec<u8>,
        #[serde(default)]
        extra: Option<Vec<u8>>,
        #[serde(default)]
        many: Vec<Vec<u8>>,
        count: i64,
        tags: Vec<String>,
    }

    #[test]
    fn file_parts_decode_as_bytes() {
        let file = ::bytes::Bytes::from(vec![0u8, 1, 255]);
        let fields = vec![
            ("file".to_owned(), TextField::Files(vec![file.clone()])),
            ("extra".to_owned(), TextField::Files(vec![file.clone()])),
            (
                "many".to_owned(),
                TextField::Files(vec![file.clone(), ::bytes::Bytes::from_static(b"x")]),
            ),
            ("count".to_owned(), TextField::Texts(vec!["3".to_owned()])),
            ("tags".to_owned(), TextField::Texts(vec!["a".to_owned()])),
        ];
        let upload: Upload = from_text_fields(fields).unwrap();
        assert_eq!(
            upload,
            Upload {
                file: vec![0, 1, 255],
                extra: Some(vec![0, 1, 255]),
                many: vec![vec![0, 1, 255], b"x".to_vec()],
                count: 3,
                tags: vec!["a".to_owned()],
            }
        );
        let missing = vec![("count".to_owned(), TextField::Texts(vec!["3".to_owned()]))];
        let error = from_text_fields::<Upload>(missing).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("body.file"));
        assert_eq!(error.rule, "required");
    }

    #[tokio::test]
    async fn event_streams_are_written_as_server_sent_events() {
        let events: EventStream<serde_json::Value> =
            example_events(&["not json", r#"[{"n": 1}, "two\nlines"]"#]).unwrap();
        let response = event_stream_response(StatusCode::OK, events);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let body = read_body(response.into_body(), 1 << 16).await.unwrap();
        assert_eq!(&body[..], b"data: {\"n\":1}\n\ndata: \"two\\nlines\"\n\n");
        let named = EventStream::from_events(vec![crate::support::Event::new(1)
            .with_event("tick")
            .with_id("9")]);
        let body = read_body(
            event_stream_response(StatusCode::OK, named).into_body(),
            1 << 16,
        );
        assert_eq!(&body.await.unwrap()[..], b"data: 1\nevent: tick\nid: 9\n\n");
        // A list example of a list type is one event.
        let one: EventStream<Vec<u32>> = example_events(&["[1, 2]"]).unwrap();
        let body = read_body(
            event_stream_response(StatusCode::OK, one).into_body(),
            1 << 16,
        );
        assert_eq!(&body.await.unwrap()[..], b"data: [1,2]\n\n");
    }

    #[tokio::test]
    async fn json_lines_are_written_one_value_a_line() {
        let events: EventStream<serde_json::Value> =
            example_events(&[r#"[{"n": 1}, "two"]"#]).unwrap();
        let response = json_lines_response(StatusCode::OK, "application/x-ndjson", events);
        assert_eq!(response.headers()["content-type"], "application/x-ndjson");
        let body = read_body(response.into_body(), 1 << 16).await.unwrap();
        assert_eq!(&body[..], b"{\"n\":1}\n\"two\"\n");
    }

    #[test]
    fn accept_names_media_types() {
        let map = headers(&[("accept", "application/json, Text/Event-Stream; q=0.5")]);
        assert!(accepts(&map, "text/event-stream"));
        assert!(!accepts(&map, "application/x-ndjson"));
        assert!(!accepts(&HeaderMap::new(), "text/event-stream"));
    }
}
