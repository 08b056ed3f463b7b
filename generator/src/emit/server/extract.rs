//! The extractor of each operation's request: credentials, path, query, header and cookie
//! parameters and body taken from the HTTP request and validated before the implementation runs.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Role;
use crate::emit::models::value_checks;
use crate::emit::types::{ident, needs_validation, rust_type};
use crate::ir::path::PathPart;
use crate::ir::{Api, BodyKind, Operation, Param, ParamLocation, ParamStyle, RequestBody, TypeRef};

/// `extract_<op>`: credentials, parameters and body, checked in that order.
pub(super) fn extractor(api: &Api, op: &Operation, role: Role) -> TokenStream {
    let bound = role.trait_ident();
    let request = ident(&op.request_type);
    let fn_name = format_ident!("extract_{}", op.name.rust);
    let security = security_check(api, op);
    let params = op.params.iter().map(|p| param_statement(api, op, p));
    let body = op.body.as_ref().map(|b| body_statement(api, b));
    let read_body = if op.body.is_some() {
        quote!(let bytes = runtime::read_body(body, body_limit).await?;)
    } else {
        quote!(let _ = (body, body_limit);)
    };
    let names = op.params.iter().map(|p| {
        let field = ident(&p.name.rust);
        let value = local(p);
        quote!(#field: #value)
    });
    let body_name = op.body.as_ref().map(|_| quote!(body,));
    let needs_path = op.params.iter().any(|p| p.location == ParamLocation::Path);
    let path = needs_path.then(|| {
        quote! {
            let path = runtime::path_params(&mut parts).await?;
        }
    });
    let any_check = op
        .params
        .iter()
        .any(|p| !p.constraints.is_empty() || needs_validation(&p.ty));
    let errors_init = any_check.then(|| quote!(let mut errors: Vec<ValidationError> = Vec::new();));
    let errors_check = any_check.then(|| {
        quote! {
            if let Some(first) = errors.into_iter().next() {
                return Err(ApiError::bad_request(first.field.clone(), first.rule.clone(), first.to_string()));
            }
        }
    });
    quote! {
        async fn #fn_name<A: #bound>(api: &A, request: ::axum::extract::Request, body_limit: usize) -> Result<#request, ApiError> {
            let (mut parts, body) = request.into_parts();
            let mut context = Context::with_headers(::std::mem::take(&mut parts.headers));
            let query = runtime::Query::parse(parts.uri.query());
            let cookies = runtime::cookies(&context.headers);
            let credentials = Credentials::from_request(&context.headers, &query, &cookies);
            #security
            #path
            #errors_init
            #(#params)*
            #errors_check
            #read_body
            #body
            context.finish(parts);
            Ok(#request { #(#names,)* #body_name credentials, context })
        }
    }
}

/// One parameter read into its `param_` local, then checked.
fn param_statement(api: &Api, op: &Operation, p: &Param) -> TokenStream {
    let n = local(p);
    let wire = &p.name.wire;
    let t = rust_type(api, &p.ty);
    let is_list = matches!(p.ty, TypeRef::Vec(_));
    let raw = match p.location {
        // A path parameter is never absent: `runtime::path` rejects an empty one.
        ParamLocation::Path if p.required => {
            let index = path_index(op, wire);
            quote!(runtime::path::<#t>(&path, #index, #wire)?)
        }
        ParamLocation::Path => {
            let index = path_index(op, wire);
            quote!(Some(runtime::path::<#t>(&path, #index, #wire)?))
        }
        ParamLocation::Query if is_list && p.style != ParamStyle::Json => {
            let sep = match p.style {
                ParamStyle::Form => quote!(Some(',')),
                ParamStyle::SpaceDelimited => quote!(Some(' ')),
                ParamStyle::PipeDelimited => quote!(Some('|')),
                _ => quote!(None),
            };
            quote!(query.list::<#t>(#wire, #sep)?)
        }
        ParamLocation::Query if p.style == ParamStyle::DeepObject => {
            quote!(query.deep_object::<#t>(#wire)?)
        }
        ParamLocation::Query if p.style == ParamStyle::Json => {
            quote!(query.json::<#t>(#wire)?)
        }
        ParamLocation::Query => quote!(query.scalar::<#t>(#wire)?),
        ParamLocation::Header => {
            let lower = wire.to_ascii_lowercase();
            quote!(runtime::header::<#t>(&context.headers, #lower)?)
        }
        ParamLocation::Cookie => quote!(runtime::cookie::<#t>(&cookies, #wire)?),
    };
    let value = if p.required && p.location != ParamLocation::Path {
        quote!(runtime::required(#wire, #raw)?)
    } else {
        raw
    };
    let checks = value_checks(&p.ty, &p.constraints, quote!(value), quote!(#wire));
    let nested = needs_validation(&p.ty).then(|| quote!(value.validate_into(#wire, &mut errors);));
    let check = if checks.is_empty() && nested.is_none() {
        TokenStream::new()
    } else if p.required {
        quote!({ let value = &#n; #checks #nested })
    } else {
        quote!(if let Some(value) = &#n { #checks #nested })
    };
    let declared = if p.required { t } else { quote!(Option<#t>) };
    quote! {
        let #n: #declared = #value;
        #check
    }
}

/// Parameters live in `param_` locals so that no name of the spec can shadow the extractor's.
fn local(p: &Param) -> proc_macro2::Ident {
    format_ident!("param_{}", p.name.rust.trim_start_matches("r#"))
}

/// The index of the path parameter `wire` among the path's parameters.
fn path_index(op: &Operation, wire: &str) -> usize {
    op.path_parts
        .iter()
        .filter_map(|p| match p {
            PathPart::Param(n) => Some(n),
            PathPart::Literal(_) => None,
        })
        .position(|n| n == wire)
        .unwrap_or(0)
}

/// The request body read into `body`: its content type checked, decoded and validated.
fn body_statement(api: &Api, b: &RequestBody) -> TokenStream {
    let t = rust_type(api, &b.ty);
    let media = &b.media_type;
    let decode = match b.kind {
        BodyKind::Json if is_object(api, &b.ty) => quote!(runtime::json_object::<#t>(&bytes)?),
        BodyKind::Json => quote!(runtime::json::<#t>(&bytes)?),
        BodyKind::Form => quote!(runtime::form::<#t>(&bytes)?),
        BodyKind::Text | BodyKind::EventStream => quote!(runtime::text(&bytes)?),
        BodyKind::Binary | BodyKind::JsonLines => quote!(bytes.to_vec()),
        BodyKind::Multipart => {
            quote!(runtime::multipart::<#t>(&context.headers, bytes.clone()).await?)
        }
    };
    let validate =
        needs_validation(&b.ty).then(|| quote!(crate::support::Validate::validate(&value)?;));
    let decode_and_validate = match &validate {
        Some(v) => quote!(let value = #decode; #v value),
        None => quote!(#decode),
    };
    if b.required {
        quote! {
            let body: #t = {
                if bytes.is_empty() {
                    return Err(ApiError::bad_request("body", "required", "a request body is required"));
                }
                runtime::content_type(&context.headers, #media)?;
                #decode_and_validate
            };
        }
    } else {
        quote! {
            let body: Option<#t> = if bytes.is_empty() {
                None
            } else {
                runtime::content_type(&context.headers, #media)?;
                let value = #decode;
                #validate
                Some(value)
            };
        }
    }
}

/// Whether values of the type are JSON objects (so a body of another JSON type is rejected).
fn is_object(api: &Api, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Map(_) | TypeRef::AnyObject => true,
        TypeRef::Named(id) => match &api.ty(*id).kind {
            crate::ir::TypeKind::Struct(_) => true,
            crate::ir::TypeKind::Alias(inner, _) => is_object(api, inner),
            _ => false,
        },
        _ => false,
    }
}

/// 401 unless one of the operation's security alternatives is fully present.
fn security_check(api: &Api, op: &Operation) -> TokenStream {
    if op.security.is_empty()
        || op.security.iter().any(|alt| alt.is_empty())
        || api.security_schemes.is_empty()
    {
        return quote!(let _ = api;);
    }
    // Alternatives that differ only in their scopes (Google's specs list one per scope) need
    // the same credentials: one check each set of schemes, or the second could never be chosen.
    let mut alternatives: Vec<Vec<usize>> = Vec::new();
    let mut seen: Vec<Vec<usize>> = Vec::new();
    for alt in &op.security {
        let schemes: Vec<usize> = alt.iter().map(|u| u.scheme).collect();
        let mut set = schemes.clone();
        set.sort_unstable();
        if !seen.contains(&set) {
            seen.push(set);
            alternatives.push(schemes);
        }
    }
    // The first alternative whose credentials are all present wins, and the handler sees only
    // those: a header that serves two schemes (`Authorization`) is read as the one that applies.
    let branches = alternatives.iter().map(|alt| {
        let fields: Vec<_> = alt
            .iter()
            .map(|&scheme| ident(&api.security_schemes[scheme].name.rust))
            .collect();
        let rest =
            (alt.len() < api.security_schemes.len()).then(|| quote!(..Credentials::default()));
        quote! {
            if #(found.#fields.is_some())&&* {
                Credentials { #(#fields: found.#fields.take(),)* #rest }
            } else
        }
    });
    let names: Vec<String> = alternatives
        .iter()
        .map(|alt| {
            alt.iter()
                .map(|&scheme| api.security_schemes[scheme].name.wire.clone())
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect();
    let message = format!("credentials are required: {}", names.join(" or "));
    quote! {
        let mut found = credentials;
        let credentials = #(#branches)* {
            return Err(ApiError::unauthorized(#message));
        };
        api.authenticate(&credentials, &mut context).await?;
    }
}
