//! Every generated router builds, answers its mock's example, and rejects bad input with JSON.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

async fn call(router: axum::Router, request: Request<Body>) -> (StatusCode, serde_json::Value) {
    let response = router.oneshot(request).await.expect("router never fails");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, json)
}

#[tokio::test]
async fn beyondinsight_router_builds_and_rejects_missing_credentials() {
    let router = beyondinsight_api::server::router(beyondinsight_api::server::Mock::default());
    let (status, body) = call(
        router,
        Request::get("/BeyondTrust/api/public/v3/AccessLevels")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"]["rule"], "security");
}

#[tokio::test]
async fn mocks_answer_from_examples() {
    let router = infraon_api::server::router(infraon_api::server::Mock::default());
    let (status, body) = call(
        router,
        Request::get("/ux/common/apiregister/profile/?items_per_page=1&page=1")
            .header("authorization", "key")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.is_array(), "{body}");
}

#[tokio::test]
async fn bad_parameters_are_400_naming_the_field() {
    let router = infraon_api::server::router(infraon_api::server::Mock::default());
    let (status, body) = call(
        router,
        Request::get("/ux/common/apiregister/profile/?items_per_page=many&page=1")
            .header("authorization", "key")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["field"], "items_per_page");
    assert_eq!(body["error"]["rule"], "type");
}
