//! Tag features: a crate with several tags compiles each tag's operations under its own cargo
//! feature, and each type under the features of the tags that use it. Read here from the IR of
//! the `param_types` fixture (three tags: repos, issues, things); the compile test builds every
//! fixture with each tag alone and with none.

use forge_tests::fixtures;
use openapi_forge::ir::Api;

fn param_types() -> Api {
    let fixture = fixtures()
        .into_iter()
        .find(|f| f.name == "param_types")
        .expect("the param_types fixture");
    match openapi_forge::build_api(&fixture.config()) {
        Ok((api, _)) => api,
        Err(diags) => panic!("param_types does not load:\n{diags}"),
    }
}

fn features_of(api: &Api, type_name: &str) -> Vec<String> {
    api.types
        .iter()
        .find(|t| t.name == type_name)
        .unwrap_or_else(|| panic!("no type {type_name}"))
        .features
        .clone()
}

#[test]
fn each_tag_has_a_feature() {
    let api = param_types();
    let features: Vec<Option<&str>> = api.groups.iter().map(|g| g.feature.as_deref()).collect();
    assert_eq!(features, [Some("repos"), Some("issues"), Some("things")]);
}

#[test]
fn a_type_is_compiled_by_the_tags_that_use_it() {
    let api = param_types();
    // Shared by the list operations of two tags.
    assert_eq!(features_of(&api, "Direction"), ["repos", "issues"]);
    assert_eq!(features_of(&api, "Sort"), ["repos", "issues"]);
    // Used by one tag only.
    assert_eq!(features_of(&api, "ListIssuesStateModel"), ["issues"]);
    assert_eq!(features_of(&api, "GetThingRef"), ["things"]);
}
