//! The constraints `validate()` checks for a schema: lengths, bounds, counts and patterns (only
//! those Rust's regex can take), its string format, and the constraints of array items.

use openapiv3::{Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

use super::schema::MAX_INLINE_DEPTH;
use super::Lowerer;
use crate::ir::Constraints;

impl Lowerer<'_> {
    /// The constraints `validate()` checks for a schema, and its string format; notes that the
    /// generated crate needs `regex` when there is a pattern to check.
    pub(crate) fn constraints(&mut self, schema: &Schema) -> Constraints {
        let c = self.read_constraints(schema);
        if has_pattern(&c) {
            self.runtime.regex = true;
        }
        c
    }

    /// The constraints of a schema, noting nothing: for places whose constraints are compared
    /// between versions but not checked (whole request and response bodies).
    pub(crate) fn read_constraints(&self, schema: &Schema) -> Constraints {
        self.constraints_at(schema, 0)
    }

    fn constraints_at(&self, schema: &Schema, depth: usize) -> Constraints {
        let mut c = Constraints::default();
        match &schema.schema_kind {
            // A lower bound of zero on a length or count bounds nothing: it is left out, rather
            // than checked by a comparison that cannot fail.
            SchemaKind::Type(Type::String(s)) => {
                // An enum, a date, a uuid or bytes in Rust: the length and pattern the spec may
                // give such a string hold for every value of the type (and a `String` method
                // would not apply to it).
                let typed = !s.enumeration.is_empty()
                    || matches!(
                        &s.format,
                        VariantOrUnknownOrEmpty::Item(f) if *f != StringFormat::Password
                    )
                    || matches!(&s.format, VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid");
                if !typed {
                    c.min_length = s.min_length.filter(|&min| min > 0);
                    c.max_length = s.max_length;
                    c.pattern = s.pattern.clone().filter(|p| {
                        // Patterns are ECMA regexes; the few Rust's regex cannot take
                        // (look-around, back-references) are left unchecked rather than
                        // rejected at run time.
                        regex::Regex::new(p).is_ok()
                    });
                }
                c.format = string_format_name(&s.format);
            }
            SchemaKind::Any(a) if a.typ.as_deref() == Some("string") => {
                c.format = a.format.clone();
            }
            // An integer enum is a Rust enum: its values are the bounds.
            SchemaKind::Type(Type::Integer(i)) if i.enumeration.is_empty() => {
                c.minimum = i.minimum.map(|m| (m as f64, i.exclusive_minimum));
                c.maximum = i.maximum.map(|m| (m as f64, i.exclusive_maximum));
            }
            SchemaKind::Type(Type::Number(n)) => {
                c.minimum = n.minimum.map(|m| (m, n.exclusive_minimum));
                c.maximum = n.maximum.map(|m| (m, n.exclusive_maximum));
            }
            SchemaKind::Type(Type::Array(a)) => {
                c.min_items = a.min_items.filter(|&min| min > 0);
                c.max_items = a.max_items;
                // An array whose items are itself (through a `$ref`) would recurse forever.
                let items = a.items.as_ref().and_then(|i| self.target(i));
                if let Some(items) = items.filter(|_| depth < MAX_INLINE_DEPTH) {
                    let inner = self.constraints_at(items, depth + 1);
                    if !inner.is_empty() || inner.format.is_some() {
                        c.items = Some(Box::new(inner));
                    }
                }
            }
            _ => {}
        }
        c
    }
}

/// Whether a pattern is checked here or in the items.
pub(super) fn has_pattern(c: &Constraints) -> bool {
    c.pattern.is_some() || c.items.as_deref().is_some_and(has_pattern)
}

/// The `format` of a string schema as the spec writes it.
pub(super) fn string_format_name(format: &VariantOrUnknownOrEmpty<StringFormat>) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(f) => Some(
            match f {
                StringFormat::Date => "date",
                StringFormat::DateTime => "date-time",
                StringFormat::Password => "password",
                StringFormat::Byte => "byte",
                StringFormat::Binary => "binary",
            }
            .to_string(),
        ),
        VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}
