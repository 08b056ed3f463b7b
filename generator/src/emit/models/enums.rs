//! Enums of strings and of integers: their variants, the wire value of each, and the impls
//! that read, write and validate them.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::emit::docs::raw_doc_attrs;
use crate::emit::types::ident;
use crate::ir::{EnumValue, IntValue, TypeDef};

/// A string enum that keeps values it does not know:
///
/// ```text
/// pub enum Status { Active, Inactive, Unknown(String) }
/// impl Status { pub const VALUES: &[&str]; pub fn as_str(&self) -> &str }
/// impl From<&str>, Display, Serialize (as the string), Deserialize (never fails on a string)
/// ```
pub(super) fn string_enum(t: &TypeDef, values: &[EnumValue], doc: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let variants = values.iter().map(|v| {
        let variant = ident(&v.name.rust);
        let doc = variant_doc(v.doc.as_deref(), &format!("`{}`", v.name.wire));
        quote!(#doc #variant,)
    });
    let wires: Vec<&str> = values.iter().map(|v| v.name.wire.as_str()).collect();
    let idents: Vec<_> = values.iter().map(|v| ident(&v.name.rust)).collect();
    let validate = unlisted_check(&name);
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            #[doc = " A value this version of the crate does not know, kept as it was received."]
            Unknown(String),
        }

        impl #name {
            #[doc = " Every value the spec lists, in spec order."]
            pub const VALUES: &'static [&'static str] = &[#(#wires),*];

            #[doc = " The value as it is written on the wire."]
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #wires,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#idents,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::support::cow_str(d).map(|value| Self::from(value.as_ref()))
            }
        }

        #validate
    }
}

/// An integer enum serialized as a number, keeping values it does not know.
pub(super) fn int_enum(t: &TypeDef, values: &[IntValue], doc: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let variants = values.iter().map(|v| {
        let variant = ident(&v.name);
        let doc = variant_doc(v.doc.as_deref(), &format!("`{}`", v.value));
        quote!(#doc #variant,)
    });
    let numbers: Vec<Literal> = values
        .iter()
        .map(|v| Literal::i64_unsuffixed(v.value))
        .collect();
    let idents: Vec<_> = values.iter().map(|v| ident(&v.name)).collect();
    let validate = unlisted_check(&name);
    quote! {
        #doc
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            #[doc = " A value this version of the crate does not know, kept as it was received."]
            Unknown(i64),
        }

        impl #name {
            #[doc = " Every value the spec lists, in spec order."]
            pub const VALUES: &'static [i64] = &[#(#numbers),*];

            #[doc = " The value as it is written on the wire."]
            pub fn value(self) -> i64 {
                match self {
                    #(Self::#idents => #numbers,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#numbers => Self::#idents,)*
                    other => Self::Unknown(other),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.value(), f)
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.value())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <i64 as ::serde::Deserialize>::deserialize(d).map(Self::from)
            }
        }

        #validate
    }
}

/// `Validate` of an enum: a value the spec does not list is an error.
fn unlisted_check(name: &proc_macro2::Ident) -> TokenStream {
    quote! {
        impl Validate for #name {
            fn validate_into(&self, path: &str, errors: &mut Vec<ValidationError>) {
                if let Self::Unknown(value) = self {
                    crate::support::unlisted(path, value, Self::VALUES, errors);
                }
            }
        }
    }
}

fn variant_doc(doc: Option<&str>, fallback: &str) -> TokenStream {
    match doc {
        Some(d) if !d.trim().is_empty() => {
            // The value first, on its own line: a description may start with a code fence.
            let text = format!("{fallback}\n\n{}", crate::emit::docs::sanitize(d));
            raw_doc_attrs(&text)
        }
        _ => raw_doc_attrs(fallback),
    }
}
