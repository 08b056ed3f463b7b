//! Statuses in generated code: `match` patterns and variant names.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::Status;

/// A `match` pattern on a `u16` status.
pub fn pattern(status: Status) -> TokenStream {
    match status {
        Status::Code(c) => {
            let c = Literal::u16_unsuffixed(c);
            quote!(#c)
        }
        Status::Range(r) => {
            let lo = Literal::u16_unsuffixed(u16::from(r) * 100);
            let hi = Literal::u16_unsuffixed(u16::from(r) * 100 + 99);
            quote!(#lo..=#hi)
        }
        Status::Default => quote!(_),
    }
}

/// A variant name for a status: the reason phrase for common codes (`Ok`, `NotFound`), else
/// `Status418`, `Status4xx` for ranges and `Default`.
pub fn status_variant(status: Status) -> Ident {
    let phrase = match status {
        Status::Code(200) => "Ok",
        Status::Code(201) => "Created",
        Status::Code(202) => "Accepted",
        Status::Code(203) => "NonAuthoritativeInformation",
        Status::Code(204) => "NoContent",
        Status::Code(205) => "ResetContent",
        Status::Code(206) => "PartialContent",
        Status::Code(301) => "MovedPermanently",
        Status::Code(302) => "Found",
        Status::Code(303) => "SeeOther",
        Status::Code(304) => "NotModified",
        Status::Code(307) => "TemporaryRedirect",
        Status::Code(400) => "BadRequest",
        Status::Code(401) => "Unauthorized",
        Status::Code(403) => "Forbidden",
        Status::Code(404) => "NotFound",
        Status::Code(405) => "MethodNotAllowed",
        Status::Code(409) => "Conflict",
        Status::Code(410) => "Gone",
        Status::Code(412) => "PreconditionFailed",
        Status::Code(413) => "PayloadTooLarge",
        Status::Code(415) => "UnsupportedMediaType",
        Status::Code(422) => "UnprocessableEntity",
        Status::Code(429) => "TooManyRequests",
        Status::Code(500) => "InternalServerError",
        Status::Code(501) => "NotImplemented",
        Status::Code(502) => "BadGateway",
        Status::Code(503) => "ServiceUnavailable",
        Status::Code(504) => "GatewayTimeout",
        Status::Code(c) => return format_ident!("Status{}", c),
        Status::Range(r) => return format_ident!("Status{}xx", r),
        Status::Default => "Default",
    };
    format_ident!("{}", phrase)
}
