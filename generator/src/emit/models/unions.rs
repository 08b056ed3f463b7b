//! Unions: an enum with one variant per alternative, tagged by the discriminator when there is
//! one; untagged unions get a `Deserialize` that tries each variant in order.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::emit::constructors::union_conversions;
use crate::emit::types::{allow_complex_type, ident, needs_validation, rust_type};
use crate::ir::{Api, JsonShape, TypeDef, Union};

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
    let validate = quote! {
        impl Validate for #name {
            #[allow(unused_variables)]
            fn validate_into(&self, path: &str, errors: &mut Vec<ValidationError>) {
                match self {
                    #(#validate_arms)*
                }
            }
        }
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
                    #(#tags => ::serde_json::from_value(value).map(Self::#idents).map_err(D::Error::custom),)*
                    other => Err(D::Error::custom(format!(
                        "unknown {} `{}`, expected one of {:?}", #property, other, [#(#tags),*]
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
    let union = &t.name;
    let shapes = u.variants.iter().map(|v| {
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
    let count = u.variants.len();
    let arms = u.variants.iter().enumerate().map(|(i, v)| {
        let variant = ident(&v.name.rust);
        let pattern = if i + 1 == count {
            quote!(_)
        } else {
            let i = Literal::usize_unsuffixed(i);
            quote!(#i)
        };
        quote!(#pattern => ::serde::Deserialize::deserialize(value).map(Self::#variant),)
    });
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                const VARIANTS: &[crate::support::VariantShape] = &[#(#shapes)*];
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                crate::support::decode_union(#union, &value, VARIANTS, |variant, value| match variant {
                    #(#arms)*
                })
                .map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    }
}
