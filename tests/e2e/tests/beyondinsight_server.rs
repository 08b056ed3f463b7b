//! The generated BeyondInsight / Password Safe server (`beyondinsight-api`, feature `server`).
//!
//! 1. Router tests (`tower::ServiceExt::oneshot`, no socket): every operation (66) answers
//!    `router(Mock::default())` with its declared success status and a JSON body that decodes
//!    as the declared type, and rejects bad input with a JSON error naming the field and rule
//!    (missing credentials, malformed path/query parameters, wrong content type, invalid
//!    JSON, constraint violations). Plus a partial custom `Api` (typed requests,
//!    `authenticate`, 501 for the rest, implementation errors), `Mock::with_secret` and the
//!    body limit of `router_with_config`.
//! 2. Round trips over real TCP: `axum::serve` on 127.0.0.1:0 with an `Echo` implementation
//!    that builds its answers from the request it got and records that request; the generated
//!    client calls every operation and checks both the decoded answer and what the server saw.
//!    The multipart operation (`deprecatedQueueImportFile`) goes both ways too: the client's
//!    body (a JSON `Details` part, as the spec's `encoding` says, and a binary `File` part)
//!    and a hand-written body that follows the spec.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use beyondinsight_api::models::*;
use beyondinsight_api::server::*;
use beyondinsight_api::support::Base64;
use beyondinsight_api::Client;
use http_body_util::BodyExt as _;
use serde_json::{json, Value};
use tower::ServiceExt as _;

/// The `PSAuth` API key: the whole `Authorization` header value.
const PS_AUTH: &str = "PS-Auth key=c479a66f7c114e449ab61ad0d5f9a1b7; runas=jdoe; pwd=[s3cr3t];";

/// An organization / EPM policy ID (`format: uuid` in the spec).
const ORG: &str = "8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b";

fn org() -> uuid::Uuid {
    ORG.parse().expect("valid uuid")
}

// ---------------------------------------------------------------------------------------------
// Router helpers
// ---------------------------------------------------------------------------------------------

/// One request to the router: method, path below `BASE_PATH` (query included), credentials,
/// content type and body.
struct Call {
    method: Method,
    path: String,
    authorization: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

fn call(method: Method, path: &str) -> Call {
    Call {
        method,
        path: path.to_owned(),
        authorization: Some(PS_AUTH.to_owned()),
        content_type: None,
        body: Vec::new(),
    }
}

fn get(path: &str) -> Call {
    call(Method::GET, path)
}

fn post(path: &str) -> Call {
    call(Method::POST, path)
}

fn put(path: &str) -> Call {
    call(Method::PUT, path)
}

fn delete(path: &str) -> Call {
    call(Method::DELETE, path)
}

impl Call {
    /// A JSON body with `Content-Type: application/json`.
    fn json(self, body: Value) -> Self {
        let text = body.to_string();
        self.body(Some("application/json"), &text)
    }

    /// Any body with any (or no) content type.
    fn body(mut self, content_type: Option<&str>, body: &str) -> Self {
        self.content_type = content_type.map(str::to_owned);
        self.body = body.as_bytes().to_vec();
        self
    }

    /// Without the `Authorization` header.
    fn anonymous(mut self) -> Self {
        self.authorization = None;
        self
    }

    /// With another `Authorization` header value.
    fn authorization(mut self, value: &str) -> Self {
        self.authorization = Some(value.to_owned());
        self
    }

    /// Sends the request to `router(Mock::default())`.
    async fn send(self) -> Reply {
        self.send_to(router(Mock::default())).await
    }

    /// Sends the request to `router`.
    async fn send_to(self, router: axum::Router) -> Reply {
        let mut request = Request::builder()
            .method(self.method)
            .uri(format!("{BASE_PATH}{}", self.path));
        if let Some(value) = &self.authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        if let Some(content_type) = &self.content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let request = request.body(Body::from(self.body)).expect("request builds");
        let response = router
            .oneshot(request)
            .await
            .expect("the router never fails");
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().expect("ASCII content type").to_owned());
        let connection = response
            .headers()
            .get(header::CONNECTION)
            .map(|v| v.to_str().expect("ASCII connection header").to_owned());
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Reply {
            status,
            content_type,
            connection,
            body,
        }
    }
}

/// What the router answered.
struct Reply {
    status: StatusCode,
    content_type: Option<String>,
    /// The `Connection` header of the answer.
    connection: Option<String>,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A success without a body.
    #[track_caller]
    fn expect_empty(&self, status: u16) {
        assert_eq!(self.status.as_u16(), status, "{}", self.text());
        assert!(self.body.is_empty(), "unexpected body {}", self.text());
    }

    /// A JSON error `{"error": {"status", "field", "rule", "message"}}`.
    #[track_caller]
    fn expect_error(&self, status: u16, field: Option<&str>, rule: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text());
        assert_eq!(
            self.content_type.as_deref(),
            Some("application/json"),
            "error content type"
        );
        let body: Value = serde_json::from_slice(&self.body).expect("error body is JSON");
        let error = &body["error"];
        assert_eq!(error["status"], status, "{body}");
        assert_eq!(error["field"], json!(field), "{body}");
        assert_eq!(error["rule"], rule, "{body}");
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
        body
    }

    /// 400 naming the parameter or body field and the rule.
    #[track_caller]
    fn expect_bad(&self, field: &str, rule: &str) -> Value {
        self.expect_error(400, Some(field), rule)
    }

    /// 401 `security`: the request carries no `PSAuth` credentials.
    #[track_caller]
    fn expect_unauthorized(&self) {
        self.expect_error(401, None, "security");
    }
}

/// Asserts the status and `application/json`, and decodes the body as `$ty`.
macro_rules! expect_json {
    ($reply:expr, $status:expr, $ty:ty) => {{
        let reply = $reply;
        assert_eq!(reply.status.as_u16(), $status, "{}", reply.text());
        assert_eq!(
            reply.content_type.as_deref(),
            Some("application/json"),
            "success content type"
        );
        serde_json::from_slice::<$ty>(&reply.body).unwrap_or_else(|e| {
            panic!(
                "body does not decode as {}: {e}: {}",
                stringify!($ty),
                reply.text()
            )
        })
    }};
}

// ---------------------------------------------------------------------------------------------
// 1. Router tests: one per operation, against `router(Mock::default())`
// ---------------------------------------------------------------------------------------------

// --- Access Levels ---

#[tokio::test]
async fn router_list_access_levels() {
    let levels = expect_json!(get("/AccessLevels").send().await, 200, Vec<AccessLevel>);
    assert_eq!(levels, Vec::<AccessLevel>::new());
    get("/AccessLevels")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

#[tokio::test]
async fn router_set_user_group_smart_rule_access_level() {
    let path = "/UserGroups/4/SmartRules/9/AccessLevels";
    post(path)
        .json(json!({"AccessLevelID": 3}))
        .send()
        .await
        .expect_empty(200);
    post("/UserGroups/four/SmartRules/9/AccessLevels")
        .json(json!({"AccessLevelID": 3}))
        .send()
        .await
        .expect_bad("userGroupId", "type");
    post("/UserGroups/4/SmartRules/9.5/AccessLevels")
        .json(json!({"AccessLevelID": 3}))
        .send()
        .await
        .expect_bad("smartRuleId", "type");
    post(path)
        .json(json!({"AccessLevelID": 2}))
        .send()
        .await
        .expect_bad("body.AccessLevelID", "enum");
}

// --- Address Groups ---

#[tokio::test]
async fn router_list_organization_address_groups() {
    let groups = expect_json!(
        get(&format!("/Organizations/{ORG}/AddressGroups"))
            .send()
            .await,
        200,
        Vec<AddressGroup>
    );
    assert!(groups.is_empty());
    get("/Organizations/42/AddressGroups")
        .send()
        .await
        .expect_bad("orgID", "type");
}

#[tokio::test]
async fn router_list_address_groups() {
    let body = expect_json!(
        get("/AddressGroups?name=Servers").send().await,
        200,
        ListAddressGroupsResponseBody
    );
    assert_eq!(body, ListAddressGroupsResponseBody::Array(vec![]));
    get("/AddressGroups")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

#[tokio::test]
async fn router_create_address_group() {
    let group = expect_json!(
        post("/AddressGroups")
            .json(json!({"Name": "Servers"}))
            .send()
            .await,
        201,
        AddressGroup
    );
    assert_eq!(group, AddressGroup::default());
    post("/AddressGroups")
        .body(Some("text/plain"), r#"{"Name": "Servers"}"#)
        .send()
        .await
        .expect_error(415, Some("body"), "content-type");
    post("/AddressGroups")
        .json(json!({"Name": "x".repeat(226)}))
        .send()
        .await
        .expect_bad("body.Name", "maxLength");
    post("/AddressGroups")
        .body(Some("application/json"), "")
        .send()
        .await
        .expect_bad("body", "required");
}

/// A rejected request of an operation that takes a body may not have been read to its end:
/// the answer asks the client to close the connection. Other answers leave it open.
#[tokio::test]
async fn router_rejections_of_requests_with_bodies_close_the_connection() {
    let rejected = post("/AddressGroups")
        .body(Some("text/plain"), r#"{"Name": "Servers"}"#)
        .send()
        .await;
    assert_eq!(rejected.status.as_u16(), 415, "{}", rejected.text());
    assert_eq!(rejected.connection.as_deref(), Some("close"));
    let unauthorized = post("/AddressGroups")
        .json(json!({"Name": "Servers"}))
        .anonymous()
        .send()
        .await;
    assert_eq!(unauthorized.status.as_u16(), 401, "{}", unauthorized.text());
    assert_eq!(unauthorized.connection.as_deref(), Some("close"));
    let accepted = post("/AddressGroups")
        .json(json!({"Name": "Servers"}))
        .send()
        .await;
    assert_eq!(accepted.status.as_u16(), 201, "{}", accepted.text());
    assert_eq!(accepted.connection, None);
    let unauthorized_get = get("/AddressGroups").anonymous().send().await;
    assert_eq!(
        unauthorized_get.status.as_u16(),
        401,
        "{}",
        unauthorized_get.text()
    );
    assert_eq!(unauthorized_get.connection, None);
}

#[tokio::test]
async fn router_list_address_group_addresses() {
    let addresses = expect_json!(
        get("/AddressGroups/12/Addresses").send().await,
        200,
        Vec<Address>
    );
    assert!(addresses.is_empty());
    get("/AddressGroups/x/Addresses")
        .send()
        .await
        .expect_bad("addressGroupId", "type");
}

#[tokio::test]
async fn router_create_address_group_address() {
    let address = expect_json!(
        post("/AddressGroups/12/Addresses")
            .json(json!({"Omit": false, "Type": 1, "Value": "10.0.0.1"}))
            .send()
            .await,
        201,
        Address
    );
    assert_eq!(address, Address::default());
    post("/AddressGroups/12/Addresses")
        .json(json!({"Type": "single"}))
        .send()
        .await
        .expect_bad("body.Type", "type");
    post("/AddressGroups/12/Addresses")
        .json(json!({"Type": 9}))
        .send()
        .await
        .expect_bad("body.Type", "enum");
}

#[tokio::test]
async fn router_delete_address_group_addresses() {
    delete("/AddressGroups/12/Addresses")
        .send()
        .await
        .expect_empty(200);
    delete("/AddressGroups/99999999999/Addresses")
        .send()
        .await
        .expect_bad("addressGroupId", "type");
}

#[tokio::test]
async fn router_get_address_group_by_id() {
    let group = expect_json!(get("/AddressGroups/12").send().await, 200, AddressGroup);
    assert_eq!(group, AddressGroup::default());
    get("/AddressGroups/1.5")
        .send()
        .await
        .expect_bad("addressGroupId", "type");
    get("/AddressGroups/12")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

#[tokio::test]
async fn router_update_address_group() {
    let group = expect_json!(
        put("/AddressGroups/12")
            .json(json!({"Name": "Renamed"}))
            .send()
            .await,
        200,
        AddressGroup
    );
    assert_eq!(group, AddressGroup::default());
    put("/AddressGroups/12")
        .json(json!({"Name": 5}))
        .send()
        .await
        .expect_bad("body.Name", "type");
    put("/AddressGroups/twelve")
        .json(json!({"Name": "Renamed"}))
        .send()
        .await
        .expect_bad("addressGroupId", "type");
}

#[tokio::test]
async fn router_delete_address_group() {
    delete("/AddressGroups/12").send().await.expect_empty(200);
    delete("/AddressGroups/12")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

#[tokio::test]
async fn router_get_address_by_id() {
    let address = expect_json!(get("/Addresses/7").send().await, 200, Address);
    assert_eq!(address, Address::default());
    get("/Addresses/seven")
        .send()
        .await
        .expect_bad("id", "type");
}

#[tokio::test]
async fn router_update_address_by_id() {
    let address = expect_json!(
        put("/Addresses/7")
            .json(json!({"Type": 4, "Value": "host.example.com"}))
            .send()
            .await,
        200,
        Address
    );
    assert_eq!(address, Address::default());
    put("/Addresses/7")
        .body(None, r#"{"Type": 4}"#)
        .send()
        .await
        .expect_error(415, Some("body"), "content-type");
    put("/Addresses/7")
        .json(json!({"Value": "v".repeat(226)}))
        .send()
        .await
        .expect_bad("body.Value", "maxLength");
}

#[tokio::test]
async fn router_delete_address_by_id() {
    delete("/Addresses/7").send().await.expect_empty(200);
    delete("/Addresses/-").send().await.expect_bad("id", "type");
}

// --- API Registrations ---

#[tokio::test]
async fn router_list_api_registrations() {
    let registrations = expect_json!(
        get("/ApiRegistrations").send().await,
        200,
        Vec<ApiRegistration>
    );
    assert!(registrations.is_empty());
    get("/ApiRegistrations")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

#[tokio::test]
async fn router_create_api_registration() {
    let registration = expect_json!(
        post("/ApiRegistrations")
            .json(json!({"RegistrationType": "ApiKeyPolicy", "Name": "ci", "Active": true}))
            .send()
            .await,
        200,
        ApiRegistration
    );
    assert_eq!(registration, ApiRegistration::default());
    post("/ApiRegistrations")
        .body(Some("application/xml"), "<ApiRegistration/>")
        .send()
        .await
        .expect_error(415, Some("body"), "content-type");
    post("/ApiRegistrations")
        .body(Some("application/json"), "")
        .send()
        .await
        .expect_bad("body", "required");
}

#[tokio::test]
async fn router_get_api_registration_by_id() {
    let registration = expect_json!(
        get("/ApiRegistrations/3").send().await,
        200,
        ApiRegistration
    );
    assert_eq!(registration, ApiRegistration::default());
    get("/ApiRegistrations/three")
        .send()
        .await
        .expect_bad("id", "type");
}

#[tokio::test]
async fn router_update_api_registration() {
    let registration = expect_json!(
        put("/ApiRegistrations/3")
            .json(json!({"RegistrationType": "ApiAccessPolicy", "AccessTokenDuration": 60}))
            .send()
            .await,
        200,
        ApiRegistration
    );
    assert_eq!(registration, ApiRegistration::default());
    put("/ApiRegistrations/x")
        .json(json!({"RegistrationType": "ApiAccessPolicy"}))
        .send()
        .await
        .expect_bad("id", "type");
    put("/ApiRegistrations/3")
        .body(Some("text/plain"), "ApiAccessPolicy")
        .send()
        .await
        .expect_error(415, Some("body"), "content-type");
}

#[tokio::test]
async fn router_delete_api_registration() {
    delete("/ApiRegistrations/3").send().await.expect_empty(200);
    delete("/ApiRegistrations/3")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

#[tokio::test]
async fn router_rotate_api_registration_key() {
    let key = expect_json!(post("/ApiRegistrations/3/Rotate").send().await, 201, ApiKey);
    assert_eq!(key, "example");
    post("/ApiRegistrations/3x/Rotate")
        .send()
        .await
        .expect_bad("id", "type");
}

#[tokio::test]
async fn router_get_api_registration_key() {
    let key = expect_json!(get("/ApiRegistrations/3/Key").send().await, 200, ApiKey);
    assert_eq!(key, "example");
    get("/ApiRegistrations/3/Key")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

// --- Asset Attributes ---

#[tokio::test]
async fn router_get_asset_attributes() {
    let attributes = expect_json!(
        get("/Assets/21/Attributes").send().await,
        200,
        Vec<Attribute>
    );
    assert!(attributes.is_empty());
    get("/Assets/abc/Attributes")
        .send()
        .await
        .expect_bad("assetID", "type");
}

#[tokio::test]
async fn router_delete_asset_attributes() {
    delete("/Assets/21/Attributes")
        .send()
        .await
        .expect_empty(200);
    delete("/Assets/21/Attributes")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

#[tokio::test]
async fn router_assign_asset_attribute() {
    let attribute = expect_json!(post("/Assets/21/Attributes/5").send().await, 201, Attribute);
    assert_eq!(attribute, Attribute::default());
    post("/Assets/21/Attributes/five")
        .send()
        .await
        .expect_bad("attributeID", "type");
}

#[tokio::test]
async fn router_delete_asset_attribute() {
    delete("/Assets/21/Attributes/5")
        .send()
        .await
        .expect_empty(200);
    delete("/Assets/x/Attributes/5")
        .send()
        .await
        .expect_bad("assetID", "type");
}

// --- Assets ---

fn asset_update_json() -> Value {
    json!({
        "WorkgroupID": 1,
        "AssetName": "web01",
        "DnsName": "web01.example.com",
        "DomainName": "example.com",
        "IPAddress": "10.0.0.5",
        "MacAddress": "00:11:22:33:44:55",
        "AssetType": "Server",
        "OperatingSystem": "Linux"
    })
}

#[tokio::test]
async fn router_get_asset_by_id() {
    let asset = expect_json!(get("/Assets/21").send().await, 200, Asset);
    assert_eq!(asset, Asset::default());
    get("/Assets/twenty-one")
        .send()
        .await
        .expect_bad("id", "type");
}

#[tokio::test]
async fn router_update_asset_by_id() {
    let asset = expect_json!(
        put("/Assets/21").json(asset_update_json()).send().await,
        200,
        Asset
    );
    assert_eq!(asset, Asset::default());
    let mut bad = asset_update_json();
    bad["WorkgroupID"] = json!("one");
    put("/Assets/21")
        .json(bad)
        .send()
        .await
        .expect_bad("body.WorkgroupID", "type");
}

#[tokio::test]
async fn router_delete_asset_by_id() {
    delete("/Assets/21").send().await.expect_empty(200);
    delete("/Assets/21")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

#[tokio::test]
async fn router_list_workgroup_assets() {
    let page = expect_json!(
        get("/Workgroups/Default%20Workgroup/Assets?limit=10&offset=20")
            .send()
            .await,
        200,
        ListWorkgroupAssetsResponseBody
    );
    assert_eq!(page, ListWorkgroupAssetsResponseBody::Array(vec![]));
    get("/Workgroups/Default/Assets?limit=10&offset=many")
        .send()
        .await
        .expect_bad("offset", "type");
    get("/Workgroups/Default/Assets?limit=1e3")
        .send()
        .await
        .expect_bad("limit", "type");
}

#[tokio::test]
async fn router_create_workgroup_asset() {
    let asset = expect_json!(
        post("/Workgroups/Default/Assets")
            .json(json!({"IPAddress": "10.0.0.5", "AssetName": "web01"}))
            .send()
            .await,
        201,
        Asset
    );
    assert_eq!(asset, Asset::default());
    post("/Workgroups/Default/Assets")
        .json(json!({"IPAddress": "1".repeat(46)}))
        .send()
        .await
        .expect_bad("body.IPAddress", "maxLength");
    post("/Workgroups/Default/Assets")
        .json(json!({"IPAddress": 5}))
        .send()
        .await
        .expect_bad("body.IPAddress", "type");
}

#[tokio::test]
async fn router_delete_workgroup_asset_by_name() {
    delete("/Workgroups/Default/Assets?name=web01")
        .send()
        .await
        .expect_empty(200);
    delete("/Workgroups/Default/Assets")
        .send()
        .await
        .expect_bad("name", "required");
}

#[tokio::test]
async fn router_search_assets() {
    let found = expect_json!(
        post("/Assets/Search?limit=5&offset=0")
            .json(json!({"IPAddress": "10.0.0.0/24"}))
            .send()
            .await,
        200,
        AssetList
    );
    assert_eq!(found, AssetList::Array(vec![]));
    post("/Assets/Search?limit=five")
        .json(json!({"IPAddress": "10.0.0.0/24"}))
        .send()
        .await
        .expect_bad("limit", "type");
    post("/Assets/Search")
        .json(json!({"AssetName": ["web01"]}))
        .send()
        .await
        .expect_bad("body.AssetName", "type");
}

// --- Attribute Types ---

#[tokio::test]
async fn router_get_attribute_types() {
    let types = expect_json!(get("/AttributeTypes").send().await, 200, Vec<AttributeType>);
    assert!(types.is_empty());
    get("/AttributeTypes")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

#[tokio::test]
async fn router_create_attribute_type() {
    let created = expect_json!(
        post("/AttributeTypes")
            .json(json!({"Name": "Location"}))
            .send()
            .await,
        201,
        AttributeType
    );
    assert_eq!(created, AttributeType::default());
    post("/AttributeTypes")
        .json(json!({"Name": "n".repeat(65)}))
        .send()
        .await
        .expect_bad("body.Name", "maxLength");
}

#[tokio::test]
async fn router_get_attribute_type() {
    let found = expect_json!(get("/AttributeTypes/2").send().await, 200, AttributeType);
    assert_eq!(found, AttributeType::default());
    get("/AttributeTypes/two")
        .send()
        .await
        .expect_bad("id", "type");
}

#[tokio::test]
async fn router_delete_attribute_type() {
    delete("/AttributeTypes/2").send().await.expect_empty(200);
    delete("/AttributeTypes/2.0")
        .send()
        .await
        .expect_bad("id", "type");
}

// --- Attributes ---

#[tokio::test]
async fn router_get_attributes_by_attribute_type() {
    let attributes = expect_json!(
        get("/AttributeTypes/2/Attributes").send().await,
        200,
        Vec<AttributeDefinition>
    );
    assert!(attributes.is_empty());
    get("/AttributeTypes/x/Attributes")
        .send()
        .await
        .expect_bad("attributeTypeID", "type");
}

#[tokio::test]
async fn router_create_attribute() {
    let created = expect_json!(
        post("/AttributeTypes/2/Attributes")
            .json(json!({"ShortName": "NYC", "LongName": "New York", "ParentAttributeID": null}))
            .send()
            .await,
        201,
        AttributeDefinition
    );
    assert_eq!(created, AttributeDefinition::default());
    post("/AttributeTypes/2/Attributes")
        .json(json!({"ShortName": "s".repeat(65)}))
        .send()
        .await
        .expect_bad("body.ShortName", "maxLength");
    post("/AttributeTypes/2/Attributes")
        .json(json!({"ValueInt": "five"}))
        .send()
        .await
        .expect_bad("body.ValueInt", "type");
}

#[tokio::test]
async fn router_get_attribute() {
    let found = expect_json!(get("/Attributes/8").send().await, 200, AttributeDefinition);
    assert_eq!(found, AttributeDefinition::default());
    get("/Attributes/eight")
        .send()
        .await
        .expect_bad("id", "type");
}

#[tokio::test]
async fn router_delete_attribute() {
    delete("/Attributes/8").send().await.expect_empty(200);
    delete("/Attributes/8")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

// --- Databases ---

#[tokio::test]
async fn router_get_databases() {
    // The spec declares 201 (not 200) for this GET, as the vendor document does.
    let databases = expect_json!(get("/Databases").send().await, 201, Vec<Database>);
    assert!(databases.is_empty());
    get("/Databases")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

#[tokio::test]
async fn router_get_database() {
    let database = expect_json!(get("/Databases/4").send().await, 201, Database);
    assert_eq!(database, Database::default());
    get("/Databases/four").send().await.expect_bad("id", "type");
}

#[tokio::test]
async fn router_update_database() {
    let database = expect_json!(
        put("/Databases/4")
            .json(json!({"PlatformID": 10, "Port": 1433}))
            .send()
            .await,
        200,
        Database
    );
    assert_eq!(database, Database::default());
    put("/Databases/4")
        .json(json!({"PlatformID": 10, "Port": "1433"}))
        .send()
        .await
        .expect_bad("body.Port", "type");
}

#[tokio::test]
async fn router_delete_database() {
    delete("/Databases/4").send().await.expect_empty(200);
    delete("/Databases/x").send().await.expect_bad("id", "type");
}

#[tokio::test]
async fn router_get_asset_databases() {
    let databases = expect_json!(get("/Assets/21/Databases").send().await, 201, Vec<Database>);
    assert!(databases.is_empty());
    get("/Assets/x/Databases")
        .send()
        .await
        .expect_bad("id", "type");
}

#[tokio::test]
async fn router_create_asset_database() {
    let database = expect_json!(
        post("/Assets/21/Databases")
            .json(json!({"PlatformID": 10, "Port": 1433, "InstanceName": "MSSQL"}))
            .send()
            .await,
        200,
        Database
    );
    assert_eq!(database, Database::default());
    post("/Assets/21/Databases")
        .json(json!({"PlatformID": 10, "Port": 1433, "InstanceName": "i".repeat(101)}))
        .send()
        .await
        .expect_bad("body.InstanceName", "maxLength");
    post("/Assets/21/Databases")
        .body(
            Some("application/x-www-form-urlencoded"),
            "PlatformID=10&Port=1433",
        )
        .send()
        .await
        .expect_error(415, Some("body"), "content-type");
}

// --- Deprecated ---

/// A `multipart/form-data` body as the spec describes it: a JSON `Details` part and a binary
/// `File` part.
fn import_file_multipart(details: &str, file: &str) -> String {
    format!(
        "--XX\r\n\
         Content-Disposition: form-data; name=\"Details\"\r\n\
         Content-Type: application/json\r\n\r\n\
         {details}\r\n\
         --XX\r\n\
         Content-Disposition: form-data; name=\"File\"; filename=\"assets.xml\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n\
         {file}\r\n\
         --XX--\r\n"
    )
}

const MULTIPART: &str = "multipart/form-data; boundary=XX";

#[tokio::test]
async fn router_deprecated_queue_import_file() {
    let body = import_file_multipart(r#"{"WorkgroupID": 1, "FileName": "assets.xml"}"#, "<xml/>");
    let queued = expect_json!(
        post("/Imports/QueueImportFile")
            .body(Some(MULTIPART), &body)
            .send()
            .await,
        200,
        QueuedImport
    );
    assert_eq!(queued, QueuedImport::default());
    post("/Imports/QueueImportFile")
        .body(Some(MULTIPART), &body)
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
    post("/Imports/QueueImportFile")
        .json(json!({"Details": {}, "File": []}))
        .send()
        .await
        .expect_error(415, Some("body"), "content-type");
    post("/Imports/QueueImportFile")
        .body(Some("multipart/form-data"), &body)
        .send()
        .await
        .expect_bad("body", "content-type");
    post("/Imports/QueueImportFile")
        .body(
            Some(MULTIPART),
            "--XX\r\nContent-Disposition: form-data; name=\"Details\"\r\n",
        )
        .send()
        .await
        .expect_bad("body", "multipart");
}

#[tokio::test]
async fn router_deprecated_filter_single_account() {
    let rule = expect_json!(
        post("/SmartRules/FilterSingleAccount")
            .json(json!({"AccountID": 44, "Title": "Account 44"}))
            .send()
            .await,
        201,
        SmartRule
    );
    assert_eq!(rule, SmartRule::default());
    post("/SmartRules/FilterSingleAccount")
        .json(json!({"AccountID": "44"}))
        .send()
        .await
        .expect_bad("body.AccountID", "type");
}

#[tokio::test]
async fn router_deprecated_get_user_group_by_name() {
    let group = expect_json!(
        get("/UserGroups/Domain%20Admins").send().await,
        200,
        DeprecatedUserGroup
    );
    assert_eq!(group, DeprecatedUserGroup::default());
    get("/UserGroups/Domain%20Admins")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

#[tokio::test]
async fn router_deprecated_delete_user_group_by_name() {
    delete("/UserGroups/Domain%20Admins")
        .send()
        .await
        .expect_empty(200);
    delete("/UserGroups/Domain%20Admins")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

#[tokio::test]
async fn router_deprecated_get_workgroup_by_name() {
    let workgroup = expect_json!(
        get("/Workgroups/Default").send().await,
        200,
        DeprecatedWorkgroup
    );
    assert_eq!(workgroup, DeprecatedWorkgroup::default());
    get("/Workgroups/Default")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

// --- Entitlements, EPM Policies, Imports, Operating Systems, Organizations, Permissions ---

#[tokio::test]
async fn router_get_entitlements() {
    let entitlements = expect_json!(
        get("/Entitlements?groupIDs=1,2").send().await,
        200,
        Vec<Entitlement>
    );
    assert!(entitlements.is_empty());
    get("/Entitlements?groupIDs=1,x")
        .send()
        .await
        .expect_bad("groupIDs", "type");
}

#[tokio::test]
async fn router_add_epm_policy_application() {
    let application = json!({
        "GroupName": "powershell - Add",
        "Name": "notepad3.exe",
        "Path": "C:\\Windows\\System32\\notepad2.exe",
        "Publisher": "Microsoft",
        "ChildrenInheritToken": false
    });
    let answer = expect_json!(
        post(&format!("/{ORG}/epmapplications/add"))
            .json(application.clone())
            .send()
            .await,
        200,
        serde_json::Map<String, Value>
    );
    assert!(answer.is_empty());
    post("/policy-1/epmapplications/add")
        .json(application)
        .send()
        .await
        .expect_bad("id", "type");
    post(&format!("/{ORG}/epmapplications/add"))
        .json(json!({"GroupName": "g", "Name": "n", "Path": "p", "Publisher": "x", "ChildrenInheritToken": "no"}))
        .send()
        .await
        .expect_bad("body.ChildrenInheritToken", "type");
}

#[tokio::test]
async fn router_queue_import() {
    let queued = expect_json!(
        post("/Imports")
            .json(json!({"WorkgroupID": 1, "ImportType": "NESSUS", "FileName": "scan.nessus", "Base64FileContents": "PHhtbC8+"}))
            .send()
            .await,
        200,
        QueuedImport
    );
    assert_eq!(queued, QueuedImport::default());
    post("/Imports")
        .json(json!({"ImportType": "Nessus"}))
        .send()
        .await
        .expect_bad("body.ImportType", "enum");
    post("/Imports")
        .json(json!({"FileContents": [1, 256]}))
        .send()
        .await
        .expect_bad("body.FileContents[1]", "maximum");
    post("/Imports")
        .json(json!({"Base64FileContents": "!!"}))
        .send()
        .await
        .expect_bad("body.Base64FileContents", "type");
}

#[tokio::test]
async fn router_get_operating_systems() {
    let systems = expect_json!(
        get("/OperatingSystems").send().await,
        200,
        Vec<OperatingSystem>
    );
    assert!(systems.is_empty());
    get("/OperatingSystems")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

#[tokio::test]
async fn router_get_organizations() {
    let organizations = expect_json!(
        get("/Organizations?name=Acme").send().await,
        200,
        GetOrganizationsResponseBody
    );
    assert_eq!(organizations, GetOrganizationsResponseBody::Array(vec![]));
    get("/Organizations")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

#[tokio::test]
async fn router_get_organization() {
    let organization = expect_json!(
        get(&format!("/Organizations/{ORG}")).send().await,
        200,
        Organization
    );
    assert_eq!(organization, Organization::default());
    get("/Organizations/acme")
        .send()
        .await
        .expect_bad("id", "type");
}

#[tokio::test]
async fn router_get_permissions() {
    let permissions = expect_json!(get("/Permissions").send().await, 200, Vec<Permission>);
    assert!(permissions.is_empty());
    get("/Permissions")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

// --- Smart Rules, Smart Rule Assets ---

#[tokio::test]
async fn router_get_smart_rule_assets() {
    let assets = expect_json!(
        get("/SmartRules/6/Assets?limit=3&offset=0").send().await,
        200,
        AssetList
    );
    assert_eq!(assets, AssetList::Array(vec![]));
    get("/SmartRules/6/Assets?limit=three")
        .send()
        .await
        .expect_bad("limit", "type");
    get("/SmartRules/six/Assets")
        .send()
        .await
        .expect_bad("id", "type");
}

#[tokio::test]
async fn router_get_smart_rules() {
    let rules = expect_json!(
        get("/SmartRules?type=asset&title=All%20Assets")
            .send()
            .await,
        200,
        GetSmartRulesResponseBody
    );
    assert_eq!(rules, GetSmartRulesResponseBody::Array(vec![]));
    get("/SmartRules")
        .anonymous()
        .send()
        .await
        .expect_unauthorized();
}

#[tokio::test]
async fn router_get_smart_rule() {
    let rule = expect_json!(get("/SmartRules/6").send().await, 200, SmartRule);
    assert_eq!(rule, SmartRule::default());
    get("/SmartRules/six").send().await.expect_bad("id", "type");
}

#[tokio::test]
async fn router_get_user_group_smart_rules() {
    let rules = expect_json!(
        get("/UserGroups/5/SmartRules/?accessLevel=1,3")
            .send()
            .await,
        200,
        Vec<UserGroupSmartRule>
    );
    assert!(rules.is_empty());
    get("/UserGroups/5/SmartRules/?accessLevel=2")
        .send()
        .await
        .expect_bad("accessLevel[0]", "enum");
    get("/UserGroups/5/SmartRules/?accessLevel=read")
        .send()
        .await
        .expect_bad("accessLevel", "type");
}

#[tokio::test]
async fn router_get_organization_smart_rule_by_title() {
    // Only a `default` response is declared; the mock answers it with 200 and no body.
    get(&format!(
        "/Organizations/{ORG}/SmartRules?title=All%20Assets"
    ))
    .send()
    .await
    .expect_empty(200);
    get(&format!("/Organizations/{ORG}/SmartRules"))
        .send()
        .await
        .expect_bad("title", "required");
    get("/Organizations/1/SmartRules?title=x")
        .send()
        .await
        .expect_bad("orgID", "type");
}

// --- User Group Permissions ---

#[tokio::test]
async fn router_get_user_group_permissions() {
    let permissions = expect_json!(
        get("/UserGroups/5/Permissions").send().await,
        200,
        Vec<UserGroupPermission>
    );
    assert!(permissions.is_empty());
    get("/UserGroups/five/Permissions")
        .send()
        .await
        .expect_bad("userGroupId", "type");
}

#[tokio::test]
async fn router_set_user_group_permissions() {
    post("/UserGroups/5/Permissions")
        .json(json!([{"PermissionID": 1, "AccessLevelID": 3}]))
        .send()
        .await
        .expect_empty(204);
    post("/UserGroups/5/Permissions")
        .json(json!({"PermissionID": 1, "AccessLevelID": 3}))
        .send()
        .await
        .expect_bad("body", "type");
    post("/UserGroups/5/Permissions")
        .body(Some("text/csv"), "1,3")
        .send()
        .await
        .expect_error(415, Some("body"), "content-type");
}

#[tokio::test]
async fn router_delete_user_group_permissions() {
    delete("/UserGroups/5/Permissions")
        .send()
        .await
        .expect_empty(200);
    delete("/UserGroups/5x/Permissions")
        .send()
        .await
        .expect_bad("userGroupId", "type");
}

// --- Across operations ---

#[tokio::test]
async fn router_unknown_path_and_method_are_json_errors() {
    get("/NoSuchThing")
        .send()
        .await
        .expect_error(404, None, "route");
    put("/AccessLevels")
        .send()
        .await
        .expect_error(405, None, "method");
    // `GET /UserGroups/{id}/SmartRules/` is declared with its trailing slash only.
    get("/UserGroups/5/SmartRules")
        .send()
        .await
        .expect_error(404, None, "route");
}

#[tokio::test]
async fn router_mounts_nothing_outside_the_base_path() {
    let request = Request::get("/AccessLevels")
        .header(header::AUTHORIZATION, PS_AUTH)
        .body(Body::empty())
        .expect("request builds");
    let response = router(Mock::default())
        .oneshot(request)
        .await
        .expect("router never fails");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body: Value = serde_json::from_slice(&bytes).expect("JSON error");
    assert_eq!(body["error"]["rule"], "route");
}

#[tokio::test]
async fn router_empty_authorization_header_is_no_credentials() {
    let request = Request::get(format!("{BASE_PATH}/AccessLevels"))
        .header(header::AUTHORIZATION, "")
        .body(Body::empty())
        .expect("request builds");
    let response = router(Mock::default())
        .oneshot(request)
        .await
        .expect("router never fails");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body: Value = serde_json::from_slice(&bytes).expect("JSON error");
    assert_eq!(body["error"]["rule"], "security");
    assert_eq!(body["error"]["status"], 401);
}

#[tokio::test]
async fn router_mock_with_secret_accepts_only_that_key() {
    let mock = Mock::with_secret(PS_AUTH);
    let permissions = expect_json!(
        get("/Permissions").send_to(router(mock.clone())).await,
        200,
        Vec<Permission>
    );
    assert!(permissions.is_empty());
    get("/Permissions")
        .authorization("PS-Auth key=someone-else; runas=jdoe;")
        .send_to(router(mock.clone()))
        .await
        .expect_unauthorized();
    get("/Permissions")
        .anonymous()
        .send_to(router(mock))
        .await
        .expect_unauthorized();
}

#[tokio::test]
async fn router_body_larger_than_the_limit_is_413() {
    let small = || router_with_config(Mock::default(), ServerConfig { body_limit: 64 });
    let name = "n".repeat(200);
    post("/AddressGroups")
        .json(json!({"Name": name.clone()}))
        .send_to(small())
        .await
        .expect_error(413, Some("body"), "maxBodySize");
    // A body within the limit still goes through.
    let group = expect_json!(
        post("/AddressGroups")
            .json(json!({"Name": "Servers"}))
            .send_to(small())
            .await,
        201,
        AddressGroup
    );
    assert_eq!(group, AddressGroup::default());
    // The default limit (2 MiB) takes the body the small limit refused.
    let group = expect_json!(
        post("/AddressGroups")
            .json(json!({"Name": name}))
            .send()
            .await,
        201,
        AddressGroup
    );
    assert_eq!(group, AddressGroup::default());
}

// ---------------------------------------------------------------------------------------------
// A partial custom `Api`: typed requests, 501 for the rest, errors of the implementation
// ---------------------------------------------------------------------------------------------

/// The typed requests the partial implementation received.
#[derive(Debug)]
enum Seen {
    UpdateAddressGroup(UpdateAddressGroupRequest),
    ListWorkgroupAssets(ListWorkgroupAssetsRequest),
    GetUserGroupSmartRules(GetUserGroupSmartRulesRequest),
    SearchAssets(SearchAssetsRequest),
}

#[derive(Clone, Default)]
struct Partial {
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Partial {
    fn take(&self) -> Seen {
        let mut seen = self.seen.lock().expect("lock");
        assert_eq!(seen.len(), 1, "exactly one request: {seen:?}");
        seen.pop().expect("one request")
    }
}

impl Api for Partial {
    async fn authenticate(
        &self,
        credentials: &Credentials,
        _context: &mut Context,
    ) -> Result<(), ApiError> {
        let key = credentials
            .ps_auth
            .as_ref()
            .map(Secret::expose)
            .unwrap_or_default();
        if key.starts_with("PS-Auth key=revoked;") {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "the API key was revoked",
            ))
        } else {
            Ok(())
        }
    }

    async fn update_address_group(
        &self,
        request: UpdateAddressGroupRequest,
    ) -> Result<UpdateAddressGroupResponse, ApiError> {
        let body = AddressGroup {
            address_group_id: Some(request.address_group_id),
            name: request.body.name.clone(),
            organization_id: Some(None),
        };
        self.seen
            .lock()
            .expect("lock")
            .push(Seen::UpdateAddressGroup(request));
        Ok(UpdateAddressGroupResponse::Ok { body })
    }

    async fn list_workgroup_assets(
        &self,
        request: ListWorkgroupAssetsRequest,
    ) -> Result<ListWorkgroupAssetsResponse, ApiError> {
        self.seen
            .lock()
            .expect("lock")
            .push(Seen::ListWorkgroupAssets(request));
        Ok(ListWorkgroupAssetsResponse::Ok {
            body: ListWorkgroupAssetsResponseBody::AssetPage(AssetPage {
                total_count: 0,
                data: vec![],
            }),
        })
    }

    async fn get_user_group_smart_rules(
        &self,
        request: GetUserGroupSmartRulesRequest,
    ) -> Result<GetUserGroupSmartRulesResponse, ApiError> {
        self.seen
            .lock()
            .expect("lock")
            .push(Seen::GetUserGroupSmartRules(request));
        Ok(GetUserGroupSmartRulesResponse::Ok { body: vec![] })
    }

    async fn search_assets(
        &self,
        request: SearchAssetsRequest,
    ) -> Result<SearchAssetsResponse, ApiError> {
        self.seen
            .lock()
            .expect("lock")
            .push(Seen::SearchAssets(request));
        Ok(SearchAssetsResponse::Ok {
            body: AssetList::Array(vec![]),
        })
    }

    async fn get_address_by_id(
        &self,
        request: GetAddressByIdRequest,
    ) -> Result<GetAddressByIdResponse, ApiError> {
        Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("no address {}", request.id),
        ))
    }
}

#[tokio::test]
async fn custom_api_receives_typed_requests_and_answers_501_for_the_rest() {
    let api = Partial::default();

    // Path parameter, JSON body and credentials.
    let group = expect_json!(
        put("/AddressGroups/12")
            .json(json!({"Name": "Renamed"}))
            .send_to(router(api.clone()))
            .await,
        200,
        AddressGroup
    );
    assert_eq!(
        group,
        AddressGroup {
            address_group_id: Some(12),
            name: Some("Renamed".into()),
            organization_id: Some(None),
        }
    );
    let Seen::UpdateAddressGroup(request) = api.take() else {
        panic!("updateAddressGroup expected")
    };
    assert_eq!(request.address_group_id, 12);
    assert_eq!(
        request.body,
        AddressGroupInput {
            name: Some("Renamed".into())
        }
    );
    let secret = request
        .credentials
        .ps_auth
        .as_ref()
        .expect("PSAuth credentials");
    assert_eq!(secret.expose(), PS_AUTH);
    assert!(
        !format!("{:?}", request.credentials).contains("s3cr3t"),
        "Debug never shows the secret"
    );

    // Percent-decoded path parameter and typed query parameters.
    let page = expect_json!(
        get("/Workgroups/My%20Group%2F1/Assets?name=web%2001&limit=10&offset=20")
            .send_to(router(api.clone()))
            .await,
        200,
        ListWorkgroupAssetsResponseBody
    );
    assert_eq!(
        page,
        ListWorkgroupAssetsResponseBody::AssetPage(AssetPage {
            total_count: 0,
            data: vec![]
        })
    );
    let Seen::ListWorkgroupAssets(request) = api.take() else {
        panic!("listWorkgroupAssets expected")
    };
    assert_eq!(request.workgroup, "My Group/1");
    assert_eq!(request.name.as_deref(), Some("web 01"));
    assert_eq!(request.limit, Some(10));
    assert_eq!(request.offset, Some(20));
    assert!(request.credentials.ps_auth.is_some());

    // Optional query parameters left out are `None`.
    expect_json!(
        get("/Workgroups/7/Assets")
            .send_to(router(api.clone()))
            .await,
        200,
        ListWorkgroupAssetsResponseBody
    );
    let Seen::ListWorkgroupAssets(request) = api.take() else {
        panic!("listWorkgroupAssets expected")
    };
    assert_eq!(request.workgroup, "7");
    assert_eq!(
        (request.name, request.limit, request.offset),
        (None, None, None)
    );

    // A comma-separated list of enum values.
    let rules = expect_json!(
        get("/UserGroups/5/SmartRules/?accessLevel=0,1,3")
            .send_to(router(api.clone()))
            .await,
        200,
        Vec<UserGroupSmartRule>
    );
    assert!(rules.is_empty());
    let Seen::GetUserGroupSmartRules(request) = api.take() else {
        panic!("getUserGroupSmartRules expected")
    };
    assert_eq!(request.id, 5);
    assert_eq!(
        request.access_level,
        Some(vec![
            AccessLevelId::None,
            AccessLevelId::Read,
            AccessLevelId::ReadWrite
        ])
    );

    // Query parameters and a body together.
    expect_json!(
        post("/Assets/Search?limit=5")
            .json(json!({"IPAddress": "10.0.0.1-10.0.0.25", "AssetType": "Server"}))
            .send_to(router(api.clone()))
            .await,
        200,
        AssetList
    );
    let Seen::SearchAssets(request) = api.take() else {
        panic!("searchAssets expected")
    };
    assert_eq!((request.limit, request.offset), (Some(5), None));
    assert_eq!(
        request.body,
        AssetSearchRequest {
            ip_address: Some("10.0.0.1-10.0.0.25".into()),
            asset_type: Some("Server".into()),
            ..Default::default()
        }
    );

    // An error of the implementation is answered as JSON with its status.
    get("/Addresses/7")
        .send_to(router(api.clone()))
        .await
        .expect_error(404, None, "not-found");

    // `authenticate` refuses before anything else is extracted (403 even for a bad id), and
    // for operations left out too.
    let revoked = "PS-Auth key=revoked; runas=jdoe;";
    put("/AddressGroups/twelve")
        .json(json!({"Name": "Renamed"}))
        .authorization(revoked)
        .send_to(router(api.clone()))
        .await
        .expect_error(403, None, "forbidden");
    get("/AccessLevels")
        .authorization(revoked)
        .send_to(router(api.clone()))
        .await
        .expect_error(403, None, "forbidden");

    // Operations left out answer 501 JSON (after the request was validated).
    get("/AccessLevels")
        .send_to(router(api.clone()))
        .await
        .expect_error(501, None, "not-implemented");
    delete("/Assets/21")
        .send_to(router(api.clone()))
        .await
        .expect_error(501, None, "not-implemented");
    post("/AddressGroups")
        .json(json!({"Name": "Servers"}))
        .send_to(router(api.clone()))
        .await
        .expect_error(501, None, "not-implemented");
    get("/AccessLevels")
        .anonymous()
        .send_to(router(api.clone()))
        .await
        .expect_unauthorized();
    assert!(api.seen.lock().expect("lock").is_empty());
}

// ---------------------------------------------------------------------------------------------
// 2. Client <-> server round trips over TCP
// ---------------------------------------------------------------------------------------------

/// Re-types a value through JSON (the models share their wire names: an `AddressInput`
/// becomes the `Address` a server would store).
macro_rules! reshape {
    ($value:expr) => {
        serde_json::from_value(serde_json::to_value(&$value).expect("serializes"))
            .expect("reshapes")
    };
}

/// A date-time value (`format: date-time`).
macro_rules! timestamp {
    () => {
        Some(serde_json::from_value(json!("2024-05-06T07:08:09Z")).expect("date-time"))
    };
}

/// A date value (`format: date`).
macro_rules! date {
    () => {
        Some(serde_json::from_value(json!("2024-05-06")).expect("date"))
    };
}

/// An implementation that answers from the request it received and records it as JSON:
/// `{"op", "auth", "params"}`.
#[derive(Clone, Default)]
struct Echo {
    seen: Arc<Mutex<Vec<Value>>>,
}

impl Echo {
    fn record(&self, op: &str, credentials: &Credentials, params: Value) {
        self.seen.lock().expect("lock").push(json!({
            "op": op,
            "auth": credentials.ps_auth.as_ref().map(|s| s.expose().to_owned()),
            "params": params,
        }));
    }

    /// Asserts the one request recorded since the last call.
    #[track_caller]
    fn assert_seen(&self, op: &str, params: Value) {
        let seen: Vec<Value> = std::mem::take(&mut *self.seen.lock().expect("lock"));
        assert_eq!(
            seen,
            vec![json!({"op": op, "auth": PS_AUTH, "params": params})],
            "request of {op}"
        );
    }
}

fn asset(id: i32, name: &str) -> Asset {
    Asset {
        workgroup_id: Some(1),
        asset_id: Some(id),
        asset_name: Some(name.to_owned()),
        ip_address: Some(format!("10.0.0.{id}")),
        create_date: timestamp!(),
        ..Default::default()
    }
}

fn smart_rule(id: i32, title: &str) -> SmartRule {
    SmartRule {
        smart_rule_id: Some(id),
        organization_id: Some(None),
        title: Some(title.to_owned()),
        category: Some("Assets".into()),
        status: Some(1),
        last_processed_date: timestamp!(),
        is_read_only: Some(false),
        rule_type: Some("Asset".into()),
        ..Default::default()
    }
}

impl Api for Echo {
    async fn list_access_levels(
        &self,
        request: ListAccessLevelsRequest,
    ) -> Result<ListAccessLevelsResponse, ApiError> {
        self.record("listAccessLevels", &request.credentials, json!({}));
        Ok(ListAccessLevelsResponse::Ok {
            body: vec![
                AccessLevel {
                    access_level_id: Some(AccessLevelId::Read),
                    name: Some("Read".into()),
                },
                AccessLevel {
                    access_level_id: Some(AccessLevelId::ReadWrite),
                    name: Some("Read/Write".into()),
                },
            ],
        })
    }

    async fn set_user_group_smart_rule_access_level(
        &self,
        request: SetUserGroupSmartRuleAccessLevelRequest,
    ) -> Result<SetUserGroupSmartRuleAccessLevelResponse, ApiError> {
        self.record(
            "setUserGroupSmartRuleAccessLevel",
            &request.credentials,
            json!({"userGroupId": request.user_group_id, "smartRuleId": request.smart_rule_id, "body": request.body}),
        );
        Ok(SetUserGroupSmartRuleAccessLevelResponse::Ok)
    }

    async fn list_organization_address_groups(
        &self,
        request: ListOrganizationAddressGroupsRequest,
    ) -> Result<ListOrganizationAddressGroupsResponse, ApiError> {
        self.record(
            "listOrganizationAddressGroups",
            &request.credentials,
            json!({"orgID": request.org_id}),
        );
        Ok(ListOrganizationAddressGroupsResponse::Ok {
            body: vec![
                AddressGroup {
                    address_group_id: Some(1),
                    name: Some("Org servers".into()),
                    organization_id: Some(Some(request.org_id)),
                },
                AddressGroup {
                    address_group_id: Some(2),
                    name: Some("Global".into()),
                    organization_id: Some(None),
                },
            ],
        })
    }

    async fn list_address_groups(
        &self,
        request: ListAddressGroupsRequest,
    ) -> Result<ListAddressGroupsResponse, ApiError> {
        self.record(
            "listAddressGroups",
            &request.credentials,
            json!({"name": request.name}),
        );
        let group = |name: String| AddressGroup {
            address_group_id: Some(3),
            name: Some(name),
            organization_id: None,
        };
        let body = match request.name {
            Some(name) => ListAddressGroupsResponseBody::AddressGroup(group(name)),
            None => ListAddressGroupsResponseBody::Array(vec![group("All".into())]),
        };
        Ok(ListAddressGroupsResponse::Ok { body })
    }

    async fn create_address_group(
        &self,
        request: CreateAddressGroupRequest,
    ) -> Result<CreateAddressGroupResponse, ApiError> {
        self.record(
            "createAddressGroup",
            &request.credentials,
            json!({"body": request.body}),
        );
        Ok(CreateAddressGroupResponse::Created {
            body: AddressGroup {
                address_group_id: Some(100),
                name: request.body.name,
                organization_id: None,
            },
        })
    }

    async fn list_address_group_addresses(
        &self,
        request: ListAddressGroupAddressesRequest,
    ) -> Result<ListAddressGroupAddressesResponse, ApiError> {
        self.record(
            "listAddressGroupAddresses",
            &request.credentials,
            json!({"addressGroupId": request.address_group_id}),
        );
        Ok(ListAddressGroupAddressesResponse::Ok {
            body: vec![Address {
                address_id: Some(1),
                address_group_id: Some(request.address_group_id),
                omit: Some(false),
                type_: Some(AddressType::CidrNotation),
                value: Some("10.0.0.0/24".into()),
                last_updated_date: timestamp!(),
            }],
        })
    }

    async fn create_address_group_address(
        &self,
        request: CreateAddressGroupAddressRequest,
    ) -> Result<CreateAddressGroupAddressResponse, ApiError> {
        self.record(
            "createAddressGroupAddress",
            &request.credentials,
            json!({"addressGroupId": request.address_group_id, "body": request.body}),
        );
        let mut address: Address = reshape!(request.body);
        address.address_id = Some(500);
        address.address_group_id = Some(request.address_group_id);
        Ok(CreateAddressGroupAddressResponse::Created { body: address })
    }

    async fn delete_address_group_addresses(
        &self,
        request: DeleteAddressGroupAddressesRequest,
    ) -> Result<DeleteAddressGroupAddressesResponse, ApiError> {
        self.record(
            "deleteAddressGroupAddresses",
            &request.credentials,
            json!({"addressGroupId": request.address_group_id}),
        );
        Ok(DeleteAddressGroupAddressesResponse::Ok)
    }

    async fn get_address_group_by_id(
        &self,
        request: GetAddressGroupByIdRequest,
    ) -> Result<GetAddressGroupByIdResponse, ApiError> {
        self.record(
            "getAddressGroupById",
            &request.credentials,
            json!({"addressGroupId": request.address_group_id}),
        );
        Ok(GetAddressGroupByIdResponse::Ok {
            body: AddressGroup {
                address_group_id: Some(request.address_group_id),
                name: Some(format!("group {}", request.address_group_id)),
                organization_id: Some(None),
            },
        })
    }

    async fn update_address_group(
        &self,
        request: UpdateAddressGroupRequest,
    ) -> Result<UpdateAddressGroupResponse, ApiError> {
        self.record(
            "updateAddressGroup",
            &request.credentials,
            json!({"addressGroupId": request.address_group_id, "body": request.body}),
        );
        Ok(UpdateAddressGroupResponse::Ok {
            body: AddressGroup {
                address_group_id: Some(request.address_group_id),
                name: request.body.name,
                organization_id: None,
            },
        })
    }

    async fn delete_address_group(
        &self,
        request: DeleteAddressGroupRequest,
    ) -> Result<DeleteAddressGroupResponse, ApiError> {
        self.record(
            "deleteAddressGroup",
            &request.credentials,
            json!({"addressGroupId": request.address_group_id}),
        );
        Ok(DeleteAddressGroupResponse::Ok)
    }

    async fn get_address_by_id(
        &self,
        request: GetAddressByIdRequest,
    ) -> Result<GetAddressByIdResponse, ApiError> {
        self.record(
            "getAddressById",
            &request.credentials,
            json!({"id": request.id}),
        );
        Ok(GetAddressByIdResponse::Ok {
            body: Address {
                address_id: Some(request.id),
                type_: Some(AddressType::SingleIpAddress),
                value: Some("10.0.0.7".into()),
                ..Default::default()
            },
        })
    }

    async fn update_address_by_id(
        &self,
        request: UpdateAddressByIdRequest,
    ) -> Result<UpdateAddressByIdResponse, ApiError> {
        self.record(
            "updateAddressById",
            &request.credentials,
            json!({"id": request.id, "body": request.body}),
        );
        let mut address: Address = reshape!(request.body);
        address.address_id = Some(request.id);
        Ok(UpdateAddressByIdResponse::Ok { body: address })
    }

    async fn delete_address_by_id(
        &self,
        request: DeleteAddressByIdRequest,
    ) -> Result<DeleteAddressByIdResponse, ApiError> {
        self.record(
            "deleteAddressById",
            &request.credentials,
            json!({"id": request.id}),
        );
        Ok(DeleteAddressByIdResponse::Ok)
    }

    async fn list_api_registrations(
        &self,
        request: ListApiRegistrationsRequest,
    ) -> Result<ListApiRegistrationsResponse, ApiError> {
        self.record("listApiRegistrations", &request.credentials, json!({}));
        Ok(ListApiRegistrationsResponse::Ok {
            body: vec![ApiRegistration {
                id: Some(1),
                name: Some("ci".into()),
                registration_type: Some(ApiRegistrationType::ApiKeyPolicy),
                active: Some(true),
                ip_authentication_rules: Some(vec![ApiRegistrationAuthenticationRule {
                    id: Some(9),
                    type_: Some("IpAddress".into()),
                    value: Some("10.0.0.1".into()),
                    description: None,
                    created_date: date!(),
                }]),
                ..Default::default()
            }],
        })
    }

    async fn create_api_registration(
        &self,
        request: CreateApiRegistrationRequest,
    ) -> Result<CreateApiRegistrationResponse, ApiError> {
        self.record(
            "createApiRegistration",
            &request.credentials,
            json!({"body": request.body}),
        );
        let mut registration: ApiRegistration = reshape!(request.body);
        registration.id = Some(31);
        Ok(CreateApiRegistrationResponse::Ok { body: registration })
    }

    async fn get_api_registration_by_id(
        &self,
        request: GetApiRegistrationByIdRequest,
    ) -> Result<GetApiRegistrationByIdResponse, ApiError> {
        self.record(
            "getApiRegistrationById",
            &request.credentials,
            json!({"id": request.id}),
        );
        Ok(GetApiRegistrationByIdResponse::Ok {
            body: ApiRegistration {
                id: Some(request.id),
                registration_type: Some(ApiRegistrationType::ApiAccessPolicy),
                access_token_duration: Some(60),
                ..Default::default()
            },
        })
    }

    async fn update_api_registration(
        &self,
        request: UpdateApiRegistrationRequest,
    ) -> Result<UpdateApiRegistrationResponse, ApiError> {
        self.record(
            "updateApiRegistration",
            &request.credentials,
            json!({"id": request.id, "body": request.body}),
        );
        let mut registration: ApiRegistration = reshape!(request.body);
        registration.id = Some(request.id);
        Ok(UpdateApiRegistrationResponse::Ok { body: registration })
    }

    async fn delete_api_registration(
        &self,
        request: DeleteApiRegistrationRequest,
    ) -> Result<DeleteApiRegistrationResponse, ApiError> {
        self.record(
            "deleteApiRegistration",
            &request.credentials,
            json!({"id": request.id}),
        );
        Ok(DeleteApiRegistrationResponse::Ok)
    }

    async fn rotate_api_registration_key(
        &self,
        request: RotateApiRegistrationKeyRequest,
    ) -> Result<RotateApiRegistrationKeyResponse, ApiError> {
        self.record(
            "rotateApiRegistrationKey",
            &request.credentials,
            json!({"id": request.id}),
        );
        Ok(RotateApiRegistrationKeyResponse::Created {
            body: format!("key-{}-rotated", request.id).into(),
        })
    }

    async fn get_api_registration_key(
        &self,
        request: GetApiRegistrationKeyRequest,
    ) -> Result<GetApiRegistrationKeyResponse, ApiError> {
        self.record(
            "getApiRegistrationKey",
            &request.credentials,
            json!({"id": request.id}),
        );
        Ok(GetApiRegistrationKeyResponse::Ok {
            body: format!("key-{}", request.id).into(),
        })
    }

    async fn get_asset_attributes(
        &self,
        request: GetAssetAttributesRequest,
    ) -> Result<GetAssetAttributesResponse, ApiError> {
        self.record(
            "getAssetAttributes",
            &request.credentials,
            json!({"assetID": request.asset_id}),
        );
        Ok(GetAssetAttributesResponse::Ok {
            body: vec![Attribute {
                attribute_id: Some(5),
                attribute_type_id: Some(2),
                parent_attribute_id: Some(None),
                short_name: Some("NYC".into()),
                description: Some(format!("of asset {}", request.asset_id)),
                value_int: Some(Some(7)),
                is_read_only: Some(false),
                ..Default::default()
            }],
        })
    }

    async fn delete_asset_attributes(
        &self,
        request: DeleteAssetAttributesRequest,
    ) -> Result<DeleteAssetAttributesResponse, ApiError> {
        self.record(
            "deleteAssetAttributes",
            &request.credentials,
            json!({"assetID": request.asset_id}),
        );
        Ok(DeleteAssetAttributesResponse::Ok)
    }

    async fn assign_asset_attribute(
        &self,
        request: AssignAssetAttributeRequest,
    ) -> Result<AssignAssetAttributeResponse, ApiError> {
        self.record(
            "assignAssetAttribute",
            &request.credentials,
            json!({"assetID": request.asset_id, "attributeID": request.attribute_id}),
        );
        Ok(AssignAssetAttributeResponse::Created {
            body: Attribute {
                attribute_id: Some(request.attribute_id),
                description: Some(format!("assigned to asset {}", request.asset_id)),
                ..Default::default()
            },
        })
    }

    async fn delete_asset_attribute(
        &self,
        request: DeleteAssetAttributeRequest,
    ) -> Result<DeleteAssetAttributeResponse, ApiError> {
        self.record(
            "deleteAssetAttribute",
            &request.credentials,
            json!({"assetID": request.asset_id, "attributeID": request.attribute_id}),
        );
        Ok(DeleteAssetAttributeResponse::Ok)
    }

    async fn get_asset_by_id(
        &self,
        request: GetAssetByIdRequest,
    ) -> Result<GetAssetByIdResponse, ApiError> {
        self.record(
            "getAssetById",
            &request.credentials,
            json!({"id": request.id}),
        );
        Ok(GetAssetByIdResponse::Ok {
            body: asset(request.id, "web01"),
        })
    }

    async fn update_asset_by_id(
        &self,
        request: UpdateAssetByIdRequest,
    ) -> Result<UpdateAssetByIdResponse, ApiError> {
        self.record(
            "updateAssetById",
            &request.credentials,
            json!({"id": request.id, "body": request.body}),
        );
        let mut updated: Asset = reshape!(request.body);
        updated.asset_id = Some(request.id);
        Ok(UpdateAssetByIdResponse::Ok { body: updated })
    }

    async fn delete_asset_by_id(
        &self,
        request: DeleteAssetByIdRequest,
    ) -> Result<DeleteAssetByIdResponse, ApiError> {
        self.record(
            "deleteAssetById",
            &request.credentials,
            json!({"id": request.id}),
        );
        Ok(DeleteAssetByIdResponse::Ok)
    }

    async fn list_workgroup_assets(
        &self,
        request: ListWorkgroupAssetsRequest,
    ) -> Result<ListWorkgroupAssetsResponse, ApiError> {
        self.record(
            "listWorkgroupAssets",
            &request.credentials,
            json!({"workgroup": request.workgroup, "name": request.name, "limit": request.limit, "offset": request.offset}),
        );
        let body = match (request.name, request.limit) {
            (Some(name), _) => ListWorkgroupAssetsResponseBody::Asset(asset(1, &name)),
            (None, Some(limit)) => ListWorkgroupAssetsResponseBody::AssetPage(AssetPage {
                total_count: limit + request.offset.unwrap_or(0),
                data: vec![asset(2, &request.workgroup)],
            }),
            (None, None) => {
                ListWorkgroupAssetsResponseBody::Array(vec![asset(3, &request.workgroup)])
            }
        };
        Ok(ListWorkgroupAssetsResponse::Ok { body })
    }

    async fn create_workgroup_asset(
        &self,
        request: CreateWorkgroupAssetRequest,
    ) -> Result<CreateWorkgroupAssetResponse, ApiError> {
        self.record(
            "createWorkgroupAsset",
            &request.credentials,
            json!({"workgroup": request.workgroup, "body": request.body}),
        );
        let mut created: Asset = reshape!(request.body);
        created.asset_id = Some(77);
        Ok(CreateWorkgroupAssetResponse::Created { body: created })
    }

    async fn delete_workgroup_asset_by_name(
        &self,
        request: DeleteWorkgroupAssetByNameRequest,
    ) -> Result<DeleteWorkgroupAssetByNameResponse, ApiError> {
        self.record(
            "deleteWorkgroupAssetByName",
            &request.credentials,
            json!({"workgroup": request.workgroup, "name": request.name}),
        );
        Ok(DeleteWorkgroupAssetByNameResponse::Ok)
    }

    async fn search_assets(
        &self,
        request: SearchAssetsRequest,
    ) -> Result<SearchAssetsResponse, ApiError> {
        self.record(
            "searchAssets",
            &request.credentials,
            json!({"limit": request.limit, "offset": request.offset, "body": request.body}),
        );
        let found: Asset = reshape!(request.body);
        let body = match request.limit {
            Some(limit) => AssetList::AssetPage(AssetPage {
                total_count: limit,
                data: vec![found],
            }),
            None => AssetList::Array(vec![found]),
        };
        Ok(SearchAssetsResponse::Ok { body })
    }

    async fn get_attribute_types(
        &self,
        request: GetAttributeTypesRequest,
    ) -> Result<GetAttributeTypesResponse, ApiError> {
        self.record("getAttributeTypes", &request.credentials, json!({}));
        Ok(GetAttributeTypesResponse::Ok {
            body: vec![AttributeType {
                attribute_type_id: Some(1),
                name: Some("Location".into()),
                is_read_only: Some(true),
            }],
        })
    }

    async fn create_attribute_type(
        &self,
        request: CreateAttributeTypeRequest,
    ) -> Result<CreateAttributeTypeResponse, ApiError> {
        self.record(
            "createAttributeType",
            &request.credentials,
            json!({"body": request.body}),
        );
        Ok(CreateAttributeTypeResponse::Created {
            body: AttributeType {
                attribute_type_id: Some(50),
                name: request.body.name,
                is_read_only: Some(false),
            },
        })
    }

    async fn get_attribute_type(
        &self,
        request: GetAttributeTypeRequest,
    ) -> Result<GetAttributeTypeResponse, ApiError> {
        self.record(
            "getAttributeType",
            &request.credentials,
            json!({"id": request.id}),
        );
        Ok(GetAttributeTypeResponse::Ok {
            body: AttributeType {
                attribute_type_id: Some(request.id),
                name: Some(format!("type {}", request.id)),
                is_read_only: None,
            },
        })
    }

    async fn delete_attribute_type(
        &self,
        request: DeleteAttributeTypeRequest,
    ) -> Result<DeleteAttributeTypeResponse, ApiError> {
        self.record(
            "deleteAttributeType",
            &request.credentials,
            json!({"id": request.id}),
        );
        Ok(DeleteAttributeTypeResponse::Ok)
    }

    async fn get_attributes_by_attribute_type(
        &self,
        request: GetAttributesByAttributeTypeRequest,
    ) -> Result<GetAttributesByAttributeTypeResponse, ApiError> {
        self.record(
            "getAttributesByAttributeType",
            &request.credentials,
            json!({"attributeTypeID": request.attribute_type_id}),
        );
        Ok(GetAttributesByAttributeTypeResponse::Ok {
            body: vec![AttributeDefinition {
                attribute_id: Some(1),
                attribute_type_id: Some(request.attribute_type_id),
                parent_attribute_id: Some(None),
                short_name: Some("US".into()),
                child_attributes: Some(vec![Attribute {
                    attribute_id: Some(2),
                    attribute_type_id: Some(request.attribute_type_id),
                    parent_attribute_id: Some(Some(1)),
                    short_name: Some("NYC".into()),
                    ..Default::default()
                }]),
                ..Default::default()
            }],
        })
    }

    async fn create_attribute(
        &self,
        request: CreateAttributeRequest,
    ) -> Result<CreateAttributeResponse, ApiError> {
        self.record(
            "createAttribute",
            &request.credentials,
            json!({"attributeTypeID": request.attribute_type_id, "body": request.body}),
        );
        let mut created: AttributeDefinition = reshape!(request.body);
        created.attribute_id = Some(88);
        created.attribute_type_id = Some(request.attribute_type_id);
        Ok(CreateAttributeResponse::Created { body: created })
    }

    async fn get_attribute(
        &self,
        request: GetAttributeRequest,
    ) -> Result<GetAttributeResponse, ApiError> {
        self.record(
            "getAttribute",
            &request.credentials,
            json!({"id": request.id}),
        );
        Ok(GetAttributeResponse::Ok {
            body: AttributeDefinition {
                attribute_id: Some(request.id),
                value_int: Some(None),
                child_attributes: Some(vec![]),
                ..Default::default()
            },
        })
    }

    async fn delete_attribute(
        &self,
        request: DeleteAttributeRequest,
    ) -> Result<DeleteAttributeResponse, ApiError> {
        self.record(
            "deleteAttribute",
            &request.credentials,
            json!({"id": request.id}),
        );
        Ok(DeleteAttributeResponse::Ok)
    }

    async fn get_databases(
        &self,
        request: GetDatabasesRequest,
    ) -> Result<GetDatabasesResponse, ApiError> {
        self.record("getDatabases", &request.credentials, json!({}));
        Ok(GetDatabasesResponse::Created {
            body: vec![Database {
                database_id: Some(4),
                instance_name: Some("MSSQL".into()),
                port: Some(1433),
                ..Default::default()
            }],
        })
    }

    async fn get_database(
        &self,
        request: GetDatabaseRequest,
    ) -> Result<GetDatabaseResponse, ApiError> {
        self.record(
            "getDatabase",
            &request.credentials,
            json!({"id": request.id}),
        );
        Ok(GetDatabaseResponse::Created {
            body: Database {
                database_id: Some(request.id),
                is_default_instance: Some(true),
                ..Default::default()
            },
        })
    }

    async fn update_database(
        &self,
        request: UpdateDatabaseRequest,
    ) -> Result<UpdateDatabaseResponse, ApiError> {
        self.record(
            "updateDatabase",
            &request.credentials,
            json!({"id": request.id, "body": request.body}),
        );
        let mut database: Database = reshape!(request.body);
        database.database_id = Some(request.id);
        Ok(UpdateDatabaseResponse::Ok { body: database })
    }

    async fn delete_database(
        &self,
        request: DeleteDatabaseRequest,
    ) -> Result<DeleteDatabaseResponse, ApiError> {
        self.record(
            "deleteDatabase",
            &request.credentials,
            json!({"id": request.id}),
        );
        Ok(DeleteDatabaseResponse::Ok)
    }

    async fn get_asset_databases(
        &self,
        request: GetAssetDatabasesRequest,
    ) -> Result<GetAssetDatabasesResponse, ApiError> {
        self.record(
            "getAssetDatabases",
            &request.credentials,
            json!({"id": request.id}),
        );
        Ok(GetAssetDatabasesResponse::Created {
            body: vec![Database {
                asset_id: Some(request.id),
                database_id: Some(1),
                ..Default::default()
            }],
        })
    }

    async fn create_asset_database(
        &self,
        request: CreateAssetDatabaseRequest,
    ) -> Result<CreateAssetDatabaseResponse, ApiError> {
        self.record(
            "createAssetDatabase",
            &request.credentials,
            json!({"id": request.id, "body": request.body}),
        );
        let mut database: Database = reshape!(request.body);
        database.asset_id = Some(request.id);
        database.database_id = Some(900);
        Ok(CreateAssetDatabaseResponse::Ok { body: database })
    }

    async fn deprecated_queue_import_file(
        &self,
        request: DeprecatedQueueImportFileRequest,
    ) -> Result<DeprecatedQueueImportFileResponse, ApiError> {
        self.record(
            "deprecatedQueueImportFile",
            &request.credentials,
            json!({"body": request.body}),
        );
        Ok(DeprecatedQueueImportFileResponse::Ok {
            body: QueuedImport {
                import_id: Some(i32::try_from(request.body.file.len()).unwrap_or(-1)),
            },
        })
    }

    async fn deprecated_filter_single_account(
        &self,
        request: DeprecatedFilterSingleAccountRequest,
    ) -> Result<DeprecatedFilterSingleAccountResponse, ApiError> {
        self.record(
            "deprecatedFilterSingleAccount",
            &request.credentials,
            json!({"body": request.body}),
        );
        Ok(DeprecatedFilterSingleAccountResponse::Created {
            body: SmartRule {
                smart_rule_id: Some(request.body.account_id),
                title: request.body.title,
                ..Default::default()
            },
        })
    }

    async fn deprecated_get_user_group_by_name(
        &self,
        request: DeprecatedGetUserGroupByNameRequest,
    ) -> Result<DeprecatedGetUserGroupByNameResponse, ApiError> {
        self.record(
            "deprecatedGetUserGroupByName",
            &request.credentials,
            json!({"name": request.name}),
        );
        Ok(DeprecatedGetUserGroupByNameResponse::Ok {
            body: DeprecatedUserGroup {
                group_id: Some(5),
                name: Some(request.name),
                group_type: Some("BeyondInsight".into()),
                is_active: Some(true),
                ..Default::default()
            },
        })
    }

    async fn deprecated_delete_user_group_by_name(
        &self,
        request: DeprecatedDeleteUserGroupByNameRequest,
    ) -> Result<DeprecatedDeleteUserGroupByNameResponse, ApiError> {
        self.record(
            "deprecatedDeleteUserGroupByName",
            &request.credentials,
            json!({"name": request.name}),
        );
        Ok(DeprecatedDeleteUserGroupByNameResponse::Ok)
    }

    async fn deprecated_get_workgroup_by_name(
        &self,
        request: DeprecatedGetWorkgroupByNameRequest,
    ) -> Result<DeprecatedGetWorkgroupByNameResponse, ApiError> {
        self.record(
            "deprecatedGetWorkgroupByName",
            &request.credentials,
            json!({"name": request.name}),
        );
        Ok(DeprecatedGetWorkgroupByNameResponse::Ok {
            body: DeprecatedWorkgroup {
                organization_id: Some(org()),
                id: Some(1),
                name: Some(request.name),
            },
        })
    }

    async fn get_entitlements(
        &self,
        request: GetEntitlementsRequest,
    ) -> Result<GetEntitlementsResponse, ApiError> {
        self.record(
            "getEntitlements",
            &request.credentials,
            json!({"groupIDs": request.group_i_ds}),
        );
        let body = request
            .group_i_ds
            .unwrap_or_default()
            .into_iter()
            .map(|group_id| Entitlement {
                group_id: Some(group_id),
                name: Some(format!("group {group_id}")),
                access_level: Some(None),
                dedicated_to_app_user_id: Some(Some(group_id * 10)),
                ..Default::default()
            })
            .collect();
        Ok(GetEntitlementsResponse::Ok { body })
    }

    async fn add_epm_policy_application(
        &self,
        request: AddEpmPolicyApplicationRequest,
    ) -> Result<AddEpmPolicyApplicationResponse, ApiError> {
        self.record(
            "addEpmPolicyApplication",
            &request.credentials,
            json!({"id": request.id, "body": request.body}),
        );
        let mut body = serde_json::Map::new();
        body.insert("PolicyID".into(), json!(request.id));
        body.insert("Added".into(), json!(request.body.name));
        Ok(AddEpmPolicyApplicationResponse::Ok { body })
    }

    async fn queue_import(
        &self,
        request: QueueImportRequest,
    ) -> Result<QueueImportResponse, ApiError> {
        self.record(
            "queueImport",
            &request.credentials,
            json!({"body": request.body}),
        );
        let size = request.body.base64_file_contents.map_or(0, |b| b.0.len());
        Ok(QueueImportResponse::Ok {
            body: QueuedImport {
                import_id: Some(request.body.workgroup_id.unwrap_or(0) * 1000 + size as i32),
            },
        })
    }

    async fn get_operating_systems(
        &self,
        request: GetOperatingSystemsRequest,
    ) -> Result<GetOperatingSystemsResponse, ApiError> {
        self.record("getOperatingSystems", &request.credentials, json!({}));
        Ok(GetOperatingSystemsResponse::Ok {
            body: vec![OperatingSystem {
                operating_system_id: Some(1),
                name: Some("Linux".into()),
            }],
        })
    }

    async fn get_organizations(
        &self,
        request: GetOrganizationsRequest,
    ) -> Result<GetOrganizationsResponse, ApiError> {
        self.record(
            "getOrganizations",
            &request.credentials,
            json!({"name": request.name}),
        );
        let organization = |name: String| Organization {
            organization_id: Some(org()),
            name: Some(name),
            is_active: Some(true),
        };
        let body = match request.name {
            Some(name) => GetOrganizationsResponseBody::Organization(organization(name)),
            None => GetOrganizationsResponseBody::Array(vec![organization("Global".into())]),
        };
        Ok(GetOrganizationsResponse::Ok { body })
    }

    async fn get_organization(
        &self,
        request: GetOrganizationRequest,
    ) -> Result<GetOrganizationResponse, ApiError> {
        self.record(
            "getOrganization",
            &request.credentials,
            json!({"id": request.id}),
        );
        Ok(GetOrganizationResponse::Ok {
            body: Organization {
                organization_id: Some(request.id),
                name: Some("Acme".into()),
                is_active: Some(false),
            },
        })
    }

    async fn get_permissions(
        &self,
        request: GetPermissionsRequest,
    ) -> Result<GetPermissionsResponse, ApiError> {
        self.record("getPermissions", &request.credentials, json!({}));
        Ok(GetPermissionsResponse::Ok {
            body: vec![Permission {
                permission_id: Some(1),
                name: Some("Asset Management".into()),
            }],
        })
    }

    async fn get_smart_rule_assets(
        &self,
        request: GetSmartRuleAssetsRequest,
    ) -> Result<GetSmartRuleAssetsResponse, ApiError> {
        self.record(
            "getSmartRuleAssets",
            &request.credentials,
            json!({"id": request.id, "limit": request.limit, "offset": request.offset}),
        );
        let assets = vec![asset(request.id, "in rule")];
        let body = match request.limit {
            Some(limit) => AssetList::AssetPage(AssetPage {
                total_count: limit + request.offset.unwrap_or(0),
                data: assets,
            }),
            None => AssetList::Array(assets),
        };
        Ok(GetSmartRuleAssetsResponse::Ok { body })
    }

    async fn get_smart_rules(
        &self,
        request: GetSmartRulesRequest,
    ) -> Result<GetSmartRulesResponse, ApiError> {
        self.record(
            "getSmartRules",
            &request.credentials,
            json!({"type": request.type_, "title": request.title}),
        );
        let body = match request.title {
            Some(title) => GetSmartRulesResponseBody::SmartRule(smart_rule(1, &title)),
            None => GetSmartRulesResponseBody::Array(vec![smart_rule(
                2,
                request.type_.as_deref().unwrap_or("all"),
            )]),
        };
        Ok(GetSmartRulesResponse::Ok { body })
    }

    async fn get_smart_rule(
        &self,
        request: GetSmartRuleRequest,
    ) -> Result<GetSmartRuleResponse, ApiError> {
        self.record(
            "getSmartRule",
            &request.credentials,
            json!({"id": request.id}),
        );
        Ok(GetSmartRuleResponse::Ok {
            body: smart_rule(request.id, "by id"),
        })
    }

    async fn get_user_group_smart_rules(
        &self,
        request: GetUserGroupSmartRulesRequest,
    ) -> Result<GetUserGroupSmartRulesResponse, ApiError> {
        self.record(
            "getUserGroupSmartRules",
            &request.credentials,
            json!({"id": request.id, "accessLevel": request.access_level}),
        );
        let body = request
            .access_level
            .unwrap_or_default()
            .into_iter()
            .map(|level| UserGroupSmartRule {
                smart_rule_id: Some(request.id),
                title: Some(format!("level {level}")),
                access_level_id: Some(level),
                ..Default::default()
            })
            .collect();
        Ok(GetUserGroupSmartRulesResponse::Ok { body })
    }

    async fn get_organization_smart_rule_by_title(
        &self,
        request: GetOrganizationSmartRuleByTitleRequest,
    ) -> Result<GetOrganizationSmartRuleByTitleResponse, ApiError> {
        self.record(
            "getOrganizationSmartRuleByTitle",
            &request.credentials,
            json!({"orgID": request.org_id, "title": request.title}),
        );
        // Only `default` is declared: any status goes; 202 shows the client takes any 2xx.
        Ok(GetOrganizationSmartRuleByTitleResponse::Default {
            status: StatusCode::ACCEPTED,
        })
    }

    async fn get_user_group_permissions(
        &self,
        request: GetUserGroupPermissionsRequest,
    ) -> Result<GetUserGroupPermissionsResponse, ApiError> {
        self.record(
            "getUserGroupPermissions",
            &request.credentials,
            json!({"userGroupId": request.user_group_id}),
        );
        Ok(GetUserGroupPermissionsResponse::Ok {
            body: vec![UserGroupPermission {
                permission_id: Some(request.user_group_id),
                access_level_id: Some(AccessLevelId::None),
            }],
        })
    }

    async fn set_user_group_permissions(
        &self,
        request: SetUserGroupPermissionsRequest,
    ) -> Result<SetUserGroupPermissionsResponse, ApiError> {
        self.record(
            "setUserGroupPermissions",
            &request.credentials,
            json!({"userGroupId": request.user_group_id, "body": request.body}),
        );
        Ok(SetUserGroupPermissionsResponse::NoContent)
    }

    async fn delete_user_group_permissions(
        &self,
        request: DeleteUserGroupPermissionsRequest,
    ) -> Result<DeleteUserGroupPermissionsResponse, ApiError> {
        self.record(
            "deleteUserGroupPermissions",
            &request.credentials,
            json!({"userGroupId": request.user_group_id}),
        );
        Ok(DeleteUserGroupPermissionsResponse::Ok)
    }
}

/// Serves `router(api)` on 127.0.0.1 (any free port) and returns a client pointed at it.
async fn serve<A: Api>(api: A) -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        axum::serve(listener, router(api))
            .await
            .expect("server runs");
    });
    Client::builder()
        .base_url(format!("http://{addr}{BASE_PATH}"))
        .ps_auth(PS_AUTH)
        .build()
        .expect("client builds")
}

/// Serves an `Echo` and returns it with a client.
async fn echo() -> (Echo, Client) {
    let echo = Echo::default();
    let client = serve(echo.clone()).await;
    (echo, client)
}

#[tokio::test]
async fn roundtrip_access_levels() {
    let (echo, client) = echo().await;
    let api = client.access_levels();

    let levels = api
        .list_access_levels()
        .send()
        .await
        .expect("listAccessLevels");
    assert_eq!(levels.status(), StatusCode::OK);
    assert_eq!(
        levels.into_inner(),
        vec![
            AccessLevel {
                access_level_id: Some(AccessLevelId::Read),
                name: Some("Read".into())
            },
            AccessLevel {
                access_level_id: Some(AccessLevelId::ReadWrite),
                name: Some("Read/Write".into())
            },
        ]
    );
    echo.assert_seen("listAccessLevels", json!({}));

    let body = SmartRuleAccessLevelRequest {
        access_level_id: Some(AccessLevelId::ReadWrite),
    };
    let done = api
        .set_user_group_smart_rule_access_level(4, 9, body)
        .send()
        .await
        .expect("setUserGroupSmartRuleAccessLevel");
    assert_eq!(done.status(), StatusCode::OK);
    echo.assert_seen(
        "setUserGroupSmartRuleAccessLevel",
        json!({"userGroupId": 4, "smartRuleId": 9, "body": {"AccessLevelID": 3}}),
    );
}

#[tokio::test]
async fn roundtrip_address_groups() {
    let (echo, client) = echo().await;
    let api = client.address_groups();

    let groups = api
        .list_organization_address_groups(org())
        .send()
        .await
        .expect("listOrganizationAddressGroups");
    assert_eq!(groups.status(), StatusCode::OK);
    assert_eq!(
        groups.into_inner(),
        vec![
            AddressGroup {
                address_group_id: Some(1),
                name: Some("Org servers".into()),
                organization_id: Some(Some(org())),
            },
            AddressGroup {
                address_group_id: Some(2),
                name: Some("Global".into()),
                organization_id: Some(None),
            },
        ]
    );
    echo.assert_seen("listOrganizationAddressGroups", json!({"orgID": ORG}));

    let one = api
        .list_address_groups()
        .name("Web & DB servers")
        .send()
        .await
        .expect("listAddressGroups by name");
    assert_eq!(
        one.into_inner(),
        ListAddressGroupsResponseBody::AddressGroup(AddressGroup {
            address_group_id: Some(3),
            name: Some("Web & DB servers".into()),
            organization_id: None,
        })
    );
    echo.assert_seen("listAddressGroups", json!({"name": "Web & DB servers"}));

    let all = api
        .list_address_groups()
        .send()
        .await
        .expect("listAddressGroups");
    assert_eq!(
        all.into_inner(),
        ListAddressGroupsResponseBody::Array(vec![AddressGroup {
            address_group_id: Some(3),
            name: Some("All".into()),
            organization_id: None,
        }])
    );
    echo.assert_seen("listAddressGroups", json!({"name": null}));

    let created = api
        .create_address_group(AddressGroupInput {
            name: Some("Servers".into()),
        })
        .send()
        .await
        .expect("createAddressGroup");
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(
        created.into_inner(),
        AddressGroup {
            address_group_id: Some(100),
            name: Some("Servers".into()),
            organization_id: None,
        }
    );
    echo.assert_seen("createAddressGroup", json!({"body": {"Name": "Servers"}}));

    let addresses = api
        .list_address_group_addresses(12)
        .send()
        .await
        .expect("listAddressGroupAddresses");
    assert_eq!(
        addresses.into_inner(),
        vec![Address {
            address_id: Some(1),
            address_group_id: Some(12),
            omit: Some(false),
            type_: Some(AddressType::CidrNotation),
            value: Some("10.0.0.0/24".into()),
            last_updated_date: timestamp!(),
        }]
    );
    echo.assert_seen("listAddressGroupAddresses", json!({"addressGroupId": 12}));

    let input = AddressInput {
        omit: Some(true),
        type_: Some(AddressType::IpAddressRange),
        value: Some("10.0.0.1-10.0.0.25".into()),
    };
    let address = api
        .create_address_group_address(12, input)
        .send()
        .await
        .expect("createAddressGroupAddress");
    assert_eq!(address.status(), StatusCode::CREATED);
    assert_eq!(
        address.into_inner(),
        Address {
            address_id: Some(500),
            address_group_id: Some(12),
            omit: Some(true),
            type_: Some(AddressType::IpAddressRange),
            value: Some("10.0.0.1-10.0.0.25".into()),
            last_updated_date: None,
        }
    );
    echo.assert_seen(
        "createAddressGroupAddress",
        json!({"addressGroupId": 12, "body": {"Omit": true, "Type": 2, "Value": "10.0.0.1-10.0.0.25"}}),
    );

    let cleared = api
        .delete_address_group_addresses(12)
        .send()
        .await
        .expect("deleteAddressGroupAddresses");
    assert_eq!(cleared.status(), StatusCode::OK);
    echo.assert_seen("deleteAddressGroupAddresses", json!({"addressGroupId": 12}));

    let group = api
        .get_address_group_by_id(-3)
        .send()
        .await
        .expect("getAddressGroupById");
    assert_eq!(
        group.into_inner(),
        AddressGroup {
            address_group_id: Some(-3),
            name: Some("group -3".into()),
            organization_id: Some(None),
        }
    );
    echo.assert_seen("getAddressGroupById", json!({"addressGroupId": -3}));

    let updated = api
        .update_address_group(12, AddressGroupInput { name: None })
        .send()
        .await
        .expect("updateAddressGroup");
    assert_eq!(
        updated.into_inner(),
        AddressGroup {
            address_group_id: Some(12),
            name: None,
            organization_id: None,
        }
    );
    echo.assert_seen(
        "updateAddressGroup",
        json!({"addressGroupId": 12, "body": {}}),
    );

    let deleted = api
        .delete_address_group(12)
        .send()
        .await
        .expect("deleteAddressGroup");
    assert_eq!(deleted.status(), StatusCode::OK);
    echo.assert_seen("deleteAddressGroup", json!({"addressGroupId": 12}));

    let address = api
        .get_address_by_id(7)
        .send()
        .await
        .expect("getAddressById");
    assert_eq!(
        address.into_inner(),
        Address {
            address_id: Some(7),
            type_: Some(AddressType::SingleIpAddress),
            value: Some("10.0.0.7".into()),
            ..Default::default()
        }
    );
    echo.assert_seen("getAddressById", json!({"id": 7}));

    let input = AddressInput {
        omit: None,
        type_: Some(AddressType::NamedHost),
        value: Some("host.example.com".into()),
    };
    let address = api
        .update_address_by_id(7, input)
        .send()
        .await
        .expect("updateAddressById");
    assert_eq!(
        address.into_inner(),
        Address {
            address_id: Some(7),
            type_: Some(AddressType::NamedHost),
            value: Some("host.example.com".into()),
            ..Default::default()
        }
    );
    echo.assert_seen(
        "updateAddressById",
        json!({"id": 7, "body": {"Type": 4, "Value": "host.example.com"}}),
    );

    let deleted = api
        .delete_address_by_id(7)
        .send()
        .await
        .expect("deleteAddressById");
    assert_eq!(deleted.status(), StatusCode::OK);
    echo.assert_seen("deleteAddressById", json!({"id": 7}));
}

#[tokio::test]
async fn roundtrip_api_registrations() {
    let (echo, client) = echo().await;
    let api = client.api_registrations();

    let registrations = api
        .list_api_registrations()
        .send()
        .await
        .expect("listApiRegistrations");
    assert_eq!(
        registrations.into_inner(),
        vec![ApiRegistration {
            id: Some(1),
            name: Some("ci".into()),
            registration_type: Some(ApiRegistrationType::ApiKeyPolicy),
            active: Some(true),
            ip_authentication_rules: Some(vec![ApiRegistrationAuthenticationRule {
                id: Some(9),
                type_: Some("IpAddress".into()),
                value: Some("10.0.0.1".into()),
                description: None,
                created_date: date!(),
            }]),
            ..Default::default()
        }]
    );
    echo.assert_seen("listApiRegistrations", json!({}));

    let key_policy = ApiRegistrationRequestInput::ApiKeyPolicyRegistrationRequest(
        ApiKeyPolicyRegistrationRequestInput {
            name: Some("ci".into()),
            registration_type: ApiKeyPolicyRegistrationRequestRegistrationType::ApiKeyPolicy,
            active: Some(true),
            visible: Some(false),
            multi_factor_authentication_enforced: Some(false),
            client_certificate_required: Some(false),
            user_password_required: Some(true),
            verify_psrun_signature: None,
            ip_authentication_rules: Some(vec![ApiRegistrationAuthenticationRuleInput {
                type_: Some("IpAddress".into()),
                value: Some("10.0.0.0/8".into()),
                description: Some("office".into()),
            }]),
            psrun_rules: Some(vec![ApiRegistrationPsrunRuleInput {
                ip_address: Some("10.0.0.9".into()),
                system_name: Some("build".into()),
                ..Default::default()
            }]),
            x_forwarded_for_authentication_rules: None,
        },
    );
    let created = api
        .create_api_registration(key_policy)
        .send()
        .await
        .expect("createApiRegistration");
    assert_eq!(created.status(), StatusCode::OK);
    assert_eq!(
        created.into_inner(),
        ApiRegistration {
            id: Some(31),
            name: Some("ci".into()),
            registration_type: Some(ApiRegistrationType::ApiKeyPolicy),
            active: Some(true),
            visible: Some(false),
            multi_factor_authentication_enforced: Some(false),
            client_certificate_required: Some(false),
            user_password_required: Some(true),
            ip_authentication_rules: Some(vec![ApiRegistrationAuthenticationRule {
                type_: Some("IpAddress".into()),
                value: Some("10.0.0.0/8".into()),
                description: Some("office".into()),
                ..Default::default()
            }]),
            psrun_rules: Some(vec![ApiRegistrationPsrunRule {
                ip_address: Some("10.0.0.9".into()),
                system_name: Some("build".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }
    );
    echo.assert_seen(
        "createApiRegistration",
        json!({"body": {
            "Name": "ci", "RegistrationType": "ApiKeyPolicy", "Active": true, "Visible": false,
            "MultiFactorAuthenticationEnforced": false, "ClientCertificateRequired": false,
            "UserPasswordRequired": true,
            "IPAuthenticationRules": [{"Type": "IpAddress", "Value": "10.0.0.0/8", "Description": "office"}],
            "PSRUNRules": [{"IPAddress": "10.0.0.9", "SystemName": "build"}]
        }}),
    );

    let registration = api
        .get_api_registration_by_id(3)
        .send()
        .await
        .expect("getApiRegistrationById");
    assert_eq!(
        registration.into_inner(),
        ApiRegistration {
            id: Some(3),
            registration_type: Some(ApiRegistrationType::ApiAccessPolicy),
            access_token_duration: Some(60),
            ..Default::default()
        }
    );
    echo.assert_seen("getApiRegistrationById", json!({"id": 3}));

    let access_policy = ApiRegistrationRequestInput::ApiAccessPolicyRegistrationRequest(
        ApiAccessPolicyRegistrationRequestInput {
            name: Some("portal".into()),
            registration_type: ApiAccessPolicyRegistrationRequestRegistrationType::ApiAccessPolicy,
            access_token_duration: Some(90),
            active: Some(true),
            visible: None,
            client_certificate_required: None,
            ip_authentication_rules: None,
            x_forwarded_for_authentication_rules: Some(vec![
                ApiRegistrationAuthenticationRuleInput {
                    type_: Some("IpAddress".into()),
                    value: Some("192.168.1.1".into()),
                    description: None,
                },
            ]),
        },
    );
    let updated = api
        .update_api_registration(3, access_policy)
        .send()
        .await
        .expect("updateApiRegistration");
    assert_eq!(
        updated.into_inner(),
        ApiRegistration {
            id: Some(3),
            name: Some("portal".into()),
            registration_type: Some(ApiRegistrationType::ApiAccessPolicy),
            access_token_duration: Some(90),
            active: Some(true),
            x_forwarded_for_authentication_rules: Some(vec![ApiRegistrationAuthenticationRule {
                type_: Some("IpAddress".into()),
                value: Some("192.168.1.1".into()),
                ..Default::default()
            },]),
            ..Default::default()
        }
    );
    echo.assert_seen(
        "updateApiRegistration",
        json!({"id": 3, "body": {
            "Name": "portal", "RegistrationType": "ApiAccessPolicy", "AccessTokenDuration": 90,
            "Active": true,
            "XForwardedForAuthenticationRules": [{"Type": "IpAddress", "Value": "192.168.1.1"}]
        }}),
    );

    let deleted = api
        .delete_api_registration(3)
        .send()
        .await
        .expect("deleteApiRegistration");
    assert_eq!(deleted.status(), StatusCode::OK);
    echo.assert_seen("deleteApiRegistration", json!({"id": 3}));

    let rotated = api
        .rotate_api_registration_key(3)
        .send()
        .await
        .expect("rotateApiRegistrationKey");
    assert_eq!(rotated.status(), StatusCode::CREATED);
    assert_eq!(rotated.into_inner(), "key-3-rotated");
    echo.assert_seen("rotateApiRegistrationKey", json!({"id": 3}));

    let key = api
        .get_api_registration_key(3)
        .send()
        .await
        .expect("getApiRegistrationKey");
    assert_eq!(key.into_inner(), "key-3");
    echo.assert_seen("getApiRegistrationKey", json!({"id": 3}));
}

#[tokio::test]
async fn roundtrip_asset_attributes() {
    let (echo, client) = echo().await;
    let api = client.asset_attributes();

    let attributes = api
        .get_asset_attributes(21)
        .send()
        .await
        .expect("getAssetAttributes");
    assert_eq!(
        attributes.into_inner(),
        vec![Attribute {
            attribute_id: Some(5),
            attribute_type_id: Some(2),
            parent_attribute_id: Some(None),
            short_name: Some("NYC".into()),
            description: Some("of asset 21".into()),
            value_int: Some(Some(7)),
            is_read_only: Some(false),
            ..Default::default()
        }]
    );
    echo.assert_seen("getAssetAttributes", json!({"assetID": 21}));

    let cleared = api
        .delete_asset_attributes(21)
        .send()
        .await
        .expect("deleteAssetAttributes");
    assert_eq!(cleared.status(), StatusCode::OK);
    echo.assert_seen("deleteAssetAttributes", json!({"assetID": 21}));

    let assigned = api
        .assign_asset_attribute(21, 5)
        .send()
        .await
        .expect("assignAssetAttribute");
    assert_eq!(assigned.status(), StatusCode::CREATED);
    assert_eq!(
        assigned.into_inner(),
        Attribute {
            attribute_id: Some(5),
            description: Some("assigned to asset 21".into()),
            ..Default::default()
        }
    );
    echo.assert_seen(
        "assignAssetAttribute",
        json!({"assetID": 21, "attributeID": 5}),
    );

    let removed = api
        .delete_asset_attribute(21, 5)
        .send()
        .await
        .expect("deleteAssetAttribute");
    assert_eq!(removed.status(), StatusCode::OK);
    echo.assert_seen(
        "deleteAssetAttribute",
        json!({"assetID": 21, "attributeID": 5}),
    );
}

#[tokio::test]
async fn roundtrip_assets() {
    let (echo, client) = echo().await;
    let api = client.assets();

    let found = api.get_asset_by_id(21).send().await.expect("getAssetById");
    assert_eq!(found.into_inner(), asset(21, "web01"));
    echo.assert_seen("getAssetById", json!({"id": 21}));

    let update = AssetUpdateRequest {
        workgroup_id: 1,
        asset_name: "web01".into(),
        dns_name: "web01.example.com".into(),
        domain_name: "example.com".into(),
        ip_address: "10.0.0.5".into(),
        mac_address: "00:11:22:33:44:55".into(),
        asset_type: "Server".into(),
        description: Some("front end, \"blue\" pool".into()),
        operating_system: "Linux".into(),
    };
    let updated = api
        .update_asset_by_id(21, update)
        .send()
        .await
        .expect("updateAssetById");
    assert_eq!(
        updated.into_inner(),
        Asset {
            workgroup_id: Some(1),
            asset_id: Some(21),
            asset_name: Some("web01".into()),
            dns_name: Some("web01.example.com".into()),
            domain_name: Some("example.com".into()),
            ip_address: Some("10.0.0.5".into()),
            mac_address: Some("00:11:22:33:44:55".into()),
            asset_type: Some("Server".into()),
            description: Some("front end, \"blue\" pool".into()),
            operating_system: Some("Linux".into()),
            ..Default::default()
        }
    );
    echo.assert_seen(
        "updateAssetById",
        json!({"id": 21, "body": {
            "WorkgroupID": 1, "AssetName": "web01", "DnsName": "web01.example.com",
            "DomainName": "example.com", "IPAddress": "10.0.0.5",
            "MacAddress": "00:11:22:33:44:55", "AssetType": "Server",
            "Description": "front end, \"blue\" pool", "OperatingSystem": "Linux"
        }}),
    );

    let deleted = api
        .delete_asset_by_id(21)
        .send()
        .await
        .expect("deleteAssetById");
    assert_eq!(deleted.status(), StatusCode::OK);
    echo.assert_seen("deleteAssetById", json!({"id": 21}));

    // A Workgroup name that needs percent-encoding in its path segment.
    let workgroup = "My Group/1 ü";
    let all = api
        .list_workgroup_assets(workgroup)
        .send()
        .await
        .expect("listWorkgroupAssets");
    assert_eq!(
        all.into_inner(),
        ListWorkgroupAssetsResponseBody::Array(vec![asset(3, workgroup)])
    );
    echo.assert_seen(
        "listWorkgroupAssets",
        json!({"workgroup": workgroup, "name": null, "limit": null, "offset": null}),
    );

    let page = api
        .list_workgroup_assets("7")
        .limit(10)
        .offset(20)
        .send()
        .await
        .expect("listWorkgroupAssets page");
    assert_eq!(
        page.into_inner(),
        ListWorkgroupAssetsResponseBody::AssetPage(AssetPage {
            total_count: 30,
            data: vec![asset(2, "7")],
        })
    );
    echo.assert_seen(
        "listWorkgroupAssets",
        json!({"workgroup": "7", "name": null, "limit": 10, "offset": 20}),
    );

    let one = api
        .list_workgroup_assets("Default")
        .name("db&backup=1")
        .send()
        .await
        .expect("listWorkgroupAssets by name");
    assert_eq!(
        one.into_inner(),
        ListWorkgroupAssetsResponseBody::Asset(asset(1, "db&backup=1"))
    );
    echo.assert_seen(
        "listWorkgroupAssets",
        json!({"workgroup": "Default", "name": "db&backup=1", "limit": null, "offset": null}),
    );

    let create = AssetCreateRequest {
        ip_address: "10.0.0.6".into(),
        asset_name: Some("web02".into()),
        dns_name: None,
        domain_name: None,
        mac_address: None,
        asset_type: Some("Server".into()),
        description: None,
        operating_system: Some("Windows".into()),
    };
    let created = api
        .create_workgroup_asset("Default Workgroup", create)
        .send()
        .await
        .expect("createWorkgroupAsset");
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(
        created.into_inner(),
        Asset {
            asset_id: Some(77),
            asset_name: Some("web02".into()),
            ip_address: Some("10.0.0.6".into()),
            asset_type: Some("Server".into()),
            operating_system: Some("Windows".into()),
            ..Default::default()
        }
    );
    echo.assert_seen(
        "createWorkgroupAsset",
        json!({"workgroup": "Default Workgroup", "body": {
            "IPAddress": "10.0.0.6", "AssetName": "web02", "AssetType": "Server",
            "OperatingSystem": "Windows"
        }}),
    );

    let deleted = api
        .delete_workgroup_asset_by_name("Default Workgroup", "web 02")
        .send()
        .await
        .expect("deleteWorkgroupAssetByName");
    assert_eq!(deleted.status(), StatusCode::OK);
    echo.assert_seen(
        "deleteWorkgroupAssetByName",
        json!({"workgroup": "Default Workgroup", "name": "web 02"}),
    );

    let search = AssetSearchRequest {
        ip_address: Some("10.0.0.0/24".into()),
        asset_type: Some("Server".into()),
        ..Default::default()
    };
    let found = api
        .search_assets(search.clone())
        .send()
        .await
        .expect("searchAssets");
    let as_asset = Asset {
        ip_address: Some("10.0.0.0/24".into()),
        asset_type: Some("Server".into()),
        ..Default::default()
    };
    assert_eq!(found.into_inner(), AssetList::Array(vec![as_asset.clone()]));
    echo.assert_seen(
        "searchAssets",
        json!({"limit": null, "offset": null, "body": {"IPAddress": "10.0.0.0/24", "AssetType": "Server"}}),
    );

    let page = api
        .search_assets(search)
        .limit(5)
        .offset(10)
        .send()
        .await
        .expect("searchAssets page");
    assert_eq!(
        page.into_inner(),
        AssetList::AssetPage(AssetPage {
            total_count: 5,
            data: vec![as_asset],
        })
    );
    echo.assert_seen(
        "searchAssets",
        json!({"limit": 5, "offset": 10, "body": {"IPAddress": "10.0.0.0/24", "AssetType": "Server"}}),
    );
}

#[tokio::test]
async fn roundtrip_attribute_types_and_attributes() {
    let (echo, client) = echo().await;
    let types = client.attribute_types();

    let all = types
        .get_attribute_types()
        .send()
        .await
        .expect("getAttributeTypes");
    assert_eq!(
        all.into_inner(),
        vec![AttributeType {
            attribute_type_id: Some(1),
            name: Some("Location".into()),
            is_read_only: Some(true),
        }]
    );
    echo.assert_seen("getAttributeTypes", json!({}));

    let created = types
        .create_attribute_type(AttributeTypeCreateRequest {
            name: Some("Owner".into()),
        })
        .send()
        .await
        .expect("createAttributeType");
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(
        created.into_inner(),
        AttributeType {
            attribute_type_id: Some(50),
            name: Some("Owner".into()),
            is_read_only: Some(false),
        }
    );
    echo.assert_seen("createAttributeType", json!({"body": {"Name": "Owner"}}));

    let one = types
        .get_attribute_type(2)
        .send()
        .await
        .expect("getAttributeType");
    assert_eq!(
        one.into_inner(),
        AttributeType {
            attribute_type_id: Some(2),
            name: Some("type 2".into()),
            is_read_only: None,
        }
    );
    echo.assert_seen("getAttributeType", json!({"id": 2}));

    let deleted = types
        .delete_attribute_type(2)
        .send()
        .await
        .expect("deleteAttributeType");
    assert_eq!(deleted.status(), StatusCode::OK);
    echo.assert_seen("deleteAttributeType", json!({"id": 2}));

    let attributes = client.attributes();
    let by_type = attributes
        .get_attributes_by_attribute_type(2)
        .send()
        .await
        .expect("getAttributesByAttributeType");
    assert_eq!(
        by_type.into_inner(),
        vec![AttributeDefinition {
            attribute_id: Some(1),
            attribute_type_id: Some(2),
            parent_attribute_id: Some(None),
            short_name: Some("US".into()),
            child_attributes: Some(vec![Attribute {
                attribute_id: Some(2),
                attribute_type_id: Some(2),
                parent_attribute_id: Some(Some(1)),
                short_name: Some("NYC".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }]
    );
    echo.assert_seen(
        "getAttributesByAttributeType",
        json!({"attributeTypeID": 2}),
    );

    let input = AttributeCreateRequest {
        parent_attribute_id: Some(Some(1)),
        short_name: Some("NYC".into()),
        long_name: Some("New York City".into()),
        description: None,
        value_int: Some(None),
    };
    let created = attributes
        .create_attribute(2, input)
        .send()
        .await
        .expect("createAttribute");
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(
        created.into_inner(),
        AttributeDefinition {
            attribute_id: Some(88),
            attribute_type_id: Some(2),
            parent_attribute_id: Some(Some(1)),
            short_name: Some("NYC".into()),
            long_name: Some("New York City".into()),
            value_int: Some(None),
            ..Default::default()
        }
    );
    echo.assert_seen(
        "createAttribute",
        json!({"attributeTypeID": 2, "body": {
            "ParentAttributeID": 1, "ShortName": "NYC", "LongName": "New York City",
            "ValueInt": null
        }}),
    );

    let one = attributes
        .get_attribute(8)
        .send()
        .await
        .expect("getAttribute");
    assert_eq!(
        one.into_inner(),
        AttributeDefinition {
            attribute_id: Some(8),
            value_int: Some(None),
            child_attributes: Some(vec![]),
            ..Default::default()
        }
    );
    echo.assert_seen("getAttribute", json!({"id": 8}));

    let deleted = attributes
        .delete_attribute(8)
        .send()
        .await
        .expect("deleteAttribute");
    assert_eq!(deleted.status(), StatusCode::OK);
    echo.assert_seen("deleteAttribute", json!({"id": 8}));
}

#[tokio::test]
async fn roundtrip_databases() {
    let (echo, client) = echo().await;
    let api = client.databases();

    let all = api.get_databases().send().await.expect("getDatabases");
    assert_eq!(all.status(), StatusCode::CREATED);
    assert_eq!(
        all.into_inner(),
        vec![Database {
            database_id: Some(4),
            instance_name: Some("MSSQL".into()),
            port: Some(1433),
            ..Default::default()
        }]
    );
    echo.assert_seen("getDatabases", json!({}));

    let one = api.get_database(4).send().await.expect("getDatabase");
    assert_eq!(one.status(), StatusCode::CREATED);
    assert_eq!(
        one.into_inner(),
        Database {
            database_id: Some(4),
            is_default_instance: Some(true),
            ..Default::default()
        }
    );
    echo.assert_seen("getDatabase", json!({"id": 4}));

    let update = DatabaseUpdateRequest {
        platform_id: 10,
        instance_name: Some("MSSQL".into()),
        is_default_instance: Some(false),
        port: Some(1434),
        version: Some("2019".into()),
        template: None,
    };
    let updated = api
        .update_database(4, update)
        .send()
        .await
        .expect("updateDatabase");
    assert_eq!(updated.status(), StatusCode::OK);
    assert_eq!(
        updated.into_inner(),
        Database {
            database_id: Some(4),
            platform_id: Some(10),
            instance_name: Some("MSSQL".into()),
            is_default_instance: Some(false),
            port: Some(1434),
            version: Some("2019".into()),
            ..Default::default()
        }
    );
    echo.assert_seen(
        "updateDatabase",
        json!({"id": 4, "body": {
            "PlatformID": 10, "InstanceName": "MSSQL", "IsDefaultInstance": false,
            "Port": 1434, "Version": "2019"
        }}),
    );

    let deleted = api.delete_database(4).send().await.expect("deleteDatabase");
    assert_eq!(deleted.status(), StatusCode::OK);
    echo.assert_seen("deleteDatabase", json!({"id": 4}));

    let of_asset = api
        .get_asset_databases(21)
        .send()
        .await
        .expect("getAssetDatabases");
    assert_eq!(of_asset.status(), StatusCode::CREATED);
    assert_eq!(
        of_asset.into_inner(),
        vec![Database {
            asset_id: Some(21),
            database_id: Some(1),
            ..Default::default()
        }]
    );
    echo.assert_seen("getAssetDatabases", json!({"id": 21}));

    let create = DatabaseCreateRequest {
        platform_id: 11,
        instance_name: None,
        is_default_instance: Some(true),
        port: 3306,
        version: None,
        template: Some("Server={0};Port={1}".into()),
    };
    let created = api
        .create_asset_database(21, create)
        .send()
        .await
        .expect("createAssetDatabase");
    assert_eq!(created.status(), StatusCode::OK);
    assert_eq!(
        created.into_inner(),
        Database {
            asset_id: Some(21),
            database_id: Some(900),
            platform_id: Some(11),
            is_default_instance: Some(true),
            port: Some(3306),
            template: Some("Server={0};Port={1}".into()),
            ..Default::default()
        }
    );
    echo.assert_seen(
        "createAssetDatabase",
        json!({"id": 21, "body": {
            "PlatformID": 11, "IsDefaultInstance": true, "Port": 3306,
            "Template": "Server={0};Port={1}"
        }}),
    );
}

#[tokio::test]
#[allow(deprecated)] // the spec marks these operations deprecated; they are still served
async fn roundtrip_deprecated_operations() {
    let (echo, client) = echo().await;

    let queued = client
        .imports()
        .deprecated_queue_import_file(DeprecatedQueueImportFileBody {
            details: QueueImportFileDetails {
                workgroup_id: Some(1),
                file_name: Some("assets.xml".into()),
            },
            file: b"<xml/>".to_vec(),
        })
        .send()
        .await
        .expect("deprecatedQueueImportFile");
    assert_eq!(queued.status(), StatusCode::OK);
    assert_eq!(queued.into_inner(), QueuedImport { import_id: Some(6) });
    echo.assert_seen(
        "deprecatedQueueImportFile",
        json!({"body": {
            "Details": {"WorkgroupID": 1, "FileName": "assets.xml"},
            "File": b"<xml/>".to_vec()
        }}),
    );

    // The same operation with a body written by hand from the spec, not by the client.
    let body = import_file_multipart(r#"{"WorkgroupID": 1, "FileName": "assets.xml"}"#, "<xml/>");
    let queued = expect_json!(
        post("/Imports/QueueImportFile")
            .body(Some(MULTIPART), &body)
            .send_to(router(echo.clone()))
            .await,
        200,
        QueuedImport
    );
    assert_eq!(queued, QueuedImport { import_id: Some(6) });
    echo.assert_seen(
        "deprecatedQueueImportFile",
        json!({"body": {
            "Details": {"WorkgroupID": 1, "FileName": "assets.xml"},
            "File": b"<xml/>".to_vec()
        }}),
    );

    let rule = client
        .smart_rules()
        .deprecated_filter_single_account(FilterSingleAccountRequest {
            account_id: 44,
            title: Some("Account 44 only".into()),
        })
        .send()
        .await
        .expect("deprecatedFilterSingleAccount");
    assert_eq!(rule.status(), StatusCode::CREATED);
    assert_eq!(
        rule.into_inner(),
        SmartRule {
            smart_rule_id: Some(44),
            title: Some("Account 44 only".into()),
            ..Default::default()
        }
    );
    echo.assert_seen(
        "deprecatedFilterSingleAccount",
        json!({"body": {"AccountID": 44, "Title": "Account 44 only"}}),
    );

    let group = client
        .user_groups()
        .deprecated_get_user_group_by_name("Domain Admins")
        .send()
        .await
        .expect("deprecatedGetUserGroupByName");
    assert_eq!(
        group.into_inner(),
        DeprecatedUserGroup {
            group_id: Some(5),
            name: Some("Domain Admins".into()),
            group_type: Some("BeyondInsight".into()),
            is_active: Some(true),
            ..Default::default()
        }
    );
    echo.assert_seen(
        "deprecatedGetUserGroupByName",
        json!({"name": "Domain Admins"}),
    );

    let deleted = client
        .user_groups()
        .deprecated_delete_user_group_by_name("Old/Group")
        .send()
        .await
        .expect("deprecatedDeleteUserGroupByName");
    assert_eq!(deleted.status(), StatusCode::OK);
    echo.assert_seen(
        "deprecatedDeleteUserGroupByName",
        json!({"name": "Old/Group"}),
    );

    let workgroup = client
        .workgroups()
        .deprecated_get_workgroup_by_name("Default Workgroup")
        .send()
        .await
        .expect("deprecatedGetWorkgroupByName");
    assert_eq!(
        workgroup.into_inner(),
        DeprecatedWorkgroup {
            organization_id: Some(org()),
            id: Some(1),
            name: Some("Default Workgroup".into()),
        }
    );
    echo.assert_seen(
        "deprecatedGetWorkgroupByName",
        json!({"name": "Default Workgroup"}),
    );
}

#[tokio::test]
async fn roundtrip_entitlements_epm_imports_operating_systems() {
    let (echo, client) = echo().await;

    let entitlements = client
        .entitlements()
        .get_entitlements()
        .group_i_ds(vec![1, 2])
        .send()
        .await
        .expect("getEntitlements");
    let entitlement = |group_id: i32| Entitlement {
        group_id: Some(group_id),
        name: Some(format!("group {group_id}")),
        access_level: Some(None),
        dedicated_to_app_user_id: Some(Some(group_id * 10)),
        ..Default::default()
    };
    assert_eq!(
        entitlements.into_inner(),
        vec![entitlement(1), entitlement(2)]
    );
    echo.assert_seen("getEntitlements", json!({"groupIDs": [1, 2]}));

    let none = client
        .entitlements()
        .get_entitlements()
        .send()
        .await
        .expect("getEntitlements without groups");
    assert_eq!(none.into_inner(), Vec::<Entitlement>::new());
    echo.assert_seen("getEntitlements", json!({"groupIDs": null}));

    let application = EpmApplicationAddRequest {
        group_name: "powershell - Add".into(),
        name: "notepad3.exe".into(),
        path: "C:\\Windows\\System32\\notepad2.exe".into(),
        publisher: "Microsoft".into(),
        children_inherit_token: true,
    };
    let added = client
        .epm_policies()
        .add_epm_policy_application(org(), application)
        .send()
        .await
        .expect("addEpmPolicyApplication");
    let mut expected = serde_json::Map::new();
    expected.insert("PolicyID".into(), json!(ORG));
    expected.insert("Added".into(), json!("notepad3.exe"));
    assert_eq!(added.into_inner(), expected);
    echo.assert_seen(
        "addEpmPolicyApplication",
        json!({"id": ORG, "body": {
            "GroupName": "powershell - Add", "Name": "notepad3.exe",
            "Path": "C:\\Windows\\System32\\notepad2.exe", "Publisher": "Microsoft",
            "ChildrenInheritToken": true
        }}),
    );

    let import = ImportRequest {
        workgroup_id: Some(2),
        import_type: Some(ImportType::Nessus),
        filter: Some("10.0.0.0/24".into()),
        file_name: Some("scan.nessus".into()),
        file_contents: None,
        base64_file_contents: Some(Base64(b"<xml/>\x00\xff".to_vec())),
    };
    let queued = client
        .imports()
        .queue_import(import)
        .send()
        .await
        .expect("queueImport");
    assert_eq!(
        queued.into_inner(),
        QueuedImport {
            import_id: Some(2008)
        }
    );
    echo.assert_seen(
        "queueImport",
        json!({"body": {
            "WorkgroupID": 2, "ImportType": "NESSUS", "Filter": "10.0.0.0/24",
            "FileName": "scan.nessus", "Base64FileContents": "PHhtbC8+AP8="
        }}),
    );

    let systems = client
        .operating_systems()
        .get_operating_systems()
        .send()
        .await
        .expect("getOperatingSystems");
    assert_eq!(
        systems.into_inner(),
        vec![OperatingSystem {
            operating_system_id: Some(1),
            name: Some("Linux".into()),
        }]
    );
    echo.assert_seen("getOperatingSystems", json!({}));
}

#[tokio::test]
async fn roundtrip_organizations_and_permissions() {
    let (echo, client) = echo().await;
    let api = client.organizations();

    let all = api
        .get_organizations()
        .send()
        .await
        .expect("getOrganizations");
    assert_eq!(
        all.into_inner(),
        GetOrganizationsResponseBody::Array(vec![Organization {
            organization_id: Some(org()),
            name: Some("Global".into()),
            is_active: Some(true),
        }])
    );
    echo.assert_seen("getOrganizations", json!({"name": null}));

    let one = api
        .get_organizations()
        .name("Acme + Co")
        .send()
        .await
        .expect("getOrganizations by name");
    assert_eq!(
        one.into_inner(),
        GetOrganizationsResponseBody::Organization(Organization {
            organization_id: Some(org()),
            name: Some("Acme + Co".into()),
            is_active: Some(true),
        })
    );
    echo.assert_seen("getOrganizations", json!({"name": "Acme + Co"}));

    let organization = api
        .get_organization(org())
        .send()
        .await
        .expect("getOrganization");
    assert_eq!(
        organization.into_inner(),
        Organization {
            organization_id: Some(org()),
            name: Some("Acme".into()),
            is_active: Some(false),
        }
    );
    echo.assert_seen("getOrganization", json!({"id": ORG}));

    let permissions = client
        .permissions()
        .get_permissions()
        .send()
        .await
        .expect("getPermissions");
    assert_eq!(
        permissions.into_inner(),
        vec![Permission {
            permission_id: Some(1),
            name: Some("Asset Management".into()),
        }]
    );
    echo.assert_seen("getPermissions", json!({}));
}

#[tokio::test]
async fn roundtrip_smart_rules_and_smart_rule_assets() {
    let (echo, client) = echo().await;

    let assets = client
        .smart_rule_assets()
        .get_smart_rule_assets(6)
        .send()
        .await
        .expect("getSmartRuleAssets");
    assert_eq!(
        assets.into_inner(),
        AssetList::Array(vec![asset(6, "in rule")])
    );
    echo.assert_seen(
        "getSmartRuleAssets",
        json!({"id": 6, "limit": null, "offset": null}),
    );

    let page = client
        .smart_rule_assets()
        .get_smart_rule_assets(6)
        .limit(3)
        .offset(9)
        .send()
        .await
        .expect("getSmartRuleAssets page");
    assert_eq!(
        page.into_inner(),
        AssetList::AssetPage(AssetPage {
            total_count: 12,
            data: vec![asset(6, "in rule")],
        })
    );
    echo.assert_seen(
        "getSmartRuleAssets",
        json!({"id": 6, "limit": 3, "offset": 9}),
    );

    let api = client.smart_rules();
    let all = api
        .get_smart_rules()
        .type_("managed account")
        .send()
        .await
        .expect("getSmartRules");
    assert_eq!(
        all.into_inner(),
        GetSmartRulesResponseBody::Array(vec![smart_rule(2, "managed account")])
    );
    echo.assert_seen(
        "getSmartRules",
        json!({"type": "managed account", "title": null}),
    );

    let by_title = api
        .get_smart_rules()
        .title("All Assets & more")
        .send()
        .await
        .expect("getSmartRules by title");
    assert_eq!(
        by_title.into_inner(),
        GetSmartRulesResponseBody::SmartRule(smart_rule(1, "All Assets & more"))
    );
    echo.assert_seen(
        "getSmartRules",
        json!({"type": null, "title": "All Assets & more"}),
    );

    let one = api.get_smart_rule(6).send().await.expect("getSmartRule");
    assert_eq!(one.into_inner(), smart_rule(6, "by id"));
    echo.assert_seen("getSmartRule", json!({"id": 6}));

    let of_group = api
        .get_user_group_smart_rules(5)
        .access_level(vec![AccessLevelId::Read, AccessLevelId::ReadWrite])
        .send()
        .await
        .expect("getUserGroupSmartRules");
    let expected: Vec<UserGroupSmartRule> = [AccessLevelId::Read, AccessLevelId::ReadWrite]
        .into_iter()
        .map(|level| UserGroupSmartRule {
            smart_rule_id: Some(5),
            title: Some(format!("level {level}")),
            access_level_id: Some(level),
            ..Default::default()
        })
        .collect();
    assert_eq!(of_group.into_inner(), expected);
    echo.assert_seen(
        "getUserGroupSmartRules",
        json!({"id": 5, "accessLevel": [1, 3]}),
    );

    let by_title = api
        .get_organization_smart_rule_by_title(org(), "Servers/Linux")
        .send()
        .await
        .expect("getOrganizationSmartRuleByTitle");
    assert_eq!(by_title.status(), StatusCode::ACCEPTED);
    echo.assert_seen(
        "getOrganizationSmartRuleByTitle",
        json!({"orgID": ORG, "title": "Servers/Linux"}),
    );
}

#[tokio::test]
async fn roundtrip_user_group_permissions() {
    let (echo, client) = echo().await;
    let api = client.user_group_permissions();

    let permissions = api
        .get_user_group_permissions(5)
        .send()
        .await
        .expect("getUserGroupPermissions");
    assert_eq!(
        permissions.into_inner(),
        vec![UserGroupPermission {
            permission_id: Some(5),
            access_level_id: Some(AccessLevelId::None),
        }]
    );
    echo.assert_seen("getUserGroupPermissions", json!({"userGroupId": 5}));

    let set = api
        .set_user_group_permissions(
            5,
            vec![
                UserGroupPermission {
                    permission_id: Some(1),
                    access_level_id: Some(AccessLevelId::ReadWrite),
                },
                UserGroupPermission {
                    permission_id: Some(2),
                    access_level_id: Some(AccessLevelId::None),
                },
            ],
        )
        .send()
        .await
        .expect("setUserGroupPermissions");
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
    echo.assert_seen(
        "setUserGroupPermissions",
        json!({"userGroupId": 5, "body": [
            {"PermissionID": 1, "AccessLevelID": 3},
            {"PermissionID": 2, "AccessLevelID": 0}
        ]}),
    );

    let deleted = api
        .delete_user_group_permissions(5)
        .send()
        .await
        .expect("deleteUserGroupPermissions");
    assert_eq!(deleted.status(), StatusCode::OK);
    echo.assert_seen("deleteUserGroupPermissions", json!({"userGroupId": 5}));
}

#[tokio::test]
async fn roundtrip_against_the_mock_and_rejections_reach_the_client() {
    let client = serve(Mock::default()).await;

    let levels = client
        .access_levels()
        .list_access_levels()
        .send()
        .await
        .expect("listAccessLevels");
    assert_eq!(levels.into_inner(), Vec::<AccessLevel>::new());

    let key = client
        .api_registrations()
        .rotate_api_registration_key(3)
        .send()
        .await
        .expect("rotateApiRegistrationKey");
    assert_eq!(key.status(), StatusCode::CREATED);
    assert_eq!(key.into_inner(), "example");

    // The server's validation answers the client with a typed error status and JSON body.
    let error = client
        .assets()
        .create_workgroup_asset(
            "Default",
            AssetCreateRequest {
                ip_address: "1".repeat(46),
                asset_name: None,
                dns_name: None,
                domain_name: None,
                mac_address: None,
                asset_type: None,
                description: None,
                operating_system: None,
            },
        )
        .send()
        .await
        .expect_err("IPAddress longer than 45 characters");
    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
    let body = error.body().expect("JSON error body");
    assert_eq!(body["error"]["field"], "body.IPAddress");
    assert_eq!(body["error"]["rule"], "maxLength");

    // Without credentials the client sends none and gets the server's 401.
    let anonymous = Client::builder()
        .base_url(client.base_url())
        .build()
        .expect("client builds");
    let error = anonymous
        .permissions()
        .get_permissions()
        .send()
        .await
        .expect_err("no credentials");
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(
        error.body().expect("JSON error body")["error"]["rule"],
        "security"
    );
}
