//! Format stage: token streams → formatted Rust source with the generated-file header.

use proc_macro2::TokenStream;

/// Formats a token stream as a Rust source file, headed by `//!` lines of `header`.
pub fn rust_file(header: &str, tokens: TokenStream) -> Result<String, syn::Error> {
    Ok(finish(header, &unparse(tokens)?))
}

/// Formats whole items (and inner attributes before them) without the file's header and
/// spacing: the texts of consecutive parts of a file, joined, are the text of the whole.
pub fn unparse(tokens: TokenStream) -> Result<String, syn::Error> {
    let file: syn::File = syn::parse2(tokens)?;
    Ok(prettyplease::unparse(&file))
}

/// A Rust source file from the formatted items of [`unparse`]: headed by `//!` lines of
/// `header`, with a blank line between items.
pub fn finish(header: &str, body: &str) -> String {
    let mut out = String::with_capacity(header.len() + body.len() + body.len() / 16);
    for line in header.lines() {
        out.push_str("//! ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("//!\n");
    space_items(body, &mut out);
    out
}

/// Puts a blank line between top-level items, which `prettyplease` writes back to back.
///
/// An item ends at a line in column 0 that closes a block (`}` or an empty `{}`) or ends a
/// statement; the next line in column 0 starts another item (its attributes and doc comments
/// included). Runs of `use` lines stay together.
fn space_items(source: &str, out: &mut String) {
    let mut previous: Option<&str> = None;
    for line in source.lines() {
        if let Some(prev) = previous {
            let prev_is_code =
                !prev.starts_with(' ') && !prev.starts_with("//") && !prev.starts_with('#');
            let prev_ends_item = prev_is_code
                && (prev.starts_with('}') || prev.ends_with('}') || prev.ends_with(';'));
            let starts_item = !line.starts_with(' ') && !line.starts_with('}') && !line.is_empty();
            let both_use = prev.starts_with("use ") && line.starts_with("use ");
            if prev_ends_item && starts_item && !both_use {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
}

/// Formats the body of an `async fn example()` as a rustdoc example: the function's signature
/// and closing lines are hidden (`# `), the body shows.
pub fn doctest(tokens: &TokenStream) -> Result<String, syn::Error> {
    let file: syn::File = syn::parse2(tokens.clone())?;
    let text = prettyplease::unparse(&file);
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let hidden =
            i == 0 || i + 1 == lines.len() || line.trim() == "Ok(())" && i + 2 == lines.len();
        let line = if i == 0 || i + 1 == lines.len() {
            line
        } else {
            line.strip_prefix("    ").unwrap_or(line)
        };
        out.push(if hidden {
            format!("# {line}")
        } else {
            line.to_string()
        });
    }
    Ok(out.join("\n"))
}
