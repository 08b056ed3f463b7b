//! The generated Infraon server (`infraon_api::server`, 15 operations).
//!
//! 1. Every operation through `router(Mock::default())` with `oneshot`: the happy path (right method and
//!    path, the API key in `Authorization`, valid params/body -> the declared status and a
//!    body that decodes as the declared type) and the rejections (401 without the key, 400
//!    naming a bad parameter or body field, 415 for a wrong content type, `maxLength`).
//! 2. A partial custom `Api`: the typed requests hold what was sent; a method left out is 501.
//! 3. The body limit of `router_with_config` (413).
//! 4. The generated client against the generated server over real TCP, for every operation,
//!    against an echoing implementation and against `Mock`.

use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt as _;
use infraon_api::server::{
    self, Api, ApiError, CreateApiRegistrationRequest, CreateApiRegistrationResponse,
    CreateJobsAccountAuditRequest, CreateJobsAccountAuditResponse, Credentials,
    DeleteApiRegistrationRequest, DeleteApiRegistrationResponse, DeleteJobsAccountAuditRequest,
    DeleteJobsAccountAuditResponse, GetApiRegistrationOptionsRequest,
    GetApiRegistrationOptionsResponse, GetApiRegistrationRequest, GetApiRegistrationResponse,
    GetJobsAccountAuditOptionsRequest, GetJobsAccountAuditOptionsResponse,
    GetJobsAccountAuditRequest, GetJobsAccountAuditResponse, ListAllApiRegistrationsRequest,
    ListAllApiRegistrationsResponse, ListApiRegistrationsRequest, ListApiRegistrationsResponse,
    ListJobsAccountAuditsRequest, ListJobsAccountAuditsResponse, Mock,
    SearchApiRegistrationsRequest, SearchApiRegistrationsResponse, ServerConfig,
    UpdateApiRegistrationRequest, UpdateApiRegistrationResponse, UpdateJobsAccountAuditRequest,
    UpdateJobsAccountAuditResponse, VerifyApiRegistrationRequest, VerifyApiRegistrationResponse,
    BASE_PATH,
};
use infraon_api::{
    ApiRegistration, ApiRegistrationCreate, ApiRegistrationInput, Client, HeaderParam,
    JobsAccountAudit, JobsAccountAuditInput, Validate as _,
};
use serde_json::{json, Value};
use tower::ServiceExt as _;

/// The API key; Infraon sends it as the raw value of the `Authorization` header.
const API_KEY: &str = "infraon-key-7f3a9c";

const PROFILES: &str = "/ux/common/apiregister/profile/";
const AUDITS: &str = "/ux/nccm/jobs-account-audit/";

/// An id that needs percent-encoding in a path segment (space, slash, `?`, non-ASCII).
const AWKWARD_ID: &str = "api 7/ä?x";
const AWKWARD_ID_ENCODED: &str = "api%207%2F%C3%A4%3Fx";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// What the router answered.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Bytes,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("the body is not JSON ({e}): {:?}", self.text()))
    }

    #[track_caller]
    fn assert_status(&self, status: StatusCode) {
        assert_eq!(self.status, status, "body: {}", self.text());
    }

    #[track_caller]
    fn assert_empty(&self, status: StatusCode) {
        self.assert_status(status);
        assert!(self.bytes.is_empty(), "unexpected body {:?}", self.text());
    }

    /// A JSON rejection `{"error": {"status", "field", "rule", "message"}}`.
    #[track_caller]
    fn assert_rejected(&self, status: StatusCode, field: Option<&str>, rule: &str) {
        self.assert_status(status);
        assert_eq!(self.content_type(), "application/json", "{}", self.text());
        let error = &self.json()["error"];
        assert_eq!(error["status"], status.as_u16(), "{error}");
        assert_eq!(
            error["field"],
            field.map_or(Value::Null, Value::from),
            "{error}"
        );
        assert_eq!(error["rule"], rule, "{error}");
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "no message: {error}"
        );
        if status == StatusCode::UNAUTHORIZED {
            assert!(self.headers.contains_key(header::WWW_AUTHENTICATE));
        }
    }
}

/// Decodes a JSON success body as the declared type (and checks the content type).
macro_rules! decode {
    ($reply:expr, $ty:ty) => {{
        let reply: &Reply = &$reply;
        assert_eq!(reply.content_type(), "application/json", "{}", reply.text());
        serde_json::from_slice::<$ty>(&reply.bytes)
            .unwrap_or_else(|e| panic!("the body is no {}: {e}: {}", stringify!($ty), reply.text()))
    }};
}

async fn call_router(router: axum::Router, request: Request<Body>) -> Reply {
    let response = router
        .oneshot(request)
        .await
        .expect("the router never fails");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("the body can be read")
        .to_bytes();
    Reply {
        status,
        headers,
        bytes,
    }
}

/// Sends `request` to `router(Mock::default())`.
async fn call(request: Request<Body>) -> Reply {
    call_router(server::router(Mock::default()), request).await
}

/// A request below `BASE_PATH`, without credentials.
fn anonymous(method: Method, path: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(format!("{BASE_PATH}{path}"))
}

/// A request below `BASE_PATH` with the API key.
fn keyed(method: Method, path: &str) -> axum::http::request::Builder {
    anonymous(method, path).header(header::AUTHORIZATION, API_KEY)
}

fn empty(method: Method, path: &str) -> Request<Body> {
    keyed(method, path).body(Body::empty()).unwrap()
}

fn no_key(method: Method, path: &str) -> Request<Body> {
    anonymous(method, path).body(Body::empty()).unwrap()
}

fn with_json(method: Method, path: &str, body: &Value) -> Request<Body> {
    raw(method, path, "application/json", &body.to_string())
}

fn raw(method: Method, path: &str, content_type: &str, body: &str) -> Request<Body> {
    keyed(method, path)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn profile(id: &str) -> String {
    format!("{PROFILES}{id}/")
}

fn audit(id: &str) -> String {
    format!("{AUDITS}{id}/")
}

/// A valid `ApiRegistrationInput` body (PUT and `verify_api`): read-only fields left out.
fn registration_input() -> Value {
    json!({
        "api_id": "api-1",
        "api_modified_id": null,
        "name": "Partner API",
        "api_url": "https://partner.example.net/v1",
        "content_type": 1,
        "header_params": [{ "keys": "sort", "values": "name", "queryparam": true }],
        "organization": "org-1",
        "creation_time": "2025-06-07T18:56:41.464Z",
        "is_active": true
    })
}

/// A valid `ApiRegistrationCreate` body, with a free-form extra property.
fn registration_create() -> Value {
    json!({
        "headerParamList": [
            { "keys": "sort", "values": "name" },
            { "keys": "reverse", "values": "-" }
        ],
        "name": "API Auth",
        "content_type": 1,
        "authentication_type": "Basic Auth",
        "user_name": "shilpa.v",
        "password": "hanTZ123$",
        "api_url": "http://test-api-auth.com",
        "description": "Test API Auth",
        "enc_password": "ZDk5NjMw",
        "x_extra": { "nested": [1, 2] }
    })
}

/// A valid `JobsAccountAuditInput` body: read-only fields left out.
fn audit_input() -> Value {
    json!({
        "organization": "org-1",
        "job_id": "job-9",
        "ipaddress": "10.0.0.7",
        "device_account": "admin",
        "dpassword": "device-pw",
        "connection_protocol": "ssh",
        "error": "",
        "job_name": "nightly backup",
        "last_update_time": "2025-06-07T14:54:24.264Z",
        "uofw": "u"
    })
}

/// `body` with `field` set to `value`.
fn with_field(mut body: Value, field: &str, value: Value) -> Value {
    body[field] = value;
    body
}

fn long(n: usize) -> Value {
    Value::from("x".repeat(n))
}

/// The spec's response example of `ApiRegistration`, as the mock answers it.
#[track_caller]
fn assert_mock_registration(value: &ApiRegistration) {
    assert_eq!(value.id, "text");
    assert_eq!(value.authentication_type, "text");
    assert_eq!(value.api_id, "text");
    assert_eq!(value.organization, "text");
    assert_eq!(value.content_type, Some(1));
    assert_eq!(value.header_params.as_ref().map(Vec::len), Some(1));
    assert_eq!(value.is_webhook_enabled, Some(true));
    value
        .validate()
        .expect("the mock answer meets the spec's constraints");
}

/// The spec's response example of `JobsAccountAudit`, as the mock answers it.
#[track_caller]
fn assert_mock_audit(value: &JobsAccountAudit) {
    assert_eq!(value.id, "text");
    assert_eq!(value.creationtime, "text");
    assert_eq!(value.organization, "text");
    assert_eq!(value.uofw.as_deref(), Some("text"));
    assert_eq!(
        value.last_update_time.map(|t| t.to_rfc3339()),
        Some("2025-06-07T14:54:24.264+00:00".to_owned())
    );
    value
        .validate()
        .expect("the mock answer meets the spec's constraints");
}

// ---------------------------------------------------------------------------------------------
// 1. Every operation through router(Mock::default())
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_api_registrations() {
    let uri = format!("{PROFILES}?items_per_page=1&page=1&reverse=true&sort=name");
    let ok = call(empty(Method::GET, &uri)).await;
    ok.assert_status(StatusCode::OK);
    let items = decode!(ok, Vec<ApiRegistration>);
    assert_eq!(items.len(), 1);
    assert_mock_registration(&items[0]);

    call(no_key(Method::GET, &uri)).await.assert_rejected(
        StatusCode::UNAUTHORIZED,
        None,
        "security",
    );
    let bad = format!("{PROFILES}?items_per_page=many&page=1");
    call(empty(Method::GET, &bad)).await.assert_rejected(
        StatusCode::BAD_REQUEST,
        Some("items_per_page"),
        "type",
    );
    let missing = format!("{PROFILES}?items_per_page=1");
    call(empty(Method::GET, &missing)).await.assert_rejected(
        StatusCode::BAD_REQUEST,
        Some("page"),
        "required",
    );
    let bad_bool = format!("{PROFILES}?items_per_page=1&page=1&reverse=perhaps");
    call(empty(Method::GET, &bad_bool)).await.assert_rejected(
        StatusCode::BAD_REQUEST,
        Some("reverse"),
        "type",
    );
}

#[tokio::test]
async fn create_api_registration() {
    let ok = call(with_json(Method::POST, PROFILES, &registration_create())).await;
    ok.assert_empty(StatusCode::CREATED);

    let anonymous_post = anonymous(Method::POST, PROFILES)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(registration_create().to_string()))
        .unwrap();
    call(anonymous_post)
        .await
        .assert_rejected(StatusCode::UNAUTHORIZED, None, "security");
    let body = registration_create().to_string();
    call(raw(Method::POST, PROFILES, "text/plain", &body))
        .await
        .assert_rejected(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("body"),
            "content-type",
        );
    // Truncated JSON: the field where decoding stopped is named.
    call(raw(
        Method::POST,
        PROFILES,
        "application/json",
        "{\"name\": ",
    ))
    .await
    .assert_rejected(StatusCode::BAD_REQUEST, Some("body.name"), "json");
    let trailing = format!("{} x", registration_create());
    call(raw(Method::POST, PROFILES, "application/json", &trailing))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body"), "json");
    call(raw(Method::POST, PROFILES, "application/json", ""))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body"), "required");
    let wrong_type = with_field(registration_create(), "name", json!(5));
    call(with_json(Method::POST, PROFILES, &wrong_type))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body.name"), "type");
    let nested = with_field(
        registration_create(),
        "headerParamList",
        json!([{ "keys": "a" }, { "queryparam": "yes" }]),
    );
    call(with_json(Method::POST, PROFILES, &nested))
        .await
        .assert_rejected(
            StatusCode::BAD_REQUEST,
            Some("body.headerParamList[1].queryparam"),
            "type",
        );
}

#[tokio::test]
async fn get_api_registration() {
    let ok = call(empty(Method::GET, &profile("reg-1"))).await;
    ok.assert_status(StatusCode::OK);
    assert_mock_registration(&decode!(ok, ApiRegistration));

    call(no_key(Method::GET, &profile("reg-1")))
        .await
        .assert_rejected(StatusCode::UNAUTHORIZED, None, "security");
    // An empty API key is no API key.
    let blank = anonymous(Method::GET, &profile("reg-1"))
        .header(header::AUTHORIZATION, "")
        .body(Body::empty())
        .unwrap();
    call(blank)
        .await
        .assert_rejected(StatusCode::UNAUTHORIZED, None, "security");
}

#[tokio::test]
async fn update_api_registration() {
    let ok = call(with_json(
        Method::PUT,
        &profile("reg-1"),
        &registration_input(),
    ))
    .await;
    ok.assert_status(StatusCode::OK);
    assert_mock_registration(&decode!(ok, ApiRegistration));

    call(no_key(Method::PUT, &profile("reg-1")))
        .await
        .assert_rejected(StatusCode::UNAUTHORIZED, None, "security");
    let too_long = with_field(registration_input(), "name", long(226));
    call(with_json(Method::PUT, &profile("reg-1"), &too_long))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body.name"), "maxLength");
    // 225 characters are allowed.
    let at_limit = with_field(registration_input(), "name", long(225));
    call(with_json(Method::PUT, &profile("reg-1"), &at_limit))
        .await
        .assert_status(StatusCode::OK);
    let bad_date = with_field(registration_input(), "creation_time", json!("yesterday"));
    call(with_json(Method::PUT, &profile("reg-1"), &bad_date))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body.creation_time"), "type");
    call(raw(
        Method::PUT,
        &profile("reg-1"),
        "application/xml",
        "<a/>",
    ))
    .await
    .assert_rejected(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Some("body"),
        "content-type",
    );
}

#[tokio::test]
async fn delete_api_registration() {
    call(empty(Method::DELETE, &profile("reg-1")))
        .await
        .assert_empty(StatusCode::NO_CONTENT);
    call(empty(Method::DELETE, &profile(AWKWARD_ID_ENCODED)))
        .await
        .assert_empty(StatusCode::NO_CONTENT);

    call(no_key(Method::DELETE, &profile("reg-1")))
        .await
        .assert_rejected(StatusCode::UNAUTHORIZED, None, "security");
}

#[tokio::test]
async fn list_all_api_registrations() {
    let path = format!("{PROFILES}allapi-list/");
    let ok = call(empty(Method::GET, &path)).await;
    ok.assert_status(StatusCode::OK);
    assert_mock_registration(&decode!(ok, ApiRegistration));

    call(no_key(Method::GET, &path)).await.assert_rejected(
        StatusCode::UNAUTHORIZED,
        None,
        "security",
    );
}

#[tokio::test]
async fn search_api_registrations() {
    let path = format!("{PROFILES}api_search/");
    let ok = call(empty(Method::GET, &path)).await;
    ok.assert_status(StatusCode::OK);
    assert_mock_registration(&decode!(ok, ApiRegistration));

    call(no_key(Method::GET, &path)).await.assert_rejected(
        StatusCode::UNAUTHORIZED,
        None,
        "security",
    );
}

#[tokio::test]
async fn get_api_registration_options() {
    let path = format!("{PROFILES}options/");
    let ok = call(empty(Method::GET, &path)).await;
    ok.assert_status(StatusCode::OK);
    assert_mock_registration(&decode!(ok, ApiRegistration));

    call(no_key(Method::GET, &path)).await.assert_rejected(
        StatusCode::UNAUTHORIZED,
        None,
        "security",
    );
}

#[tokio::test]
async fn verify_api_registration() {
    let path = format!("{PROFILES}verify_api/");
    let ok = call(with_json(Method::POST, &path, &registration_input())).await;
    ok.assert_status(StatusCode::OK);
    assert_mock_registration(&decode!(ok, ApiRegistration));

    call(no_key(Method::POST, &path)).await.assert_rejected(
        StatusCode::UNAUTHORIZED,
        None,
        "security",
    );
    let too_long = with_field(registration_input(), "organization", long(226));
    call(with_json(Method::POST, &path, &too_long))
        .await
        .assert_rejected(
            StatusCode::BAD_REQUEST,
            Some("body.organization"),
            "maxLength",
        );
    let too_long = with_field(registration_input(), "api_id", long(300));
    call(with_json(Method::POST, &path, &too_long))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body.api_id"), "maxLength");
    // An object is required; serde alone would take an array for a struct.
    call(raw(
        Method::POST,
        &path,
        "application/json",
        "[\"api-1\", null, \"n\"]",
    ))
    .await
    .assert_rejected(StatusCode::BAD_REQUEST, Some("body"), "type");
    let body = registration_input().to_string();
    call(raw(Method::POST, &path, "text/plain", &body))
        .await
        .assert_rejected(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("body"),
            "content-type",
        );
    let trailing = format!("{} trailing", registration_input());
    call(raw(Method::POST, &path, "application/json", &trailing))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body"), "json");
}

#[tokio::test]
async fn list_jobs_account_audits() {
    let uri = format!("{AUDITS}?items_per_page=10&page=2&reverse=false&sort=job_name");
    let ok = call(empty(Method::GET, &uri)).await;
    ok.assert_status(StatusCode::OK);
    let items = decode!(ok, Vec<JobsAccountAudit>);
    assert_eq!(items.len(), 1);
    assert_mock_audit(&items[0]);

    call(no_key(Method::GET, &uri)).await.assert_rejected(
        StatusCode::UNAUTHORIZED,
        None,
        "security",
    );
    let bad = format!("{AUDITS}?items_per_page=10&page=two");
    call(empty(Method::GET, &bad)).await.assert_rejected(
        StatusCode::BAD_REQUEST,
        Some("page"),
        "type",
    );
    let fraction = format!("{AUDITS}?items_per_page=2.5&page=1");
    call(empty(Method::GET, &fraction)).await.assert_rejected(
        StatusCode::BAD_REQUEST,
        Some("items_per_page"),
        "type",
    );
    let missing = format!("{AUDITS}?page=1");
    call(empty(Method::GET, &missing)).await.assert_rejected(
        StatusCode::BAD_REQUEST,
        Some("items_per_page"),
        "required",
    );
}

#[tokio::test]
async fn create_jobs_account_audit() {
    let ok = call(with_json(Method::POST, AUDITS, &audit_input())).await;
    ok.assert_status(StatusCode::CREATED);
    assert_mock_audit(&decode!(ok, JobsAccountAudit));

    call(no_key(Method::POST, AUDITS)).await.assert_rejected(
        StatusCode::UNAUTHORIZED,
        None,
        "security",
    );
    // `organization` is `maxLength: 25` here (225 in API Registration).
    let too_long = with_field(audit_input(), "organization", long(26));
    call(with_json(Method::POST, AUDITS, &too_long))
        .await
        .assert_rejected(
            StatusCode::BAD_REQUEST,
            Some("body.organization"),
            "maxLength",
        );
    let at_limit = with_field(audit_input(), "organization", long(25));
    call(with_json(Method::POST, AUDITS, &at_limit))
        .await
        .assert_status(StatusCode::CREATED);
    let too_long = with_field(audit_input(), "error", long(2001));
    call(with_json(Method::POST, AUDITS, &too_long))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body.error"), "maxLength");
    // `dpassword` is not nullable.
    let null = with_field(audit_input(), "dpassword", Value::Null);
    call(with_json(Method::POST, AUDITS, &null))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body.dpassword"), "type");
    let wrong_type = with_field(audit_input(), "job_id", json!(["job-9"]));
    call(with_json(Method::POST, AUDITS, &wrong_type))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body.job_id"), "type");
    let body = audit_input().to_string();
    call(raw(
        Method::POST,
        AUDITS,
        "application/x-www-form-urlencoded",
        &body,
    ))
    .await
    .assert_rejected(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Some("body"),
        "content-type",
    );
}

#[tokio::test]
async fn get_jobs_account_audit() {
    let ok = call(empty(Method::GET, &audit("audit-1"))).await;
    ok.assert_status(StatusCode::OK);
    assert_mock_audit(&decode!(ok, JobsAccountAudit));

    call(no_key(Method::GET, &audit("audit-1")))
        .await
        .assert_rejected(StatusCode::UNAUTHORIZED, None, "security");
}

#[tokio::test]
async fn update_jobs_account_audit() {
    let ok = call(with_json(Method::PUT, &audit("audit-1"), &audit_input())).await;
    ok.assert_status(StatusCode::OK);
    assert_mock_audit(&decode!(ok, JobsAccountAudit));

    call(no_key(Method::PUT, &audit("audit-1")))
        .await
        .assert_rejected(StatusCode::UNAUTHORIZED, None, "security");
    let too_long = with_field(audit_input(), "connection_protocol", long(26));
    call(with_json(Method::PUT, &audit("audit-1"), &too_long))
        .await
        .assert_rejected(
            StatusCode::BAD_REQUEST,
            Some("body.connection_protocol"),
            "maxLength",
        );
    let bad_date = with_field(audit_input(), "last_update_time", json!("2025-13-45"));
    call(with_json(Method::PUT, &audit("audit-1"), &bad_date))
        .await
        .assert_rejected(
            StatusCode::BAD_REQUEST,
            Some("body.last_update_time"),
            "type",
        );
    call(raw(
        Method::PUT,
        &audit("audit-1"),
        "application/json",
        "{\"organization\": tru",
    ))
    .await
    .assert_rejected(StatusCode::BAD_REQUEST, Some("body.organization"), "json");
}

#[tokio::test]
async fn delete_jobs_account_audit() {
    call(empty(Method::DELETE, &audit("audit-1")))
        .await
        .assert_empty(StatusCode::NO_CONTENT);

    call(no_key(Method::DELETE, &audit("audit-1")))
        .await
        .assert_rejected(StatusCode::UNAUTHORIZED, None, "security");
}

#[tokio::test]
async fn get_jobs_account_audit_options() {
    let path = format!("{AUDITS}options/");
    let ok = call(empty(Method::GET, &path)).await;
    ok.assert_status(StatusCode::OK);
    assert_mock_audit(&decode!(ok, JobsAccountAudit));

    call(no_key(Method::GET, &path)).await.assert_rejected(
        StatusCode::UNAUTHORIZED,
        None,
        "security",
    );
}

#[tokio::test]
async fn mock_with_secret_checks_the_key() {
    let router = server::router(Mock::with_secret(API_KEY));
    call_router(router.clone(), empty(Method::GET, &profile("reg-1")))
        .await
        .assert_status(StatusCode::OK);
    let wrong = anonymous(Method::GET, &profile("reg-1"))
        .header(header::AUTHORIZATION, "not-the-key")
        .body(Body::empty())
        .unwrap();
    call_router(router, wrong)
        .await
        .assert_rejected(StatusCode::UNAUTHORIZED, None, "security");
}

#[tokio::test]
async fn unknown_paths_and_methods_are_json_errors() {
    call(empty(Method::GET, "/ux/nowhere/"))
        .await
        .assert_rejected(StatusCode::NOT_FOUND, None, "route");
    call(empty(Method::PATCH, &audit("audit-1")))
        .await
        .assert_rejected(StatusCode::METHOD_NOT_ALLOWED, None, "method");
}

// ---------------------------------------------------------------------------------------------
// 2. A partial custom implementation
// ---------------------------------------------------------------------------------------------

/// The typed requests the partial implementation received.
#[derive(Debug)]
enum Received {
    List(Box<ListApiRegistrationsRequest>),
    Update(Box<UpdateApiRegistrationRequest>),
    CreateAudit(Box<CreateJobsAccountAuditRequest>),
}

/// Implements three operations and leaves the other twelve to the trait's 501 default.
#[derive(Clone, Default)]
struct Partial {
    received: Arc<Mutex<Vec<Received>>>,
}

impl Partial {
    fn take(&self) -> Vec<Received> {
        std::mem::take(&mut *self.received.lock().unwrap())
    }
}

impl Api for Partial {
    async fn list_api_registrations(
        &self,
        request: ListApiRegistrationsRequest,
    ) -> Result<ListApiRegistrationsResponse, ApiError> {
        self.received
            .lock()
            .unwrap()
            .push(Received::List(Box::new(request)));
        Ok(ListApiRegistrationsResponse::Ok { body: Vec::new() })
    }

    async fn update_api_registration(
        &self,
        request: UpdateApiRegistrationRequest,
    ) -> Result<UpdateApiRegistrationResponse, ApiError> {
        if request.id == "locked" {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "locked",
                "the registration is locked",
            ));
        }
        let body = registration_from_input(&request.body, &request.id, "partial");
        self.received
            .lock()
            .unwrap()
            .push(Received::Update(Box::new(request)));
        Ok(UpdateApiRegistrationResponse::Ok { body })
    }

    async fn create_jobs_account_audit(
        &self,
        request: CreateJobsAccountAuditRequest,
    ) -> Result<CreateJobsAccountAuditResponse, ApiError> {
        let body = audit_from_input(&request.body, "new-audit", "partial");
        self.received
            .lock()
            .unwrap()
            .push(Received::CreateAudit(Box::new(request)));
        Ok(CreateJobsAccountAuditResponse::Created { body })
    }
}

fn key_of(credentials: &Credentials) -> &str {
    credentials
        .api_key_auth
        .as_ref()
        .map_or("", |secret| secret.expose())
}

#[tokio::test]
async fn custom_implementation_gets_typed_requests() {
    let api = Partial::default();
    let router = server::router(api.clone());

    // Query parameters, typed.
    let uri = format!("{PROFILES}?items_per_page=25&page=3&reverse=true&sort=-name");
    let reply = call_router(router.clone(), empty(Method::GET, &uri)).await;
    reply.assert_status(StatusCode::OK);
    assert!(decode!(reply, Vec<ApiRegistration>).is_empty());
    let Received::List(list) = api.take().pop().expect("the list call arrived") else {
        panic!("not the list call");
    };
    assert_eq!(list.items_per_page, 25);
    assert_eq!(list.page, 3);
    assert_eq!(list.reverse, Some(true));
    assert_eq!(list.sort.as_deref(), Some("-name"));
    assert_eq!(key_of(&list.credentials), API_KEY);
    // Optional parameters left out are `None`.
    let uri = format!("{PROFILES}?items_per_page=1&page=1");
    call_router(router.clone(), empty(Method::GET, &uri))
        .await
        .assert_status(StatusCode::OK);
    let Some(Received::List(list)) = api.take().pop() else {
        panic!("not the list call");
    };
    assert_eq!((list.reverse, list.sort), (None, None));

    // A percent-encoded path parameter and a JSON body, typed.
    let path = profile(AWKWARD_ID_ENCODED);
    let reply = call_router(
        router.clone(),
        with_json(Method::PUT, &path, &registration_input()),
    )
    .await;
    reply.assert_status(StatusCode::OK);
    assert_eq!(decode!(reply, ApiRegistration).id, AWKWARD_ID);
    let Some(Received::Update(update)) = api.take().pop() else {
        panic!("not the update call");
    };
    assert_eq!(update.id, AWKWARD_ID);
    assert_eq!(key_of(&update.credentials), API_KEY);
    assert_eq!(update.body.api_id, "api-1");
    assert_eq!(
        update.body.api_modified_id,
        Some(None),
        "explicit null is kept"
    );
    assert_eq!(update.body.name.as_deref(), Some("Partner API"));
    assert_eq!(update.body.organization, "org-1");
    assert_eq!(update.body.content_type, Some(1));
    assert_eq!(
        update.body.header_params,
        Some(vec![HeaderParam {
            keys: Some("sort".into()),
            values: Some("name".into()),
            queryparam: Some(true),
        }])
    );
    assert_eq!(
        update.body.creation_time.map(|t| t.timestamp_millis()),
        Some(1_749_322_601_464)
    );
    assert_eq!(update.body.description, None);

    // An error the implementation returns is answered as JSON too.
    call_router(
        router.clone(),
        with_json(Method::PUT, &profile("locked"), &registration_input()),
    )
    .await
    .assert_rejected(StatusCode::CONFLICT, None, "locked");

    // The other module.
    let reply = call_router(
        router.clone(),
        with_json(Method::POST, AUDITS, &audit_input()),
    )
    .await;
    reply.assert_status(StatusCode::CREATED);
    assert_eq!(decode!(reply, JobsAccountAudit).id, "new-audit");
    let Some(Received::CreateAudit(create)) = api.take().pop() else {
        panic!("not the create call");
    };
    assert_eq!(key_of(&create.credentials), API_KEY);
    assert_eq!(create.body.organization, "org-1");
    assert_eq!(create.body.job_name.as_deref(), Some("nightly backup"));
    assert_eq!(create.body.dpassword.as_deref(), Some("device-pw"));
    assert_eq!(create.body.client_ip, None);

    // Rejected requests never reach the implementation.
    call_router(router.clone(), no_key(Method::GET, &uri))
        .await
        .assert_rejected(StatusCode::UNAUTHORIZED, None, "security");
    assert!(api.take().is_empty());

    // Methods left out answer 501 with a JSON error naming the operation.
    for (method, path, operation) in [
        (Method::GET, profile("reg-1"), "getApiRegistration"),
        (Method::DELETE, audit("audit-1"), "deleteJobsAccountAudit"),
        (
            Method::GET,
            format!("{AUDITS}options/"),
            "getJobsAccountAuditOptions",
        ),
    ] {
        let reply = call_router(router.clone(), empty(method, &path)).await;
        reply.assert_rejected(StatusCode::NOT_IMPLEMENTED, None, "not-implemented");
        let message = reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.contains(operation), "{message}");
    }
    // A body operation left out: the body is still checked first, then 501.
    let path = format!("{PROFILES}verify_api/");
    call_router(
        router.clone(),
        with_json(Method::POST, &path, &registration_input()),
    )
    .await
    .assert_rejected(StatusCode::NOT_IMPLEMENTED, None, "not-implemented");
    let too_long = with_field(registration_input(), "name", long(226));
    call_router(router, with_json(Method::POST, &path, &too_long))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body.name"), "maxLength");
}

// ---------------------------------------------------------------------------------------------
// 3. The body limit
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let small = ServerConfig { body_limit: 64 };
    let router = server::router_with_config(Mock::default(), small);

    let big = with_field(audit_input(), "job_name", Value::from("j".repeat(100)));
    call_router(router.clone(), with_json(Method::POST, AUDITS, &big))
        .await
        .assert_rejected(StatusCode::PAYLOAD_TOO_LARGE, Some("body"), "maxBodySize");
    call_router(
        router.clone(),
        with_json(Method::PUT, &profile("reg-1"), &registration_input()),
    )
    .await
    .assert_rejected(StatusCode::PAYLOAD_TOO_LARGE, Some("body"), "maxBodySize");
    // Under the limit the same router answers normally.
    let tiny = json!({ "organization": "o" });
    call_router(router, with_json(Method::POST, AUDITS, &tiny))
        .await
        .assert_status(StatusCode::CREATED);
    // The limit is inclusive: a body of exactly `body_limit` bytes passes, one more does not.
    let exact = tiny.to_string().len();
    let router = server::router_with_config(Mock::default(), ServerConfig { body_limit: exact });
    call_router(router.clone(), with_json(Method::POST, AUDITS, &tiny))
        .await
        .assert_status(StatusCode::CREATED);
    let one_more = json!({ "organization": "oo" });
    call_router(router, with_json(Method::POST, AUDITS, &one_more))
        .await
        .assert_rejected(StatusCode::PAYLOAD_TOO_LARGE, Some("body"), "maxBodySize");
    // The default limit (2 MiB) takes the big body.
    call(with_json(Method::POST, AUDITS, &big))
        .await
        .assert_status(StatusCode::CREATED);
}

// ---------------------------------------------------------------------------------------------
// 4. Client <-> server over TCP
// ---------------------------------------------------------------------------------------------

/// Serves `router(api)` on 127.0.0.1 and returns the base URL for the client.
async fn serve<A: Api>(api: A) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, server::router(api))
            .await
            .expect("the server runs");
    });
    format!("http://{addr}{BASE_PATH}")
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .api_key_auth(API_KEY)
        .build()
        .expect("the client builds")
}

/// An `ApiRegistration` with the required fields; `user` carries the API key received.
fn registration(id: &str, key: &str) -> ApiRegistration {
    serde_json::from_value(json!({
        "id": id,
        "authentication_type": "echo",
        "api_id": format!("api-{id}"),
        "organization": "echo-org",
        "user": key,
    }))
    .unwrap()
}

/// The input echoed back as an `ApiRegistration`, plus the read-only fields and the key.
fn registration_from_input(input: &ApiRegistrationInput, id: &str, key: &str) -> ApiRegistration {
    let mut value = serde_json::to_value(input).unwrap();
    value["id"] = json!(id);
    value["authentication_type"] = json!("echo");
    value["user"] = json!(key);
    serde_json::from_value(value).unwrap()
}

/// A `JobsAccountAudit` with the required fields; `task_owner` carries the API key received.
fn audit_record(id: &str, key: &str) -> JobsAccountAudit {
    serde_json::from_value(json!({
        "id": id,
        "creationtime": "2025-06-07",
        "agent_id": "agent-1",
        "connection_status": "connected",
        "failure_message": "",
        "organization": "echo-org",
        "task_owner": key,
    }))
    .unwrap()
}

/// The input echoed back as a `JobsAccountAudit`, plus the read-only fields and the key.
fn audit_from_input(input: &JobsAccountAuditInput, id: &str, key: &str) -> JobsAccountAudit {
    let mut value = serde_json::to_value(input).unwrap();
    value["id"] = json!(id);
    value["creationtime"] = json!("2025-06-07");
    value["agent_id"] = json!("agent-1");
    value["connection_status"] = json!("connected");
    value["failure_message"] = json!("");
    value["task_owner"] = json!(key);
    serde_json::from_value(value).unwrap()
}

/// What the echo server saw of the operations that answer without a body.
#[derive(Debug, PartialEq)]
enum Seen {
    Created {
        body: Box<ApiRegistrationCreate>,
        key: String,
    },
    DeletedRegistration {
        id: String,
        key: String,
    },
    DeletedAudit {
        id: String,
        key: String,
    },
}

/// Answers every operation with what it received: path/query parameters and the API key go
/// into response fields, bodies come back as they arrived; bodiless answers are logged.
#[derive(Clone, Default)]
struct Echo {
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Api for Echo {
    async fn list_api_registrations(
        &self,
        request: ListApiRegistrationsRequest,
    ) -> Result<ListApiRegistrationsResponse, ApiError> {
        let key = key_of(&request.credentials);
        let body = (0..request.items_per_page)
            .map(|i| {
                let mut item = registration(&format!("{}-{i}", request.page), key);
                item.name = request.sort.clone();
                item.is_active = request.reverse;
                item
            })
            .collect();
        Ok(ListApiRegistrationsResponse::Ok { body })
    }

    async fn create_api_registration(
        &self,
        request: CreateApiRegistrationRequest,
    ) -> Result<CreateApiRegistrationResponse, ApiError> {
        let key = key_of(&request.credentials).to_owned();
        self.seen.lock().unwrap().push(Seen::Created {
            body: Box::new(request.body),
            key,
        });
        Ok(CreateApiRegistrationResponse::Created)
    }

    async fn get_api_registration(
        &self,
        request: GetApiRegistrationRequest,
    ) -> Result<GetApiRegistrationResponse, ApiError> {
        let body = registration(&request.id, key_of(&request.credentials));
        Ok(GetApiRegistrationResponse::Ok { body })
    }

    async fn update_api_registration(
        &self,
        request: UpdateApiRegistrationRequest,
    ) -> Result<UpdateApiRegistrationResponse, ApiError> {
        let body =
            registration_from_input(&request.body, &request.id, key_of(&request.credentials));
        Ok(UpdateApiRegistrationResponse::Ok { body })
    }

    async fn delete_api_registration(
        &self,
        request: DeleteApiRegistrationRequest,
    ) -> Result<DeleteApiRegistrationResponse, ApiError> {
        let key = key_of(&request.credentials).to_owned();
        self.seen.lock().unwrap().push(Seen::DeletedRegistration {
            id: request.id,
            key,
        });
        Ok(DeleteApiRegistrationResponse::NoContent)
    }

    async fn list_all_api_registrations(
        &self,
        request: ListAllApiRegistrationsRequest,
    ) -> Result<ListAllApiRegistrationsResponse, ApiError> {
        let body = registration("allapi-list", key_of(&request.credentials));
        Ok(ListAllApiRegistrationsResponse::Ok { body })
    }

    async fn search_api_registrations(
        &self,
        request: SearchApiRegistrationsRequest,
    ) -> Result<SearchApiRegistrationsResponse, ApiError> {
        let body = registration("api_search", key_of(&request.credentials));
        Ok(SearchApiRegistrationsResponse::Ok { body })
    }

    async fn get_api_registration_options(
        &self,
        request: GetApiRegistrationOptionsRequest,
    ) -> Result<GetApiRegistrationOptionsResponse, ApiError> {
        let body = registration("options", key_of(&request.credentials));
        Ok(GetApiRegistrationOptionsResponse::Ok { body })
    }

    async fn verify_api_registration(
        &self,
        request: VerifyApiRegistrationRequest,
    ) -> Result<VerifyApiRegistrationResponse, ApiError> {
        let body = registration_from_input(&request.body, "verified", key_of(&request.credentials));
        Ok(VerifyApiRegistrationResponse::Ok { body })
    }

    async fn list_jobs_account_audits(
        &self,
        request: ListJobsAccountAuditsRequest,
    ) -> Result<ListJobsAccountAuditsResponse, ApiError> {
        let key = key_of(&request.credentials);
        let body = (0..request.items_per_page)
            .map(|i| {
                let mut item = audit_record(&format!("{}-{i}", request.page), key);
                item.job_name = request.sort.clone();
                item.config_type = request.reverse.map(|r| r.to_string());
                item
            })
            .collect();
        Ok(ListJobsAccountAuditsResponse::Ok { body })
    }

    async fn create_jobs_account_audit(
        &self,
        request: CreateJobsAccountAuditRequest,
    ) -> Result<CreateJobsAccountAuditResponse, ApiError> {
        let body = audit_from_input(&request.body, "created", key_of(&request.credentials));
        Ok(CreateJobsAccountAuditResponse::Created { body })
    }

    async fn get_jobs_account_audit(
        &self,
        request: GetJobsAccountAuditRequest,
    ) -> Result<GetJobsAccountAuditResponse, ApiError> {
        let body = audit_record(&request.id, key_of(&request.credentials));
        Ok(GetJobsAccountAuditResponse::Ok { body })
    }

    async fn update_jobs_account_audit(
        &self,
        request: UpdateJobsAccountAuditRequest,
    ) -> Result<UpdateJobsAccountAuditResponse, ApiError> {
        let body = audit_from_input(&request.body, &request.id, key_of(&request.credentials));
        Ok(UpdateJobsAccountAuditResponse::Ok { body })
    }

    async fn delete_jobs_account_audit(
        &self,
        request: DeleteJobsAccountAuditRequest,
    ) -> Result<DeleteJobsAccountAuditResponse, ApiError> {
        let key = key_of(&request.credentials).to_owned();
        self.seen.lock().unwrap().push(Seen::DeletedAudit {
            id: request.id,
            key,
        });
        Ok(DeleteJobsAccountAuditResponse::NoContent)
    }

    async fn get_jobs_account_audit_options(
        &self,
        request: GetJobsAccountAuditOptionsRequest,
    ) -> Result<GetJobsAccountAuditOptionsResponse, ApiError> {
        let body = audit_record("options", key_of(&request.credentials));
        Ok(GetJobsAccountAuditOptionsResponse::Ok { body })
    }
}

#[tokio::test]
async fn client_round_trip_api_registration_through_echo() {
    let echo = Echo::default();
    let base_url = serve(echo.clone()).await;
    let client = client(&base_url);
    let api = client.api_registration();

    // listApiRegistrations: every query parameter arrives typed.
    let list = api
        .list_api_registrations(3, 7)
        .reverse(true)
        .sort("name")
        .send()
        .await
        .expect("listApiRegistrations");
    assert_eq!(list.status(), StatusCode::OK);
    let ids: Vec<&str> = list.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["7-0", "7-1", "7-2"]);
    assert!(list.iter().all(|r| r.name.as_deref() == Some("name")));
    assert!(list.iter().all(|r| r.is_active == Some(true)));
    assert!(list.iter().all(|r| r.user.as_deref() == Some(API_KEY)));
    // Optional parameters left out arrive as `None`.
    let list = api.list_api_registrations(1, 1).send().await.expect("list");
    assert_eq!((list[0].name.as_deref(), list[0].is_active), (None, None));

    // createApiRegistration: 201 without a body; the body (extra properties too) arrived.
    let create: ApiRegistrationCreate = serde_json::from_value(registration_create()).unwrap();
    assert_eq!(create.additional_properties.len(), 1);
    let created = api
        .create_api_registration(create.clone())
        .send()
        .await
        .expect("createApiRegistration");
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(
        echo.seen.lock().unwrap().pop(),
        Some(Seen::Created {
            body: Box::new(create),
            key: API_KEY.to_owned()
        })
    );

    // getApiRegistration: an id that needs percent-encoding arrives intact.
    let got = api
        .get_api_registration(AWKWARD_ID)
        .send()
        .await
        .expect("getApiRegistration");
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.id, AWKWARD_ID);
    assert_eq!(got.user.as_deref(), Some(API_KEY));

    // updateApiRegistration: path parameter and body arrive intact.
    let input: ApiRegistrationInput = serde_json::from_value(registration_input()).unwrap();
    let updated = api
        .update_api_registration(AWKWARD_ID, input.clone())
        .send()
        .await
        .expect("updateApiRegistration")
        .into_inner();
    assert_eq!(
        updated,
        registration_from_input(&input, AWKWARD_ID, API_KEY)
    );
    assert_eq!(updated.api_modified_id, Some(None));

    // deleteApiRegistration: 204.
    let deleted = api
        .delete_api_registration("reg-9")
        .send()
        .await
        .expect("deleteApiRegistration");
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        echo.seen.lock().unwrap().pop(),
        Some(Seen::DeletedRegistration {
            id: "reg-9".into(),
            key: API_KEY.into()
        })
    );

    // The three fixed GET paths.
    let all = api
        .list_all_api_registrations()
        .send()
        .await
        .expect("listAllApiRegistrations");
    assert_eq!(all.id, "allapi-list");
    assert_eq!(all.user.as_deref(), Some(API_KEY));
    let search = api
        .search_api_registrations()
        .send()
        .await
        .expect("searchApiRegistrations");
    assert_eq!(search.id, "api_search");
    assert_eq!(search.user.as_deref(), Some(API_KEY));
    let options = api
        .get_api_registration_options()
        .send()
        .await
        .expect("getApiRegistrationOptions");
    assert_eq!(options.id, "options");
    assert_eq!(options.user.as_deref(), Some(API_KEY));

    // verifyApiRegistration: the body comes back as sent.
    let verified = api
        .verify_api_registration(input.clone())
        .send()
        .await
        .expect("verifyApiRegistration");
    assert_eq!(verified.status(), StatusCode::OK);
    assert_eq!(
        verified.into_inner(),
        registration_from_input(&input, "verified", API_KEY)
    );
}

#[tokio::test]
async fn client_round_trip_jobs_account_audit_through_echo() {
    let echo = Echo::default();
    let base_url = serve(echo.clone()).await;
    let client = client(&base_url);
    let api = client.jobs_account_audit();

    let list = api
        .list_jobs_account_audits(2, 4)
        .reverse(false)
        .sort("-job_name")
        .send()
        .await
        .expect("listJobsAccountAudits");
    assert_eq!(list.status(), StatusCode::OK);
    let ids: Vec<&str> = list.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["4-0", "4-1"]);
    assert!(list
        .iter()
        .all(|r| r.job_name.as_deref() == Some("-job_name")));
    assert!(list
        .iter()
        .all(|r| r.config_type.as_deref() == Some("false")));
    assert!(list
        .iter()
        .all(|r| r.task_owner.as_deref() == Some(API_KEY)));

    let input: JobsAccountAuditInput = serde_json::from_value(audit_input()).unwrap();
    let created = api
        .create_jobs_account_audit(input.clone())
        .send()
        .await
        .expect("createJobsAccountAudit");
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(
        created.into_inner(),
        audit_from_input(&input, "created", API_KEY)
    );

    let got = api
        .get_jobs_account_audit(AWKWARD_ID)
        .send()
        .await
        .expect("getJobsAccountAudit");
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.into_inner(), audit_record(AWKWARD_ID, API_KEY));

    let mut changed = input.clone();
    changed.error = Some("e".repeat(2000));
    changed.last_update_time = None;
    let updated = api
        .update_jobs_account_audit("audit-3", changed.clone())
        .send()
        .await
        .expect("updateJobsAccountAudit");
    assert_eq!(updated.status(), StatusCode::OK);
    assert_eq!(
        updated.into_inner(),
        audit_from_input(&changed, "audit-3", API_KEY)
    );

    let deleted = api
        .delete_jobs_account_audit(AWKWARD_ID)
        .send()
        .await
        .expect("deleteJobsAccountAudit");
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        echo.seen.lock().unwrap().pop(),
        Some(Seen::DeletedAudit {
            id: AWKWARD_ID.into(),
            key: API_KEY.into()
        })
    );

    let options = api
        .get_jobs_account_audit_options()
        .send()
        .await
        .expect("getJobsAccountAuditOptions");
    assert_eq!(options.status(), StatusCode::OK);
    assert_eq!(options.into_inner(), audit_record("options", API_KEY));
}

#[tokio::test]
async fn client_round_trip_every_operation_against_mock() {
    let base_url = serve(Mock::default()).await;
    let client = client(&base_url);
    let registrations = client.api_registration();
    let audits = client.jobs_account_audit();
    let input: ApiRegistrationInput = serde_json::from_value(registration_input()).unwrap();
    let create: ApiRegistrationCreate = serde_json::from_value(registration_create()).unwrap();
    let audit_body: JobsAccountAuditInput = serde_json::from_value(audit_input()).unwrap();

    let list = registrations
        .list_api_registrations(1, 1)
        .send()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_mock_registration(&list[0]);
    let created = registrations
        .create_api_registration(create)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_mock_registration(
        &registrations
            .get_api_registration("x")
            .send()
            .await
            .unwrap(),
    );
    assert_mock_registration(
        &registrations
            .update_api_registration("x", input.clone())
            .send()
            .await
            .unwrap(),
    );
    let deleted = registrations
        .delete_api_registration("x")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_mock_registration(
        &registrations
            .list_all_api_registrations()
            .send()
            .await
            .unwrap(),
    );
    assert_mock_registration(
        &registrations
            .search_api_registrations()
            .send()
            .await
            .unwrap(),
    );
    assert_mock_registration(
        &registrations
            .get_api_registration_options()
            .send()
            .await
            .unwrap(),
    );
    assert_mock_registration(
        &registrations
            .verify_api_registration(input)
            .send()
            .await
            .unwrap(),
    );

    let list = audits.list_jobs_account_audits(1, 1).send().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_mock_audit(&list[0]);
    let created = audits
        .create_jobs_account_audit(audit_body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_mock_audit(&created);
    assert_mock_audit(&audits.get_jobs_account_audit("x").send().await.unwrap());
    assert_mock_audit(
        &audits
            .update_jobs_account_audit("x", audit_body)
            .send()
            .await
            .unwrap(),
    );
    let deleted = audits.delete_jobs_account_audit("x").send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_mock_audit(
        &audits
            .get_jobs_account_audit_options()
            .send()
            .await
            .unwrap(),
    );
}

#[tokio::test]
async fn client_sees_the_servers_rejections() {
    let base_url = serve(Mock::default()).await;

    // No API key configured: the server answers 401 with its JSON error.
    let anonymous = Client::builder().base_url(&base_url).build().unwrap();
    let error = anonymous
        .api_registration()
        .get_api_registration("x")
        .send()
        .await
        .expect_err("401 without the key");
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(error.body().unwrap()["error"]["rule"], "security");

    // The client does not check `maxLength`; the server does and names the field.
    let mut input: JobsAccountAuditInput = serde_json::from_value(audit_input()).unwrap();
    input.organization = "o".repeat(26);
    let error = client(&base_url)
        .jobs_account_audit()
        .create_jobs_account_audit(input)
        .send()
        .await
        .expect_err("400 for a too-long organization");
    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
    let body = error.body().unwrap();
    assert_eq!(body["error"]["field"], "body.organization");
    assert_eq!(body["error"]["rule"], "maxLength");
}
