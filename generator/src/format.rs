//! Format stage: token streams → formatted Rust source with the generated-file header.

use proc_macro2::TokenStream;

/// Formats a token stream as a Rust source file, headed by `//!` lines of `header`.
pub fn rust_file(header: &str, tokens: TokenStream) -> Result<String, syn::Error> {
    let file: syn::File = syn::parse2(tokens)?;
    let body = prettyplease::unparse(&file);
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("//! ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("//!\n");
    out.push_str(&body);
    Ok(out)
}
