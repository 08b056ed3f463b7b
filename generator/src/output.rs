//! The generated files, in memory, and writing or checking them on disk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The files of a generated crate: relative path → contents, in path order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// Relative path (with `/`) → file contents.
    pub files: BTreeMap<String, String>,
}

/// A file on disk that differs from what the generator produces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stale {
    /// The file should exist but does not.
    Missing(PathBuf),
    /// The file exists with other contents.
    Changed(PathBuf),
    /// The file exists but the generator does not produce it.
    Extra(PathBuf),
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stale::Missing(p) => write!(f, "missing: {}", p.display()),
            Stale::Changed(p) => write!(f, "out of date: {}", p.display()),
            Stale::Extra(p) => write!(f, "not generated any more: {}", p.display()),
        }
    }
}

impl Output {
    /// Compares the output with the files under `dir`, naming every difference.
    pub fn check(&self, dir: &Path) -> Vec<Stale> {
        let mut stale = Vec::new();
        for (rel, contents) in &self.files {
            let path = dir.join(rel);
            match std::fs::read_to_string(&path) {
                Ok(existing) if existing == *contents => {}
                Ok(_) => stale.push(Stale::Changed(path)),
                Err(_) => stale.push(Stale::Missing(path)),
            }
        }
        for rel in existing_files(dir) {
            if !self.files.contains_key(&rel) {
                stale.push(Stale::Extra(dir.join(rel)));
            }
        }
        stale
    }

    /// Writes the output under `dir`, replacing what the generator wrote there before.
    ///
    /// Every file is first written next to its destination under a temporary name and then
    /// renamed over it, so a reader never sees a half-written file. Files under `dir` that the
    /// generator no longer produces are removed.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        let mut temps = Vec::new();
        for (rel, contents) in &self.files {
            let path = dir.join(rel);
            if std::fs::read_to_string(&path).is_ok_and(|existing| existing == *contents) {
                continue;
            }
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let temp = path.with_extension("forge-tmp");
            if let Err(e) = std::fs::write(&temp, contents) {
                for (t, _) in &temps {
                    let _ = std::fs::remove_file(t);
                }
                let _ = std::fs::remove_file(&temp);
                return Err(e);
            }
            temps.push((temp, path));
        }
        for (temp, path) in temps {
            std::fs::rename(temp, path)?;
        }
        for rel in existing_files(dir) {
            if !self.files.contains_key(&rel) {
                std::fs::remove_file(dir.join(rel))?;
            }
        }
        Ok(())
    }
}

/// Files under `dir` that the generator owns (everything but build output), relative, sorted.
fn existing_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(dir.join(&rel)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let child = rel.join(&name);
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                if name != "target" && !name.starts_with('.') {
                    stack.push(child);
                }
            } else if !name.ends_with(".lock") && !name.starts_with('.') {
                out.push(child.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}
