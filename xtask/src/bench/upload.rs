//! Section 5: the generated server's peak memory while it takes a multipart upload
//! (`bench/src/bin/upload-memory.rs`).

use std::path::Path;

use super::generation::measure;
use super::report::Report;
use super::Options;

impl Report {
    pub(super) fn upload_memory(&mut self, release: &Path, options: &Options) {
        eprintln!("bench: upload memory");
        self.line("");
        self.line("## 5. Server memory per multipart upload");
        self.line("");
        let argv = vec![release.join("upload-memory").display().to_string()];
        let s = measure(&argv, release, options.timeout);
        if !s.ok {
            self.line(format!(
                "upload-memory failed: {}",
                s.error.unwrap_or_default()
            ));
            return;
        }
        self.line("BeyondInsight's `deprecatedQueueImportFile` (a JSON part and a file part) through `beyondinsight_api::server::router`, in memory; the peak of allocated bytes above what was allocated before the request, the request included. Source: `bench/src/bin/upload-memory.rs`.");
        self.line("");
        self.line("| upload (bytes) | peak (bytes) | peak ÷ upload |");
        self.line("|---|---|---|");
        for line in s.stdout.lines() {
            let Some((key, peak)) = line.split_once("_peak_bytes=") else {
                continue;
            };
            let size = key.trim_start_matches("upload_");
            let ratio = s
                .stdout
                .lines()
                .find_map(|l| l.strip_prefix(&format!("upload_{size}_ratio=")))
                .unwrap_or("?");
            self.line(format!("| {size} | {peak} | {ratio} |"));
        }
    }
}
