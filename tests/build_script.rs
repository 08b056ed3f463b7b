//! `openapi_forge::build`, the entry point for build scripts: the example crate
//! `examples/build-script/` generates its client in `build.rs` and its tests call it against a
//! local server; the library call itself names every spec file read, lists the dependencies
//! the code needs, and returns a readable error for a bad spec.

use std::path::{Path, PathBuf};
use std::process::Command;

use forge_tests::{indent, profile_dir, target_dir, workspace_root};
use openapi_forge::build::{BuildError, Builder, Parts};
use openapi_forge::Selection;

/// A fresh, empty directory for one test's output, under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = target_dir().join("build-script-tests").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("clear the scratch directory");
    }
    std::fs::create_dir_all(&dir).expect("create the scratch directory");
    dir
}

#[test]
fn the_example_crate_builds_and_its_client_works_against_a_local_server() {
    let profile = match profile_dir().file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => "dev".to_string(),
        Some(other) => other.to_string(),
    };
    let output = Command::new(env!("CARGO"))
        .args([
            "test",
            "--offline",
            "--package",
            "forge-build-script-example",
        ])
        .args(["--profile", &profile, "--test", "client"])
        .current_dir(workspace_root())
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the example crate's tests failed:\n{}{}",
        indent(&stdout),
        indent(&stderr)
    );
    for test in [
        "the_generated_client_calls_the_server_and_decodes_typed_models",
        "an_error_status_is_an_error_that_keeps_the_status",
        "the_models_are_plain_serde_types",
    ] {
        assert!(stdout.contains(&format!("test {test} ... ok")), "{stdout}");
    }

    // Cargo reruns the build script when any file of the spec changes, the one the `$ref`s
    // reach included.
    let output = newest_build_script_output("forge-build-script-example")
        .expect("the example's build script ran");
    let text = std::fs::read_to_string(&output).expect("read the build script's output");
    for file in ["multi_file/api.yaml", "multi_file/shared/pets.yaml"] {
        assert!(
            text.lines()
                .any(|l| l.starts_with("cargo:rerun-if-changed=") && l.ends_with(file)),
            "no rerun-if-changed for {file} in {}:\n{text}",
            output.display()
        );
    }
}

/// `<target>/<profile>/build/<package>-<hash>/output` of the latest run of the package's build
/// script.
fn newest_build_script_output(package: &str) -> Option<PathBuf> {
    let prefix = format!("{package}-");
    std::fs::read_dir(profile_dir().join("build"))
        .ok()?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path().join("output"))
        .filter(|p| p.is_file())
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
}

#[test]
fn generate_names_every_file_read_and_writes_one_file() {
    let out = scratch("multi_file");
    let generated = Builder::new("fixtures/multi_file/api.yaml")
        .out_dir(&out)
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        generated.files_read,
        [
            Path::new("fixtures/multi_file/api.yaml"),
            Path::new("fixtures/multi_file/shared/pets.yaml")
        ]
    );
    // The default module name is the folder's, as `api.yaml` says nothing.
    assert_eq!(generated.file, out.join("multi_file.rs"));
    let text = std::fs::read_to_string(&generated.file).expect("the file is written");
    assert!(text.contains("pub mod client {"), "{text}");
    assert!(
        !text.contains("pub mod server"),
        "the server was not asked for"
    );
    assert!(
        !text.contains("crate::"),
        "paths are relative to the including module"
    );
    assert!(
        !text.lines().any(|l| l.starts_with("#![")),
        "include! refuses inner attributes at the top"
    );
    for dep in &generated.dependencies {
        assert!(
            text.contains(&dep.toml_line()),
            "the header lists {}",
            dep.name
        );
    }
}

#[test]
fn a_folder_is_its_root_documents_and_parts_choose_the_code() {
    let out = scratch("folder");
    let generated = Builder::new("fixtures/multi_file")
        .module_name("pets")
        .parts(Parts::Models)
        .out_dir(&out)
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generated.file, out.join("pets.rs"));
    let text = std::fs::read_to_string(&generated.file).expect("the file is written");
    assert!(text.contains("pub struct Pet {"), "{text}");
    assert!(!text.contains("pub mod client"), "models only");
    let names: Vec<&str> = generated
        .dependencies
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert!(!names.contains(&"reqwest"), "{names:?}");
    assert!(names.contains(&"serde"), "{names:?}");

    let server = Builder::new("fixtures/multi_file")
        .parts(Parts::ClientAndServer)
        .out_dir(&out)
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(&server.file).expect("the file is written");
    assert!(text.contains("pub mod server {"));
    // The server serves the bundled spec, written beside the code and included by path.
    let json = out.join("multi_file").join("openapi.json");
    assert!(json.is_file(), "{} is written", json.display());
    assert!(text.contains("include_str!("));
    assert!(
        text.contains(&format!("{:?}", json.to_string_lossy())),
        "{text}"
    );
}

#[test]
fn a_bad_spec_is_an_error_that_lists_every_problem() {
    let out = scratch("bad_spec");
    let error = Builder::new("fixtures/errors/dangling_ref.yaml")
        .out_dir(&out)
        .generate()
        .expect_err("the spec has dangling $refs");
    let BuildError::Spec { diagnostics, .. } = &error else {
        panic!("not a spec error: {error}");
    };
    assert_eq!(diagnostics.error_count(), 2);
    // What a build script's `main` prints when it returns the error.
    let text = format!("{error:?}");
    assert!(
        text.starts_with("the spec fixtures/errors/dangling_ref.yaml has 2 error(s):"),
        "{text}"
    );
    assert!(
        text.contains("fixtures/errors/dangling_ref.yaml:14:11"),
        "{text}"
    );
    assert!(text.contains("nowhere.yaml"), "{text}");
    assert_eq!(
        std::fs::read_dir(&out).expect("list").count(),
        0,
        "nothing is written"
    );

    let error = Builder::new("fixtures/no-such-spec.yaml")
        .out_dir(&out)
        .generate()
        .expect_err("the file does not exist");
    assert!(error.to_string().contains("no-such-spec.yaml"), "{error}");
}

#[test]
fn select_keeps_the_operations_named_and_reports_what_it_kept() {
    let out = scratch("select");
    let generated = Builder::new("cli/select.yaml")
        .module_name("stores")
        .select(Selection {
            operations: vec!["getStore".into()],
            ..Default::default()
        })
        .out_dir(&out)
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    let summary = generated.selected.expect("a selection was given");
    assert_eq!(
        summary.to_string(),
        "kept 1 of 4 operations (operations: getStore), 3 of 12 schemas"
    );
    let text = std::fs::read_to_string(&generated.file).expect("the file is written");
    assert!(text.contains("fn get_store("), "{text}");
    assert!(text.contains("pub struct Address {"), "{text}");
    assert!(!text.contains("fn list_pets("), "{text}");
    assert!(!text.contains("pub struct Pet {"), "{text}");

    let error = Builder::new("cli/select.yaml")
        .select(Selection {
            include_tags: vec!["nope".into()],
            ..Default::default()
        })
        .out_dir(&out)
        .generate()
        .expect_err("no operation has the tag");
    assert!(
        error.to_string().contains("--include-tags `nope`"),
        "{error}"
    );
}

/// The example declares every crate the generated code uses, at the version the generator
/// asks for: a template change that needs another crate or version fails here.
#[test]
fn the_example_declares_the_dependencies_the_generated_code_needs() {
    let out = scratch("dependencies");
    let generated = Builder::new("fixtures/multi_file/api.yaml")
        .out_dir(&out)
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    let manifest = workspace_root().join("examples/build-script/Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest).expect("read the example's manifest");
    let dependencies = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("the example has [dependencies]");
    for dep in &generated.dependencies {
        let line = dependencies
            .lines()
            .find(|l| l.starts_with(&format!("{} =", dep.name)))
            .unwrap_or_else(|| {
                panic!("examples/build-script does not declare {}", dep.toml_line())
            });
        let version = dep
            .requirement
            .split('"')
            .nth(1)
            .filter(|_| dep.requirement.starts_with('"'))
            .or_else(|| {
                dep.requirement
                    .split("version = \"")
                    .nth(1)?
                    .split('"')
                    .next()
            })
            .expect("a version");
        assert!(
            line.contains(&format!("\"{version}\"")),
            "examples/build-script declares `{line}`; the generated code needs {}",
            dep.toml_line()
        );
    }
}
