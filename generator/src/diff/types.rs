//! Comparison of types: a type reference at one place on both sides, and pairs of named types
//! field by field, value by value, variant by variant.

use std::collections::BTreeMap;

use super::classify::{item, Draft, Place, Texts, Variance};
use super::describe::{self, category, resolve, wrap, Category};
use super::walk::Walker;
use super::Semver::Major;
use super::{ChangeKind as K, Direction, Effect, Impact, ItemKind, RustItem, Scope};
use crate::ir::{Additional, EnumValue, Field, IntValue, Struct, TypeId, TypeKind, TypeRef, Union};

/// A place that holds a type: what to call it, and the generated items whose Rust type changes
/// when its type does.
#[derive(Clone, Debug)]
pub struct Site {
    pub place: Place,
    /// `field \`name\``, `query parameter \`limit\``, `request body`.
    pub subject: String,
    /// Items whose type is the type held here.
    pub items: Vec<RustItem>,
    /// The item whose checks change when a constraint here does (`validate()`, an extractor).
    pub checked_by: Option<RustItem>,
}

impl Site {
    /// The site of the items (or values) of what this site holds.
    fn inner(&self, what: &str) -> Site {
        Site {
            subject: format!("{what} of {}", self.subject),
            ..self.clone()
        }
    }

    fn draft(&self, kind: K) -> Draft {
        let mut d = Draft::new(kind, &self.place, self.subject.clone());
        d.rust.extend(self.items.iter().cloned());
        d
    }
}

impl Walker<'_> {
    /// Compares the types held at one place. Named types of one category are paired (and
    /// compared later, once); anything else that differs is a type change here.
    pub fn compare(&mut self, old: &TypeRef, new: &TypeRef, site: &Site) {
        let (old_api, new_api) = (self.old, self.new);
        if let (TypeRef::Named(a), TypeRef::Named(b)) = (old, new) {
            if category(old_api, *a) == Category::Alias && category(new_api, *b) == Category::Alias
            {
                // Aliases are compared through what they stand for, here; the pair only records
                // that the alias is used on the wire (see `diff_pair`).
                self.pair(*a, *b, site.place.direction);
            }
        }
        let (o, n) = (resolve(old_api, old), resolve(new_api, new));
        match (o, n) {
            (TypeRef::Named(a), TypeRef::Named(b))
                if category(old_api, *a) == category(new_api, *b) =>
            {
                self.pair(*a, *b, site.place.direction);
                let (an, bn) = (
                    describe::type_name(old_api, *a),
                    describe::type_name(new_api, *b),
                );
                if an != bn && !self.is_rename(*a, *b) {
                    let mut d = site
                        .draft(K::RustTypeChanged)
                        .detail(format!("`{an}` → `{bn}` (same wire shape)"))
                        .semver(Major);
                    let reason = format!(
                        "the Rust type of {} changes from `{an}` to `{bn}`",
                        site.subject
                    );
                    d.client.add(Impact::SourceBreaking, reason.clone());
                    d.server.add(Impact::SourceBreaking, reason);
                    self.push(d);
                }
            }
            (TypeRef::Vec(a), TypeRef::Vec(b)) => self.compare(a, b, &site.inner("items")),
            (TypeRef::Map(a), TypeRef::Map(b)) => self.compare(a, b, &site.inner("values")),
            (TypeRef::Nullable(a), TypeRef::Nullable(b)) => self.compare(a, b, site),
            (TypeRef::Nullable(a), b) => {
                self.type_change(o, n, Variance::Narrow, site);
                self.compare(a, b, site);
            }
            (a, TypeRef::Nullable(b)) => {
                self.type_change(o, n, Variance::Widen, site);
                self.compare(a, b, site);
            }
            (a, b) if a == b && !matches!(a, TypeRef::Named(_)) => {}
            (a, b) => {
                let variance = describe::variance(old_api, a, new_api, b);
                self.type_change(a, b, variance, site);
            }
        }
    }

    fn type_change(&mut self, o: &TypeRef, n: &TypeRef, variance: Variance, site: &Site) {
        let (ow, nw) = (describe::wire(self.old, o), describe::wire(self.new, n));
        let (or, nr) = (describe::rust(self.old, o), describe::rust(self.new, n));
        let texts = Texts {
            added: format!("{} as {nw}", site.subject),
            removed: format!("{} as {ow}", site.subject),
        };
        let mut d = site
            .draft(K::TypeChanged)
            .detail(format!("{ow} → {nw}"))
            .wire(variance, &texts)
            .semver(Major);
        let reason = format!(
            "the Rust type of {} changes from `{or}` to `{nr}`",
            site.subject
        );
        d.client.add(Impact::SourceBreaking, reason.clone());
        d.server.add(Impact::SourceBreaking, reason);
        self.push(d);
    }

    /// Compares a pair of named types (reached in `direction`).
    pub fn diff_pair(&mut self, old: TypeId, new: TypeId, direction: Direction) {
        let (Some(o), Some(n)) = (self.old.types.get(old.0), self.new.types.get(new.0)) else {
            return;
        };
        let place = Place::new(Scope::Type, n.name.clone(), direction);
        match (&o.kind, &n.kind) {
            (TypeKind::Struct(a), TypeKind::Struct(b)) => self.structs(a, b, &n.name, &place),
            (TypeKind::Enum(a), TypeKind::Enum(b)) => self.string_enums(a, b, &n.name, &place),
            (TypeKind::IntEnum(a), TypeKind::IntEnum(b)) => self.int_enums(a, b, &n.name, &place),
            (TypeKind::Union(a), TypeKind::Union(b)) => self.unions(a, b, &n.name, &place),
            (TypeKind::Alias(..), TypeKind::Alias(..)) if direction != Direction::None => {
                // Every place that uses the alias compares what it stands for (`compare`
                // resolves aliases); fields, parameters and bodies hold a copy of its
                // constraints and compare them too (union variants and map values do not).
            }
            (TypeKind::Alias(a, ac), TypeKind::Alias(b, bc)) => {
                let site = Site {
                    place: place.clone(),
                    subject: "aliased type".into(),
                    items: vec![item(
                        ItemKind::Type,
                        format!("models::{}", n.name),
                        Effect::Changed,
                    )],
                    checked_by: None,
                };
                self.compare(a, b, &site);
                self.constraints(ac, bc, &site);
            }
            _ => {
                // Only types paired by origin get here: same component, another kind of type.
                if category(self.old, old) != category(self.new, new) {
                    let site = Site {
                        place,
                        subject: String::new(),
                        items: vec![item(
                            ItemKind::Type,
                            format!("models::{}", n.name),
                            Effect::Changed,
                        )],
                        checked_by: None,
                    };
                    self.type_change(
                        &TypeRef::Named(old),
                        &TypeRef::Named(new),
                        Variance::Both,
                        &site,
                    );
                }
            }
        }
    }

    fn structs(&mut self, a: &Struct, b: &Struct, name: &str, place: &Place) {
        let old: BTreeMap<&str, &Field> =
            a.fields.iter().map(|f| (f.name.wire.as_str(), f)).collect();
        let new: BTreeMap<&str, &Field> =
            b.fields.iter().map(|f| (f.name.wire.as_str(), f)).collect();
        let mut removed: Vec<&Field> = a
            .fields
            .iter()
            .filter(|f| !new.contains_key(f.name.wire.as_str()))
            .collect();
        let mut added: Vec<&Field> = b
            .fields
            .iter()
            .filter(|f| !old.contains_key(f.name.wire.as_str()))
            .collect();
        for f in &b.fields {
            if let Some(g) = old.get(f.name.wire.as_str()) {
                self.field(g, f, name, place);
            }
        }
        // A removed and an added field of the same type look like a rename.
        let mut renamed = Vec::new();
        let (old_api, new_api) = (self.old, self.new);
        removed.retain(|r| {
            let Some(i) = added
                .iter()
                .position(|x| describe::same_shape(old_api, &r.ty, new_api, &x.ty))
            else {
                return true;
            };
            renamed.push((*r, added.remove(i)));
            false
        });
        for (r, x) in renamed {
            let mut d = self
                .field_removed(r, name, &b.additional, place)
                .merge(self.field_added(x, name, &a.additional, place));
            d.kind = K::FieldRenamed;
            d.subject = format!("field `{}` → `{}`", r.name.wire, x.name.wire);
            d.detail = format!(
                "a removed and an added field of the same type ({}): looks like a rename",
                describe::wire(self.new, &x.ty)
            );
            self.push(d);
        }
        for r in removed {
            let d = self.field_removed(r, name, &b.additional, place);
            self.push(d);
        }
        for x in added {
            let d = self.field_added(x, name, &a.additional, place);
            self.push(d);
        }
        self.additional(&a.additional, &b.additional, name, place);
        let site = Site {
            place: place.clone(),
            subject: "members".into(),
            items: Vec::new(),
            checked_by: Some(validate(name)),
        };
        self.counts(
            (a.min_properties, a.max_properties),
            (b.min_properties, b.max_properties),
            &site,
        );
    }

    fn field_added(
        &self,
        f: &Field,
        owner: &str,
        old_additional: &Additional,
        place: &Place,
    ) -> Draft {
        let path = format!("models::{owner}::{}", f.name.rust);
        let subject = format!("field `{}`", f.name.wire);
        let mut d = Draft::new(K::FieldAdded, place, subject)
            .detail(format!(
                "{}{}, {}",
                if f.required { "required" } else { "optional" },
                if f.nullable { ", nullable" } else { "" },
                describe::wire(self.new, &f.ty)
            ))
            .item(item(ItemKind::Field, path, Effect::Added))
            .semver(Major);
        let wire = &f.name.wire;
        let literal = format!("struct literals of `{owner}` must set `{}`", f.name.rust);
        if place.direction.request() {
            if f.required {
                d.client.add(
                    Impact::Breaking,
                    format!("old clients do not send `{wire}`; requests without it are rejected"),
                );
            } else {
                d.server.add(
                    Impact::Breaking,
                    format!("servers must accept and handle `{wire}`; an existing implementation ignores it"),
                );
            }
            d.client.add(Impact::SourceBreaking, literal.clone());
        }
        if place.direction.response() {
            if *old_additional == Additional::Denied {
                d.client.add(
                    Impact::Breaking,
                    format!("old clients reject the unknown member `{wire}` (`{owner}` denies unknown members)"),
                );
            } else {
                d.client
                    .add(Impact::Compatible, format!("old clients ignore `{wire}`"));
            }
            if f.required {
                d.server.add(
                    Impact::Breaking,
                    format!("servers must always send `{wire}`"),
                );
            }
            d.server.add(Impact::SourceBreaking, literal);
        }
        d
    }

    fn field_removed(
        &self,
        f: &Field,
        owner: &str,
        new_additional: &Additional,
        place: &Place,
    ) -> Draft {
        let path = format!("models::{owner}::{}", f.name.rust);
        let subject = format!("field `{}`", f.name.wire);
        let mut d = Draft::new(K::FieldRemoved, place, subject)
            .detail(format!(
                "was {}, {}",
                if f.required { "required" } else { "optional" },
                describe::wire(self.old, &f.ty)
            ))
            .item(item(ItemKind::Field, path.clone(), Effect::Removed))
            .semver(Major);
        let wire = &f.name.wire;
        let gone = format!("code using `{path}` stops compiling");
        if place.direction.request() {
            if *new_additional == Additional::Denied {
                d.client.add(
                    Impact::Breaking,
                    format!("old clients sending `{wire}` are rejected (`{owner}` denies unknown members)"),
                );
            } else {
                d.client.add(
                    Impact::Compatible,
                    format!("old clients still send `{wire}`; servers ignore it"),
                );
            }
        }
        if place.direction.response() && f.required && !f.nullable {
            d.client.add(
                Impact::Breaking,
                format!("old clients fail to decode responses without `{wire}`"),
            );
        }
        if place.direction != Direction::None {
            d.client.add(Impact::SourceBreaking, gone.clone());
            d.server.add(Impact::SourceBreaking, gone);
        }
        d
    }

    fn field(&mut self, g: &Field, f: &Field, owner: &str, place: &Place) {
        let path = format!("models::{owner}::{}", f.name.rust);
        let subject = format!("field `{}`", f.name.wire);
        let (old_rust, new_rust) = (
            describe::field_rust(self.old, g),
            describe::field_rust(self.new, f),
        );
        // Required and nullable decide the `Option`s around the type; their net effect is the
        // Rust change, told once by each of the changes that caused it.
        let inner = describe::rust(self.new, &f.ty);
        let wrapper_changed =
            wrap(&inner, g.required, g.nullable) != wrap(&inner, f.required, f.nullable);
        let rust_reason = format!("`{path}` changes from `{old_rust}` to `{new_rust}`");
        let with_rust = |mut d: Draft| {
            if wrapper_changed {
                d.client.add(Impact::SourceBreaking, rust_reason.clone());
                d.server.add(Impact::SourceBreaking, rust_reason.clone());
                d.rust
                    .push(item(ItemKind::Field, path.clone(), Effect::Changed));
                d.semver = Major;
            }
            d
        };
        if g.required != f.required {
            self.push(with_rust(required_change(g, f, place, subject.clone())));
        }
        if g.nullable != f.nullable {
            self.push(with_rust(nullable_change(f, place, subject.clone())));
        }
        if g.name.rust != f.name.rust {
            let mut d = Draft::new(K::FieldRenamed, place, subject.clone())
                .detail(format!(
                    "Rust name `{}` → `{}` (same wire name)",
                    g.name.rust, f.name.rust
                ))
                .item(item(ItemKind::Field, path.clone(), Effect::Renamed))
                .semver(Major);
            let reason = format!("`models::{owner}::{}` is now `{path}`", g.name.rust);
            d.client.add(Impact::SourceBreaking, reason.clone());
            d.server.add(Impact::SourceBreaking, reason);
            self.push(d);
        }
        let site = Site {
            place: place.clone(),
            subject,
            items: vec![item(ItemKind::Field, path.clone(), Effect::Changed)],
            checked_by: Some(validate(owner)),
        };
        if g.boxed != f.boxed && describe::rust(self.old, &g.ty) == describe::rust(self.new, &f.ty)
        {
            let mut d = site
                .draft(K::RustTypeChanged)
                .detail(if f.boxed {
                    "now boxed"
                } else {
                    "no longer boxed"
                })
                .semver(Major);
            d.client.add(Impact::SourceBreaking, rust_reason.clone());
            d.server.add(Impact::SourceBreaking, rust_reason.clone());
            self.push(d);
        }
        self.compare(&g.ty, &f.ty, &site);
        self.constraints(&g.constraints, &f.constraints, &site);
    }

    fn additional(&mut self, a: &Additional, b: &Additional, owner: &str, place: &Place) {
        if a == b {
            return;
        }
        let path = format!("models::{owner}::additional_properties");
        let describe = |x: &Additional, api| match x {
            Additional::Ignored => "not mentioned (unknown members ignored)".to_string(),
            Additional::Denied => "false (unknown members rejected)".to_string(),
            Additional::Kept(t) => format!("{} (unknown members kept)", describe::wire(api, t)),
        };
        let mut d = Draft::new(
            K::AdditionalPropertiesChanged,
            place,
            "additionalProperties",
        )
        .detail(format!(
            "{} → {}",
            describe(a, self.old),
            describe(b, self.new)
        ));
        let texts = Texts {
            added: format!("unknown members in `{owner}`"),
            removed: format!("unknown members in `{owner}`"),
        };
        let variance = match (a, b) {
            (Additional::Denied, _) => Variance::Widen,
            (_, Additional::Denied) => Variance::Narrow,
            _ => Variance::Same,
        };
        d = d.wire(variance, &texts);
        match (a, b) {
            (Additional::Kept(x), Additional::Kept(y)) => {
                let site = Site {
                    place: place.clone(),
                    subject: "additional properties".into(),
                    items: vec![item(ItemKind::Field, path, Effect::Changed)],
                    checked_by: None,
                };
                self.compare(x, y, &site);
                return;
            }
            (_, Additional::Kept(_)) => {
                let reason =
                    format!("struct literals of `{owner}` must set `additional_properties`");
                d.client.add(Impact::SourceBreaking, reason.clone());
                d.server.add(Impact::SourceBreaking, reason);
                d = d
                    .item(item(ItemKind::Field, path, Effect::Added))
                    .semver(Major);
            }
            (Additional::Kept(_), _) => {
                let reason = format!("code using `{path}` stops compiling");
                d.client.add(Impact::SourceBreaking, reason.clone());
                d.server.add(Impact::SourceBreaking, reason);
                d = d
                    .item(item(ItemKind::Field, path, Effect::Removed))
                    .semver(Major);
            }
            _ => d = d.item(validate(owner)),
        }
        self.push(d);
    }

    fn string_enums(&mut self, a: &[EnumValue], b: &[EnumValue], owner: &str, place: &Place) {
        let old: Vec<(String, String)> = a
            .iter()
            .map(|v| (v.name.wire.clone(), v.name.rust.clone()))
            .collect();
        let new: Vec<(String, String)> = b
            .iter()
            .map(|v| (v.name.wire.clone(), v.name.rust.clone()))
            .collect();
        self.enum_values(&old, &new, owner, place, "String");
    }

    fn int_enums(&mut self, a: &[IntValue], b: &[IntValue], owner: &str, place: &Place) {
        let old: Vec<(String, String)> = a
            .iter()
            .map(|v| (v.value.to_string(), v.name.clone()))
            .collect();
        let new: Vec<(String, String)> = b
            .iter()
            .map(|v| (v.value.to_string(), v.name.clone()))
            .collect();
        self.enum_values(&old, &new, owner, place, "i64");
    }

    /// Values (wire, variant) of a string or integer enum; both keep unknown values in
    /// `Unknown(..)`, which the generated `validate()` rejects.
    fn enum_values(
        &mut self,
        old: &[(String, String)],
        new: &[(String, String)],
        owner: &str,
        place: &Place,
        unknown: &str,
    ) {
        let quote = |w: &str| {
            if unknown == "String" {
                format!("\"{w}\"")
            } else {
                w.to_string()
            }
        };
        for (wire, variant) in new {
            let path = format!("models::{owner}::{variant}");
            match old.iter().find(|(w, _)| w == wire) {
                Some((_, old_variant)) if old_variant != variant => {
                    let mut d = Draft::new(K::EnumVariantRenamed, place, format!("value `{wire}`"))
                        .detail(format!("`{owner}::{old_variant}` → `{owner}::{variant}`"))
                        .item(item(ItemKind::Variant, path, Effect::Renamed))
                        .semver(Major);
                    let reason = format!("code naming `{owner}::{old_variant}` stops compiling");
                    d.client.add(Impact::SourceBreaking, reason.clone());
                    d.server.add(Impact::SourceBreaking, reason);
                    self.push(d);
                }
                Some(_) => {}
                None => {
                    let mut d = Draft::new(K::EnumValueAdded, place, format!("value `{wire}`"))
                        .detail(format!("variant `{owner}::{variant}`"))
                        .item(item(ItemKind::Variant, path, Effect::Added))
                        .semver(Major);
                    if place.direction.request() {
                        d.server.add(
                            Impact::Breaking,
                            format!(
                                "servers must accept `{wire}`; an existing implementation reads it as `{owner}::Unknown({})` and rejects it",
                                quote(wire)
                            ),
                        );
                    }
                    if place.direction.response() {
                        d.client.add(
                            Impact::SourceBreaking,
                            format!(
                                "old clients read it as `{owner}::Unknown({})`; after upgrading, exhaustive `match`es on `{owner}` need an arm for `{owner}::{variant}`",
                                quote(wire)
                            ),
                        );
                    }
                    self.push(d);
                }
            }
        }
        for (wire, variant) in old.iter().filter(|(w, _)| !new.iter().any(|(x, _)| x == w)) {
            let path = format!("models::{owner}::{variant}");
            let mut d = Draft::new(K::EnumValueRemoved, place, format!("value `{wire}`"))
                .detail(format!("variant `{owner}::{variant}`"))
                .item(item(ItemKind::Variant, path, Effect::Removed))
                .semver(Major);
            let gone = format!("code naming `{owner}::{variant}` stops compiling");
            if place.direction.request() {
                d.client.add(
                    Impact::Breaking,
                    format!("old clients may send `{wire}`, which servers now reject"),
                );
                d.server.add(Impact::SourceBreaking, gone.clone());
            }
            if place.direction.response() {
                d.client.add(Impact::SourceBreaking, gone.clone());
                d.server.add(
                    Impact::Breaking,
                    format!("servers must no longer send `{wire}`"),
                );
            }
            self.push(d);
        }
    }

    fn unions(&mut self, a: &Union, b: &Union, owner: &str, place: &Place) {
        if a.discriminator != b.discriminator {
            self.push(discriminator_change(a, b, owner, place));
        }
        // Tagged unions match variants by tag; untagged ones by position.
        let tagged = a.discriminator.is_some() && b.discriminator.is_some();
        let key = |i: usize, v: &crate::ir::UnionVariant| {
            if tagged {
                v.name.wire.clone()
            } else {
                format!("#{i}")
            }
        };
        let old: BTreeMap<String, &crate::ir::UnionVariant> = a
            .variants
            .iter()
            .enumerate()
            .map(|(i, v)| (key(i, v), v))
            .collect();
        let new: BTreeMap<String, &crate::ir::UnionVariant> = b
            .variants
            .iter()
            .enumerate()
            .map(|(i, v)| (key(i, v), v))
            .collect();
        for (k, v) in &new {
            let path = format!("models::{owner}::{}", v.name.rust);
            let subject = format!("variant `{}`", v.name.rust);
            match old.get(k) {
                Some(w) => {
                    if w.name.rust != v.name.rust {
                        let mut d = Draft::new(K::EnumVariantRenamed, place, subject.clone())
                            .detail(format!(
                                "`{owner}::{}` → `{owner}::{}`",
                                w.name.rust, v.name.rust
                            ))
                            .item(item(ItemKind::Variant, path.clone(), Effect::Renamed))
                            .semver(Major);
                        let reason =
                            format!("code naming `{owner}::{}` stops compiling", w.name.rust);
                        d.client.add(Impact::SourceBreaking, reason.clone());
                        d.server.add(Impact::SourceBreaking, reason);
                        self.push(d);
                    }
                    let site = Site {
                        place: place.clone(),
                        subject,
                        items: vec![item(ItemKind::Variant, path, Effect::Changed)],
                        checked_by: None,
                    };
                    self.compare(&w.ty, &v.ty, &site);
                }
                None => {
                    let texts = Texts {
                        added: format!(
                            "a `{}` value, which the old `{owner}` cannot decode",
                            v.name.rust
                        ),
                        removed: String::new(),
                    };
                    let d = Draft::new(K::UnionVariantAdded, place, subject)
                        .detail(describe::wire(self.new, &v.ty))
                        .item(item(ItemKind::Variant, path, Effect::Added))
                        .wire(Variance::Widen, &texts)
                        .semver(Major);
                    self.push(d);
                }
            }
        }
        for (k, w) in &old {
            if new.contains_key(k) {
                continue;
            }
            let path = format!("models::{owner}::{}", w.name.rust);
            let texts = Texts {
                added: String::new(),
                removed: format!("a `{}` value", w.name.rust),
            };
            let mut d = Draft::new(
                K::UnionVariantRemoved,
                place,
                format!("variant `{}`", w.name.rust),
            )
            .detail(describe::wire(self.old, &w.ty))
            .item(item(ItemKind::Variant, path.clone(), Effect::Removed))
            .wire(Variance::Narrow, &texts)
            .semver(Major);
            let gone = format!("code naming `{owner}::{}` stops compiling", w.name.rust);
            d.client.add(Impact::SourceBreaking, gone.clone());
            d.server.add(Impact::SourceBreaking, gone);
            self.push(d);
        }
    }
}

impl Draft {
    /// Both changes at once (a field that looks renamed is one removed and one added).
    pub fn merge(mut self, other: Draft) -> Draft {
        for (side, from) in [
            (&mut self.client, other.client),
            (&mut self.server, other.server),
        ] {
            side.extend(from);
        }
        self.rust.extend(other.rust);
        self.semver = self.semver.max(other.semver);
        self
    }
}

/// The `validate()` of a model type, whose checks change with its constraints.
fn validate(owner: &str) -> RustItem {
    item(
        ItemKind::Method,
        format!("models::{owner}::validate"),
        Effect::Behaviour,
    )
}

/// A field that became required, or optional: who must change, by direction.
fn required_change(g: &Field, f: &Field, place: &Place, subject: String) -> Draft {
    let wire = &f.name.wire;
    if f.required {
        let mut d = Draft::new(K::FieldRequired, place, subject);
        if place.direction.request() {
            d.client.add(
                Impact::Breaking,
                format!("old clients may omit `{wire}`; requests without it are rejected"),
            );
        }
        if place.direction.response() {
            d.server.add(
                Impact::Breaking,
                format!("servers must always send `{wire}`"),
            );
        }
        d
    } else {
        let mut d = Draft::new(K::FieldOptional, place, subject);
        if place.direction.request() {
            d.server.add(
                Impact::Breaking,
                format!("servers must accept requests without `{wire}`"),
            );
        }
        if place.direction.response() && !g.nullable {
            d.client.add(
                Impact::Breaking,
                format!("old clients fail to decode responses without `{wire}`"),
            );
        }
        d
    }
}

/// A field that became nullable, or not: who must change, by direction.
fn nullable_change(f: &Field, place: &Place, subject: String) -> Draft {
    let wire = &f.name.wire;
    if f.nullable {
        let mut d = Draft::new(K::FieldNullable, place, subject);
        if place.direction.request() {
            d.server.add(
                Impact::Breaking,
                format!("servers must accept `{wire}`: null"),
            );
        }
        if place.direction.response() {
            if f.required {
                d.client.add(
                    Impact::Breaking,
                    format!("old clients fail to decode `{wire}`: null"),
                );
            } else {
                d.client.add(
                    Impact::Compatible,
                    format!("old clients read `{wire}`: null as absent"),
                );
            }
        }
        d
    } else {
        let mut d = Draft::new(K::FieldNotNullable, place, subject);
        if place.direction.request() {
            d.client.add(
                Impact::Breaking,
                format!("old clients may send `{wire}`: null, which is now rejected"),
            );
        }
        if place.direction.response() {
            d.server.add(
                Impact::Breaking,
                format!("servers must no longer send `{wire}`: null"),
            );
        }
        d
    }
}

/// A union whose discriminator changed (or that became tagged or untagged).
fn discriminator_change(a: &Union, b: &Union, owner: &str, place: &Place) -> Draft {
    let show = |d: &Option<String>| {
        d.as_ref()
            .map_or("none (untagged)".to_string(), |p| format!("`{p}`"))
    };
    let mut d = Draft::new(K::DiscriminatorChanged, place, "discriminator")
        .detail(format!(
            "{} → {}",
            show(&a.discriminator),
            show(&b.discriminator)
        ))
        .item(item(
            ItemKind::Type,
            format!("models::{owner}"),
            Effect::Behaviour,
        ));
    d.client.add(
        Impact::Breaking,
        "old clients write and read the variants the old way",
    );
    d.server.add(
        Impact::Breaking,
        "servers must write and read the variants the new way",
    );
    d
}
