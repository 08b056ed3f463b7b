//! The `x-rust-*` extensions: what a team that does not own a spec can ask of the code
//! generated from it, without editing the spec's meaning.
//!
//! | extension | on | effect |
//! | --- | --- | --- |
//! | `x-rust-name: PetRecord` | a schema (component or inline) | the type's Rust name |
//! | `x-rust-name: update_variable` | an operation | the method's name (client and server) and the stem of its request/response types (`UpdateVariableRequest`) |
//! | `x-rust-type: "::rust_decimal::Decimal"` | a component schema | `pub type Name = <path>;`: the component is that existing type (it must implement `Clone`, `Debug`, `PartialEq` and serde's traits, as the types holding it derive them) |
//! | `x-rust-derives: [Eq, Hash]` | a schema that is a struct, enum or union | more derives, besides the generator's own |
//!
//! A name is used as written: it must be a Rust identifier that no other type (or method) has
//! already; a clash is an error, never a silent suffix.

use indexmap::IndexMap;
use openapiv3::Schema;
use serde_json::Value;

use super::Lowerer;
use crate::ir::names::{Namespace, RESERVED_TYPE_NAMES};
use crate::ir::{TypeId, TypeOverrides};

/// The extension that renames a type or an operation's method.
pub(crate) const RUST_NAME: &str = "x-rust-name";
/// The extension that maps a component schema to an existing Rust type.
pub(crate) const RUST_TYPE: &str = "x-rust-type";
/// The extension that adds derives to a type.
pub(crate) const RUST_DERIVES: &str = "x-rust-derives";

impl Lowerer<'_> {
    /// The type name `x-rust-name` asks for, claimed in the crate's type names; `None` when
    /// the schema has none or it cannot be used (an error is recorded then).
    pub(crate) fn type_name_override(&mut self, schema: &Schema, pointer: &str) -> Option<String> {
        let wanted = self.rust_name(&schema.schema_data.extensions, pointer)?;
        if RESERVED_TYPE_NAMES.contains(&wanted.as_str()) {
            self.error(
                &format!("{pointer}/{RUST_NAME}"),
                format!("{RUST_NAME} `{wanted}` is a name the generated code uses itself; choose another"),
            );
            return None;
        }
        claim_exact(&mut self.type_names, &wanted).or_else(|| {
            self.error(
                &format!("{pointer}/{RUST_NAME}"),
                format!("{RUST_NAME} `{wanted}` is already the name of another type"),
            );
            None
        })
    }

    /// The method name `x-rust-name` asks for on an operation, claimed in `methods`.
    pub(crate) fn method_name_override(
        &mut self,
        extensions: &IndexMap<String, Value>,
        methods: &mut Namespace,
        pointer: &str,
    ) -> Option<String> {
        let wanted = self.rust_name(extensions, pointer)?;
        claim_exact(methods, &wanted).or_else(|| {
            self.error(
                &format!("{pointer}/{RUST_NAME}"),
                format!("{RUST_NAME} `{wanted}` is already the name of another operation's method (or of the client's own)"),
            );
            None
        })
    }

    /// `x-rust-type` and `x-rust-derives` of a schema. `component` says whether it is a
    /// component schema: only those can be an existing type.
    pub(crate) fn type_overrides(
        &mut self,
        schema: &Schema,
        pointer: &str,
        component: bool,
    ) -> TypeOverrides {
        let extensions = &schema.schema_data.extensions;
        let mut out = TypeOverrides::default();
        if let Some(value) = extensions.get(RUST_TYPE) {
            let at = format!("{pointer}/{RUST_TYPE}");
            match value.as_str().filter(|s| is_type(s)) {
                Some(_) if !component => self.warning(
                    &at,
                    format!("{RUST_TYPE} is read on component schemas only; this inline schema is generated as usual"),
                ),
                Some(path) => out.external = Some(path.trim().to_string()),
                None => self.error(
                    &at,
                    format!("{RUST_TYPE} must be a Rust type, as a string (`::rust_decimal::Decimal`)"),
                ),
            }
        }
        if let Some(value) = extensions.get(RUST_DERIVES) {
            let at = format!("{pointer}/{RUST_DERIVES}");
            let paths = value.as_array().and_then(|items| {
                items
                    .iter()
                    .map(|v| v.as_str().filter(|s| is_path(s)).map(str::to_string))
                    .collect::<Option<Vec<String>>>()
            });
            match paths {
                Some(paths) => out.derives = paths,
                None => self.error(
                    &at,
                    format!("{RUST_DERIVES} must be a list of trait paths (`[Eq, Hash]`)"),
                ),
            }
        }
        out
    }

    /// Drops, with a warning, the `x-rust-derives` of a type that is an alias (of another type
    /// of the crate, a container, a primitive or an `x-rust-type`): an alias has the traits of
    /// what it names, and a derive needs a type definition.
    pub(crate) fn derives_on_alias(&mut self, id: TypeId, pointer: &str) {
        let ty = &mut self.types[id.0];
        if ty.overrides.derives.is_empty() {
            return;
        }
        ty.overrides.derives.clear();
        let message = format!(
            "{RUST_DERIVES} applies to structs, enums and unions; `{}` names another type and has its traits",
            ty.name
        );
        self.warning(&format!("{pointer}/{RUST_DERIVES}"), message);
    }

    /// The identifier of `x-rust-name`, checked; `None` when absent or not an identifier.
    fn rust_name(&mut self, extensions: &IndexMap<String, Value>, pointer: &str) -> Option<String> {
        let value = extensions.get(RUST_NAME)?;
        match value.as_str().filter(|s| is_identifier(s)) {
            Some(name) => Some(name.to_string()),
            None => {
                self.error(
                    &format!("{pointer}/{RUST_NAME}"),
                    format!("{RUST_NAME} must be a Rust identifier (not a keyword), got {value}"),
                );
                None
            }
        }
    }
}

/// Claims exactly `wanted`: `None` when it is taken.
fn claim_exact(names: &mut Namespace, wanted: &str) -> Option<String> {
    if names.contains(wanted) {
        return None;
    }
    Some(names.claim(wanted))
}

fn is_identifier(s: &str) -> bool {
    syn::parse_str::<syn::Ident>(s).is_ok()
}

fn is_path(s: &str) -> bool {
    syn::parse_str::<syn::Path>(s).is_ok()
}

fn is_type(s: &str) -> bool {
    syn::parse_str::<syn::Type>(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_paths_and_types_are_checked_as_rust() {
        assert!(is_identifier("PetRecord"));
        assert!(is_identifier("update_variable"));
        assert!(!is_identifier("type"));
        assert!(!is_identifier("pet-record"));
        assert!(!is_identifier(""));
        assert!(is_path("Hash"));
        assert!(is_path("::serde_with::SerializeDisplay"));
        assert!(!is_path("Eq, Hash"));
        assert!(is_type("::rust_decimal::Decimal"));
        assert!(is_type("std::net::IpAddr"));
        assert!(is_type("Vec<u8>"));
        assert!(!is_type("not a type"));
    }

    #[test]
    fn a_name_is_claimed_as_written_or_not_at_all() {
        let mut names = Namespace::with_reserved(&["Client"]);
        assert_eq!(claim_exact(&mut names, "Pet"), Some("Pet".to_string()));
        assert_eq!(claim_exact(&mut names, "Pet"), None);
        assert_eq!(claim_exact(&mut names, "Client"), None);
    }
}
