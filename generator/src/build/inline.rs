//! One Rust file from the files of a generated crate, for `include!` inside any module of the
//! crate that includes it.
//!
//! A generated crate is several files (`src/lib.rs`, `src/models.rs`, `src/client.rs`,
//! `src/client/runtime.rs`...) whose items name each other through `crate::`. Included into a
//! module of another crate, `crate::` would name that crate's root, and `mod client;` would look
//! for a file next to the including one. So:
//!
//! - each `mod name;` is replaced by `mod name { ... }` holding the items of its file (the
//!   file's inner attributes, such as `#![allow(...)]`, go inside the braces);
//! - each path that starts with `crate::`, in code and in the string paths of serde attributes
//!   (`deserialize_with = "crate::support::nullable"`), is made relative: `self::` at the top,
//!   `super::` once per module level below it, counting inline modules too;
//! - items under `#[cfg(feature = "client")]` or `"server"` are kept or dropped according to
//!   the parts asked for, and the attribute removed: the including crate has no such features;
//! - `include_str!`/`include_bytes!` of a file of the crate (the server's `openapi.json`) reads
//!   it from where the build wrote it, by absolute path;
//! - the top file's inner attributes (crate docs, `#![forbid(unsafe_code)]`) are dropped, as
//!   `include!` does not accept them.

use std::path::Path;

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use syn::{AttrStyle, Attribute, Item};

use crate::Output;

/// How to put the crate's files together.
pub(super) struct Inliner<'a> {
    /// The generated crate.
    pub output: &'a Output,
    /// The Cargo features of the generated crate that are on (`client`, `server`).
    pub features: &'a [&'a str],
    /// Where the crate's non-Rust files that the code includes are written, by their path in
    /// the crate (`openapi.json` → `<files>/openapi.json`).
    pub files: &'a Path,
}

impl Inliner<'_> {
    /// The items of `src/lib.rs` and every module file below it, as one formatted file, and
    /// the crate's non-Rust files that the code includes (paths in the crate).
    pub fn flatten(&self) -> Result<(String, Vec<String>), String> {
        let mut included = Vec::new();
        let mut file = self.module("src/lib.rs", 0, &mut included)?;
        file.attrs.clear();
        included.sort();
        included.dedup();
        Ok((prettyplease::unparse(&file), included))
    }

    /// The file at `path` (in the crate) with its module files inlined; `depth` is how many
    /// modules below the top it is.
    fn module(
        &self,
        path: &str,
        depth: usize,
        included: &mut Vec<String>,
    ) -> Result<syn::File, String> {
        let text = self
            .output
            .files
            .get(path)
            .ok_or_else(|| format!("the generated crate has no `{path}`"))?;
        let tokens: TokenStream = text
            .parse()
            .map_err(|e| format!("cannot read the generated `{path}`: {e}"))?;
        let tokens = self.rewrite(tokens, depth, path, included);
        let dir = module_dir(path);
        let mut file: syn::File =
            syn::parse2(tokens).map_err(|e| format!("cannot parse the generated `{path}`: {e}"))?;
        let mut items = Vec::with_capacity(file.items.len());
        for mut item in std::mem::take(&mut file.items) {
            if !self.keep(&mut item) {
                continue;
            }
            if let Item::Mod(m) = &mut item {
                if m.content.is_none() {
                    let name = m.ident.to_string();
                    let flat = format!("{dir}{name}.rs");
                    let nested = format!("{dir}{name}/mod.rs");
                    let child = if self.output.files.contains_key(&flat) {
                        flat
                    } else {
                        nested
                    };
                    let inner = self.module(&child, depth + 1, included)?;
                    m.attrs.extend(inner.attrs);
                    m.content = Some((Default::default(), inner.items));
                    m.semi = None;
                }
            }
            items.push(item);
        }
        file.items = items;
        Ok(file)
    }

    /// Whether the item stays, given its `#[cfg(feature = "...")]` attributes; the ones that
    /// were decided are removed. Other `cfg`s are left to the including crate.
    fn keep(&self, item: &mut Item) -> bool {
        let Some(attrs) = item_attrs(item) else {
            return true;
        };
        let mut keep = true;
        attrs.retain(|attr| match self.cfg(attr) {
            Some(on) => {
                keep &= on;
                false
            }
            None => true,
        });
        keep
    }

    /// The value of `#[cfg(feature = "x")]` or `#[cfg(not(feature = "x"))]`; `None` for any
    /// other attribute.
    fn cfg(&self, attr: &Attribute) -> Option<bool> {
        if !matches!(attr.style, AttrStyle::Outer) {
            return None;
        }
        let text: String = quote::ToTokens::to_token_stream(&attr.meta)
            .to_string()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let condition = text.strip_prefix("cfg(")?.strip_suffix(')')?;
        let (negated, condition) = match condition
            .strip_prefix("not(")
            .and_then(|c| c.strip_suffix(')'))
        {
            Some(inner) => (true, inner),
            None => (false, condition),
        };
        let feature = condition
            .strip_prefix("feature=\"")?
            .strip_suffix('"')
            .filter(|f| !f.contains('"'))?;
        Some(self.features.contains(&feature) != negated)
    }

    /// Rewrites `crate::` paths and `include_str!` of the crate's files in the tokens of the
    /// file at `path` (in the crate), at `depth` (see the module docs).
    fn rewrite(
        &self,
        tokens: TokenStream,
        depth: usize,
        path: &str,
        included: &mut Vec<String>,
    ) -> TokenStream {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut out = Vec::with_capacity(tokens.len());
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                TokenTree::Ident(ident)
                    if ident == "crate" && is_path_separator(&tokens[i + 1..]) =>
                {
                    out.extend(relative_root(depth, ident.span()));
                }
                TokenTree::Ident(ident) if ident == "mod" => {
                    // An inline module: its contents are one level deeper.
                    if let (Some(TokenTree::Ident(name)), Some(TokenTree::Group(body))) =
                        (tokens.get(i + 1), tokens.get(i + 2))
                    {
                        if body.delimiter() == Delimiter::Brace {
                            out.push(tokens[i].clone());
                            out.push(TokenTree::Ident(name.clone()));
                            let inner = self.rewrite(body.stream(), depth + 1, path, included);
                            out.push(regroup(body, inner));
                            i += 3;
                            continue;
                        }
                    }
                    out.push(tokens[i].clone());
                }
                TokenTree::Ident(ident)
                    if (ident == "include_str" || ident == "include_bytes")
                        && matches!(tokens.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!') =>
                {
                    let target = match tokens.get(i + 2) {
                        Some(TokenTree::Group(args)) => self.included_file(args, path),
                        _ => None,
                    };
                    match target {
                        Some((in_crate, absolute)) => {
                            included.push(in_crate);
                            out.push(tokens[i].clone());
                            out.push(tokens[i + 1].clone());
                            let literal = TokenTree::Literal(Literal::string(&absolute));
                            let Some(TokenTree::Group(args)) = tokens.get(i + 2) else {
                                unreachable!("matched above")
                            };
                            out.push(regroup(args, literal.into()));
                            i += 3;
                            continue;
                        }
                        None => out.push(tokens[i].clone()),
                    }
                }
                TokenTree::Group(group) => {
                    let inner = self.rewrite(group.stream(), depth, path, included);
                    out.push(regroup(group, inner));
                }
                TokenTree::Literal(literal) => out.push(TokenTree::Literal(
                    crate_path_in_string(literal, depth).unwrap_or_else(|| literal.clone()),
                )),
                other => out.push(other.clone()),
            }
            i += 1;
        }
        out.into_iter().collect()
    }

    /// For `("../openapi.json")` in the file at `path`: the included file's path in the crate
    /// and the absolute path it is written to. `None` when the argument is not one string
    /// naming a file of the crate.
    fn included_file(&self, args: &Group, path: &str) -> Option<(String, String)> {
        let mut inner = args.stream().into_iter();
        let (Some(TokenTree::Literal(literal)), None) = (inner.next(), inner.next()) else {
            return None;
        };
        let relative = string_value(&literal)?;
        let file_dir = match path.rsplit_once('/') {
            Some((parent, _)) => format!("{parent}/"),
            None => String::new(),
        };
        let in_crate = normalize(&format!("{file_dir}{relative}"))?;
        if !self.output.files.contains_key(&in_crate) {
            return None;
        }
        let absolute = self.files.join(&in_crate).to_string_lossy().into_owned();
        Some((in_crate, absolute))
    }
}

/// The directory of the module files of the file at `path`: `src/` for `src/lib.rs` and
/// `src/mod.rs` files' parents, `src/client/` for `src/client.rs`.
fn module_dir(path: &str) -> String {
    match path.strip_suffix(".rs") {
        Some(stem) if stem.ends_with("/lib") || stem.ends_with("/mod") || stem == "lib" => {
            match stem.rsplit_once('/') {
                Some((parent, _)) => format!("{parent}/"),
                None => String::new(),
            }
        }
        Some(stem) => format!("{stem}/"),
        None => format!("{path}/"),
    }
}

/// `a/b/../c` → `a/c`; `None` when the path leaves the crate.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// Whether the tokens start with `::`.
fn is_path_separator(tokens: &[TokenTree]) -> bool {
    matches!(
        tokens,
        [TokenTree::Punct(a), TokenTree::Punct(b), ..]
            if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':'
    )
}

/// What replaces `crate` at `depth`: `self` at the top, `super::super` two levels below.
fn relative_root(depth: usize, span: Span) -> Vec<TokenTree> {
    if depth == 0 {
        return vec![TokenTree::Ident(Ident::new("self", span))];
    }
    let mut out = Vec::with_capacity(depth * 3);
    for level in 0..depth {
        if level > 0 {
            out.push(TokenTree::Punct(Punct::new(':', Spacing::Joint)));
            out.push(TokenTree::Punct(Punct::new(':', Spacing::Alone)));
        }
        out.push(TokenTree::Ident(Ident::new("super", span)));
    }
    out
}

/// The same path as [`relative_root`] makes, as text (`super::super`).
fn relative_root_text(depth: usize) -> String {
    if depth == 0 {
        "self".to_string()
    } else {
        vec!["super"; depth].join("::")
    }
}

/// A string literal holding a path from the crate root (`"crate::support::optional"`, as serde
/// attributes have them), made relative; `None` for any other literal.
fn crate_path_in_string(literal: &Literal, depth: usize) -> Option<Literal> {
    let value = string_value(literal)?;
    let rest = value.strip_prefix("crate::")?;
    if !rest
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == ':')
    {
        return None;
    }
    let mut out = Literal::string(&format!("{}::{rest}", relative_root_text(depth)));
    out.set_span(literal.span());
    Some(out)
}

/// The value of a plain string literal without escapes (`"..."`); `None` for anything else.
fn string_value(literal: &Literal) -> Option<String> {
    let text = literal.to_string();
    let value = text.strip_prefix('"')?.strip_suffix('"')?;
    (!value.contains('\\') && !value.contains('"')).then(|| value.to_string())
}

/// A group with the delimiter and span of `like` and the given contents.
fn regroup(like: &Group, stream: TokenStream) -> TokenTree {
    let mut group = Group::new(like.delimiter(), stream);
    group.set_span(like.span());
    TokenTree::Group(group)
}

/// The attributes of an item, for the kinds that have them.
fn item_attrs(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    Some(match item {
        Item::Const(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::ExternCrate(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::ForeignMod(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Struct(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::TraitAlias(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(files: &[(&str, &str)]) -> Output {
        Output {
            files: files
                .iter()
                .map(|(p, t)| (p.to_string(), t.to_string()))
                .collect(),
        }
    }

    fn flatten(files: &[(&str, &str)], features: &[&str]) -> String {
        let output = output(files);
        let inliner = Inliner {
            output: &output,
            features,
            files: Path::new("/out/api"),
        };
        inliner.flatten().expect("flattens").0
    }

    #[test]
    fn module_files_are_inlined_and_crate_paths_made_relative() {
        let text = flatten(
            &[
                (
                    "src/lib.rs",
                    "//! Docs.\n#![forbid(unsafe_code)]\npub mod models;\n#[cfg(feature = \"client\")]\npub mod client;\n#[cfg(feature = \"server\")]\npub mod server;\npub use models::*;\nfn f() -> crate::models::Pet { todo!() }\n",
                ),
                (
                    "src/models.rs",
                    "//! Models.\npub struct Pet { #[serde(deserialize_with = \"crate::support::nullable\")] pub tag: Option<crate::Tag> }\npub(crate) mod inner { pub struct X(crate::models::Pet); }\n",
                ),
                (
                    "src/client.rs",
                    "#![allow(clippy::too_many_arguments)]\npub mod runtime;\nuse crate::models::*;\n",
                ),
                ("src/client/runtime.rs", "pub fn f() -> crate::models::Pet { todo!() }\n"),
                ("src/server.rs", "pub const X: &str = include_str!(\"../openapi.json\");\n"),
                ("openapi.json", "{}"),
            ],
            &["client"],
        );
        assert!(!text.contains("forbid"), "{text}");
        assert!(!text.contains("crate::"), "{text}");
        assert!(!text.contains("mod server"), "{text}");
        assert!(!text.contains("cfg("), "{text}");
        assert!(text.contains("fn f() -> self::models::Pet"), "{text}");
        assert!(text.contains("\"super::support::nullable\""), "{text}");
        assert!(text.contains("Option<super::Tag>"), "{text}");
        assert!(
            text.contains("pub struct X(super::super::models::Pet)"),
            "{text}"
        );
        assert!(
            text.contains("pub mod client {\n    #![allow(clippy::too_many_arguments)]"),
            "{text}"
        );
        assert!(text.contains("use super::models::*;"), "{text}");
        assert!(
            text.contains("pub fn f() -> super::super::models::Pet"),
            "{text}"
        );
        assert!(text.contains("pub(crate) mod inner"), "{text}");
    }

    #[test]
    fn included_files_are_read_by_absolute_path() {
        let output = output(&[
            (
                "src/lib.rs",
                "#[cfg(feature = \"server\")]\npub mod server;\n",
            ),
            (
                "src/server.rs",
                "pub const X: &str = include_str!(\"../openapi.json\");\n",
            ),
            ("openapi.json", "{}"),
        ]);
        let inliner = Inliner {
            output: &output,
            features: &["server"],
            files: Path::new("/out/api"),
        };
        let (text, included) = inliner.flatten().expect("flattens");
        assert_eq!(included, ["openapi.json"]);
        let expected = Path::new("/out/api").join("openapi.json");
        assert!(
            text.contains(&format!("include_str!({:?})", expected.to_string_lossy())),
            "{text}"
        );
    }
}
