//! End-to-end tests of the generated Infoworks client (`infoworks-api`) against a recording
//! HTTP server on 127.0.0.1: every operation (9), what goes on the wire and what comes back.
//!
//! Every test client is configured with all three credentials, so each call shows which
//! scheme the spec gives it: Basic for `getAuthenticationToken`, `regenerateRefreshToken` and
//! `bulkLdapSync`; the raw refresh token for `getAccessToken`; Bearer for the others.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use forge_e2e::{MockServer, Recorded};
use infoworks_api::client::{BoxError, BoxFuture, SecretString, StatusCode, TokenProvider};
use infoworks_api::{
    AuthorisationRequest, BulkLdapSyncRequest, Client, Error, LdapSyncFailure, LdapSyncedUser,
    LdapUserDataRequest,
};
use serde_json::{json, Value};

const USERNAME: &str = "admin@infoworks.io";
const PASSWORD: &str = "s3cr3t-pass";
/// `Basic base64("admin@infoworks.io:s3cr3t-pass")`.
const BASIC: &str = "Basic YWRtaW5AaW5mb3dvcmtzLmlvOnMzY3IzdC1wYXNz";
const BEARER_TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.bearer-token";
const REFRESH_TOKEN: &str = "refresh-token-5d1e";

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.url())
        .basic_auth(USERNAME, PASSWORD)
        .bearer_auth(BEARER_TOKEN)
        .refresh_token_auth(REFRESH_TOKEN)
        .build()
        .expect("client builds");
    (server, client)
}

fn assert_no_body(req: &Recorded) {
    assert!(req.body.is_empty(), "unexpected body {:?}", req.body);
    assert_eq!(req.header("content-type"), "");
}

fn assert_json_body(req: &Recorded, expected: Value) {
    assert_eq!(req.header("content-type"), "application/json");
    assert_eq!(req.json(), expected);
}

// ---------------------------------------------------------------------------------------------
// Security (9 operations)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_authentication_token_uses_basic_auth() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!({
            "message": "Authentication Success",
            "result": {
                "authentication_token": "eyJ.new-auth-token",
                "is_authenticated": true,
                "user_id": "6RkfybTRQQByEey3v"
            }
        }),
    );

    let resp = client
        .security()
        .get_authentication_token()
        .service_id(1.5)
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/v3/security/authenticate");
    assert_eq!(
        req.query_pairs(),
        vec![("service_id".to_string(), "1.5".to_string())]
    );
    assert_eq!(req.header("authorization"), BASIC);
    assert_eq!(req.header("user-agent"), "infoworks-api/rust");
    assert_no_body(&req);

    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.message.as_deref(), Some("Authentication Success"));
    let result = resp.result.as_ref().expect("result");
    assert_eq!(
        result.authentication_token.as_deref(),
        Some("eyJ.new-auth-token")
    );
    assert_eq!(result.is_authenticated, Some(true));
    assert_eq!(result.user_id.as_deref(), Some("6RkfybTRQQByEey3v"));
}

#[tokio::test]
async fn get_authentication_token_without_service_id() {
    let (server, client) = setup().await;
    server.respond_json(200, json!({ "message": "Authentication Success" }));

    let resp = client
        .security()
        .get_authentication_token()
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.path, "/v3/security/authenticate");
    assert_eq!(req.query, None);
    assert_eq!(req.header("authorization"), BASIC);
    assert_eq!(resp.message.as_deref(), Some("Authentication Success"));
    assert_eq!(resp.result, None);
}

#[tokio::test]
async fn get_access_token_sends_the_refresh_token_as_is() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!({ "message": "Authentication Success", "result": { "authentication_token": "eyJ.fresh" } }),
    );

    let resp = client.security().get_access_token().send().await.unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/v3/security/token/access");
    assert_eq!(req.query, None);
    assert_eq!(req.header("authorization"), REFRESH_TOKEN);
    assert_no_body(&req);

    assert_eq!(resp.message.as_deref(), Some("Authentication Success"));
    assert_eq!(
        resp.result
            .as_ref()
            .unwrap()
            .authentication_token
            .as_deref(),
        Some("eyJ.fresh")
    );
}

#[tokio::test]
async fn revoke_access_token_uses_bearer() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!({ "message": "Example Success Message", "result": "Token successfully blacklisted" }),
    );

    let resp = client
        .security()
        .revoke_access_token()
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "DELETE");
    assert_eq!(req.path, "/v3/security/token/access");
    assert_eq!(req.query, None);
    assert_eq!(
        req.header("authorization"),
        format!("Bearer {BEARER_TOKEN}")
    );
    assert_no_body(&req);

    assert_eq!(resp.message.as_deref(), Some("Example Success Message"));
    assert_eq!(
        resp.result.as_deref(),
        Some("Token successfully blacklisted")
    );
}

#[tokio::test]
async fn validate_access_token_uses_bearer() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!({ "message": "valid", "result": { "is_valid": true } }),
    );

    let resp = client
        .security()
        .validate_access_token()
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/v3/security/token/validate");
    assert_eq!(req.query, None);
    assert_eq!(
        req.header("authorization"),
        format!("Bearer {BEARER_TOKEN}")
    );
    assert_no_body(&req);

    assert_eq!(resp.message.as_deref(), Some("valid"));
    assert_eq!(resp.result.as_ref().unwrap().is_valid, Some(true));
}

#[tokio::test]
async fn regenerate_refresh_token_uses_basic_auth() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!({ "message": "Platform Security Response", "result": "Successfully Blacklisted Refresh Token." }),
    );

    let resp = client
        .security()
        .regenerate_refresh_token()
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "DELETE");
    assert_eq!(req.path, "/v3/security/token/refresh");
    assert_eq!(req.query, None);
    assert_eq!(req.header("authorization"), BASIC);
    assert_no_body(&req);

    assert_eq!(resp.message.as_deref(), Some("Platform Security Response"));
    assert_eq!(
        resp.result.as_deref(),
        Some("Successfully Blacklisted Refresh Token.")
    );
}

#[tokio::test]
async fn authorise_user_uses_bearer_and_sends_the_body() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!({ "message": "ok", "result": { "delegation_token": "deleg-1", "is_authorised": true } }),
    );

    let body = AuthorisationRequest {
        entity_type: Some("pipeline".into()),
        action: Some("edit".into()),
        entity_id: Some("p-17".into()),
    };
    let resp = client.security().authorise_user(body).send().await.unwrap();

    let req = server.single();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/v3/security/authorise/user");
    assert_eq!(req.query, None);
    assert_eq!(
        req.header("authorization"),
        format!("Bearer {BEARER_TOKEN}")
    );
    assert_json_body(
        &req,
        json!({ "entityType": "pipeline", "action": "edit", "entityId": "p-17" }),
    );

    assert_eq!(resp.message.as_deref(), Some("ok"));
    let result = resp.result.as_ref().unwrap();
    assert_eq!(result.delegation_token.as_deref(), Some("deleg-1"));
    assert_eq!(result.is_authorised, Some(true));
}

#[tokio::test]
async fn get_saml_redirect_url_uses_bearer() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!({ "Location": "https://idp.example.com/sso?SAMLRequest=abc" }),
    );

    let resp = client
        .security()
        .get_saml_redirect_url()
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/v3/security/sso/initialise");
    assert_eq!(req.query, None);
    assert_eq!(
        req.header("authorization"),
        format!("Bearer {BEARER_TOKEN}")
    );
    assert_no_body(&req);

    assert_eq!(
        resp.location.as_deref(),
        Some("https://idp.example.com/sso?SAMLRequest=abc")
    );
}

#[tokio::test]
async fn ldap_authorise_user_uses_bearer_and_sends_the_body() {
    let (server, client) = setup().await;
    server.respond_json(200, json!({ "users": ["alice", "bob"] }));

    let body = LdapUserDataRequest {
        user_ids: Some(vec!["alice".into(), "bob".into()]),
        search_attribute: Some("uid".into()),
    };
    let resp = client
        .security()
        .ldap_authorise_user(body)
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/v3/security/get/user/data");
    assert_eq!(req.query, None);
    assert_eq!(
        req.header("authorization"),
        format!("Bearer {BEARER_TOKEN}")
    );
    assert_json_body(
        &req,
        json!({ "userIds": ["alice", "bob"], "searchAttribute": "uid" }),
    );

    assert_eq!(
        resp.users,
        Some(vec!["alice".to_string(), "bob".to_string()])
    );
}

#[tokio::test]
async fn bulk_ldap_sync_uses_basic_auth_and_sends_the_body() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!({
            "message": "Successfully synced ldap users",
            "result": {
                "new_users_count": 1,
                "existing_user_count": 20,
                "added": [{ "email": "modeller@infoworks.io", "id": "8qvdcWsT5foNuryNF" }],
                "updated": [{ "email": "admin@infoworks.io", "id": "6RkfybTRQQByEey3v" }],
                "failed": [{
                    "email": "prodops@infoworks.io",
                    "id": "9DvdcZsH5foNuryVN",
                    "error": "No valid role found for the User."
                }]
            }
        }),
    );

    let body = BulkLdapSyncRequest {
        search_on: Some("email".into()),
        search_list: Some(vec![
            "admin@infoworks.io".into(),
            "modeller@infoworks.io".into(),
        ]),
        should_update: Some(false),
        should_add: None,
    };
    let resp = client.security().bulk_ldap_sync(body).send().await.unwrap();

    let req = server.single();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/v3/security/bulk-ldap-sync");
    assert_eq!(req.query, None);
    assert_eq!(req.header("authorization"), BASIC);
    assert_json_body(
        &req,
        json!({
            "search_on": "email",
            "search_list": ["admin@infoworks.io", "modeller@infoworks.io"],
            "should_update": false
        }),
    );

    assert_eq!(
        resp.message.as_deref(),
        Some("Successfully synced ldap users")
    );
    let result = resp.result.as_ref().unwrap();
    assert_eq!(result.new_users_count, Some(1));
    assert_eq!(result.existing_user_count, Some(20));
    assert_eq!(
        result.added,
        Some(vec![LdapSyncedUser {
            email: Some("modeller@infoworks.io".into()),
            id: Some("8qvdcWsT5foNuryNF".into())
        }])
    );
    assert_eq!(
        result.updated,
        Some(vec![LdapSyncedUser {
            email: Some("admin@infoworks.io".into()),
            id: Some("6RkfybTRQQByEey3v".into())
        }])
    );
    assert_eq!(
        result.failed,
        Some(vec![LdapSyncFailure {
            email: Some("prodops@infoworks.io".into()),
            id: Some("9DvdcZsH5foNuryVN".into()),
            error: Some("No valid role found for the User.".into())
        }])
    );
}

// ---------------------------------------------------------------------------------------------
// Bearer tokens from a `TokenProvider`
// ---------------------------------------------------------------------------------------------

/// Hands out `rotating-token-1`, `rotating-token-2`, ... and counts how often it was asked.
struct RotatingTokens {
    calls: Arc<AtomicUsize>,
}

impl TokenProvider for RotatingTokens {
    fn token(&self) -> BoxFuture<'_, Result<SecretString, BoxError>> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(SecretString::new(format!("rotating-token-{n}")))
        })
    }
}

struct FailingTokens;

impl TokenProvider for FailingTokens {
    fn token(&self) -> BoxFuture<'_, Result<SecretString, BoxError>> {
        Box::pin(async { Err("identity provider unreachable".into()) })
    }
}

#[tokio::test]
async fn token_provider_is_asked_before_each_bearer_request() {
    let server = MockServer::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let client = Client::builder()
        .base_url(server.url())
        .basic_auth(USERNAME, PASSWORD)
        .bearer_auth_provider(RotatingTokens {
            calls: calls.clone(),
        })
        .build()
        .unwrap();

    server.respond_json(200, json!({ "result": { "is_valid": true } }));
    let first = client
        .security()
        .validate_access_token()
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_eq!(req.path, "/v3/security/token/validate");
    assert_eq!(req.header("authorization"), "Bearer rotating-token-1");
    assert_eq!(first.result.as_ref().unwrap().is_valid, Some(true));

    server.respond_json(200, json!({ "Location": "https://idp.example.com/" }));
    let second = client
        .security()
        .get_saml_redirect_url()
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_eq!(req.path, "/v3/security/sso/initialise");
    assert_eq!(req.header("authorization"), "Bearer rotating-token-2");
    assert_eq!(second.location.as_deref(), Some("https://idp.example.com/"));

    // A Basic-auth operation does not ask the provider.
    server.respond_json(200, json!({ "message": "ok" }));
    client
        .security()
        .regenerate_refresh_token()
        .send()
        .await
        .unwrap();
    assert_eq!(server.single().header("authorization"), BASIC);
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    let shown = format!("{client:?}");
    assert!(!shown.contains("rotating-token"), "{shown}");
    assert!(!shown.contains(PASSWORD), "{shown}");
}

#[tokio::test]
async fn failing_token_provider_is_a_credentials_error_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.url())
        .bearer_auth_provider(FailingTokens)
        .build()
        .unwrap();

    let err = client
        .security()
        .validate_access_token()
        .send()
        .await
        .unwrap_err();

    match &err {
        Error::Credentials(e) => assert_eq!(e.to_string(), "identity provider unreachable"),
        other => panic!("expected Error::Credentials, got {other:?}"),
    }
    assert_eq!(err.status(), None);
    assert!(server.take().is_empty(), "no request without a token");
}

// ---------------------------------------------------------------------------------------------
// Errors and secrets
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn error_status_keeps_the_json_body_as_value_and_the_raw_bytes() {
    // The spec declares no error responses: the body falls back to `serde_json::Value`.
    let (server, client) = setup().await;
    server.respond(
        401,
        "application/json",
        r#"{"message": "Invalid credentials", "result": null}"#,
    );

    let err = client
        .security()
        .get_authentication_token()
        .send()
        .await
        .unwrap_err();

    assert_eq!(server.single().header("authorization"), BASIC);
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(
        err.body(),
        Some(&json!({ "message": "Invalid credentials", "result": null }))
    );
    match &err {
        Error::Status(resp) => {
            assert_eq!(
                &resp.raw[..],
                br#"{"message": "Invalid credentials", "result": null}"#
            );
            assert_eq!(resp.decode_error, None);
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }
}

#[tokio::test]
async fn error_status_with_a_non_json_body() {
    let (server, client) = setup().await;
    server.respond(502, "text/html", "<html>Bad Gateway</html>");

    let err = client
        .security()
        .bulk_ldap_sync(BulkLdapSyncRequest::default())
        .send()
        .await
        .unwrap_err();

    let req = server.single();
    assert_eq!(req.method, "POST");
    assert_eq!(req.json(), json!({}));
    match &err {
        Error::Status(resp) => {
            assert_eq!(resp.status, StatusCode::BAD_GATEWAY);
            assert_eq!(
                resp.body,
                Some(Value::String("<html>Bad Gateway</html>".into()))
            );
            assert_eq!(&resp.raw[..], b"<html>Bad Gateway</html>");
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_success_body_is_a_decode_error() {
    let (server, client) = setup().await;
    // `is_valid` must be a boolean.
    server.respond(
        200,
        "application/json",
        r#"{"result": {"is_valid": "yes"}}"#,
    );

    let err = client
        .security()
        .validate_access_token()
        .send()
        .await
        .unwrap_err();

    server.single();
    assert_eq!(err.status(), Some(StatusCode::OK));
    match &err {
        Error::Decode(decode) => {
            assert_eq!(decode.status, StatusCode::OK);
            assert_eq!(&decode.raw[..], br#"{"result": {"is_valid": "yes"}}"#);
            assert!(!decode.message.is_empty());
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn truncated_success_body_is_a_decode_error() {
    let (server, client) = setup().await;
    server.respond(200, "application/json", r#"{"users": ["alice""#);

    let err = client
        .security()
        .ldap_authorise_user(LdapUserDataRequest::default())
        .send()
        .await
        .unwrap_err();

    server.single();
    match &err {
        Error::Decode(decode) => {
            assert_eq!(decode.status, StatusCode::OK);
            assert_eq!(&decode.raw[..], br#"{"users": ["alice""#);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn debug_output_never_shows_a_secret() {
    let (_server, client) = setup().await;
    let shown = format!("{client:?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(!shown.contains(BEARER_TOKEN), "{shown}");
    assert!(!shown.contains(REFRESH_TOKEN), "{shown}");
    assert!(!shown.contains(&BASIC["Basic ".len()..]), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
}
