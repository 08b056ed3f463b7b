//! `cargo xtask diff`: what the spec changes since a git revision do to each API.
//!
//! The old versions are read from git (`git show <base>:<path>`) into a temporary copy of
//! `specs/` that keeps every relative path, so cross-file `$ref`s resolve as they did then;
//! the new versions are the files in `root/specs` now. Each API whose spec files changed gets
//! one [`Report`]; [`SpecChanges`] holds them all and writes them as one Markdown report or one
//! JSON document.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use openapi_forge::diff::{diff_specs, DiffError, FailOn, Markdown, Report};
use serde_json::{json, Value};

use crate::{apis, ApiSpec};

/// Tells the JSON document of `cargo xtask diff --format json` from others.
pub const SPEC_CHANGES_FORMAT: &str = "openapi-forge-spec-changes";

/// The version of that document. It changes only when a key is removed or its meaning
/// changes; new keys may appear without a new version. The per-API reports have their own
/// version ([`openapi_forge::diff::FORMAT_VERSION`]).
pub const SPEC_CHANGES_VERSION: u32 = 1;

/// The revision `diff` compares with when none is given: where the branch left `main`, or
/// the previous commit when there is no `main` or the branch is `main` itself.
pub fn default_base(root: &Path) -> anyhow::Result<String> {
    let head = git(root, &["rev-parse", "HEAD"])?;
    match git(root, &["merge-base", "HEAD", "main"]) {
        Ok(sha) if sha.trim() != head.trim() => Ok(sha.trim().to_string()),
        _ => Ok("HEAD~1".to_string()),
    }
}

/// Every API whose spec files changed since a revision, with what changed.
#[derive(Clone, Debug, PartialEq)]
pub struct SpecChanges {
    /// The revision as given (`HEAD~1`, `main`, a tag).
    pub base: String,
    /// Its abbreviated commit id.
    pub commit: String,
    /// The APIs whose spec files changed (committed or not), by name.
    pub apis: Vec<ApiChanges>,
    /// The temporary copy of the old specs: its path never belongs in a report.
    scratch: String,
}

/// One API whose spec files changed.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiChanges {
    /// Folder name under `specs/`; the crate is `<name>-api`.
    pub name: String,
    /// What happened to it.
    pub change: ApiChange,
}

/// What happened to an API.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiChange {
    /// Its folder is new: there is nothing to compare with.
    Added,
    /// Its folder is gone, and with it the generated crate.
    Removed,
    /// Both versions exist: the report compares them.
    Changed(Box<Report>),
}

impl ApiChanges {
    /// How the summary names the API and its crate.
    fn label(&self) -> String {
        format!("`{0}` (crate `{0}-api`)", self.name)
    }

    /// Whether it has a change of the kind `fail_on` names. A removed API breaks its clients
    /// and needs a major version (of a crate that is gone); a new one breaks nobody.
    fn fails(&self, fail_on: FailOn) -> bool {
        match &self.change {
            ApiChange::Added => false,
            ApiChange::Removed => matches!(
                fail_on,
                FailOn::ClientBreaking | FailOn::AnyBreaking | FailOn::Major
            ),
            ApiChange::Changed(report) => report.fails(fail_on),
        }
    }

    /// The one-line summary of the Markdown report.
    fn summary_line(&self) -> String {
        match &self.change {
            ApiChange::Added => "new API".to_string(),
            ApiChange::Removed => "removed".to_string(),
            ApiChange::Changed(report) => report.summary_line(),
        }
    }
}

impl SpecChanges {
    /// One Markdown report, ready to paste into a review: a one-line summary per API at the
    /// top, then every change of each API.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "# Spec changes since `{}` (`{}`)\n\n",
            self.base, self.commit
        );
        if self.apis.is_empty() {
            out.push_str("No spec file under `specs/` changed.\n");
            return out;
        }
        let mut sections = String::new();
        for api in &self.apis {
            out.push_str(&format!("- {}: {}\n", api.label(), api.summary_line()));
            if let ApiChange::Changed(report) = &api.change {
                let options = Markdown {
                    heading_level: 2,
                    title: Some(format!(
                        "`{}`: {} {} → {}",
                        api.name, report.new.title, report.old.version, report.new.version
                    )),
                };
                sections.push('\n');
                sections.push_str(&report.markdown(&options));
                sections.push('\n');
            }
        }
        out.push_str(&sections);
        self.scrub(out)
    }

    /// One JSON document for every API (its shape is documented in the README):
    ///
    /// ```text
    /// { "format": "openapi-forge-spec-changes", "format_version": 1,
    ///   "base": "HEAD~1", "commit": "1a2b3c4",
    ///   "apis": { "apono": { "crate": "apono-api", "status": "changed", "report": {..} } } }
    /// ```
    pub fn to_json(&self) -> anyhow::Result<String> {
        let mut apis = serde_json::Map::new();
        for api in &self.apis {
            let (status, report) = match &api.change {
                ApiChange::Added => ("added", Value::Null),
                ApiChange::Removed => ("removed", Value::Null),
                ApiChange::Changed(report) => (
                    "changed",
                    serde_json::to_value(report).context("cannot write a report as JSON")?,
                ),
            };
            apis.insert(
                api.name.clone(),
                json!({
                    "crate": format!("{}-api", api.name),
                    "status": status,
                    "report": report,
                }),
            );
        }
        let document = json!({
            "format": SPEC_CHANGES_FORMAT,
            "format_version": SPEC_CHANGES_VERSION,
            "base": self.base,
            "commit": self.commit,
            "apis": apis,
        });
        let text =
            serde_json::to_string_pretty(&document).context("cannot write the report as JSON")?;
        Ok(self.scrub(text))
    }

    /// Whether any API has a change of the kind `fail_on` names.
    pub fn fails(&self, fail_on: FailOn) -> bool {
        self.apis.iter().any(|api| api.fails(fail_on))
    }

    /// The summary lines of the APIs that have a change of the kind `fail_on` names.
    pub fn failures(&self, fail_on: FailOn) -> Vec<String> {
        self.apis
            .iter()
            .filter(|api| api.fails(fail_on))
            .map(|api| format!("{}: {}", api.name, api.summary_line()))
            .collect()
    }

    /// Paths of this machine never belong in a report meant for a review.
    fn scrub(&self, text: String) -> String {
        if self.scratch.is_empty() {
            text
        } else {
            text.replace(&self.scratch, "")
        }
    }
}

/// `cargo xtask diff`: the Markdown report of what the spec changes since `base` do to each
/// API whose spec files changed (committed or not).
pub fn diff(root: &Path, base: &str) -> anyhow::Result<String> {
    Ok(spec_changes(root, base)?.markdown())
}

/// Compares the specs of every API whose spec files changed since `base` (committed or not)
/// with their versions at `base`.
pub fn spec_changes(root: &Path, base: &str) -> anyhow::Result<SpecChanges> {
    let commit = git(
        root,
        &["rev-parse", "--short", &format!("{base}^{{commit}}")],
    )
    .with_context(|| {
        format!(
            "`{base}` is not a commit of the repository at {}",
            root.display()
        )
    })?;
    let mut changes = SpecChanges {
        base: base.to_string(),
        commit: commit.trim().to_string(),
        apis: Vec::new(),
        scratch: String::new(),
    };
    let changed = changed_apis(root, base)?;
    if changed.is_empty() {
        return Ok(changes);
    }
    let old_root = TempDir::new()?;
    changes.scratch = format!("{}/", old_root.path.display());
    for path in git(root, &["ls-tree", "-r", "--name-only", base, "--", "specs"])?.lines() {
        let contents = git_bytes(root, &["show", &format!("{base}:./{path}")])?;
        let target = old_root.path.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&target, contents)
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    let old_apis = if old_root.path.join("specs").is_dir() {
        apis(&old_root.path)?
    } else {
        Vec::new()
    };
    let new_apis = apis(root)?;
    for name in changed {
        let old = old_apis.iter().find(|a| a.name == name);
        let new = new_apis.iter().find(|a| a.name == name);
        let change = match (old, new) {
            (None, None) => continue,
            (None, Some(_)) => ApiChange::Added,
            (Some(_), None) => ApiChange::Removed,
            (Some(old), Some(new)) => {
                let files = |dir: &Path, api: &ApiSpec| -> Vec<PathBuf> {
                    api.files.iter().map(|f| dir.join(f)).collect()
                };
                match diff_specs(&files(&old_root.path, old), &files(root, new)) {
                    Ok(report) => ApiChange::Changed(Box::new(report)),
                    Err(DiffError::Old(diags)) => {
                        bail!("specs/{name} at `{base}` has errors:\n{diags}")
                    }
                    Err(DiffError::New(diags)) => bail!("specs/{name} has errors:\n{diags}"),
                }
            }
        };
        changes.apis.push(ApiChanges { name, change });
    }
    Ok(changes)
}

/// The APIs (folders under `specs/`) with a spec file that changed since `base`, committed or
/// not, or that is new and untracked; sorted.
fn changed_apis(root: &Path, base: &str) -> anyhow::Result<Vec<String>> {
    let mut changed: Vec<String> = Vec::new();
    let tracked = git(
        root,
        &["diff", "--name-only", "--relative", base, "--", "specs"],
    )?;
    let untracked = git(
        root,
        &["ls-files", "--others", "--exclude-standard", "--", "specs"],
    )?;
    for path in tracked.lines().chain(untracked.lines()) {
        let mut parts = path.split('/');
        let (Some("specs"), Some(api), Some(file)) =
            (parts.next(), parts.next(), parts.next_back())
        else {
            continue;
        };
        let is_spec = [".yaml", ".yml", ".json"].iter().any(|e| file.ends_with(e));
        if is_spec && !changed.iter().any(|a| a == api) {
            changed.push(api.to_string());
        }
    }
    changed.sort();
    Ok(changed)
}

/// Runs git in `root` and returns its standard output.
fn git(root: &Path, args: &[&str]) -> anyhow::Result<String> {
    let bytes = git_bytes(root, args)?;
    String::from_utf8(bytes)
        .with_context(|| format!("`git {}` printed non-UTF-8 text", args.join(" ")))
}

fn git_bytes(root: &Path, args: &[&str]) -> anyhow::Result<Vec<u8>> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .context("cannot run git")?;
    if !output.status.success() {
        bail!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(output.stdout)
}

/// A directory under the system temp dir, removed when dropped.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new() -> anyhow::Result<TempDir> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let path = std::env::temp_dir().join(format!(
            "xtask-diff-{}-{nanos}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok(TempDir { path })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
