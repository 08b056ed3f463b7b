//! A way to build a model without spelling out every field: `new()` with the required fields,
//! for structs that have some (the others derive `Default`). Optional fields are set with struct
//! update syntax, `Type { field: Some(value), ..Type::new(required) }`, which costs no code per
//! field: a setter per optional field would add about a tenth to the crate of a large API
//! (19,000 methods for GitHub's), compiled by every user.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{accepted_type, converted, ident, rust_type};
use crate::ir::{Additional, Api, Field, Operation, Struct, TypeDef, TypeRef, Union};

/// The `impl` block of `new()` of struct `t`, with `extra_name` the field of undeclared members.
pub fn constructors(api: &Api, t: &TypeDef, s: &Struct, extra_name: &str) -> TokenStream {
    let Some(new) = new_fn(api, s, extra_name) else {
        return TokenStream::new();
    };
    let name = ident(&t.name);
    quote! {
        impl #name {
            #new
        }
    }
}

/// `new()`: every required field an argument, every optional field absent.
fn new_fn(api: &Api, s: &Struct, extra_name: &str) -> Option<TokenStream> {
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.required).collect();
    if required.is_empty() {
        return None;
    }
    let args = required.iter().map(|f| {
        let n = ident(&f.name.rust);
        let inner = rust_type(api, &f.ty);
        if f.nullable {
            // `None` is a value the user states: `null` on the wire.
            quote!(#n: Option<#inner>)
        } else {
            let t = accepted_type(api, &f.ty);
            quote!(#n: #t)
        }
    });
    let inits = s.fields.iter().map(|f| {
        let n = ident(&f.name.rust);
        let value = match (f.required, f.nullable, f.boxed) {
            (false, _, _) => quote!(None),
            (true, true, true) => quote!(#n.map(Box::new)),
            (true, true, false) => return quote!(#n,),
            (true, false, true) => {
                let value = converted(&f.ty, quote!(#n));
                quote!(Box::new(#value))
            }
            (true, false, false) => converted(&f.ty, quote!(#n)),
        };
        quote!(#n: #value,)
    });
    let extra = matches!(s.additional, Additional::Kept(_)).then(|| {
        let n = ident(extra_name);
        quote!(#n: ::std::collections::BTreeMap::new(),)
    });
    // One argument per required field is the constructor's purpose, however many there are.
    let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    Some(quote! {
        #[doc = " A value with the required fields and no optional one; set those with struct"]
        #[doc = " update syntax: `Type { field: Some(value), ..Type::new(…) }`."]
        #allow
        pub fn new(#(#args),*) -> Self {
            Self {
                #(#inits)*
                #extra
            }
        }
    })
}

/// `From` each variant's type for union `t`, so that a parameter or field of the union
/// takes the value itself (`get_thing(uuid)`, `get_thing("name")`): one impl per variant whose
/// type no other variant holds, and `From<&str>` when a `String` variant is among them.
pub fn union_conversions(api: &Api, t: &TypeDef, u: &Union) -> TokenStream {
    let name = ident(&t.name);
    let mut out = TokenStream::new();
    for v in &u.variants {
        let shared = u.variants.iter().filter(|w| w.ty == v.ty).count() > 1;
        // The union holding itself would repeat core's `From<T> for T`.
        let itself = matches!(&v.ty, TypeRef::Named(id) if api.ty(*id).name == t.name);
        // A catch-all variant (`Other(Value)`) takes a value only when no other variant reads
        // it: `From<Value>` would put any value there.
        let catch_all = matches!(v.ty, TypeRef::Any | TypeRef::AnyObject);
        if shared || itself || catch_all {
            continue;
        }
        let variant = ident(&v.name.rust);
        let ty = rust_type(api, &v.ty);
        let value = if v.boxed {
            quote!(Box::new(value))
        } else {
            quote!(value)
        };
        out.extend(quote! {
            impl From<#ty> for #name {
                fn from(value: #ty) -> Self {
                    Self::#variant(#value)
                }
            }
        });
        if v.ty == TypeRef::String {
            out.extend(quote! {
                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        Self::#variant(#value.to_owned())
                    }
                }
            });
        }
    }
    out
}

/// The arguments that start an operation's request (its required parameters, then a required
/// body) and the field initializers of a request type that holds every parameter and the body
/// (optional ones `None`): the client's operation methods and the server's `new()` share them.
pub struct OperationArgs {
    /// `name: impl Into<T>` (any iterable for arrays), `body: Body`.
    pub args: Vec<TokenStream>,
    /// `name: name.into(),`, `optional: None,`, `body,`.
    pub inits: Vec<TokenStream>,
}

/// [`OperationArgs`] of `op`.
pub fn operation_args(api: &Api, op: &Operation) -> OperationArgs {
    let mut args: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| {
            let n = ident(&p.name.rust);
            let t = accepted_type(api, &p.ty);
            quote!(#n: #t)
        })
        .collect();
    args.extend(op.body.as_ref().filter(|b| b.required).map(|b| {
        let t = rust_type(api, &b.ty);
        quote!(body: #t)
    }));
    let mut inits: Vec<TokenStream> = op
        .params
        .iter()
        .map(|p| {
            let n = ident(&p.name.rust);
            if p.required {
                let value = converted(&p.ty, quote!(#n));
                quote!(#n: #value,)
            } else {
                quote!(#n: None,)
            }
        })
        .collect();
    inits.extend(op.body.as_ref().map(|b| {
        if b.required {
            quote!(body,)
        } else {
            quote!(body: None,)
        }
    }));
    OperationArgs { args, inits }
}
