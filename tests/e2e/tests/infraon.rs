//! End-to-end tests of the generated Infraon client (`infraon-api`) against a recording
//! HTTP server on 127.0.0.1: every operation (15), what goes on the wire and what comes back.

use forge_e2e::{MockServer, Recorded};
use futures_util::TryStreamExt as _;
use infraon_api::client::StatusCode;
use infraon_api::{
    ApiRegistrationCreate, ApiRegistrationInput, Client, Error, HeaderParam, JobsAccountAuditInput,
};
use serde_json::{json, Value};

/// The API key; Infraon sends it as the raw value of the `Authorization` header.
const API_KEY: &str = "infraon-key-7f3a9c";

/// An `id` that needs percent-encoding in a path segment (space, slash, `?`, non-ASCII).
const AWKWARD_ID: &str = "api 7/ä?x";
const AWKWARD_ID_ENCODED: &str = "api%207%2F%C3%A4%3Fx";

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.url())
        .api_key_auth(API_KEY)
        .build()
        .expect("client builds");
    (server, client)
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// What every request of this API has in common: the API key, and a JSON body only when one is sent.
fn assert_auth_and_no_body(req: &Recorded) {
    assert_eq!(req.header("authorization"), API_KEY);
    assert_eq!(req.header("user-agent"), "infraon-api/rust");
    assert!(req.body.is_empty(), "unexpected body {:?}", req.body);
    assert_eq!(req.header("content-type"), "");
}

fn assert_auth_and_json_body(req: &Recorded, expected: Value) {
    assert_eq!(req.header("authorization"), API_KEY);
    assert_eq!(req.header("content-type"), "application/json");
    assert_eq!(req.json(), expected);
}

/// A canned `ApiRegistration` as the server sends it (every documented field).
fn api_registration_json(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "authentication_type": "Basic Auth",
        "api_id": format!("api-id-{id}"),
        "api_modified_id": null,
        "name": name,
        "api_url": "https://partner.example.net/v1",
        "description": "Partner API",
        "client_id": "client-1",
        "app_code": "app-9",
        "secret_key": "sk-123",
        "user_name": "svc-user",
        "api_password": "pw-456",
        "is_base64_password": false,
        "auth_key": "X-Api-Key",
        "auth_value": "av-789",
        "content_type": 1,
        "auth_type": 2,
        "add_key_to": 3,
        "token_url": "https://partner.example.net/token",
        "token_prefix": "Bearer",
        "csrf_url": "https://partner.example.net/csrf",
        "token_key": "access_token",
        "token_header_key": "Authorization",
        "token_body": "{}",
        "csrf_key": "csrftoken",
        "request_type": 4,
        "user": "owner-1",
        "header_params": [{ "keys": "sort", "values": "name", "queryparam": true }],
        "api_type": 5,
        "organization": "org-42",
        "creation_time": "2025-06-07T18:56:41.464Z",
        "last_update_time": "2025-06-08T09:00:00Z",
        "is_deleted": false,
        "is_active": true,
        "is_base64": false,
        "query_param": true,
        "is_sandbox": false,
        "sandbox_url": "https://sandbox.example.net",
        "is_webhook_enabled": true
    })
}

/// A canned `JobsAccountAudit` as the server sends it.
fn audit_json(id: &str, job_name: &str) -> Value {
    json!({
        "id": id,
        "creationtime": "2025-06-07 14:54:24",
        "agent_id": "agent-3",
        "connection_status": "success",
        "failure_message": "",
        "organization": "org-42",
        "job_id": "job-1",
        "ci_id": "ci-2",
        "job_iteration_id": "iter-3",
        "ipaddress": "10.0.0.7",
        "device_account": "admin",
        "dpassword": "device-pw",
        "denable_password": "enable-pw",
        "connection_protocol": "ssh",
        "error": "",
        "task_owner": "ops",
        "client_ip": "10.0.0.1",
        "job_type": "backup",
        "job_name": job_name,
        "process_name": "nccm",
        "connection_for": "config",
        "last_update_time": "2025-06-07T14:54:24.264Z",
        "config_type": "running",
        "uofw": "none"
    })
}

fn api_registration_input() -> ApiRegistrationInput {
    ApiRegistrationInput {
        api_id: "api-id-1".into(),
        api_modified_id: Some(None),
        name: Some("Partner API".into()),
        api_url: Some("https://partner.example.net/v1".into()),
        description: None,
        client_id: None,
        app_code: None,
        secret_key: Some("sk-123".into()),
        user_name: Some("svc-user".into()),
        api_password: Some("pw-456".into()),
        is_base64_password: Some(false),
        auth_key: None,
        auth_value: None,
        content_type: Some(1),
        auth_type: Some(2),
        add_key_to: None,
        token_url: None,
        token_prefix: None,
        csrf_url: None,
        token_key: None,
        token_header_key: None,
        token_body: None,
        csrf_key: None,
        request_type: None,
        user: None,
        header_params: Some(vec![HeaderParam {
            keys: Some("sort".into()),
            values: Some("name".into()),
            queryparam: Some(true),
        }]),
        api_type: None,
        organization: "org-42".into(),
        creation_time: None,
        last_update_time: Some("2025-06-07T18:56:41.464Z".parse().unwrap()),
        is_deleted: None,
        is_active: Some(true),
        is_base64: None,
        query_param: None,
        is_sandbox: Some(false),
        sandbox_url: None,
        is_webhook_enabled: None,
    }
}

/// The JSON `api_registration_input()` must become on the wire: absent fields left out,
/// `Some(None)` as `null`.
fn api_registration_input_json() -> Value {
    json!({
        "api_id": "api-id-1",
        "api_modified_id": null,
        "name": "Partner API",
        "api_url": "https://partner.example.net/v1",
        "secret_key": "sk-123",
        "user_name": "svc-user",
        "api_password": "pw-456",
        "is_base64_password": false,
        "content_type": 1,
        "auth_type": 2,
        "header_params": [{ "keys": "sort", "values": "name", "queryparam": true }],
        "organization": "org-42",
        "last_update_time": "2025-06-07T18:56:41.464Z",
        "is_active": true,
        "is_sandbox": false
    })
}

fn audit_input() -> JobsAccountAuditInput {
    JobsAccountAuditInput {
        organization: "org-42".into(),
        job_id: Some("job-1".into()),
        ci_id: None,
        job_iteration_id: None,
        ipaddress: Some("10.0.0.7".into()),
        device_account: Some("admin".into()),
        dpassword: Some("device-pw".into()),
        denable_password: None,
        connection_protocol: Some("ssh".into()),
        error: None,
        task_owner: None,
        client_ip: None,
        job_type: Some("backup".into()),
        job_name: Some("nightly".into()),
        process_name: None,
        connection_for: None,
        last_update_time: Some("2025-06-07T14:54:24.264Z".parse().unwrap()),
        config_type: None,
        uofw: None,
    }
}

fn audit_input_json() -> Value {
    json!({
        "organization": "org-42",
        "job_id": "job-1",
        "ipaddress": "10.0.0.7",
        "device_account": "admin",
        "dpassword": "device-pw",
        "connection_protocol": "ssh",
        "job_type": "backup",
        "job_name": "nightly",
        "last_update_time": "2025-06-07T14:54:24.264Z"
    })
}

// ---------------------------------------------------------------------------------------------
// API Registration (9 operations)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_api_registrations() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!([
            api_registration_json("r1", "First"),
            api_registration_json("r2", "Second")
        ]),
    );

    let resp = client
        .api_registration()
        .list_api_registrations(25, 3)
        .reverse(true)
        .sort("name asc")
        .send()
        .await
        .expect("list succeeds");

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/ux/common/apiregister/profile/");
    assert_eq!(
        req.query_pairs(),
        pairs(&[
            ("items_per_page", "25"),
            ("page", "3"),
            ("reverse", "true"),
            ("sort", "name asc")
        ])
    );
    assert_eq!(
        req.query.as_deref(),
        Some("items_per_page=25&page=3&reverse=true&sort=name%20asc")
    );
    assert_auth_and_no_body(&req);

    assert_eq!(resp.status(), StatusCode::OK);
    let items = resp.into_inner();
    assert_eq!(items.len(), 2);
    let first = &items[0];
    assert_eq!(first.id, "r1");
    assert_eq!(first.name.as_deref(), Some("First"));
    assert_eq!(first.authentication_type, "Basic Auth");
    assert_eq!(first.api_id, "api-id-r1");
    assert_eq!(first.api_modified_id, Some(None));
    assert_eq!(first.organization, "org-42");
    assert_eq!(first.content_type, Some(1));
    assert_eq!(first.auth_type, Some(2));
    assert_eq!(first.api_type, Some(5));
    assert_eq!(first.secret_key.as_deref(), Some("sk-123"));
    assert_eq!(first.is_webhook_enabled, Some(true));
    assert_eq!(
        first.header_params,
        Some(vec![HeaderParam {
            keys: Some("sort".into()),
            values: Some("name".into()),
            queryparam: Some(true)
        }])
    );
    assert_eq!(
        first.creation_time,
        Some("2025-06-07T18:56:41.464Z".parse().unwrap())
    );
    assert_eq!(items[1].id, "r2");
    assert_eq!(items[1].name.as_deref(), Some("Second"));
}

#[tokio::test]
async fn list_api_registrations_without_optional_parameters() {
    let (server, client) = setup().await;
    server.respond_json(200, json!([]));

    let resp = client
        .api_registration()
        .list_api_registrations(10, 1)
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/ux/common/apiregister/profile/");
    assert_eq!(
        req.query_pairs(),
        pairs(&[("items_per_page", "10"), ("page", "1")])
    );
    assert_auth_and_no_body(&req);
    assert!(resp.is_empty());
}

#[tokio::test]
async fn create_api_registration() {
    let (server, client) = setup().await;
    server.respond(201, "application/json", "");

    let mut body = ApiRegistrationCreate {
        header_param_list: Some(vec![
            HeaderParam {
                keys: Some("sort".into()),
                values: Some("name".into()),
                queryparam: None,
            },
            HeaderParam {
                keys: Some("reverse".into()),
                values: Some("-".into()),
                queryparam: None,
            },
        ]),
        name: Some("API Auth".into()),
        content_type: Some(1),
        authentication_type: Some("Basic Auth".into()),
        user_name: Some("shilpa.v".into()),
        password: Some("hanTZ123$".into()),
        api_url: Some("http://test-api-auth.com".into()),
        description: Some("Test API Auth".into()),
        enc_password: Some("ZDk5NjMw".into()),
        ..Default::default()
    };
    // The create body is free-form: members the spec does not name go on the wire too.
    body.additional_properties
        .insert("retry_count".into(), json!(3));

    let resp = client
        .api_registration()
        .create_api_registration(body)
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/ux/common/apiregister/profile/");
    assert_eq!(req.query, None);
    assert_auth_and_json_body(
        &req,
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
            "retry_count": 3
        }),
    );

    assert_eq!(resp.status(), StatusCode::CREATED);
    let () = resp.into_inner();
}

#[tokio::test]
async fn get_api_registration() {
    let (server, client) = setup().await;
    server.respond_json(200, api_registration_json(AWKWARD_ID, "Partner"));

    let resp = client
        .api_registration()
        .get_api_registration(AWKWARD_ID)
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(
        req.path,
        format!("/ux/common/apiregister/profile/{AWKWARD_ID_ENCODED}/")
    );
    assert_eq!(req.query, None);
    assert_auth_and_no_body(&req);

    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.id, AWKWARD_ID);
    assert_eq!(resp.name.as_deref(), Some("Partner"));
    assert_eq!(
        resp.api_url.as_deref(),
        Some("https://partner.example.net/v1")
    );
    assert_eq!(
        resp.token_url.as_deref(),
        Some("https://partner.example.net/token")
    );
    assert_eq!(resp.is_active, Some(true));
    assert_eq!(
        resp.last_update_time,
        Some("2025-06-08T09:00:00Z".parse().unwrap())
    );
}

#[tokio::test]
async fn update_api_registration() {
    let (server, client) = setup().await;
    server.respond_json(200, api_registration_json("r7", "Renamed"));

    let resp = client
        .api_registration()
        .update_api_registration("r7", api_registration_input())
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "PUT");
    assert_eq!(req.path, "/ux/common/apiregister/profile/r7/");
    assert_eq!(req.query, None);
    assert_auth_and_json_body(&req, api_registration_input_json());

    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.id, "r7");
    assert_eq!(resp.name.as_deref(), Some("Renamed"));
    assert_eq!(resp.organization, "org-42");
}

#[tokio::test]
async fn delete_api_registration() {
    let (server, client) = setup().await;
    server.respond(204, "application/json", "");

    let resp = client
        .api_registration()
        .delete_api_registration(AWKWARD_ID)
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "DELETE");
    assert_eq!(
        req.path,
        format!("/ux/common/apiregister/profile/{AWKWARD_ID_ENCODED}/")
    );
    assert_eq!(req.query, None);
    assert_auth_and_no_body(&req);
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn list_all_api_registrations() {
    let (server, client) = setup().await;
    server.respond_json(200, api_registration_json("all-1", "Everything"));

    let resp = client
        .api_registration()
        .list_all_api_registrations()
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/ux/common/apiregister/profile/allapi-list/");
    assert_eq!(req.query, None);
    assert_auth_and_no_body(&req);

    // The spec documents a single api_config object (not an array) for this call.
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.id, "all-1");
    assert_eq!(resp.name.as_deref(), Some("Everything"));
}

#[tokio::test]
async fn search_api_registrations() {
    let (server, client) = setup().await;
    server.respond_json(200, api_registration_json("s-1", "Found"));

    let resp = client
        .api_registration()
        .search_api_registrations()
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/ux/common/apiregister/profile/api_search/");
    assert_eq!(req.query, None);
    assert_auth_and_no_body(&req);

    assert_eq!(resp.id, "s-1");
    assert_eq!(resp.name.as_deref(), Some("Found"));
}

#[tokio::test]
async fn get_api_registration_options() {
    let (server, client) = setup().await;
    // The options response of the doc's example: only the required fields plus a few.
    server.respond_json(
        200,
        json!({
            "id": "",
            "authentication_type": "",
            "api_id": "",
            "organization": "org-42",
            "is_sandbox": true,
            "request_type": 1
        }),
    );

    let resp = client
        .api_registration()
        .get_api_registration_options()
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/ux/common/apiregister/profile/options/");
    assert_eq!(req.query, None);
    assert_auth_and_no_body(&req);

    assert_eq!(resp.organization, "org-42");
    assert_eq!(resp.is_sandbox, Some(true));
    assert_eq!(resp.request_type, Some(1));
    assert_eq!(resp.name, None);
    assert_eq!(resp.api_modified_id, None);
}

#[tokio::test]
async fn verify_api_registration() {
    let (server, client) = setup().await;
    server.respond_json(200, api_registration_json("v-1", "Verified"));

    let resp = client
        .api_registration()
        .verify_api_registration(api_registration_input())
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/ux/common/apiregister/profile/verify_api/");
    assert_eq!(req.query, None);
    assert_auth_and_json_body(&req, api_registration_input_json());

    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.id, "v-1");
    assert_eq!(resp.name.as_deref(), Some("Verified"));
}

// ---------------------------------------------------------------------------------------------
// Jobs Account Audit (6 operations)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_jobs_account_audits() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!([audit_json("a1", "nightly"), audit_json("a2", "weekly")]),
    );

    let resp = client
        .jobs_account_audit()
        .list_jobs_account_audits(50, 2)
        .reverse(false)
        .sort("-creationtime")
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/ux/nccm/jobs-account-audit/");
    assert_eq!(
        req.query_pairs(),
        pairs(&[
            ("items_per_page", "50"),
            ("page", "2"),
            ("reverse", "false"),
            ("sort", "-creationtime")
        ])
    );
    assert_auth_and_no_body(&req);

    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.len(), 2);
    let first = &resp[0];
    assert_eq!(first.id, "a1");
    assert_eq!(first.creationtime, "2025-06-07 14:54:24");
    assert_eq!(first.agent_id, "agent-3");
    assert_eq!(first.connection_status, "success");
    assert_eq!(first.failure_message, "");
    assert_eq!(first.organization, "org-42");
    assert_eq!(first.ipaddress.as_deref(), Some("10.0.0.7"));
    assert_eq!(first.dpassword.as_deref(), Some("device-pw"));
    assert_eq!(first.job_name.as_deref(), Some("nightly"));
    assert_eq!(
        first.last_update_time,
        Some("2025-06-07T14:54:24.264Z".parse().unwrap())
    );
    assert_eq!(resp[1].id, "a2");
    assert_eq!(resp[1].job_name.as_deref(), Some("weekly"));
}

#[tokio::test]
async fn create_jobs_account_audit() {
    let (server, client) = setup().await;
    server.respond_json(201, audit_json("new-1", "nightly"));

    let resp = client
        .jobs_account_audit()
        .create_jobs_account_audit(audit_input())
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/ux/nccm/jobs-account-audit/");
    assert_eq!(req.query, None);
    assert_auth_and_json_body(&req, audit_input_json());

    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_eq!(resp.id, "new-1");
    assert_eq!(resp.job_name.as_deref(), Some("nightly"));
    assert_eq!(resp.connection_protocol.as_deref(), Some("ssh"));
}

#[tokio::test]
async fn get_jobs_account_audit() {
    let (server, client) = setup().await;
    server.respond_json(200, audit_json(AWKWARD_ID, "nightly"));

    let resp = client
        .jobs_account_audit()
        .get_jobs_account_audit(AWKWARD_ID)
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(
        req.path,
        format!("/ux/nccm/jobs-account-audit/{AWKWARD_ID_ENCODED}/")
    );
    assert_eq!(req.query, None);
    assert_auth_and_no_body(&req);

    assert_eq!(resp.id, AWKWARD_ID);
    assert_eq!(resp.task_owner.as_deref(), Some("ops"));
    assert_eq!(resp.uofw.as_deref(), Some("none"));
}

#[tokio::test]
async fn update_jobs_account_audit() {
    let (server, client) = setup().await;
    server.respond_json(200, audit_json("a9", "renamed"));

    let resp = client
        .jobs_account_audit()
        .update_jobs_account_audit("a9", audit_input())
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "PUT");
    assert_eq!(req.path, "/ux/nccm/jobs-account-audit/a9/");
    assert_eq!(req.query, None);
    assert_auth_and_json_body(&req, audit_input_json());

    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.id, "a9");
    assert_eq!(resp.job_name.as_deref(), Some("renamed"));
}

#[tokio::test]
async fn delete_jobs_account_audit() {
    let (server, client) = setup().await;
    server.respond(204, "application/json", "");

    let resp = client
        .jobs_account_audit()
        .delete_jobs_account_audit("a9")
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "DELETE");
    assert_eq!(req.path, "/ux/nccm/jobs-account-audit/a9/");
    assert_eq!(req.query, None);
    assert_auth_and_no_body(&req);
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn get_jobs_account_audit_options() {
    let (server, client) = setup().await;
    server.respond_json(200, audit_json("opt", "template"));

    let resp = client
        .jobs_account_audit()
        .get_jobs_account_audit_options()
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/ux/nccm/jobs-account-audit/options/");
    assert_eq!(req.query, None);
    assert_auth_and_no_body(&req);

    assert_eq!(resp.id, "opt");
    assert_eq!(resp.job_name.as_deref(), Some("template"));
    assert_eq!(resp.config_type.as_deref(), Some("running"));
}

// ---------------------------------------------------------------------------------------------
// Page-number pagination (`into_stream`)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn api_registration_stream_follows_pages_until_a_short_page() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!([
            api_registration_json("r1", "a"),
            api_registration_json("r2", "b")
        ]),
    );
    server.respond_json(
        200,
        json!([
            api_registration_json("r3", "c"),
            api_registration_json("r4", "d")
        ]),
    );
    server.respond_json(200, json!([api_registration_json("r5", "e")]));

    let items: Vec<_> = client
        .api_registration()
        .list_api_registrations(2, 1)
        .sort("name")
        .into_stream()
        .try_collect()
        .await
        .expect("every page decodes");

    let ids: Vec<&str> = items.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["r1", "r2", "r3", "r4", "r5"]);

    let requests = server.take();
    assert_eq!(requests.len(), 3, "stops after the short third page");
    for (req, page) in requests.iter().zip(["1", "2", "3"]) {
        assert_eq!(req.method, "GET");
        assert_eq!(req.path, "/ux/common/apiregister/profile/");
        assert_eq!(
            req.query_pairs(),
            pairs(&[("items_per_page", "2"), ("page", page), ("sort", "name")])
        );
        assert_eq!(req.header("authorization"), API_KEY);
    }
}

#[tokio::test]
async fn jobs_account_audit_stream_stops_at_an_empty_page() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!([
            audit_json("a1", "x"),
            audit_json("a2", "x"),
            audit_json("a3", "x")
        ]),
    );
    server.respond_json(
        200,
        json!([
            audit_json("a4", "x"),
            audit_json("a5", "x"),
            audit_json("a6", "x")
        ]),
    );
    server.respond_json(200, json!([]));

    let items: Vec<_> = client
        .jobs_account_audit()
        .list_jobs_account_audits(3, 4)
        .into_stream()
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<&str> = items.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a1", "a2", "a3", "a4", "a5", "a6"]);

    let requests = server.take();
    let pages: Vec<String> = requests
        .iter()
        .map(|r| {
            assert_eq!(r.path, "/ux/nccm/jobs-account-audit/");
            assert_eq!(r.header("authorization"), API_KEY);
            let q = r.query_pairs();
            assert_eq!(q[0], ("items_per_page".to_string(), "3".to_string()));
            q[1].1.clone()
        })
        .collect();
    assert_eq!(
        pages,
        ["4", "5", "6"],
        "starts at the given page and increments by one"
    );
}

#[tokio::test]
async fn stream_yields_the_error_of_a_failing_page() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!([
            api_registration_json("r1", "a"),
            api_registration_json("r2", "b")
        ]),
    );
    server.respond_json(503, json!({ "detail": "try later" }));

    let mut stream = std::pin::pin!(client
        .api_registration()
        .list_api_registrations(2, 1)
        .into_stream());
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "r1");
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "r2");
    let err = stream.try_next().await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.body(), Some(&json!({ "detail": "try later" })));
    assert_eq!(server.take().len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Errors and secrets
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn error_status_keeps_the_json_body_as_value_and_the_raw_bytes() {
    // The spec declares no error responses: the body falls back to `serde_json::Value`.
    let (server, client) = setup().await;
    server.respond(404, "application/json", r#"{"detail": "Not found."}"#);

    let err = client
        .api_registration()
        .get_api_registration("missing")
        .send()
        .await
        .unwrap_err();

    assert_eq!(
        server.single().path,
        "/ux/common/apiregister/profile/missing/"
    );
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    match &err {
        Error::Status(resp) => {
            assert_eq!(resp.status, StatusCode::NOT_FOUND);
            assert_eq!(resp.body, Some(json!({ "detail": "Not found." })));
            assert_eq!(resp.decode_error, None);
            assert_eq!(&resp.raw[..], br#"{"detail": "Not found."}"#);
            assert_eq!(resp.headers["content-type"], "application/json");
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }
}

#[tokio::test]
async fn error_status_with_a_text_body() {
    let (server, client) = setup().await;
    server.respond(500, "text/plain", "upstream exploded");

    let err = client
        .jobs_account_audit()
        .delete_jobs_account_audit("a1")
        .send()
        .await
        .unwrap_err();

    assert_eq!(server.single().method, "DELETE");
    match &err {
        Error::Status(resp) => {
            assert_eq!(resp.status, StatusCode::INTERNAL_SERVER_ERROR);
            assert_eq!(resp.body, Some(Value::String("upstream exploded".into())));
            assert_eq!(&resp.raw[..], b"upstream exploded");
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_success_body_is_a_decode_error() {
    let (server, client) = setup().await;
    server.respond(200, "application/json", r#"[{"id": "r1", "api_id""#);

    let err = client
        .api_registration()
        .list_api_registrations(10, 1)
        .send()
        .await
        .unwrap_err();

    assert_eq!(server.single().path, "/ux/common/apiregister/profile/");
    assert_eq!(err.status(), Some(StatusCode::OK));
    match &err {
        Error::Decode(decode) => {
            assert_eq!(decode.status, StatusCode::OK);
            assert_eq!(&decode.raw[..], br#"[{"id": "r1", "api_id""#);
            assert!(!decode.message.is_empty());
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn success_body_missing_a_required_field_is_a_decode_error() {
    let (server, client) = setup().await;
    // `creationtime`, `agent_id`, ... are required in `JobsAccountAudit`.
    server.respond(
        200,
        "application/json",
        r#"{"id": "a1", "organization": "org-42"}"#,
    );

    let err = client
        .jobs_account_audit()
        .get_jobs_account_audit("a1")
        .send()
        .await
        .unwrap_err();

    server.single();
    match &err {
        Error::Decode(decode) => {
            assert_eq!(decode.status, StatusCode::OK);
            assert_eq!(
                &decode.raw[..],
                br#"{"id": "a1", "organization": "org-42"}"#
            );
            assert!(
                decode.message.contains("creationtime"),
                "{}",
                decode.message
            );
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn debug_output_never_shows_the_api_key() {
    let (_server, client) = setup().await;
    let shown = format!("{client:?}");
    assert!(!shown.contains(API_KEY), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
}
