//! OpenAI's published spec (OpenAPI 3.1.0: 288 operations, 16 webhooks, 7 streaming
//! operations), read from `../shared/specs/openai/openapi.yaml` beside this repository (never
//! copied into it). Its webhooks must become receiver methods with typed payloads, its streams
//! typed event streams, and nothing of either may be dropped with a warning.

use std::path::PathBuf;

use openapi_forge::ir::{Api, Method, TypeRef};
use openapi_forge::Config;

fn spec() -> PathBuf {
    forge_tests::workspace_root().join("../shared/specs/openai/openapi.yaml")
}

/// OpenAI's spec lowered to the IR, with the warnings; `None` (said on stderr) when the spec
/// is not beside this repository.
fn openai() -> Option<(Api, String)> {
    let spec = spec();
    if !spec.is_file() {
        eprintln!("skipped: {} is not there", spec.display());
        return None;
    }
    let config = Config {
        specs: vec![spec],
        crate_name: "openai".into(),
        source_label: "openai/openapi.yaml".into(),
        regenerate_command: "cargo test".into(),
        selection: Default::default(),
    };
    match openapi_forge::build_api(&config) {
        Ok((api, warnings)) => Some((api, warnings.to_string())),
        Err(diags) => panic!("OpenAI's spec does not load:\n{diags}"),
    }
}

/// The spec's webhook names, read off the YAML text: the keys two spaces in under the
/// top-level `webhooks:`.
fn webhook_names() -> Vec<String> {
    let text = std::fs::read_to_string(spec()).expect("read the spec");
    text.lines()
        .skip_while(|line| *line != "webhooks:")
        .skip(1)
        .take_while(|line| line.is_empty() || line.starts_with(' '))
        .filter_map(|line| {
            let key = line.strip_prefix("  ")?.strip_suffix(':')?;
            (!key.starts_with(' ')).then(|| key.trim_matches(['\'', '"']).to_owned())
        })
        .collect()
}

#[test]
fn every_webhook_becomes_a_receiver_method_with_a_typed_payload() {
    let Some((api, warnings)) = openai() else {
        return;
    };
    let names: Vec<&str> = api
        .webhooks
        .iter()
        .map(|op| op.webhook.as_deref().expect("a webhook's name"))
        .collect();
    assert_eq!(names, webhook_names());
    assert_eq!(names.len(), 16);
    for hook in &api.webhooks {
        assert_eq!(hook.method, Method::Post, "{}", hook.name.wire);
        assert_eq!(hook.path, format!("/{}", hook.name.wire));
        let body = hook.body.as_ref().expect("a payload");
        let TypeRef::Named(id) = body.ty else {
            panic!("{}: the payload is not a named type", hook.name.wire)
        };
        assert!(
            api.ty(id).name.starts_with("Webhook"),
            "{}: payload {}",
            hook.name.wire,
            api.ty(id).name
        );
        // The provider's request is not the API's: no bearer token is asked of it.
        assert!(hook.security.is_empty(), "{}", hook.name.wire);
    }
    assert!(!warnings.contains("webhook"), "{warnings}");
    // The API's own operations are all there beside them.
    assert_eq!(api.operations.len(), 288);
}

#[test]
fn every_streaming_operation_has_a_typed_event_stream() {
    let Some((api, _)) = openai() else {
        return;
    };
    let streaming: Vec<&str> = api
        .operations
        .iter()
        .filter(|op| op.responses.iter().any(|r| r.stream.is_some()))
        .map(|op| op.name.wire.as_str())
        .collect();
    assert_eq!(streaming.len(), 7, "{streaming:?}");
    assert!(streaming.contains(&"createChatCompletion"), "{streaming:?}");
    assert!(streaming.contains(&"createResponse"), "{streaming:?}");
}

/// The spec's examples, decoded with the generated types and encoded again: every one that
/// fits its schema (as the `jsonschema` crate judges it) must come back unchanged. It builds the
/// models of 1,422 schemas, minutes on two cores: run it with `--ignored` (last run: 15
/// examples, 10 fit their schema, all 10 lossless).
#[test]
#[ignore = "builds OpenAI's models (minutes): cargo test --test openai -- --ignored"]
fn every_example_that_fits_its_schema_round_trips() {
    let Some((api, _)) = openai() else {
        return;
    };
    let cases = openapi_forge::examples::cases(&api);
    let config = Config {
        specs: vec![spec()],
        crate_name: "openai-examples".into(),
        source_label: "openai/openapi.yaml".into(),
        regenerate_command: "cargo test".into(),
        selection: Default::default(),
    };
    let (output, _) = openapi_forge::generate(&config).expect("generates");
    let target = forge_tests::target_dir().join("examples-round-trip");
    let dir = target.join("openai-examples");
    let _ = std::fs::remove_dir_all(&dir);
    output.write(&dir).expect("write the crate");
    let outcomes = xtask::corpus::examples::run(
        &api,
        &cases,
        &dir,
        "openai-examples",
        &target.join("target"),
        1200,
    )
    .unwrap_or_else(|e| panic!("the harness did not run: {e}"));
    let fit: Vec<_> = outcomes.iter().filter(|o| o.fits == Some(true)).collect();
    let failed: Vec<String> = fit
        .iter()
        .filter(|o| o.fate != xtask::corpus::examples::Fate::Lossless)
        .map(|o| format!("{}: {:?}", o.pointer, o.fate))
        .collect();
    eprintln!(
        "{} examples, {} fit their schema, {} of those not lossless",
        outcomes.len(),
        fit.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
