//! Spec change reports: `openapi-forge diff` and `cargo xtask diff`.
//!
//! Each folder `fixtures/diff/<case>/` holds two versions of one API: `old.yaml` and
//! `new.yaml`, or folders `old/` and `new/` whose root document is `api.yaml` (for refactors
//! that move schemas between files). One `#[test]` per case snapshots its Markdown report in
//! `snapshots/diff_<case>.snap`; the JSON document is snapshotted once (`diff_json`). Review
//! and accept changes with `cargo insta review`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use forge_tests::{crate_dir, fixtures, indent, profile_dir, target_dir, workspace_root};
use openapi_forge::diff::{self, ChangeKind, Impact, Markdown, Report, Semver};

/// The two versions of a case, relative to this crate's directory.
fn versions(case: &str) -> (PathBuf, PathBuf) {
    let dir = Path::new("fixtures").join("diff").join(case);
    if crate_dir().join(&dir).join("old.yaml").is_file() {
        (dir.join("old.yaml"), dir.join("new.yaml"))
    } else {
        (
            dir.join("old").join("api.yaml"),
            dir.join("new").join("api.yaml"),
        )
    }
}

fn report(case: &str) -> Report {
    let (old, new) = versions(case);
    diff::diff_specs(&[old], &[new]).unwrap_or_else(|e| panic!("{case}: {e}"))
}

fn snapshot(case: &str) {
    let markdown = report(case).markdown(&Markdown::default());
    insta::with_settings!({
        snapshot_path => "snapshots",
        prepend_module_to_snapshot => false,
        description => format!("openapi-forge diff of tests/fixtures/diff/{case}"),
        omit_expression => true,
    }, {
        insta::assert_snapshot!(format!("diff_{case}"), markdown);
    });
}

/// One `#[test]` per case, named after it, plus the list the completeness test checks.
macro_rules! diff_cases {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                snapshot(stringify!($name));
            }
        )*

        const CASES: &[&str] = &[$(stringify!($name)),*];
    };
}

diff_cases!(
    body_constraints,
    formats,
    operations,
    pagination,
    parameter_deprecation,
    parameters,
    refactor_files,
    refactor_ref_rename,
    request_fields,
    response_fields,
    response_headers,
    responses,
    security_servers,
    streams,
    swagger_to_openapi,
    types,
    webhooks,
    webhook_payloads,
);

/// A case added without a test here would never be checked.
#[test]
fn every_case_has_a_test() {
    let dir = crate_dir().join("fixtures").join("diff");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut tested: Vec<String> = CASES.iter().map(|s| s.to_string()).collect();
    tested.sort();
    assert_eq!(
        found, tested,
        "tests/diff.rs must list every folder of fixtures/diff"
    );
}

/// The JSON document, whose schema the README documents: every key, for a case with changes
/// in both directions and of every impact.
#[test]
fn json() {
    let json = report("response_fields").to_json().expect("serializes");
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(value["format"], "openapi-forge-diff");
    assert_eq!(value["format_version"], 1);
    insta::with_settings!({
        snapshot_path => "snapshots",
        prepend_module_to_snapshot => false,
        description => "openapi-forge diff --format json of tests/fixtures/diff/response_fields",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("diff_json", json);
    });
}

/// Moving schemas to another file reports nothing at all: same wire, same Rust, same bundle.
#[test]
fn moving_schemas_between_files_reports_nothing() {
    let report = report("refactor_files");
    assert!(report.is_empty(), "{report:#?}");
    assert_eq!(report.summary.semver, Semver::None);
}

/// A Swagger 2.0 spec and the same API written by hand in OpenAPI 3.0 are the same API: the
/// conversion of 2.0 loses and invents nothing the diff can see.
#[test]
fn swagger_2_and_its_openapi_3_equivalent_report_nothing() {
    let report = report("swagger_to_openapi");
    assert!(report.is_empty(), "{report:#?}");
    assert_eq!(report.summary.semver, Semver::None);
}

/// Renaming `$ref` targets reports no change: types match by their place on the wire, not by
/// their Rust names. The new Rust names are listed, and need a major version.
#[test]
fn renaming_ref_targets_reports_no_change() {
    let report = report("refactor_ref_rename");
    assert!(report.changes.is_empty(), "{:#?}", report.changes);
    let renamed: Vec<(&str, &str)> = report
        .rust_types
        .renamed
        .iter()
        .map(|r| (r.old.as_str(), r.new.as_str()))
        .collect();
    assert_eq!(renamed, [("Pet", "Animal"), ("PetOwner", "Person")]);
    assert_eq!(report.rust_types.removed, ["Name"]);
    assert!(report.rust_types.added.is_empty());
    assert_eq!(report.summary.semver, Semver::Major);
}

/// The rules the issue names, spelled out: who breaks depends on which way the data travels.
#[test]
fn classification_follows_the_direction_of_the_data() {
    let find = |report: &Report, kind: ChangeKind, location: &str, subject: &str| {
        report
            .changes
            .iter()
            .find(|c| c.kind == kind && c.location == location && c.subject == subject)
            .cloned()
            .unwrap_or_else(|| panic!("no {kind:?} at {location} {subject}"))
    };
    // A new required request field breaks clients, not servers.
    let requests = report("request_fields");
    let c = find(
        &requests,
        ChangeKind::FieldAdded,
        "NewPet",
        "field `birthday`",
    );
    assert_eq!(
        (c.client.impact, c.server.impact),
        (Impact::Breaking, Impact::Compatible)
    );
    assert_eq!(c.semver, Semver::Major);
    // A new required response field breaks no client, but every server must send it.
    let responses = report("response_fields");
    let c = find(
        &responses,
        ChangeKind::FieldAdded,
        "Pet",
        "field `created_at`",
    );
    assert_eq!(
        (c.client.impact, c.server.impact),
        (Impact::Compatible, Impact::Breaking)
    );
    // A new enum value in a response: old clients read it as `Unknown`, but exhaustive matches
    // stop compiling on upgrade.
    let c = find(
        &responses,
        ChangeKind::EnumValueAdded,
        "Status",
        "value `pending`",
    );
    assert_eq!(c.client.impact, Impact::SourceBreaking);
    assert!(
        c.client.reason.contains("Status::Unknown(\"pending\")"),
        "{}",
        c.client.reason
    );
    assert_eq!(c.server.impact, Impact::Compatible);
    // A tightened maxLength on a type used both ways breaks both, and only changes behaviour.
    let c = find(
        &responses,
        ChangeKind::ConstraintTightened,
        "Address",
        "field `zip`",
    );
    assert_eq!(
        (c.client.impact, c.server.impact),
        (Impact::Breaking, Impact::Breaking)
    );
    assert_eq!(c.semver, Semver::Patch);
}

/// The same spec on both sides reports nothing, for every generator fixture and vendor API.
#[test]
fn identical_versions_report_nothing() {
    let mut specs: Vec<(String, Vec<PathBuf>)> = fixtures()
        .into_iter()
        .map(|f| (f.name, vec![f.spec]))
        .collect();
    let root = workspace_root();
    for api in xtask::apis(&root).expect("the vendor specs are listed") {
        let files = api.files.iter().map(|f| root.join(f)).collect();
        specs.push((api.name, files));
    }
    for (name, files) in specs {
        let report = diff::diff_specs(&files, &files).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            report.is_empty(),
            "{name}: {}",
            report.markdown(&Markdown::default())
        );
        assert_eq!(report.summary.semver, Semver::None, "{name}");
    }
}

/// Reports are deterministic, also for unrelated APIs compared with each other in both
/// directions (which also shows that nothing in the comparison panics on real specs).
#[test]
fn reports_are_deterministic() {
    for case in CASES {
        let (old, new) = versions(case);
        let forward = |a: &PathBuf, b: &PathBuf| {
            diff::diff_specs(std::slice::from_ref(a), std::slice::from_ref(b))
                .unwrap_or_else(|e| panic!("{case}: {e}"))
        };
        assert_eq!(forward(&old, &new), forward(&old, &new), "{case}");
        assert_eq!(forward(&new, &old), forward(&new, &old), "{case} reversed");
    }
    let root = workspace_root();
    let apis: Vec<openapi_forge::ir::Api> = xtask::apis(&root)
        .expect("the vendor specs are listed")
        .into_iter()
        .map(|api| {
            let config = openapi_forge::Config {
                specs: api.files.iter().map(|f| root.join(f)).collect(),
                crate_name: api.name.clone(),
                source_label: String::new(),
                regenerate_command: String::new(),
                selection: Default::default(),
            };
            match openapi_forge::build_api(&config) {
                Ok((api, _)) => api,
                Err(diags) => panic!("{}: {diags}", api.name),
            }
        })
        .collect();
    for a in &apis {
        for b in &apis {
            let first = diff::diff(a, b);
            assert_eq!(first, diff::diff(a, b), "{} → {}", a.title, b.title);
            first.to_json().expect("serializes");
        }
    }
}

/// `cargo xtask diff --base HEAD~1` on a commit that changes one vendor spec: a temporary
/// repository with two vendor APIs, whose second commit changes `apono` only.
#[test]
fn xtask_diff_reports_the_changed_vendor_spec() {
    let repo = target_dir().join("diff-tests").join("xtask-repo");
    if repo.exists() {
        std::fs::remove_dir_all(&repo).expect("clear the scratch repository");
    }
    for api in ["apono", "infoworks"] {
        let from = workspace_root().join("specs").join(api);
        let to = repo.join("specs").join(api);
        std::fs::create_dir_all(&to).expect("create the spec folder");
        for entry in std::fs::read_dir(&from).expect("list the specs").flatten() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy a spec");
        }
    }
    git(&repo, &["init", "--quiet"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "--quiet", "--message", "vendor specs"]);
    let spec = repo.join("specs").join("apono").join("integrations.yaml");
    let text = std::fs::read_to_string(&spec).expect("read the apono spec");
    let edited = text
        .replacen(
            "required: [name, type, integration_config]",
            "required: [name, type, integration_config, connector_id]",
            1,
        )
        .replacen(
            "default: 100\n",
            "default: 100\n            maximum: 500\n",
            1,
        )
        .replace("maxLength: 400", "maxLength: 200");
    assert_ne!(
        text, edited,
        "the apono spec no longer has the text this test edits"
    );
    std::fs::write(&spec, edited).expect("write the apono spec");
    git(
        &repo,
        &["commit", "--quiet", "--all", "--message", "tighten apono"],
    );

    let markdown = xtask::diff(&repo, "HEAD~1").unwrap_or_else(|e| panic!("{e:#}"));
    let sha = git(&repo, &["rev-parse", "--short", "HEAD~1"]);
    let markdown = markdown.replace(sha.trim(), "<sha>");
    assert!(!markdown.contains("infoworks"), "{markdown}");
    insta::with_settings!({
        snapshot_path => "snapshots",
        prepend_module_to_snapshot => false,
        description => "cargo xtask diff --base HEAD~1, after a commit that edits specs/apono",
        omit_expression => true,
    }, {
        insta::assert_snapshot!("diff_xtask_commit", markdown);
    });

    // The same changes as one JSON document, for CI: the report of each changed API, keyed
    // by its name, and `--fail-on` over all of them.
    let changes = xtask::spec_changes(&repo, "HEAD~1").unwrap_or_else(|e| panic!("{e:#}"));
    let json: serde_json::Value =
        serde_json::from_str(&changes.to_json().expect("serializes")).expect("valid JSON");
    assert_eq!(json["format"], "openapi-forge-spec-changes");
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["base"], "HEAD~1");
    assert_eq!(json["commit"].as_str(), Some(sha.trim()));
    let apis = json["apis"].as_object().expect("apis is an object");
    assert_eq!(apis.keys().collect::<Vec<_>>(), ["apono"]);
    let apono = &apis["apono"];
    assert_eq!(apono["crate"], "apono-api");
    assert_eq!(apono["status"], "changed");
    assert_eq!(apono["report"]["format"], "openapi-forge-diff");
    let Some(xtask::ApiChange::Changed(report)) = changes.apis.first().map(|a| &a.change) else {
        panic!("apono is not reported as changed: {changes:#?}");
    };
    assert_eq!(
        apono["report"],
        serde_json::to_value(report).expect("serializes")
    );
    assert!(changes.fails(diff::FailOn::AnyBreaking));
    assert!(changes.fails(diff::FailOn::ClientBreaking));
    assert_eq!(
        changes.failures(diff::FailOn::ClientBreaking),
        [format!("apono: {}", report.summary_line())]
    );
}

/// Runs git in `dir` with a fixed identity and dates, whatever the machine's configuration.
fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=forge-tests",
            "-c",
            "user.email=forge-tests@example.com",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed:\n{}",
        indent(&String::from_utf8_lossy(&output.stderr))
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The command line: JSON on stdout, exit status 3 for `--fail-on`, 2 for more than two files
/// without `--`.
#[test]
fn command_line() {
    let (old, new) = versions("request_fields");
    let (old, new) = (old.to_string_lossy(), new.to_string_lossy());
    let output = run(&[
        "diff",
        "--format",
        "json",
        "--fail-on",
        "breaking",
        &old,
        "--",
        &new,
    ]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("stdout is the JSON report");
    assert_eq!(json["summary"]["semver"], "major");
    assert!(stderr(&output).contains("breaking"), "{}", stderr(&output));

    let (old, new) = versions("refactor_files");
    let (old, new) = (old.to_string_lossy(), new.to_string_lossy());
    let output = run(&["diff", "--fail-on", "breaking", &old, "--", &new]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("no changes"));

    // Two files need no `--`; more than two do.
    let output = run(&["diff", "--fail-on", "breaking", &old, &new]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("no changes"));
    let output = run(&["diff", &old, &new, &new]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("`--`"), "{}", stderr(&output));
    let output = run(&["diff", &old]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

/// `--fail-on breaking` means what reviewers and oasdiff mean: an existing client breaks on the
/// wire. A new operation and a new optional request field break no client, but every server
/// must handle them: `server-breaking` and `any-breaking` fail on them, `breaking` does not.
#[test]
fn fail_on_breaking_is_client_breaking() {
    let dir = target_dir().join("diff-tests").join("fail_on");
    std::fs::create_dir_all(&dir).expect("create the scratch directory");
    let spec = |extra_operation: &str, extra_field: &str| {
        format!(
            "openapi: 3.0.3\n\
             info: {{ title: Pets, version: '1' }}\n\
             paths:\n\
             \x20 /pets:\n\
             \x20   post:\n\
             \x20     operationId: addPet\n\
             \x20     requestBody:\n\
             \x20       required: true\n\
             \x20       content:\n\
             \x20         application/json:\n\
             \x20           schema:\n\
             \x20             type: object\n\
             \x20             required: [name]\n\
             \x20             properties:\n\
             \x20               name: {{ type: string }}\n\
             {extra_field}\
             \x20     responses:\n\
             \x20       '204': {{ description: added }}\n\
             {extra_operation}"
        )
    };
    let operation = "  /pets/count:\n    get:\n      operationId: countPets\n      responses:\n        '204': { description: counted }\n";
    let field = "                tag: { type: string }\n";
    let write = |name: &str, text: String| {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write a spec");
        path.to_string_lossy().into_owned()
    };
    let old = write("old.yaml", spec("", ""));
    let cases = [
        (
            "new operation",
            write("operation.yaml", spec(operation, "")),
        ),
        (
            "new optional request field",
            write("field.yaml", spec("", field)),
        ),
    ];
    for (what, new) in &cases {
        for (fail_on, status) in [
            ("breaking", 0),
            ("client-breaking", 0),
            ("server-breaking", 3),
            ("any-breaking", 3),
        ] {
            let output = run(&["diff", "--fail-on", fail_on, &old, new]);
            assert_eq!(
                output.status.code(),
                Some(status),
                "{what}, --fail-on {fail_on}:\n{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                stderr(&output)
            );
        }
    }
    // Removing the operation breaks clients, and only makes the server's code stale.
    let (new, old) = (&old, &cases[0].1);
    for fail_on in ["breaking", "server-breaking", "any-breaking"] {
        let output = run(&["diff", "--fail-on", fail_on, old, new]);
        let expected = if fail_on == "server-breaking" { 0 } else { 3 };
        assert_eq!(
            output.status.code(),
            Some(expected),
            "removed operation, --fail-on {fail_on}"
        );
    }
}

/// The freshly built binary (cargo hands `CARGO_BIN_EXE_*` only to the binary's own package).
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
