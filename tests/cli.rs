//! The `openapi-forge` binary: exit status 0 on success, 1 when a spec has errors, 2 on usage
//! errors; diagnostics go to stderr; a failed `generate` writes nothing.
//!
//! Cargo only hands `CARGO_BIN_EXE_*` to the tests of the binary's own package, so the binary
//! is built here, once, with the cargo that runs these tests, into the same target directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use forge_tests::{crate_dir, indent, profile_dir, target_dir, workspace_root};
use openapi_forge::Config;

/// The freshly built binary.
fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let profile_dir = profile_dir();
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => "dev",
            Some(other) => other,
        };
        let output = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--package", "openapi-forge"])
            .args(["--bin", "openapi-forge", "--profile", profile])
            .current_dir(workspace_root())
            .env("CARGO_TARGET_DIR", target_dir())
            .output()
            .expect("cargo runs");
        assert!(
            output.status.success(),
            "cannot build the openapi-forge binary:\n{}",
            indent(&String::from_utf8_lossy(&output.stderr))
        );
        profile_dir.join(format!("openapi-forge{}", std::env::consts::EXE_SUFFIX))
    })
}

/// Runs the binary in this crate's directory, where the fixture paths are relative to.
fn run(args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .current_dir(crate_dir())
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh, empty directory for one test's output, under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = target_dir().join("cli-tests").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("clear the scratch directory");
    }
    std::fs::create_dir_all(dir.parent().expect("has a parent")).expect("create cli-tests");
    dir
}

#[test]
fn generate_with_a_good_spec_exits_0_and_writes_the_crate() {
    let out = scratch("good");
    let output = run(&[
        "generate",
        "fixtures/all_of.yaml",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for file in ["Cargo.toml", "README.md", "src/lib.rs", "src/models.rs"] {
        assert!(out.join(file).is_file(), "{file} was not written");
    }
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("Cargo.toml");
    assert!(
        manifest.contains("name = \"good\""),
        "the crate is named after --out:\n{manifest}"
    );
    assert!(stderr(&output).contains("wrote"), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
}

#[test]
fn generate_with_a_bad_spec_exits_1_and_writes_nothing() {
    let out = scratch("bad");
    let output = run(&[
        "generate",
        "fixtures/errors/dangling_ref.yaml",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!out.exists(), "a failed generate created {}", out.display());
    let text = stderr(&output);
    assert!(
        text.contains("error: fixtures/errors/dangling_ref.yaml:14:11 at #/components/schemas/Pet/properties/owner/$ref: "),
        "{text}"
    );
    assert!(text.ends_with("2 error(s)\n"), "{text}");
}

#[test]
fn check_prints_every_diagnostic_to_stderr_and_exits_1() {
    let spec = "fixtures/errors/wrong_type.yaml";
    let output = run(&["check", spec]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "diagnostics belong on stderr");
    // The same diagnostics the library reports, one per line, then the count.
    let diags = match openapi_forge::build_api(&Config {
        specs: vec![PathBuf::from(spec)],
        crate_name: "check".into(),
        source_label: String::new(),
        regenerate_command: String::new(),
        selection: Default::default(),
    }) {
        Ok(_) => panic!("{spec} should not build"),
        Err(diags) => diags,
    };
    assert_eq!(
        stderr(&output),
        format!("{diags}{} error(s)\n", diags.error_count())
    );
}

#[test]
fn check_with_a_good_spec_exits_0() {
    let output = run(&["check", "fixtures/one_of.yaml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).starts_with("ok: "), "{}", stderr(&output));
}

#[test]
fn a_missing_spec_file_exits_1() {
    let output = run(&["check", "fixtures/does-not-exist.yaml"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot read `fixtures/does-not-exist.yaml`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn usage_errors_exit_2() {
    let cases: [&[&str]; 5] = [
        &[],
        &["frobnicate"],
        &["check"],
        &["generate", "fixtures/all_of.yaml"],
        &["check", "--no-such-flag", "fixtures/all_of.yaml"],
    ];
    for args in cases {
        let output = run(args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "`openapi-forge {}`:\n{}",
            args.join(" "),
            stderr(&output)
        );
        assert!(
            !stderr(&output).is_empty(),
            "`openapi-forge {}` said nothing",
            args.join(" ")
        );
    }
}

#[test]
fn help_exits_0_and_documents_the_exit_status() {
    let output = run(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Exit status"), "{text}");
}

#[test]
fn version_prints_the_package_version() {
    let output = run(&["--version"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        text.trim(),
        format!("openapi-forge {}", openapi_forge::VERSION),
        "{text}"
    );
}

#[test]
fn completions_print_a_script_for_the_shell() {
    let output = run(&["completions", "bash"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let script = String::from_utf8_lossy(&output.stdout);
    assert!(script.contains("complete -F _openapi__forge"), "{script}");
    for subcommand in ["generate", "check", "diff", "completions"] {
        assert!(
            script.contains(subcommand),
            "no `{subcommand}` in:\n{script}"
        );
    }
    let output = run(&["completions", "no-such-shell"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

/// `cargo install --path generator` (what the README tells users) installs a working binary.
/// Built in debug into this target directory, so that it reuses what the tests built.
#[test]
fn cargo_install_from_the_path_installs_the_binary() {
    let root = scratch("install");
    let output = Command::new(env!("CARGO"))
        .args(["install", "--quiet", "--offline", "--locked", "--debug"])
        .arg("--path")
        .arg(workspace_root().join("generator"))
        .arg("--root")
        .arg(&root)
        .arg("--target-dir")
        .arg(target_dir())
        .current_dir(workspace_root())
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo install failed:\n{}",
        indent(&String::from_utf8_lossy(&output.stderr))
    );
    let installed = root
        .join("bin")
        .join(format!("openapi-forge{}", std::env::consts::EXE_SUFFIX));
    let output = Command::new(&installed)
        .arg("--version")
        .output()
        .expect("the installed binary runs");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("openapi-forge {}", openapi_forge::VERSION)
    );
}

/// The spec of the selection tests: tags `pets`, `stores`, `admin` and an untagged operation.
const SELECT_SPEC: &str = "cli/select.yaml";

/// The names of the items `pub struct`, `pub enum` or `pub type` declares in `file`.
fn declared(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    text.lines()
        .filter_map(|line| {
            let rest = ["pub struct ", "pub enum ", "pub type "]
                .iter()
                .find_map(|kw| line.strip_prefix(kw))?;
            let end = rest
                .find(|c: char| !c.is_alphanumeric() && c != '_')
                .unwrap_or(rest.len());
            Some(rest[..end].to_string())
        })
        .collect()
}

#[test]
fn include_tags_keeps_their_operations_and_the_schemas_they_reach() {
    let out = scratch("select-pets");
    let output = run(&[
        "generate",
        SELECT_SPEC,
        "--out",
        out.to_str().expect("utf-8 path"),
        "--include-tags",
        "pets",
    ]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("kept 2 of 4 operations (tags: pets), 8 of 12 schemas\n"),
        "{text}"
    );
    let client = std::fs::read_to_string(out.join("src/client.rs")).expect("client.rs");
    for kept in ["fn list_pets(", "fn create_pet("] {
        assert!(client.contains(kept), "`{kept}` is missing:\n{client}");
    }
    for dropped in ["fn get_store(", "fn get_health(", "StoresApi"] {
        assert!(!client.contains(dropped), "`{dropped}` was generated");
    }
    let models = declared(&out.join("src/models.rs"));
    // Pet and the schemas it reaches (Owner, Kind, Cat; Dog only through the discriminator's
    // mapping), the body's NewPet, the parameter's PageSize, the response's Problem.
    for kept in [
        "Pet", "Owner", "Kind", "Cat", "Dog", "NewPet", "PageSize", "Problem",
    ] {
        assert!(
            models.contains(&kept.to_string()),
            "{kept} is missing: {models:?}"
        );
    }
    // Only the operations left out reach Store, Address and BuildId; nothing reaches Orphan.
    for dropped in ["Store", "Address", "BuildId", "Orphan"] {
        assert!(
            !models.contains(&dropped.to_string()),
            "{dropped} was kept: {models:?}"
        );
    }
}

#[test]
fn operations_and_exclude_tags_select_by_id_method_and_path() {
    let out = scratch("select-ops");
    let output = run(&[
        "generate",
        SELECT_SPEC,
        "--out",
        out.to_str().expect("utf-8 path"),
        "--operations",
        "getStore,createPet",
        "--operations",
        "get /health",
        "--exclude-tags",
        "admin",
    ]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains(
            "kept 2 of 4 operations (operations: getStore, createPet, get /health; \
             excluding tags: admin), 4 of 12 schemas\n"
        ),
        "{text}"
    );
    let client = std::fs::read_to_string(out.join("src/client.rs")).expect("client.rs");
    assert!(client.contains("fn get_store("), "{client}");
    assert!(!client.contains("fn create_pet("), "an excluded tag wins");
    assert!(
        !client.contains("fn list_pets("),
        "listPets was not selected"
    );
    let mut models = declared(&out.join("src/models.rs"));
    models.sort();
    assert_eq!(models, ["Address", "BuildId", "Problem", "Store"]);
}

#[test]
fn a_selector_that_matches_nothing_is_an_error_and_nothing_is_written() {
    let out = scratch("select-nothing");
    let cases: [(&[&str], &str); 4] = [
        (
            &["--include-tags", "pets,nope"],
            "error: cli/select.yaml: --include-tags `nope`: no operation has this tag; \
             the tags are: admin, default, pets, stores\n",
        ),
        (
            &["--exclude-tags", "nope"],
            "error: cli/select.yaml: --exclude-tags `nope`: no operation has this tag; \
             the tags are: admin, default, pets, stores\n",
        ),
        (
            &["--operations", "listPets,DELETE /pets"],
            "error: cli/select.yaml: --operations `DELETE /pets`: no operation has this \
             operationId or method and path\n",
        ),
        (
            &["--include-tags", "admin", "--exclude-tags", "pets"],
            "error: cli/select.yaml: the selection keeps no operation\n",
        ),
    ];
    for (flags, expected) in cases {
        let mut args = vec![
            "generate",
            SELECT_SPEC,
            "--out",
            out.to_str().expect("utf-8"),
        ];
        args.extend_from_slice(flags);
        let output = run(&args);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{flags:?}: {text}");
        assert_eq!(text, format!("{expected}1 error(s)\n"), "{flags:?}");
        assert!(!out.exists(), "{flags:?} wrote {}", out.display());
    }
}

#[test]
fn check_takes_the_selection_too() {
    let output = run(&["check", SELECT_SPEC, "--exclude-tags", "admin"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert_eq!(
        text,
        "kept 3 of 4 operations (excluding tags: admin), 10 of 12 schemas\n\
         ok: 3 operations, 10 types\n"
    );
}
