//! Cargo features per operation group, so that a user builds only the operations they call.
//!
//! With two groups or more, each group gets a feature (its accessor name) that compiles its
//! operations in the client and the server; a named type is compiled when any group that uses
//! it is on (directly or through other types), and always when every group, or no operation,
//! or a webhook uses it. Every combination of features compiles: a type that is always compiled only refers
//! to types that are always compiled.

use std::collections::BTreeSet;

use super::shapes::refs_of;
use crate::ir::{Api, TypeId, TypeRef};

/// Feature names the generated manifest defines itself.
const RESERVED: &[&str] = &[
    "default",
    "client",
    "server",
    "rustls",
    "native-tls",
    "all-tags",
];

/// Names each group's feature and records on each type the features that compile it.
pub(crate) fn assign(api: &mut Api) {
    if api.groups.len() < 2 {
        return;
    }
    let mut taken: Vec<String> = RESERVED.iter().map(|r| (*r).to_string()).collect();
    for g in &mut api.groups {
        let mut name = g.name.rust.trim_start_matches("r#").replace('_', "-");
        while taken.contains(&name) {
            name.push_str("-ops");
        }
        taken.push(name.clone());
        g.feature = Some(name);
    }
    // The groups that reach each type, from the types their operations name.
    let mut reach: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); api.types.len()];
    for (group, _) in api.groups.iter().enumerate() {
        let mut roots = Vec::new();
        for op in api.operations.iter().filter(|op| op.group == group) {
            operation_refs(op, &mut roots);
        }
        walk(api, roots, |id| {
            reach[id.0].insert(group);
        });
    }
    // What an always-compiled type refers to is always compiled too, and so is what the
    // webhooks hold: their receiver is compiled with the server, whatever the features.
    let all = api.groups.len();
    let mut always: Vec<bool> = reach
        .iter()
        .map(|r| r.is_empty() || r.len() == all)
        .collect();
    let mut webhook_types = Vec::new();
    for op in &api.webhooks {
        operation_refs(op, &mut webhook_types);
    }
    for id in webhook_types {
        always[id.0] = true;
    }
    let roots: Vec<TypeId> = (0..api.types.len())
        .filter(|&i| always[i])
        .map(TypeId)
        .collect();
    walk(api, roots, |id| always[id.0] = true);
    for (i, t) in api.types.iter_mut().enumerate() {
        t.features = if always[i] {
            Vec::new()
        } else {
            reach[i]
                .iter()
                .filter_map(|&g| api.groups[g].feature.clone())
                .collect()
        };
    }
}

/// Visits every type reachable from `roots` once.
fn walk(api: &Api, mut roots: Vec<TypeId>, mut visit: impl FnMut(TypeId)) {
    let mut seen: BTreeSet<TypeId> = BTreeSet::new();
    while let Some(id) = roots.pop() {
        if !seen.insert(id) {
            continue;
        }
        visit(id);
        refs_of(&api.ty(id).kind, &mut roots);
    }
}

/// The named types an operation's parameters, body and responses hold.
fn operation_refs(op: &crate::ir::Operation, out: &mut Vec<TypeId>) {
    let mut refs: Vec<&TypeRef> = op.params.iter().map(|p| &p.ty).collect();
    refs.extend(op.body.as_ref().map(|b| &b.ty));
    for r in &op.responses {
        refs.extend(r.body.as_ref().map(|b| &b.ty));
        refs.extend(r.stream.as_ref().map(|b| &b.ty));
        refs.extend(r.headers.iter().map(|h| &h.ty));
    }
    refs.extend(op.outcome.error_bodies.iter());
    for ty in refs {
        ty.named(out);
    }
}
