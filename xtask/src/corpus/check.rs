//! `cargo check --all-features` of one generated crate, whichever tool wrote it.
//!
//! Each crate is checked on its own (so one broken manifest cannot hide the others) against a
//! target directory shared by every crate of the same tool, so dependencies build once per
//! tool. The crate's own artifacts are deleted after its check: a sample of hundreds of crates
//! would otherwise fill the disk with metadata nobody reads again.

use std::path::Path;
use std::process::Command;

/// Checks the crate in `dir` whose library is named `name`; `Err` holds the first compiler
/// error (or why cargo could not run).
pub fn check_crate(dir: &Path, name: &str, target: &Path, timeout_s: u64) -> Result<(), String> {
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| format!("no Cargo.toml: {e}"))?;
    // The crate sits under this repository, whose workspace it must not join.
    if !text.contains("[workspace]") {
        std::fs::write(&manifest, format!("{text}\n[workspace]\n"))
            .map_err(|e| format!("cannot write Cargo.toml: {e}"))?;
    }
    let output = Command::new("timeout")
        .arg(timeout_s.to_string())
        .arg(env!("CARGO"))
        .args(["check", "--all-features", "--message-format", "short"])
        .arg("--manifest-path")
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    forget_crate(target, name);
    if output.status.success() {
        return Ok(());
    }
    if output.status.code() == Some(124) {
        return Err(format!("`cargo check` timed out after {timeout_s} s"));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(first_error(&stderr))
}

/// The first error of cargo's short-format output, its location dropped so that errors of one
/// kind in different files read alike.
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
    use super::first_error;

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
