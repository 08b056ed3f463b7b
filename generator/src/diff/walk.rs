//! The walk over both IRs: operations are matched by method and path, and everything they
//! carry (parameters and bodies in `request.rs`, responses in `response.rs`, the page stream
//! in `pagination.rs`) is compared in place. Named types found at the same place on both
//! sides become a *pair*, compared once, field by field, in `types.rs`.
//!
//! A pair carries the directions it was reached in (a type used in a request and in a
//! response is both). Since comparing a pair finds further pairs, and a pair reached again may
//! gain a direction, the walk runs until the set of pairs stops changing, and only the last
//! run's changes are kept.

use std::collections::{BTreeMap, BTreeSet};

use super::classify::{item, Draft, Place, Texts, Variance};
use super::describe;
use super::types::Site;
use super::Semver::{Major, Minor, Patch};
use super::{
    Change, ChangeKind as K, Direction, Effect, Impact, ItemKind, RenamedType, RustTypes, Scope,
};
use crate::ir::{Api, Operation, SecurityUse, Status, TypeId};

/// The state of one comparison.
pub struct Walker<'a> {
    pub old: &'a Api,
    pub new: &'a Api,
    /// (old type, new type) → the directions the pair was reached in.
    pub pairs: BTreeMap<(TypeId, TypeId), Direction>,
    pub changes: Vec<Change>,
    old_names: BTreeSet<&'a str>,
    new_names: BTreeSet<&'a str>,
}

impl<'a> Walker<'a> {
    pub fn new(old: &'a Api, new: &'a Api) -> Walker<'a> {
        Walker {
            old,
            new,
            pairs: BTreeMap::new(),
            changes: Vec::new(),
            old_names: old.types.iter().map(|t| t.name.as_str()).collect(),
            new_names: new.types.iter().map(|t| t.name.as_str()).collect(),
        }
    }

    /// Compares everything; returns the changes (unsorted) and the model type inventory.
    pub fn run(&mut self) -> (Vec<Change>, RustTypes) {
        // First the types the operations use; once those pairs are stable, the types no
        // operation uses are paired by their origin (component name) and compared as well.
        let mut unused_pass = false;
        loop {
            let before = self.pairs.clone();
            self.changes.clear();
            self.api_wide();
            self.operations();
            self.webhooks();
            if unused_pass {
                self.pair_unused();
            }
            let pairs: Vec<((TypeId, TypeId), Direction)> =
                self.pairs.iter().map(|(k, v)| (*k, *v)).collect();
            for ((old, new), direction) in pairs {
                self.diff_pair(old, new, direction);
            }
            if self.pairs == before {
                if unused_pass {
                    break;
                }
                unused_pass = true;
            }
        }
        (std::mem::take(&mut self.changes), self.inventory())
    }

    /// The model types that are new, gone or renamed in the generated crate.
    fn inventory(&self) -> RustTypes {
        let renamed: BTreeSet<RenamedType> = self
            .pairs
            .keys()
            .filter(|(o, n)| self.is_rename(*o, *n))
            .map(|(o, n)| RenamedType {
                old: describe::type_name(self.old, *o).to_string(),
                new: describe::type_name(self.new, *n).to_string(),
            })
            .collect();
        let removed = self
            .old_names
            .iter()
            .filter(|n| !self.new_names.contains(*n) && !renamed.iter().any(|r| r.old == **n))
            .map(|n| n.to_string())
            .collect();
        let added = self
            .new_names
            .iter()
            .filter(|n| !self.old_names.contains(*n) && !renamed.iter().any(|r| r.new == **n))
            .map(|n| n.to_string())
            .collect();
        RustTypes {
            added,
            removed,
            renamed: renamed.into_iter().collect(),
        }
    }

    /// Whether a pair's names differ only because the type was renamed: the old name is gone
    /// and the new one is new. (A pair like `Pet` → `PetInput`, where both names exist on both
    /// sides, is a change of the Rust type used in one place instead.)
    pub fn is_rename(&self, old: TypeId, new: TypeId) -> bool {
        let (o, n) = (
            describe::type_name(self.old, old),
            describe::type_name(self.new, new),
        );
        o != n && !self.new_names.contains(o) && !self.old_names.contains(n)
    }

    pub fn push(&mut self, draft: Draft) {
        self.changes.push(draft.build());
    }

    /// Records that `old` and `new` sit at the same place, reached in `direction`.
    pub fn pair(&mut self, old: TypeId, new: TypeId, direction: Direction) {
        let entry = self.pairs.entry((old, new)).or_insert(direction);
        *entry = entry.union(direction);
    }

    /// Pairs the types that are in no pair on either side by their origin (the component
    /// name): types no place on the wire holds in both versions, whose changes only the
    /// generated Rust API sees.
    fn pair_unused(&mut self) {
        let paired_old: BTreeSet<TypeId> = self.pairs.keys().map(|(o, _)| *o).collect();
        let paired_new: BTreeSet<TypeId> = self.pairs.keys().map(|(_, n)| *n).collect();
        let key = |t: &crate::ir::TypeDef| {
            (
                t.origin.clone(),
                matches!(t.shape, crate::ir::Shape::Request { .. }),
            )
        };
        let mut new_by_origin: BTreeMap<(String, bool), Vec<TypeId>> = BTreeMap::new();
        for t in &self.new.types {
            new_by_origin.entry(key(t)).or_default().push(t.id);
        }
        let mut old_by_origin: BTreeMap<(String, bool), Vec<TypeId>> = BTreeMap::new();
        for t in &self.old.types {
            old_by_origin.entry(key(t)).or_default().push(t.id);
        }
        for (k, olds) in &old_by_origin {
            let Some(news) = new_by_origin.get(k) else {
                continue;
            };
            if let ([o], [n]) = (olds.as_slice(), news.as_slice()) {
                if !paired_old.contains(o) && !paired_new.contains(n) {
                    self.pair(*o, *n, Direction::None);
                }
            }
        }
    }

    fn operations(&mut self) {
        // Operations of each side, by key (two can share one: `/a/{x}` and `/a/{y}`).
        let mut keys: BTreeMap<OpKey, Sides<'_>> = BTreeMap::new();
        for op in &self.old.operations {
            keys.entry(op_key(op)).or_default().0.push(op);
        }
        for op in &self.new.operations {
            keys.entry(op_key(op)).or_default().1.push(op);
        }
        for (olds, news) in keys.into_values() {
            let n = olds.len().max(news.len());
            for i in 0..n {
                match (olds.get(i), news.get(i)) {
                    (Some(o), Some(n)) => self.operation(o, n),
                    (Some(o), None) => self.operation_removed(o),
                    (None, Some(n)) => self.operation_added(n),
                    (None, None) => {}
                }
            }
        }
    }

    /// Webhooks added and removed, matched by name and method, and the payloads of those in
    /// both versions: the provider sends a payload as a client sends a request body, and the
    /// generated receiver reads it as the server reads one.
    fn webhooks(&mut self) {
        let key = |op: &Operation| (op.webhook.clone().unwrap_or_default(), op.method);
        let old: BTreeMap<_, &Operation> = self.old.webhooks.iter().map(|w| (key(w), w)).collect();
        let new: BTreeMap<_, &Operation> = self.new.webhooks.iter().map(|w| (key(w), w)).collect();
        for (k, hook) in &new {
            let (Some(before), Some(now)) = (old.get(k).and_then(|o| o.body.as_ref()), &hook.body)
            else {
                continue;
            };
            let site = Site {
                place: webhook_place(hook).with_direction(Direction::Request),
                subject: "payload".to_string(),
                items: vec![item(
                    ItemKind::Field,
                    format!("server::webhooks::{}::body", hook.request_type),
                    Effect::Changed,
                )],
                checked_by: None,
            };
            self.compare(&before.ty, &now.ty, &site);
        }
        for (k, hook) in &new {
            if !old.contains_key(k) {
                let receivers = format!(
                    "receivers may implement `{}`; until they do, the generated `Receiver` answers 501",
                    hook.name.rust
                );
                let detail = format!("the provider sends `{}`", k.0);
                let mut d = webhook_draft(hook, K::WebhookAdded, detail, Effect::Added, Minor);
                d.server.add(Impact::Compatible, receivers);
                self.push(d);
            }
        }
        for (k, hook) in &old {
            if !new.contains_key(k) {
                let receivers = format!(
                    "`impl Receiver` blocks that define `{}` stop compiling",
                    hook.name.rust
                );
                let detail = format!("the provider no longer sends `{}`", k.0);
                let mut d = webhook_draft(hook, K::WebhookRemoved, detail, Effect::Removed, Major);
                d.server.add(Impact::SourceBreaking, receivers);
                self.push(d);
            }
        }
    }

    fn operation_added(&mut self, op: &Operation) {
        let names = OpNames::of(self.new, op);
        let place = op_place(op);
        let draft = Draft::new(K::OperationAdded, &place, "")
            .detail(format!("operation `{}`", op.name.wire))
            .item(item(ItemKind::Method, names.method(), Effect::Added))
            .item(item(ItemKind::Type, names.builder(), Effect::Added))
            .item(item(
                ItemKind::TraitMethod,
                names.trait_method(),
                Effect::Added,
            ))
            .item(item(ItemKind::Type, names.server_request(), Effect::Added))
            .item(item(ItemKind::Type, names.server_response(), Effect::Added))
            .semver(Minor);
        let mut draft = draft;
        draft.client.add(
            Impact::Compatible,
            format!("new method `{}`", names.method()),
        );
        draft.server.add(
            Impact::Breaking,
            format!(
                "servers must implement `{}`; until they do, the generated `Api` trait answers 501",
                op.name.rust
            ),
        );
        self.push(draft);
    }

    fn operation_removed(&mut self, op: &Operation) {
        let names = OpNames::of(self.old, op);
        let place = op_place(op);
        let mut draft = Draft::new(K::OperationRemoved, &place, "")
            .detail(format!("operation `{}`", op.name.wire))
            .item(item(ItemKind::Method, names.method(), Effect::Removed))
            .item(item(ItemKind::Type, names.builder(), Effect::Removed))
            .item(item(
                ItemKind::TraitMethod,
                names.trait_method(),
                Effect::Removed,
            ))
            .item(item(
                ItemKind::Type,
                names.server_request(),
                Effect::Removed,
            ))
            .item(item(
                ItemKind::Type,
                names.server_response(),
                Effect::Removed,
            ))
            .semver(Major);
        draft.client.add(
            Impact::Breaking,
            format!(
                "old clients calling `{}` get an error from new servers; `{}` is gone",
                op.name.wire,
                names.method()
            ),
        );
        draft.server.add(
            Impact::SourceBreaking,
            format!(
                "`impl Api` blocks that define `{}` stop compiling",
                op.name.rust
            ),
        );
        self.push(draft);
    }

    fn operation(&mut self, o: &Operation, n: &Operation) {
        let place = op_place(n);
        let (on, nn) = (OpNames::of(self.old, o), OpNames::of(self.new, n));
        if let Some(d) = renamed_change(o, n, &on, &nn, &place) {
            self.push(d);
        }
        if on.group_accessor != nn.group_accessor {
            let mut d = Draft::new(K::OperationRegrouped, &place, "")
                .detail(format!("first tag `{}` → `{}`", on.group_tag, nn.group_tag))
                .item(item(ItemKind::Method, nn.method(), Effect::Renamed))
                .semver(Major);
            d.client.add(
                Impact::SourceBreaking,
                format!(
                    "`client.{}().{}()` is now `client.{}().{}()`",
                    on.group_accessor, o.name.rust, nn.group_accessor, n.name.rust
                ),
            );
            self.push(d);
        }
        if o.deprecated != n.deprecated {
            let (kind, semver, effect) = if n.deprecated {
                (K::OperationDeprecated, Minor, Effect::Deprecated)
            } else {
                (K::OperationUndeprecated, Patch, Effect::Changed)
            };
            let mut d = Draft::new(kind, &place, "")
                .item(item(ItemKind::Method, nn.method(), effect))
                .semver(semver);
            if n.deprecated {
                d.client.add(
                    Impact::Compatible,
                    format!(
                        "calls of `{}` warn as deprecated (builds with `-D warnings` fail)",
                        nn.method()
                    ),
                );
            }
            self.push(d);
        }
        self.pagination(o, n, &place, &nn);
        self.params(o, n, &place, &nn);
        self.request_body(o, n, &place, &nn);
        self.responses(o, n, &place, &nn);
        self.security(o, n, &place);
    }

    fn security(&mut self, o: &Operation, n: &Operation, place: &Place) {
        let old = alternatives(self.old, &o.security);
        let new = alternatives(self.new, &n.security);
        if old == new {
            return;
        }
        let list = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(" or ");
        let place = place.with_direction(Direction::Request);
        let mut d = Draft::new(K::SecurityChanged, &place, "security").detail(format!(
            "{} → {}",
            list(&old),
            list(&new)
        ));
        let removed: BTreeSet<String> = old.difference(&new).cloned().collect();
        let added: BTreeSet<String> = new.difference(&old).cloned().collect();
        let texts = Texts {
            added: format!("requests authenticated with {}", list(&added)),
            removed: format!("requests authenticated with {}", list(&removed)),
        };
        let variance = match (added.is_empty(), removed.is_empty()) {
            (false, true) => Variance::Widen,
            (true, false) => Variance::Narrow,
            _ => Variance::Both,
        };
        d = d.wire(variance, &texts);
        if !removed.is_empty() {
            d.server.add(
                Impact::Breaking,
                format!(
                    "servers must reject {} (the regenerated router does)",
                    texts.removed
                ),
            );
        }
        self.push(d);
    }
}

/// An operation whose `operationId`, method or request or response types were renamed.
fn renamed_change(
    o: &Operation,
    n: &Operation,
    on: &OpNames,
    nn: &OpNames,
    place: &Place,
) -> Option<Draft> {
    let renamed: Vec<String> = [
        ("operationId", &o.name.wire, &n.name.wire),
        ("method", &o.name.rust, &n.name.rust),
        ("request type", &o.request_type, &n.request_type),
        ("response type", &o.response_type, &n.response_type),
    ]
    .iter()
    .filter(|(_, a, b)| a != b)
    .map(|(what, a, b)| format!("{what} `{a}` → `{b}`"))
    .collect();
    let rust_renamed = o.name.rust != n.name.rust
        || o.request_type != n.request_type
        || o.response_type != n.response_type;
    if renamed.is_empty() {
        return None;
    }
    let mut d = Draft::new(K::OperationRenamed, place, "").detail(renamed.join(", "));
    if o.name.rust != n.name.rust {
        d = d
            .item(item(ItemKind::Method, nn.method(), Effect::Renamed))
            .item(item(
                ItemKind::TraitMethod,
                nn.trait_method(),
                Effect::Renamed,
            ));
        d.client.add(
            Impact::SourceBreaking,
            format!("calls of `{}` must use `{}`", on.method(), nn.method()),
        );
        d.server.add(
            Impact::SourceBreaking,
            format!(
                "`impl Api` blocks must rename `{}` to `{}`",
                o.name.rust, n.name.rust
            ),
        );
    }
    if o.request_type != n.request_type {
        d = d
            .item(item(ItemKind::Type, nn.builder(), Effect::Renamed))
            .item(item(ItemKind::Type, nn.server_request(), Effect::Renamed));
        d.server.add(
            Impact::SourceBreaking,
            format!("`{}` is now `{}`", on.server_request(), nn.server_request()),
        );
    }
    if o.response_type != n.response_type {
        d = d.item(item(ItemKind::Type, nn.server_response(), Effect::Renamed));
        d.server.add(
            Impact::SourceBreaking,
            format!(
                "`{}` is now `{}`",
                on.server_response(),
                nn.server_response()
            ),
        );
    }
    if rust_renamed {
        d = d.semver(Major);
    }
    Some(d)
}

/// The operations of both sides under one key.
type Sides<'o> = (Vec<&'o Operation>, Vec<&'o Operation>);

/// Method and path, the path without parameter names.
type OpKey = (String, crate::ir::Method);

/// Operations match by method and path, with path parameter names left out: `/pets/{id}` and
/// `/pets/{petId}` are the same operation on the wire.
fn op_key(op: &Operation) -> OpKey {
    let mut path = String::new();
    for part in &op.path_parts {
        match part {
            crate::ir::path::PathPart::Literal(text) => path.push_str(text),
            crate::ir::path::PathPart::Param(_) => path.push_str("{}"),
        }
    }
    (path, op.method)
}

/// A webhook that comes or goes: the `Receiver` method that comes or goes with it.
fn webhook_draft(
    hook: &Operation,
    kind: K,
    detail: String,
    effect: Effect,
    semver: super::Semver,
) -> Draft {
    let method = format!("server::webhooks::Receiver::{}", hook.name.rust);
    Draft::new(kind, &webhook_place(hook), "")
        .detail(detail)
        .item(item(ItemKind::TraitMethod, method, effect))
        .semver(semver)
}

fn webhook_place(hook: &Operation) -> Place {
    let name = hook.webhook.as_deref().unwrap_or_default();
    Place::new(
        Scope::Webhook,
        format!("webhook {name} {}", hook.method.as_str()),
        Direction::None,
    )
}

fn op_place(op: &Operation) -> Place {
    let mut place = Place::new(
        Scope::Operation,
        format!("{} {}", op.method.as_str(), op.path),
        Direction::None,
    );
    place.key = format!("{} {}", op.path, op.method.as_str());
    place
}

/// The security alternatives of an operation, each as `scheme + scheme[scopes]`.
fn alternatives(api: &Api, security: &[Vec<SecurityUse>]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for alt in security {
        let mut parts: Vec<String> = alt
            .iter()
            .map(|u| {
                let name = api
                    .security_schemes
                    .get(u.scheme)
                    .map_or("?", |s| s.name.wire.as_str());
                if u.scopes.is_empty() {
                    format!("`{name}`")
                } else {
                    format!("`{name}` [{}]", u.scopes.join(", "))
                }
            })
            .collect();
        parts.sort();
        out.insert(if parts.is_empty() {
            "no credentials".to_string()
        } else {
            parts.join(" + ")
        });
    }
    if out.is_empty() {
        out.insert("no credentials".to_string());
    }
    out
}

/// The generated items of one operation.
pub struct OpNames {
    group_type: String,
    group_accessor: String,
    group_tag: String,
    method: String,
    request: String,
    response: String,
}

impl OpNames {
    pub(super) fn of(api: &Api, op: &Operation) -> OpNames {
        let group = api.groups.get(op.group);
        OpNames {
            group_type: group.map_or_else(String::new, |g| g.type_name.clone()),
            group_accessor: group.map_or_else(String::new, |g| g.name.rust.clone()),
            group_tag: group.map_or_else(String::new, |g| g.name.wire.clone()),
            method: op.name.rust.clone(),
            request: op.request_type.clone(),
            response: op.response_type.clone(),
        }
    }

    pub(super) fn method(&self) -> String {
        format!("client::{}::{}", self.group_type, self.method)
    }

    pub(super) fn builder(&self) -> String {
        format!("client::{}", self.request)
    }

    pub(super) fn setter(&self, name: &str) -> String {
        format!("client::{}::{name}", self.request)
    }

    pub(super) fn stream(&self) -> String {
        format!("client::{}::into_stream", self.request)
    }

    pub(super) fn send(&self) -> String {
        format!("client::{}::send", self.request)
    }

    pub(super) fn send_stream(&self) -> String {
        format!("client::{}::send_stream", self.request)
    }

    pub(super) fn trait_method(&self) -> String {
        format!("server::Api::{}", self.method)
    }

    pub(super) fn server_request(&self) -> String {
        format!("server::{}", self.request)
    }

    pub(super) fn server_field(&self, name: &str) -> String {
        format!("server::{}::{name}", self.request)
    }

    pub(super) fn server_response(&self) -> String {
        format!("server::{}", self.response)
    }

    pub(super) fn server_variant(&self, status: Status) -> String {
        format!("server::{}::{}", self.response, status.variant_name())
    }
}
