//! Spec descriptions → rustdoc attributes that can never break a build.
//!
//! Descriptions are vendor text: they hold code blocks (which rustdoc would compile as
//! doctests), HTML, `[brackets]` (read as intra-doc links), bare URLs and `*/`. Each is made
//! harmless here, and the text is emitted as `#[doc = "..."]` attributes, never as comments.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc]` attributes for an item, or nothing when there is no text.
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    match text {
        Some(t) if !t.trim().is_empty() => lines_to_attrs(&sanitize(t)),
        _ => TokenStream::new(),
    }
}

/// `#[doc]` attributes for text that is already Markdown written by the generator.
pub fn raw_doc_attrs(text: &str) -> TokenStream {
    lines_to_attrs(text)
}

fn lines_to_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {}", expand_tabs(line))
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// `line` with each tab replaced by the spaces up to the next multiple of four columns: vendor
/// text has tabs (GitHub aligns tables with them), which clippy's `tabs_in_doc_comments`
/// refuses, and the columns keep code blocks aligned as written.
fn expand_tabs(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains('\t') {
        return line.into();
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let spaces = 4 - column % 4;
            out.extend(std::iter::repeat_n(' ', spaces));
            column += spaces;
        } else {
            out.push(c);
            column += 1;
        }
    }
    out.into()
}

/// Makes vendor Markdown safe for rustdoc.
pub fn sanitize(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out: Vec<String> = Vec::new();
    let mut fence: Option<String> = None;
    let mut indented = false;
    let mut previous_blank = true;
    // The indentation of the text of the list item being written, if any.
    let mut list_item: Option<usize> = None;
    for raw in text.trim().lines() {
        let trimmed = raw.trim_start();
        if let Some(marker) = &fence {
            if trimmed.starts_with(marker.as_str()) {
                fence = None;
                out.push("```".into());
            } else {
                out.push(raw.to_string());
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            if indented {
                out.push("```".into());
                indented = false;
            }
            let marker: String = trimmed
                .chars()
                .take_while(|c| *c == '`' || *c == '~')
                .collect();
            // Every code block becomes `text`: vendor snippets are never valid doctests.
            out.push("```text".into());
            fence = Some(marker);
            previous_blank = false;
            continue;
        }
        let is_indented = raw.starts_with("    ") || raw.starts_with('\t');
        if is_indented && !trimmed.is_empty() && (indented || previous_blank) {
            if !indented {
                out.push("```text".into());
                indented = true;
            }
            out.push(trimmed.to_string());
            continue;
        }
        if indented && !trimmed.is_empty() {
            out.push("```".into());
            indented = false;
        }
        previous_blank = trimmed.is_empty();
        let line = match (item_indent(raw), list_item) {
            (Some(indent), _) => {
                list_item = Some(indent);
                raw.trim_end().to_string()
            }
            // A line that goes on a list item without being indented under it ("lazy
            // continuation"), or indented further than its text (Jira's `from` parameter), is
            // indented as Markdown reads it: clippy refuses both.
            (None, Some(indent)) if !trimmed.is_empty() && raw.len() - trimmed.len() != indent => {
                format!("{}{}", " ".repeat(indent), trimmed.trim_end())
            }
            (None, _) => {
                if trimmed.is_empty() {
                    list_item = None;
                }
                raw.trim_end().to_string()
            }
        };
        out.push(escape_prose(&line));
    }
    if fence.is_some() || indented {
        out.push("```".into());
    }
    out.join("\n")
}

/// Where the text of a list item (`- a`, `* a`, `+ a`, `1. a`, `1) a`) starts, when `line` is
/// one.
fn item_indent(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match trimmed.as_bytes().get(digits) {
        Some(b'-' | b'*' | b'+') if digits == 0 => 1,
        Some(b'.' | b')') if digits > 0 => digits + 1,
        _ => return None,
    };
    let after = &trimmed[marker..];
    let spaces = after.len() - after.trim_start_matches(' ').len();
    (spaces > 0 && !after.trim().is_empty()).then(|| line.len() - trimmed.len() + marker + spaces)
}

/// Escapes what rustdoc would read as HTML or links, and marks URLs as links.
fn escape_prose(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        if !in_code && (rest.starts_with("https://") || rest.starts_with("http://")) {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']'))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        if !in_code && c == '[' {
            if let Some((text, url, len)) = markdown_link(rest) {
                // A link to a web page stays a link: only its text is escaped.
                out.push('[');
                out.push_str(&escape_prose(text));
                out.push_str("](");
                out.push_str(url);
                out.push(')');
                rest = &rest[len..];
                continue;
            }
        }
        if !in_code {
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '[' => out.push_str("\\["),
                ']' => out.push_str("\\]"),
                // An HTML entity the vendor wrote (`&#58;`, `&quot;`) is already what rustdoc
                // shows as that character: escaping it again would print the entity itself.
                '&' if entity_len(rest).is_none() => out.push_str("&amp;"),
                _ => out.push(c),
            }
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The text, the URL and the length of a Markdown link to a web page at the start of `text`
/// (`[text](https://...)`).
fn markdown_link(text: &str) -> Option<(&str, &str, usize)> {
    let close = text.find("](")?;
    let inner = &text[1..close];
    if inner.contains(['[', ']']) {
        return None;
    }
    let after = &text[close + 2..];
    let end = after.find(')')?;
    let url = &after[..end];
    let is_web = url.starts_with("https://") || url.starts_with("http://");
    if !is_web || url.contains(char::is_whitespace) || url.contains(['<', '>', '"', '`']) {
        return None;
    }
    Some((inner, url, close + 2 + end + 1))
}

/// The length of the HTML character reference at the start of `text` (`&amp;`, `&#58;`,
/// `&#x3A;`), if there is one.
fn entity_len(text: &str) -> Option<usize> {
    let body = text.strip_prefix('&')?;
    let end = body.find(';')?;
    let name = &body[..end];
    let valid = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
        !hex.is_empty() && hex.len() <= 6 && hex.chars().all(|c| c.is_ascii_hexdigit())
    } else if let Some(digits) = name.strip_prefix('#') {
        !digits.is_empty() && digits.len() <= 7 && digits.chars().all(|c| c.is_ascii_digit())
    } else {
        !name.is_empty() && name.len() <= 32 && name.chars().all(|c| c.is_ascii_alphanumeric())
    };
    valid.then_some(end + 2)
}

#[cfg(test)]
mod tests {
    use super::{expand_tabs, sanitize};

    #[test]
    fn lines_going_on_a_list_item_are_indented_under_it() {
        assert_eq!(
            sanitize("Privacy:\n * `closed` - visible.\nDefault: `secret`\n\nNext"),
            "Privacy:\n * `closed` - visible.\n   Default: `secret`\n\nNext"
        );
        assert_eq!(sanitize("1. one\ntwo\n- three"), "1. one\n   two\n- three");
        assert_eq!(
            sanitize("- timestamp in past;\n               only records after it\n\nmore"),
            "- timestamp in past;\n  only records after it\n\nmore"
        );
    }

    #[test]
    fn tabs_become_spaces_to_the_next_stop() {
        assert_eq!(expand_tabs("a\tb"), "a   b");
        assert_eq!(expand_tabs("\tabcd\tx"), "    abcd    x");
        assert_eq!(expand_tabs("no tabs"), "no tabs");
    }

    #[test]
    fn code_blocks_become_text() {
        assert_eq!(
            sanitize("Use:\n```\nlet x = ;\n```"),
            "Use:\n```text\nlet x = ;\n```"
        );
        assert_eq!(sanitize("Use:\n```rust\nfn\n"), "Use:\n```text\nfn\n```");
        assert_eq!(
            sanitize("Call\n\n    curl -X GET\nthen"),
            "Call\n\n```text\ncurl -X GET\n```\nthen"
        );
    }

    #[test]
    fn html_links_and_urls_are_escaped() {
        assert_eq!(
            sanitize("a <b>bold</b> [x] */"),
            "a &lt;b&gt;bold&lt;/b&gt; \\[x\\] */"
        );
        assert_eq!(sanitize("see https://x.io/a."), "see <https://x.io/a>.");
        assert_eq!(sanitize("`<T>` stays"), "`<T>` stays");
        assert_eq!(sanitize("R&D"), "R&amp;D");
    }

    #[test]
    fn entities_and_web_links_are_kept_as_written() {
        assert_eq!(sanitize("a&#58; b&quot; c&#x3A;"), "a&#58; b&quot; c&#x3A;");
        assert_eq!(sanitize("R& D; &;"), "R&amp; D; &amp;;");
        assert_eq!(
            sanitize("see [the guide](https://x.io/guide) and [x]"),
            "see [the guide](https://x.io/guide) and \\[x\\]"
        );
        assert_eq!(
            sanitize("[<b>](https://x.io) [a](relative)"),
            "[&lt;b&gt;](https://x.io) \\[a\\](relative)"
        );
    }
}
