//! Section 3: `cargo check` time of the generated crates of GitHub's spec and of the common
//! ground spec (see `inputs::COMMON_GROUND`), against progenitor's.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use super::generation::{first_error, Generation, Tool};
use super::inputs::COMPARED;
use super::report::{median, secs, Report};
use super::Options;

impl Report {
    pub(super) fn compile(&mut self, generation: &[Generation], work: &Path, options: &Options) {
        self.line("");
        self.line("## 3. `cargo check` of the generated crate");
        self.line("");
        self.line("Each crate is checked once with its dependencies (first check, includes building them and any download), then `src/lib.rs` is touched and it is checked again; the median of the re-checks is what compares. Separate `CARGO_TARGET_DIR` per tool under `.cache/bench/target/`; an empty `[workspace]` table is appended to each generated `Cargo.toml` so the crate stands alone.");
        self.line("");
        self.line("| spec | tool | first check | re-check (median) | result |");
        self.line("|---|---|---|---|---|");
        for spec in generation
            .iter()
            .filter(|g| COMPARED.contains(&g.spec.name.as_str()))
        {
            let (forge, prog) = self.compile_spec(spec, work, options);
            self.check.push((spec.spec.name.clone(), forge, prog));
        }
    }

    /// Checks both tools' crates of one spec; returns the median re-check times.
    fn compile_spec(
        &mut self,
        spec: &Generation,
        work: &Path,
        options: &Options,
    ) -> (Option<f64>, Result<f64, String>) {
        let name = &spec.spec.name;
        let mut forge_time = None;
        let mut prog_time = Err("progenitor was not run".to_owned());
        for tool in [Tool::Forge, Tool::Progenitor] {
            let Some(samples) = spec.samples(tool) else {
                continue;
            };
            if let Some(failed) = samples.iter().find(|s| !s.ok) {
                let why = format!(
                    "no crate: {} failed ({})",
                    tool.label(),
                    failed.error.as_deref().unwrap_or("?")
                );
                self.line(format!("| {name} | {} | – | – | {why} |", tool.label()));
                if tool == Tool::Progenitor {
                    prog_time = Err(why);
                }
                continue;
            }
            let dir = work.join("out").join(format!("{}-{name}", tool.slug()));
            let target = work.join("target").join(tool.slug());
            let features: &[&str] = if tool == Tool::Forge {
                &["--features", "client"]
            } else {
                &[]
            };
            match check_times(&dir, &target, features, options) {
                Ok((first, mut again)) => {
                    let m = median(&mut again);
                    self.line(format!(
                        "| {name} | {} | {} | **{}** | ok |",
                        tool.label(),
                        secs(first),
                        secs(m)
                    ));
                    if tool == Tool::Forge {
                        forge_time = Some(m);
                    } else {
                        prog_time = Ok(m);
                    }
                }
                Err(e) => {
                    self.line(format!("| {name} | {} | – | – | {e} |", tool.label()));
                    if tool == Tool::Progenitor {
                        prog_time = Err(e);
                    }
                }
            }
        }
        (forge_time, prog_time)
    }
}

/// `cargo check` once (dependencies included), then `runs` re-checks after touching
/// `src/lib.rs`. Returns (first, re-checks).
fn check_times(
    dir: &Path,
    target: &Path,
    features: &[&str],
    options: &Options,
) -> Result<(f64, Vec<f64>), String> {
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| format!("no Cargo.toml: {e}"))?;
    if !text.contains("\n[workspace]") {
        std::fs::write(&manifest, format!("{text}\n[workspace]\n")).map_err(|e| e.to_string())?;
    }
    let mut argv: Vec<String> = vec![env!("CARGO").into(), "check".into(), "--quiet".into()];
    argv.extend(features.iter().map(|s| s.to_string()));
    // Checking a crate of hundreds of thousands of lines takes minutes: at least 20.
    let check_timeout = options.timeout.max(1200);
    let run = || {
        let start = Instant::now();
        let output = Command::new("timeout")
            .args(["--kill-after=10", &check_timeout.to_string()])
            .args(&argv)
            .env("CARGO_TARGET_DIR", target)
            .current_dir(dir)
            .output();
        let wall = start.elapsed().as_secs_f64();
        match output {
            Ok(o) if o.status.success() => Ok(wall),
            Ok(o) if matches!(o.status.code(), Some(124) | Some(137)) => {
                Err(format!("`cargo check` timed out after {check_timeout} s"))
            }
            Ok(o) => {
                let stderr = String::from_utf8_lossy(&o.stderr);
                let errors = stderr.lines().filter(|l| l.starts_with("error")).count();
                Err(format!(
                    "does not compile after {}: {errors} error lines, first: {}",
                    secs(wall),
                    first_error(&stderr).unwrap_or_default()
                ))
            }
            Err(e) => Err(format!("cannot run cargo: {e}")),
        }
    };
    eprintln!("bench: cargo check {}", dir.display());
    let first = run()?;
    let mut again = Vec::new();
    for _ in 0..options.runs.max(1) {
        let lib = dir.join("src/lib.rs");
        let file = std::fs::File::options()
            .append(true)
            .open(&lib)
            .map_err(|e| e.to_string())?;
        file.set_modified(std::time::SystemTime::now())
            .map_err(|e| e.to_string())?;
        again.push(run()?);
    }
    Ok((first, again))
}
