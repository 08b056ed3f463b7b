//! The generated crates as a user writes code against them: requests that own their client
//! (spawned on a task, awaited directly), setters that take what the user has (arrays, vectors,
//! iterators, borrowed strings), models built from their required fields, and the crates of the
//! public API reached through the generated crate. Each test runs against a recording server on
//! 127.0.0.1.

use std::future::IntoFuture;

use apono_api::Client;
use forge_e2e::MockServer;
use serde_json::json;

async fn apono() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let token = String::from("apono-token");
    let client = Client::builder()
        .base_url(server.url())
        // A credential setter takes a borrowed `String`.
        .bearer_auth(&token)
        .build()
        .expect("client builds");
    (server, client)
}

#[tokio::test]
async fn a_request_can_be_spawned_and_outlives_the_client_it_came_from() {
    let (server, client) = apono().await;
    server.respond_json(200, json!({ "items": [] }));
    let request = client.integrations().list_integrations_v4().limit(5);
    drop(client);
    let answer = tokio::spawn(request.send())
        .await
        .expect("the task ran")
        .expect("the call succeeded");
    assert_eq!(answer.status().as_u16(), 200);
    let recorded = server.single();
    assert_eq!(recorded.path, "/api/admin/v4/integrations");
    assert_eq!(recorded.query.as_deref(), Some("limit=5"));
    assert_eq!(recorded.header("authorization"), "Bearer apono-token");
}

#[tokio::test]
async fn a_request_is_a_future() {
    let (server, client) = apono().await;
    server.respond_json(200, json!({ "id": "i-1" }));
    let id = String::from("i-1");
    // A required parameter takes a borrowed `String`; `.await` sends without `.send()`.
    let answer = client
        .integrations()
        .get_integration_v4(&id)
        .await
        .expect("the call succeeded");
    assert_eq!(answer.get("id"), Some(&json!("i-1")));
    assert_eq!(server.single().path, "/api/admin/v4/integrations/i-1");
    // Spawned the same way.
    server.respond_json(200, json!({ "id": "i-2" }));
    let spawned = tokio::spawn(
        client
            .integrations()
            .get_integration_v4("i-2")
            .into_future(),
    );
    let answer = spawned
        .await
        .expect("the task ran")
        .expect("the call succeeded");
    assert_eq!(answer.get("id"), Some(&json!("i-2")));
}

#[tokio::test]
async fn array_setters_take_arrays_vectors_and_iterators() {
    let (server, client) = apono().await;
    let wanted = ["Active".to_string(), "Error".to_string()];
    client
        .integrations()
        .list_integrations_v4()
        .category(["db"])
        .connector_id(vec!["c-1", "c-2"])
        .status(wanted.iter().map(String::as_str))
        .type_(Vec::<String>::new())
        .await
        .expect("the call succeeded");
    let pairs = server.single().query_pairs();
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("category", "db"),
            ("connector_id", "c-1"),
            ("connector_id", "c-2"),
            ("status", "Active"),
            ("status", "Error"),
        ]
    );
}

#[test]
fn a_model_is_built_from_its_required_fields() {
    use infraon_api::ApiRegistrationInput;
    let plain = ApiRegistrationInput::new("api-7", String::from("acme"));
    assert_eq!(
        serde_json::to_value(&plain).expect("encodes"),
        json!({ "api_id": "api-7", "organization": "acme" })
    );
    // Optional fields by struct update syntax; `Some(None)` sends an explicit `null`.
    let full = ApiRegistrationInput {
        name: Some("billing".into()),
        api_modified_id: Some(None),
        ..ApiRegistrationInput::new("api-7", "acme")
    };
    assert_eq!(
        serde_json::to_value(&full).expect("encodes"),
        json!({ "api_id": "api-7", "organization": "acme", "name": "billing", "api_modified_id": null })
    );
}

#[tokio::test]
async fn the_crates_of_the_public_api_are_reexported() {
    // A reqwest client configured by the user, built through the generated crate's re-export so
    // that its version is the one the generated client takes.
    let http = apono_api::reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .expect("reqwest client builds");
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.url())
        .http_client(http)
        .build()
        .expect("client builds");
    server.respond_json(200, json!({}));
    client
        .integrations()
        .list_integrations_v2()
        .await
        .expect("the call succeeded");
    assert_eq!(server.single().path, "/api/v2/integrations");

    // Types of chrono and uuid in the models, named through the crate that uses them.
    let org: beyondinsight_api::uuid::Uuid = "5a1f0c2e-8d4b-4c6a-9e3f-2b7d1a0c9e84"
        .parse()
        .expect("a uuid");
    let when = beyondinsight_api::chrono::NaiveDate::from_ymd_opt(2026, 12, 3).expect("a date");
    assert_eq!(org.get_version_num(), 4);
    assert_eq!(when.to_string(), "2026-12-03");
    let value: infoworks_api::serde_json::Value = infoworks_api::serde_json::json!({ "a": 1 });
    assert_eq!(value["a"], 1);
}

/// An implementation of the Apono server that knows who calls it: `authenticate` turns the
/// bearer token into a principal, and the handler answers with it, a request header and a value
/// a middleware layer put on the request.
#[derive(Clone)]
struct WhoAmI;

/// The principal `WhoAmI` records.
#[derive(Clone, Debug, PartialEq)]
struct User(String);

/// A value a middleware layer adds to every request.
#[derive(Clone)]
struct Tenant(&'static str);

impl apono_api::server::Api for WhoAmI {
    async fn authenticate(
        &self,
        credentials: &apono_api::server::Credentials,
        context: &mut apono_api::server::Context,
    ) -> Result<(), apono_api::server::ApiError> {
        let token = credentials.bearer_auth.as_ref().map(|s| s.expose());
        match token.and_then(|t| t.strip_prefix("user-")) {
            Some(name) => {
                context.set_principal(User(name.to_string()));
                Ok(())
            }
            None => Err(apono_api::server::ApiError::unauthorized("unknown token")),
        }
    }

    async fn get_integration_v4(
        &self,
        request: apono_api::server::GetIntegrationV4Request,
    ) -> Result<apono_api::server::GetIntegrationV4Response, apono_api::server::ApiError> {
        let context = &request.context;
        let user = context.principal::<User>().map(|u| u.0.clone());
        let tenant = context.extensions.get::<Tenant>().map(|t| t.0);
        let trace = context
            .headers
            .get("x-trace")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = json!({ "id": request.id, "user": user, "tenant": tenant, "trace": trace });
        let serde_json::Value::Object(body) = body else {
            unreachable!("an object literal")
        };
        Ok(apono_api::server::GetIntegrationV4Response::Ok { body })
    }
}

#[tokio::test]
async fn a_handler_sees_the_principal_the_headers_and_what_middleware_added() {
    let app = apono_api::server::router(WhoAmI).layer(axum::Extension(Tenant("acme")));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let client = Client::builder()
        .base_url(&url)
        .bearer_auth("user-ada")
        .default_header(
            apono_api::client::HeaderName::from_static("x-trace"),
            apono_api::client::HeaderValue::from_static("t-1"),
        )
        .build()
        .expect("client builds");
    let answer = client
        .integrations()
        .get_integration_v4("i-9")
        .await
        .expect("the call succeeded");
    assert_eq!(
        serde_json::Value::Object(answer.into_inner()),
        json!({ "id": "i-9", "user": "ada", "tenant": "acme", "trace": "t-1" })
    );

    let refused = Client::builder()
        .base_url(&url)
        .bearer_auth("robot")
        .build()
        .expect("client builds")
        .integrations()
        .get_integration_v4("i-9")
        .await
        .expect_err("an unknown token is refused");
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(401));
}

#[tokio::test]
async fn an_implementation_is_tested_without_http() {
    use apono_api::server::{Api as _, Context, GetIntegrationV4Request, GetIntegrationV4Response};
    let mut request = GetIntegrationV4Request::new("i-3");
    let mut headers = apono_api::client::HeaderMap::new();
    headers.insert(
        "authorization",
        apono_api::client::HeaderValue::from_static("Bearer user-grace"),
    );
    request.context = Context::with_headers(headers);
    request.context.set_principal(User("grace".into()));
    let shown = format!("{request:?}");
    assert!(shown.contains("authorization"), "{shown}");
    assert!(
        !shown.contains("user-grace"),
        "a credential shows in {shown}"
    );
    let GetIntegrationV4Response::Ok { body } = WhoAmI
        .get_integration_v4(request)
        .await
        .expect("the handler answers");
    assert_eq!(body.get("user"), Some(&json!("grace")));
    assert_eq!(body.get("id"), Some(&json!("i-3")));
    assert_eq!(body.get("tenant"), Some(&json!(null)));
}

#[tokio::test]
async fn middleware_applies_to_one_operation() {
    use axum::extract::Request;
    use axum::middleware::Next;
    use axum::response::{IntoResponse, Response};

    // Refuses `listIntegrationsV4` (a rate limit, say) and marks every answer with the
    // operation it came from.
    async fn per_operation(request: Request, next: Next) -> Response {
        let operation = apono_api::server::operation_id(&request);
        if operation == Some("listIntegrationsV4") {
            return axum::http::StatusCode::TOO_MANY_REQUESTS.into_response();
        }
        let mut response = next.run(request).await;
        if let Some(id) = operation {
            response
                .headers_mut()
                .insert("x-operation", axum::http::HeaderValue::from_static(id));
        }
        response
    }

    let app =
        apono_api::server::router(WhoAmI).route_layer(axum::middleware::from_fn(per_operation));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = Client::builder()
        .base_url(&url)
        .bearer_auth("user-ada")
        .build()
        .expect("client builds");

    let answer = client
        .integrations()
        .get_integration_v4("i-1")
        .await
        .expect("the call succeeded");
    assert_eq!(
        answer
            .headers()
            .get("x-operation")
            .and_then(|v| v.to_str().ok()),
        Some("getIntegrationV4")
    );
    let refused = client
        .integrations()
        .list_integrations_v4()
        .await
        .expect_err("the layer refuses this operation");
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(429));
}
