//! The generated Infoworks server (`infoworks_api::server`, 9 operations).
//!
//! Security differs per operation (see specs/infoworks/README.md): HTTP Basic for
//! `getAuthenticationToken`, `regenerateRefreshToken` and `bulkLdapSync`; the raw refresh
//! token in `Authorization` for `getAccessToken`; Bearer for the rest.
//!
//! 1. Every operation through `router(Mock)` with `oneshot`: the happy path with the right
//!    scheme, and rejections (401 without or with the wrong scheme, 400 naming a bad
//!    parameter or body field, 415 for a wrong content type).
//! 2. A partial custom `Api`: the typed requests hold what was sent; a method left out is 501.
//! 3. The body limit of `router_with_config` (413).
//! 4. The generated client against the generated server over real TCP, for every operation,
//!    against an echoing implementation and against `Mock`.

use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt as _;
use infoworks_api::server::{
    self, Api, ApiError, AuthoriseUserRequest, AuthoriseUserResponse, BulkLdapSyncRequest2,
    BulkLdapSyncResponse2, Credentials, GetAccessTokenRequest, GetAccessTokenResponse,
    GetAuthenticationTokenRequest, GetAuthenticationTokenResponse, GetSamlRedirectUrlRequest,
    GetSamlRedirectUrlResponse, LdapAuthoriseUserRequest, LdapAuthoriseUserResponse, Mock,
    RegenerateRefreshTokenRequest, RegenerateRefreshTokenResponse, RevokeAccessTokenRequest,
    RevokeAccessTokenResponse, ServerConfig, ValidateAccessTokenRequest,
    ValidateAccessTokenResponse, BASE_PATH,
};
use infoworks_api::{
    AccessTokenResponse, AccessTokenResult, AuthenticationResponse, AuthenticationResult,
    AuthorisationRequest, AuthorisationResponse, AuthorisationResult, BulkLdapSyncRequest,
    BulkLdapSyncResponse, BulkLdapSyncResult, Client, LdapSyncedUser, LdapUserDataRequest,
    LdapUserDataResponse, MessageResponse, SamlRedirect, TokenValidationResponse,
    TokenValidationResult,
};
use serde_json::{json, Value};
use tower::ServiceExt as _;

const USERNAME: &str = "admin@infoworks.io";
/// A password with a colon and non-ASCII, to check the Basic encoding end to end.
const PASSWORD: &str = "pa:ss wörd";
const BEARER: &str = "eyJhbGciOiJIUzI1NiJ9.access";
const REFRESH: &str = "refresh-token-42";
/// `Basic base64("{USERNAME}:{PASSWORD}")`, UTF-8.
const BASIC: &str = "Basic YWRtaW5AaW5mb3dvcmtzLmlvOnBhOnNzIHfDtnJk";

const AUTHENTICATE: &str = "/v3/security/authenticate";
const TOKEN_ACCESS: &str = "/v3/security/token/access";
const TOKEN_VALIDATE: &str = "/v3/security/token/validate";
const TOKEN_REFRESH: &str = "/v3/security/token/refresh";
const AUTHORISE_USER: &str = "/v3/security/authorise/user";
const SSO_INITIALISE: &str = "/v3/security/sso/initialise";
const USER_DATA: &str = "/v3/security/get/user/data";
const BULK_LDAP_SYNC: &str = "/v3/security/bulk-ldap-sync";

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

    /// 401 with rule `security`.
    #[track_caller]
    fn assert_unauthorized(&self) {
        self.assert_rejected(StatusCode::UNAUTHORIZED, None, "security");
    }
}

/// Decodes a 200 JSON body as the declared type.
macro_rules! decode_ok {
    ($reply:expr, $ty:ty) => {{
        let reply: &Reply = &$reply;
        reply.assert_status(StatusCode::OK);
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

/// Sends `request` to `router(Mock)`.
async fn call(request: Request<Body>) -> Reply {
    call_router(server::router(Mock::default()), request).await
}

/// How a request authenticates.
#[derive(Clone, Copy)]
enum Auth {
    None,
    Basic,
    Bearer,
    Refresh,
    /// Any raw `Authorization` value.
    Raw(&'static str),
}

fn builder(method: Method, path: &str, auth: Auth) -> axum::http::request::Builder {
    let builder = Request::builder()
        .method(method)
        .uri(format!("{BASE_PATH}{path}"));
    let value = match auth {
        Auth::None => return builder,
        Auth::Basic => BASIC.to_owned(),
        Auth::Bearer => format!("Bearer {BEARER}"),
        Auth::Refresh => REFRESH.to_owned(),
        Auth::Raw(value) => value.to_owned(),
    };
    builder.header(header::AUTHORIZATION, value)
}

fn empty(method: Method, path: &str, auth: Auth) -> Request<Body> {
    builder(method, path, auth).body(Body::empty()).unwrap()
}

fn with_json(method: Method, path: &str, auth: Auth, body: &Value) -> Request<Body> {
    raw(method, path, auth, "application/json", &body.to_string())
}

fn raw(method: Method, path: &str, auth: Auth, content_type: &str, body: &str) -> Request<Body> {
    builder(method, path, auth)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn authorisation_body() -> Value {
    json!({ "entityType": "pipeline", "action": "edit", "entityId": "p-17" })
}

fn user_data_body() -> Value {
    json!({ "userIds": ["u1", "u2"], "searchAttribute": "email" })
}

fn bulk_sync_body() -> Value {
    json!({
        "search_on": "email",
        "search_list": ["admin@infoworks.io", "modeller@infoworks.io"],
        "should_update": false,
        "should_add": true
    })
}

fn with_field(mut body: Value, field: &str, value: Value) -> Value {
    body[field] = value;
    body
}

// ---------------------------------------------------------------------------------------------
// 1. Every operation through router(Mock)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_authentication_token() {
    let uri = format!("{AUTHENTICATE}?service_id=2");
    let body = decode_ok!(
        call(empty(Method::GET, &uri, Auth::Basic)).await,
        AuthenticationResponse
    );
    assert_eq!(body.message.as_deref(), Some("Authentication Success"));
    let result = body.result.expect("result");
    assert!(result
        .authentication_token
        .is_some_and(|t| t.starts_with("eyJ")));
    assert_eq!(result.is_authenticated, Some(true));
    assert_eq!(result.user_id.as_deref(), Some("6RkfybTRQQByEey3v"));
    // `service_id` is optional, and a number (not only an integer).
    let fractional = format!("{AUTHENTICATE}?service_id=2.5");
    call(empty(Method::GET, &fractional, Auth::Basic))
        .await
        .assert_status(StatusCode::OK);
    call(empty(Method::GET, AUTHENTICATE, Auth::Basic))
        .await
        .assert_status(StatusCode::OK);

    call(empty(Method::GET, &uri, Auth::None))
        .await
        .assert_unauthorized();
    // Basic is required here; a bearer token is the wrong scheme.
    call(empty(Method::GET, &uri, Auth::Bearer))
        .await
        .assert_unauthorized();
    call(empty(Method::GET, &uri, Auth::Raw("Basic %%%not-base64")))
        .await
        .assert_unauthorized();
    let bad = format!("{AUTHENTICATE}?service_id=sso");
    call(empty(Method::GET, &bad, Auth::Basic))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("service_id"), "type");
}

#[tokio::test]
async fn get_access_token() {
    let body = decode_ok!(
        call(empty(Method::GET, TOKEN_ACCESS, Auth::Refresh)).await,
        AccessTokenResponse
    );
    assert_eq!(body.message.as_deref(), Some("Authentication Success"));
    assert!(body
        .result
        .and_then(|r| r.authentication_token)
        .is_some_and(|t| t.starts_with("eyJ")));

    call(empty(Method::GET, TOKEN_ACCESS, Auth::None))
        .await
        .assert_unauthorized();
    call(empty(Method::GET, TOKEN_ACCESS, Auth::Raw("")))
        .await
        .assert_unauthorized();
}

#[tokio::test]
async fn revoke_access_token() {
    let body = decode_ok!(
        call(empty(Method::DELETE, TOKEN_ACCESS, Auth::Bearer)).await,
        MessageResponse
    );
    assert_eq!(body.message.as_deref(), Some("Example Success Message"));
    assert_eq!(
        body.result.as_deref(),
        Some("Token successfully blacklisted")
    );

    call(empty(Method::DELETE, TOKEN_ACCESS, Auth::None))
        .await
        .assert_unauthorized();
    // Same path as getAccessToken, but this method needs a bearer token.
    call(empty(Method::DELETE, TOKEN_ACCESS, Auth::Basic))
        .await
        .assert_unauthorized();
    call(empty(Method::DELETE, TOKEN_ACCESS, Auth::Raw("Bearer   ")))
        .await
        .assert_unauthorized();
}

#[tokio::test]
async fn validate_access_token() {
    let body = decode_ok!(
        call(empty(Method::GET, TOKEN_VALIDATE, Auth::Bearer)).await,
        TokenValidationResponse
    );
    assert_eq!(body.message.as_deref(), Some("{string}"));
    assert_eq!(body.result.and_then(|r| r.is_valid), Some(true));
    // The scheme name is case-insensitive.
    call(empty(Method::GET, TOKEN_VALIDATE, Auth::Raw("bearer abc")))
        .await
        .assert_status(StatusCode::OK);

    call(empty(Method::GET, TOKEN_VALIDATE, Auth::None))
        .await
        .assert_unauthorized();
    call(empty(Method::GET, TOKEN_VALIDATE, Auth::Refresh))
        .await
        .assert_unauthorized();
}

#[tokio::test]
async fn regenerate_refresh_token() {
    let body = decode_ok!(
        call(empty(Method::DELETE, TOKEN_REFRESH, Auth::Basic)).await,
        MessageResponse
    );
    assert_eq!(body.message.as_deref(), Some("Platform Security Response"));
    assert_eq!(
        body.result.as_deref(),
        Some("Successfully Blacklisted Refresh Token.")
    );

    call(empty(Method::DELETE, TOKEN_REFRESH, Auth::None))
        .await
        .assert_unauthorized();
    call(empty(Method::DELETE, TOKEN_REFRESH, Auth::Bearer))
        .await
        .assert_unauthorized();
}

#[tokio::test]
async fn authorise_user() {
    let reply = call(with_json(
        Method::POST,
        AUTHORISE_USER,
        Auth::Bearer,
        &authorisation_body(),
    ))
    .await;
    let body = decode_ok!(reply, AuthorisationResponse);
    assert_eq!(body.message.as_deref(), Some("{string}"));
    let result = body.result.expect("result");
    assert_eq!(result.delegation_token.as_deref(), Some("{string}"));
    assert_eq!(result.is_authorised, Some(true));
    // Every field is optional: `{}` is a valid body.
    call(with_json(
        Method::POST,
        AUTHORISE_USER,
        Auth::Bearer,
        &json!({}),
    ))
    .await
    .assert_status(StatusCode::OK);

    call(with_json(
        Method::POST,
        AUTHORISE_USER,
        Auth::None,
        &authorisation_body(),
    ))
    .await
    .assert_unauthorized();
    let text = authorisation_body().to_string();
    call(raw(
        Method::POST,
        AUTHORISE_USER,
        Auth::Bearer,
        "text/plain",
        &text,
    ))
    .await
    .assert_rejected(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Some("body"),
        "content-type",
    );
    let trailing = format!("{} ,", authorisation_body());
    call(raw(
        Method::POST,
        AUTHORISE_USER,
        Auth::Bearer,
        "application/json",
        &trailing,
    ))
    .await
    .assert_rejected(StatusCode::BAD_REQUEST, Some("body"), "json");
    call(raw(
        Method::POST,
        AUTHORISE_USER,
        Auth::Bearer,
        "application/json",
        "",
    ))
    .await
    .assert_rejected(StatusCode::BAD_REQUEST, Some("body"), "required");
    let wrong = with_field(authorisation_body(), "entityType", json!(7));
    call(with_json(
        Method::POST,
        AUTHORISE_USER,
        Auth::Bearer,
        &wrong,
    ))
    .await
    .assert_rejected(StatusCode::BAD_REQUEST, Some("body.entityType"), "type");
}

#[tokio::test]
async fn get_saml_redirect_url() {
    let body = decode_ok!(
        call(empty(Method::GET, SSO_INITIALISE, Auth::Bearer)).await,
        SamlRedirect
    );
    assert_eq!(body.location.as_deref(), Some("{string}"));

    call(empty(Method::GET, SSO_INITIALISE, Auth::None))
        .await
        .assert_unauthorized();
    call(empty(Method::GET, SSO_INITIALISE, Auth::Basic))
        .await
        .assert_unauthorized();
}

#[tokio::test]
async fn ldap_authorise_user() {
    let reply = call(with_json(
        Method::POST,
        USER_DATA,
        Auth::Bearer,
        &user_data_body(),
    ))
    .await;
    let body = decode_ok!(reply, LdapUserDataResponse);
    assert_eq!(body.users, Some(vec!["{array[string]...}".to_owned()]));

    call(with_json(
        Method::POST,
        USER_DATA,
        Auth::None,
        &user_data_body(),
    ))
    .await
    .assert_unauthorized();
    let not_a_list = with_field(user_data_body(), "userIds", json!("u1"));
    call(with_json(
        Method::POST,
        USER_DATA,
        Auth::Bearer,
        &not_a_list,
    ))
    .await
    .assert_rejected(StatusCode::BAD_REQUEST, Some("body.userIds"), "type");
    let bad_item = with_field(user_data_body(), "userIds", json!(["u1", 2]));
    call(with_json(Method::POST, USER_DATA, Auth::Bearer, &bad_item))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body.userIds[1]"), "type");
    let text = user_data_body().to_string();
    call(raw(
        Method::POST,
        USER_DATA,
        Auth::Bearer,
        "application/xml",
        &text,
    ))
    .await
    .assert_rejected(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Some("body"),
        "content-type",
    );
}

#[tokio::test]
async fn bulk_ldap_sync() {
    let reply = call(with_json(
        Method::POST,
        BULK_LDAP_SYNC,
        Auth::Basic,
        &bulk_sync_body(),
    ))
    .await;
    let body = decode_ok!(reply, BulkLdapSyncResponse);
    assert_eq!(
        body.message.as_deref(),
        Some("Successfully synced ldap users")
    );
    let result = body.result.expect("result");
    assert_eq!(result.new_users_count, Some(1));
    assert_eq!(result.existing_user_count, Some(20));
    assert_eq!(
        result.added.unwrap()[0].email.as_deref(),
        Some("modeller@infoworks.io")
    );
    assert_eq!(
        result.failed.unwrap()[0].error.as_deref(),
        Some("No valid role found for the User.")
    );

    call(with_json(
        Method::POST,
        BULK_LDAP_SYNC,
        Auth::None,
        &bulk_sync_body(),
    ))
    .await
    .assert_unauthorized();
    // This operation takes Basic (as the doc's curl example does), not a bearer token.
    call(with_json(
        Method::POST,
        BULK_LDAP_SYNC,
        Auth::Bearer,
        &bulk_sync_body(),
    ))
    .await
    .assert_unauthorized();
    // The doc's original example had a bare string here; the field is an array.
    let bare = with_field(bulk_sync_body(), "search_list", json!("admin@infoworks.io"));
    call(with_json(Method::POST, BULK_LDAP_SYNC, Auth::Basic, &bare))
        .await
        .assert_rejected(StatusCode::BAD_REQUEST, Some("body.search_list"), "type");
    let not_bool = with_field(bulk_sync_body(), "should_add", json!("yes"));
    call(with_json(
        Method::POST,
        BULK_LDAP_SYNC,
        Auth::Basic,
        &not_bool,
    ))
    .await
    .assert_rejected(StatusCode::BAD_REQUEST, Some("body.should_add"), "type");
    call(raw(
        Method::POST,
        BULK_LDAP_SYNC,
        Auth::Basic,
        "application/json",
        "{\"search_on\": ",
    ))
    .await
    .assert_rejected(StatusCode::BAD_REQUEST, Some("body.search_on"), "json");
}

#[tokio::test]
async fn mock_with_secret_checks_the_refresh_token() {
    let router = server::router(Mock::with_secret(REFRESH));
    call_router(
        router.clone(),
        empty(Method::GET, TOKEN_ACCESS, Auth::Refresh),
    )
    .await
    .assert_status(StatusCode::OK);
    call_router(
        router,
        empty(Method::GET, TOKEN_ACCESS, Auth::Raw("stale-token")),
    )
    .await
    .assert_unauthorized();
}

#[tokio::test]
async fn unknown_paths_and_methods_are_json_errors() {
    call(empty(Method::GET, "/v3/security/nowhere", Auth::Bearer))
        .await
        .assert_rejected(StatusCode::NOT_FOUND, None, "route");
    call(empty(Method::POST, TOKEN_VALIDATE, Auth::Bearer))
        .await
        .assert_rejected(StatusCode::METHOD_NOT_ALLOWED, None, "method");
}

// ---------------------------------------------------------------------------------------------
// 2. A partial custom implementation
// ---------------------------------------------------------------------------------------------

/// The typed requests the partial implementation received.
#[derive(Debug)]
enum Received {
    Authenticate(GetAuthenticationTokenRequest),
    AccessToken(GetAccessTokenRequest),
    Authorise(AuthoriseUserRequest),
    BulkSync(BulkLdapSyncRequest2),
}

/// Implements four operations and leaves the other five to the trait's 501 default.
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
    async fn get_authentication_token(
        &self,
        request: GetAuthenticationTokenRequest,
    ) -> Result<GetAuthenticationTokenResponse, ApiError> {
        self.received
            .lock()
            .unwrap()
            .push(Received::Authenticate(request));
        Ok(GetAuthenticationTokenResponse::Ok {
            body: AuthenticationResponse::default(),
        })
    }

    async fn get_access_token(
        &self,
        request: GetAccessTokenRequest,
    ) -> Result<GetAccessTokenResponse, ApiError> {
        self.received
            .lock()
            .unwrap()
            .push(Received::AccessToken(request));
        Ok(GetAccessTokenResponse::Ok {
            body: AccessTokenResponse::default(),
        })
    }

    async fn authorise_user(
        &self,
        request: AuthoriseUserRequest,
    ) -> Result<AuthoriseUserResponse, ApiError> {
        if request.body.action.as_deref() == Some("delete") {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "nobody may delete",
            ));
        }
        self.received
            .lock()
            .unwrap()
            .push(Received::Authorise(request));
        Ok(AuthoriseUserResponse::Ok {
            body: AuthorisationResponse::default(),
        })
    }

    async fn bulk_ldap_sync(
        &self,
        request: BulkLdapSyncRequest2,
    ) -> Result<BulkLdapSyncResponse2, ApiError> {
        self.received
            .lock()
            .unwrap()
            .push(Received::BulkSync(request));
        Ok(BulkLdapSyncResponse2::Ok {
            body: BulkLdapSyncResponse::default(),
        })
    }
}

#[tokio::test]
async fn custom_implementation_gets_typed_requests() {
    let api = Partial::default();
    let router = server::router(api.clone());

    // Basic credentials are decoded (a colon in the password stays in the password).
    let uri = format!("{AUTHENTICATE}?service_id=3");
    let reply = call_router(router.clone(), empty(Method::GET, &uri, Auth::Basic)).await;
    assert_eq!(
        decode_ok!(reply, AuthenticationResponse),
        AuthenticationResponse::default()
    );
    let Received::Authenticate(request) = api.last() else {
        panic!("not getAuthenticationToken");
    };
    assert_eq!(request.service_id, Some(3.0));
    let basic = request.credentials.basic_auth.expect("Basic credentials");
    assert_eq!(basic.username, USERNAME);
    assert_eq!(basic.password.expose(), PASSWORD);
    assert!(request.credentials.bearer_auth.is_none());
    // The optional parameter left out.
    call_router(
        router.clone(),
        empty(Method::GET, AUTHENTICATE, Auth::Basic),
    )
    .await
    .assert_status(StatusCode::OK);
    let Received::Authenticate(request) = api.last() else {
        panic!("not getAuthenticationToken");
    };
    assert_eq!(request.service_id, None);

    // The refresh token is the raw `Authorization` value.
    call_router(
        router.clone(),
        empty(Method::GET, TOKEN_ACCESS, Auth::Refresh),
    )
    .await
    .assert_status(StatusCode::OK);
    let Received::AccessToken(request) = api.last() else {
        panic!("not getAccessToken");
    };
    let refresh = request
        .credentials
        .refresh_token_auth
        .expect("refresh token");
    assert_eq!(refresh.expose(), REFRESH);
    assert!(request.credentials.basic_auth.is_none());
    assert!(request.credentials.bearer_auth.is_none());

    // Bearer token and JSON body (wire names `entityType`/`entityId`).
    let reply = call_router(
        router.clone(),
        with_json(
            Method::POST,
            AUTHORISE_USER,
            Auth::Bearer,
            &authorisation_body(),
        ),
    )
    .await;
    reply.assert_status(StatusCode::OK);
    let Received::Authorise(request) = api.last() else {
        panic!("not authoriseUser");
    };
    assert_eq!(request.credentials.bearer_auth.unwrap().expose(), BEARER);
    assert_eq!(
        request.body,
        AuthorisationRequest {
            entity_type: Some("pipeline".into()),
            action: Some("edit".into()),
            entity_id: Some("p-17".into()),
        }
    );
    // An error the implementation returns is answered as JSON.
    let delete = with_field(authorisation_body(), "action", json!("delete"));
    call_router(
        router.clone(),
        with_json(Method::POST, AUTHORISE_USER, Auth::Bearer, &delete),
    )
    .await
    .assert_rejected(StatusCode::FORBIDDEN, None, "forbidden");

    // Basic plus a body; absent booleans stay `None` (the server assumes `true`).
    let body = json!({ "search_on": "username", "search_list": ["a", "b", "c"] });
    call_router(
        router.clone(),
        with_json(Method::POST, BULK_LDAP_SYNC, Auth::Basic, &body),
    )
    .await
    .assert_status(StatusCode::OK);
    let Received::BulkSync(request) = api.last() else {
        panic!("not bulkLdapSync");
    };
    assert_eq!(request.credentials.basic_auth.unwrap().username, USERNAME);
    assert_eq!(request.body.search_on.as_deref(), Some("username"));
    assert_eq!(
        request.body.search_list,
        Some(vec!["a".to_owned(), "b".to_owned(), "c".to_owned()])
    );
    assert_eq!(
        (request.body.should_update, request.body.should_add),
        (None, None)
    );

    // Rejected requests never reach the implementation.
    call_router(
        router.clone(),
        empty(Method::GET, AUTHENTICATE, Auth::Bearer),
    )
    .await
    .assert_unauthorized();
    assert!(api.received.lock().unwrap().is_empty());

    // Methods left out answer 501 with a JSON error naming the operation.
    for (request, operation) in [
        (
            empty(Method::DELETE, TOKEN_ACCESS, Auth::Bearer),
            "revokeAccessToken",
        ),
        (
            empty(Method::GET, TOKEN_VALIDATE, Auth::Bearer),
            "validateAccessToken",
        ),
        (
            empty(Method::DELETE, TOKEN_REFRESH, Auth::Basic),
            "regenerateRefreshToken",
        ),
        (
            empty(Method::GET, SSO_INITIALISE, Auth::Bearer),
            "getSamlRedirectUrl",
        ),
        (
            with_json(Method::POST, USER_DATA, Auth::Bearer, &user_data_body()),
            "ldapAuthoriseUser",
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
    let router = server::router_with_config(Mock::default(), ServerConfig { body_limit: 32 });

    let many: Vec<String> = (0..50).map(|i| format!("user-{i}@infoworks.io")).collect();
    let big = with_field(bulk_sync_body(), "search_list", json!(many));
    call_router(
        router.clone(),
        with_json(Method::POST, BULK_LDAP_SYNC, Auth::Basic, &big),
    )
    .await
    .assert_rejected(StatusCode::PAYLOAD_TOO_LARGE, Some("body"), "maxBodySize");
    call_router(
        router.clone(),
        with_json(
            Method::POST,
            USER_DATA,
            Auth::Bearer,
            &json!({ "userIds": many }),
        ),
    )
    .await
    .assert_rejected(StatusCode::PAYLOAD_TOO_LARGE, Some("body"), "maxBodySize");
    // Small bodies pass the same router; the default limit takes the big one.
    let small = json!({ "userIds": ["u1"] });
    call_router(
        router,
        with_json(Method::POST, USER_DATA, Auth::Bearer, &small),
    )
    .await
    .assert_status(StatusCode::OK);
    call(with_json(Method::POST, BULK_LDAP_SYNC, Auth::Basic, &big))
        .await
        .assert_status(StatusCode::OK);
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

/// A client with all three schemes configured; each operation picks its own.
fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .basic_auth(USERNAME, PASSWORD)
        .bearer_auth(BEARER)
        .refresh_token_auth(REFRESH)
        .build()
        .expect("the client builds")
}

fn bearer_of(credentials: &Credentials) -> Option<String> {
    credentials
        .bearer_auth
        .as_ref()
        .map(|s| s.expose().to_owned())
}

/// `username:password` of the Basic credentials, if any.
fn basic_of(credentials: &Credentials) -> Option<String> {
    credentials
        .basic_auth
        .as_ref()
        .map(|b| format!("{}:{}", b.username, b.password.expose()))
}

/// Answers every operation with what it received: parameters and credentials go into
/// response fields, bodies come back in the response.
#[derive(Clone, Copy, Default)]
struct Echo;

impl Api for Echo {
    async fn get_authentication_token(
        &self,
        request: GetAuthenticationTokenRequest,
    ) -> Result<GetAuthenticationTokenResponse, ApiError> {
        let basic = request.credentials.basic_auth.as_ref();
        Ok(GetAuthenticationTokenResponse::Ok {
            body: AuthenticationResponse {
                message: request.service_id.map(|id| format!("service_id={id}")),
                result: Some(AuthenticationResult {
                    authentication_token: basic.map(|b| b.password.expose().to_owned()),
                    is_authenticated: Some(basic.is_some()),
                    user_id: basic.map(|b| b.username.clone()),
                }),
            },
        })
    }

    async fn get_access_token(
        &self,
        request: GetAccessTokenRequest,
    ) -> Result<GetAccessTokenResponse, ApiError> {
        let refresh = request.credentials.refresh_token_auth.as_ref();
        Ok(GetAccessTokenResponse::Ok {
            body: AccessTokenResponse {
                message: Some("refreshed".into()),
                result: Some(AccessTokenResult {
                    authentication_token: refresh.map(|s| format!("access-for-{}", s.expose())),
                }),
            },
        })
    }

    async fn revoke_access_token(
        &self,
        request: RevokeAccessTokenRequest,
    ) -> Result<RevokeAccessTokenResponse, ApiError> {
        Ok(RevokeAccessTokenResponse::Ok {
            body: MessageResponse {
                message: Some("revoked".into()),
                result: bearer_of(&request.credentials),
            },
        })
    }

    async fn validate_access_token(
        &self,
        request: ValidateAccessTokenRequest,
    ) -> Result<ValidateAccessTokenResponse, ApiError> {
        let token = bearer_of(&request.credentials);
        Ok(ValidateAccessTokenResponse::Ok {
            body: TokenValidationResponse {
                message: token.clone(),
                result: Some(TokenValidationResult {
                    is_valid: Some(token.as_deref() == Some(BEARER)),
                }),
            },
        })
    }

    async fn regenerate_refresh_token(
        &self,
        request: RegenerateRefreshTokenRequest,
    ) -> Result<RegenerateRefreshTokenResponse, ApiError> {
        Ok(RegenerateRefreshTokenResponse::Ok {
            body: MessageResponse {
                message: Some("regenerated".into()),
                result: basic_of(&request.credentials),
            },
        })
    }

    async fn authorise_user(
        &self,
        request: AuthoriseUserRequest,
    ) -> Result<AuthoriseUserResponse, ApiError> {
        let body = request.body;
        Ok(AuthoriseUserResponse::Ok {
            body: AuthorisationResponse {
                message: bearer_of(&request.credentials),
                result: Some(AuthorisationResult {
                    delegation_token: Some(format!(
                        "{}/{}/{}",
                        body.entity_type.unwrap_or_default(),
                        body.action.unwrap_or_default(),
                        body.entity_id.unwrap_or_default()
                    )),
                    is_authorised: Some(true),
                }),
            },
        })
    }

    async fn get_saml_redirect_url(
        &self,
        request: GetSamlRedirectUrlRequest,
    ) -> Result<GetSamlRedirectUrlResponse, ApiError> {
        let token = bearer_of(&request.credentials).unwrap_or_default();
        Ok(GetSamlRedirectUrlResponse::Ok {
            body: SamlRedirect {
                location: Some(format!("https://idp.example.com/sso?for={token}")),
            },
        })
    }

    async fn ldap_authorise_user(
        &self,
        request: LdapAuthoriseUserRequest,
    ) -> Result<LdapAuthoriseUserResponse, ApiError> {
        let attribute = request.body.search_attribute.unwrap_or_default();
        let mut users: Vec<String> = request
            .body
            .user_ids
            .unwrap_or_default()
            .into_iter()
            .map(|id| format!("{attribute}={id}"))
            .collect();
        users.push(format!(
            "token={}",
            bearer_of(&request.credentials).unwrap_or_default()
        ));
        Ok(LdapAuthoriseUserResponse::Ok {
            body: LdapUserDataResponse { users: Some(users) },
        })
    }

    async fn bulk_ldap_sync(
        &self,
        request: BulkLdapSyncRequest2,
    ) -> Result<BulkLdapSyncResponse2, ApiError> {
        let body = request.body;
        let search_on = body.search_on.unwrap_or_default();
        let users: Vec<LdapSyncedUser> = body
            .search_list
            .unwrap_or_default()
            .into_iter()
            .map(|email| LdapSyncedUser {
                email: Some(email),
                id: Some(search_on.clone()),
            })
            .collect();
        let (added, updated) = match (
            body.should_add.unwrap_or(true),
            body.should_update.unwrap_or(true),
        ) {
            (true, true) => (users.clone(), users),
            (true, false) => (users, Vec::new()),
            (false, true) => (Vec::new(), users),
            (false, false) => (Vec::new(), Vec::new()),
        };
        Ok(BulkLdapSyncResponse2::Ok {
            body: BulkLdapSyncResponse {
                message: basic_of(&request.credentials),
                result: Some(BulkLdapSyncResult {
                    new_users_count: Some(added.len() as i64),
                    existing_user_count: Some(updated.len() as i64),
                    added: Some(added),
                    updated: Some(updated),
                    failed: Some(Vec::new()),
                }),
            },
        })
    }
}

#[tokio::test]
async fn client_round_trip_every_operation_through_echo() {
    let base_url = serve(Echo).await;
    let client = client(&base_url);
    let security = client.security();

    // getAuthenticationToken: Basic credentials and the query parameter arrive intact.
    let auth = security
        .get_authentication_token()
        .service_id(7.5)
        .send()
        .await
        .expect("getAuthenticationToken");
    assert_eq!(auth.status(), StatusCode::OK);
    assert_eq!(auth.message.as_deref(), Some("service_id=7.5"));
    let result = auth.into_inner().result.unwrap();
    assert_eq!(result.user_id.as_deref(), Some(USERNAME));
    assert_eq!(result.authentication_token.as_deref(), Some(PASSWORD));
    assert_eq!(result.is_authenticated, Some(true));
    let auth = security.get_authentication_token().send().await.unwrap();
    assert_eq!(auth.message, None, "service_id left out");

    // getAccessToken: the refresh token as the raw Authorization value.
    let access = security
        .get_access_token()
        .send()
        .await
        .expect("getAccessToken");
    assert_eq!(
        access.into_inner().result.unwrap().authentication_token,
        Some(format!("access-for-{REFRESH}"))
    );

    // revokeAccessToken / validateAccessToken: the bearer token.
    let revoked = security
        .revoke_access_token()
        .send()
        .await
        .expect("revokeAccessToken");
    assert_eq!(
        revoked.into_inner(),
        MessageResponse {
            message: Some("revoked".into()),
            result: Some(BEARER.into())
        }
    );
    let valid = security
        .validate_access_token()
        .send()
        .await
        .expect("validateAccessToken");
    assert_eq!(valid.message.as_deref(), Some(BEARER));
    assert_eq!(valid.into_inner().result.unwrap().is_valid, Some(true));

    // regenerateRefreshToken: Basic.
    let regenerated = security
        .regenerate_refresh_token()
        .send()
        .await
        .expect("regenerateRefreshToken");
    assert_eq!(
        regenerated.into_inner().result,
        Some(format!("{USERNAME}:{PASSWORD}"))
    );

    // authoriseUser: bearer token and body.
    let request: AuthorisationRequest = serde_json::from_value(authorisation_body()).unwrap();
    let authorised = security
        .authorise_user(request)
        .send()
        .await
        .expect("authoriseUser")
        .into_inner();
    assert_eq!(authorised.message.as_deref(), Some(BEARER));
    let result = authorised.result.unwrap();
    assert_eq!(
        result.delegation_token.as_deref(),
        Some("pipeline/edit/p-17")
    );
    assert_eq!(result.is_authorised, Some(true));

    // getSamlRedirectUrl.
    let saml = security
        .get_saml_redirect_url()
        .send()
        .await
        .expect("getSamlRedirectUrl");
    assert_eq!(
        saml.into_inner().location,
        Some(format!("https://idp.example.com/sso?for={BEARER}"))
    );

    // ldapAuthoriseUser: body and bearer token.
    let request = LdapUserDataRequest {
        user_ids: Some(vec!["u1".into(), "ü 2".into()]),
        search_attribute: Some("uid".into()),
    };
    let users = security
        .ldap_authorise_user(request)
        .send()
        .await
        .expect("ldapAuthoriseUser")
        .into_inner()
        .users
        .unwrap();
    assert_eq!(users, ["uid=u1", "uid=ü 2", &format!("token={BEARER}")]);

    // bulkLdapSync: Basic and body, including the explicit `false`.
    let request: BulkLdapSyncRequest = serde_json::from_value(bulk_sync_body()).unwrap();
    let synced = security
        .bulk_ldap_sync(request)
        .send()
        .await
        .expect("bulkLdapSync")
        .into_inner();
    assert_eq!(synced.message, Some(format!("{USERNAME}:{PASSWORD}")));
    let result = synced.result.unwrap();
    let added: Vec<_> = result
        .added
        .unwrap()
        .into_iter()
        .map(|u| u.email.unwrap())
        .collect();
    assert_eq!(added, ["admin@infoworks.io", "modeller@infoworks.io"]);
    assert_eq!(
        result.updated,
        Some(Vec::new()),
        "should_update=false arrived"
    );
    assert_eq!(result.new_users_count, Some(2));
}

#[tokio::test]
async fn client_round_trip_every_operation_against_mock() {
    let base_url = serve(Mock::default()).await;
    let client = client(&base_url);
    let security = client.security();

    let auth = security
        .get_authentication_token()
        .service_id(1)
        .send()
        .await
        .unwrap();
    assert_eq!(
        auth.result.as_ref().unwrap().user_id.as_deref(),
        Some("6RkfybTRQQByEey3v")
    );
    let access = security.get_access_token().send().await.unwrap();
    assert_eq!(access.message.as_deref(), Some("Authentication Success"));
    let revoked = security.revoke_access_token().send().await.unwrap();
    assert_eq!(
        revoked.result.as_deref(),
        Some("Token successfully blacklisted")
    );
    let valid = security.validate_access_token().send().await.unwrap();
    assert_eq!(valid.result.as_ref().unwrap().is_valid, Some(true));
    let regenerated = security.regenerate_refresh_token().send().await.unwrap();
    assert_eq!(
        regenerated.result.as_deref(),
        Some("Successfully Blacklisted Refresh Token.")
    );
    let authorised = security
        .authorise_user(AuthorisationRequest::default())
        .send()
        .await
        .unwrap();
    assert_eq!(
        authorised.result.as_ref().unwrap().is_authorised,
        Some(true)
    );
    let saml = security.get_saml_redirect_url().send().await.unwrap();
    assert_eq!(saml.location.as_deref(), Some("{string}"));
    let users = security
        .ldap_authorise_user(LdapUserDataRequest::default())
        .send()
        .await
        .unwrap();
    assert_eq!(users.users.as_ref().map(Vec::len), Some(1));
    let synced = security
        .bulk_ldap_sync(BulkLdapSyncRequest::default())
        .send()
        .await
        .unwrap();
    assert_eq!(
        synced.result.as_ref().unwrap().existing_user_count,
        Some(20)
    );
}

#[tokio::test]
async fn client_without_the_right_scheme_gets_401() {
    let base_url = serve(Mock::default()).await;
    // Only a bearer token: the Basic operations are refused by the server.
    let bearer_only = Client::builder()
        .base_url(&base_url)
        .bearer_auth(BEARER)
        .build()
        .unwrap();
    let error = bearer_only
        .security()
        .get_authentication_token()
        .send()
        .await
        .expect_err("Basic is required");
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(error.body().unwrap()["error"]["rule"], "security");
    // ... while the bearer operations work.
    let valid = bearer_only
        .security()
        .validate_access_token()
        .send()
        .await
        .unwrap();
    assert_eq!(valid.status(), StatusCode::OK);
}
