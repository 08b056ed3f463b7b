//! Unions: an enum with one variant per alternative, tagged by the discriminator when there is
//! one; untagged unions get a `Deserialize` that tries each variant in order.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::emit::constructors::union_conversions;
use crate::emit::types::{allow_complex_type, ident, needs_validation, rust_type};
use crate::ir::{Api, JsonShape, TypeDef, Union, UnionVariant};

/// A union: untagged, or internally tagged through the discriminator property.
///
/// ```text
/// pub enum Pet { Dog(Dog), Cat(Box<Cat>) }
/// // untagged: serde tries each variant in order
/// // tagged:   the discriminator property picks the variant, and is written back on output
/// ```
pub(super) fn union_def(api: &Api, t: &TypeDef, u: &Union, doc: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.name.rust);
        let ty = rust_type(api, &v.ty);
        let ty = if v.boxed { quote!(Box<#ty>) } else { ty };
        let allow = allow_complex_type(&ty);
        quote!(#allow #variant(#ty),)
    });
    let validate_arms = u.variants.iter().map(|v| {
        let variant = ident(&v.name.rust);
        if needs_validation(&v.ty) {
            quote!(Self::#variant(value) => value.validate_into(path, errors),)
        } else {
            quote!(Self::#variant(_) => {})
        }
    });
    let validate = if u.variants.iter().any(|v| needs_validation(&v.ty)) {
        quote! {
            impl Validate for #name {
                fn validate_into(&self, path: &str, errors: &mut Vec<ValidationError>) {
                    match self {
                        #(#validate_arms)*
                    }
                }
            }
        }
    } else {
        // No variant holds anything to check: the trait's default method.
        quote!(impl Validate for #name {})
    };
    let Some(property) = &u.discriminator else {
        let deserialize = untagged_deserialize(t, u);
        let conversions = union_conversions(api, t, u);
        return quote! {
            #doc
            #[derive(Clone, Debug, PartialEq, ::serde::Serialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#variants)*
            }
            #deserialize
            #validate
            #conversions
        };
    };
    let idents: Vec<_> = u.variants.iter().map(|v| ident(&v.name.rust)).collect();
    let tags: Vec<&str> = u.variants.iter().map(|v| v.name.wire.as_str()).collect();
    // Each tag once, with its variants: variants that share a tag (OpenAI's input and output
    // messages are both `message`) are told apart by their shape, as an untagged union's are.
    let mut by_tag: Vec<(&str, Vec<&UnionVariant>)> = Vec::new();
    for v in &u.variants {
        match by_tag.iter_mut().find(|(tag, _)| *tag == v.name.wire) {
            Some((_, variants)) => variants.push(v),
            None => by_tag.push((&v.name.wire, vec![v])),
        }
    }
    let distinct_tags: Vec<&str> = by_tag.iter().map(|(tag, _)| *tag).collect();
    let decode_arms = by_tag.iter().map(|(tag, variants)| match variants.as_slice() {
        [one] => {
            let variant = ident(&one.name.rust);
            quote!(#tag => ::serde_json::from_value(value).map(Self::#variant).map_err(D::Error::custom),)
        }
        several => {
            let (shapes, decode) = shape_decode(&t.name, several);
            quote!(#tag => {
                #shapes
                #decode.map_err(D::Error::custom)
            })
        }
    });
    let conversions = union_conversions(api, t, u);
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #(#variants)*
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::Error as _;
                let (tag, value) = match self {
                    #(Self::#idents(value) => (#tags, ::serde_json::to_value(value)),)*
                };
                let mut value = value.map_err(S::Error::custom)?;
                if let ::serde_json::Value::Object(members) = &mut value {
                    // The variant decides the tag, whatever the inner value's field says.
                    members.insert(#property.to_owned(), ::serde_json::Value::from(tag));
                }
                ::serde::Serialize::serialize(&value, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use ::serde::de::Error as _;
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value
                    .get(#property)
                    .and_then(::serde_json::Value::as_str)
                    .ok_or_else(|| D::Error::missing_field(#property))?
                    .to_owned();
                match tag.as_str() {
                    #(#decode_arms)*
                    other => Err(D::Error::custom(format!(
                        "unknown {} `{}`, expected one of {:?}", #property, other, [#(#distinct_tags),*]
                    ))),
                }
            }
        }

        #validate
        #conversions
    }
}

/// `Deserialize` of an untagged union: the variant is chosen from the value's shape by
/// `support::decode_union` (see there), never by whichever variant happens to decode first.
///
/// ```text
/// impl Deserialize for Pet {
///     const VARIANTS = [VariantShape { name: "Dog", kind: Object, known: ["bark"], required: [] }, ..];
///     decode_union("Pet", &value, VARIANTS, |variant, value| match variant {
///         0 => Deserialize::deserialize(value).map(Self::Dog),
///         _ => Deserialize::deserialize(value).map(Self::Cat),
///     })
/// }
/// ```
fn untagged_deserialize(t: &TypeDef, u: &Union) -> TokenStream {
    let name = ident(&t.name);
    let variants: Vec<&UnionVariant> = u.variants.iter().collect();
    let (shapes, decode) = shape_decode(&t.name, &variants);
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #shapes
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                #decode.map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    }
}

/// How to choose among `variants` of the union named `union` by the shape of `value` (a
/// `serde_json::Value` in scope): the `VARIANTS` constant, and the call that chooses, a
/// `Result<Self, String>`.
fn shape_decode(union: &str, variants: &[&UnionVariant]) -> (TokenStream, TokenStream) {
    let shapes = variants.iter().map(|v| {
        let variant = &v.name.rust;
        let (kind, known, required): (&str, &[String], &[String]) = match &v.shape {
            JsonShape::Any => ("Any", &[], &[]),
            JsonShape::Bool => ("Bool", &[], &[]),
            JsonShape::Integer => ("Integer", &[], &[]),
            JsonShape::Number => ("Number", &[], &[]),
            JsonShape::String => ("String", &[], &[]),
            JsonShape::Array => ("Array", &[], &[]),
            JsonShape::Object { known, required } => ("Object", known, required),
        };
        let kind = format_ident!("{kind}");
        quote! {
            crate::support::VariantShape {
                name: #variant,
                kind: crate::support::JsonKind::#kind,
                known: &[#(#known),*],
                required: &[#(#required),*],
            },
        }
    });
    let count = variants.len();
    let arms = variants.iter().enumerate().map(|(i, v)| {
        let variant = ident(&v.name.rust);
        let pattern = if i + 1 == count {
            quote!(_)
        } else {
            let i = Literal::usize_unsuffixed(i);
            quote!(#i)
        };
        quote!(#pattern => ::serde::Deserialize::deserialize(value).map(Self::#variant),)
    });
    (
        quote!(const VARIANTS: &[crate::support::VariantShape] = &[#(#shapes)*];),
        quote! {
            crate::support::decode_union(#union, &value, VARIANTS, |variant, value| match variant {
                #(#arms)*
            })
        },
    )
}
