//! One snapshot per fixture spec: the files of the generated crate, so that every change to the
//! generated code is seen in review. Snapshots live in `tests/snapshots/<fixture>.snap`;
//! after an intended change, review and accept them with `cargo insta review` (or rerun with
//! `INSTA_UPDATE=always` and read the diff).

use forge_tests::{
    fixtures, path_matches, render, Fixture, BUNDLING_FIXTURES, OPERATION_FILES, SHARED_FILES,
};

/// Generates `name` and compares its files (but the shared ones) with the snapshot.
fn snapshot(name: &str) {
    let fixture = Fixture::named(name);
    let (output, warnings) = fixture.generate();
    let skip = fixture.unsnapshotted_files();
    insta::with_settings!({
        snapshot_path => "snapshots",
        prepend_module_to_snapshot => false,
        description => format!("openapi-forge output for tests/{}", forge_tests::slash_path(&fixture.spec)),
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, render(&output, &warnings, &skip));
    });
}

/// One `#[test]` per fixture, named after it, plus the list the completeness test checks.
macro_rules! fixture_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                snapshot(stringify!($name));
            }
        )*

        const TESTED: &[&str] = &[$(stringify!($name)),*];
    };
}

fixture_tests!(
    additional_properties,
    all_of,
    all_of_object,
    any_of,
    callbacks,
    client_auth,
    client_bodies,
    client_pagination,
    client_params,
    client_responses,
    client_retries,
    component_refs,
    constraints,
    crate_versions,
    defaults,
    docs,
    duplicate_operation_ids,
    formats,
    free_form,
    generated_names,
    int_enums,
    json_schema_defs,
    lint_shapes,
    literal_refs,
    multi_file,
    names,
    nested_inline,
    null_unions,
    nullability,
    one_of,
    openapi_31,
    overrides,
    param_types,
    path_item_ref,
    read_write,
    recursive,
    recursive_all_of,
    scalar_strings,
    secrets,
    server_deviations,
    streaming,
    string_enums,
    swagger_20,
    union_shapes,
    unused_security,
    webhooks,
    webhooks_only,
);

/// A fixture added without a test here would never be snapshotted.
#[test]
fn every_fixture_has_a_snapshot_test() {
    let found: Vec<String> = fixtures().into_iter().map(|f| f.name).collect();
    let tested: Vec<String> = TESTED.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        found, tested,
        "tests/snapshots.rs must list exactly the fixtures under tests/fixtures, in name order"
    );
}

/// The files left out of the per-fixture snapshots, snapshotted once each, from the fixture
/// that needs the most of the runtime (chrono, uuid and base64 support) and has no operations.
#[test]
fn shared_files() {
    let fixture = Fixture::named("formats");
    assert!(
        !fixture.has_operations(),
        "formats must stay without operations"
    );
    let (output, _) = fixture.generate();
    for pattern in SHARED_FILES.iter().chain(OPERATION_FILES) {
        let (path, contents) = output
            .files
            .iter()
            .find(|(path, _)| path_matches(pattern, path))
            .unwrap_or_else(|| {
                panic!("nothing matches {pattern} any more: update the lists in tests/lib.rs")
            });
        let name = format!(
            "shared_{}",
            pattern.replace('*', "crate").replace(['/', '.', '-'], "_")
        );
        insta::with_settings!({
            snapshot_path => "snapshots",
            prepend_module_to_snapshot => false,
            description => format!("{path}, as generated for tests/fixtures/formats.yaml"),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, contents);
        });
    }
}

/// Every fixture named as a bundling fixture exists (a typo would silently drop its bundle).
#[test]
fn bundling_fixtures_exist() {
    for name in BUNDLING_FIXTURES {
        Fixture::named(name);
    }
}

/// The support module carries pattern matching (and the crate depends on `regex`) exactly when
/// a spec has a `pattern`.
#[test]
fn pattern_support_only_when_needed() {
    for (name, wanted) in [("constraints", true), ("formats", false)] {
        let (output, _) = Fixture::named(name).generate();
        let support = &output.files["src/support.rs"];
        let manifest = &output.files["Cargo.toml"];
        assert_eq!(
            support.contains("fn matches_pattern"),
            wanted,
            "{name}: src/support.rs"
        );
        assert_eq!(
            manifest.contains("\nregex = "),
            wanted,
            "{name}: Cargo.toml"
        );
    }
}
