//! Everything generated compiles, lints clean and behaves as documented.
//!
//! Every fixture is generated into `<target>/fixture-crates/<name>/`, together with its
//! behaviour test (`fixtures/<name>.behaviour.rs` becomes the crate's `tests/behaviour.rs`). A
//! workspace of its own (`[workspace]` in `<target>/fixture-crates/Cargo.toml`, so it does not
//! join ours) holds them all, with a copy of our `Cargo.lock` so that dependency versions match
//! ours and resolve without the network. One `cargo clippy` and one `cargo test` then cover all
//! of them, sharing `<target>/fixture-target` so dependencies are built once; `cargo test --doc`
//! runs the generated crates' doctests, which is the check that vendor descriptions never turn
//! into failing doctests.

use std::path::Path;
use std::process::Command;

use forge_tests::{fixtures, indent, target_dir, workspace_root};

/// The features the generated crates are built and tested with: all of them, so that every
/// emitter's output (models, client, server, the mock and smoke examples) is compiled, linted
/// and tested here.
const FEATURES: &[&str] = &["--all-features"];

/// Every other set of features a user may pick, each linted on its own: models only, the
/// server alone, the client and the server without any tag feature (no operation at all in a
/// crate with several tags), and the default. With each tag alone (see
/// [`tag_features`]), these and [`FEATURES`] cover what a dependent crate can enable.
const OTHER_FEATURE_SETS: &[&[&str]] = &[
    &["--no-default-features"],
    &["--no-default-features", "--features", "server"],
    &["--no-default-features", "--features", "client,server"],
    &[],
];

/// Fixtures whose behaviour tests use the models alone: they run once more with no features,
/// so that a feature that changes what a model accepts (a non-additive feature) fails them.
const MODEL_ONLY_BEHAVIOUR: &[&str] = &["nullability", "null_unions", "union_shapes"];

#[test]
fn generated_crates_compile_lint_clean_and_pass_their_behaviour_tests() {
    let target = target_dir();
    let root = target.join("fixture-crates");
    std::fs::create_dir_all(&root).expect("create the fixture workspace directory");

    let fixtures = fixtures();
    for fixture in &fixtures {
        let (mut output, _) = fixture.generate();
        if let Some(behaviour) = fixture.behaviour() {
            let text = std::fs::read_to_string(&behaviour)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", behaviour.display()));
            output.files.insert("tests/behaviour.rs".to_string(), text);
        }
        // `Output::write` leaves unchanged files alone (so cargo rebuilds only what changed) and
        // removes the files it no longer produces.
        let dir = root.join(&fixture.name);
        output
            .write(&dir)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", dir.display()));
    }
    // Crates of fixtures that no longer exist would otherwise stay in the build.
    for entry in std::fs::read_dir(&root)
        .expect("list the fixture workspace")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && !fixtures.iter().any(|f| f.name == name) {
            std::fs::remove_dir_all(entry.path()).expect("remove a stale fixture crate");
        }
    }

    let members: Vec<String> = fixtures
        .iter()
        .map(|f| format!("    \"{}\",\n", f.name))
        .collect();
    let manifest = format!(
        "# Written by tests/compile.rs: every fixture crate, in a workspace of its own.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\n{}]\n\n\
         # Dozens of crates link reqwest, axum and tokio into test binaries: no debug info\n\
         # keeps the shared target directory small.\n\
         [profile.dev]\ndebug = false\n",
        members.concat()
    );
    write_if_changed(&root.join("Cargo.toml"), &manifest);
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock"))
        .expect("the workspace has a Cargo.lock");
    write_if_changed(&root.join("Cargo.lock"), &lock);

    let fixture_target = target.join("fixture-target");
    let clippy = [
        &["clippy", "--workspace", "--all-targets"],
        FEATURES,
        &["--", "-D", "warnings"],
    ];
    cargo(&root, &fixture_target, &clippy.concat());
    for features in OTHER_FEATURE_SETS {
        let lint = [
            &["clippy", "--workspace", "--lib"],
            *features,
            &["--", "-D", "warnings"],
        ];
        cargo(&root, &fixture_target, &lint.concat());
    }
    // Each tag feature alone, client and server, in the crates with several tags.
    for fixture in &fixtures {
        let manifest = std::fs::read_to_string(root.join(&fixture.name).join("Cargo.toml"))
            .expect("a generated manifest");
        for tag in tag_features(&manifest) {
            let features = format!("client,server,{tag}");
            cargo(
                &root,
                &fixture_target,
                &[
                    "clippy",
                    "--package",
                    &fixture.name,
                    "--lib",
                    "--no-default-features",
                    "--features",
                    &features,
                    "--",
                    "-D",
                    "warnings",
                ],
            );
        }
    }
    let packages: Vec<&str> = MODEL_ONLY_BEHAVIOUR
        .iter()
        .flat_map(|name| ["--package", name])
        .collect();
    cargo(
        &root,
        &fixture_target,
        &[
            &["test", "--no-default-features", "--tests"],
            packages.as_slice(),
        ]
        .concat(),
    );
    // Clippy has type-checked the examples; linking them too (which `cargo test` does by
    // default) would cost a binary per example and nothing more, so the tests run as two
    // invocations: unit and integration tests, then doctests.
    cargo(
        &root,
        &fixture_target,
        &[&["test", "--workspace", "--lib", "--tests"], FEATURES].concat(),
    );
    cargo(
        &root,
        &fixture_target,
        &[&["test", "--workspace", "--doc"], FEATURES].concat(),
    );

    // The `docs` fixture's descriptions hold code that does not compile, so `cargo test` above
    // fails if any of it became a doctest. A description can also turn into a doctest that
    // happens to compile (an empty one, say) and fails after the next vendor edit: the models'
    // docs come only from descriptions, so none of their doctests may exist at all.
    let listed = cargo(
        &root,
        &fixture_target,
        &[
            "test",
            "--package",
            "docs",
            "--all-features",
            "--doc",
            "--",
            "--list",
        ],
    );
    let doctests: Vec<&str> = listed
        .lines()
        .filter(|l| l.starts_with("src/models.rs") && l.ends_with(": test"))
        .collect();
    assert!(
        doctests.is_empty(),
        "descriptions in tests/fixtures/docs.yaml became doctests:\n{}",
        doctests.join("\n")
    );
}

/// The tag features a generated manifest defines: the members of its `all-tags` feature.
fn tag_features(manifest: &str) -> Vec<String> {
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("all-tags = ["))
        .map(|list| {
            list.trim_end_matches(']')
                .split(',')
                .map(|t| t.trim().trim_matches('"').to_string())
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// A behaviour test whose fixture was renamed or removed would silently stop running.
#[test]
fn every_behaviour_test_has_a_fixture() {
    let names: Vec<String> = fixtures().into_iter().map(|f| f.name).collect();
    let dir = forge_tests::crate_dir().join("fixtures");
    for entry in std::fs::read_dir(&dir).expect("list fixtures").flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if let Some(name) = file.strip_suffix(".behaviour.rs") {
            assert!(
                names.iter().any(|n| n == name),
                "tests/fixtures/{file} has no fixture `{name}`"
            );
        }
    }
}

/// Runs cargo in `dir` and returns its stdout, failing the test with cargo's output when it
/// fails.
fn cargo(dir: &Path, target: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    if !output.status.success() {
        panic!(
            "`cargo {}` failed in {} ({}):\n--- stdout\n{}--- stderr\n{}",
            args.join(" "),
            dir.display(),
            output.status,
            indent(&String::from_utf8_lossy(&output.stdout)),
            indent(&String::from_utf8_lossy(&output.stderr)),
        );
    }
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Writes `contents` unless the file already holds exactly that, keeping its timestamp.
fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).is_ok_and(|existing| existing == contents) {
        return;
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create a parent directory");
    }
    std::fs::write(path, contents)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}
