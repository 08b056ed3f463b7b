//! The peers on the corpus sample: progenitor (`cargo progenitor`) and OpenAPI Generator's
//! `rust` and `rust-axum` generators (`openapi-generator-cli`, run in batch mode so the JVM
//! starts once per chunk of specs rather than once per spec).

use std::path::{Path, PathBuf};
use std::process::Command;

/// A generator other than openapi-forge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Peer {
    Progenitor,
    OpenApiGeneratorRust,
    OpenApiGeneratorRustAxum,
}

impl Peer {
    pub const ALL: [Peer; 3] = [
        Peer::Progenitor,
        Peer::OpenApiGeneratorRust,
        Peer::OpenApiGeneratorRustAxum,
    ];

    /// The name in reports.
    pub fn title(self) -> &'static str {
        match self {
            Peer::Progenitor => "progenitor",
            Peer::OpenApiGeneratorRust => "OpenAPI Generator `rust`",
            Peer::OpenApiGeneratorRustAxum => "OpenAPI Generator `rust-axum`",
        }
    }

    /// The folder of its crates under the corpus output.
    pub fn dir(self) -> &'static str {
        match self {
            Peer::Progenitor => "progenitor",
            Peer::OpenApiGeneratorRust => "ogen-rust",
            Peer::OpenApiGeneratorRustAxum => "ogen-rust-axum",
        }
    }

    fn generator_name(self) -> &'static str {
        match self {
            Peer::Progenitor => "progenitor",
            Peer::OpenApiGeneratorRust => "rust",
            Peer::OpenApiGeneratorRustAxum => "rust-axum",
        }
    }
}

/// One spec for a peer to generate: the spec, the crate name, the output folder.
pub struct Job {
    pub spec: PathBuf,
    pub name: String,
    pub out: PathBuf,
}

/// The versions of the peers, for the report.
pub fn versions() -> Vec<String> {
    let mut out = Vec::new();
    let progenitor = Command::new("cargo")
        .args(["install", "--list"])
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .find(|l| l.starts_with("cargo-progenitor "))
                .map(|l| l.trim_end_matches(':').to_string())
        })
        .unwrap_or_else(|| {
            "cargo-progenitor: not installed (`cargo install cargo-progenitor`)".into()
        });
    out.push(progenitor);
    let ogen = Command::new("openapi-generator-cli")
        .arg("version")
        .output()
        .ok()
        .map(|o| {
            let v = String::from_utf8_lossy(&o.stdout);
            format!(
                "openapi-generator-cli {}",
                v.lines().last().unwrap_or("?").trim()
            )
        })
        .unwrap_or_else(|| {
            "openapi-generator-cli: not installed (`pip install openapi-generator-cli`)".into()
        });
    out.push(ogen);
    out
}

/// Runs `peer` on every job; a job's result is `Err` with the first line of the peer's error
/// when it wrote no crate.
pub fn generate(peer: Peer, jobs: &[&Job], timeout_s: u64) -> Vec<Result<(), String>> {
    match peer {
        Peer::Progenitor => jobs.iter().map(|j| progenitor(j, timeout_s)).collect(),
        _ => openapi_generator(peer, jobs, timeout_s),
    }
}

fn progenitor(job: &Job, timeout_s: u64) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(&job.out);
    let output = Command::new("timeout")
        .arg(timeout_s.to_string())
        .args(["cargo", "progenitor", "-i"])
        .arg(&job.spec)
        .arg("-o")
        .arg(&job.out)
        .args(["-n", &job.name, "-v", "0.1.0"])
        .output()
        .map_err(|e| format!("cannot run cargo progenitor: {e}"))?;
    if output.status.code() == Some(124) {
        return Err(format!("timed out after {timeout_s} s"));
    }
    if output.status.success() && job.out.join("Cargo.toml").is_file() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(first_meaningful_line(&stderr))
}

/// Specs per `openapi-generator-cli batch` call (and per journal write): a spec that hangs the
/// JVM costs one batch.
pub const BATCH: usize = 20;

fn openapi_generator(peer: Peer, jobs: &[&Job], timeout_s: u64) -> Vec<Result<(), String>> {
    let mut results = Vec::with_capacity(jobs.len());
    for chunk in jobs.chunks(BATCH) {
        let mut configs = Vec::new();
        for job in chunk {
            let _ = std::fs::remove_dir_all(&job.out);
            let config = serde_json::json!({
                "generatorName": peer.generator_name(),
                "inputSpec": job.spec,
                "outputDir": job.out,
                "validateSpec": false,
                "additionalProperties": { "packageName": job.name },
            });
            let path = job.out.with_extension("batch.json");
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::write(&path, config.to_string());
            configs.push(path);
        }
        // Each spec gets the full limit; the chunk shares it out among its specs.
        let limit = timeout_s * chunk.len() as u64;
        let output = Command::new("timeout")
            .arg(limit.to_string())
            .args(["openapi-generator-cli", "batch", "--threads", "2"])
            .args(&configs)
            .output();
        let log = match &output {
            Ok(o) => format!(
                "{}\n{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => format!("cannot run openapi-generator-cli: {e}"),
        };
        for (job, config) in chunk.iter().zip(&configs) {
            let _ = std::fs::remove_file(config);
            let wrote = job.out.join("Cargo.toml").is_file() && job.out.join("src").is_dir();
            results.push(if wrote {
                Ok(())
            } else if output.as_ref().is_ok_and(|o| o.status.code() == Some(124)) {
                Err(format!("batch timed out after {limit} s"))
            } else {
                Err(batch_error(&log, &job.spec))
            });
        }
    }
    results
}

/// The error the batch log gives for `spec`, or its first error line.
fn batch_error(log: &str, spec: &Path) -> String {
    let spec = spec.to_string_lossy();
    let lines: Vec<&str> = log.lines().collect();
    let about_spec = lines
        .iter()
        .position(|l| l.contains(spec.as_ref()) && (l.contains("ERROR") || l.contains("FAIL")));
    if let Some(i) = about_spec {
        return clean(lines[i]);
    }
    "wrote no crate".to_string()
}

/// The first line of an error output that says something (panics and errors first).
fn first_meaningful_line(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().map(str::trim).collect();
    // A panic's message is on the line after its location.
    let panic = lines
        .iter()
        .position(|l| l.contains("panicked at"))
        .and_then(|i| lines.get(i + 1))
        .map(|m| format!("panic: {m}"));
    panic
        .or_else(|| {
            lines
                .iter()
                .find(|l| l.starts_with("Error") || l.starts_with("error"))
                .map(|l| clean(l))
        })
        .unwrap_or_else(|| "failed without a message".to_string())
}

/// One line, without paths of this machine that would make reports differ between machines.
fn clean(line: &str) -> String {
    let mut line = line.trim().to_string();
    if let Some(i) = line.find("/root/") {
        line.truncate(i);
    }
    line.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::first_meaningful_line;

    #[test]
    fn a_panic_is_reported_with_its_message() {
        let stderr =
            "\nthread 'main' (1) panicked at /root/.cargo/x.rs:1:2:\nnot yet implemented\n";
        assert_eq!(first_meaningful_line(stderr), "panic: not yet implemented");
    }

    #[test]
    fn an_error_line_is_reported() {
        let stderr = "info\nError: generation experienced errors\n";
        assert_eq!(
            first_meaningful_line(stderr),
            "Error: generation experienced errors"
        );
    }
}
