//! The parse floor: read one JSON spec and parse it into `serde_json::Value` (with the same
//! `preserve_order` feature the generator uses), then exit. `cargo xtask bench` times this
//! process exactly like the generator's, so process start and file reading cancel out.
//!
//! Prints the in-process parse time in seconds, and the top-level key count so that the parse
//! cannot be optimized away.

use std::time::Instant;

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: parse-floor FILE.json");
        return std::process::ExitCode::from(2);
    };
    let start = Instant::now();
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.to_string_lossy());
            return std::process::ExitCode::FAILURE;
        }
    };
    let read = start.elapsed();
    let value: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(e) => {
            eprintln!("error: {}: {e}", path.to_string_lossy());
            return std::process::ExitCode::FAILURE;
        }
    };
    let parsed = start.elapsed() - read;
    let keys = value.as_object().map_or(0, |m| m.len());
    println!(
        "read_s={:.6} parse_s={:.6} keys={keys}",
        read.as_secs_f64(),
        parsed.as_secs_f64()
    );
    std::process::ExitCode::SUCCESS
}
