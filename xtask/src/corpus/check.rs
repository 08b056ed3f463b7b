//! `cargo clippy --all-features -- -D warnings` of one generated crate, whichever tool wrote it.
//!
//! One clippy run tells both things the corpus reports: whether the crate compiles (no hard
//! error) and whether it is clippy-clean (no lint either). Each crate is checked on its own (so
//! one broken manifest cannot hide the others) against a target directory shared by every
//! crate of the same tool, so dependencies build once per tool. The crate's own artifacts are
//! deleted after its check: a sample of hundreds of crates would otherwise fill the disk with
//! metadata nobody reads again.

use std::path::Path;
use std::process::Command;

/// What clippy said of one crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Compiles, and clippy finds nothing with `-D warnings`.
    Clean,
    /// Compiles, but a warning or lint fails `-D warnings`: the first one.
    Lints(String),
    /// Does not compile (or cargo could not run): the first error.
    Fails(String),
}

impl Verdict {
    /// Whether the crate compiles, lints or not.
    pub fn compiles(&self) -> bool {
        !matches!(self, Verdict::Fails(_))
    }
}

/// Checks the crate in `dir` whose library is named `name`.
pub fn check_crate(dir: &Path, name: &str, target: &Path, timeout_s: u64) -> Verdict {
    let manifest = dir.join("Cargo.toml");
    let text = match std::fs::read_to_string(&manifest) {
        Ok(text) => text,
        Err(e) => return Verdict::Fails(format!("no Cargo.toml: {e}")),
    };
    // The crate sits under this repository, whose workspace it must not join.
    if !text.contains("[workspace]") {
        if let Err(e) = std::fs::write(&manifest, format!("{text}\n[workspace]\n")) {
            return Verdict::Fails(format!("cannot write Cargo.toml: {e}"));
        }
    }
    let output = Command::new("timeout")
        .arg(timeout_s.to_string())
        .arg(env!("CARGO"))
        .args(["clippy", "--all-features", "--message-format", "json"])
        .arg("--manifest-path")
        .arg(&manifest)
        .args(["--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_TERM_COLOR", "never")
        .output();
    forget_crate(target, name);
    let output = match output {
        Ok(output) => output,
        Err(e) => return Verdict::Fails(format!("cannot run cargo: {e}")),
    };
    if output.status.success() {
        return Verdict::Clean;
    }
    if output.status.code() == Some(124) {
        return Verdict::Fails(format!("`cargo clippy` timed out after {timeout_s} s"));
    }
    verdict(
        &String::from_utf8_lossy(&output.stdout),
        &String::from_utf8_lossy(&output.stderr),
    )
}

/// The verdict on a failed clippy run, from its JSON messages (`stdout`) and, when they hold no
/// error, cargo's own (`stderr`: a manifest cargo refuses). An error whose code names a lint
/// is a lint that `-D warnings` made an error; any other error (`E0425`, or none) is a
/// compiler error, and one is enough for the crate not to compile.
fn verdict(stdout: &str, stderr: &str) -> Verdict {
    let mut first_lint = None;
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            continue;
        }
        let text = message["message"]["message"].as_str().unwrap_or_default();
        match message["message"]["code"]["code"].as_str() {
            Some(code) if !is_error_code(code) => {
                first_lint.get_or_insert_with(|| format!("{code}: {text}"));
            }
            Some(code) => return Verdict::Fails(format!("error[{code}]: {text}")),
            // The summary cargo adds ("aborting due to N previous errors") is no error of
            // its own.
            None if text.starts_with("aborting due to") => {}
            None => return Verdict::Fails(format!("error: {text}")),
        }
    }
    match first_lint {
        Some(lint) => Verdict::Lints(lint),
        None => Verdict::Fails(first_error(stderr)),
    }
}

/// Whether a diagnostic code is a compiler error's (`E0425`) rather than a lint's name.
fn is_error_code(code: &str) -> bool {
    code.len() == 5 && code.starts_with('E') && code[1..].bytes().all(|b| b.is_ascii_digit())
}

/// The first error of cargo's own output, its location dropped (when it has one) so that errors
/// of one kind in different files read alike.
fn first_error(stderr: &str) -> String {
    let located = stderr.lines().find_map(|l| {
        let (_, rest) = l.split_once(": error")?;
        Some(format!("error{rest}"))
    });
    located
        .or_else(|| {
            stderr
                .lines()
                .find(|l| l.starts_with("error"))
                .map(str::to_string)
        })
        .unwrap_or_else(|| "cargo failed without an error line".to_string())
}

/// Removes what `cargo check` left in `target` for the crate `name` (its dependencies stay).
fn forget_crate(target: &Path, name: &str) {
    let lib = name.replace('-', "_");
    for sub in ["debug/deps", "debug/.fingerprint", "debug/build"] {
        let Ok(entries) = std::fs::read_dir(target.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            let ours = [format!("lib{lib}-"), format!("{lib}-"), format!("{name}-")]
                .iter()
                .any(|prefix| file.starts_with(prefix.as_str()));
            if ours {
                let path = entry.path();
                let _ = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{first_error, verdict, Verdict};

    fn message(level: &str, code: Option<&str>, text: &str) -> String {
        let code = code.map_or(
            serde_json::Value::Null,
            |c| serde_json::json!({ "code": c }),
        );
        serde_json::json!({
            "reason": "compiler-message",
            "message": { "level": level, "code": code, "message": text },
        })
        .to_string()
    }

    #[test]
    fn a_compiler_error_fails_the_crate_whatever_lints_come_first() {
        let stdout = [
            message(
                "error",
                Some("clippy::type_complexity"),
                "very complex type used",
            ),
            message(
                "error",
                Some("E0425"),
                "cannot find value `x` in this scope",
            ),
            message("error", None, "aborting due to 2 previous errors"),
        ]
        .join("\n");
        assert_eq!(
            verdict(&stdout, ""),
            Verdict::Fails("error[E0425]: cannot find value `x` in this scope".into())
        );
    }

    #[test]
    fn lints_alone_leave_the_crate_compiling() {
        let stdout = [
            message("warning", Some("dead_code"), "ignored: not an error"),
            message("error", Some("unused_variables"), "unused variable: `x`"),
            message(
                "error",
                Some("clippy::large_enum_variant"),
                "large size difference",
            ),
        ]
        .join("\n");
        assert_eq!(
            verdict(&stdout, ""),
            Verdict::Lints("unused_variables: unused variable: `x`".into())
        );
    }

    #[test]
    fn a_refused_manifest_fails_the_crate() {
        let stderr = "error: failed to parse manifest at `/x/Cargo.toml`\n";
        assert_eq!(
            verdict("", stderr),
            Verdict::Fails("error: failed to parse manifest at `/x/Cargo.toml`".into())
        );
    }

    #[test]
    fn the_first_located_error_wins_without_its_location() {
        let stderr = "warning: unused\nsrc/lib.rs:3:5: error[E0425]: cannot find value `x`\n\
                      error: could not compile `c0001`\n";
        assert_eq!(first_error(stderr), "error[E0425]: cannot find value `x`");
    }

    #[test]
    fn cargo_errors_without_a_location_are_kept() {
        let stderr = "error: failed to parse manifest at `/x/Cargo.toml`\n";
        assert_eq!(
            first_error(stderr),
            "error: failed to parse manifest at `/x/Cargo.toml`"
        );
    }
}
