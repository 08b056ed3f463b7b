//! Pagination changes: `x-pagination` added, removed or changed on an operation, and with it
//! the `into_stream()` method the generated client offers on the operation's request builder.
//!
//! The marker changes no request or response: the paging parameters and the page's body are
//! compared on their own. What it changes is how the generated client walks the pages, so the
//! classification follows `into_stream()`: whether it exists on each side, and whether old
//! clients' streams still ask for the pages the way servers now serve them.

use super::classify::{item, Draft, Place};
use super::walk::{OpNames, Walker};
use super::Semver::{Major, Minor, Patch};
use super::{ChangeKind as K, Effect, Impact, ItemKind};
use crate::ir::{Api, Operation, Pagination};

impl Walker<'_> {
    /// Compares the pagination of an operation and the stream the client offers for it.
    pub(super) fn pagination(
        &mut self,
        o: &Operation,
        n: &Operation,
        place: &Place,
        names: &OpNames,
    ) {
        let (old_stream, new_stream) = (has_stream(self.old, o), has_stream(self.new, n));
        if o.pagination == n.pagination && old_stream == new_stream {
            return;
        }
        let (kind, detail) = match (&o.pagination, &n.pagination) {
            (None, Some(p)) => (K::PaginationAdded, describe(p)),
            (Some(p), None) => (K::PaginationRemoved, format!("was {}", describe(p))),
            (Some(a), Some(b)) if a != b => (
                K::PaginationChanged,
                format!("{} → {}", describe(a), describe(b)),
            ),
            _ => (
                K::PaginationChanged,
                "same `x-pagination`, but the operation changed around it".to_string(),
            ),
        };
        let stream = names.stream();
        let mut d = Draft::new(kind, place, "`x-pagination`").detail(detail);
        match (old_stream, new_stream) {
            (false, true) => {
                d.client
                    .add(Impact::Compatible, format!("new method `{stream}`"));
                d = d
                    .item(item(ItemKind::Method, stream.clone(), Effect::Added))
                    .semver(Minor);
            }
            (true, false) => {
                d.client.add(
                    Impact::SourceBreaking,
                    format!("code calling `{stream}` stops compiling"),
                );
                d = d
                    .item(item(ItemKind::Method, stream.clone(), Effect::Removed))
                    .semver(Major);
            }
            (true, true) => {
                d = d
                    .item(item(ItemKind::Method, stream.clone(), Effect::Behaviour))
                    .semver(Patch);
            }
            (false, false) => {
                d.client.add(
                    Impact::Compatible,
                    "the generated client cannot follow these pages and offers no `into_stream()`, before or after",
                );
            }
        }
        match kind {
            K::PaginationAdded => {
                d.server.add(
                    Impact::Compatible,
                    "the marker documents how pages are asked for; the paging parameters are compared on their own",
                );
            }
            K::PaginationRemoved => {
                if old_stream {
                    d.client.add(
                        Impact::Breaking,
                        format!("old clients' `{stream}` keeps asking for further pages, which servers no longer promise to serve"),
                    );
                }
                d.server
                    .add(Impact::Compatible, "servers need not serve pages any more");
            }
            _ => {
                if old_stream && o.pagination != n.pagination {
                    d.client.add(
                        Impact::Breaking,
                        format!("old clients' `{stream}` asks for and reads the pages the old way"),
                    );
                }
                if o.pagination != n.pagination {
                    d.server.add(
                        Impact::Breaking,
                        "servers must serve the pages the way the new marker says",
                    );
                }
            }
        }
        self.push(d);
    }
}

/// The marker in words: ``cursor style (cursor `page_token`, items in `data`)``.
fn describe(p: &Pagination) -> String {
    let (style, named): (&str, [(&str, Option<&String>); 3]) = match p {
        Pagination::Page {
            page_param,
            size_param,
            items,
        } => (
            "page",
            [
                ("page", Some(page_param)),
                ("size", size_param.as_ref()),
                ("items in", items.as_ref()),
            ],
        ),
        Pagination::Offset {
            offset_param,
            limit_param,
            items,
        } => (
            "offset",
            [
                ("offset", Some(offset_param)),
                ("limit", limit_param.as_ref()),
                ("items in", items.as_ref()),
            ],
        ),
        Pagination::Cursor {
            cursor_param,
            items,
            next_cursor,
        } => (
            "cursor",
            [
                ("cursor", Some(cursor_param)),
                ("items in", items.as_ref()),
                ("next cursor at", next_cursor.as_ref()),
            ],
        ),
    };
    let mut parts: Vec<String> = named
        .iter()
        .filter_map(|(what, value)| value.map(|v| format!("{what} `{v}`")))
        .collect();
    if !named
        .iter()
        .any(|(what, v)| *what == "items in" && v.is_some())
    {
        parts.push("the body is the list".to_string());
    }
    format!("{style} style ({})", parts.join(", "))
}

/// Whether the generated client has `into_stream()` for an operation: the client emitter
/// builds it from the same [`crate::ir::pagination::stream`].
fn has_stream(api: &Api, op: &Operation) -> bool {
    crate::ir::pagination::stream(api, op).is_some()
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::has_stream;

    /// Spec files of one API each: every vendor API under `specs/`, every fixture under
    /// `tests/fixtures/`.
    fn apis() -> Vec<Vec<PathBuf>> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let list = |dir: &Path| -> Vec<PathBuf> {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
                .flatten()
                .map(|e| e.path())
                .collect();
            paths.sort();
            paths
        };
        let yaml = |p: &PathBuf| p.extension().is_some_and(|e| e == "yaml");
        let mut apis = Vec::new();
        for dir in list(&root.join("specs")).into_iter().filter(|d| d.is_dir()) {
            let mut files: Vec<PathBuf> = list(&dir).into_iter().filter(yaml).collect();
            files.sort_by_key(|p| (p.file_stem().is_none_or(|s| s != "common"), p.clone()));
            apis.push(files);
        }
        let fixtures = root.join("tests").join("fixtures");
        apis.extend(list(&fixtures).into_iter().filter(yaml).map(|f| vec![f]));
        apis
    }

    /// The mirror agrees with the client emitter: in every vendor API and generator fixture,
    /// the operations with a stream are as many as the generated client's `into_stream`s.
    #[test]
    fn streams_match_the_client_emitter() {
        let mut checked = 0;
        for specs in apis() {
            let label = format!("{specs:?}");
            let config = crate::Config {
                specs,
                crate_name: "streams".into(),
                source_label: String::new(),
                regenerate_command: String::new(),
                selection: Default::default(),
            };
            let (Ok((api, _)), Ok((output, _))) =
                (crate::build_api(&config), crate::generate(&config))
            else {
                panic!("{label} does not generate");
            };
            let emitted: usize = output
                .files
                .values()
                .map(|text| text.matches("pub fn into_stream(").count())
                .sum();
            let mirrored = api
                .operations
                .iter()
                .filter(|op| has_stream(&api, op))
                .count();
            assert_eq!(mirrored, emitted, "{label}");
            checked += emitted;
        }
        assert!(checked > 0, "no API has a page stream to check");
    }
}
