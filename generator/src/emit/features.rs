//! `#[cfg(feature = ..)]` on the items of operation groups and of the types only some groups
//! use (the features are decided in `lower::features`).

use proc_macro2::TokenStream;
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
pub fn gate(tokens: TokenStream, attr: Option<TokenStream>) -> TokenStream {
    let Some(attr) = attr else {
        return tokens;
    };
    let (Ok(mut file), Ok(attrs)) = (
        syn::parse2::<syn::File>(tokens.clone()),
        syn::parse::Parser::parse2(syn::Attribute::parse_outer, attr),
    ) else {
        // Items that do not parse are reported by the format stage, with their text.
        return tokens;
    };
    for item in &mut file.items {
        if let Some(list) = attrs_mut(item) {
            list.splice(0..0, attrs.iter().cloned());
        }
    }
    quote!(#file)
}

fn attrs_mut(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Mod(i) => &mut i.attrs,
        syn::Item::Static(i) => &mut i.attrs,
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Trait(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        syn::Item::Union(i) => &mut i.attrs,
        syn::Item::Use(i) => &mut i.attrs,
        syn::Item::Macro(i) => &mut i.attrs,
        _ => return None,
    })
}
