//! End-to-end tests of the generated BeyondInsight / Password Safe client (`beyondinsight-api`)
//! against a recording HTTP server on 127.0.0.1: every operation (66), what goes on the wire
//! (method, percent-encoded path below the spec's base path, query, the `PS-Auth`
//! `Authorization` header, JSON or multipart bodies) and what comes back (typed bodies decoded
//! from canned responses shaped like the spec's schemas, error statuses, undecodable bodies).

use beyondinsight_api::client::StatusCode;
use beyondinsight_api::support::Base64;
use beyondinsight_api::*;
use forge_e2e::{MockServer, Recorded};
use serde_json::{json, Value};

/// The spec's base path (`https://{host}/BeyondTrust/api/public/v3`): the client is pointed at
/// the mock server with it, so every recorded path starts with it.
const BASE: &str = "/BeyondTrust/api/public/v3";

/// The configured `PSAuth` API key: the whole `Authorization` header value.
const PS_AUTH: &str = "PS-Auth key=c479a66f-7c11-4e44-9ab6-1ad0d5f9a1b7; runas=jdoe; pwd=[s3cr3t];";

/// An organization / Smart Rule owner ID (`format: uuid` in the spec).
const ORG: &str = "8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b";

/// A Workgroup name that needs percent-encoding in a path segment (space and slash).
const WORKGROUP: &str = "My Group/1";
const WORKGROUP_ENCODED: &str = "My%20Group%2F1";

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(format!("{}{BASE}", server.url()))
        .ps_auth(PS_AUTH)
        .build()
        .expect("client builds");
    (server, client)
}

fn org() -> uuid::Uuid {
    ORG.parse().expect("valid uuid")
}

/// Method, path (below the base path, as sent: percent-encoded), decoded query pairs in order
/// (no query string at all when none is expected) and the `PS-Auth` `Authorization` header.
#[track_caller]
fn assert_call(req: &Recorded, method: &str, path: &str, query: &[(&str, &str)]) {
    assert_eq!(req.method, method, "method");
    assert_eq!(req.path, format!("{BASE}{path}"), "path");
    let expected: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(req.query_pairs(), expected, "query of {:?}", req.query);
    if query.is_empty() {
        assert_eq!(req.query, None, "no query string expected");
    }
    assert_eq!(req.header("authorization"), PS_AUTH, "Authorization header");
    assert_eq!(req.header("user-agent"), "beyondinsight-api/rust");
}

/// A request without a body.
#[track_caller]
fn assert_no_body(req: &Recorded) {
    assert!(req.body.is_empty(), "unexpected body {:?}", req.body);
    assert_eq!(
        req.header("content-type"),
        "",
        "no content type without a body"
    );
}

/// A JSON request body, compared as JSON.
#[track_caller]
fn assert_json_body(req: &Recorded, expected: Value) {
    assert_eq!(req.header("content-type"), "application/json");
    assert_eq!(req.json(), expected);
}

/// Queues an empty `200` (the answer of the operations whose success has no body).
fn respond_empty(server: &MockServer, status: u16) {
    server.respond(status, "application/json", "");
}

/// A canned `Asset` (every property of the spec's schema).
fn asset_json(id: i32, name: &str) -> Value {
    json!({
        "WorkgroupID": 3,
        "AssetID": id,
        "AssetName": name,
        "DnsName": format!("{name}.corp.example"),
        "DomainName": "corp.example",
        "IPAddress": format!("10.0.0.{id}"),
        "MacAddress": "00-11-22-33-44-55",
        "AssetType": "Server",
        "Description": "Web server",
        "OperatingSystem": "Windows Server 2022",
        "CreateDate": "2024-03-01T12:00:00Z",
        "LastUpdateDate": "2024-03-02T08:30:00Z"
    })
}

/// A canned `SmartRule` (every property of the spec's schema).
fn smart_rule_json(id: i32, title: &str) -> Value {
    json!({
        "SmartRuleID": id,
        "OrganizationID": ORG,
        "Title": title,
        "Description": "Servers of the web tier",
        "Category": "Assets and Devices",
        "Status": 1,
        "LastProcessedDate": "2024-05-06T07:08:09Z",
        "IsReadOnly": false,
        "RuleType": "Asset"
    })
}

/// A canned `Database` (every property of the spec's schema).
fn database_json(id: i32) -> Value {
    json!({
        "AssetID": 10,
        "DatabaseID": id,
        "PlatformID": 10,
        "InstanceName": "SQL01",
        "IsDefaultInstance": false,
        "Port": 1433,
        "Version": "2019",
        "Template": "default"
    })
}

/// A canned `AttributeDefinition` (an `Attribute` with `ChildAttributes`).
fn attribute_definition_json(id: i32) -> Value {
    json!({
        "AttributeID": id,
        "AttributeTypeID": 1,
        "ParentAttributeID": null,
        "ShortName": "Prod",
        "LongName": "Production",
        "Description": "Production systems",
        "ValueInt": 5,
        "IsReadOnly": false,
        "ChildAttributes": [{
            "AttributeID": id + 1,
            "AttributeTypeID": 1,
            "ParentAttributeID": id,
            "ShortName": "Prod-EU",
            "LongName": "Production EU",
            "Description": "",
            "ValueInt": null,
            "IsReadOnly": true
        }]
    })
}

/// A canned `ApiRegistration` (every property of the spec's schema).
fn api_registration_json(id: i32, kind: &str) -> Value {
    json!({
        "Id": id,
        "Name": "ci-pipeline",
        "RegistrationType": kind,
        "AccessTokenDuration": 60,
        "Active": true,
        "Visible": true,
        "MultiFactorAuthenticationEnforced": false,
        "ClientCertificateRequired": false,
        "UserPasswordRequired": true,
        "VerifyPsrunSignature": false,
        "IPAuthenticationRules": [{
            "Id": 31, "Type": "IpAddress", "Value": "10.0.0.0/8",
            "Description": "corporate network", "CreatedDate": "2024-01-15"
        }],
        "PSRUNRules": [{
            "Id": 32, "IPAddress": "10.1.1.1", "MacAddress": "AA-BB-CC-DD-EE-FF",
            "SystemName": "build01", "FQDN": "build01.corp.example", "DomainName": "corp.example",
            "UserId": "svc-build", "RootVolumeId": "vol-1", "OSVersion": "10.0",
            "CreatedDate": "2024-01-16"
        }],
        "XForwardedForAuthenticationRules": []
    })
}

// ---------------------------------------------------------------------------------------------
// Access Levels (2 operations)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn access_levels() {
    let (server, client) = setup().await;

    // listAccessLevels
    server.respond_json(
        200,
        json!([
            { "AccessLevelID": 0, "Name": "None" },
            { "AccessLevelID": 1, "Name": "Read" },
            { "AccessLevelID": 3, "Name": "Read/Write" }
        ]),
    );
    let levels = client
        .access_levels()
        .list_access_levels()
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "GET", "/AccessLevels", &[]);
    assert_no_body(&req);
    assert_eq!(levels.status(), StatusCode::OK);
    let levels = levels.into_inner();
    assert_eq!(levels.len(), 3);
    assert_eq!(levels[0].access_level_id, Some(AccessLevelId::None));
    assert_eq!(levels[2].access_level_id, Some(AccessLevelId::ReadWrite));
    assert_eq!(levels[2].name.as_deref(), Some("Read/Write"));

    // setUserGroupSmartRuleAccessLevel
    respond_empty(&server, 200);
    let done = client
        .access_levels()
        .set_user_group_smart_rule_access_level(
            7,
            42,
            SmartRuleAccessLevelRequest {
                access_level_id: Some(AccessLevelId::ReadWrite),
            },
        )
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(
        &req,
        "POST",
        "/UserGroups/7/SmartRules/42/AccessLevels",
        &[],
    );
    assert_json_body(&req, json!({ "AccessLevelID": 3 }));
    assert_eq!(done.status(), StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// Address Groups (12 operations)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn address_groups() {
    let (server, client) = setup().await;
    let groups = client.address_groups();

    // listOrganizationAddressGroups: OrganizationID is nullable (null -> Some(None)).
    server.respond_json(
        200,
        json!([
            { "AddressGroupID": 5, "Name": "Branch", "OrganizationID": ORG },
            { "AddressGroupID": 6, "Name": "Lab", "OrganizationID": null }
        ]),
    );
    let list = groups
        .list_organization_address_groups(org())
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(
        &req,
        "GET",
        &format!("/Organizations/{ORG}/AddressGroups"),
        &[],
    );
    assert_no_body(&req);
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].address_group_id, Some(5));
    assert_eq!(list[0].organization_id, Some(Some(org())));
    assert_eq!(list[1].name.as_deref(), Some("Lab"));
    assert_eq!(list[1].organization_id, Some(None));

    // listAddressGroups without `name`: the array variant.
    server.respond_json(
        200,
        json!([{ "AddressGroupID": 5, "Name": "Branch", "OrganizationID": ORG }]),
    );
    let body = groups
        .list_address_groups()
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "GET", "/AddressGroups", &[]);
    assert_no_body(&req);
    match body {
        ListAddressGroupsResponseBody::Array(items) => {
            assert_eq!(items.len(), 1);
            assert_eq!(items[0].name.as_deref(), Some("Branch"));
        }
        other => panic!("expected the array variant, got {other:?}"),
    }

    // listAddressGroups with `name`: the single-object variant.
    server.respond_json(200, json!({ "AddressGroupID": 5, "Name": "Branch Office" }));
    let body = groups
        .list_address_groups()
        .name("Branch Office")
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "GET", "/AddressGroups", &[("name", "Branch Office")]);
    assert_eq!(req.query.as_deref(), Some("name=Branch%20Office"));
    assert_no_body(&req);
    match body {
        ListAddressGroupsResponseBody::AddressGroup(group) => {
            assert_eq!(group.address_group_id, Some(5));
            assert_eq!(group.organization_id, None);
        }
        other => panic!("expected the single-object variant, got {other:?}"),
    }

    // createAddressGroup: the request shape has no read-only fields.
    server.respond_json(
        201,
        json!({ "AddressGroupID": 8, "Name": "DMZ", "OrganizationID": ORG }),
    );
    let created = groups
        .create_address_group(AddressGroupInput {
            name: Some("DMZ".into()),
        })
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "POST", "/AddressGroups", &[]);
    assert_json_body(&req, json!({ "Name": "DMZ" }));
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.address_group_id, Some(8));

    // listAddressGroupAddresses
    server.respond_json(
        200,
        json!([{
            "AddressID": 11, "AddressGroupID": 5, "Omit": false, "Type": 3,
            "Value": "10.0.0.0/24", "LastUpdatedDate": "2024-03-01T12:00:00Z"
        }]),
    );
    let addresses = groups
        .list_address_group_addresses(5)
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "GET", "/AddressGroups/5/Addresses", &[]);
    assert_no_body(&req);
    assert_eq!(addresses.len(), 1);
    assert_eq!(addresses[0].address_id, Some(11));
    assert_eq!(addresses[0].type_, Some(AddressType::CidrNotation));
    assert_eq!(addresses[0].value.as_deref(), Some("10.0.0.0/24"));
    assert_eq!(
        addresses[0]
            .last_updated_date
            .map(|d| d.to_rfc3339())
            .as_deref(),
        Some("2024-03-01T12:00:00+00:00")
    );

    // createAddressGroupAddress
    server.respond_json(
        201,
        json!({ "AddressID": 12, "AddressGroupID": 5, "Omit": false, "Type": 1, "Value": "10.0.0.1" }),
    );
    let address = groups
        .create_address_group_address(
            5,
            AddressInput {
                omit: Some(false),
                type_: Some(AddressType::SingleIpAddress),
                value: Some("10.0.0.1".into()),
            },
        )
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "POST", "/AddressGroups/5/Addresses", &[]);
    assert_json_body(
        &req,
        json!({ "Omit": false, "Type": 1, "Value": "10.0.0.1" }),
    );
    assert_eq!(address.status(), StatusCode::CREATED);
    assert_eq!(address.address_id, Some(12));
    assert_eq!(address.type_, Some(AddressType::SingleIpAddress));

    // deleteAddressGroupAddresses
    respond_empty(&server, 200);
    let done = groups
        .delete_address_group_addresses(5)
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "DELETE", "/AddressGroups/5/Addresses", &[]);
    assert_no_body(&req);
    assert_eq!(done.status(), StatusCode::OK);

    // getAddressGroupById
    server.respond_json(200, json!({ "AddressGroupID": 5, "Name": "Branch" }));
    let group = groups.get_address_group_by_id(5).send().await.unwrap();
    let req = server.single();
    assert_call(&req, "GET", "/AddressGroups/5", &[]);
    assert_no_body(&req);
    assert_eq!(group.name.as_deref(), Some("Branch"));

    // updateAddressGroup
    server.respond_json(
        200,
        json!({ "AddressGroupID": 5, "Name": "Branch (renamed)" }),
    );
    let group = groups
        .update_address_group(
            5,
            AddressGroupInput {
                name: Some("Branch (renamed)".into()),
            },
        )
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "PUT", "/AddressGroups/5", &[]);
    assert_json_body(&req, json!({ "Name": "Branch (renamed)" }));
    assert_eq!(group.name.as_deref(), Some("Branch (renamed)"));

    // deleteAddressGroup
    respond_empty(&server, 200);
    let done = groups.delete_address_group(5).send().await.unwrap();
    let req = server.single();
    assert_call(&req, "DELETE", "/AddressGroups/5", &[]);
    assert_no_body(&req);
    assert_eq!(done.status(), StatusCode::OK);

    // getAddressById
    server.respond_json(
        200,
        json!({ "AddressID": 11, "AddressGroupID": 5, "Omit": true, "Type": 4, "Value": "web01.corp.example" }),
    );
    let address = groups.get_address_by_id(11).send().await.unwrap();
    let req = server.single();
    assert_call(&req, "GET", "/Addresses/11", &[]);
    assert_no_body(&req);
    assert_eq!(address.omit, Some(true));
    assert_eq!(address.type_, Some(AddressType::NamedHost));

    // updateAddressById
    server.respond_json(
        200,
        json!({ "AddressID": 11, "AddressGroupID": 5, "Omit": false, "Type": 2, "Value": "10.0.0.1-10.0.0.25" }),
    );
    let address = groups
        .update_address_by_id(
            11,
            AddressInput {
                omit: Some(false),
                type_: Some(AddressType::IpAddressRange),
                value: Some("10.0.0.1-10.0.0.25".into()),
            },
        )
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "PUT", "/Addresses/11", &[]);
    assert_json_body(
        &req,
        json!({ "Omit": false, "Type": 2, "Value": "10.0.0.1-10.0.0.25" }),
    );
    assert_eq!(address.type_, Some(AddressType::IpAddressRange));
    assert_eq!(address.value.as_deref(), Some("10.0.0.1-10.0.0.25"));

    // deleteAddressById
    respond_empty(&server, 200);
    let done = groups.delete_address_by_id(11).send().await.unwrap();
    let req = server.single();
    assert_call(&req, "DELETE", "/Addresses/11", &[]);
    assert_no_body(&req);
    assert_eq!(done.status(), StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// API Registrations (7 operations)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn api_registrations() {
    let (server, client) = setup().await;
    let registrations = client.api_registrations();

    // listApiRegistrations
    server.respond_json(200, json!([api_registration_json(1, "ApiKeyPolicy")]));
    let list = registrations
        .list_api_registrations()
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "GET", "/ApiRegistrations", &[]);
    assert_no_body(&req);
    assert_eq!(list.len(), 1);
    let first = &list[0];
    assert_eq!(first.id, Some(1));
    assert_eq!(
        first.registration_type,
        Some(ApiRegistrationType::ApiKeyPolicy)
    );
    assert_eq!(first.user_password_required, Some(true));
    let ip_rules = first.ip_authentication_rules.as_ref().unwrap();
    assert_eq!(ip_rules[0].value.as_deref(), Some("10.0.0.0/8"));
    assert_eq!(
        ip_rules[0].created_date.map(|d| d.to_string()).as_deref(),
        Some("2024-01-15")
    );
    let psrun = first.psrun_rules.as_ref().unwrap();
    assert_eq!(psrun[0].fqdn.as_deref(), Some("build01.corp.example"));
    assert_eq!(first.x_forwarded_for_authentication_rules, Some(vec![]));

    // createApiRegistration: the ApiKeyPolicy variant (RegistrationType selects it).
    server.respond_json(200, api_registration_json(2, "ApiKeyPolicy"));
    let created = registrations
        .create_api_registration(
            ApiRegistrationRequestInput::ApiKeyPolicyRegistrationRequest(
                ApiKeyPolicyRegistrationRequestInput {
                    name: Some("ci-pipeline".into()),
                    registration_type:
                        ApiKeyPolicyRegistrationRequestRegistrationType::ApiKeyPolicy,
                    active: Some(true),
                    visible: Some(true),
                    multi_factor_authentication_enforced: Some(false),
                    client_certificate_required: None,
                    user_password_required: Some(true),
                    verify_psrun_signature: None,
                    ip_authentication_rules: Some(vec![ApiRegistrationAuthenticationRuleInput {
                        type_: Some("IpAddress".into()),
                        value: Some("10.0.0.0/8".into()),
                        description: Some("corporate network".into()),
                    }]),
                    psrun_rules: Some(vec![ApiRegistrationPsrunRuleInput {
                        system_name: Some("build01".into()),
                        os_version: Some("10.0".into()),
                        ..Default::default()
                    }]),
                    x_forwarded_for_authentication_rules: None,
                },
            ),
        )
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "POST", "/ApiRegistrations", &[]);
    assert_json_body(
        &req,
        json!({
            "Name": "ci-pipeline",
            "RegistrationType": "ApiKeyPolicy",
            "Active": true,
            "Visible": true,
            "MultiFactorAuthenticationEnforced": false,
            "UserPasswordRequired": true,
            "IPAuthenticationRules": [
                { "Type": "IpAddress", "Value": "10.0.0.0/8", "Description": "corporate network" }
            ],
            "PSRUNRules": [{ "SystemName": "build01", "OSVersion": "10.0" }]
        }),
    );
    assert_eq!(created.status(), StatusCode::OK);
    assert_eq!(created.id, Some(2));

    // getApiRegistrationById
    server.respond_json(200, api_registration_json(2, "ApiAccessPolicy"));
    let one = registrations
        .get_api_registration_by_id(2)
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "GET", "/ApiRegistrations/2", &[]);
    assert_no_body(&req);
    assert_eq!(
        one.registration_type,
        Some(ApiRegistrationType::ApiAccessPolicy)
    );
    assert_eq!(one.access_token_duration, Some(60));

    // updateApiRegistration: the ApiAccessPolicy variant.
    server.respond_json(200, api_registration_json(2, "ApiAccessPolicy"));
    let updated = registrations
        .update_api_registration(
            2,
            ApiRegistrationRequestInput::ApiAccessPolicyRegistrationRequest(
                ApiAccessPolicyRegistrationRequestInput {
                    name: Some("ci-pipeline".into()),
                    registration_type:
                        ApiAccessPolicyRegistrationRequestRegistrationType::ApiAccessPolicy,
                    access_token_duration: Some(90),
                    active: Some(false),
                    visible: None,
                    client_certificate_required: Some(true),
                    ip_authentication_rules: None,
                    x_forwarded_for_authentication_rules: Some(vec![
                        ApiRegistrationAuthenticationRuleInput {
                            type_: Some("XForwardedFor".into()),
                            value: Some("192.168.0.0/16".into()),
                            description: None,
                        },
                    ]),
                },
            ),
        )
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "PUT", "/ApiRegistrations/2", &[]);
    assert_json_body(
        &req,
        json!({
            "Name": "ci-pipeline",
            "RegistrationType": "ApiAccessPolicy",
            "AccessTokenDuration": 90,
            "Active": false,
            "ClientCertificateRequired": true,
            "XForwardedForAuthenticationRules": [{ "Type": "XForwardedFor", "Value": "192.168.0.0/16" }]
        }),
    );
    assert_eq!(updated.name.as_deref(), Some("ci-pipeline"));

    // deleteApiRegistration
    respond_empty(&server, 200);
    let done = registrations
        .delete_api_registration(2)
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "DELETE", "/ApiRegistrations/2", &[]);
    assert_no_body(&req);
    assert_eq!(done.status(), StatusCode::OK);

    // rotateApiRegistrationKey: a POST without a body; the key is a JSON string.
    server.respond_json(201, json!("0f1e2d3c-new-key"));
    let key = registrations
        .rotate_api_registration_key(1)
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "POST", "/ApiRegistrations/1/Rotate", &[]);
    assert_no_body(&req);
    assert_eq!(key.status(), StatusCode::CREATED);
    assert_eq!(key.into_inner().as_str(), "0f1e2d3c-new-key");

    // getApiRegistrationKey
    server.respond_json(200, json!("9a8b7c6d-current-key"));
    let key = registrations
        .get_api_registration_key(1)
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "GET", "/ApiRegistrations/1/Key", &[]);
    assert_no_body(&req);
    // The key is a secret: `Debug` of the response never shows it.
    let shown = format!("{key:?}");
    assert!(!shown.contains("9a8b7c6d"), "{shown}");
    assert_eq!(key.into_inner().as_str(), "9a8b7c6d-current-key");
}

// ---------------------------------------------------------------------------------------------
// Asset Attributes (4 operations)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn asset_attributes() {
    let (server, client) = setup().await;
    let attributes = client.asset_attributes();

    // getAssetAttributes: nullable ParentAttributeID / ValueInt.
    server.respond_json(
        200,
        json!([{
            "AttributeID": 2, "AttributeTypeID": 1, "ParentAttributeID": null,
            "ShortName": "Prod", "LongName": "Production", "Description": "",
            "ValueInt": null, "IsReadOnly": false
        }]),
    );
    let list = attributes
        .get_asset_attributes(10)
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "GET", "/Assets/10/Attributes", &[]);
    assert_no_body(&req);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].attribute_id, Some(2));
    assert_eq!(list[0].parent_attribute_id, Some(None));
    assert_eq!(list[0].value_int, Some(None));
    assert_eq!(list[0].long_name.as_deref(), Some("Production"));

    // deleteAssetAttributes
    respond_empty(&server, 200);
    let done = attributes.delete_asset_attributes(10).send().await.unwrap();
    let req = server.single();
    assert_call(&req, "DELETE", "/Assets/10/Attributes", &[]);
    assert_no_body(&req);
    assert_eq!(done.status(), StatusCode::OK);

    // assignAssetAttribute: a POST without a body.
    server.respond_json(
        201,
        json!({ "AttributeID": 2, "AttributeTypeID": 1, "ParentAttributeID": 1, "ShortName": "Prod", "ValueInt": 7 }),
    );
    let assigned = attributes
        .assign_asset_attribute(10, 2)
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "POST", "/Assets/10/Attributes/2", &[]);
    assert_no_body(&req);
    assert_eq!(assigned.status(), StatusCode::CREATED);
    assert_eq!(assigned.parent_attribute_id, Some(Some(1)));
    assert_eq!(assigned.value_int, Some(Some(7)));

    // deleteAssetAttribute
    respond_empty(&server, 200);
    let done = attributes
        .delete_asset_attribute(10, 2)
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "DELETE", "/Assets/10/Attributes/2", &[]);
    assert_no_body(&req);
    assert_eq!(done.status(), StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// Assets (7 operations)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn assets() {
    let (server, client) = setup().await;
    let assets = client.assets();

    // getAssetById
    server.respond_json(200, asset_json(10, "web01"));
    let asset = assets.get_asset_by_id(10).send().await.unwrap();
    let req = server.single();
    assert_call(&req, "GET", "/Assets/10", &[]);
    assert_no_body(&req);
    assert_eq!(asset.asset_id, Some(10));
    assert_eq!(asset.workgroup_id, Some(3));
    assert_eq!(asset.ip_address.as_deref(), Some("10.0.0.10"));
    assert_eq!(asset.description.as_deref(), Some("Web server"));
    assert_eq!(
        asset.create_date.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-03-01T12:00:00+00:00")
    );
    assert_eq!(
        asset.last_update_date.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-03-02T08:30:00+00:00")
    );

    // updateAssetById: every required field is sent.
    server.respond_json(200, asset_json(10, "web01"));
    let updated = assets
        .update_asset_by_id(
            10,
            AssetUpdateRequest {
                workgroup_id: 3,
                asset_name: "web01".into(),
                dns_name: "web01.corp.example".into(),
                domain_name: "corp.example".into(),
                ip_address: "10.0.0.10".into(),
                mac_address: "00-11-22-33-44-55".into(),
                asset_type: "Server".into(),
                description: None,
                operating_system: String::new(),
            },
        )
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "PUT", "/Assets/10", &[]);
    assert_json_body(
        &req,
        json!({
            "WorkgroupID": 3,
            "AssetName": "web01",
            "DnsName": "web01.corp.example",
            "DomainName": "corp.example",
            "IPAddress": "10.0.0.10",
            "MacAddress": "00-11-22-33-44-55",
            "AssetType": "Server",
            "OperatingSystem": ""
        }),
    );
    assert_eq!(updated.asset_name.as_deref(), Some("web01"));

    // deleteAssetById
    respond_empty(&server, 200);
    let done = assets.delete_asset_by_id(10).send().await.unwrap();
    let req = server.single();
    assert_call(&req, "DELETE", "/Assets/10", &[]);
    assert_no_body(&req);
    assert_eq!(done.status(), StatusCode::OK);

    // listWorkgroupAssets by Workgroup name (percent-encoded), no options: the array variant.
    server.respond_json(
        200,
        json!([asset_json(10, "web01"), asset_json(11, "web02")]),
    );
    let body = assets
        .list_workgroup_assets(WORKGROUP)
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(
        &req,
        "GET",
        &format!("/Workgroups/{WORKGROUP_ENCODED}/Assets"),
        &[],
    );
    assert_no_body(&req);
    match body {
        ListWorkgroupAssetsResponseBody::Array(items) => {
            assert_eq!(items.len(), 2);
            assert_eq!(items[1].asset_name.as_deref(), Some("web02"));
        }
        other => panic!("expected the array variant, got {other:?}"),
    }

    // listWorkgroupAssets with `name`: the single-asset variant.
    server.respond_json(200, asset_json(12, "web 03"));
    let body = assets
        .list_workgroup_assets(WORKGROUP)
        .name("web 03")
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(
        &req,
        "GET",
        &format!("/Workgroups/{WORKGROUP_ENCODED}/Assets"),
        &[("name", "web 03")],
    );
    assert_no_body(&req);
    match body {
        ListWorkgroupAssetsResponseBody::Asset(asset) => assert_eq!(asset.asset_id, Some(12)),
        other => panic!("expected the single-asset variant, got {other:?}"),
    }

    // listWorkgroupAssets by Workgroup ID with `limit`/`offset`: the page variant.
    server.respond_json(
        200,
        json!({ "TotalCount": 7, "Data": [asset_json(13, "db01")] }),
    );
    let body = assets
        .list_workgroup_assets("3")
        .limit(1)
        .offset(2)
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(
        &req,
        "GET",
        "/Workgroups/3/Assets",
        &[("limit", "1"), ("offset", "2")],
    );
    assert_no_body(&req);
    match body {
        ListWorkgroupAssetsResponseBody::AssetPage(page) => {
            assert_eq!(page.total_count, 7);
            assert_eq!(page.data.len(), 1);
            assert_eq!(page.data[0].asset_name.as_deref(), Some("db01"));
        }
        other => panic!("expected the page variant, got {other:?}"),
    }

    // createWorkgroupAsset (Workgroup by name, percent-encoded)
    server.respond_json(201, asset_json(14, "app01"));
    let created = assets
        .create_workgroup_asset(
            WORKGROUP,
            AssetCreateRequest {
                ip_address: "10.0.0.14".into(),
                asset_name: Some("app01".into()),
                dns_name: None,
                domain_name: Some("corp.example".into()),
                mac_address: None,
                asset_type: Some("Server".into()),
                description: Some("Application server".into()),
                operating_system: Some("Ubuntu 22.04".into()),
            },
        )
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(
        &req,
        "POST",
        &format!("/Workgroups/{WORKGROUP_ENCODED}/Assets"),
        &[],
    );
    assert_json_body(
        &req,
        json!({
            "IPAddress": "10.0.0.14",
            "AssetName": "app01",
            "DomainName": "corp.example",
            "AssetType": "Server",
            "Description": "Application server",
            "OperatingSystem": "Ubuntu 22.04"
        }),
    );
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.asset_id, Some(14));

    // deleteWorkgroupAssetByName: required `name` query parameter.
    respond_empty(&server, 200);
    let done = assets
        .delete_workgroup_asset_by_name(WORKGROUP, "app 01&old")
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(
        &req,
        "DELETE",
        &format!("/Workgroups/{WORKGROUP_ENCODED}/Assets"),
        &[("name", "app 01&old")],
    );
    assert_eq!(req.query.as_deref(), Some("name=app%2001%26old"));
    assert_no_body(&req);
    assert_eq!(done.status(), StatusCode::OK);

    // searchAssets without `limit`: the array variant.
    server.respond_json(200, json!([asset_json(10, "web01")]));
    let found = assets
        .search_assets(AssetSearchRequest {
            ip_address: Some("10.0.0.0/24".into()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "POST", "/Assets/Search", &[]);
    assert_json_body(&req, json!({ "IPAddress": "10.0.0.0/24" }));
    match found {
        AssetList::Array(items) => assert_eq!(items[0].asset_id, Some(10)),
        other => panic!("expected the array variant, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Attribute Types (4 operations) and Attributes (4 operations)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn attribute_types() {
    let (server, client) = setup().await;
    let types = client.attribute_types();

    // getAttributeTypes
    server.respond_json(
        200,
        json!([
            { "AttributeTypeID": 1, "Name": "Environment", "IsReadOnly": false },
            { "AttributeTypeID": 2, "Name": "Criticality", "IsReadOnly": true }
        ]),
    );
    let list = types
        .get_attribute_types()
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "GET", "/AttributeTypes", &[]);
    assert_no_body(&req);
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].name.as_deref(), Some("Criticality"));
    assert_eq!(list[1].is_read_only, Some(true));

    // createAttributeType
    server.respond_json(
        201,
        json!({ "AttributeTypeID": 3, "Name": "Owner", "IsReadOnly": false }),
    );
    let created = types
        .create_attribute_type(AttributeTypeCreateRequest {
            name: Some("Owner".into()),
        })
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "POST", "/AttributeTypes", &[]);
    assert_json_body(&req, json!({ "Name": "Owner" }));
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.attribute_type_id, Some(3));

    // getAttributeType
    server.respond_json(
        200,
        json!({ "AttributeTypeID": 3, "Name": "Owner", "IsReadOnly": false }),
    );
    let one = types.get_attribute_type(3).send().await.unwrap();
    let req = server.single();
    assert_call(&req, "GET", "/AttributeTypes/3", &[]);
    assert_no_body(&req);
    assert_eq!(one.name.as_deref(), Some("Owner"));

    // deleteAttributeType
    respond_empty(&server, 200);
    let done = types.delete_attribute_type(3).send().await.unwrap();
    let req = server.single();
    assert_call(&req, "DELETE", "/AttributeTypes/3", &[]);
    assert_no_body(&req);
    assert_eq!(done.status(), StatusCode::OK);
}

#[tokio::test]
async fn attributes() {
    let (server, client) = setup().await;
    let attributes = client.attributes();

    // getAttributesByAttributeType
    server.respond_json(200, json!([attribute_definition_json(20)]));
    let list = attributes
        .get_attributes_by_attribute_type(1)
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "GET", "/AttributeTypes/1/Attributes", &[]);
    assert_no_body(&req);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].attribute_id, Some(20));
    assert_eq!(list[0].value_int, Some(Some(5)));
    let children = list[0].child_attributes.as_ref().unwrap();
    assert_eq!(children[0].parent_attribute_id, Some(Some(20)));
    assert_eq!(children[0].is_read_only, Some(true));

    // createAttribute: an explicit null ParentAttributeID is sent as null.
    server.respond_json(201, attribute_definition_json(22));
    let created = attributes
        .create_attribute(
            1,
            AttributeCreateRequest {
                parent_attribute_id: Some(None),
                short_name: Some("Prod".into()),
                long_name: Some("Production".into()),
                description: Some("Production systems".into()),
                value_int: Some(Some(5)),
            },
        )
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "POST", "/AttributeTypes/1/Attributes", &[]);
    assert_json_body(
        &req,
        json!({
            "ParentAttributeID": null,
            "ShortName": "Prod",
            "LongName": "Production",
            "Description": "Production systems",
            "ValueInt": 5
        }),
    );
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.attribute_id, Some(22));

    // getAttribute
    server.respond_json(200, attribute_definition_json(22));
    let one = attributes.get_attribute(22).send().await.unwrap();
    let req = server.single();
    assert_call(&req, "GET", "/Attributes/22", &[]);
    assert_no_body(&req);
    assert_eq!(one.short_name.as_deref(), Some("Prod"));
    assert_eq!(one.parent_attribute_id, Some(None));

    // deleteAttribute
    respond_empty(&server, 200);
    let done = attributes.delete_attribute(22).send().await.unwrap();
    let req = server.single();
    assert_call(&req, "DELETE", "/Attributes/22", &[]);
    assert_no_body(&req);
    assert_eq!(done.status(), StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// Databases (6 operations; the spec documents 201 for the GETs and 200 for the create)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn databases() {
    let (server, client) = setup().await;
    let databases = client.databases();

    // getDatabases (201, as documented)
    server.respond_json(201, json!([database_json(40), database_json(41)]));
    let list = databases.get_databases().send().await.unwrap();
    let req = server.single();
    assert_call(&req, "GET", "/Databases", &[]);
    assert_no_body(&req);
    assert_eq!(list.status(), StatusCode::CREATED);
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].database_id, Some(41));

    // getDatabase (201, as documented)
    server.respond_json(201, database_json(40));
    let one = databases.get_database(40).send().await.unwrap();
    let req = server.single();
    assert_call(&req, "GET", "/Databases/40", &[]);
    assert_no_body(&req);
    assert_eq!(one.port, Some(1433));
    assert_eq!(one.instance_name.as_deref(), Some("SQL01"));

    // updateDatabase
    server.respond_json(200, database_json(40));
    let updated = databases
        .update_database(
            40,
            DatabaseUpdateRequest {
                platform_id: 10,
                instance_name: Some("SQL01".into()),
                is_default_instance: Some(false),
                port: Some(1434),
                version: None,
                template: Some("default".into()),
            },
        )
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "PUT", "/Databases/40", &[]);
    assert_json_body(
        &req,
        json!({
            "PlatformID": 10,
            "InstanceName": "SQL01",
            "IsDefaultInstance": false,
            "Port": 1434,
            "Template": "default"
        }),
    );
    assert_eq!(updated.version.as_deref(), Some("2019"));

    // deleteDatabase
    respond_empty(&server, 200);
    let done = databases.delete_database(40).send().await.unwrap();
    let req = server.single();
    assert_call(&req, "DELETE", "/Databases/40", &[]);
    assert_no_body(&req);
    assert_eq!(done.status(), StatusCode::OK);

    // getAssetDatabases (201, as documented)
    server.respond_json(201, json!([database_json(42)]));
    let list = databases
        .get_asset_databases(10)
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "GET", "/Assets/10/Databases", &[]);
    assert_no_body(&req);
    assert_eq!(list[0].asset_id, Some(10));
    assert_eq!(list[0].database_id, Some(42));

    // createAssetDatabase (200, as documented)
    server.respond_json(200, database_json(43));
    let created = databases
        .create_asset_database(
            10,
            DatabaseCreateRequest {
                platform_id: 10,
                instance_name: Some("SQL02".into()),
                is_default_instance: Some(true),
                port: 1433,
                version: Some("2019".into()),
                template: None,
            },
        )
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "POST", "/Assets/10/Databases", &[]);
    assert_json_body(
        &req,
        json!({
            "PlatformID": 10,
            "InstanceName": "SQL02",
            "IsDefaultInstance": true,
            "Port": 1433,
            "Version": "2019"
        }),
    );
    assert_eq!(created.status(), StatusCode::OK);
    assert_eq!(created.database_id, Some(43));

    // A 2xx the spec does not list for the operation (200 for getDatabases) is still a
    // success, decoded as the declared one, with the status it came with.
    server.respond_json(200, json!([database_json(40)]));
    let listed = databases.get_databases().send().await.unwrap();
    server.single();
    assert_eq!(listed.status(), StatusCode::OK);
    assert_eq!(listed[0].database_id, Some(40));
}

// ---------------------------------------------------------------------------------------------
// Imports (1 operation + 1 deprecated multipart operation)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn imports() {
    let (server, client) = setup().await;

    // queueImport with Base64FileContents (`format: byte`).
    server.respond_json(200, json!({ "ImportID": 501 }));
    let queued = client
        .imports()
        .queue_import(ImportRequest {
            workgroup_id: Some(3),
            import_type: Some(ImportType::PasswordSafe),
            filter: Some("10.0.0.0/24".into()),
            file_name: Some("assets.xml".into()),
            file_contents: None,
            base64_file_contents: Some(Base64(b"<Assets/>".to_vec())),
        })
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "POST", "/Imports", &[]);
    assert_json_body(
        &req,
        json!({
            "WorkgroupID": 3,
            "ImportType": "PASSWORDSAFE",
            "Filter": "10.0.0.0/24",
            "FileName": "assets.xml",
            "Base64FileContents": "PEFzc2V0cy8+"
        }),
    );
    assert_eq!(queued.import_id, Some(501));

    // queueImport with FileContents (an array of bytes as integers).
    server.respond_json(200, json!({ "ImportID": 502 }));
    let queued = client
        .imports()
        .queue_import(ImportRequest {
            workgroup_id: Some(3),
            import_type: Some(ImportType::RetinaRtd),
            file_name: Some("scan.rtd".into()),
            file_contents: Some(vec![60, 47, 62]),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "POST", "/Imports", &[]);
    assert_json_body(
        &req,
        json!({ "WorkgroupID": 3, "ImportType": "RETINARTD", "FileName": "scan.rtd", "FileContents": [60, 47, 62] }),
    );
    assert_eq!(queued.import_id, Some(502));
}

/// One part of a `multipart/form-data` body: its header block and its content.
struct Part {
    headers: String,
    content: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Splits a recorded `multipart/form-data` body into its parts.
fn multipart_parts(req: &Recorded) -> Vec<Part> {
    let content_type = req.header("content-type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart: {content_type}"))
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut rest = &req.body[..];
    let start = find(rest, delimiter.as_bytes()).expect("first boundary");
    rest = &rest[start + delimiter.len()..];
    while !rest.starts_with(b"--") {
        rest = rest.strip_prefix(b"\r\n").expect("CRLF after a boundary");
        let end = find(rest, delimiter.as_bytes()).expect("closing boundary");
        let part = rest[..end]
            .strip_suffix(b"\r\n")
            .expect("CRLF before a boundary");
        let split = find(part, b"\r\n\r\n").expect("blank line after the part headers");
        parts.push(Part {
            headers: String::from_utf8_lossy(&part[..split]).to_ascii_lowercase(),
            content: part[split + 4..].to_vec(),
        });
        rest = &rest[end + delimiter.len()..];
    }
    parts
}

#[tokio::test]
#[allow(deprecated)]
async fn deprecated_queue_import_file_sends_multipart() {
    let (server, client) = setup().await;

    // deprecatedQueueImportFile: still callable; a multipart body with a JSON `Details` part and
    // the file bytes in a `File` part.
    server.respond_json(200, json!({ "ImportID": 600 }));
    let queued = client
        .imports()
        .deprecated_queue_import_file(DeprecatedQueueImportFileBody {
            details: QueueImportFileDetails {
                workgroup_id: Some(3),
                file_name: Some("passwords.xml".into()),
            },
            file: b"<PasswordSafe/>".to_vec(),
        })
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "POST", "/Imports/QueueImportFile", &[]);
    let parts = multipart_parts(&req);
    assert_eq!(parts.len(), 2);
    // Not asserted: the part content types of the spec's `encoding` (`application/json` for
    // `Details`, `application/octet-stream` for `File`); the client sends neither part with a
    // `Content-Type` header.
    assert!(
        parts[0]
            .headers
            .contains("content-disposition: form-data; name=\"details\""),
        "{}",
        parts[0].headers
    );
    let details: Value = serde_json::from_slice(&parts[0].content).expect("Details part is JSON");
    assert_eq!(
        details,
        json!({ "WorkgroupID": 3, "FileName": "passwords.xml" })
    );
    assert!(
        parts[1].headers.contains("name=\"file\""),
        "{}",
        parts[1].headers
    );
    assert!(
        parts[1].headers.contains("filename="),
        "{}",
        parts[1].headers
    );
    assert_eq!(parts[1].content, b"<PasswordSafe/>");
    assert_eq!(queued.import_id, Some(600));

    // Its documented 400 has no schema: the body comes back as a `serde_json::Value` (text that
    // is not JSON becomes a string) and the raw bytes are kept.
    server.respond(
        400,
        "text/plain",
        "The import file was not found in the body of the request",
    );
    let err = client
        .imports()
        .deprecated_queue_import_file(DeprecatedQueueImportFileBody {
            details: QueueImportFileDetails::default(),
            file: Vec::new(),
        })
        .send()
        .await
        .unwrap_err();
    server.single();
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));
    match err {
        Error::Status(e) => {
            assert_eq!(
                e.body,
                Some(Value::String(
                    "The import file was not found in the body of the request".into()
                ))
            );
            assert_eq!(
                &e.raw[..],
                b"The import file was not found in the body of the request"
            );
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Smart Rules (4 operations + 1 deprecated) and Smart Rule Assets (1 operation)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn smart_rules() {
    let (server, client) = setup().await;
    let rules = client.smart_rules();

    // getSmartRules with `type`: the array variant.
    server.respond_json(
        200,
        json!([
            smart_rule_json(9, "Web tier"),
            smart_rule_json(10, "DB tier")
        ]),
    );
    let body = rules
        .get_smart_rules()
        .type_("managed account")
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "GET", "/SmartRules", &[("type", "managed account")]);
    assert_no_body(&req);
    match body {
        GetSmartRulesResponseBody::Array(items) => {
            assert_eq!(items.len(), 2);
            assert_eq!(items[1].title.as_deref(), Some("DB tier"));
        }
        other => panic!("expected the array variant, got {other:?}"),
    }

    // getSmartRules with `title` that needs escaping in a query: the single-object variant.
    server.respond_json(200, smart_rule_json(11, "R&D = 100% ✓"));
    let body = rules
        .get_smart_rules()
        .title("R&D = 100% ✓")
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "GET", "/SmartRules", &[("title", "R&D = 100% ✓")]);
    assert_eq!(
        req.query.as_deref(),
        Some("title=R%26D%20%3D%20100%25%20%E2%9C%93")
    );
    assert_no_body(&req);
    match body {
        GetSmartRulesResponseBody::SmartRule(rule) => {
            assert_eq!(rule.smart_rule_id, Some(11));
            assert_eq!(rule.organization_id, Some(Some(org())));
        }
        other => panic!("expected the single-object variant, got {other:?}"),
    }

    // getSmartRule
    server.respond_json(200, smart_rule_json(9, "Web tier"));
    let rule = rules.get_smart_rule(9).send().await.unwrap();
    let req = server.single();
    assert_call(&req, "GET", "/SmartRules/9", &[]);
    assert_no_body(&req);
    assert_eq!(rule.status, Some(1));
    assert_eq!(rule.category.as_deref(), Some("Assets and Devices"));
    assert_eq!(
        rule.last_processed_date.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-05-06T07:08:09+00:00")
    );

    // getUserGroupSmartRules: trailing slash kept; `accessLevel` is an array, form, not exploded.
    let mut with_level = smart_rule_json(9, "Web tier");
    with_level["AccessLevelID"] = json!(3);
    with_level["OrganizationID"] = Value::Null;
    server.respond_json(200, json!([with_level]));
    let list = rules
        .get_user_group_smart_rules(4)
        .access_level(vec![AccessLevelId::Read, AccessLevelId::ReadWrite])
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(
        &req,
        "GET",
        "/UserGroups/4/SmartRules/",
        &[("accessLevel", "1,3")],
    );
    assert_no_body(&req);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].access_level_id, Some(AccessLevelId::ReadWrite));
    assert_eq!(list[0].organization_id, Some(None));
    assert_eq!(list[0].title.as_deref(), Some("Web tier"));

    // getOrganizationSmartRuleByTitle: only a `default` response without schema is documented,
    // so any 2xx is a success without a decoded body.
    server.respond_json(200, smart_rule_json(12, "Servers"));
    let done = rules
        .get_organization_smart_rule_by_title(org(), "Servers")
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(
        &req,
        "GET",
        &format!("/Organizations/{ORG}/SmartRules"),
        &[("title", "Servers")],
    );
    assert_no_body(&req);
    assert_eq!(done.status(), StatusCode::OK);
}

#[tokio::test]
#[allow(deprecated)]
async fn deprecated_filter_single_account() {
    let (server, client) = setup().await;

    // deprecatedFilterSingleAccount: still callable.
    server.respond_json(201, smart_rule_json(30, "Only svc-backup"));
    let rule = client
        .smart_rules()
        .deprecated_filter_single_account(FilterSingleAccountRequest {
            account_id: 77,
            title: Some("Only svc-backup".into()),
        })
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "POST", "/SmartRules/FilterSingleAccount", &[]);
    assert_json_body(&req, json!({ "AccountID": 77, "Title": "Only svc-backup" }));
    assert_eq!(rule.status(), StatusCode::CREATED);
    assert_eq!(rule.smart_rule_id, Some(30));
    assert_eq!(rule.rule_type.as_deref(), Some("Asset"));
}

#[tokio::test]
async fn smart_rule_assets() {
    let (server, client) = setup().await;

    // getSmartRuleAssets without `limit`: the array variant.
    server.respond_json(
        200,
        json!([asset_json(10, "web01"), asset_json(11, "web02")]),
    );
    let body = client
        .smart_rule_assets()
        .get_smart_rule_assets(9)
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "GET", "/SmartRules/9/Assets", &[]);
    assert_no_body(&req);
    match body {
        AssetList::Array(items) => {
            assert_eq!(items.len(), 2);
            assert_eq!(items[0].dns_name.as_deref(), Some("web01.corp.example"));
        }
        other => panic!("expected the array variant, got {other:?}"),
    }

    // getSmartRuleAssets with `limit`/`offset`: the page variant.
    server.respond_json(
        200,
        json!({ "TotalCount": 2, "Data": [asset_json(11, "web02")] }),
    );
    let body = client
        .smart_rule_assets()
        .get_smart_rule_assets(9)
        .limit(1)
        .offset(1)
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(
        &req,
        "GET",
        "/SmartRules/9/Assets",
        &[("limit", "1"), ("offset", "1")],
    );
    match body {
        AssetList::AssetPage(page) => {
            assert_eq!(page.total_count, 2);
            assert_eq!(page.data[0].asset_id, Some(11));
        }
        other => panic!("expected the page variant, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// User Groups and Workgroups (3 deprecated operations; names percent-encoded in the path)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
#[allow(deprecated)]
async fn deprecated_user_groups_and_workgroups() {
    let (server, client) = setup().await;

    // deprecatedGetUserGroupByName
    server.respond_json(
        200,
        json!({
            "GroupID": 4, "Name": "Domain Admins/EU", "DistinguishedName": "CN=Domain Admins,DC=corp",
            "GroupType": "ActiveDirectory", "AccountAttribute": "sAMAccountName",
            "MembershipAttribute": "memberOf", "IsActive": true
        }),
    );
    let group = client
        .user_groups()
        .deprecated_get_user_group_by_name("Domain Admins/EU")
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "GET", "/UserGroups/Domain%20Admins%2FEU", &[]);
    assert_no_body(&req);
    assert_eq!(group.group_id, Some(4));
    assert_eq!(group.group_type.as_deref(), Some("ActiveDirectory"));
    assert_eq!(group.is_active, Some(true));

    // deprecatedDeleteUserGroupByName (non-ASCII name: UTF-8, percent-encoded)
    respond_empty(&server, 200);
    let done = client
        .user_groups()
        .deprecated_delete_user_group_by_name("Prüfer?")
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "DELETE", "/UserGroups/Pr%C3%BCfer%3F", &[]);
    assert_no_body(&req);
    assert_eq!(done.status(), StatusCode::OK);

    // deprecatedGetWorkgroupByName
    server.respond_json(
        200,
        json!({ "OrganizationID": ORG, "ID": 3, "Name": WORKGROUP }),
    );
    let workgroup = client
        .workgroups()
        .deprecated_get_workgroup_by_name(WORKGROUP)
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(
        &req,
        "GET",
        &format!("/Workgroups/{WORKGROUP_ENCODED}"),
        &[],
    );
    assert_no_body(&req);
    assert_eq!(workgroup.id, Some(3));
    assert_eq!(workgroup.organization_id, Some(org()));
    assert_eq!(workgroup.name.as_deref(), Some(WORKGROUP));
}

// ---------------------------------------------------------------------------------------------
// Entitlements, EPM Policies, Operating Systems, Organizations, Permissions
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn entitlements() {
    let (server, client) = setup().await;

    // getEntitlements without `groupIDs`.
    server.respond_json(
        200,
        json!([{
            "GroupID": 4, "Name": "Admins", "SmartRuleId": 9, "DistinguishedName": "CN=Admins,DC=corp",
            "AccessLevel": "Read", "RoleId": 2, "RoleName": "Requestor",
            "DedicatedAccountPermissionOverride": null, "DedicatedToAppUserID": null,
            "DedicatedToAppUserName": null, "IsAdministratorGroup": true, "UserID": 1,
            "UserName": "jdoe", "ManagedAccountId": 55, "AccountName": "svc-backup",
            "RationalizedSystemName": "db01", "ApplicationName": "", "AccessPolicyName": "Default"
        }]),
    );
    let list = client
        .entitlements()
        .get_entitlements()
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "GET", "/Entitlements", &[]);
    assert_no_body(&req);
    assert_eq!(list.len(), 1);
    assert_eq!(
        list[0].distinguished_name.as_deref(),
        Some("CN=Admins,DC=corp")
    );
    assert_eq!(list[0].access_level, Some(Some("Read".into())));
    assert_eq!(list[0].dedicated_to_app_user_id, Some(None));
    assert_eq!(list[0].managed_account_id, Some(55));

    // getEntitlements with `groupIDs`: an integer array, form style, not exploded: the items are
    // joined with literal commas, as OpenAPI's style table shows.
    server.respond_json(
        200,
        json!([{ "GroupID": 4, "Name": "Admins", "SmartRuleId": 9, "Title": "All assets", "SmartRuleType": "Asset" }]),
    );
    let list = client
        .entitlements()
        .get_entitlements()
        .group_i_ds(vec![4, 5, 6])
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_eq!(req.query.as_deref(), Some("groupIDs=4,5,6"));
    assert_call(&req, "GET", "/Entitlements", &[("groupIDs", "4,5,6")]);
    assert_no_body(&req);
    assert_eq!(list[0].title.as_deref(), Some("All assets"));
    assert_eq!(list[0].smart_rule_type.as_deref(), Some("Asset"));
}

#[tokio::test]
async fn epm_policies() {
    let (server, client) = setup().await;
    let policy: uuid::Uuid = "0b6f5d2e-1c3a-4b7d-8e9f-a0b1c2d3e4f5".parse().unwrap();
    let application = EpmApplicationAddRequest {
        group_name: "powershell - Add".into(),
        name: "notepad3.exe".into(),
        path: r"C:\Windows\System32\notepad2.exe".into(),
        publisher: "Microsoft2".into(),
        children_inherit_token: false,
    };

    // addEpmPolicyApplication: path as documented (no resource segment before `{id}`).
    server.respond_json(200, json!({}));
    let done = client
        .epm_policies()
        .add_epm_policy_application(policy, application.clone())
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(
        &req,
        "POST",
        "/0b6f5d2e-1c3a-4b7d-8e9f-a0b1c2d3e4f5/epmapplications/add",
        &[],
    );
    assert_json_body(
        &req,
        json!({
            "GroupName": "powershell - Add",
            "Name": "notepad3.exe",
            "Path": "C:\\Windows\\System32\\notepad2.exe",
            "Publisher": "Microsoft2",
            "ChildrenInheritToken": false
        }),
    );
    assert_eq!(done.status(), StatusCode::OK);
    assert!(done.is_empty());

    // Its documented 400 has no schema: the JSON body comes back as a `serde_json::Value`.
    server.respond_json(400, json!({ "Message": "Invalid Policy ID" }));
    let err = client
        .epm_policies()
        .add_epm_policy_application(policy, application)
        .send()
        .await
        .unwrap_err();
    server.single();
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));
    assert_eq!(err.body(), Some(&json!({ "Message": "Invalid Policy ID" })));
}

#[tokio::test]
async fn operating_systems() {
    let (server, client) = setup().await;

    // getOperatingSystems
    server.respond_json(
        200,
        json!([{ "OperatingSystemID": 1, "Name": "Windows Server 2022" }, { "OperatingSystemID": 2, "Name": "RHEL 9" }]),
    );
    let list = client
        .operating_systems()
        .get_operating_systems()
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "GET", "/OperatingSystems", &[]);
    assert_no_body(&req);
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].operating_system_id, Some(2));
    assert_eq!(list[1].name.as_deref(), Some("RHEL 9"));
}

#[tokio::test]
async fn organizations() {
    let (server, client) = setup().await;

    // getOrganizations without `name`: the array variant.
    server.respond_json(
        200,
        json!([{ "OrganizationID": ORG, "Name": "Acme Corp", "IsActive": true }]),
    );
    let body = client
        .organizations()
        .get_organizations()
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "GET", "/Organizations", &[]);
    assert_no_body(&req);
    match body {
        GetOrganizationsResponseBody::Array(items) => {
            assert_eq!(items.len(), 1);
            assert_eq!(items[0].organization_id, Some(org()));
        }
        other => panic!("expected the array variant, got {other:?}"),
    }

    // getOrganizations with `name`: the single-object variant.
    server.respond_json(
        200,
        json!({ "OrganizationID": ORG, "Name": "Acme Corp", "IsActive": false }),
    );
    let body = client
        .organizations()
        .get_organizations()
        .name("Acme Corp")
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "GET", "/Organizations", &[("name", "Acme Corp")]);
    assert_no_body(&req);
    match body {
        GetOrganizationsResponseBody::Organization(o) => assert_eq!(o.is_active, Some(false)),
        other => panic!("expected the single-object variant, got {other:?}"),
    }

    // getOrganization
    server.respond_json(
        200,
        json!({ "OrganizationID": ORG, "Name": "Acme Corp", "IsActive": true }),
    );
    let one = client
        .organizations()
        .get_organization(org())
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "GET", &format!("/Organizations/{ORG}"), &[]);
    assert_no_body(&req);
    assert_eq!(one.name.as_deref(), Some("Acme Corp"));
}

#[tokio::test]
async fn permissions() {
    let (server, client) = setup().await;

    // getPermissions
    server.respond_json(
        200,
        json!([{ "PermissionID": 1, "Name": "Asset Management" }, { "PermissionID": 2, "Name": "Scan Management" }]),
    );
    let list = client
        .permissions()
        .get_permissions()
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "GET", "/Permissions", &[]);
    assert_no_body(&req);
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].name.as_deref(), Some("Asset Management"));
}

// ---------------------------------------------------------------------------------------------
// User Group Permissions (3 operations)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn user_group_permissions() {
    let (server, client) = setup().await;
    let permissions = client.user_group_permissions();

    // getUserGroupPermissions
    server.respond_json(
        200,
        json!([
            { "PermissionID": 1, "AccessLevelID": 1 },
            { "PermissionID": 2, "AccessLevelID": 3 },
            { "PermissionID": 3, "AccessLevelID": 2 }
        ]),
    );
    let list = permissions
        .get_user_group_permissions(4)
        .send()
        .await
        .unwrap()
        .into_inner();
    let req = server.single();
    assert_call(&req, "GET", "/UserGroups/4/Permissions", &[]);
    assert_no_body(&req);
    assert_eq!(list.len(), 3);
    assert_eq!(list[0].access_level_id, Some(AccessLevelId::Read));
    assert_eq!(list[1].permission_id, Some(2));
    // A code the spec does not list (the README's "disabled" caveat) is kept, not rejected.
    assert_eq!(list[2].access_level_id, Some(AccessLevelId::Unknown(2)));

    // setUserGroupPermissions: a JSON array body; 204 without content.
    server.respond(204, "application/json", "");
    let done = permissions
        .set_user_group_permissions(
            4,
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
        .unwrap();
    let req = server.single();
    assert_call(&req, "POST", "/UserGroups/4/Permissions", &[]);
    assert_json_body(
        &req,
        json!([{ "PermissionID": 1, "AccessLevelID": 3 }, { "PermissionID": 2, "AccessLevelID": 0 }]),
    );
    assert_eq!(done.status(), StatusCode::NO_CONTENT);

    // deleteUserGroupPermissions
    respond_empty(&server, 200);
    let done = permissions
        .delete_user_group_permissions(4)
        .send()
        .await
        .unwrap();
    let req = server.single();
    assert_call(&req, "DELETE", "/UserGroups/4/Permissions", &[]);
    assert_no_body(&req);
    assert_eq!(done.status(), StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// Errors and decoding failures
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn error_status_without_declared_body_falls_back_to_json_value() {
    let (server, client) = setup().await;

    // No operation of the spec declares an error body schema: the error body is decoded as a
    // `serde_json::Value`, and the raw bytes, status and headers are kept.
    let raw = r#"{"Message":"Asset 99 not found","Code":4040}"#;
    server.respond(404, "application/json", raw);
    let err = client
        .assets()
        .get_asset_by_id(99)
        .send()
        .await
        .unwrap_err();
    let req = server.single();
    assert_call(&req, "GET", "/Assets/99", &[]);
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(
        err.body(),
        Some(&json!({ "Message": "Asset 99 not found", "Code": 4040 }))
    );
    assert!(err.to_string().contains("404"), "{err}");
    match err {
        Error::Status(e) => {
            assert_eq!(e.status, StatusCode::NOT_FOUND);
            assert_eq!(&e.raw[..], raw.as_bytes());
            assert_eq!(e.headers.get("content-type").unwrap(), "application/json");
            assert_eq!(e.decode_error, None);
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }

    // An empty error body is `Value::Null`.
    server.respond(401, "application/json", "");
    let err = client
        .permissions()
        .get_permissions()
        .send()
        .await
        .unwrap_err();
    server.single();
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(err.body(), Some(&Value::Null));
}

#[tokio::test]
async fn malformed_success_body_is_a_decode_error() {
    let (server, client) = setup().await;

    // A field of the wrong type.
    let raw = r#"{"AssetID":"ten","AssetName":"web01"}"#;
    server.respond(200, "application/json", raw);
    let err = client
        .assets()
        .get_asset_by_id(10)
        .send()
        .await
        .unwrap_err();
    server.single();
    assert_eq!(err.status(), Some(StatusCode::OK));
    assert!(err.body().is_none());
    match err {
        Error::Decode(e) => {
            assert_eq!(e.status, StatusCode::OK);
            assert_eq!(&e.raw[..], raw.as_bytes());
            assert!(e.message.contains("invalid type"), "{}", e.message);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }

    // Not JSON at all.
    server.respond(201, "text/html", "<html>maintenance</html>");
    let err = client.databases().get_databases().send().await.unwrap_err();
    server.single();
    match err {
        Error::Decode(e) => {
            assert_eq!(e.status, StatusCode::CREATED);
            assert_eq!(&e.raw[..], b"<html>maintenance</html>");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }

    // A body that matches no variant of a union (`AssetList`: array or page).
    server.respond_json(200, json!({ "TotalCount": "many" }));
    let err = client
        .smart_rule_assets()
        .get_smart_rule_assets(9)
        .limit(5)
        .send()
        .await
        .unwrap_err();
    server.single();
    assert!(
        matches!(err, Error::Decode(ref e) if e.status == StatusCode::OK),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Offset pagination (`limit` / `offset`)
// ---------------------------------------------------------------------------------------------

/// `searchAssets`, `listWorkgroupAssets` and `getSmartRuleAssets` carry `x-pagination` (offset
/// style, items in `Data`), but their 200 body is a union (array | page), and the generated
/// builders have no `into_stream()`. This walks the pages by hand with `limit` / `offset`, the
/// way such a stream would, and checks every page request on the wire.
#[tokio::test]
async fn search_assets_pages_with_limit_and_offset() {
    let (server, client) = setup().await;
    let criteria = AssetSearchRequest {
        asset_type: Some("Server".into()),
        ..Default::default()
    };
    server.respond_json(
        200,
        json!({ "TotalCount": 5, "Data": [asset_json(1, "a1"), asset_json(2, "a2")] }),
    );
    server.respond_json(
        200,
        json!({ "TotalCount": 5, "Data": [asset_json(3, "a3"), asset_json(4, "a4")] }),
    );
    server.respond_json(
        200,
        json!({ "TotalCount": 5, "Data": [asset_json(5, "a5")] }),
    );

    let limit = 2;
    let mut offset = 0;
    let mut names = Vec::new();
    loop {
        let page = client
            .assets()
            .search_assets(criteria.clone())
            .limit(limit)
            .offset(offset)
            .send()
            .await
            .unwrap()
            .into_inner();
        let AssetList::AssetPage(page) = page else {
            panic!("expected a page, got {page:?}")
        };
        assert_eq!(page.total_count, 5);
        let count = page.data.len() as i32;
        names.extend(page.data.into_iter().map(|a| a.asset_name.unwrap()));
        offset += count;
        if count < limit {
            break;
        }
    }
    assert_eq!(names, ["a1", "a2", "a3", "a4", "a5"]);

    let requests = server.take();
    assert_eq!(requests.len(), 3);
    for (req, expected_offset) in requests.iter().zip(["0", "2", "4"]) {
        assert_call(
            req,
            "POST",
            "/Assets/Search",
            &[("limit", "2"), ("offset", expected_offset)],
        );
        assert_json_body(req, json!({ "AssetType": "Server" }));
    }
}

// ---------------------------------------------------------------------------------------------
// Coverage
// ---------------------------------------------------------------------------------------------

/// Every operation called above, by operationId.
const COVERED: &[&str] = &[
    // Access Levels
    "listAccessLevels",
    "setUserGroupSmartRuleAccessLevel",
    // Address Groups
    "listOrganizationAddressGroups",
    "listAddressGroups",
    "createAddressGroup",
    "listAddressGroupAddresses",
    "createAddressGroupAddress",
    "deleteAddressGroupAddresses",
    "getAddressGroupById",
    "updateAddressGroup",
    "deleteAddressGroup",
    "getAddressById",
    "updateAddressById",
    "deleteAddressById",
    // API Registrations
    "listApiRegistrations",
    "createApiRegistration",
    "getApiRegistrationById",
    "updateApiRegistration",
    "deleteApiRegistration",
    "rotateApiRegistrationKey",
    "getApiRegistrationKey",
    // Asset Attributes
    "getAssetAttributes",
    "deleteAssetAttributes",
    "assignAssetAttribute",
    "deleteAssetAttribute",
    // Assets
    "getAssetById",
    "updateAssetById",
    "deleteAssetById",
    "listWorkgroupAssets",
    "createWorkgroupAsset",
    "deleteWorkgroupAssetByName",
    "searchAssets",
    // Attribute Types
    "getAttributeTypes",
    "createAttributeType",
    "getAttributeType",
    "deleteAttributeType",
    // Attributes
    "getAttributesByAttributeType",
    "createAttribute",
    "getAttribute",
    "deleteAttribute",
    // Databases
    "getDatabases",
    "getDatabase",
    "updateDatabase",
    "deleteDatabase",
    "getAssetDatabases",
    "createAssetDatabase",
    // Deprecated
    "deprecatedQueueImportFile",
    "deprecatedFilterSingleAccount",
    "deprecatedGetUserGroupByName",
    "deprecatedDeleteUserGroupByName",
    "deprecatedGetWorkgroupByName",
    // Entitlements, EPM Policies, Imports, Operating Systems, Organizations, Permissions
    "getEntitlements",
    "addEpmPolicyApplication",
    "queueImport",
    "getOperatingSystems",
    "getOrganizations",
    "getOrganization",
    "getPermissions",
    // Smart Rule Assets, Smart Rules
    "getSmartRuleAssets",
    "getSmartRules",
    "getSmartRule",
    "getUserGroupSmartRules",
    "getOrganizationSmartRuleByTitle",
    // User Group Permissions
    "getUserGroupPermissions",
    "setUserGroupPermissions",
    "deleteUserGroupPermissions",
];

#[test]
fn every_generated_operation_is_covered() {
    // The operations of the crate: those of the document it was generated from and carries.
    let document: Value = serde_json::from_str(include_str!(
        "../../../generated/beyondinsight/openapi.json"
    ))
    .expect("the crate's openapi.json is JSON");
    let paths = document["paths"].as_object().expect("paths");
    let generated: std::collections::BTreeSet<&str> = paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|operation| operation.get("operationId")?.as_str())
        .collect();
    let covered: std::collections::BTreeSet<&str> = COVERED.iter().copied().collect();
    assert_eq!(COVERED.len(), covered.len(), "duplicates in COVERED");
    assert_eq!(generated.len(), 66);
    assert_eq!(generated, covered);
}
