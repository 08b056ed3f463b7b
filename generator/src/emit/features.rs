//! `#[cfg(feature = ..)]` on the items of operation groups and of the types only some groups
//! use (the features are decided in `lower::features`).

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::quote;

use crate::ir::Api;

/// `#[cfg(any(feature = "a", ..))]` for these features, or nothing when the list is empty.
pub fn cfg(features: &[String]) -> Option<TokenStream> {
    match features {
        [] => None,
        [one] => Some(quote!(#[cfg(feature = #one)])),
        many => Some(quote!(#[cfg(any(#(feature = #many),*))])),
    }
}

/// The `cfg` of the operations of group `group`.
pub fn group_cfg(api: &Api, group: usize) -> Option<TokenStream> {
    let feature = api.groups.get(group)?.feature.as_ref()?;
    Some(quote!(#[cfg(feature = #feature)]))
}

/// `tokens` (a sequence of items) with `attr` on every item.
///
/// The items are found on the token level, without parsing them (the format stage parses the
/// whole part once anyway): an item is its attributes, then tokens up to a `;` or, for items
/// with a body, up to the body's braces. `const`, `static`, `type` and `use` items end only at
/// their `;`, since their value or path may hold braces of its own.
pub fn gate(tokens: TokenStream, attr: Option<TokenStream>) -> TokenStream {
    let Some(attr) = attr else {
        return tokens;
    };
    let mut out = TokenStream::new();
    let mut tokens = tokens.into_iter().peekable();
    while tokens.peek().is_some() {
        out.extend(attr.clone());
        let mut semicolon_only = false;
        let mut seen_keyword = false;
        while let Some(token) = tokens.next() {
            let ends = match &token {
                TokenTree::Punct(p) if p.as_char() == ';' => true,
                TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => !semicolon_only,
                TokenTree::Ident(i) if !seen_keyword => {
                    let word = i.to_string();
                    if word != "pub" {
                        seen_keyword = true;
                        semicolon_only =
                            matches!(word.as_str(), "const" | "static" | "type" | "use");
                    }
                    false
                }
                _ => false,
            };
            out.extend([token]);
            if ends {
                // `struct S { .. };` is not written, but a stray `;` stays with its item.
                if matches!(tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ';') {
                    out.extend(tokens.next());
                }
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn gated(tokens: proc_macro2::TokenStream) -> String {
        super::gate(tokens, Some(quote!(#[cfg(feature = "x")]))).to_string()
    }

    #[test]
    fn every_item_gets_the_attribute_before_its_own() {
        let text = gated(quote! {
            #[doc = " A."]
            #[derive(Clone)]
            pub struct A { pub x: u8 }
            pub struct B(pub u8);
            impl<T: Into<u8>> From<T> for B where T: Copy { fn from(t: T) -> Self { Self(t.into()) } }
            pub(crate) const C: &[u8] = &{ [1, 2] };
            pub type D = ::std::collections::BTreeMap<String, u8>;
            use ::std::fmt::{Debug, Display};
            pub async fn e() -> Result<(), ()> { Ok(()) }
            const _: () = { impl A {} };
            pub mod f { pub struct G; }
        });
        let gate = quote!(#[cfg(feature = "x")]).to_string();
        assert_eq!(text.matches(&gate).count(), 9, "{text}");
        let file: syn::File = syn::parse_str(&text).expect("gated items parse");
        assert_eq!(file.items.len(), 9);
        for item in &file.items {
            let tokens = quote!(#item).to_string();
            assert!(tokens.starts_with(&gate), "{tokens}");
        }
        assert!(
            text.starts_with(&format!("{gate} # [doc = \" A.\"]")),
            "{text}"
        );
    }

    #[test]
    fn no_attribute_leaves_the_tokens_alone() {
        let tokens = quote!(
            pub struct A;
        );
        assert_eq!(
            super::gate(tokens.clone(), None).to_string(),
            tokens.to_string()
        );
        assert!(gated(quote!()).is_empty());
    }
}
