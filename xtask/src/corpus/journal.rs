//! The journal of a corpus run: each result is appended as soon as it is known, so that a run
//! cut short (a session ending, a machine rebooting) can be resumed with `--resume` without
//! redoing what it already measured.
//!
//! A journal belongs to one measurement: its first line is a key naming the commit and the
//! settings. A journal with another key is never resumed, so one report always describes one
//! generator and one sample.
//!
//! Lines are tab-separated: `stage`, `tool`, spec index, status, seconds, message (tabs,
//! newlines and backslashes escaped).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write as _;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// What is measured, and by which tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// openapi-forge on one spec of the whole corpus.
    Generate,
    /// A peer on one spec of the sample.
    PeerGenerate,
    /// `cargo clippy` of one crate of the sample.
    Check,
    /// The examples round trip of one spec of the sample (its outcomes as JSON).
    Examples,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::Generate => "generate",
            Stage::PeerGenerate => "peer-generate",
            Stage::Check => "check",
            Stage::Examples => "examples",
        }
    }

    fn parse(s: &str) -> Option<Stage> {
        [
            Stage::Generate,
            Stage::PeerGenerate,
            Stage::Check,
            Stage::Examples,
        ]
        .into_iter()
        .find(|stage| stage.as_str() == s)
    }
}

/// How one step ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Generated, or compiled clippy-clean.
    Ok,
    /// The generator refused the spec with a diagnostic.
    Diagnostic,
    /// The generator panicked.
    Panic,
    /// The crate compiles but clippy refuses it.
    Lint,
    /// A peer did not generate, or the crate does not compile.
    Failed,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Diagnostic => "diagnostic",
            Status::Panic => "panic",
            Status::Lint => "lint",
            Status::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Option<Status> {
        [
            Status::Ok,
            Status::Diagnostic,
            Status::Panic,
            Status::Lint,
            Status::Failed,
        ]
        .into_iter()
        .find(|status| status.as_str() == s)
    }
}

/// One result: how the step ended, what was said, how long it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub status: Status,
    pub message: String,
    pub time: Duration,
}

/// Where results are recorded, and what an earlier part of the same run recorded.
pub struct Journal {
    file: Mutex<File>,
    done: BTreeMap<(Stage, String, usize), Entry>,
}

impl Journal {
    /// Opens the journal at `path` for the run named `key`. With `resume`, the results of a
    /// journal with the same key are kept and later ones appended; otherwise (or when the key
    /// differs) `fresh` is called to clear what the earlier run left, and the journal restarts.
    pub fn open(
        path: &Path,
        key: &str,
        resume: bool,
        fresh: impl FnOnce(),
    ) -> anyhow::Result<Journal> {
        let earlier = std::fs::read_to_string(path).unwrap_or_default();
        let mut lines = earlier.lines();
        let same_run = lines.next() == Some(&*format!("# {key}"));
        if resume && same_run {
            let done = lines.filter_map(parse_line).collect::<BTreeMap<_, _>>();
            eprintln!(
                "corpus: resuming a run of the same commit and settings ({} results kept)",
                done.len()
            );
            let file = std::fs::OpenOptions::new().append(true).open(path)?;
            return Ok(Journal {
                file: Mutex::new(file),
                done,
            });
        }
        if resume {
            eprintln!(
                "corpus: nothing to resume for this commit and these settings; starting over"
            );
        }
        fresh();
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut file = File::create(path)?;
        writeln!(file, "# {key}")?;
        Ok(Journal {
            file: Mutex::new(file),
            done: BTreeMap::new(),
        })
    }

    /// The result recorded for `(stage, tool, index)`, if any.
    pub fn get(&self, stage: Stage, tool: &str, index: usize) -> Option<&Entry> {
        self.done.get(&(stage, tool.to_string(), index))
    }

    /// Appends a result; it is on disk when this returns (a failure to write is reported and
    /// only costs the ability to resume).
    pub fn record(&self, stage: Stage, tool: &str, index: usize, entry: &Entry) {
        let line = format!(
            "{}\t{tool}\t{index}\t{}\t{:.3}\t{}\n",
            stage.as_str(),
            entry.status.as_str(),
            entry.time.as_secs_f64(),
            escape(&entry.message)
        );
        let written = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("journal lock poisoned"))
            .and_then(|mut f| f.write_all(line.as_bytes()).and_then(|()| f.flush()));
        if let Err(e) = written {
            eprintln!("corpus: cannot write the journal: {e}");
        }
    }
}

fn parse_line(line: &str) -> Option<((Stage, String, usize), Entry)> {
    let mut fields = line.splitn(6, '\t');
    let stage = Stage::parse(fields.next()?)?;
    let tool = fields.next()?.to_string();
    let index = fields.next()?.parse().ok()?;
    // A line of an unknown status (a journal of another version) is measured again.
    let status = Status::parse(fields.next()?)?;
    let time = Duration::try_from_secs_f64(fields.next()?.parse().ok()?).ok()?;
    let message = unescape(fields.next()?);
    Some((
        (stage, tool, index),
        Entry {
            status,
            message,
            time,
        },
    ))
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(status: Status, message: &str) -> Entry {
        Entry {
            status,
            message: message.into(),
            time: Duration::from_millis(1500),
        }
    }

    #[test]
    fn a_resumed_journal_returns_what_was_recorded() {
        let dir = std::env::temp_dir().join(format!("corpus-journal-{}", std::process::id()));
        let path = dir.join("journal.tsv");
        let mut cleared = 0;
        let first = Journal::open(&path, "abc compile=2", true, || cleared += 1).unwrap();
        let odd = entry(Status::Failed, "error[E0308]: a\tb\nc \\ d");
        first.record(Stage::Check, "forge", 7, &odd);
        first.record(Stage::Generate, "forge", 3, &entry(Status::Ok, ""));
        drop(first);

        let again = Journal::open(&path, "abc compile=2", true, || cleared += 1).unwrap();
        assert_eq!(again.get(Stage::Check, "forge", 7), Some(&odd));
        assert_eq!(
            again.get(Stage::Generate, "forge", 3).map(|e| e.status),
            Some(Status::Ok)
        );
        assert_eq!(again.get(Stage::Check, "progenitor", 7), None);
        drop(again);

        // Another commit or other settings: the old results are not used.
        let other = Journal::open(&path, "def compile=2", true, || cleared += 1).unwrap();
        assert_eq!(other.get(Stage::Check, "forge", 7), None);
        // Without --resume the journal restarts too.
        let fresh = Journal::open(&path, "def compile=2", false, || cleared += 1).unwrap();
        assert_eq!(fresh.get(Stage::Generate, "forge", 3), None);
        assert_eq!(cleared, 3);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
