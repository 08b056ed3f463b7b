//! Section 2: `cargo xtask codegen --check`, warm, and the release CLI per vendor API.

use std::path::Path;

use super::generation::measure;
use super::report::{median, mib, secs, Report};
use super::Options;

impl Report {
    pub(super) fn codegen(
        &mut self,
        root: &Path,
        forge: &Path,
        work: &Path,
        options: &Options,
    ) -> anyhow::Result<()> {
        eprintln!("bench: cargo xtask codegen --check, warm");
        self.line("");
        self.line("## 2. `cargo xtask codegen` on the vendor specs, warm");
        self.line("");
        let cargo = env!("CARGO");
        let argv: Vec<String> = [cargo, "xtask", "codegen", "--check"]
            .map(String::from)
            .to_vec();
        // Warm-up: builds xtask if needed and fills the page cache.
        let warm = measure(&argv, root, options.timeout);
        let mut walls = Vec::new();
        let mut status = if warm.ok {
            "fresh".to_owned()
        } else {
            format!("not fresh or failed: {}", warm.error.unwrap_or_default())
        };
        for _ in 0..options.runs.max(1) {
            let s = measure(&argv, root, options.timeout);
            if !s.ok {
                status = format!("not fresh or failed: {}", s.error.unwrap_or_default());
            }
            walls.push(s.wall);
        }
        self.line(format!(
            "`cargo xtask codegen --check` (check mode: generates every vendor crate in memory and compares, writing nothing, since others edit the tree while this runs; `cargo xtask` runs the unoptimized dev build of xtask and the generator): median **{}** over {} warm runs ({}); result: {status}.",
            secs(median(&mut walls.clone())),
            walls.len(),
            walls.iter().map(|w| format!("{w:.2}")).collect::<Vec<_>>().join(", ")
        ));
        self.line("");
        self.line("The release CLI per vendor API (`openapi-forge generate specs/<api>/*.yaml --out DIR`):");
        self.line("");
        self.line("| API | time | peak memory |");
        self.line("|---|---|---|");
        for api in crate::apis(root)? {
            let out = work.join("out").join(format!("vendor-{}", api.name));
            let mut argv = vec![forge.display().to_string(), "generate".into()];
            argv.extend(api.files.iter().map(|f| f.display().to_string()));
            argv.extend(["--out".into(), out.display().to_string()]);
            let mut samples = Vec::new();
            for _ in 0..options.runs.max(1) {
                samples.push(measure(&argv, root, options.timeout));
            }
            let rss = samples.iter().filter_map(|s| s.rss_kib).max().unwrap_or(0);
            let mut w: Vec<f64> = samples.iter().map(|s| s.wall).collect();
            let result = match samples.iter().find(|s| !s.ok) {
                Some(f) => format!("failed: {}", f.error.as_deref().unwrap_or("?")),
                None => secs(median(&mut w)),
            };
            self.line(format!("| {} | {result} | {} |", api.name, mib(rss)));
        }
        Ok(())
    }
}
