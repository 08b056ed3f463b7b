// The client runtime: the part of the client that is the same for every API. Errors, response
// values, credentials, retries, hooks, parameter encoding, the send loop, pagination and the
// reading of streamed bodies (Server-Sent Events, JSON Lines).
//
// Copied into `src/client/runtime.rs` of every generated crate (compiled with its `client`
// feature) by `generator/src/emit/runtime.rs`; it is copied rather than being a library so that a
// generated crate depends on crates.io crates only. The copy is formatted from the syntax tree:
// `///` docs are kept, `//` comments like this one are not, and `#[cfg(test)]` modules are left
// out. Compiled, linted and tested here by the `forge-runtime-check` crate.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

pub use ::reqwest::header::{HeaderMap, HeaderName, HeaderValue};

pub use ::reqwest::StatusCode;

/// A boxed error from user-supplied code (token providers).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A boxed future, as returned by [`TokenProvider::token`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Everything that can go wrong with a call. `E` is the operation's error-body type.
///
/// Non-exhaustive: a later version may tell apart more kinds of failure, so a `match` ends with
/// a catch-all arm; the helpers (`status()`, `is_not_found()`, `body()`...) read every kind.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request could not be sent or the response not received (connection, TLS, protocol).
    Transport(::reqwest::Error),
    /// No response came within the configured timeout.
    Timeout(::reqwest::Error),
    /// The server answered with an error status (or one the spec does not list).
    Status(Box<ErrorResponse<E>>),
    /// A success response whose body does not match the spec.
    Decode(Box<DecodeError>),
    /// The request could not be built (a parameter that is no valid header value, a body that
    /// does not serialize, a base URL that does not parse).
    InvalidRequest(String),
    /// The token provider failed.
    Credentials(BoxError),
    /// A stream of pages stopped making progress: the server kept answering with pages that
    /// hold no item but point to yet another page.
    Pagination(String),
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Status(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }
    /// The typed error body, when the server sent one the spec declares.
    pub fn body(&self) -> Option<&E> {
        match self {
            Error::Status(e) => e.body.as_ref(),
            _ => None,
        }
    }
    /// The body as the server sent it, when it answered.
    pub fn raw_body(&self) -> Option<&[u8]> {
        match self {
            Error::Status(e) => Some(&e.raw),
            Error::Decode(e) => Some(&e.raw),
            _ => None,
        }
    }
    /// Whether the server answered 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }
    /// Whether the server refused the credentials (401) or the access (403).
    pub fn is_unauthorized(&self) -> bool {
        matches!(
            self.status(),
            Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
        )
    }
    /// Whether the server answered with a 4xx status: the request needs to change.
    pub fn is_client_error(&self) -> bool {
        matches!(self, Error::Status(e) if e.status.is_client_error())
    }
    /// Whether the server answered with a 5xx status: trying again later may work.
    pub fn is_server_error(&self) -> bool {
        matches!(self, Error::Status(e) if e.status.is_server_error())
    }
    /// Whether no answer came within the configured timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Transport(e) => write!(f, "request failed: {e}"),
            Error::Timeout(e) => write!(f, "request timed out: {e}"),
            Error::Status(e) => {
                write!(f, "server answered {}: {}", e.status, e.body_start())
            }
            Error::Decode(e) => write!(f, "{e}"),
            Error::InvalidRequest(e) => write!(f, "invalid request: {e}"),
            Error::Credentials(e) => write!(f, "cannot get credentials: {e}"),
            Error::Pagination(e) => write!(f, "pagination stopped: {e}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) | Error::Timeout(e) => Some(e),
            _ => None,
        }
    }
}

/// An error status, with the typed body when it decoded and the raw bytes always.
#[derive(Debug)]
pub struct ErrorResponse<E> {
    /// The status code.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body decoded as the spec declares it for this status, if it did.
    pub body: Option<E>,
    /// Why the body did not decode, when the spec declares one and it did not.
    pub decode_error: Option<String>,
    /// The body as received.
    pub raw: ::bytes::Bytes,
}

impl<E> ErrorResponse<E> {
    /// The start of the body, as text, for messages.
    pub fn body_start(&self) -> String {
        body_start(&self.raw)
    }
}

/// A success response whose body did not decode.
#[derive(Debug)]
pub struct DecodeError {
    /// The status code.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// What the decoder said.
    pub message: String,
    /// The body as received.
    pub raw: ::bytes::Bytes,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode the {} response: {} (body starts with {:?})",
            self.status,
            self.message,
            body_start(&self.raw)
        )
    }
}

fn body_start(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(&raw[..raw.len().min(200)]).into_owned();
    if raw.len() > 200 {
        format!("{text}…")
    } else {
        text
    }
}

/// Errors of sending, before any status is known.
#[doc(hidden)]
pub enum SendError {
    Transport(::reqwest::Error),
    Timeout(::reqwest::Error),
    InvalidRequest(String),
    Credentials(BoxError),
}

impl<E> From<SendError> for Error<E> {
    fn from(e: SendError) -> Self {
        match e {
            SendError::Transport(e) => Error::Transport(e),
            SendError::Timeout(e) => Error::Timeout(e),
            SendError::InvalidRequest(e) => Error::InvalidRequest(e),
            SendError::Credentials(e) => Error::Credentials(e),
        }
    }
}

/// A decoded response with its status and headers (the spec's response headers included).
#[derive(Debug, Clone)]
pub struct ResponseValue<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> ResponseValue<T> {
    #[doc(hidden)]
    pub fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        ResponseValue {
            status,
            headers,
            body,
        }
    }
    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.body
    }
}

impl<T> std::ops::Deref for ResponseValue<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.body
    }
}

/// A response as received, before decoding.
#[doc(hidden)]
pub struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: ::bytes::Bytes,
}

impl RawResponse {
    #[doc(hidden)]
    pub fn json<T: ::serde::de::DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        let body: &[u8] = if self.body.is_empty() {
            b"null"
        } else {
            &self.body
        };
        ::serde_json::from_slice(body).or_else(|e| {
            // A server that answers plain text where the spec says JSON (its `Content-Type`
            // says so): the text is the value, when the declared type is a string.
            let text = std::str::from_utf8(&self.body)
                .ok()
                .filter(|_| !self.is_json());
            text.and_then(|text| {
                ::serde_json::from_value(::serde_json::Value::String(text.to_owned())).ok()
            })
            .ok_or_else(|| self.decode_error(e.to_string()))
        })
    }
    /// Whether the response says its body is JSON (`application/json`, `application/*+json`),
    /// or says nothing.
    fn is_json(&self) -> bool {
        let Some(content_type) = self.headers.get(::reqwest::header::CONTENT_TYPE) else {
            return true;
        };
        let media = content_type
            .to_str()
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        media == "application/json" || media.ends_with("+json") || media.is_empty()
    }
    #[doc(hidden)]
    pub fn text<E>(&self) -> Result<String, Error<E>> {
        String::from_utf8(self.body.to_vec()).map_err(|e| self.decode_error(e.to_string()))
    }
    #[doc(hidden)]
    pub fn bytes(&self) -> Vec<u8> {
        self.body.to_vec()
    }
    fn decode_error<E>(&self, message: String) -> Error<E> {
        Error::Decode(Box::new(DecodeError {
            status: self.status,
            headers: self.headers.clone(),
            message,
            raw: self.body.clone(),
        }))
    }
    #[doc(hidden)]
    pub fn into_value<T>(self, body: T) -> ResponseValue<T> {
        ResponseValue::new(self.status, self.headers, body)
    }
    /// An error status; `decode` turns the body into the declared type, when there is one.
    #[doc(hidden)]
    pub fn error<E>(self, decode: Option<Decoder<E>>) -> Error<E> {
        let decoded = decode.map(|decode| decode(&self.body));
        self.error_decoded(decoded)
    }
    /// An error status whose body is JSON of type `T`, which `wrap` makes the operation's
    /// error type.
    #[doc(hidden)]
    pub fn json_error<T: ::serde::de::DeserializeOwned, E>(self, wrap: fn(T) -> E) -> Error<E> {
        let decoded = decode_json::<T>(&self.body).map(wrap);
        self.error_decoded(Some(decoded))
    }
    fn error_decoded<E>(self, decoded: Option<Result<E, String>>) -> Error<E> {
        let (body, decode_error) = match decoded {
            Some(Ok(body)) => (Some(body), None),
            Some(Err(e)) => (None, Some(e)),
            None => (None, None),
        };
        Error::Status(Box::new(ErrorResponse {
            status: self.status,
            headers: self.headers,
            body,
            decode_error,
            raw: self.body,
        }))
    }
}

/// Turns an error body into its declared type.
#[doc(hidden)]
pub type Decoder<E> = fn(&[u8]) -> Result<E, String>;

#[doc(hidden)]
pub fn decode_json<T: ::serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    ::serde_json::from_slice(body).map_err(|e| e.to_string())
}

/// An error body the spec does not describe: JSON when it parses, else the text.
#[doc(hidden)]
pub fn decode_any(body: &[u8]) -> Result<::serde_json::Value, String> {
    if body.is_empty() {
        return Ok(::serde_json::Value::Null);
    }
    Ok(::serde_json::from_slice(body).unwrap_or_else(|_| {
        ::serde_json::Value::String(String::from_utf8_lossy(body).into_owned())
    }))
}

#[doc(hidden)]
pub fn decode_text(body: &[u8]) -> Result<String, String> {
    String::from_utf8(body.to_vec()).map_err(|e| e.to_string())
}

/// A binary error body, as it came.
#[doc(hidden)]
pub fn decode_bytes(body: &[u8]) -> Result<Vec<u8>, String> {
    Ok(body.to_vec())
}

/// A secret (API key, password, token): never shown by `Debug`, sent as a sensitive header.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        SecretString(secret.into())
    }
    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for SecretString {
    fn from(s: String) -> Self {
        SecretString(s)
    }
}

impl From<&str> for SecretString {
    fn from(s: &str) -> Self {
        SecretString(s.to_owned())
    }
}

impl From<&String> for SecretString {
    fn from(s: &String) -> Self {
        SecretString(s.clone())
    }
}

/// HTTP Basic credentials.
#[derive(Clone, Debug)]
pub struct BasicCredentials {
    /// User name.
    pub username: String,
    /// Password.
    pub password: SecretString,
}

/// Supplies bearer tokens (OAuth2 and the like), refreshing them as needed.
pub trait TokenProvider: Send + Sync {
    /// The token to send with the next request.
    fn token(&self) -> BoxFuture<'_, Result<SecretString, BoxError>>;
}

/// A bearer token: fixed, or asked of a [`TokenProvider`] before each request.
#[derive(Clone)]
pub enum BearerToken {
    /// A token that does not change.
    Static(SecretString),
    /// A provider asked for the token before each request.
    Provider(Arc<dyn TokenProvider>),
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BearerToken::Static(_) => f.write_str("Static(<redacted>)"),
            BearerToken::Provider(_) => f.write_str("Provider(..)"),
        }
    }
}

impl BearerToken {
    #[doc(hidden)]
    pub async fn get(&self) -> Result<::std::borrow::Cow<'_, SecretString>, SendError> {
        match self {
            BearerToken::Static(token) => Ok(::std::borrow::Cow::Borrowed(token)),
            BearerToken::Provider(provider) => provider
                .token()
                .await
                .map(::std::borrow::Cow::Owned)
                .map_err(SendError::Credentials),
        }
    }
}

/// Observes or changes every request before it is sent and every response as it arrives.
pub trait Hook: Send + Sync {
    /// Called with each request (each retry too) just before it is sent.
    fn on_request(&self, request: &mut ::reqwest::Request) {
        let _ = request;
    }
    /// Called with each response before it is decoded.
    fn on_response(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) {
        let _ = (status, headers, body);
    }
}

/// Where a credential goes, as the operation's security scheme says.
#[doc(hidden)]
pub enum AuthPart {
    Header(HeaderName, HeaderValue),
    Query(String, SecretString),
    Cookie(String, SecretString),
}

#[doc(hidden)]
pub fn sensitive_header(value: &str) -> Result<HeaderValue, SendError> {
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        SendError::InvalidRequest("a credential is not a valid header value".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

#[doc(hidden)]
pub fn basic_header(credentials: &BasicCredentials) -> Result<HeaderValue, SendError> {
    use ::base64::Engine as _;
    let pair = format!("{}:{}", credentials.username, credentials.password.expose());
    sensitive_header(&format!(
        "Basic {}",
        ::base64::engine::general_purpose::STANDARD.encode(pair)
    ))
}

/// When and how often to retry (off unless set with `ClientBuilder::retry`).
///
/// Retries connection errors, timeouts, 429 and 503 answers, with exponential backoff
/// and jitter, waiting as long as `Retry-After` asks when the server sends it.
/// Only idempotent methods are retried unless `retry_non_idempotent` is set.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Wait before the first retry; doubled for each further one.
    pub initial_backoff: Duration,
    /// Longest wait between attempts (also caps `Retry-After`).
    pub max_backoff: Duration,
    /// Also retry POST and PATCH.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    #[doc(hidden)]
    pub fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_backoff);
        }
        let base = self
            .initial_backoff
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_backoff);
        // Full jitter: a random wait between half the backoff and all of it.
        let half = base / 2;
        let random = {
            use std::hash::{BuildHasher, Hasher};
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u32(attempt);
            h.finish()
        };
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX).max(1);
        half + Duration::from_nanos(random % nanos)
    }
}

#[doc(hidden)]
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(::reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// How a query parameter is written (OpenAPI `style` and `explode`).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    FormExploded,
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    /// The value as JSON text (a parameter described by `content: application/json`).
    Json,
}

/// A parameter value as text: strings as they are, other scalars as JSON writes them.
fn scalar(value: &::serde_json::Value) -> String {
    match value {
        ::serde_json::Value::String(s) => s.clone(),
        ::serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[doc(hidden)]
pub fn to_value<T: ::serde::Serialize>(
    name: &str,
    value: &T,
) -> Result<::serde_json::Value, SendError> {
    ::serde_json::to_value(value)
        .map_err(|e| SendError::InvalidRequest(format!("parameter `{name}`: {e}")))
}

/// Appends a query parameter in the given style.
#[doc(hidden)]
pub fn append_query<T: ::serde::Serialize>(
    pairs: &mut Vec<(String, QueryValue)>,
    name: &str,
    value: &T,
    style: QueryStyle,
) -> Result<(), SendError> {
    let plain = |v: &::serde_json::Value| QueryValue::Plain(scalar(v));
    let value = to_value(name, value)?;
    match (&value, style) {
        (::serde_json::Value::Null, _) => {}
        (value, QueryStyle::Json) => {
            pairs.push((name.to_owned(), QueryValue::Plain(value.to_string())));
        }
        (::serde_json::Value::Array(items), QueryStyle::FormExploded) => {
            for item in items {
                pairs.push((name.to_owned(), plain(item)));
            }
        }
        (::serde_json::Value::Array(items), _) => {
            let sep = match style {
                QueryStyle::SpaceDelimited => ' ',
                QueryStyle::PipeDelimited => '|',
                _ => ',',
            };
            pairs.push((
                name.to_owned(),
                QueryValue::Joined(items.iter().map(scalar).collect(), sep),
            ));
        }
        (::serde_json::Value::Object(members), QueryStyle::DeepObject) => {
            for (key, member) in members {
                pairs.push((format!("{name}[{key}]"), plain(member)));
            }
        }
        (::serde_json::Value::Object(members), QueryStyle::FormExploded) => {
            for (key, member) in members {
                pairs.push((key.clone(), plain(member)));
            }
        }
        (::serde_json::Value::Object(members), _) => {
            let items = members
                .iter()
                .flat_map(|(k, v)| [k.clone(), scalar(v)])
                .collect();
            pairs.push((name.to_owned(), QueryValue::Joined(items, ',')));
        }
        (scalar_value, _) => pairs.push((name.to_owned(), plain(scalar_value))),
    }
    Ok(())
}

/// A query value: one text, or items joined by a delimiter (`explode: false`).
#[doc(hidden)]
#[derive(Clone, Debug)]
pub enum QueryValue {
    Plain(String),
    Joined(Vec<String>, char),
}

impl QueryValue {
    /// The value percent-encoded for a URL: the delimiter of joined items stays literal
    /// (as OpenAPI's style table shows) while the same character inside an item is encoded.
    fn encoded(&self) -> String {
        match self {
            QueryValue::Plain(v) => encode_query(v),
            QueryValue::Joined(items, sep) => {
                let sep = match sep {
                    ',' => ",".to_owned(),
                    other => encode_query(&other.to_string()),
                };
                items
                    .iter()
                    .map(|i| encode_query(i))
                    .collect::<Vec<_>>()
                    .join(&sep)
            }
        }
    }
    /// The value as plain text (form bodies encode it themselves).
    fn text(&self) -> String {
        match self {
            QueryValue::Plain(v) => v.clone(),
            QueryValue::Joined(items, sep) => items.join(&sep.to_string()),
        }
    }
}

/// A path or header parameter as text (`simple` style: arrays joined with commas).
#[doc(hidden)]
pub fn simple<T: ::serde::Serialize>(name: &str, value: &T) -> Result<String, SendError> {
    Ok(match to_value(name, value)? {
        ::serde_json::Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(","),
        ::serde_json::Value::Object(members) => members
            .iter()
            .flat_map(|(k, v)| [k.clone(), scalar(v)])
            .collect::<Vec<_>>()
            .join(","),
        other => scalar(&other),
    })
}

/// A multipart text field: scalars as text, objects and arrays as JSON.
#[doc(hidden)]
pub fn part_text<T: ::serde::Serialize>(name: &str, value: &T) -> Result<String, SendError> {
    Ok(match to_value(name, value)? {
        v @ (::serde_json::Value::Array(_) | ::serde_json::Value::Object(_)) => v.to_string(),
        other => scalar(&other),
    })
}

/// Percent-encodes a query name or value: only RFC 3986 unreserved characters stay.
#[doc(hidden)]
pub fn encode_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Percent-encodes a path parameter: everything but RFC 3986 unreserved characters.
#[doc(hidden)]
pub fn encode_path(name: &str, text: &str) -> Result<String, SendError> {
    // `.` and `..` would be removed by URL normalization and send the request to another
    // resource; an empty value would change the path's shape.
    if text.is_empty() || text == "." || text == ".." {
        return Err(SendError::InvalidRequest(format!(
            "path parameter `{name}` cannot be `{text}`"
        )));
    }
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    Ok(out)
}

/// A request body, kept so that it can be sent again on retry.
#[doc(hidden)]
pub enum Body {
    Empty,
    Bytes(&'static str, Vec<u8>),
    Multipart(Vec<MultipartField>),
}

#[doc(hidden)]
pub enum MultipartField {
    Text(String, String),
    Json(String, String),
    File(String, Vec<u8>),
}

impl Body {
    #[doc(hidden)]
    pub fn json<T: ::serde::Serialize>(value: &T) -> Result<Body, SendError> {
        ::serde_json::to_vec(value)
            .map(|bytes| Body::Bytes("application/json", bytes))
            .map_err(|e| SendError::InvalidRequest(format!("body: {e}")))
    }
    #[doc(hidden)]
    pub fn form<T: ::serde::Serialize>(value: &T) -> Result<Body, SendError> {
        let mut pairs = Vec::new();
        if let ::serde_json::Value::Object(members) = to_value("body", value)? {
            for (key, member) in members {
                append_query(&mut pairs, &key, &member, QueryStyle::FormExploded)?;
            }
        }
        let mut encoded = ::url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            encoded.append_pair(&k, &v.text());
        }
        Ok(Body::Bytes(
            "application/x-www-form-urlencoded",
            encoded.finish().into_bytes(),
        ))
    }
    fn apply(&self, request: ::reqwest::RequestBuilder) -> ::reqwest::RequestBuilder {
        match self {
            Body::Empty => request,
            Body::Bytes(content_type, bytes) => request
                .header(::reqwest::header::CONTENT_TYPE, *content_type)
                .body(bytes.clone()),
            Body::Multipart(fields) => {
                let mut form = ::reqwest::multipart::Form::new();
                for field in fields {
                    form = match field {
                        MultipartField::Text(name, value) => form.text(name.clone(), value.clone()),
                        MultipartField::Json(name, value) => form.part(
                            name.clone(),
                            ::reqwest::multipart::Part::text(value.clone())
                                .mime_str("application/json")
                                .unwrap_or_else(|_| {
                                    ::reqwest::multipart::Part::text(value.clone())
                                }),
                        ),
                        MultipartField::File(name, bytes) => {
                            let part = ::reqwest::multipart::Part::bytes(bytes.clone())
                                .file_name(name.clone());
                            let part = match part.mime_str("application/octet-stream") {
                                Ok(part) => part,
                                Err(_) => ::reqwest::multipart::Part::bytes(bytes.clone())
                                    .file_name(name.clone()),
                            };
                            form.part(name.clone(), part)
                        }
                    };
                }
                request.multipart(form)
            }
        }
    }
}

/// Everything the send loop needs to know about one call.
#[doc(hidden)]
pub struct Call {
    pub operation: &'static str,
    pub method: ::reqwest::Method,
    pub path: String,
    pub query: Vec<(String, QueryValue)>,
    pub headers: HeaderMap,
    pub cookies: Vec<(String, String)>,
    pub auth: Vec<AuthPart>,
    pub body: Body,
    pub idempotent: bool,
    /// The media types the operation's responses are decoded from, for `Accept` (empty when
    /// the spec declares none).
    pub accept: &'static str,
}

impl Call {
    /// A call of `operation` with an empty path, nothing else to send and no credentials.
    /// Only idempotent methods are retried (RFC 9110 §9.2.2: not `POST` or `PATCH`).
    pub fn new(operation: &'static str, method: ::reqwest::Method, accept: &'static str) -> Self {
        let idempotent = method.is_idempotent();
        Call {
            operation,
            method,
            path: String::new(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            auth: Vec::new(),
            body: Body::Empty,
            idempotent,
            accept,
        }
    }

    /// A `GET` call (see [`Call::new`]).
    pub fn get(operation: &'static str, accept: &'static str) -> Self {
        Self::new(operation, ::reqwest::Method::GET, accept)
    }

    /// A `PUT` call (see [`Call::new`]).
    pub fn put(operation: &'static str, accept: &'static str) -> Self {
        Self::new(operation, ::reqwest::Method::PUT, accept)
    }

    /// A `POST` call (see [`Call::new`]).
    pub fn post(operation: &'static str, accept: &'static str) -> Self {
        Self::new(operation, ::reqwest::Method::POST, accept)
    }

    /// A `DELETE` call (see [`Call::new`]).
    pub fn delete(operation: &'static str, accept: &'static str) -> Self {
        Self::new(operation, ::reqwest::Method::DELETE, accept)
    }

    /// An `OPTIONS` call (see [`Call::new`]).
    pub fn options(operation: &'static str, accept: &'static str) -> Self {
        Self::new(operation, ::reqwest::Method::OPTIONS, accept)
    }

    /// A `HEAD` call (see [`Call::new`]).
    pub fn head(operation: &'static str, accept: &'static str) -> Self {
        Self::new(operation, ::reqwest::Method::HEAD, accept)
    }

    /// A `PATCH` call (see [`Call::new`]).
    pub fn patch(operation: &'static str, accept: &'static str) -> Self {
        Self::new(operation, ::reqwest::Method::PATCH, accept)
    }

    /// A `TRACE` call (see [`Call::new`]).
    pub fn trace(operation: &'static str, accept: &'static str) -> Self {
        Self::new(operation, ::reqwest::Method::TRACE, accept)
    }

    /// Appends path parameter `name`, in the simple style, percent-encoded.
    pub fn path_param<T: ::serde::Serialize>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), SendError> {
        let text = simple(name, value)?;
        self.path.push_str(&encode_path(name, &text)?);
        Ok(())
    }

    /// Adds query parameter `name` in the form style, exploded, OpenAPI's default (nothing
    /// when the value is `None`).
    pub fn query<T: ::serde::Serialize>(&mut self, name: &str, value: &T) -> Result<(), SendError> {
        append_query(&mut self.query, name, value, QueryStyle::FormExploded)
    }

    /// Adds query parameter `name` in `style` (nothing when the value is `None`).
    pub fn query_in<T: ::serde::Serialize>(
        &mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
    ) -> Result<(), SendError> {
        append_query(&mut self.query, name, value, style)
    }

    /// Sets header `name` to the value in the simple style (nothing when there is none).
    pub fn header<T: ::serde::Serialize>(
        &mut self,
        name: &str,
        value: Option<&T>,
    ) -> Result<(), SendError> {
        let Some(value) = value else {
            return Ok(());
        };
        // `from_bytes` writes the name in lower case, as HTTP/2 requires.
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            SendError::InvalidRequest(format!("`{name}` is not a valid header name"))
        })?;
        let value = HeaderValue::from_str(&simple(name, value)?).map_err(|_| {
            SendError::InvalidRequest(format!("header `{name}` is not a valid header value"))
        })?;
        self.headers.insert(header, value);
        Ok(())
    }

    /// Adds cookie `name` with the value in the simple style (nothing when there is none).
    pub fn cookie<T: ::serde::Serialize>(
        &mut self,
        name: &str,
        value: Option<&T>,
    ) -> Result<(), SendError> {
        if let Some(value) = value {
            self.cookies.push((name.to_owned(), simple(name, value)?));
        }
        Ok(())
    }
}

/// The send loop: URL, auth, retries, hooks and a tracing span around it all.
#[doc(hidden)]
pub async fn send(settings: &Settings, call: Call) -> Result<RawResponse, SendError> {
    use ::tracing::Instrument as _;
    let span = call_span(&call);
    let result = async {
        open_inner(settings, call, Reading::Whole)
            .await?
            .read(settings)
            .await
    }
    .instrument(span.clone())
    .await;
    if let Ok(response) = &result {
        span.record("status", response.status.as_u16());
    }
    result
}

/// The send loop for a response that is read as it arrives (an event stream): the client's
/// timeout bounds the wait for the response's head, not the stream, which lasts as long as the
/// server sends.
#[doc(hidden)]
pub async fn open(settings: &Settings, call: Call) -> Result<OpenResponse, SendError> {
    use ::tracing::Instrument as _;
    let span = call_span(&call);
    let result = open_inner(settings, call, Reading::Streamed)
        .instrument(span.clone())
        .await;
    if let Ok(response) = &result {
        span.record("status", response.status().as_u16());
    }
    result
}

fn call_span(call: &Call) -> ::tracing::Span {
    ::tracing::info_span!(
        "request", operation = call.operation, method = % call.method, path = % call
        .path, status = ::tracing::field::Empty,
    )
}

/// How a response's body is read, which decides what the client's timeout bounds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// At once: the timeout bounds the whole exchange.
    Whole,
    /// As it arrives: the timeout bounds the wait for the response's head.
    Streamed,
}

/// A response whose body is still to be read.
#[doc(hidden)]
pub struct OpenResponse {
    response: ::reqwest::Response,
    /// The query string carries a credential: errors leave the URL out.
    secret_query: bool,
}

impl OpenResponse {
    #[doc(hidden)]
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }
    /// Reads the whole body.
    #[doc(hidden)]
    pub async fn read(mut self, settings: &Settings) -> Result<RawResponse, SendError> {
        let status = self.response.status();
        let headers = std::mem::take(self.response.headers_mut());
        let secret_query = self.secret_query;
        let body = self
            .response
            .bytes()
            .await
            .map_err(|e| read_error(e, secret_query))?;
        if let Some(hook) = &settings.hook {
            hook.on_response(status, &headers, &body);
        }
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }
}

/// An error while a body was read, without the URL when the query holds a credential.
fn read_error(e: ::reqwest::Error, secret_query: bool) -> SendError {
    let e = if secret_query { e.without_url() } else { e };
    if e.is_timeout() {
        SendError::Timeout(e)
    } else {
        SendError::Transport(e)
    }
}

async fn open_inner(
    settings: &Settings,
    call: Call,
    reading: Reading,
) -> Result<OpenResponse, SendError> {
    let mut url = ::url::Url::parse(&format!(
        "{}{}",
        settings.base_url.trim_end_matches('/'),
        call.path
    ))
    .map_err(|e| SendError::InvalidRequest(format!("url: {e}")))?;
    let mut headers = settings.headers.clone();
    headers.extend(call.headers);
    // A server that can answer in several media types picks one the client decodes; an
    // `Accept` the user set (a default header or a parameter) stays as it is.
    if !call.accept.is_empty() && !headers.contains_key(::reqwest::header::ACCEPT) {
        if let Ok(accept) = HeaderValue::from_str(call.accept) {
            headers.insert(::reqwest::header::ACCEPT, accept);
        }
    }
    let mut cookies = call.cookies;
    // The query is written by hand rather than with `form_urlencoded`, which would
    // encode the commas that join the items of `explode: false` arrays.
    let mut query: Vec<String> = call
        .query
        .iter()
        .map(|(k, v)| format!("{}={}", encode_query(k), v.encoded()))
        .collect();
    for part in &call.auth {
        match part {
            AuthPart::Header(name, value) => {
                headers.insert(name.clone(), value.clone());
            }
            AuthPart::Query(name, value) => {
                query.push(format!(
                    "{}={}",
                    encode_query(name),
                    encode_query(value.expose())
                ));
            }
            AuthPart::Cookie(name, value) => {
                cookies.push((name.clone(), value.expose().to_owned()))
            }
        }
    }
    if !query.is_empty() {
        url.set_query(Some(&query.join("&")));
    }
    if !cookies.is_empty() {
        // Cookie values are percent-encoded: a `;` or space in a value cannot start another cookie.
        let cookie: Vec<String> = cookies
            .iter()
            .map(|(k, v)| format!("{}={}", encode_query(k), encode_query(v)))
            .collect();
        let mut value = HeaderValue::from_str(&cookie.join("; ")).map_err(|_| {
            SendError::InvalidRequest("a cookie is not a valid header value".into())
        })?;
        value.set_sensitive(true);
        headers.insert(::reqwest::header::COOKIE, value);
    }
    // A reqwest error names the URL; when the query string carries a credential, the URL is
    // left out of every error and log line, so that the key never shows.
    let secret_query = call
        .auth
        .iter()
        .any(|part| matches!(part, AuthPart::Query(..)));
    let hide = |e: ::reqwest::Error| if secret_query { e.without_url() } else { e };
    let retry = settings
        .retry
        .as_ref()
        .filter(|r| call.idempotent || r.retry_non_idempotent);
    let mut attempt = 0u32;
    // The URL and headers are copied only for an attempt that may be followed by another.
    let mut url = Some(url);
    let mut headers = Some(headers);
    loop {
        let can_retry = retry.filter(|r| attempt < r.max_retries);
        let (this_url, these_headers) = if can_retry.is_some() {
            (url.clone(), headers.clone())
        } else {
            (url.take(), headers.take())
        };
        let (Some(this_url), Some(these_headers)) = (this_url, these_headers) else {
            return Err(SendError::InvalidRequest(
                "the request was already sent".into(),
            ));
        };
        let mut builder = settings
            .http
            .request(call.method.clone(), this_url)
            .headers(these_headers);
        if let Some(timeout) = settings.timeout.filter(|_| reading == Reading::Whole) {
            builder = builder.timeout(timeout);
        }
        let mut request = call
            .body
            .apply(builder)
            .build()
            .map_err(|e| SendError::Transport(hide(e)))?;
        if let Some(hook) = &settings.hook {
            hook.on_request(&mut request);
        }
        match settings.http.execute(request).await {
            Ok(response) => {
                let status = response.status();
                if let Some(policy) = can_retry {
                    if status == StatusCode::TOO_MANY_REQUESTS
                        || status == StatusCode::SERVICE_UNAVAILABLE
                    {
                        let wait = policy.backoff(attempt, retry_after(response.headers()));
                        if let Some(hook) = &settings.hook {
                            let headers = response.headers().clone();
                            let body = response.bytes().await.unwrap_or_default();
                            hook.on_response(status, &headers, &body);
                        }
                        ::tracing::debug!(status = status.as_u16(), ?wait, "retrying");
                        ::tokio::time::sleep(wait).await;
                        attempt += 1;
                        continue;
                    }
                }
                return Ok(OpenResponse {
                    response,
                    secret_query,
                });
            }
            Err(e) => {
                let e = hide(e);
                if let Some(policy) = can_retry {
                    if e.is_connect() || e.is_timeout() {
                        let wait = policy.backoff(attempt, None);
                        ::tracing::debug!(error = % e, ? wait, "retrying");
                        ::tokio::time::sleep(wait).await;
                        attempt += 1;
                        continue;
                    }
                }
                return Err(if e.is_timeout() {
                    SendError::Timeout(e)
                } else {
                    SendError::Transport(e)
                });
            }
        }
    }
}

/// What every call shares: the HTTP client, base URL and options of the `Client`.
#[doc(hidden)]
pub struct Settings {
    pub http: ::reqwest::Client,
    pub base_url: String,
    pub headers: HeaderMap,
    pub timeout: Option<Duration>,
    pub retry: Option<RetryPolicy>,
    pub hook: Option<Arc<dyn Hook>>,
}

/// What the spec's default server URL is good for (see `Client::builder`).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultServer {
    Usable,
    Placeholder,
    Relative,
}

/// The base URL a client sends to: the one the user gave, with the spec's base path joined
/// when it is only an origin (`http://host:8080` → `http://host:8080/api/v3`); else the spec's
/// default, unless that is a relative path (no host to send to), or a stand-in host while
/// credentials are configured (they would go to whoever answers for `example.com`).
#[doc(hidden)]
pub fn base_url(
    given: Option<String>,
    default: &str,
    kind: DefaultServer,
    base_path: &str,
    has_credentials: bool,
) -> Result<String, String> {
    let Some(given) = given else {
        return match kind {
            DefaultServer::Usable => Ok(default.to_owned()),
            DefaultServer::Placeholder if !has_credentials => Ok(default.to_owned()),
            DefaultServer::Placeholder => Err(format!(
                "the spec's server `{default}` is a placeholder, and credentials are never sent \
                 to one: give the real server with `ClientBuilder::base_url`"
            )),
            DefaultServer::Relative => Err(format!(
                "the spec's server `{default}` is a path without a host: give the server with \
                 `ClientBuilder::base_url` (its path `{base_path}` is added to an origin)"
            )),
        };
    };
    let mut url = ::url::Url::parse(&given).map_err(|e| format!("base URL `{given}`: {e}"))?;
    if url.cannot_be_a_base() {
        return Err(format!("base URL `{given}` cannot have a path"));
    }
    if !base_path.is_empty() && matches!(url.path(), "" | "/") && url.query().is_none() {
        url.set_path(base_path);
        return Ok(url.as_str().trim_end_matches('/').to_owned());
    }
    Ok(given)
}

/// What one page told a stream: its items, and the state that asks for the next page.
#[doc(hidden)]
pub struct PageOf<T, S> {
    pub items: Vec<T>,
    /// `None` when this page is the last: it was short, empty, the last by the total count, or
    /// not a page at all (a single object where the spec also allows a list).
    pub next: Option<S>,
}

/// How many pages in a row may hold no item, while pointing to another page, before a stream
/// ends with [`Error::Pagination`].
pub const MAX_EMPTY_PAGES: usize = 3;

/// The page size a stream asks for when the user set none: some servers return the whole
/// collection on every page when no size is given, which would never end.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// Every item of every page, as a stream that can be polled without pinning (`.next()` works
/// on it directly).
pub type Pages<'a, T, E> =
    Pin<Box<dyn ::futures_util::Stream<Item = Result<T, Error<E>>> + Send + 'a>>;

/// Streams the items of the pages `fetch` returns, starting from `first`, and ends for sure:
/// after a page that says it is the last, after a page that points to itself (the same
/// cursor), after a page that repeats the items of the one before (a server that ignores the
/// paging parameters), at the first error, and with [`Error::Pagination`] after
/// [`MAX_EMPTY_PAGES`] empty pages in a row that still point further.
#[doc(hidden)]
pub fn paginate<'a, T, S, E, F, Fut>(first: S, fetch: F) -> Pages<'a, T, E>
where
    T: ::serde::Serialize + Send + 'a,
    S: Clone + PartialEq + Send + 'a,
    E: Send + 'a,
    F: FnMut(S) -> Fut + Send + 'a,
    Fut: Future<Output = Result<PageOf<T, S>, Error<E>>> + Send + 'a,
{
    use ::futures_util::StreamExt as _;
    struct Walk<S, F> {
        next: Option<S>,
        fetch: F,
        previous: Option<Vec<u8>>,
        empty: usize,
    }
    let walk = Walk {
        next: Some(first),
        fetch,
        previous: None,
        empty: 0,
    };
    let pages = ::futures_util::stream::unfold(walk, |mut walk| async move {
        let state = walk.next.take()?;
        let page = match (walk.fetch)(state.clone()).await {
            Ok(page) => page,
            Err(e) => return Some((vec![Err(e)], walk)),
        };
        let fingerprint = ::serde_json::to_vec(&page.items).ok();
        if !page.items.is_empty() && fingerprint.is_some() && fingerprint == walk.previous {
            ::tracing::debug!("a page repeated the one before it: the stream ends");
            return Some((Vec::new(), walk));
        }
        walk.previous = fingerprint;
        walk.empty = if page.items.is_empty() {
            walk.empty + 1
        } else {
            0
        };
        walk.next = page.next.filter(|next| *next != state);
        let mut items: Vec<Result<T, Error<E>>> = page.items.into_iter().map(Ok).collect();
        if walk.empty >= MAX_EMPTY_PAGES && walk.next.take().is_some() {
            items.push(Err(Error::Pagination(format!(
                "{MAX_EMPTY_PAGES} pages in a row held no item but pointed to another page"
            ))));
        }
        Some((items, walk))
    });
    Box::pin(pages.flat_map(::futures_util::stream::iter))
}

/// The events of a streamed response (`text/event-stream`), decoded as they arrive: a stream
/// that can be polled without pinning (`.next()` works on it directly). It ends when the server
/// closes the response or sends the `[DONE]` sentinel (OpenAI's convention). An event whose
/// data does not decode is an [`Error::Decode`] holding that data as its raw body, and the
/// stream goes on after it; a broken connection is an [`Error::Transport`] that ends it.
pub type EventStream<T, E> =
    Pin<Box<dyn ::futures_util::Stream<Item = Result<crate::support::Event<T>, Error<E>>> + Send>>;

impl OpenResponse {
    /// The body as a stream of events whose data decode as `T`. The hook sees the status and
    /// headers, with an empty body: the events are not kept.
    #[doc(hidden)]
    pub fn events<T, E>(mut self, settings: &Settings) -> EventStream<T, E>
    where
        T: ::serde::de::DeserializeOwned + Send + 'static,
        E: Send + 'static,
    {
        let status = self.response.status();
        let headers = std::mem::take(self.response.headers_mut());
        if let Some(hook) = &settings.hook {
            hook.on_response(status, &headers, &[]);
        }
        decode_events(status, headers, self.chunks(), Framing::ServerSentEvents)
    }

    /// The body as JSON Lines: one event per line, its data the line decoded as `T`.
    #[doc(hidden)]
    pub fn json_lines<T, E>(mut self, settings: &Settings) -> EventStream<T, E>
    where
        T: ::serde::de::DeserializeOwned + Send + 'static,
        E: Send + 'static,
    {
        let status = self.response.status();
        let headers = std::mem::take(self.response.headers_mut());
        if let Some(hook) = &settings.hook {
            hook.on_response(status, &headers, &[]);
        }
        decode_events(status, headers, self.chunks(), Framing::JsonLines)
    }

    /// The body's chunks as they arrive; a broken connection ends them with an error.
    fn chunks(
        self,
    ) -> impl ::futures_util::Stream<Item = Result<::bytes::Bytes, SendError>> + Send + 'static
    {
        let secret_query = self.secret_query;
        ::futures_util::stream::unfold(Some(self.response), move |response| async move {
            let mut response = response?;
            match response.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                Ok(None) => None,
                Err(e) => Some((Err(read_error(e, secret_query)), None)),
            }
        })
    }
}

/// How a streamed body is cut into items.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// `text/event-stream`.
    ServerSentEvents,
    /// JSON Lines: one value a line (blank lines skipped).
    JsonLines,
}

/// Decodes the events of a body that arrives as `chunks`, cut anywhere.
#[doc(hidden)]
pub fn decode_events<T, E, S>(
    status: StatusCode,
    headers: HeaderMap,
    chunks: S,
    framing: Framing,
) -> EventStream<T, E>
where
    T: ::serde::de::DeserializeOwned + Send + 'static,
    E: Send + 'static,
    S: ::futures_util::Stream<Item = Result<::bytes::Bytes, SendError>> + Send + 'static,
{
    struct Reader<S> {
        chunks: Pin<Box<S>>,
        parser: EventParser,
        ready: std::collections::VecDeque<RawEvent>,
        status: StatusCode,
        headers: HeaderMap,
        ended: bool,
    }
    let reader = Reader {
        chunks: Box::pin(chunks),
        parser: EventParser {
            json_lines: framing == Framing::JsonLines,
            ..EventParser::default()
        },
        ready: std::collections::VecDeque::new(),
        status,
        headers,
        ended: false,
    };
    let events = ::futures_util::stream::unfold(reader, |mut reader| async move {
        use ::futures_util::StreamExt as _;
        loop {
            if let Some(raw) = reader.ready.pop_front() {
                if raw.data.trim() == "[DONE]" {
                    return None;
                }
                let event = decode_event::<T, E>(raw, reader.status, &reader.headers);
                return Some((event, reader));
            }
            if reader.ended {
                return None;
            }
            match reader.chunks.next().await {
                Some(Ok(chunk)) => reader.ready.extend(reader.parser.feed(&chunk)),
                Some(Err(e)) => {
                    reader.ended = true;
                    return Some((Err(Error::from(e)), reader));
                }
                None => {
                    reader.ended = true;
                    reader.ready.extend(reader.parser.finish());
                }
            }
        }
    });
    Box::pin(events)
}

/// One event's data decoded as `T`: JSON, or the text itself where `T` is a string and the data
/// is not JSON.
fn decode_event<T: ::serde::de::DeserializeOwned, E>(
    raw: RawEvent,
    status: StatusCode,
    headers: &HeaderMap,
) -> Result<crate::support::Event<T>, Error<E>> {
    let data = ::serde_json::from_str::<T>(&raw.data).or_else(|e| {
        ::serde_json::from_value::<T>(::serde_json::Value::String(raw.data.clone())).map_err(|_| e)
    });
    match data {
        Ok(data) => Ok(crate::support::Event {
            event: raw.event,
            id: raw.id,
            retry: raw.retry,
            data,
        }),
        Err(e) => Err(Error::Decode(Box::new(DecodeError {
            status,
            headers: headers.clone(),
            message: format!("an event's data does not decode: {e}"),
            raw: ::bytes::Bytes::from(raw.data.into_bytes()),
        }))),
    }
}

/// An event as the stream spells it, before its data is decoded.
#[doc(hidden)]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawEvent {
    pub event: Option<String>,
    pub id: Option<String>,
    pub retry: Option<u64>,
    pub data: String,
}

/// Reads `text/event-stream` as the HTML standard's "interpreting an event stream" says: lines
/// end with CRLF, LF or CR; a blank line ends an event; `data:` lines are joined with newlines;
/// lines starting with `:` are comments; the last `id:` given carries over to later events;
/// an event without data is not dispatched, nor one the stream ends in the middle of. Bytes may
/// arrive in chunks cut anywhere, within a line or a UTF-8 character.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct EventParser {
    /// The bytes of the line not yet ended.
    line: Vec<u8>,
    /// The last chunk ended with CR: an LF that starts the next one belongs to it.
    after_cr: bool,
    /// The start of the stream has been seen (its byte order mark, if any, skipped).
    started: bool,
    event: Option<String>,
    data: String,
    has_data: bool,
    retry: Option<u64>,
    last_id: String,
    /// JSON Lines rather than events: every line that is not blank is an item.
    json_lines: bool,
}

impl EventParser {
    /// The events `chunk` completes.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<RawEvent> {
        let mut events = Vec::new();
        for &byte in chunk {
            if std::mem::take(&mut self.after_cr) && byte == b'\n' {
                continue;
            }
            match byte {
                b'\r' | b'\n' => {
                    self.after_cr = byte == b'\r';
                    let line = std::mem::take(&mut self.line);
                    if let Some(event) = self.line(&line) {
                        events.push(event);
                    }
                }
                _ => self.line.push(byte),
            }
        }
        events
    }

    /// The item the end of the stream completes: a last JSON line without its line end. (An
    /// event the stream ends in the middle of is dropped, as the SSE rules say.)
    pub fn finish(&mut self) -> Option<RawEvent> {
        let line = std::mem::take(&mut self.line);
        if self.json_lines {
            self.line(&line)
        } else {
            None
        }
    }

    fn line(&mut self, line: &[u8]) -> Option<RawEvent> {
        if self.json_lines {
            let line = String::from_utf8_lossy(line);
            return (!line.trim().is_empty()).then(|| RawEvent {
                data: line.into_owned(),
                ..RawEvent::default()
            });
        }
        let mut line = String::from_utf8_lossy(line);
        if !self.started {
            self.started = true;
            if let Some(rest) = line.strip_prefix('\u{feff}') {
                line = rest.to_owned().into();
            }
        }
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "event" => self.event = Some(value.to_owned()),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.last_id = value.to_owned(),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok();
            }
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<RawEvent> {
        let event = self.event.take().filter(|e| !e.is_empty());
        let retry = self.retry.take();
        if !std::mem::take(&mut self.has_data) {
            return None;
        }
        Some(RawEvent {
            event,
            id: Some(self.last_id.clone()).filter(|id| !id.is_empty()),
            retry,
            data: std::mem::take(&mut self.data),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of a send step that must succeed (`SendError` has no `Debug`).
    fn ok<T>(result: Result<T, SendError>) -> T {
        match result {
            Ok(value) => value,
            Err(SendError::InvalidRequest(e)) => panic!("invalid request: {e}"),
            Err(_) => panic!("send error"),
        }
    }

    /// The query string the send loop writes for `pairs`.
    fn query(pairs: &[(String, QueryValue)]) -> String {
        pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode_query(k), v.encoded()))
            .collect::<Vec<_>>()
            .join("&")
    }

    fn append(value: ::serde_json::Value, style: QueryStyle) -> String {
        let mut pairs = Vec::new();
        ok(append_query(&mut pairs, "id", &value, style));
        query(&pairs)
    }

    #[test]
    fn query_text_keeps_only_unreserved_characters() {
        assert_eq!(encode_query("aZ09-._~"), "aZ09-._~");
        assert_eq!(encode_query("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }

    #[test]
    fn path_parameters_are_encoded_and_cannot_change_the_path() {
        assert_eq!(ok(encode_path("id", "a/b c")), "a%2Fb%20c");
        for text in ["", ".", ".."] {
            assert!(matches!(
                encode_path("id", text),
                Err(SendError::InvalidRequest(message)) if message.contains("`id`")
            ));
        }
    }

    #[test]
    fn query_styles() {
        use ::serde_json::json;
        assert_eq!(append(json!([1, 2]), QueryStyle::FormExploded), "id=1&id=2");
        assert_eq!(append(json!(["a", "b,c"]), QueryStyle::Form), "id=a,b%2Cc");
        assert_eq!(
            append(json!(["a", "b"]), QueryStyle::SpaceDelimited),
            "id=a%20b"
        );
        assert_eq!(
            append(json!(["a", "b"]), QueryStyle::PipeDelimited),
            "id=a%7Cb"
        );
        assert_eq!(
            append(json!({"x": 1, "y": "z"}), QueryStyle::DeepObject),
            "id%5Bx%5D=1&id%5By%5D=z"
        );
        assert_eq!(
            append(json!({"x": 1, "y": true}), QueryStyle::FormExploded),
            "x=1&y=true"
        );
        assert_eq!(
            append(json!({"x": 1, "y": 2}), QueryStyle::Form),
            "id=x,1,y,2"
        );
        assert_eq!(append(json!(null), QueryStyle::Form), "");
        assert_eq!(append(json!("a b"), QueryStyle::Form), "id=a%20b");
    }

    #[test]
    fn simple_style_and_multipart_text() {
        use ::serde_json::json;
        assert_eq!(ok(simple("id", &json!([1, "a"]))), "1,a");
        assert_eq!(ok(simple("id", &json!({"k": "v"}))), "k,v");
        assert_eq!(ok(simple("id", &"text")), "text");
        assert_eq!(ok(part_text("meta", &json!({"k": [1]}))), r#"{"k":[1]}"#);
        assert_eq!(ok(part_text("n", &7)), "7");
    }

    #[test]
    fn form_bodies_are_url_encoded() {
        let body = ok(Body::form(
            &::serde_json::json!({"name": "a b", "tags": ["x", "y"]}),
        ));
        let Body::Bytes(content_type, bytes) = body else {
            panic!("a form body is bytes");
        };
        assert_eq!(content_type, "application/x-www-form-urlencoded");
        assert_eq!(String::from_utf8(bytes).unwrap(), "name=a+b&tags=x&tags=y");
    }

    #[test]
    fn backoff_is_capped_and_jittered() {
        let policy = RetryPolicy {
            max_retries: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            retry_non_idempotent: false,
        };
        for attempt in 0..40 {
            let base = (Duration::from_millis(100) * 2u32.pow(attempt.min(16)))
                .min(Duration::from_secs(1));
            let wait = policy.backoff(attempt, None);
            assert!(
                wait >= base / 2 && wait <= base,
                "attempt {attempt}: {wait:?}"
            );
        }
        let asked = Some(Duration::from_secs(60));
        assert_eq!(policy.backoff(0, asked), Duration::from_secs(1));
        let asked = Some(Duration::from_millis(10));
        assert_eq!(policy.backoff(3, asked), Duration::from_millis(10));
    }

    #[test]
    fn retry_after_in_seconds() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(
            ::reqwest::header::RETRY_AFTER,
            HeaderValue::from_static(" 7 "),
        );
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        let date = HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT");
        headers.insert(::reqwest::header::RETRY_AFTER, date);
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn responses_decode_and_errors_keep_the_body() {
        let raw = |body: &'static [u8]| RawResponse {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: ::bytes::Bytes::from_static(body),
        };
        let empty: Option<u8> = raw(b"").json::<_, ()>().unwrap();
        assert_eq!(empty, None);
        let error = raw(b"[1").json::<Vec<u8>, ()>().unwrap_err();
        assert!(matches!(&error, Error::Decode(e) if e.raw.as_ref() == b"[1"));
        assert_eq!(error.status(), Some(StatusCode::OK));

        let decode: Decoder<::serde_json::Value> = decode_json;
        let error = raw(br#"{"code":7}"#).error(Some(decode));
        assert_eq!(error.body(), Some(&::serde_json::json!({"code": 7})));
        assert_eq!(decode_any(b"").unwrap(), ::serde_json::Value::Null);
        assert_eq!(decode_any(b"oops").unwrap(), ::serde_json::json!("oops"));
    }

    #[test]
    fn long_bodies_are_cut_in_messages() {
        assert_eq!(body_start(b"short"), "short");
        let long = body_start(&[b'a'; 300]);
        assert_eq!(long.chars().count(), 201);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn secrets_are_not_shown() {
        let secret = SecretString::new("hunter2");
        assert_eq!(format!("{secret:?}"), "<redacted>");
        let token = BearerToken::Static(secret.clone());
        assert_eq!(format!("{token:?}"), "Static(<redacted>)");
        let credentials = BasicCredentials {
            username: "me".into(),
            password: secret,
        };
        assert!(!format!("{credentials:?}").contains("hunter2"));
        let header = ok(basic_header(&credentials));
        assert!(header.is_sensitive());
        assert_eq!(header.to_str().unwrap(), "Basic bWU6aHVudGVyMg==");
    }

    /// Collects a stream of pages served from `pages` (one list of items per state, `next`
    /// as the function says), with the states asked for.
    fn walk(
        pages: &'static [&'static [u32]],
        next: fn(usize, &[u32]) -> Option<usize>,
    ) -> (Vec<Result<u32, String>>, Vec<usize>) {
        use ::futures_util::StreamExt as _;
        let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = asked.clone();
        let stream: Pages<'static, u32, ()> = paginate(0usize, move |state: usize| {
            log.lock().unwrap().push(state);
            let items = pages.get(state).copied().unwrap_or(&[]).to_vec();
            let next = next(state, &items);
            async move { Ok(PageOf { items, next }) }
        });
        let runtime = ::tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        // `Pages` is `Unpin`: `.next()` works on it without pinning.
        let mut stream = stream;
        let items = runtime.block_on(async {
            let mut out = Vec::new();
            while let Some(item) = stream.next().await {
                out.push(item.map_err(|e| e.to_string()));
            }
            out
        });
        let asked = asked.lock().unwrap().clone();
        (items, asked)
    }

    #[test]
    fn streams_follow_pages_until_the_last() {
        let (items, asked) = walk(&[&[1, 2], &[3, 4], &[5]], |state, items| {
            (items.len() == 2).then_some(state + 1)
        });
        assert_eq!(items, [Ok(1), Ok(2), Ok(3), Ok(4), Ok(5)]);
        assert_eq!(asked, [0, 1, 2]);
    }

    #[test]
    fn a_server_that_ignores_paging_ends_the_stream() {
        // Every page is the whole collection: the repeat ends the stream after one page.
        let (items, asked) = walk(&[&[1, 2], &[1, 2], &[1, 2]], |state, _| Some(state + 1));
        assert_eq!(items, [Ok(1), Ok(2)]);
        assert_eq!(asked, [0, 1]);
        // A page that points to itself (the same cursor) is the last.
        let (items, asked) = walk(&[&[1], &[2]], |state, _| Some(state));
        assert_eq!(items, [Ok(1)]);
        assert_eq!(asked, [0]);
    }

    #[test]
    fn empty_pages_that_point_further_end_with_an_error() {
        let (items, asked) = walk(&[&[1]], |state, _| Some(state + 1));
        assert_eq!(items.len(), 2);
        assert_eq!(items[0], Ok(1));
        assert!(items[1]
            .as_ref()
            .unwrap_err()
            .contains("pagination stopped"));
        assert_eq!(asked, [0, 1, 2, 3]);
    }

    #[test]
    fn base_urls_join_the_base_path_and_refuse_placeholders_with_credentials() {
        use DefaultServer::{Placeholder, Relative, Usable};
        let path = "/api/v3";
        let given = |url: &str| base_url(Some(url.to_owned()), "", Usable, path, true);
        assert_eq!(
            given("http://host:8080"),
            Ok("http://host:8080/api/v3".to_owned())
        );
        assert_eq!(
            given("http://host:8080/"),
            Ok("http://host:8080/api/v3".to_owned())
        );
        assert_eq!(
            given("http://host/other"),
            Ok("http://host/other".to_owned())
        );
        assert!(given("not a url").is_err());
        let default = "https://the-server/api/v3";
        assert_eq!(
            base_url(None, default, Placeholder, path, false),
            Ok(default.to_owned())
        );
        let refused = base_url(None, default, Placeholder, path, true).unwrap_err();
        assert!(refused.contains("placeholder"), "{refused}");
        assert!(base_url(None, "/api/v3", Relative, path, false).is_err());
        assert_eq!(
            base_url(None, "https://api.io/v3", Usable, path, true),
            Ok("https://api.io/v3".to_owned())
        );
    }

    #[test]
    fn errors_say_what_kind_they_are() {
        let status = |code: u16| -> Error<()> {
            RawResponse {
                status: StatusCode::from_u16(code).unwrap(),
                headers: HeaderMap::new(),
                body: ::bytes::Bytes::from_static(b"{}"),
            }
            .error(None)
        };
        assert!(status(404).is_not_found());
        assert!(status(404).is_client_error());
        assert!(!status(404).is_server_error());
        assert!(status(401).is_unauthorized() && status(403).is_unauthorized());
        assert!(status(503).is_server_error());
        assert_eq!(status(500).raw_body(), Some(&b"{}"[..]));
        let invalid: Error<()> = Error::InvalidRequest("x".into());
        assert!(!invalid.is_not_found() && !invalid.is_timeout() && invalid.raw_body().is_none());
    }

    /// Every event of `body`, fed to the parser `chunk` bytes at a time.
    fn parse_in_chunks(body: &[u8], chunk: usize) -> Vec<RawEvent> {
        let mut parser = EventParser::default();
        body.chunks(chunk).flat_map(|c| parser.feed(c)).collect()
    }

    fn raw(event: Option<&str>, id: Option<&str>, data: &str) -> RawEvent {
        RawEvent {
            event: event.map(str::to_owned),
            id: id.map(str::to_owned),
            retry: None,
            data: data.to_owned(),
        }
    }

    #[test]
    fn events_are_parsed_whatever_the_chunks() {
        let body = "\u{feff}: a comment\r\nevent: greeting\r\nid: 7\r\ndata: h\u{e9}llo\r\ndata:  two\r\n\r\n\
                    data: {\"n\":1}\n\nevent\ndata\n\n: ping\n\rretry: 1500\rdata: cr\r\rid\ndata: x\n\ndata: cut";
        let expected = vec![
            raw(Some("greeting"), Some("7"), "h\u{e9}llo\n two"),
            raw(None, Some("7"), "{\"n\":1}"),
            raw(None, Some("7"), ""),
            RawEvent {
                retry: Some(1500),
                ..raw(None, Some("7"), "cr")
            },
            raw(None, None, "x"),
        ];
        for chunk in [1, 2, 3, 5, 7, body.len()] {
            assert_eq!(
                parse_in_chunks(body.as_bytes(), chunk),
                expected,
                "chunks of {chunk}"
            );
        }
    }

    /// The decoded events of `body`, sent one byte at a time.
    fn decode_bytewise(body: &'static [u8]) -> Vec<Result<crate::support::Event<u32>, String>> {
        use ::futures_util::StreamExt as _;
        let chunks = ::futures_util::stream::iter(
            body.iter()
                .map(|b| Ok(::bytes::Bytes::copy_from_slice(std::slice::from_ref(b)))),
        );
        let mut stream: EventStream<u32, ()> = decode_events(
            StatusCode::OK,
            HeaderMap::new(),
            chunks,
            Framing::ServerSentEvents,
        );
        let runtime = ::tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut out = Vec::new();
            while let Some(event) = stream.next().await {
                out.push(event.map_err(|e| match e {
                    Error::Decode(e) => String::from_utf8_lossy(&e.raw).into_owned(),
                    other => other.to_string(),
                }));
            }
            out
        })
    }

    #[test]
    fn event_streams_end_at_done_and_keep_bad_data() {
        let events = decode_bytewise(
            b"id: a\nevent: n\ndata: 1\n\ndata: oops\n\ndata: 2\n\ndata: [DONE]\n\ndata: 3\n\n",
        );
        let first = crate::support::Event::new(1).with_event("n").with_id("a");
        let second = crate::support::Event::new(2).with_id("a");
        assert_eq!(events, [Ok(first), Err("oops".to_owned()), Ok(second)]);
    }

    #[test]
    fn event_streams_end_with_the_body() {
        assert_eq!(
            decode_bytewise(b"data: 1\n\ndata: 2"),
            [Ok(crate::support::Event::new(1))]
        );
    }

    #[test]
    fn text_events_decode_as_strings() {
        let chunks = ::futures_util::stream::iter([Ok(::bytes::Bytes::from_static(
            b"data: plain text\n\ndata: \"json text\"\n\n",
        ))]);
        let stream: EventStream<String, ()> = decode_events(
            StatusCode::OK,
            HeaderMap::new(),
            chunks,
            Framing::ServerSentEvents,
        );
        let runtime = ::tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let data: Vec<String> = runtime.block_on(async {
            use ::futures_util::StreamExt as _;
            stream
                .map(|e| e.map(|e| e.data).unwrap_or_default())
                .collect()
                .await
        });
        assert_eq!(data, ["plain text", "json text"]);
    }

    #[test]
    fn json_lines_are_items_whatever_the_chunks() {
        use ::futures_util::StreamExt as _;
        let body: &'static [u8] = b"{\"n\":1}\r\n\n  \n{\"n\":\"x\"}\n2";
        let chunks = ::futures_util::stream::iter(
            body.iter()
                .map(|b| Ok(::bytes::Bytes::copy_from_slice(std::slice::from_ref(b)))),
        );
        let stream: EventStream<::serde_json::Value, ()> =
            decode_events(StatusCode::OK, HeaderMap::new(), chunks, Framing::JsonLines);
        let runtime = ::tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let items: Vec<::serde_json::Value> =
            runtime.block_on(stream.map(|e| e.unwrap().data).collect());
        assert_eq!(
            items,
            [
                ::serde_json::json!({"n": 1}),
                ::serde_json::json!({"n": "x"}),
                ::serde_json::json!(2)
            ]
        );
    }
}
