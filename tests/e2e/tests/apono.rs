//! End-to-end tests of the generated Apono client (`apono-api`) against a recording HTTP
//! server on 127.0.0.1: every operation (17), what goes on the wire and what comes back.
//!
//! The spec documents no response fields: every success body is a free-form JSON object
//! (`UndocumentedObject`, a `serde_json::Map`).

use std::collections::BTreeMap;

use apono_api::client::StatusCode;
use apono_api::{
    Client, Error, IntegrationV2CreateRequest, IntegrationV2UpdateRequest,
    IntegrationV4CreateRequest, IntegrationV4UpdateRequest, UndocumentedObject,
};
use forge_e2e::{MockServer, Recorded};
use serde_json::{json, Value};

const TOKEN: &str = "apono-token-93b1c0";

/// A path parameter that needs percent-encoding (space, slash, `#`, `%`, non-ASCII).
const AWKWARD_ID: &str = "int 1/é#%";
const AWKWARD_ID_ENCODED: &str = "int%201%2F%C3%A9%23%25";

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.url())
        .bearer_auth(TOKEN)
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

fn object(value: Value) -> serde_json::Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn assert_bearer_and_no_body(req: &Recorded) {
    assert_eq!(req.header("authorization"), format!("Bearer {TOKEN}"));
    assert_eq!(req.header("user-agent"), "apono-api/rust");
    assert!(req.body.is_empty(), "unexpected body {:?}", req.body);
    assert_eq!(req.header("content-type"), "");
}

fn assert_bearer_and_json_body(req: &Recorded, expected: Value) {
    assert_eq!(req.header("authorization"), format!("Bearer {TOKEN}"));
    assert_eq!(req.header("content-type"), "application/json");
    assert_eq!(req.json(), expected);
}

fn integration_json(id: &str) -> Value {
    json!({
        "id": id,
        "name": "prod-postgres",
        "type": "postgresql",
        "status": "Active",
        "connected_resource_types": ["postgresql-database"]
    })
}

// ---------------------------------------------------------------------------------------------
// Admin v4 integrations (5 operations)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_integrations_v4_with_every_filter() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!({ "items": [integration_json("i-1")], "pagination": { "next_page_token": "tok-2" } }),
    );

    let resp = client
        .integrations()
        .list_integrations_v4()
        .category(vec!["database".to_string(), "cloud".to_string()])
        .connector_id(vec!["conn-1".to_string()])
        .limit(25)
        .name("prod*")
        .page_token("tok-1")
        .status(vec!["Active".to_string(), "Error".to_string()])
        .type_(vec!["postgresql".to_string(), "*sql".to_string()])
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/api/admin/v4/integrations");
    // Arrays are `form`, exploded: one pair per item.
    assert_eq!(
        req.query_pairs(),
        pairs(&[
            ("category", "database"),
            ("category", "cloud"),
            ("connector_id", "conn-1"),
            ("limit", "25"),
            ("name", "prod*"),
            ("page_token", "tok-1"),
            ("status", "Active"),
            ("status", "Error"),
            ("type", "postgresql"),
            ("type", "*sql"),
        ])
    );
    assert_bearer_and_no_body(&req);

    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp["items"][0]["id"], "i-1");
    assert_eq!(resp["pagination"]["next_page_token"], "tok-2");
}

#[tokio::test]
async fn list_integrations_v4_without_filters() {
    let (server, client) = setup().await;
    server.respond_json(200, json!({ "items": [] }));

    let resp = client
        .integrations()
        .list_integrations_v4()
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/api/admin/v4/integrations");
    assert_eq!(req.query, None);
    assert_bearer_and_no_body(&req);
    assert_eq!(resp["items"], json!([]));
}

#[tokio::test]
async fn create_integration_v4() {
    let (server, client) = setup().await;
    server.respond_json(200, integration_json("i-new"));

    let body = IntegrationV4CreateRequest {
        name: "prod-postgres".into(),
        type_: "postgresql".into(),
        connector_id: Some(None),
        integration_config: object(json!({ "hostname": "db.internal", "port": 5432 })),
        secret_store_config: Some(Some(object(
            json!({ "aws": { "region": "eu-west-1", "secret_id": "s-1" } }),
        ))),
        connected_resource_types: Some(Some(vec!["postgresql-database".into()])),
        custom_access_details: Some(Some("Ask #dba".into())),
        owner: None,
        owners_mapping: Some(Some(object(json!({ "key_name": "team" })))),
    };
    let resp = client
        .integrations()
        .create_integration_v4(body)
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/api/admin/v4/integrations");
    assert_eq!(req.query, None);
    assert_bearer_and_json_body(
        &req,
        json!({
            "name": "prod-postgres",
            "type": "postgresql",
            "connector_id": null,
            "integration_config": { "hostname": "db.internal", "port": 5432 },
            "secret_store_config": { "aws": { "region": "eu-west-1", "secret_id": "s-1" } },
            "connected_resource_types": ["postgresql-database"],
            "custom_access_details": "Ask #dba",
            "owners_mapping": { "key_name": "team" }
        }),
    );

    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.into_inner(), object(integration_json("i-new")));
}

#[tokio::test]
async fn get_integration_v4() {
    let (server, client) = setup().await;
    server.respond_json(200, integration_json(AWKWARD_ID));

    let resp = client
        .integrations()
        .get_integration_v4(AWKWARD_ID)
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(
        req.path,
        format!("/api/admin/v4/integrations/{AWKWARD_ID_ENCODED}")
    );
    assert_eq!(req.query, None);
    assert_bearer_and_no_body(&req);

    assert_eq!(resp["id"], AWKWARD_ID);
    assert_eq!(resp["type"], "postgresql");
    assert_eq!(
        resp["connected_resource_types"],
        json!(["postgresql-database"])
    );
}

#[tokio::test]
async fn update_integration_v4() {
    let (server, client) = setup().await;
    server.respond_json(200, json!({ "id": "i-1", "name": "renamed" }));

    let body = IntegrationV4UpdateRequest {
        name: "renamed".into(),
        connector_id: Some(Some("conn-2".into())),
        integration_config: object(json!({ "hostname": "db2.internal" })),
        secret_store_config: Some(None),
        connected_resource_types: None,
        custom_access_details: Some(None),
        owner: Some(Some(object(
            json!({ "source_integration_id": "idp-1", "type": "group", "values": ["dba"] }),
        ))),
        owners_mapping: None,
    };
    let resp = client
        .integrations()
        .update_integration_v4("i-1", body)
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "PUT");
    assert_eq!(req.path, "/api/admin/v4/integrations/i-1");
    assert_eq!(req.query, None);
    assert_bearer_and_json_body(
        &req,
        json!({
            "name": "renamed",
            "connector_id": "conn-2",
            "integration_config": { "hostname": "db2.internal" },
            "secret_store_config": null,
            "custom_access_details": null,
            "owner": { "source_integration_id": "idp-1", "type": "group", "values": ["dba"] }
        }),
    );

    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp["name"], "renamed");
}

#[tokio::test]
async fn delete_integration_v4() {
    let (server, client) = setup().await;
    server.respond(204, "application/json", "");

    let resp = client
        .integrations()
        .delete_integration_v4(AWKWARD_ID)
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "DELETE");
    assert_eq!(
        req.path,
        format!("/api/admin/v4/integrations/{AWKWARD_ID_ENCODED}")
    );
    assert_eq!(req.query, None);
    assert_bearer_and_no_body(&req);
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
}

// ---------------------------------------------------------------------------------------------
// v2 integrations and catalog (8 operations)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_integrations_v2() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!({ "data": [integration_json("i-1"), integration_json("i-2")] }),
    );

    let resp = client
        .integrations()
        .list_integrations_v2()
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/api/v2/integrations");
    assert_eq!(req.query, None);
    assert_bearer_and_no_body(&req);

    assert_eq!(resp["data"][0]["id"], "i-1");
    assert_eq!(resp["data"][1]["id"], "i-2");
}

#[tokio::test]
async fn create_integration_v2() {
    let (server, client) = setup().await;
    server.respond_json(200, json!({ "id": "v2-new", "name": "mysql-1" }));

    let mut secret_config = BTreeMap::new();
    secret_config.insert(
        "aws".to_string(),
        object(json!({ "region": "us-east-1", "secret_id": "arn:1" })),
    );
    let body = IntegrationV2CreateRequest {
        name: "mysql-1".into(),
        type_: "mysql".into(),
        provisioner_id: Some(Some("prov-1".into())),
        metadata: object(json!({ "host": "mysql.internal", "port": "3306" })),
        secret_config: Some(Some(secret_config)),
        connected_resource_types: Some(None),
        custom_access_details: None,
    };
    let resp = client
        .integrations()
        .create_integration_v2(body)
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/api/v2/integrations");
    assert_eq!(req.query, None);
    assert_bearer_and_json_body(
        &req,
        json!({
            "name": "mysql-1",
            "type": "mysql",
            "provisioner_id": "prov-1",
            "metadata": { "host": "mysql.internal", "port": "3306" },
            "secret_config": { "aws": { "region": "us-east-1", "secret_id": "arn:1" } },
            "connected_resource_types": null
        }),
    );

    assert_eq!(resp["id"], "v2-new");
    assert_eq!(resp["name"], "mysql-1");
}

#[tokio::test]
async fn list_integration_configs() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!({ "data": [{ "type": "mysql", "name": "MySQL" }] }),
    );

    let resp = client
        .integrations()
        .list_integration_configs()
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/api/v2/integrations-catalog");
    assert_eq!(req.query, None);
    assert_bearer_and_no_body(&req);

    assert_eq!(resp["data"][0]["type"], "mysql");
    assert_eq!(resp["data"][0]["name"], "MySQL");
}

#[tokio::test]
async fn get_integration_config() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!({ "type": "aws account", "params": [{ "id": "region" }] }),
    );

    let resp = client
        .integrations()
        .get_integration_config("aws account")
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/api/v2/integrations-catalog/aws%20account");
    assert_eq!(req.query, None);
    assert_bearer_and_no_body(&req);

    assert_eq!(resp["type"], "aws account");
    assert_eq!(resp["params"][0]["id"], "region");
}

#[tokio::test]
async fn get_integration_v2() {
    let (server, client) = setup().await;
    server.respond_json(200, integration_json("i-7"));

    let resp = client
        .integrations()
        .get_integration_v2(AWKWARD_ID)
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(
        req.path,
        format!("/api/v2/integrations/{AWKWARD_ID_ENCODED}")
    );
    assert_eq!(req.query, None);
    assert_bearer_and_no_body(&req);

    assert_eq!(resp["id"], "i-7");
    assert_eq!(resp["status"], "Active");
}

#[tokio::test]
async fn update_integration_v2() {
    let (server, client) = setup().await;
    server.respond_json(200, json!({ "id": "i-7", "name": "mysql-renamed" }));

    let body = IntegrationV2UpdateRequest {
        name: "mysql-renamed".into(),
        provisioner_id: None,
        metadata: object(json!({ "host": "mysql2.internal" })),
        secret_config: Some(None),
        connected_resource_types: Some(Some(vec!["mysql-database".into(), "mysql-table".into()])),
        custom_access_details: Some(Some("Use VPN".into())),
    };
    let resp = client
        .integrations()
        .update_integration_v2("i-7", body)
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "PUT");
    assert_eq!(req.path, "/api/v2/integrations/i-7");
    assert_eq!(req.query, None);
    assert_bearer_and_json_body(
        &req,
        json!({
            "name": "mysql-renamed",
            "metadata": { "host": "mysql2.internal" },
            "secret_config": null,
            "connected_resource_types": ["mysql-database", "mysql-table"],
            "custom_access_details": "Use VPN"
        }),
    );

    assert_eq!(resp["name"], "mysql-renamed");
}

#[tokio::test]
async fn delete_integration_v2() {
    let (server, client) = setup().await;
    server.respond_json(200, json!({ "deleted": true }));

    let resp = client
        .integrations()
        .delete_integration_v2("i-7")
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "DELETE");
    assert_eq!(req.path, "/api/v2/integrations/i-7");
    assert_eq!(req.query, None);
    assert_bearer_and_no_body(&req);

    // Unlike the v4 delete (204), the v2 delete answers 200 with a body.
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp["deleted"], true);
}

#[tokio::test]
async fn refresh_integration_v2() {
    let (server, client) = setup().await;
    server.respond_json(200, json!({ "id": "i-7", "status": "Refreshing" }));

    let resp = client
        .integrations()
        .refresh_integration_v2(AWKWARD_ID)
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "POST");
    assert_eq!(
        req.path,
        format!("/api/v2/integrations/{AWKWARD_ID_ENCODED}/refresh")
    );
    assert_eq!(req.query, None);
    assert_bearer_and_no_body(&req);

    assert_eq!(resp["status"], "Refreshing");
}

// ---------------------------------------------------------------------------------------------
// v3 resources, user tags and permissions (4 operations)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_resource_user_tags() {
    let (server, client) = setup().await;
    server.respond_json(200, json!({ "tags": [{ "name": "env", "value": "prod" }] }));

    let resp = client
        .integrations()
        .get_resource_user_tags("res/42 a")
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(
        req.path,
        "/api/v3/integrations/resources/res%2F42%20a/user-tags"
    );
    assert_eq!(req.query, None);
    assert_bearer_and_no_body(&req);

    assert_eq!(resp["tags"][0]["name"], "env");
    assert_eq!(resp["tags"][0]["value"], "prod");
}

#[tokio::test]
async fn update_resource_user_tags() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!({ "tags": [{ "name": "env", "value": "staging" }] }),
    );

    let body: UndocumentedObject =
        object(json!({ "tags": [{ "name": "env", "value": "staging" }] }));
    let resp = client
        .integrations()
        .update_resource_user_tags("res-42", body)
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "PUT");
    assert_eq!(req.path, "/api/v3/integrations/resources/res-42/user-tags");
    assert_eq!(req.query, None);
    assert_bearer_and_json_body(
        &req,
        json!({ "tags": [{ "name": "env", "value": "staging" }] }),
    );

    assert_eq!(resp["tags"][0]["value"], "staging");
}

#[tokio::test]
async fn get_integration_permissions() {
    let (server, client) = setup().await;
    server.respond_json(200, json!({ "permissions": ["read", "write"] }));

    let resp = client
        .integrations()
        .get_integration_permissions(AWKWARD_ID)
        .resource_type("postgresql-database")
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(
        req.path,
        format!("/api/v3/integrations/{AWKWARD_ID_ENCODED}/permissions")
    );
    assert_eq!(
        req.query_pairs(),
        pairs(&[("resource-type", "postgresql-database")])
    );
    assert_bearer_and_no_body(&req);

    assert_eq!(resp["permissions"], json!(["read", "write"]));
}

#[tokio::test]
async fn get_integration_permissions_without_resource_type() {
    let (server, client) = setup().await;
    server.respond_json(200, json!({ "permissions": [] }));

    let resp = client
        .integrations()
        .get_integration_permissions("i-1")
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.path, "/api/v3/integrations/i-1/permissions");
    assert_eq!(req.query, None);
    assert_bearer_and_no_body(&req);
    assert_eq!(resp["permissions"], json!([]));
}

#[tokio::test]
async fn get_integration_resources() {
    let (server, client) = setup().await;
    server.respond_json(
        200,
        json!({ "resources": [{ "id": "db-1", "name": "orders" }] }),
    );

    let resp = client
        .integrations()
        .get_integration_resources("i-1")
        .resource_type("a b&c=d")
        .send()
        .await
        .unwrap();

    let req = server.single();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/api/v3/integrations/i-1/resources");
    assert_eq!(req.query.as_deref(), Some("resource-type=a%20b%26c%3Dd"));
    assert_eq!(req.query_pairs(), pairs(&[("resource-type", "a b&c=d")]));
    assert_bearer_and_no_body(&req);

    assert_eq!(resp["resources"][0]["id"], "db-1");
    assert_eq!(resp["resources"][0]["name"], "orders");
}

// ---------------------------------------------------------------------------------------------
// Errors and secrets
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn error_status_keeps_the_json_body_as_value_and_the_raw_bytes() {
    // The spec declares no error responses: the body falls back to `serde_json::Value`.
    let (server, client) = setup().await;
    server.respond(
        403,
        "application/json",
        r#"{"message": "forbidden", "code": 4031}"#,
    );

    let err = client
        .integrations()
        .get_integration_v4("i-1")
        .send()
        .await
        .unwrap_err();

    assert_eq!(server.single().path, "/api/admin/v4/integrations/i-1");
    assert_eq!(err.status(), Some(StatusCode::FORBIDDEN));
    assert_eq!(
        err.body(),
        Some(&json!({ "message": "forbidden", "code": 4031 }))
    );
    match &err {
        Error::Status(resp) => {
            assert_eq!(&resp.raw[..], br#"{"message": "forbidden", "code": 4031}"#);
            assert_eq!(resp.decode_error, None);
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }
}

#[tokio::test]
async fn error_status_with_an_empty_body() {
    let (server, client) = setup().await;
    server.respond(404, "text/plain", "");

    let err = client
        .integrations()
        .delete_integration_v4("gone")
        .send()
        .await
        .unwrap_err();

    assert_eq!(server.single().method, "DELETE");
    match &err {
        Error::Status(resp) => {
            assert_eq!(resp.status, StatusCode::NOT_FOUND);
            assert_eq!(resp.body, Some(Value::Null));
            assert!(resp.raw.is_empty());
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_success_body_is_a_decode_error() {
    let (server, client) = setup().await;
    server.respond(200, "application/json", "{\"id\": ");

    let err = client
        .integrations()
        .list_integrations_v2()
        .send()
        .await
        .unwrap_err();

    server.single();
    assert_eq!(err.status(), Some(StatusCode::OK));
    match &err {
        Error::Decode(decode) => {
            assert_eq!(decode.status, StatusCode::OK);
            assert_eq!(&decode.raw[..], b"{\"id\": ");
            assert!(!decode.message.is_empty());
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn success_body_that_is_not_an_object_is_a_decode_error() {
    let (server, client) = setup().await;
    server.respond(200, "application/json", r#"["not", "an", "object"]"#);

    let err = client
        .integrations()
        .get_integration_v2("i-1")
        .send()
        .await
        .unwrap_err();

    server.single();
    match &err {
        Error::Decode(decode) => {
            assert_eq!(decode.status, StatusCode::OK);
            assert_eq!(&decode.raw[..], br#"["not", "an", "object"]"#);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn debug_output_never_shows_the_token() {
    let (_server, client) = setup().await;
    let shown = format!("{client:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("redacted"), "{shown}");
}
