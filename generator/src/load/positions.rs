//! Where things are in the files the user wrote: the texts of the inputs, pointers in converted
//! 2.0 files traced back to their 2.0 place, and the line and column of a JSON pointer in a
//! text (`PositionIndex`), computed when a diagnostic first asks for one.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::unescape;

/// The text of each file read, and its line index, built the first time a problem in that file
/// is reported: loading a spec without problems pays nothing for it. For a converted Swagger
/// 2.0 file, also where its parts moved (see [`crate::swagger2`]).
#[derive(Debug, Default)]
pub(super) struct Texts(
    pub(super) BTreeMap<String, (String, OnceLock<PositionIndex>)>,
    BTreeMap<String, Vec<(String, String)>>,
);

impl Texts {
    pub(super) fn insert(&mut self, file: &str, text: String) {
        self.0.insert(file.to_string(), (text, OnceLock::new()));
    }

    /// Records that parts of `file` moved when it was converted: `(new prefix, old prefix)`.
    pub(super) fn moved(&mut self, file: &str, moved: Vec<(String, String)>) {
        self.1.insert(file.to_string(), moved);
    }

    /// The pointer as the user wrote it: for a converted 2.0 file, back in its 2.0 place.
    pub(super) fn original(&self, file: &str, pointer: &str) -> String {
        let best = self.1.get(file).and_then(|moved| {
            moved
                .iter()
                .filter(|(new, _)| {
                    pointer == new
                        || (pointer.starts_with(new.as_str())
                            && pointer.as_bytes().get(new.len()) == Some(&b'/'))
                })
                .max_by_key(|(new, _)| new.len())
        });
        match best {
            Some((new, old)) => format!("{old}{}", &pointer[new.len()..]),
            None => pointer.to_string(),
        }
    }

    pub(super) fn line_col(&self, file: &str, pointer: &str) -> Option<(usize, usize)> {
        let (text, index) = self.0.get(file)?;
        index.get_or_init(|| PositionIndex::new(text)).find(pointer)
    }
}

/// Finds the line and column of a JSON pointer in a block-style YAML or pretty JSON text.
///
/// This is a light scan, not a parser: for each segment it looks for the next line that holds
/// that key (or list item) more deeply indented than its parent. It answers `None` rather than
/// guess when the text is not laid out that way (flow style, keys on one line).
#[derive(Debug)]
pub(super) struct PositionIndex {
    lines: Vec<(usize, String)>,
}

impl PositionIndex {
    fn new(text: &str) -> Self {
        PositionIndex {
            lines: text
                .lines()
                .map(|l| {
                    let indent = l.len() - l.trim_start().len();
                    (indent, l.trim_start().to_string())
                })
                .collect(),
        }
    }

    fn find(&self, pointer: &str) -> Option<(usize, usize)> {
        // (line index, indent) of the value found so far; `None` stands for the document.
        let mut parent: Option<(usize, usize)> = None;
        for segment in pointer.split('/').skip(1).map(unescape) {
            let children = self.children(parent);
            let hit = children
                .iter()
                .find(|(i, _)| key_matches(&self.lines[*i].1, &segment))
                .or_else(|| {
                    let index = segment.parse::<usize>().ok()?;
                    children
                        .iter()
                        .filter(|(i, _)| self.lines[*i].1.starts_with('-'))
                        .nth(index)
                })
                .copied();
            parent = Some(hit?);
        }
        parent.map(|(line, indent)| (line + 1, indent + 1))
    }

    /// The lines that start the direct children of the value at `parent`.
    fn children(&self, parent: Option<(usize, usize)>) -> Vec<(usize, usize)> {
        let (start, parent_indent) = match parent {
            Some((line, indent)) => (line + 1, Some(indent)),
            None => (0, None),
        };
        // A list item's own mapping starts on its `- ` line.
        let mut out = Vec::new();
        if let Some((line, indent)) = parent {
            let text = &self.lines[line].1;
            if let Some(rest) = text.strip_prefix("- ") {
                if rest.contains(':') {
                    out.push((line, indent + 2));
                }
            }
        }
        let mut child_indent = None;
        for i in start..self.lines.len() {
            let (indent, text) = &self.lines[i];
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            let list_at_same = parent_indent == Some(*indent) && text.starts_with('-');
            if parent_indent.is_some_and(|p| *indent < p || (*indent == p && !list_at_same)) {
                break;
            }
            let ci = *child_indent.get_or_insert(*indent);
            if *indent == ci {
                out.push((i, *indent));
            }
        }
        out
    }
}

fn key_matches(text: &str, key: &str) -> bool {
    let text = text.strip_prefix("- ").unwrap_or(text);
    for quoted in [key.to_string(), format!("\"{key}\""), format!("'{key}'")] {
        if let Some(rest) = text.strip_prefix(quoted.as_str()) {
            if rest.trim_start().starts_with(':') {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_follow_yaml_nesting() {
        let text = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n";
        let index = PositionIndex::new(text);
        assert_eq!(index.find("/paths/~1a/get"), Some((4, 5)));
        assert_eq!(
            index.find("/paths/~1a/get/responses/200/description"),
            Some((7, 11))
        );
        assert_eq!(index.find("/paths/~1b"), None);
        let text = "paths:\n  /a:\n    get:\n      parameters:\n        - name: x\n          in: query\n        - name: y\n          in: path\n";
        let index = PositionIndex::new(text);
        assert_eq!(index.find("/paths/~1a/get/parameters/1"), Some((7, 9)));
        assert_eq!(index.find("/paths/~1a/get/parameters/1/in"), Some((8, 11)));
        assert_eq!(
            index.find("/paths/~1a/get/parameters/0/name"),
            Some((5, 11))
        );
    }
}
