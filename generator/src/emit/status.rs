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

/// The variant of a status in generated enums (see [`Status::variant_name`]).
pub fn status_variant(status: Status) -> Ident {
    format_ident!("{}", status.variant_name())
}
