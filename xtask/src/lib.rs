//! Workspace tasks: `cargo xtask codegen [--check]`, `cargo xtask diff [--base <rev>]
//! [--format markdown|json] [--fail-on <what>]` (in [`spec_diff`]).
//!
//! Every folder `specs/<api>/` becomes the crate `generated/<api>/` (package `<api>-api`). The
//! folder's `common.yaml` comes first, so its `info` and `servers` describe the whole API; the
//! module files follow in name order.

pub mod bench;
pub mod corpus;
pub mod spec_diff;

pub use spec_diff::{default_base, diff, spec_changes, ApiChange, ApiChanges, SpecChanges};

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
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
        selection: Default::default(),
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
