//! Section 1: generation time, peak memory and output size of each tool on each spec.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use super::inputs::Spec;
use super::report::{median, mib, secs, Report};
use super::Options;

/// The tools compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tool {
    Floor,
    Forge,
    Progenitor,
    OgRust,
    OgRustAxum,
}

impl Tool {
    pub(super) fn label(self) -> &'static str {
        match self {
            Tool::Floor => "parse floor",
            Tool::Forge => "openapi-forge",
            Tool::Progenitor => "progenitor",
            Tool::OgRust => "OpenAPI Generator rust",
            Tool::OgRustAxum => "OpenAPI Generator rust-axum",
        }
    }

    pub(super) fn slug(self) -> &'static str {
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
    pub(super) fn shown_command(self) -> &'static str {
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
pub(super) struct Sample {
    pub(super) wall: f64,
    pub(super) rss_kib: Option<u64>,
    pub(super) ok: bool,
    /// First line of the error, or `timed out`.
    pub(super) error: Option<String>,
    /// Lines of Rust the tool wrote (successful generator runs).
    pub(super) lines: Option<u64>,
    pub(super) stdout: String,
}

/// Every sample of every tool on one spec.
pub(super) struct Generation {
    pub(super) spec: Spec,
    pub(super) results: Vec<(Tool, Vec<Sample>)>,
    /// Median of forge ÷ floor over side-by-side runs.
    pub(super) ratio_floor: f64,
}

impl Generation {
    pub(super) fn samples(&self, tool: Tool) -> Option<&[Sample]> {
        self.results
            .iter()
            .find(|(t, _)| *t == tool)
            .map(|(_, s)| s.as_slice())
    }

    pub(super) fn median_wall(&self, tool: Tool) -> Option<f64> {
        let samples = self.samples(tool)?;
        if samples.iter().any(|s| !s.ok) {
            return None;
        }
        let mut walls: Vec<f64> = samples.iter().map(|s| s.wall).collect();
        Some(median(&mut walls))
    }
}

/// Runs `tool` once on `spec`, writing to `.cache/bench/out/<tool>-<spec>`.
pub(super) fn measure_tool(
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
pub(super) fn measure(argv: &[String], cwd: &Path, timeout: u64) -> Sample {
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
pub(super) fn first_error(text: &str) -> Option<String> {
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
impl Report {
    pub(super) fn generation(&mut self, generation: &[Generation]) {
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
}
