//! Pagination: `pages()` and `items()` of a request builder whose operation pages, a stream of
//! pages that sets the next cursor, offset or page number from each response, and the items
//! taken from each page.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::emit::types::{ident, rust_type};
use crate::ir::pagination::{self, Stream, Take};
use crate::ir::{Api, Operation, Pagination, Param, TypeKind, TypeRef};

/// The expression that takes the items out of the page held in `page`, as `take` says.
fn take_items(api: &Api, take: &Take, page: TokenStream) -> TokenStream {
    match take {
        Take::Array => page,
        Take::Alias(inner) => take_items(api, inner, page),
        Take::Field { ty, field } => {
            let TypeKind::Struct(s) = &api.ty(*ty).kind else {
                return quote!(::std::vec::Vec::new());
            };
            let Some(f) = s.fields.get(*field) else {
                return quote!(::std::vec::Vec::new());
            };
            let n = ident(&f.name.rust);
            match (f.required, f.nullable) {
                (true, false) => quote!(#page.#n),
                (true, true) | (false, false) => quote!(#page.#n.unwrap_or_default()),
                (false, true) => quote!(#page.#n.flatten().unwrap_or_default()),
            }
        }
        Take::Union { ty, variants } => {
            let TypeKind::Union(u) = &api.ty(*ty).kind else {
                return quote!(::std::vec::Vec::new());
            };
            let union = ident(&api.ty(*ty).name);
            let arms = u.variants.iter().zip(variants).map(|(v, take)| {
                let variant = ident(&v.name.rust);
                let inner = if v.boxed {
                    quote!((*value))
                } else {
                    quote!(value)
                };
                let take = match take {
                    Some(take) => take_items(api, take, inner),
                    // A variant that is one item is not a page: the stream ends with it.
                    None => quote!({
                        return Ok(runtime::PageOf {
                            items: vec![#inner],
                            next: None,
                        });
                    }),
                };
                quote!(#union::#variant(value) => #take,)
            });
            quote!(match #page { #(#arms)* })
        }
    }
}

/// An `Option<u64>` expression for the integer `value` of type `ty` (negative values are
/// `None`).
fn to_u64(ty: &TypeRef, value: TokenStream) -> TokenStream {
    match ty {
        TypeRef::U32 => quote!(Some(u64::from(#value))),
        TypeRef::U64 => quote!(Some(#value)),
        _ => quote!(u64::try_from(#value).ok()),
    }
}

/// `into_stream()` for operations marked `x-pagination`, when the item type can be found: a
/// thin shell over `runtime::paginate`, which decides when the stream ends.
///
/// ```text
/// pub fn into_stream(self) -> runtime::Pages<'static, Item, ErrorBody> {
///     let mut request = self;
///     if request.limit.is_none() { request.limit = Some(100); }
///     let first = request.offset.unwrap_or(0);
///     runtime::paginate(first, move |state| {
///         let mut r = request.clone();
///         r.offset = Some(state);
///         async move { /* send, take the items, work out the next state */ }
///     })
/// }
/// ```
pub(super) fn stream_fn(api: &Api, op: &Operation, error: &TokenStream) -> TokenStream {
    let Some(stream) = pagination::stream(api, op) else {
        return TokenStream::new();
    };
    let pagination = stream.pagination;
    let take_items = take_items(api, &stream.page.take, quote!(page));
    let item = rust_type(api, &stream.page.item);
    let set_state = {
        let field = ident(&stream.param.name.rust);
        match pagination {
            Pagination::Cursor { .. } => quote!(r.#field = state;),
            _ if stream.param.required => quote!(r.#field = state;),
            _ => quote!(r.#field = Some(state);),
        }
    };
    let (default_size, size) = page_size(&stream);
    let request_mut = default_size.is_some().then(|| quote!(mut));
    let size = match pagination {
        Pagination::Cursor { .. } => None,
        _ => Some(quote!(let size: Option<u64> = #size;)),
    };
    let total = stream.total.as_ref().map(|key| {
        quote! {
            let total: Option<u64> = ::serde_json::to_value(&page)
                .ok()
                .and_then(|v| v.get(#key).and_then(::serde_json::Value::as_u64));
        }
    });
    let no_total = (total.is_none() && !matches!(pagination, Pagination::Cursor { .. }))
        .then(|| quote!(let total: Option<u64> = None;));
    let (state_init, next_state) = state_steps(api, &stream);
    // The cursor is read from the page before its items are taken out of it.
    let (before_take, after_take) = match pagination {
        Pagination::Cursor { .. } => (Some(quote!(let next = { #next_state };)), None),
        _ => (None, Some(quote!(let next = { #next_state };))),
    };
    quote! {
        #[doc = " Every item of every page, fetching pages as the stream is read. The stream ends after"]
        #[doc = " the last page (short, empty, past the total count, or a single item rather than a"]
        #[doc = " page), when a page repeats, and with an error after pages that make no progress."]
        pub fn into_stream(self) -> runtime::Pages<'static, #item, #error> {
            let #request_mut request = self;
            #default_size
            let first = #state_init;
            runtime::paginate(first, move |state| {
                let mut r = request.clone();
                #set_state
                async move {
                    #size
                    let page = r.send().await?.into_inner();
                    #total
                    #no_total
                    #before_take
                    let items: Vec<#item> = #take_items;
                    #after_take
                    Ok(runtime::PageOf { items, next })
                }
            })
        }
    }
}

/// The statement that sets the page size when the spec gives a default and the caller set
/// none, and the page size asked for, as an `Option<u64>` read before the request is sent.
fn page_size(stream: &Stream<'_>) -> (Option<TokenStream>, TokenStream) {
    match stream.size {
        Some(size) => {
            let field = ident(&size.name.rust);
            let default = stream.default_size.map(|d| {
                let d = Literal::i64_unsuffixed(d);
                quote!(if request.#field.is_none() { request.#field = Some(#d); })
            });
            let as_u64 = to_u64(&size.ty, quote!(size));
            let read = if size.required {
                quote!({ let size = r.#field; #as_u64 })
            } else {
                quote!(r.#field.and_then(|size| #as_u64))
            };
            (default, read)
        }
        None => (None, quote!(None::<u64>)),
    }
}

/// The first state of the stream (page number, offset or cursor), and the block that works
/// out the next state from the page and its items (`None` after the last page).
fn state_steps(api: &Api, stream: &Stream<'_>) -> (TokenStream, TokenStream) {
    let pagination = stream.pagination;
    let next_u64 = to_u64(&stream.param.ty, quote!(next));
    let state_u64 = to_u64(&stream.param.ty, quote!(state));
    match pagination {
        Pagination::Page { .. } => (
            current(stream.param, quote!(1)),
            quote! {
                let asked = size.zip(#state_u64).map(|(size, page)| size.saturating_mul(page));
                let last = items.is_empty()
                    || size.is_some_and(|size| (items.len() as u64) < size)
                    || total.zip(asked).is_some_and(|(total, asked)| asked >= total);
                (!last).then(|| state.saturating_add(1))
            },
        ),
        Pagination::Offset { .. } => {
            let offset_ty = rust_type(api, &stream.param.ty);
            (
                current(stream.param, quote!(0)),
                quote! {
                    let step = #offset_ty::try_from(items.len()).unwrap_or(#offset_ty::MAX);
                    let next = state.saturating_add(step);
                    let last = items.is_empty()
                        || size.is_some_and(|size| (items.len() as u64) < size)
                        || total.zip(#next_u64).is_some_and(|(total, seen)| seen >= total);
                    (!last).then_some(next)
                },
            )
        }
        Pagination::Cursor { next_cursor, .. } => {
            // The cursor parameter is optional (its builder field an `Option`) and the body
            // names the next cursor: `pagination::stream` checked both.
            let cursor_field = ident(&stream.param.name.rust);
            let pointer = format!(
                "/{}",
                next_cursor.as_deref().unwrap_or_default().replace('.', "/")
            );
            (
                quote!(request.#cursor_field.clone()),
                quote! {
                    let next: Option<String> = ::serde_json::to_value(&page)
                        .ok()
                        .and_then(|v| v.pointer(#pointer).and_then(|c| c.as_str().map(str::to_owned)));
                    next.filter(|c| !c.is_empty()).map(Some)
                },
            )
        }
    }
}

/// The builder field of a parameter as a value: optional parameters are `Option`s (`default`
/// when unset); required ones hold the value.
fn current(p: &Param, default: TokenStream) -> TokenStream {
    let field = ident(&p.name.rust);
    if p.required {
        quote!(request.#field)
    } else {
        quote!(request.#field.unwrap_or(#default))
    }
}
