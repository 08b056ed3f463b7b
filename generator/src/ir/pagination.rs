//! Which operations the generated client can page through (`into_stream()`), and where the
//! items of a page are. The client emitter builds `into_stream()` from [`stream`]; the API diff
//! asks the same function whether a change adds or removes it, so the two cannot disagree.

use super::{Api, BodyKind, Operation, Pagination, Param, TypeId, TypeKind, TypeRef};

/// Everything `into_stream()` is made of, for an operation that gets one.
pub struct Stream<'a> {
    /// The `x-pagination` marker.
    pub pagination: &'a Pagination,
    /// Where the items of a page are, and their type.
    pub page: Page,
    /// The query parameter the stream sets for each next page: the page number, the offset
    /// or the cursor.
    pub param: &'a Param,
    /// The integer query parameter holding the page size, when the marker names one: a page
    /// shorter than the size asked for is the last.
    pub size: Option<&'a Param>,
    /// The page size the stream asks for when the user sets none ([`DEFAULT_PAGE_SIZE`], within
    /// the parameter's bounds): without one, some servers answer every page with the whole
    /// collection. `None` when there is no size parameter or it is required.
    pub default_size: Option<i64>,
    /// The wire name of the page's total count of items, when the page has one (an integer
    /// member named `total`, `totalCount`, `TotalCount`, `total_items`...): the stream stops
    /// once it has asked for that many.
    pub total: Option<String>,
}

/// The page size a stream asks for when the user sets none.
pub const DEFAULT_PAGE_SIZE: i64 = 100;

/// Names of a page's total count of items, compared in lower case without `_` and `-`.
const TOTAL_NAMES: &[&str] = &[
    "total",
    "totalcount",
    "totalitems",
    "totalresults",
    "totalrecords",
    "totalelements",
    "totalsize",
];

/// The items of a page: their type and how to take them out of the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// The type of one item.
    pub item: TypeRef,
    /// How to take the items out of the page.
    pub take: Take,
}

/// How to take the items out of a value of some type.
#[derive(Clone, Debug, PartialEq)]
pub enum Take {
    /// The value is the array of items.
    Array,
    /// The items are a field of a struct.
    Field {
        /// The struct.
        ty: TypeId,
        /// Which of its fields (an index into them).
        field: usize,
    },
    /// The value is an alias of a type whose items are taken as said.
    Alias(Box<Take>),
    /// The value is a union.
    Union {
        /// The union.
        ty: TypeId,
        /// For each variant, how to take its items, or `None` for a variant that is one item
        /// (a page of one).
        variants: Vec<Option<Take>>,
    },
}

/// The stream of `op`, when the generated client has one: a marker, exactly one success
/// response with a JSON body whose items can be found, and a paging parameter the stream can
/// set (an integer page or offset query parameter; an optional string cursor whose next value
/// the body names).
pub fn stream<'a>(api: &Api, op: &'a Operation) -> Option<Stream<'a>> {
    let pagination = op.pagination.as_ref()?;
    let (success, _) = op.successes_and_errors();
    let [response] = success.as_slice() else {
        return None;
    };
    let body = response
        .body
        .as_ref()
        .filter(|b| b.kind == BodyKind::Json)?;
    let items = match pagination {
        Pagination::Page { items, .. }
        | Pagination::Offset { items, .. }
        | Pagination::Cursor { items, .. } => items.as_deref(),
    };
    let page = page(api, &body.ty, items)?;
    let integer = |wire: &str| op.query_param(wire).filter(|p| is_integer(&p.ty));
    let (param, size) = match pagination {
        Pagination::Page {
            page_param,
            size_param,
            ..
        } => (integer(page_param), size_param.as_deref()),
        Pagination::Offset {
            offset_param,
            limit_param,
            ..
        } => (integer(offset_param), limit_param.as_deref()),
        Pagination::Cursor {
            cursor_param,
            next_cursor,
            ..
        } => (
            next_cursor
                .as_ref()
                .and(op.query_param(cursor_param))
                .filter(|p| !p.required && p.ty == TypeRef::String),
            None,
        ),
    };
    let param = param?;
    let size = size.and_then(integer);
    let default_size = size.filter(|p| !p.required).map(|p| {
        let mut wanted = DEFAULT_PAGE_SIZE;
        if let Some((max, exclusive)) = p.constraints.maximum {
            let max = if exclusive { max - 1.0 } else { max };
            wanted = wanted.min(max.floor().max(1.0) as i64);
        }
        if let Some((min, _)) = p.constraints.minimum {
            wanted = wanted.max(min.ceil() as i64);
        }
        wanted
    });
    let total = match pagination {
        Pagination::Page { .. } | Pagination::Offset { .. } => total_key(api, &page.take),
        Pagination::Cursor { .. } => None,
    };
    Some(Stream {
        pagination,
        page,
        param,
        size,
        default_size,
        total,
    })
}

/// The total count member of the object that holds a page's items, if it has one.
fn total_key(api: &Api, take: &Take) -> Option<String> {
    match take {
        Take::Array => None,
        Take::Alias(inner) => total_key(api, inner),
        Take::Union { variants, .. } => variants.iter().flatten().find_map(|t| total_key(api, t)),
        Take::Field { ty, .. } => {
            let TypeKind::Struct(s) = &api.ty(*ty).kind else {
                return None;
            };
            s.fields
                .iter()
                .find(|f| {
                    let name: String = f
                        .name
                        .wire
                        .chars()
                        .filter(|c| !matches!(c, '_' | '-'))
                        .collect::<String>()
                        .to_ascii_lowercase();
                    is_integer(&f.ty) && TOTAL_NAMES.contains(&name.as_str())
                })
                .map(|f| f.name.wire.clone())
        }
    }
}

/// Whether the stream can count with values of `ty` (page numbers, offsets, page sizes).
pub fn is_integer(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64
    )
}

/// The items of a page of type `ty`: the value itself when it is an array, its `items`
/// property when it is an object, or, for a union (a list, a page, or a single item, as some
/// APIs answer), whichever of those each variant holds, provided all give the same item type.
pub fn page(api: &Api, ty: &TypeRef, items: Option<&str>) -> Option<Page> {
    page_in(api, ty, items, &mut Vec::new())
}

/// [`page`]; `visiting` holds the named types being looked into, so that a union that is one
/// of its own variants is not looked into again (that variant counts as a single item).
fn page_in(
    api: &Api,
    ty: &TypeRef,
    items: Option<&str>,
    visiting: &mut Vec<TypeId>,
) -> Option<Page> {
    match ty {
        TypeRef::Vec(item) => Some(Page {
            item: item.as_ref().clone(),
            take: Take::Array,
        }),
        TypeRef::Named(id) if visiting.contains(id) => None,
        TypeRef::Named(id) => {
            visiting.push(*id);
            let found = named_page(api, *id, items, visiting);
            visiting.pop();
            found
        }
        _ => None,
    }
}

fn named_page(
    api: &Api,
    id: TypeId,
    items: Option<&str>,
    visiting: &mut Vec<TypeId>,
) -> Option<Page> {
    match &api.ty(id).kind {
        TypeKind::Struct(s) => {
            let wire = items?;
            let (field, f) = s
                .fields
                .iter()
                .enumerate()
                .find(|(_, f)| f.name.wire == wire)?;
            let TypeRef::Vec(item) = &f.ty else {
                return None;
            };
            Some(Page {
                item: item.as_ref().clone(),
                take: Take::Field { ty: id, field },
            })
        }
        TypeKind::Alias(inner, _) => {
            let inner = page_in(api, inner, items, visiting)?;
            Some(Page {
                item: inner.item,
                take: Take::Alias(Box::new(inner.take)),
            })
        }
        TypeKind::Union(u) => {
            let mut item: Option<TypeRef> = None;
            let mut variants = Vec::with_capacity(u.variants.len());
            for v in &u.variants {
                let (ty, take) = match page_in(api, &v.ty, items, visiting) {
                    Some(found) => (found.item, Some(found.take)),
                    None => (v.ty.clone(), None),
                };
                if item.as_ref().is_some_and(|t| *t != ty) {
                    return None;
                }
                item = Some(ty);
                variants.push(take);
            }
            Some(Page {
                item: item?,
                take: Take::Union { ty: id, variants },
            })
        }
        TypeKind::Enum(_) | TypeKind::IntEnum(_) => None,
    }
}
