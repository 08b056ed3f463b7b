//! `CORPUS.md`: the rates of openapi-forge on the whole corpus, every tool side by side on the
//! sample, and the failure taxonomies.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::{Findings, Options, Outcome, SampleResult, Tool, Verdict, DIRECTORY, OCTOKIT};

/// Rows per failure taxonomy.
const TOP: usize = 10;

pub(super) fn render(root: &Path, f: &Findings, options: &Options) -> String {
    let rel = |p: &Path| {
        p.strip_prefix(root.join(".cache/corpus"))
            .unwrap_or(p)
            .display()
            .to_string()
    };
    let mut s = String::new();
    let _ = writeln!(s, "# Corpus results\n");
    let _ = writeln!(
        s,
        "openapi-forge on every OpenAPI 3.0, 3.1 and Swagger 2.0 spec of `{DIRECTORY}` (APIs.guru){} plus GitHub's \
         REST spec (`{OCTOKIT}`); then openapi-forge and its peers on a deterministic sample of \
         {} of those specs (evenly spread over the sorted list) plus GitHub's.\n",
        options
            .sample
            .map(|n| format!(", every {n}th"))
            .unwrap_or_default(),
        f.sample.len().saturating_sub(1),
    );
    let mut command = format!(
        "cargo run --release -p xtask -- corpus --compile {}",
        options.compile
    );
    if let Some(n) = options.sample {
        let _ = write!(command, " --sample {n}");
    }
    if !options.peers {
        command.push_str(" --no-peers");
    }
    let _ = write!(command, " --timeout {}", options.timeout);
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let _ = writeln!(s, "Measured at commit `{commit}` of this repository.\n");
    let _ = writeln!(
        s,
        "Reproduce: `{command}` (all figures below come from one such run; the peers must be \
         installed: `cargo install cargo-progenitor`, `pip install openapi-generator-cli`). \
         A run cut short goes on with `--resume`: every result is journaled in \
         `target/corpus/journal.tsv` as it comes, under a key naming the commit and the settings, \
         and only what is missing is done; the peers' results, which do not depend on the commit, \
         are journaled in `target/corpus/peers.tsv` and kept across commits.\n"
    );

    whole_corpus(&mut s, f, &rel);
    side_by_side(&mut s, f);
    examples(&mut s, f, &rel);
    let _ = writeln!(
        s,
        "\n## Why openapi-forge did not generate a crate (whole corpus)\n"
    );
    let forge_failures = f.forge.iter().enumerate().filter_map(|(i, o)| match o {
        Outcome::Generated => None,
        Outcome::Diagnosed(m) => Some((format!("diagnostic: {}", reason_class(m)), i)),
        Outcome::Panicked(m) => Some((format!("PANIC: {}", reason_class(m)), i)),
    });
    taxonomy(&mut s, f, forge_failures, &rel);
    for (tool, results) in &f.tools {
        let not_generated = results
            .iter()
            .filter_map(|(i, r)| r.generated.as_ref().err().map(|e| (reason_class(e), *i)));
        if *tool != Tool::Forge {
            let _ = writeln!(
                s,
                "\n## Why {} did not generate a crate (sample)\n",
                tool.title()
            );
            taxonomy(&mut s, f, not_generated, &rel);
        }
        let not_compiled = results.iter().filter_map(|(i, r)| match &r.checked {
            Some(Verdict::Fails(e)) => Some((reason_class(e), *i)),
            _ => None,
        });
        let _ = writeln!(
            s,
            "\n## Why {}'s crates did not compile (sample)\n",
            tool.title()
        );
        taxonomy(&mut s, f, not_compiled, &rel);
        let linted = results.iter().filter_map(|(i, r)| match &r.checked {
            Some(Verdict::Lints(lint)) => Some((reason_class(lint), *i)),
            _ => None,
        });
        let _ = writeln!(
            s,
            "\n## Why {}'s compiling crates were not clippy-clean (sample, first lint of each)\n",
            tool.title()
        );
        taxonomy(&mut s, f, linted, &rel);
    }
    s
}

fn whole_corpus(s: &mut String, f: &Findings, rel: &dyn Fn(&Path) -> String) {
    let total = f.forge.len();
    let generated = f.forge.iter().filter(|o| **o == Outcome::Generated).count();
    let panicked = f
        .forge
        .iter()
        .filter(|o| matches!(o, Outcome::Panicked(_)))
        .count();
    let diagnosed = total - generated - panicked;
    let _ = writeln!(s, "## openapi-forge on the whole corpus\n");
    let _ = writeln!(s, "| measure | specs | rate |\n| --- | --- | --- |");
    let _ = writeln!(s, "| specs | {total} | |");
    for (label, _) in super::VERSIONS {
        let of_version: Vec<&Outcome> = f
            .forge
            .iter()
            .zip(&f.versions)
            .filter(|(_, v)| **v == label)
            .map(|(o, _)| o)
            .collect();
        if of_version.is_empty() {
            continue;
        }
        let ok = of_version
            .iter()
            .filter(|o| ***o == Outcome::Generated)
            .count();
        let _ = writeln!(
            s,
            "| {label} specs generated | {ok} of {} | {} |",
            of_version.len(),
            pct(ok, of_version.len())
        );
    }
    let _ = writeln!(s, "| generated | {generated} | {} |", pct(generated, total));
    let _ = writeln!(
        s,
        "| not generated, with a diagnostic naming what and where | {diagnosed} | {} |",
        pct(diagnosed, total)
    );
    let _ = writeln!(s, "| panics | {panicked} | {} |", pct(panicked, total));
    let _ = writeln!(
        s,
        "| crashes (the run would have stopped) | 0 | {} |",
        pct(0, total)
    );
    let _ = writeln!(
        s,
        "\nGenerating all {total} specs took {:.0} s, the sum of the per-spec times (release build, \
         two specs at a time; the crates outside the sample are generated in memory and not \
         written). GitHub's spec is `{}`.\n",
        f.generation.as_secs_f64(),
        f.specs.last().map(|p| rel(p)).unwrap_or_default()
    );
}

fn side_by_side(s: &mut String, f: &Findings) {
    if f.tools.is_empty() || f.sample.is_empty() {
        return;
    }
    let n = f.sample.len();
    let github = *f.sample.last().unwrap_or(&0);
    let _ = writeln!(s, "## The sample: openapi-forge and its peers\n");
    for version in &f.peer_versions {
        let _ = writeln!(s, "- {version}");
    }
    if !f.peer_versions.is_empty() {
        s.push('\n');
    }
    let tools: Vec<&Tool> = f.tools.keys().collect();
    let _ = writeln!(
        s,
        "| on {n} specs | {} |",
        tools
            .iter()
            .map(|t| t.title())
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(s, "|---|{}", "---|".repeat(tools.len()));
    let row = |label: &str, cell: &dyn Fn(&BTreeMap<usize, SampleResult>) -> String| {
        let cells: Vec<String> = tools.iter().map(|t| cell(&f.tools[*t])).collect();
        format!("| {label} | {} |\n", cells.join(" | "))
    };
    let generated =
        |r: &BTreeMap<usize, SampleResult>| r.values().filter(|x| x.generated.is_ok()).count();
    let compiled = |r: &BTreeMap<usize, SampleResult>| {
        r.values()
            .filter(|x| x.checked.as_ref().is_some_and(Verdict::compiles))
            .count()
    };
    let clean = |r: &BTreeMap<usize, SampleResult>| {
        r.values()
            .filter(|x| x.checked == Some(Verdict::Clean))
            .count()
    };
    s.push_str(&row("generated a crate", &|r| {
        format!("{} ({})", generated(r), pct(generated(r), n))
    }));
    s.push_str(&row(
        "compiles (`cargo clippy --all-features` builds it)",
        &|r| format!("{} ({})", compiled(r), pct(compiled(r), n)),
    ));
    s.push_str(&row(
        "clippy-clean (`cargo clippy --all-features -- -D warnings` passes)",
        &|r| format!("{} ({})", clean(r), pct(clean(r), n)),
    ));
    s.push_str(&row("compiling, of the crates generated", &|r| {
        pct(compiled(r), generated(r))
    }));
    s.push_str(&row("clippy-clean, of the crates compiling", &|r| {
        pct(clean(r), compiled(r))
    }));
    s.push_str(&row(
        "GitHub's REST spec",
        &|r| match r.get(&github).and_then(|x| x.checked.as_ref()) {
            Some(Verdict::Clean) => "generated, compiles, clippy-clean".into(),
            Some(Verdict::Lints(_)) => "generated, compiles, **not clippy-clean**".into(),
            Some(Verdict::Fails(_)) => "generated, **does not compile**".into(),
            None => "**not generated**".into(),
        },
    ));
    let times: Vec<String> = tools
        .iter()
        .map(|t| {
            f.check_time
                .get(*t)
                .map(|d| format!("{:.0} s", d.as_secs_f64()))
                .unwrap_or_default()
        })
        .collect();
    let _ = writeln!(
        s,
        "| time of all `cargo clippy`s, crate by crate, summed (dependencies included) | {} |",
        times.join(" | ")
    );
}

/// The reasons, most frequent first, with an example spec each.
fn taxonomy(
    s: &mut String,
    f: &Findings,
    failures: impl Iterator<Item = (String, usize)>,
    rel: &dyn Fn(&Path) -> String,
) {
    let mut reasons: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (reason, i) in failures {
        reasons.entry(reason).or_insert((0, i)).0 += 1;
    }
    if reasons.is_empty() {
        let _ = writeln!(s, "None.");
        return;
    }
    let _ = writeln!(s, "| reason | specs | example |\n| --- | --- | --- |");
    let mut rows: Vec<_> = reasons.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    let more = rows.len().saturating_sub(TOP);
    for (reason, (n, example)) in rows.into_iter().take(TOP) {
        let _ = writeln!(
            s,
            "| {} | {n} | `{}` |",
            reason.replace('|', "\\|"),
            rel(&f.specs[example])
        );
    }
    if more > 0 {
        let reasons = if more == 1 { "reason" } else { "reasons" };
        let _ = writeln!(s, "\n…and {more} rarer {reasons}.");
    }
}

/// The examples round trip: the fate of the examples that fit their schema and of those that
/// do not, and the taxonomies of what was lost or refused.
fn examples(s: &mut String, f: &Findings, rel: &dyn Fn(&Path) -> String) {
    use super::examples::Fate;
    if f.examples.is_empty() {
        return;
    }
    let mut all: Vec<(usize, &super::examples::Outcome)> = Vec::new();
    let mut not_run = Vec::new();
    for (i, result) in &f.examples {
        match result {
            Ok(outcomes) => all.extend(outcomes.iter().map(|o| (*i, o))),
            Err(why) => not_run.push((reason_class(why), *i)),
        }
    }
    let with_examples = f
        .examples
        .values()
        .filter(|r| r.as_ref().is_ok_and(|o| !o.is_empty()))
        .count();
    let _ = writeln!(s, "\n## Examples round trip (sample)\n");
    let _ = writeln!(
        s,
        "Every example of {} specs of the sample ({with_examples} of them have examples): \
         decoded with the generated type, encoded again, and compared with the example as \
         JSON (numbers by value). Whether an example fits its own schema is judged by the \
         `jsonschema` crate (draft 4, `nullable` read as a `null` alternative, formats not \
         asserted); one that does not is the spec's fault and counted apart.\n",
        f.examples.len()
    );
    let count = |fits: Option<bool>, fate: fn(&Fate) -> bool| {
        all.iter()
            .filter(|(_, o)| o.fits == fits && fate(&o.fate))
            .count()
    };
    let any = |_: &Fate| true;
    let lossless = |x: &Fate| *x == Fate::Lossless;
    let lossy = |x: &Fate| matches!(x, Fate::Lossy(_));
    let refused = |x: &Fate| matches!(x, Fate::Refused(_));
    let fit = count(Some(true), any);
    let _ = writeln!(s, "| examples | count | rate |\n| --- | --- | --- |");
    let _ = writeln!(s, "| all | {} | |", all.len());
    let _ = writeln!(s, "| fit their schema | {fit} | |");
    for (label, fate) in [
        ("… round-trip losslessly", lossless as fn(&Fate) -> bool),
        ("… come back changed (lossy)", lossy),
        ("… are refused", refused),
    ] {
        let n = count(Some(true), fate);
        let _ = writeln!(s, "| {label} | {n} | {} |", pct(n, fit));
    }
    let unfit = count(Some(false), any);
    let _ = writeln!(
        s,
        "| do not fit their schema (the spec's fault) | {unfit} | |"
    );
    let n = count(Some(false), refused);
    let _ = writeln!(s, "| … are refused | {n} | {} |", pct(n, unfit));
    let _ = writeln!(
        s,
        "| not judged (the validator could not read the schema) | {} | |",
        count(None, any)
    );
    let _ = writeln!(
        s,
        "| specs whose harness did not build or run | {} | |",
        not_run.len()
    );
    for (title, fate) in [
        ("lost or changed", lossy as fn(&Fate) -> bool),
        ("refused", refused),
    ] {
        let _ = writeln!(s, "\n### Examples that fit their schema and were {title}\n");
        let mut rows: BTreeMap<String, (usize, usize, &str)> = BTreeMap::new();
        for (i, o) in all
            .iter()
            .filter(|(_, o)| o.fits == Some(true) && fate(&o.fate))
        {
            let detail = match &o.fate {
                Fate::Lossy(d) | Fate::Refused(d) => d.as_str(),
                Fate::Lossless => "",
            };
            let kind = reason_class(detail.split(" at /").next().unwrap_or(detail));
            rows.entry(kind).or_insert((0, *i, &o.pointer)).0 += 1;
        }
        if rows.is_empty() {
            let _ = writeln!(s, "None.");
            continue;
        }
        let _ = writeln!(
            s,
            "| reason | examples | example spec and pointer |\n| --- | --- | --- |"
        );
        let mut rows: Vec<_> = rows.into_iter().collect();
        rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
        for (reason, (n, i, pointer)) in rows.into_iter().take(TOP) {
            let _ = writeln!(
                s,
                "| {} | {n} | `{}` `{pointer}` |",
                reason.replace('|', "\\|"),
                rel(&f.specs[i])
            );
        }
    }
    if !not_run.is_empty() {
        let _ = writeln!(s, "\n### Specs whose harness did not build or run\n");
        taxonomy(s, f, not_run.into_iter(), rel);
    }
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        "–".to_string()
    } else {
        format!("{:.1}%", 100.0 * a as f64 / b as f64)
    }
}

/// A message with its specifics (names, numbers, quoted text) blanked, so that messages of
/// one kind count together.
fn reason_class(message: &str) -> String {
    let mut out = String::new();
    let mut in_quote: Option<char> = None;
    for c in message.chars().take(160) {
        match (in_quote, c) {
            (None, '`' | '"') => {
                in_quote = Some(c);
                out.push('…');
            }
            (Some(q), c) if c == q => in_quote = None,
            (Some(_), _) => {}
            (None, c) if c.is_ascii_digit() => {
                if !out.ends_with('N') {
                    out.push('N');
                }
            }
            (None, c) => out.push(c),
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::reason_class;

    #[test]
    fn specifics_are_blanked_so_reasons_group() {
        assert_eq!(
            reason_class("cannot find type `Foo` in module 12"),
            reason_class("cannot find type `Bar` in module 7")
        );
    }
}
