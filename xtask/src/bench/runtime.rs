//! Section 4: runtime overhead of the generated server and client (`runtime-bench`).

use std::path::Path;

use super::generation::measure;
use super::report::Report;
use super::Options;

impl Report {
    pub(super) fn runtime(&mut self, release: &Path, options: &Options) {
        eprintln!("bench: runtime overhead");
        self.line("");
        self.line("## 4. Runtime overhead of generated code");
        self.line("");
        let argv = vec![
            release.join("runtime-bench").display().to_string(),
            "--requests".into(),
            options.requests.to_string(),
            "--rounds".into(),
            options.runs.max(15).to_string(),
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
}
