//! The Markdown form of a report, for pasting into a review.
//!
//! ```text
//! ## Pet Store 1.0.0 → 1.1.0
//!
//! 2 changes — clients: 1 breaking; servers: 1 breaking; semver: major
//!
//! ### Operations
//!
//! #### `POST /pets`
//!
//! - **parameter-added** query parameter `dryRun`: optional, boolean
//!   - clients: compatible: new setter `client::CreatePetRequest::dry_run`
//!   - servers: **breaking**: servers must handle query parameter `dryRun`; ...
//!   - Rust (minor): `client::CreatePetRequest::dry_run` (method, added), ...
//! ```

use std::fmt::Write as _;

use super::{Change, Direction, Impact, Report, Scope, Side};

/// How to render a report as Markdown.
#[derive(Clone, Debug)]
pub struct Markdown {
    /// The level of the report's own heading (`2` is `##`); its sections are one level deeper.
    pub heading_level: usize,
    /// The heading; by default the API's title and both versions.
    pub title: Option<String>,
}

impl Default for Markdown {
    fn default() -> Self {
        Markdown {
            heading_level: 2,
            title: None,
        }
    }
}

/// `3 changes — clients: 1 breaking; servers: 2 breaking, 1 source-breaking; semver: major`.
pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    if report.is_empty() {
        return match s.semver {
            super::Semver::None => "no changes".to_string(),
            other => format!(
                "no API changes (descriptions or examples only); semver: {}",
                other.as_str()
            ),
        };
    }
    let side = |name: &str, c: &super::SideCounts| {
        let mut parts = Vec::new();
        if c.breaking > 0 {
            parts.push(format!("{} breaking", c.breaking));
        }
        if c.source_breaking > 0 {
            parts.push(format!("{} source-breaking", c.source_breaking));
        }
        if parts.is_empty() {
            parts.push("nothing breaks".to_string());
        }
        format!("{name}: {}", parts.join(", "))
    };
    let mut line = match s.changes {
        0 => "no API changes".to_string(),
        1 => "1 change".to_string(),
        n => format!("{n} changes"),
    };
    if s.changes > 0 {
        line.push_str(&format!(
            " — {}; {}",
            side("clients", &s.client),
            side("servers", &s.server)
        ));
    }
    let t = &report.rust_types;
    let mut types = Vec::new();
    for (n, what) in [
        (t.added.len(), "added"),
        (t.removed.len(), "removed"),
        (t.renamed.len(), "renamed"),
    ] {
        if n > 0 {
            types.push(format!("{n} {what}"));
        }
    }
    if !types.is_empty() {
        line.push_str(&format!("; model types: {}", types.join(", ")));
    }
    line.push_str(&format!("; semver: {}", s.semver.as_str()));
    line
}

/// The whole report.
pub fn markdown(report: &Report, options: &Markdown) -> String {
    let level = options.heading_level.clamp(1, 4);
    let h = |n: usize| "#".repeat(level + n);
    let mut out = String::new();
    let title = options.title.clone().unwrap_or_else(|| {
        if report.old.version == report.new.version {
            format!("{} {}", report.new.title, report.new.version)
        } else {
            format!(
                "{} {} → {}",
                report.new.title, report.old.version, report.new.version
            )
        }
    });
    let _ = writeln!(out, "{} {title}\n", h(0));
    let _ = writeln!(out, "{}\n", summary_line(report));
    for (scope, heading) in [
        (Scope::Api, "API"),
        (Scope::Operation, "Operations"),
        (Scope::Webhook, "Webhooks"),
        (Scope::Type, "Types"),
    ] {
        let changes: Vec<&Change> = report.changes.iter().filter(|c| c.scope == scope).collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{} {heading}\n", h(1));
        let mut location: Option<&str> = None;
        for c in changes {
            if location != Some(c.location.as_str()) {
                if location.is_some() {
                    out.push('\n');
                }
                let _ = writeln!(out, "{} `{}`\n", h(2), c.location);
                location = Some(c.location.as_str());
            }
            change(&mut out, c);
        }
        out.push('\n');
    }
    let t = &report.rust_types;
    if !t.is_empty() {
        let _ = writeln!(out, "{} Model types\n", h(1));
        let list = |names: &[String]| {
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !t.added.is_empty() {
            let _ = writeln!(out, "- added (minor): {}", list(&t.added));
        }
        if !t.removed.is_empty() {
            let _ = writeln!(out, "- removed (major): {}", list(&t.removed));
        }
        if !t.renamed.is_empty() {
            let renamed: Vec<String> = t
                .renamed
                .iter()
                .map(|r| format!("`{}` → `{}`", r.old, r.new))
                .collect();
            let _ = writeln!(
                out,
                "- renamed, same wire shape (major): {}",
                renamed.join(", ")
            );
        }
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn change(out: &mut String, c: &Change) {
    let mut head = format!("- **{}**", c.kind.as_str());
    if !c.subject.is_empty() {
        head.push(' ');
        head.push_str(&c.subject);
    }
    if !c.detail.is_empty() {
        head.push_str(if c.subject.is_empty() { " " } else { ": " });
        head.push_str(&c.detail);
    }
    if c.scope == Scope::Type {
        head.push_str(match c.direction {
            Direction::Request => " _(in requests)_",
            Direction::Response => " _(in responses)_",
            Direction::Both => " _(in requests and responses)_",
            Direction::None => " _(Rust only: no operation used it in both versions)_",
        });
    }
    let _ = writeln!(out, "{head}");
    let _ = writeln!(out, "  - clients: {}", side(&c.client));
    let _ = writeln!(out, "  - servers: {}", side(&c.server));
    let items: Vec<String> = c
        .rust
        .iter()
        .map(|i| {
            let kind = serde_json::to_value(i.item)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let effect = serde_json::to_value(i.effect)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            format!("`{}` ({kind}, {effect})", i.path)
        })
        .collect();
    let items = if items.is_empty() {
        "no generated item changes".to_string()
    } else {
        items.join(", ")
    };
    let _ = writeln!(out, "  - Rust ({}): {items}", c.semver.as_str());
}

fn side(s: &Side) -> String {
    let impact = match s.impact {
        Impact::Compatible => "compatible".to_string(),
        other => format!("**{}**", other.as_str()),
    };
    if s.reason.is_empty() {
        impact
    } else {
        format!("{impact}: {}", s.reason)
    }
}
