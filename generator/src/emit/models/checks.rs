//! The checks `validate()` makes: of each field and value (lengths, patterns, bounds, item
//! counts, and the items of a list in turn), and the property count of an object.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::emit::types::{ident, needs_validation};
use crate::ir::{Additional, Constraints, Field, Struct, TypeRef};

/// `minProperties`/`maxProperties`: members present, counting the extra ones.
pub(super) fn property_count_check(s: &Struct, extra_name: &str) -> TokenStream {
    if s.min_properties.is_none() && s.max_properties.is_none() {
        return TokenStream::new();
    }
    let always = s.fields.iter().filter(|f| f.required).count();
    let mut terms: Vec<TokenStream> = Vec::new();
    if always > 0 {
        terms.push(quote!(#always));
    }
    for f in s.fields.iter().filter(|f| !f.required) {
        let n = ident(&f.name.rust);
        terms.push(quote!(usize::from(self.#n.is_some())));
    }
    if matches!(s.additional, Additional::Kept(_)) {
        let n = ident(extra_name);
        terms.push(quote!(self.#n.len()));
    }
    if terms.is_empty() {
        terms.push(quote!(0));
    }
    let min = s.min_properties.map(|min| {
        let message = format!("must have at least {min} members");
        quote!(if present < #min { errors.push(ValidationError::new(path, "minProperties", #message)); })
    });
    let max = s.max_properties.map(|max| {
        let message = format!("must have at most {max} members");
        quote!(if present > #max { errors.push(ValidationError::new(path, "maxProperties", #message)); })
    });
    quote! {
        let present: usize = #(#terms)+*;
        #min
        #max
    }
}

/// The checks `validate()` makes for one field.
pub(super) fn field_checks(f: &Field) -> TokenStream {
    let name = ident(&f.name.rust);
    let wire = &f.name.wire;
    let constraint_checks = value_checks(&f.ty, &f.constraints, quote!(value), quote!(&field_path));
    let nested = needs_validation(&f.ty).then(|| quote!(value.validate_into(&field_path, errors);));
    if constraint_checks.is_empty() && nested.is_none() {
        return TokenStream::new();
    }
    if constraint_checks.is_empty() {
        // Only the value's own checks: its path is made where there is a value to check.
        return quote! { self.#name.validate_member(path, #wire, errors); };
    }
    let body = quote! {
        let field_path = crate::support::join(path, #wire);
        #constraint_checks
        #nested
    };
    match (f.required, f.nullable) {
        (true, false) => quote! {{ let value = &self.#name; #body }},
        (true, true) | (false, false) => quote! { if let Some(value) = &self.#name { #body } },
        (false, true) => quote! { if let Some(Some(value)) = &self.#name { #body } },
    }
}

/// Constraint checks of a value (`value` is a reference to it, `path` a `&str` expression).
pub fn value_checks(
    ty: &TypeRef,
    c: &Constraints,
    value: TokenStream,
    path: TokenStream,
) -> TokenStream {
    let mut out = TokenStream::new();
    let report = |rule: &str, message: String| quote!(errors.push(ValidationError::new(#path, #rule, #message)););
    let c = &applicable(ty, c);
    if let Some(min) = c.min_length {
        let r = report(
            "minLength",
            format!("must be at least {min} characters long"),
        );
        out.extend(quote!(if #value.chars().count() < #min { #r }));
    }
    if let Some(max) = c.max_length {
        let r = report(
            "maxLength",
            format!("must be at most {max} characters long"),
        );
        out.extend(quote!(if #value.chars().count() > #max { #r }));
    }
    if let Some(pattern) = &c.pattern {
        let r = report("pattern", format!("must match the pattern `{pattern}`"));
        out.extend(quote!(if !crate::support::matches_pattern(#pattern, #value) { #r }));
    }
    let number = |bound: f64| {
        let as_f64 = match ty {
            TypeRef::F64 => quote!(*#value),
            _ => quote!((*#value as f64)),
        };
        (as_f64, Literal::f64_suffixed(bound))
    };
    if let Some((min, exclusive)) = c.minimum {
        let (v, lit) = number(min);
        let (cmp, word) = if exclusive {
            (quote!(<=), "greater than")
        } else {
            (quote!(<), "at least")
        };
        let r = report("minimum", format!("must be {word} {min}"));
        out.extend(quote!(if #v #cmp #lit { #r }));
    }
    if let Some((max, exclusive)) = c.maximum {
        let (v, lit) = number(max);
        let (cmp, word) = if exclusive {
            (quote!(>=), "less than")
        } else {
            (quote!(>), "at most")
        };
        let r = report("maximum", format!("must be {word} {max}"));
        out.extend(quote!(if #v #cmp #lit { #r }));
    }
    if let Some(min) = c.min_items {
        let r = report("minItems", format!("must have at least {min} items"));
        if min == 1 {
            out.extend(quote!(if #value.is_empty() { #r }));
        } else if min > 1 {
            out.extend(quote!(if #value.len() < #min { #r }));
        }
    }
    if let Some(max) = c.max_items {
        let r = report("maxItems", format!("must have at most {max} items"));
        out.extend(quote!(if #value.len() > #max { #r }));
    }
    if let (Some(items), TypeRef::Vec(item_ty)) = (&c.items, ty) {
        let (item_ty, nullable) = match item_ty.as_ref() {
            TypeRef::Nullable(inner) => (inner.as_ref(), true),
            other => (other, false),
        };
        let inner = value_checks(item_ty, items, quote!(item), quote!(&item_path));
        if !inner.is_empty() {
            let bind = if nullable {
                quote!(let Some(item) = item else { continue; };)
            } else {
                TokenStream::new()
            };
            out.extend(quote! {
                for (index, item) in #value.iter().enumerate() {
                    #bind
                    let item_path = crate::support::join(#path, &index.to_string());
                    #inner
                }
            });
        }
    }
    out
}

/// The constraints of `c` that a value of the Rust type `ty` can break.
fn applicable(ty: &TypeRef, c: &Constraints) -> Constraints {
    // Lowering keeps only the constraints a value of the Rust type can break (none on a
    // `format: uuid` string or an enum); a type that cannot take a check never gets it.
    let scalar = |t: &TypeRef| {
        matches!(
            t,
            TypeRef::Bool
                | TypeRef::Date
                | TypeRef::DateTime
                | TypeRef::Uuid
                | TypeRef::Base64
                | TypeRef::Binary
                | TypeRef::Any
                | TypeRef::AnyObject
                | TypeRef::Vec(_)
                | TypeRef::Map(_)
        )
    };
    let numeric = matches!(
        ty,
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 | TypeRef::F32 | TypeRef::F64
    );
    let text = !scalar(ty) && !numeric;
    Constraints {
        min_length: c.min_length.filter(|_| text),
        max_length: c.max_length.filter(|_| text),
        pattern: c.pattern.clone().filter(|_| text),
        minimum: c
            .minimum
            .filter(|_| numeric || matches!(ty, TypeRef::Named(_))),
        maximum: c
            .maximum
            .filter(|_| numeric || matches!(ty, TypeRef::Named(_))),
        ..c.clone()
    }
}
