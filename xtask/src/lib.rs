//! Workspace tasks: `cargo xtask codegen [--check]`, `cargo xtask diff [--base <rev>]`.
//!
//! Every folder `specs/<api>/` becomes the crate `generated/<api>/` (package `<api>-api`). The
//! folder's `common.yaml` comes first, so its `info` and `servers` describe the whole API; the
//! module files follow in name order.

pub mod bench;
pub mod corpus;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use openapi_forge::diff::{diff_specs, DiffError, Markdown};
use openapi_forge::{output::Stale, Config, Output};

/// The command that regenerates everything, as the generated-file header and `--check` name it.
pub const REGENERATE: &str = "cargo xtask codegen";

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// One API: its spec files and where its crate goes, relative to the workspace root.
#[derive(Debug, Clone)]
pub struct ApiSpec {
    /// Folder name under `specs/`.
    pub name: String,
    /// Spec files, `common.yaml` first.
    pub files: Vec<PathBuf>,
}

/// Every API under `root/specs`, in name order.
pub fn apis(root: &Path) -> anyhow::Result<Vec<ApiSpec>> {
    let mut out = Vec::new();
    let specs = root.join("specs");
    let mut dirs: Vec<_> = std::fs::read_dir(&specs)
        .with_context(|| format!("cannot read {}", specs.display()))?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    for name in dirs {
        let dir = Path::new("specs").join(&name);
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(&dir))?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|f| f.ends_with(".yaml") || f.ends_with(".yml") || f.ends_with(".json"))
            .map(|f| dir.join(f))
            .collect();
        files.sort_by_key(|f| (f.file_stem().is_none_or(|s| s != "common"), f.clone()));
        if !files.is_empty() {
            out.push(ApiSpec { name, files });
        }
    }
    Ok(out)
}

/// Generates the crate of one API in memory. Paths are relative to `root`.
pub fn generate(root: &Path, api: &ApiSpec) -> anyhow::Result<Output> {
    // Spec paths stay relative, so diagnostics and output never hold this machine's paths.
    std::env::set_current_dir(root).with_context(|| format!("cannot enter {}", root.display()))?;
    let specs = api.files.clone();
    let config = Config {
        specs,
        crate_name: format!("{}-api", api.name),
        source_label: format!("specs/{}/*.yaml", api.name),
        regenerate_command: REGENERATE.into(),
    };
    match openapi_forge::generate(&config) {
        Ok((output, warnings)) => {
            for w in warnings.iter() {
                eprintln!("{w}");
            }
            Ok(output)
        }
        Err(diags) => bail!("{} has errors:\n{diags}", api.name),
    }
}

/// What `codegen` does with the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Write the crates.
    Write,
    /// Change nothing; fail if anything is stale.
    Check,
}

/// Regenerates (or checks) every crate under `generated/`.
pub fn codegen(root: &Path, mode: Mode) -> anyhow::Result<()> {
    let apis = apis(root)?;
    // Generate everything before writing anything: one bad spec leaves every crate as it was.
    let mut outputs = Vec::new();
    for api in &apis {
        outputs.push((api, generate(root, api)?));
    }
    let generated = root.join("generated");
    let mut stale: Vec<Stale> = Vec::new();
    for (api, output) in &outputs {
        let dir = generated.join(&api.name);
        match mode {
            Mode::Write => output
                .write(&dir)
                .with_context(|| format!("cannot write {}", dir.display()))?,
            Mode::Check => stale.extend(output.check(&dir)),
        }
    }
    let known: Vec<&str> = apis.iter().map(|a| a.name.as_str()).collect();
    for entry in std::fs::read_dir(&generated)
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().is_ok_and(|t| t.is_dir()) && !known.contains(&name.as_str()) {
            match mode {
                Mode::Write => std::fs::remove_dir_all(entry.path())?,
                Mode::Check => stale.push(Stale::Extra(entry.path())),
            }
        }
    }
    if !stale.is_empty() {
        let list: Vec<String> = stale
            .iter()
            .map(|s| {
                let text = s.to_string();
                text.replace(&format!("{}/", root.display()), "")
            })
            .collect();
        bail!(
            "generated code is stale:\n  {}\nrun `{REGENERATE}` and commit the result",
            list.join("\n  ")
        );
    }
    Ok(())
}

/// The revision `diff` compares with when none is given: where the branch left `main`, or
/// the previous commit when there is no `main` or the branch is `main` itself.
pub fn default_base(root: &Path) -> anyhow::Result<String> {
    let head = git(root, &["rev-parse", "HEAD"])?;
    match git(root, &["merge-base", "HEAD", "main"]) {
        Ok(sha) if sha.trim() != head.trim() => Ok(sha.trim().to_string()),
        _ => Ok("HEAD~1".to_string()),
    }
}

/// `cargo xtask diff`: one Markdown report of what the spec changes since `base` do to each API
/// whose spec files changed (committed or not), with a one-line summary per API at the top.
///
/// The old versions are read from git (`git show <base>:<path>`) into a temporary copy of
/// `specs/` that keeps every relative path, so cross-file `$ref`s resolve as they did then;
/// the new versions are the files in `root/specs` now.
pub fn diff(root: &Path, base: &str) -> anyhow::Result<String> {
    let sha = git(
        root,
        &["rev-parse", "--short", &format!("{base}^{{commit}}")],
    )
    .with_context(|| {
        format!(
            "`{base}` is not a commit of the repository at {}",
            root.display()
        )
    })?;
    let sha = sha.trim().to_string();
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
    let mut out = format!("# Spec changes since `{base}` (`{sha}`)\n\n");
    if changed.is_empty() {
        out.push_str("No spec file under `specs/` changed.\n");
        return Ok(out);
    }
    let old_root = TempDir::new()?;
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
    let mut summary = String::new();
    let mut sections = String::new();
    for name in &changed {
        let old = old_apis.iter().find(|a| &a.name == name);
        let new = new_apis.iter().find(|a| &a.name == name);
        let label = format!("`{name}` (crate `{name}-api`)");
        match (old, new) {
            (None, None) => {}
            (None, Some(_)) => summary.push_str(&format!("- {label}: new API\n")),
            (Some(_), None) => summary.push_str(&format!("- {label}: removed\n")),
            (Some(old), Some(new)) => {
                let files = |dir: &Path, api: &ApiSpec| -> Vec<PathBuf> {
                    api.files.iter().map(|f| dir.join(f)).collect()
                };
                let report = match diff_specs(&files(&old_root.path, old), &files(root, new)) {
                    Ok(report) => report,
                    Err(DiffError::Old(diags)) => {
                        bail!("specs/{name} at `{base}` has errors:\n{diags}")
                    }
                    Err(DiffError::New(diags)) => bail!("specs/{name} has errors:\n{diags}"),
                };
                summary.push_str(&format!("- {label}: {}\n", report.summary_line()));
                let options = Markdown {
                    heading_level: 2,
                    title: Some(format!(
                        "`{name}`: {} {} → {}",
                        report.new.title, report.old.version, report.new.version
                    )),
                };
                sections.push('\n');
                sections.push_str(&report.markdown(&options));
                sections.push('\n');
            }
        }
    }
    out.push_str(&summary);
    out.push_str(&sections);
    // Paths of this machine never belong in a report meant for a review.
    Ok(out.replace(&format!("{}/", old_root.path.display()), ""))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The checked-in crates are exactly what the generator makes from the checked-in specs.
    #[test]
    fn generated_crates_are_fresh() {
        if let Err(e) = codegen(&workspace_root(), Mode::Check) {
            panic!("{e:#}");
        }
    }

    /// Two runs give byte-identical output.
    #[test]
    fn generation_is_deterministic() {
        let root = workspace_root();
        for api in apis(&root).unwrap() {
            let a = generate(&root, &api).unwrap();
            let b = generate(&root, &api).unwrap();
            assert_eq!(a, b, "{} differs between runs", api.name);
        }
    }
}
