//! Specs the generator must refuse: one test per fixture under `tests/fixtures/errors/`, each
//! checking that `generate` fails, that the diagnostics name the file, the JSON pointer and
//! (where the parser can tell) the line and column, and snapshotting the rendered diagnostics
//! (`tests/snapshots/error_<fixture>.snap`).

use std::path::Path;

use forge_tests::{error_fixtures, slash_path};
use openapi_forge::{Config, Diagnostics, Severity};

/// Generates an error fixture, which must fail; returns its diagnostics.
fn fail(name: &str) -> Diagnostics {
    let spec = Path::new("fixtures")
        .join("errors")
        .join(format!("{name}.yaml"));
    let config = Config {
        specs: vec![spec],
        crate_name: name.to_string(),
        source_label: format!("tests/fixtures/errors/{name}.yaml"),
        regenerate_command: forge_tests::REGENERATE.to_string(),
        selection: Default::default(),
    };
    let diags = match openapi_forge::generate(&config) {
        Ok((output, _)) => panic!(
            "`{name}` generated {} files instead of failing",
            output.files.len()
        ),
        Err(diags) => diags,
    };
    assert!(
        diags.has_errors(),
        "`{name}` failed without an error:\n{diags}"
    );
    insta::with_settings!({
        snapshot_path => "snapshots",
        prepend_module_to_snapshot => false,
        description => format!("diagnostics for tests/fixtures/errors/{name}.yaml"),
        omit_expression => true,
    }, {
        insta::assert_snapshot!(format!("error_{name}"), diags.to_string());
    });
    diags
}

/// The rendered errors (`file:line:col at #pointer: message`), in the order found.
fn errors(diags: &Diagnostics) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}: {}", d.location, d.message))
        .collect()
}

/// Asserts that the errors are exactly `expected`, each given as (location, part of message).
#[track_caller]
fn assert_errors(diags: &Diagnostics, expected: &[(&str, &str)]) {
    let found = errors(diags);
    assert_eq!(
        found.len(),
        expected.len(),
        "wrong number of errors: {found:#?}"
    );
    for (found, (location, message)) in found.iter().zip(expected) {
        let (at, text) = found
            .split_once(": ")
            .unwrap_or_else(|| panic!("`{found}` has no location"));
        assert_eq!(at, *location, "location of `{found}`");
        assert!(text.contains(message), "`{found}` should say `{message}`");
    }
}

#[test]
fn dangling_ref() {
    let diags = fail("dangling_ref");
    assert_errors(
        &diags,
        &[
            (
                "fixtures/errors/dangling_ref.yaml:14:11 at #/components/schemas/Pet/properties/owner/$ref",
                "`fixtures/errors/dangling_ref.yaml#/components/schemas/Missing` does not exist",
            ),
            (
                "fixtures/errors/dangling_ref.yaml:16:11 at #/components/schemas/Pet/properties/toy/$ref",
                "cannot read `fixtures/errors/nowhere.yaml`",
            ),
        ],
    );
}

#[test]
fn ref_cycle() {
    let diags = fail("ref_cycle");
    assert_errors(
        &diags,
        &[
            (
                "fixtures/errors/ref_cycle.yaml:10:5 at #/components/schemas/A",
                "schema references form a cycle with no schema in it",
            ),
            (
                "fixtures/errors/ref_cycle.yaml:12:5 at #/components/schemas/B",
                "schema references form a cycle with no schema in it",
            ),
        ],
    );
}

#[test]
fn invalid_yaml() {
    let diags = fail("invalid_yaml");
    assert_errors(
        &diags,
        &[(
            "fixtures/errors/invalid_yaml.yaml:11:1",
            "while scanning a quoted scalar at line 9 column 16",
        )],
    );
}

#[test]
fn openapi_40() {
    let diags = fail("openapi_40");
    assert_errors(
        &diags,
        &[(
            "fixtures/errors/openapi_40.yaml:3:1 at #/openapi",
            "unsupported openapi version \"4.0.0\": openapi 3.0.x, 3.1.x and 3.2.x documents are read",
        )],
    );
}

#[test]
fn swagger_12() {
    let diags = fail("swagger_12");
    assert_errors(
        &diags,
        &[(
            "fixtures/errors/swagger_12.yaml:2:1 at #/swagger",
            "unsupported swagger version \"1.2\": swagger 2.0 and openapi 3.0.x, 3.1.x and 3.2.x documents are read",
        )],
    );
}

#[test]
fn wrong_type() {
    let diags = fail("wrong_type");
    assert_errors(
        &diags,
        &[
            (
                "fixtures/errors/wrong_type.yaml:15:11 at #/components/schemas/Pet/properties/name/maxLength",
                "invalid type: string \"ten\", expected usize",
            ),
            (
                "fixtures/errors/wrong_type.yaml:18:7 at #/components/schemas/Owner/required",
                "invalid type: string \"name\", expected a sequence",
            ),
        ],
    );
}

#[test]
fn keyword_locations() {
    let diags = fail("keyword_locations");
    assert_errors(
        &diags,
        &[
            (
                "fixtures/errors/keyword_locations.yaml:19:13 at #/paths/~1things~1{id}/get/parameters/0/schema/maxLength",
                "invalid type: string \"ten\", expected usize",
            ),
            (
                "fixtures/errors/keyword_locations.yaml:36:13 at #/components/responses/Things/content/application~1json/schema/items",
                "invalid type: integer `5`",
            ),
            (
                "fixtures/errors/keyword_locations.yaml:27:7 at #/components/securitySchemes/key/in",
                "unknown variant `body`",
            ),
        ],
    );
}

/// An error fixture added without a test here would be checked by nothing.
#[test]
fn every_error_fixture_has_a_test() {
    let found: Vec<String> = error_fixtures().into_iter().map(|(n, _)| n).collect();
    let tested = [
        "dangling_ref",
        "invalid_yaml",
        "keyword_locations",
        "openapi_40",
        "overrides",
        "ref_cycle",
        "swagger_12",
        "wrong_type",
    ];
    assert_eq!(
        found, tested,
        "tests/errors.rs must test every error fixture"
    );
}

/// Diagnostics name files as they were given, never made absolute.
#[test]
fn diagnostics_keep_relative_paths() {
    for (name, path) in error_fixtures() {
        let diags = match openapi_forge::generate(&Config {
            specs: vec![path.clone()],
            crate_name: name.clone(),
            source_label: String::new(),
            regenerate_command: String::new(),
            selection: Default::default(),
        }) {
            Ok(_) => panic!("`{name}` should fail"),
            Err(diags) => diags,
        };
        for d in diags.iter() {
            assert_eq!(
                d.location.file,
                slash_path(&path),
                "`{name}`: {d} names another file"
            );
        }
    }
}

#[test]
fn overrides() {
    let diags = fail("overrides");
    let at =
        |line: &str, pointer: &str| format!("fixtures/errors/overrides.yaml:{line} at #{pointer}");
    let expected = [
        (
            at("26:7", "/components/schemas/Pet/x-rust-name"),
            "must be a Rust identifier",
        ),
        (
            at("36:7", "/components/schemas/Animal/x-rust-name"),
            "`Animal` is already the name of another type",
        ),
        (
            at("41:7", "/components/schemas/Failure/x-rust-name"),
            "`Client` is a name the generated code uses itself",
        ),
        (
            at("46:7", "/components/schemas/Money/x-rust-type"),
            "must be a Rust type",
        ),
        (
            at("49:7", "/components/schemas/Tag/x-rust-derives"),
            "must be a list of trait paths",
        ),
        (
            at("19:7", "/paths/~1b/get/x-rust-name"),
            "`fetch` is already the name of another operation's method",
        ),
    ];
    let expected: Vec<(&str, &str)> = expected.iter().map(|(a, m)| (a.as_str(), *m)).collect();
    assert_errors(&diags, &expected);
}
