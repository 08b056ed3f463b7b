//! Rust type expressions for IR type references.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Api, TypeKind, TypeRef};

/// An identifier from an IR name (already sanitized by `ir::names`).
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of a type reference, with absolute paths.
///
/// ```text
/// Vec(Named(User))  →  Vec<User>
/// Map(Nullable(I64)) →  ::std::collections::BTreeMap<String, Option<i64>>
/// ```
pub fn rust_type(api: &Api, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::U32 => quote!(u32),
        TypeRef::U64 => quote!(u64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::String => quote!(String),
        TypeRef::Date => quote!(::chrono::NaiveDate),
        TypeRef::DateTime => quote!(crate::support::DateTime),
        TypeRef::Uuid => quote!(::uuid::Uuid),
        TypeRef::Base64 => quote!(crate::support::Base64),
        TypeRef::Binary => quote!(Vec<u8>),
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::AnyObject => {
            quote!(::serde_json::Map<String, ::serde_json::Value>)
        }
        TypeRef::Vec(inner) => {
            let inner = rust_type(api, inner);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(api, inner);
            quote!(::std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = rust_type(api, inner);
            quote!(Option<#inner>)
        }
        TypeRef::Named(id) => {
            // Modules that use model types glob-import `crate::models`; the names pass keeps
            // every model name clear of the prelude and of the crate's own items.
            let name = ident(&api.ty(*id).name);
            quote!(#name)
        }
    }
}

/// The type a setter, a constructor or an operation method takes for a value of type `ty`: anything
/// `Into` it, and for an array any iterable of items `Into` the item type (`["a"]`,
/// `vec!["a"]`, `names.iter()`).
pub fn accepted_type(api: &Api, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Vec(item) => {
            let item = rust_type(api, item);
            quote!(impl IntoIterator<Item = impl Into<#item>>)
        }
        _ => {
            let t = rust_type(api, ty);
            quote!(impl Into<#t>)
        }
    }
}

/// `value`, taken as [`accepted_type`] of `ty`, converted to `ty`.
pub fn converted(ty: &TypeRef, value: TokenStream) -> TokenStream {
    match ty {
        TypeRef::Vec(_) => quote!(#value.into_iter().map(Into::into).collect()),
        _ => quote!(#value.into()),
    }
}

/// `#[allow(clippy::type_complexity)]` for an item whose type `ty` clippy calls "very complex".
///
/// A field's type is the spec's shape spelled out: an optional, nullable array of nullable arrays
/// of maps is `Option<Option<Vec<Option<Vec<...>>>>>`, and each layer means something (absent,
/// `null`, a list...). Hiding layers behind aliases would only make users look the alias up, so
/// the lint is allowed where, and only where, such a type is written.
pub fn allow_complex_type(ty: &TokenStream) -> Option<TokenStream> {
    let ty = syn::parse2::<syn::Type>(ty.clone()).ok()?;
    (type_complexity(&ty, 1) > TYPE_COMPLEXITY_THRESHOLD)
        .then(|| quote!(#[allow(clippy::type_complexity)]))
}

/// `#[allow(clippy::large_enum_variant)]` for a response enum whose variants hold these bodies
/// (one per variant, `None` for a variant without one), when they may differ much in size:
/// two variants or more, one of which holds an object or a union by value.
///
/// Each variant holds the body the spec declares by value, so that users match on it and build
/// it directly; a response is moved a few times, not stored in bulk, so the size of its largest
/// body costs nothing worth a `Box` in every match.
pub fn allow_large_variants<'a>(
    api: &Api,
    bodies: impl IntoIterator<Item = Option<&'a TypeRef>>,
) -> Option<TokenStream> {
    let bodies: Vec<Option<&TypeRef>> = bodies.into_iter().collect();
    let by_value = |ty: &TypeRef| match ty {
        TypeRef::Named(id) => matches!(api.ty(*id).kind, TypeKind::Struct(_) | TypeKind::Union(_)),
        _ => false,
    };
    (bodies.len() > 1 && bodies.iter().flatten().any(|ty| by_value(ty)))
        .then(|| quote!(#[allow(clippy::large_enum_variant)]))
}

/// Clippy's default `type-complexity-threshold`.
const TYPE_COMPLEXITY_THRESHOLD: usize = 250;

/// Clippy's score of a type (`clippy_lints::types::type_complexity`, for the types generated
/// code writes): a named type, tuple, slice or array scores ten times its nesting depth.
fn type_complexity(ty: &syn::Type, nest: usize) -> usize {
    let children = |ty: &syn::Type| -> Vec<syn::Type> {
        match ty {
            syn::Type::Path(p) => p
                .path
                .segments
                .iter()
                .flat_map(|segment| match &segment.arguments {
                    syn::PathArguments::AngleBracketed(args) => args
                        .args
                        .iter()
                        .filter_map(|arg| match arg {
                            syn::GenericArgument::Type(t) => Some(t.clone()),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                })
                .collect(),
            syn::Type::Tuple(t) => t.elems.iter().cloned().collect(),
            syn::Type::Slice(t) => vec![(*t.elem).clone()],
            syn::Type::Array(t) => vec![(*t.elem).clone()],
            syn::Type::Reference(t) => vec![(*t.elem).clone()],
            _ => Vec::new(),
        }
    };
    let (own, inner_nest) = match ty {
        syn::Type::Reference(_) => (1, nest),
        syn::Type::Path(_) | syn::Type::Tuple(_) | syn::Type::Slice(_) | syn::Type::Array(_) => {
            (10 * nest, nest + 1)
        }
        _ => (0, nest),
    };
    own + children(ty)
        .iter()
        .map(|child| type_complexity(child, inner_nest))
        .sum::<usize>()
}

/// Whether values of the type can hold something `validate()` must look into.
pub fn needs_validation(ty: &TypeRef) -> bool {
    let mut named = Vec::new();
    ty.named(&mut named);
    !named.is_empty()
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::allow_complex_type;

    /// The scores clippy gives: `Option<Option<Vec<Option<Vec<String>>>>>` is 10+20+...+60 = 210,
    /// one more layer 280.
    #[test]
    fn type_complexity_follows_clippy() {
        assert!(allow_complex_type(&quote!(Option<Option<Vec<Option<Vec<String>>>>>)).is_none());
        assert!(
            allow_complex_type(&quote!(Option<Option<Vec<Option<Vec<Option<String>>>>>>)).is_some()
        );
    }
}
