//! The generated Apono server (`apono_api::server`, 17 operations, all Bearer).
//!
//! Every response body is the free-form `UndocumentedObject` (a JSON object), so the mock
//! answers `{}`; the echoing implementation below puts what it received into that object.
//!
//! 1. Every operation through `router(Mock)` with `oneshot`: the happy path (right method and
//!    path, a bearer token, valid params/body -> the declared status and a JSON object), and
//!    rejections (401 without a token, 400 naming a bad parameter or body field, 415 for a
//!    wrong content type, `maxLength` of `custom_access_details` in the v4 bodies).
//! 2. A partial custom `Api`: the typed requests hold what was sent; a method left out is 501.
//! 3. The body limit of `router_with_config` (413).
//! 4. The generated client against the generated server over real TCP, for every operation,
//!    against an echoing implementation and against `Mock`.

use std::sync::{Arc, Mutex};

use apono_api::server::{
    self, Api, ApiError, CreateIntegrationV2Request, CreateIntegrationV2Response,
    CreateIntegrationV4Request, CreateIntegrationV4Response, Credentials,
    DeleteIntegrationV2Request, DeleteIntegrationV2Response, DeleteIntegrationV4Request,
    DeleteIntegrationV4Response, GetIntegrationConfigRequest, GetIntegrationConfigResponse,
    GetIntegrationPermissionsRequest, GetIntegrationPermissionsResponse,
    GetIntegrationResourcesRequest, GetIntegrationResourcesResponse, GetIntegrationV2Request,
    GetIntegrationV2Response, GetIntegrationV4Request, GetIntegrationV4Response,
    GetResourceUserTagsRequest, GetResourceUserTagsResponse, ListIntegrationConfigsRequest,
    ListIntegrationConfigsResponse, ListIntegrationsV2Request, ListIntegrationsV2Response,
    ListIntegrationsV4Request, ListIntegrationsV4Response, Mock, RefreshIntegrationV2Request,
    RefreshIntegrationV2Response, ServerConfig, UpdateIntegrationV2Request,
    UpdateIntegrationV2Response, UpdateIntegrationV4Request, UpdateIntegrationV4Response,
    UpdateResourceUserTagsRequest, UpdateResourceUserTagsResponse, BASE_PATH,
};
use apono_api::{
    Client, IntegrationV2CreateRequest, IntegrationV2UpdateRequest, IntegrationV4CreateRequest,
    IntegrationV4UpdateRequest, UndocumentedObject,
};
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt as _;
use serde_json::{json, Value};
use tower::ServiceExt as _;

const TOKEN: &str = "apono-token-5d1e";

const V4: &str = "/api/admin/v4/integrations";
const V2: &str = "/api/v2/integrations";
const CATALOG: &str = "/api/v2/integrations-catalog";
const V3: &str = "/api/v3/integrations";

/// An id that needs percent-encoding in a path segment (space, slash, `?`, non-ASCII).
const AWKWARD_ID: &str = "int 7/ä?x";
const AWKWARD_ID_ENCODED: &str = "int%207%2F%C3%A4%3Fx";

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

    /// 200 with a JSON object (`UndocumentedObject`), which is returned.
    #[track_caller]
    fn assert_object(&self) -> UndocumentedObject {
        self.assert_status(StatusCode::OK);
        assert_eq!(self.content_type(), "application/json", "{}", self.text());
        serde_json::from_slice::<UndocumentedObject>(&self.bytes)
            .unwrap_or_else(|e| panic!("the body is no JSON object: {e}: {}", self.text()))
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

    #[track_caller]
    fn assert_unauthorized(&self) {
        self.assert_rejected(StatusCode::UNAUTHORIZED, None, "security");
    }
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

/// Sends `request` to `router(Mock)`.
async fn call(request: Request<Body>) -> Reply {
    call_router(server::router(Mock::default()), request).await
}

fn anonymous(method: Method, path: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(format!("{BASE_PATH}{path}"))
}

fn bearer(method: Method, path: &str) -> axum::http::request::Builder {
    anonymous(method, path).header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
}

fn empty(method: Method, path: &str) -> Request<Body> {
    bearer(method, path).body(Body::empty()).unwrap()
}

fn no_token(method: Method, path: &str) -> Request<Body> {
    anonymous(method, path).body(Body::empty()).unwrap()
}

fn with_json(method: Method, path: &str, body: &Value) -> Request<Body> {
    raw(method, path, "application/json", &body.to_string())
}

fn raw(method: Method, path: &str, content_type: &str, body: &str) -> Request<Body> {
    bearer(method, path)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn v4_create() -> Value {
    json!({
        "name": "prod-postgres",
        "type": "postgresql",
        "connector_id": null,
        "integration_config": { "hostname": "db.internal", "port": 5432 },
        "secret_store_config": { "aws": { "region": "eu-west-1", "secret_id": "s-1" } },
        "connected_resource_types": ["postgresql-database"],
        "custom_access_details": "Ask #db-team",
        "owner": { "type": "GROUP", "values": ["dba"] }
    })
}

fn v4_update() -> Value {
    json!({
        "name": "prod-postgres-2",
        "integration_config": { "hostname": "db2.internal" },
        "connected_resource_types": null,
        "owners_mapping": { "key_name": "owner" }
    })
}

fn v2_create() -> Value {
    json!({
        "name": "aws-account",
        "type": "aws-account",
        "provisioner_id": "conn-9",
        "metadata": { "region": "us-east-1" },
        "secret_config": { "aws": { "secret_id": "s-2" } },
        "custom_access_details": "x".repeat(500)
    })
}

fn v2_update() -> Value {
    json!({ "name": "aws-account-2", "metadata": {}, "provisioner_id": null })
}

fn with_field(mut body: Value, field: &str, value: Value) -> Value {
    body[field] = value;
    body
}

fn long(n: usize) -> Value {
    Value::from("d".repeat(n))
}

// ---------------------------------------------------------------------------------------------
// 1. Every operation through router(Mock)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_integrations_v4() {
    let uri = format!(
        "{V4}?category=db&category=cloud&connector_id=c1&limit=10&name=prod*\
         &page_token=next-1&status=Active&type=postgresql&type=mysql"
    );
    assert!(call(empty(Method::GET, &uri))
        .await
        .assert_object()
        .is_empty());
    // Every parameter is optional.
    call(empty(Method::GET, V4)).await.assert_object();

    call(no_token(Method::GET, &uri))
        .await
        .assert_unauthorized();
    let bad = format!("{V4}?limit=ten");
    call(empty(Method::GET, &bad)).await.assert_rejected(
        StatusCode::BAD_REQUEST,
        Some("limit"),
        "type",
    );
    // `limit` is int32.
    let overflow = format!("{V4}?limit=3000000000");
    call(empty(Method::GET, &overflow)).await.assert_rejected(
        StatusCode::BAD_REQUEST,
        Some("limit"),
        "type",
    );
}

#[tokio::test]
async fn create_integration_v4() {
    assert!(call(with_json(Method::POST, V4, &v4_create()))
        .await
        .assert_object()
        .is_empty());

    call(no_token(Method::POST, V4)).await.assert_unauthorized();
    let too_long = with_field(v4_create(), "custom_access_details", long(401));
    call(with_json(Method::POST, V4, &too_long))
        .await
        .assert_rejected(
            StatusCode::BAD_REQUEST,
            Some("body.custom_access_details"),
            "maxLength",
        );
    // 400 characters are allowed, and so is null (the field is nullable).
    let at_limit = with_field(v4_create(), "custom_access_details", long(400));
    call(with_json(Method::POST, V4, &at_limit))
        .await
        .assert_object();
    let null = with_field(v4_create(), "custom_access_details", Value::Null);
    call(with_json(Method::POST, V4, &null))
        .await
        .assert_object();
    let not_object = with_field(v4_create(), "integration_config", json!("host=db"));
    call(with_json(Method::POST, V4, &not_object))
        .await
        .assert_rejected(
            StatusCode::BAD_REQUEST,
            Some("body.integration_config"),
            "type",
        );
    let text = v4_create().to_string();
    call(raw(Method::POST, V4, "text/plain", &text))
        .await
        .assert_rejected(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("body"),
            "content-type",
        );
}

#[tokio::test]
async fn get_integration_v4() {
    let path = format!("{V4}/int-1");
    assert!(call(empty(Method::GET, &path))
        .await
        .assert_object()
        .is_empty());

    call(no_token(Method::GET, &path))
        .await
        .assert_unauthorized();
    let blank = anonymous(Method::GET, &path)
        .header(header::AUTHORIZATION, "Bearer ")
        .body(Body::empty())
        .unwrap();
    call(blank).await.assert_unauthorized();
    let wrong_scheme = anonymous(Method::GET, &path)
        .header(header::AUTHORIZATION, TOKEN)
        .body(Body::empty())
        .unwrap();
    call(wrong_scheme).await.assert_unauthorized();
}

#[tokio::test]
async fn update_integration_v4() {
    let path = format!("{V4}/int-1");
    call(with_json(Method::PUT, &path, &v4_update()))
        .await
        .assert_object();

    call(no_token(Method::PUT, &path))
        .await
        .assert_unauthorized();
    let too_long = with_field(v4_update(), "custom_access_details", long(1000));
    call(with_json(Method::PUT, &path, &too_long))
        .await
        .assert_rejected(
            StatusCode::BAD_REQUEST,
            Some("body.custom_access_details"),
            "maxLength",
        );
    call(raw(Method::PUT, &path, "application/json", "{\"name\": "))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body.name"), "json");
    let trailing = format!("{} {{}}", v4_update());
    call(raw(Method::PUT, &path, "application/json", &trailing))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body"), "json");
    let wrong_item = with_field(v4_update(), "connected_resource_types", json!(["db", 1]));
    call(with_json(Method::PUT, &path, &wrong_item))
        .await
        .assert_rejected(
            StatusCode::BAD_REQUEST,
            Some("body.connected_resource_types[1]"),
            "type",
        );
}

#[tokio::test]
async fn delete_integration_v4() {
    let path = format!("{V4}/{AWKWARD_ID_ENCODED}");
    let reply = call(empty(Method::DELETE, &path)).await;
    reply.assert_status(StatusCode::NO_CONTENT);
    assert!(reply.bytes.is_empty(), "{}", reply.text());

    call(no_token(Method::DELETE, &path))
        .await
        .assert_unauthorized();
}

#[tokio::test]
async fn list_integrations_v2() {
    call(empty(Method::GET, V2)).await.assert_object();

    call(no_token(Method::GET, V2)).await.assert_unauthorized();
}

#[tokio::test]
async fn create_integration_v2() {
    // No maxLength on the v2 `custom_access_details` (500 characters here).
    call(with_json(Method::POST, V2, &v2_create()))
        .await
        .assert_object();

    call(no_token(Method::POST, V2)).await.assert_unauthorized();
    let text = v2_create().to_string();
    call(raw(
        Method::POST,
        V2,
        "application/x-www-form-urlencoded",
        &text,
    ))
    .await
    .assert_rejected(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Some("body"),
        "content-type",
    );
    // `secret_config` is a map whose values are objects.
    let bad_secret = with_field(v2_create(), "secret_config", json!({ "aws": "s-2" }));
    call(with_json(Method::POST, V2, &bad_secret))
        .await
        .assert_rejected(
            StatusCode::BAD_REQUEST,
            Some("body.secret_config.aws"),
            "type",
        );
    call(raw(Method::POST, V2, "application/json", ""))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body"), "required");
}

#[tokio::test]
async fn list_integration_configs() {
    call(empty(Method::GET, CATALOG)).await.assert_object();

    call(no_token(Method::GET, CATALOG))
        .await
        .assert_unauthorized();
}

#[tokio::test]
async fn get_integration_config() {
    let path = format!("{CATALOG}/postgresql");
    call(empty(Method::GET, &path)).await.assert_object();

    call(no_token(Method::GET, &path))
        .await
        .assert_unauthorized();
}

#[tokio::test]
async fn get_integration_v2() {
    let path = format!("{V2}/int-2");
    call(empty(Method::GET, &path)).await.assert_object();

    call(no_token(Method::GET, &path))
        .await
        .assert_unauthorized();
}

#[tokio::test]
async fn update_integration_v2() {
    let path = format!("{V2}/int-2");
    call(with_json(Method::PUT, &path, &v2_update()))
        .await
        .assert_object();

    call(no_token(Method::PUT, &path))
        .await
        .assert_unauthorized();
    let not_object = with_field(v2_update(), "metadata", json!([1, 2]));
    call(with_json(Method::PUT, &path, &not_object))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body.metadata"), "type");
    let text = v2_update().to_string();
    call(raw(Method::PUT, &path, "text/json", &text))
        .await
        .assert_rejected(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("body"),
            "content-type",
        );
}

#[tokio::test]
async fn delete_integration_v2() {
    // Unlike v4 (204), the v2 delete answers 200 with a body.
    let path = format!("{V2}/int-2");
    call(empty(Method::DELETE, &path)).await.assert_object();

    call(no_token(Method::DELETE, &path))
        .await
        .assert_unauthorized();
}

#[tokio::test]
async fn refresh_integration_v2() {
    let path = format!("{V2}/int-2/refresh");
    call(empty(Method::POST, &path)).await.assert_object();

    call(no_token(Method::POST, &path))
        .await
        .assert_unauthorized();
}

#[tokio::test]
async fn get_resource_user_tags() {
    let path = format!("{V3}/resources/res-1/user-tags");
    call(empty(Method::GET, &path)).await.assert_object();

    call(no_token(Method::GET, &path))
        .await
        .assert_unauthorized();
}

#[tokio::test]
async fn update_resource_user_tags() {
    let path = format!("{V3}/resources/res-1/user-tags");
    let tags = json!({ "tags": [{ "name": "env", "value": "prod" }] });
    call(with_json(Method::PUT, &path, &tags))
        .await
        .assert_object();
    // The body is free-form, but it must be an object.
    call(with_json(Method::PUT, &path, &json!({})))
        .await
        .assert_object();

    call(no_token(Method::PUT, &path))
        .await
        .assert_unauthorized();
    call(with_json(Method::PUT, &path, &json!(["env"])))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body"), "type");
    call(raw(Method::PUT, &path, "text/plain", "env=prod"))
        .await
        .assert_rejected(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("body"),
            "content-type",
        );
}

#[tokio::test]
async fn get_integration_permissions() {
    let path = format!("{V3}/int-3/permissions?resource-type=postgresql-database");
    call(empty(Method::GET, &path)).await.assert_object();
    call(empty(Method::GET, &format!("{V3}/int-3/permissions")))
        .await
        .assert_object();

    call(no_token(Method::GET, &path))
        .await
        .assert_unauthorized();
}

#[tokio::test]
async fn get_integration_resources() {
    let path = format!("{V3}/int-3/resources?resource-type=postgresql-database");
    call(empty(Method::GET, &path)).await.assert_object();
    call(empty(Method::GET, &format!("{V3}/int-3/resources")))
        .await
        .assert_object();

    call(no_token(Method::GET, &path))
        .await
        .assert_unauthorized();
}

#[tokio::test]
async fn unknown_paths_and_methods_are_json_errors() {
    call(empty(Method::GET, "/api/v9/integrations"))
        .await
        .assert_rejected(StatusCode::NOT_FOUND, None, "route");
    call(empty(Method::PATCH, V2)).await.assert_rejected(
        StatusCode::METHOD_NOT_ALLOWED,
        None,
        "method",
    );
}

#[tokio::test]
async fn mock_with_secret_checks_the_token() {
    let router = server::router(Mock::with_secret(TOKEN));
    call_router(router.clone(), empty(Method::GET, V2))
        .await
        .assert_object();
    let wrong = anonymous(Method::GET, V2)
        .header(header::AUTHORIZATION, "Bearer stolen")
        .body(Body::empty())
        .unwrap();
    call_router(router, wrong).await.assert_unauthorized();
}

// ---------------------------------------------------------------------------------------------
// 2. A partial custom implementation
// ---------------------------------------------------------------------------------------------

/// The typed requests the partial implementation received.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // a test record; sizes do not matter
enum Received {
    ListV4(ListIntegrationsV4Request),
    CreateV4(CreateIntegrationV4Request),
    Permissions(GetIntegrationPermissionsRequest),
}

/// Implements three operations and leaves the other fourteen to the trait's 501 default.
#[derive(Clone, Default)]
struct Partial {
    received: Arc<Mutex<Vec<Received>>>,
}

impl Partial {
    fn last(&self) -> Received {
        self.received
            .lock()
            .unwrap()
            .pop()
            .expect("a request arrived")
    }
}

impl Api for Partial {
    async fn list_integrations_v4(
        &self,
        request: ListIntegrationsV4Request,
    ) -> Result<ListIntegrationsV4Response, ApiError> {
        self.received
            .lock()
            .unwrap()
            .push(Received::ListV4(request));
        Ok(ListIntegrationsV4Response::Ok {
            body: UndocumentedObject::new(),
        })
    }

    async fn create_integration_v4(
        &self,
        request: CreateIntegrationV4Request,
    ) -> Result<CreateIntegrationV4Response, ApiError> {
        if request.body.name == "taken" {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "unique",
                "the name is taken",
            ));
        }
        self.received
            .lock()
            .unwrap()
            .push(Received::CreateV4(request));
        Ok(CreateIntegrationV4Response::Ok {
            body: UndocumentedObject::new(),
        })
    }

    async fn get_integration_permissions(
        &self,
        request: GetIntegrationPermissionsRequest,
    ) -> Result<GetIntegrationPermissionsResponse, ApiError> {
        self.received
            .lock()
            .unwrap()
            .push(Received::Permissions(request));
        Ok(GetIntegrationPermissionsResponse::Ok {
            body: UndocumentedObject::new(),
        })
    }
}

fn strings(items: &[&str]) -> Option<Vec<String>> {
    Some(items.iter().map(|s| (*s).to_owned()).collect())
}

#[tokio::test]
async fn custom_implementation_gets_typed_requests() {
    let api = Partial::default();
    let router = server::router(api.clone());

    // Exploded array parameters, int32, nullable strings.
    let uri = format!(
        "{V4}?category=db&category=cloud&connector_id=c1&limit=25&name=prod%2A\
         &page_token=tok%3D%3D&status=Active&status=Failed&type=42"
    );
    call_router(router.clone(), empty(Method::GET, &uri))
        .await
        .assert_object();
    let Received::ListV4(list) = api.last() else {
        panic!("not listIntegrationsV4");
    };
    assert_eq!(list.category, strings(&["db", "cloud"]));
    assert_eq!(list.connector_id, strings(&["c1"]));
    assert_eq!(list.limit, Some(25));
    assert_eq!(list.name.as_deref(), Some("prod*"));
    assert_eq!(list.page_token.as_deref(), Some("tok=="));
    assert_eq!(list.status, strings(&["Active", "Failed"]));
    assert_eq!(
        list.type_,
        strings(&["42"]),
        "a numeric-looking item stays a string"
    );
    assert_eq!(list.credentials.bearer_auth.unwrap().expose(), TOKEN);
    // Nothing given: all `None`.
    call_router(router.clone(), empty(Method::GET, V4))
        .await
        .assert_object();
    let Received::ListV4(list) = api.last() else {
        panic!("not listIntegrationsV4");
    };
    assert_eq!(
        (list.category, list.limit, list.name, list.type_),
        (None, None, None, None)
    );

    // JSON body: nullable fields distinguish null from absent.
    call_router(router.clone(), with_json(Method::POST, V4, &v4_create()))
        .await
        .assert_object();
    let Received::CreateV4(create) = api.last() else {
        panic!("not createIntegrationV4");
    };
    assert_eq!(create.credentials.bearer_auth.unwrap().expose(), TOKEN);
    assert_eq!(create.body.name, "prod-postgres");
    assert_eq!(create.body.type_, "postgresql");
    assert_eq!(create.body.connector_id, Some(None), "explicit null");
    assert_eq!(create.body.owners_mapping, None, "absent");
    assert_eq!(create.body.integration_config["port"], 5432);
    assert_eq!(
        create.body.secret_store_config.flatten().unwrap()["aws"]["region"],
        "eu-west-1"
    );
    assert_eq!(
        create.body.connected_resource_types,
        Some(strings(&["postgresql-database"]))
    );
    assert_eq!(
        create.body.custom_access_details,
        Some(Some("Ask #db-team".into()))
    );
    // An error the implementation returns is answered as JSON.
    let taken = with_field(v4_create(), "name", json!("taken"));
    call_router(router.clone(), with_json(Method::POST, V4, &taken))
        .await
        .assert_rejected(StatusCode::CONFLICT, None, "unique");

    // Percent-encoded path parameter plus the hyphenated query parameter.
    let path = format!("{V3}/{AWKWARD_ID_ENCODED}/permissions?resource-type=s3-bucket");
    call_router(router.clone(), empty(Method::GET, &path))
        .await
        .assert_object();
    let Received::Permissions(permissions) = api.last() else {
        panic!("not getIntegrationPermissions");
    };
    assert_eq!(permissions.id, AWKWARD_ID);
    assert_eq!(permissions.resource_type.as_deref(), Some("s3-bucket"));

    // Rejected requests never reach the implementation.
    call_router(router.clone(), no_token(Method::GET, V4))
        .await
        .assert_unauthorized();
    let too_long = with_field(v4_create(), "custom_access_details", long(401));
    call_router(router.clone(), with_json(Method::POST, V4, &too_long))
        .await
        .assert_rejected(
            StatusCode::BAD_REQUEST,
            Some("body.custom_access_details"),
            "maxLength",
        );
    assert!(api.received.lock().unwrap().is_empty());

    // Methods left out answer 501 with a JSON error naming the operation.
    for (request, operation) in [
        (
            empty(Method::GET, &format!("{V4}/int-1")),
            "getIntegrationV4",
        ),
        (
            empty(Method::DELETE, &format!("{V4}/int-1")),
            "deleteIntegrationV4",
        ),
        (empty(Method::GET, V2), "listIntegrationsV2"),
        (
            with_json(Method::POST, V2, &v2_create()),
            "createIntegrationV2",
        ),
        (
            empty(Method::GET, &format!("{V3}/int-1/resources")),
            "getIntegrationResources",
        ),
    ] {
        let reply = call_router(router.clone(), request).await;
        reply.assert_rejected(StatusCode::NOT_IMPLEMENTED, None, "not-implemented");
        let message = reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.contains(operation), "{message}");
    }
}

// ---------------------------------------------------------------------------------------------
// 3. The body limit
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let router = server::router_with_config(Mock::default(), ServerConfig { body_limit: 100 });

    let big_tags = json!({ "tags": (0..50).map(|i| format!("tag-{i}")).collect::<Vec<_>>() });
    let path = format!("{V3}/resources/res-1/user-tags");
    call_router(router.clone(), with_json(Method::PUT, &path, &big_tags))
        .await
        .assert_rejected(StatusCode::PAYLOAD_TOO_LARGE, Some("body"), "maxBodySize");
    call_router(router.clone(), with_json(Method::POST, V2, &v2_create()))
        .await
        .assert_rejected(StatusCode::PAYLOAD_TOO_LARGE, Some("body"), "maxBodySize");
    // Small bodies pass the same router; the default limit takes the big one.
    call_router(
        router,
        with_json(Method::PUT, &path, &json!({ "tags": [] })),
    )
    .await
    .assert_object();
    call(with_json(Method::PUT, &path, &big_tags))
        .await
        .assert_object();
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
        .bearer_auth(TOKEN)
        .build()
        .expect("the client builds")
}

/// `{"operation": .., "token": .., ...fields}`: what the echo server answers.
fn echo(operation: &str, credentials: &Credentials, fields: Value) -> UndocumentedObject {
    let mut object = UndocumentedObject::new();
    object.insert("operation".into(), json!(operation));
    let token = credentials.bearer_auth.as_ref().map(|s| s.expose());
    object.insert("token".into(), json!(token));
    if let Value::Object(fields) = fields {
        object.extend(fields);
    }
    object
}

/// Answers every operation with a JSON object holding what it received.
#[derive(Clone, Copy, Default)]
struct Echo;

impl Api for Echo {
    async fn list_integrations_v4(
        &self,
        request: ListIntegrationsV4Request,
    ) -> Result<ListIntegrationsV4Response, ApiError> {
        let body = echo(
            "listIntegrationsV4",
            &request.credentials,
            json!({
                "category": request.category,
                "connector_id": request.connector_id,
                "limit": request.limit,
                "name": request.name,
                "page_token": request.page_token,
                "status": request.status,
                "type": request.type_,
            }),
        );
        Ok(ListIntegrationsV4Response::Ok { body })
    }

    async fn create_integration_v4(
        &self,
        request: CreateIntegrationV4Request,
    ) -> Result<CreateIntegrationV4Response, ApiError> {
        let body = echo(
            "createIntegrationV4",
            &request.credentials,
            json!({ "body": request.body }),
        );
        Ok(CreateIntegrationV4Response::Ok { body })
    }

    async fn get_integration_v4(
        &self,
        request: GetIntegrationV4Request,
    ) -> Result<GetIntegrationV4Response, ApiError> {
        let body = echo(
            "getIntegrationV4",
            &request.credentials,
            json!({ "id": request.id }),
        );
        Ok(GetIntegrationV4Response::Ok { body })
    }

    async fn update_integration_v4(
        &self,
        request: UpdateIntegrationV4Request,
    ) -> Result<UpdateIntegrationV4Response, ApiError> {
        let body = echo(
            "updateIntegrationV4",
            &request.credentials,
            json!({ "id": request.id, "body": request.body }),
        );
        Ok(UpdateIntegrationV4Response::Ok { body })
    }

    async fn delete_integration_v4(
        &self,
        request: DeleteIntegrationV4Request,
    ) -> Result<DeleteIntegrationV4Response, ApiError> {
        // 204 has no body: refuse anything but the expected id and token instead.
        let token = request.credentials.bearer_auth.as_ref().map(|s| s.expose());
        if request.id != AWKWARD_ID || token != Some(TOKEN) {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "echo",
                format!("unexpected id {:?} or token", request.id),
            ));
        }
        Ok(DeleteIntegrationV4Response::NoContent)
    }

    async fn list_integrations_v2(
        &self,
        request: ListIntegrationsV2Request,
    ) -> Result<ListIntegrationsV2Response, ApiError> {
        let body = echo("listIntegrationsV2", &request.credentials, json!({}));
        Ok(ListIntegrationsV2Response::Ok { body })
    }

    async fn create_integration_v2(
        &self,
        request: CreateIntegrationV2Request,
    ) -> Result<CreateIntegrationV2Response, ApiError> {
        let body = echo(
            "createIntegrationV2",
            &request.credentials,
            json!({ "body": request.body }),
        );
        Ok(CreateIntegrationV2Response::Ok { body })
    }

    async fn list_integration_configs(
        &self,
        request: ListIntegrationConfigsRequest,
    ) -> Result<ListIntegrationConfigsResponse, ApiError> {
        let body = echo("listIntegrationConfigs", &request.credentials, json!({}));
        Ok(ListIntegrationConfigsResponse::Ok { body })
    }

    async fn get_integration_config(
        &self,
        request: GetIntegrationConfigRequest,
    ) -> Result<GetIntegrationConfigResponse, ApiError> {
        let body = echo(
            "getIntegrationConfig",
            &request.credentials,
            json!({ "type": request.type_ }),
        );
        Ok(GetIntegrationConfigResponse::Ok { body })
    }

    async fn get_integration_v2(
        &self,
        request: GetIntegrationV2Request,
    ) -> Result<GetIntegrationV2Response, ApiError> {
        let body = echo(
            "getIntegrationV2",
            &request.credentials,
            json!({ "id": request.id }),
        );
        Ok(GetIntegrationV2Response::Ok { body })
    }

    async fn update_integration_v2(
        &self,
        request: UpdateIntegrationV2Request,
    ) -> Result<UpdateIntegrationV2Response, ApiError> {
        let body = echo(
            "updateIntegrationV2",
            &request.credentials,
            json!({ "id": request.id, "body": request.body }),
        );
        Ok(UpdateIntegrationV2Response::Ok { body })
    }

    async fn delete_integration_v2(
        &self,
        request: DeleteIntegrationV2Request,
    ) -> Result<DeleteIntegrationV2Response, ApiError> {
        let body = echo(
            "deleteIntegrationV2",
            &request.credentials,
            json!({ "id": request.id }),
        );
        Ok(DeleteIntegrationV2Response::Ok { body })
    }

    async fn refresh_integration_v2(
        &self,
        request: RefreshIntegrationV2Request,
    ) -> Result<RefreshIntegrationV2Response, ApiError> {
        let body = echo(
            "refreshIntegrationV2",
            &request.credentials,
            json!({ "id": request.id }),
        );
        Ok(RefreshIntegrationV2Response::Ok { body })
    }

    async fn get_resource_user_tags(
        &self,
        request: GetResourceUserTagsRequest,
    ) -> Result<GetResourceUserTagsResponse, ApiError> {
        let body = echo(
            "getResourceUserTags",
            &request.credentials,
            json!({ "resource_id": request.resource_id }),
        );
        Ok(GetResourceUserTagsResponse::Ok { body })
    }

    async fn update_resource_user_tags(
        &self,
        request: UpdateResourceUserTagsRequest,
    ) -> Result<UpdateResourceUserTagsResponse, ApiError> {
        let body = echo(
            "updateResourceUserTags",
            &request.credentials,
            json!({ "resource_id": request.resource_id, "body": request.body }),
        );
        Ok(UpdateResourceUserTagsResponse::Ok { body })
    }

    async fn get_integration_permissions(
        &self,
        request: GetIntegrationPermissionsRequest,
    ) -> Result<GetIntegrationPermissionsResponse, ApiError> {
        let body = echo(
            "getIntegrationPermissions",
            &request.credentials,
            json!({ "id": request.id, "resource_type": request.resource_type }),
        );
        Ok(GetIntegrationPermissionsResponse::Ok { body })
    }

    async fn get_integration_resources(
        &self,
        request: GetIntegrationResourcesRequest,
    ) -> Result<GetIntegrationResourcesResponse, ApiError> {
        let body = echo(
            "getIntegrationResources",
            &request.credentials,
            json!({ "id": request.id, "resource_type": request.resource_type }),
        );
        Ok(GetIntegrationResourcesResponse::Ok { body })
    }
}

/// The echo of `operation` with the expected token and `fields`.
fn expected(operation: &str, fields: Value) -> Value {
    let mut value = json!({ "operation": operation, "token": TOKEN });
    value
        .as_object_mut()
        .unwrap()
        .extend(fields.as_object().unwrap().clone());
    value
}

#[tokio::test]
async fn client_round_trip_every_operation_through_echo() {
    let base_url = serve(Echo).await;
    let client = client(&base_url);
    let api = client.integrations();

    // listIntegrationsV4: every query parameter, arrays exploded.
    let list = api
        .list_integrations_v4()
        .category(vec!["db".to_owned(), "cloud".to_owned()])
        .connector_id(vec!["c1".to_owned()])
        .limit(50)
        .name("prod* & co")
        .page_token("tok==/+")
        .status(vec!["Active".to_owned()])
        .type_(vec!["postgresql".to_owned(), "mysql".to_owned()])
        .send()
        .await
        .expect("listIntegrationsV4");
    assert_eq!(list.status(), StatusCode::OK);
    assert_eq!(
        Value::Object(list.into_inner()),
        expected(
            "listIntegrationsV4",
            json!({
                "category": ["db", "cloud"],
                "connector_id": ["c1"],
                "limit": 50,
                "name": "prod* & co",
                "page_token": "tok==/+",
                "status": ["Active"],
                "type": ["postgresql", "mysql"],
            })
        )
    );
    let bare = api
        .list_integrations_v4()
        .send()
        .await
        .expect("listIntegrationsV4");
    assert_eq!(bare["limit"], Value::Null);
    assert_eq!(bare["category"], Value::Null);

    // createIntegrationV4 / updateIntegrationV4: bodies come back as sent.
    let create: IntegrationV4CreateRequest = serde_json::from_value(v4_create()).unwrap();
    let created = api
        .create_integration_v4(create)
        .send()
        .await
        .expect("createIntegrationV4");
    assert_eq!(
        Value::Object(created.into_inner()),
        expected("createIntegrationV4", json!({ "body": v4_create() }))
    );
    let update: IntegrationV4UpdateRequest = serde_json::from_value(v4_update()).unwrap();
    let updated = api
        .update_integration_v4(AWKWARD_ID, update)
        .send()
        .await
        .expect("updateIntegrationV4");
    assert_eq!(
        Value::Object(updated.into_inner()),
        expected(
            "updateIntegrationV4",
            json!({ "id": AWKWARD_ID, "body": v4_update() })
        )
    );

    // getIntegrationV4 / deleteIntegrationV4: path parameters that need encoding.
    let got = api
        .get_integration_v4(AWKWARD_ID)
        .send()
        .await
        .expect("getIntegrationV4");
    assert_eq!(
        Value::Object(got.into_inner()),
        expected("getIntegrationV4", json!({ "id": AWKWARD_ID }))
    );
    let deleted = api
        .delete_integration_v4(AWKWARD_ID)
        .send()
        .await
        .expect("deleteIntegrationV4 (the echo checks id and token)");
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);

    // The v2 endpoints.
    let listed = api
        .list_integrations_v2()
        .send()
        .await
        .expect("listIntegrationsV2");
    assert_eq!(
        Value::Object(listed.into_inner()),
        expected("listIntegrationsV2", json!({}))
    );
    let create: IntegrationV2CreateRequest = serde_json::from_value(v2_create()).unwrap();
    let created = api
        .create_integration_v2(create)
        .send()
        .await
        .expect("createIntegrationV2");
    assert_eq!(
        Value::Object(created.into_inner()),
        expected("createIntegrationV2", json!({ "body": v2_create() }))
    );
    let got = api
        .get_integration_v2("int-2")
        .send()
        .await
        .expect("getIntegrationV2");
    assert_eq!(
        Value::Object(got.into_inner()),
        expected("getIntegrationV2", json!({ "id": "int-2" }))
    );
    let update: IntegrationV2UpdateRequest = serde_json::from_value(v2_update()).unwrap();
    let updated = api
        .update_integration_v2("int-2", update)
        .send()
        .await
        .expect("updateIntegrationV2");
    assert_eq!(
        Value::Object(updated.into_inner()),
        expected(
            "updateIntegrationV2",
            json!({ "id": "int-2", "body": v2_update() })
        )
    );
    let deleted = api
        .delete_integration_v2("int-2")
        .send()
        .await
        .expect("deleteIntegrationV2");
    assert_eq!(deleted.status(), StatusCode::OK);
    assert_eq!(
        Value::Object(deleted.into_inner()),
        expected("deleteIntegrationV2", json!({ "id": "int-2" }))
    );
    let refreshed = api
        .refresh_integration_v2("int-2")
        .send()
        .await
        .expect("refreshIntegrationV2");
    assert_eq!(
        Value::Object(refreshed.into_inner()),
        expected("refreshIntegrationV2", json!({ "id": "int-2" }))
    );

    // The catalog.
    let configs = api
        .list_integration_configs()
        .send()
        .await
        .expect("listIntegrationConfigs");
    assert_eq!(
        Value::Object(configs.into_inner()),
        expected("listIntegrationConfigs", json!({}))
    );
    let config = api
        .get_integration_config("aws-account")
        .send()
        .await
        .expect("getIntegrationConfig");
    assert_eq!(
        Value::Object(config.into_inner()),
        expected("getIntegrationConfig", json!({ "type": "aws-account" }))
    );

    // The v3 endpoints.
    let tags = api
        .get_resource_user_tags("res/1")
        .send()
        .await
        .expect("getResourceUserTags");
    assert_eq!(
        Value::Object(tags.into_inner()),
        expected("getResourceUserTags", json!({ "resource_id": "res/1" }))
    );
    let new_tags = json!({ "tags": [{ "name": "env", "value": "prod" }], "n": 1.5 });
    let updated = api
        .update_resource_user_tags("res/1", new_tags.as_object().unwrap().clone())
        .send()
        .await
        .expect("updateResourceUserTags");
    assert_eq!(
        Value::Object(updated.into_inner()),
        expected(
            "updateResourceUserTags",
            json!({ "resource_id": "res/1", "body": new_tags })
        )
    );
    let permissions = api
        .get_integration_permissions("int-3")
        .resource_type("s3-bucket")
        .send()
        .await
        .expect("getIntegrationPermissions");
    assert_eq!(
        Value::Object(permissions.into_inner()),
        expected(
            "getIntegrationPermissions",
            json!({ "id": "int-3", "resource_type": "s3-bucket" })
        )
    );
    let resources = api
        .get_integration_resources("int-3")
        .send()
        .await
        .expect("getIntegrationResources");
    assert_eq!(
        Value::Object(resources.into_inner()),
        expected(
            "getIntegrationResources",
            json!({ "id": "int-3", "resource_type": null })
        )
    );
    // An id equal to the static segment `resources` of the user-tags path still routes here.
    let resources = api
        .get_integration_resources("resources")
        .send()
        .await
        .expect("getIntegrationResources");
    assert_eq!(resources["operation"], "getIntegrationResources");
    assert_eq!(resources["id"], "resources");
}

#[tokio::test]
async fn client_round_trip_every_operation_against_mock() {
    let base_url = serve(Mock::default()).await;
    let client = client(&base_url);
    let api = client.integrations();
    let v4_create: IntegrationV4CreateRequest = serde_json::from_value(v4_create()).unwrap();
    let v4_update: IntegrationV4UpdateRequest = serde_json::from_value(v4_update()).unwrap();
    let v2_create: IntegrationV2CreateRequest = serde_json::from_value(v2_create()).unwrap();
    let v2_update: IntegrationV2UpdateRequest = serde_json::from_value(v2_update()).unwrap();
    let empty = UndocumentedObject::new();

    // Every 200 answers the mock's `{}`.
    assert_eq!(
        api.list_integrations_v4()
            .limit(1)
            .send()
            .await
            .unwrap()
            .into_inner(),
        empty
    );
    assert_eq!(
        api.create_integration_v4(v4_create)
            .send()
            .await
            .unwrap()
            .into_inner(),
        empty
    );
    assert_eq!(
        api.get_integration_v4("i")
            .send()
            .await
            .unwrap()
            .into_inner(),
        empty
    );
    assert_eq!(
        api.update_integration_v4("i", v4_update)
            .send()
            .await
            .unwrap()
            .into_inner(),
        empty
    );
    let deleted = api.delete_integration_v4("i").send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        api.list_integrations_v2()
            .send()
            .await
            .unwrap()
            .into_inner(),
        empty
    );
    assert_eq!(
        api.create_integration_v2(v2_create)
            .send()
            .await
            .unwrap()
            .into_inner(),
        empty
    );
    assert_eq!(
        api.list_integration_configs()
            .send()
            .await
            .unwrap()
            .into_inner(),
        empty
    );
    assert_eq!(
        api.get_integration_config("t")
            .send()
            .await
            .unwrap()
            .into_inner(),
        empty
    );
    assert_eq!(
        api.get_integration_v2("i")
            .send()
            .await
            .unwrap()
            .into_inner(),
        empty
    );
    assert_eq!(
        api.update_integration_v2("i", v2_update)
            .send()
            .await
            .unwrap()
            .into_inner(),
        empty
    );
    assert_eq!(
        api.delete_integration_v2("i")
            .send()
            .await
            .unwrap()
            .into_inner(),
        empty
    );
    assert_eq!(
        api.refresh_integration_v2("i")
            .send()
            .await
            .unwrap()
            .into_inner(),
        empty
    );
    assert_eq!(
        api.get_resource_user_tags("r")
            .send()
            .await
            .unwrap()
            .into_inner(),
        empty
    );
    assert_eq!(
        api.update_resource_user_tags("r", empty.clone())
            .send()
            .await
            .unwrap()
            .into_inner(),
        empty
    );
    assert_eq!(
        api.get_integration_permissions("i")
            .send()
            .await
            .unwrap()
            .into_inner(),
        empty
    );
    assert_eq!(
        api.get_integration_resources("i")
            .resource_type("db")
            .send()
            .await
            .unwrap()
            .into_inner(),
        empty
    );
}

#[tokio::test]
async fn client_sees_the_servers_rejections() {
    let base_url = serve(Mock::default()).await;

    let anonymous = Client::builder().base_url(&base_url).build().unwrap();
    let error = anonymous
        .integrations()
        .list_integrations_v2()
        .send()
        .await
        .expect_err("401 without a token");
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(error.body().unwrap()["error"]["rule"], "security");

    // The client does not check `maxLength`; the server does and names the field.
    let mut create: IntegrationV4CreateRequest = serde_json::from_value(v4_create()).unwrap();
    create.custom_access_details = Some(Some("d".repeat(401)));
    let error = client(&base_url)
        .integrations()
        .create_integration_v4(create)
        .send()
        .await
        .expect_err("400 for a too-long custom_access_details");
    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
    let body = error.body().unwrap();
    assert_eq!(body["error"]["field"], "body.custom_access_details");
    assert_eq!(body["error"]["rule"], "maxLength");
}
