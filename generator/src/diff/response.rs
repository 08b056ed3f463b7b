//! Operations, responses: statuses, bodies, headers, and what the client's `send()` returns.

use std::collections::BTreeMap;

use super::classify::{item, Draft, Place, Texts};
use super::describe::{self, category, resolve, status};
use super::types::Site;
use super::walk::{OpNames, Walker};
use super::Semver::{Major, Patch};
use super::{ChangeKind as K, Direction, Effect, Impact, ItemKind};
use crate::ir::{Api, BodyKind, Operation, Response, ResponseHeader, Status, TypeRef};

impl Walker<'_> {
    pub(super) fn responses(
        &mut self,
        o: &Operation,
        n: &Operation,
        place: &Place,
        names: &OpNames,
    ) {
        let place = place.with_direction(Direction::Response);
        let old: BTreeMap<Status, &Response> = o.responses.iter().map(|r| (r.status, r)).collect();
        let new: BTreeMap<Status, &Response> = n.responses.iter().map(|r| (r.status, r)).collect();
        let old_result = ClientResult::of(self.old, o);
        let new_result = ClientResult::of(self.new, n);
        let send = item(ItemKind::Method, names.send(), Effect::Changed);
        let result_changed = |d: &mut Draft, success: bool| {
            let (a, b) = if success {
                (&old_result.success, &new_result.success)
            } else {
                (&old_result.error, &new_result.error)
            };
            if a != b {
                d.client.add(
                    Impact::SourceBreaking,
                    format!(
                        "`{}` now returns {} `{b}` instead of `{a}`",
                        names.send(),
                        if success {
                            "successes as"
                        } else {
                            "errors with bodies of type"
                        }
                    ),
                );
                d.rust.push(send.clone());
                d.semver = Major;
            }
        };
        for (s, r) in &new {
            let subject = format!("response `{}`", status(*s));
            let variant = names.server_variant(*s);
            match old.get(s) {
                None => {
                    let mut d = Draft::new(K::ResponseAdded, &place, subject.clone())
                        .detail(match &r.body {
                            Some(b) => format!("with a body: {}", describe::wire(self.new, &b.ty)),
                            None => "without a body".into(),
                        })
                        .item(item(ItemKind::Variant, variant, Effect::Added))
                        .semver(Major);
                    let covered = old.keys().any(|k| covers(*k, *s));
                    if s.is_success() && !covered {
                        d.client.add(
                            Impact::Breaking,
                            format!("old clients report a `{}` answer as an error", status(*s)),
                        );
                    } else {
                        d.client.add(
                            Impact::Compatible,
                            "old clients report it as an error without a typed body",
                        );
                    }
                    d.server.add(
                        Impact::Compatible,
                        format!("servers may answer `{}`", status(*s)),
                    );
                    result_changed(&mut d, s.is_success());
                    self.push(d);
                }
                Some(q) => self.response(q, r, &place, names),
            }
        }
        for (s, _) in old.iter().filter(|(s, _)| !new.contains_key(s)) {
            let subject = format!("response `{}`", status(*s));
            let variant = OpNames::of(self.old, o).server_variant(*s);
            let mut d = Draft::new(K::ResponseRemoved, &place, subject)
                .item(item(ItemKind::Variant, variant.clone(), Effect::Removed))
                .semver(Major);
            d.client.add(
                Impact::Compatible,
                format!("old clients no longer get `{}`", status(*s)),
            );
            d.server.add(
                Impact::Breaking,
                format!(
                    "servers must no longer answer `{}`; `{variant}` is gone",
                    status(*s)
                ),
            );
            result_changed(&mut d, s.is_success());
            self.push(d);
        }
    }

    fn response(&mut self, q: &Response, r: &Response, place: &Place, names: &OpNames) {
        let subject = format!("response `{}`", status(r.status));
        let variant = names.server_variant(r.status);
        match (&q.body, &r.body) {
            (None, None) => {}
            (None, Some(b)) => {
                let mut d = Draft::new(K::ResponseBodyAdded, place, format!("{subject} body"))
                    .detail(describe::wire(self.new, &b.ty))
                    .item(item(ItemKind::Variant, variant.clone(), Effect::Changed))
                    .semver(Major);
                d.client
                    .add(Impact::Compatible, "old clients ignore the body");
                d.server.add(Impact::Breaking, "servers must send the body");
                self.push(d);
            }
            (Some(_), None) => {
                let mut d = Draft::new(K::ResponseBodyRemoved, place, format!("{subject} body"))
                    .item(item(ItemKind::Variant, variant.clone(), Effect::Changed))
                    .semver(Major);
                d.client.add(
                    Impact::Breaking,
                    "old clients fail to decode the now empty body",
                );
                d.server.add(
                    Impact::SourceBreaking,
                    format!("`{variant}` no longer holds a body"),
                );
                self.push(d);
            }
            (Some(ob), Some(nb)) => {
                self.media_type(
                    (&ob.media_type, &ob.kind),
                    (&nb.media_type, &nb.kind),
                    place,
                    &format!("{subject} body"),
                );
                let site = Site {
                    place: place.clone(),
                    subject: format!("{subject} body"),
                    items: vec![
                        item(ItemKind::Variant, variant.clone(), Effect::Changed),
                        item(ItemKind::Method, names.send(), Effect::Changed),
                    ],
                    checked_by: None,
                };
                self.compare(&ob.ty, &nb.ty, &site);
                self.constraints(&ob.constraints, &nb.constraints, &site);
            }
        }
        self.response_stream(q, r, place, names);
        self.response_headers(q, r, &subject, &variant, place);
    }

    /// The headers of a response declared on both sides: added, changed and removed.
    fn response_headers(
        &mut self,
        q: &Response,
        r: &Response,
        subject: &str,
        variant: &str,
        place: &Place,
    ) {
        let old_headers: BTreeMap<String, &crate::ir::ResponseHeader> = q
            .headers
            .iter()
            .map(|h| (h.name.wire.to_ascii_lowercase(), h))
            .collect();
        let new_headers: BTreeMap<String, &crate::ir::ResponseHeader> = r
            .headers
            .iter()
            .map(|h| (h.name.wire.to_ascii_lowercase(), h))
            .collect();
        // The server's variant holds a `headers` map only when the response declares headers.
        let headers_field = q.headers.is_empty() != r.headers.is_empty();
        for (key, h) in &new_headers {
            if old_headers.contains_key(key) {
                continue;
            }
            let header = format!("{subject} header `{}`", h.name.wire);
            let mut d = Draft::new(K::ResponseHeaderAdded, place, header.clone())
                .detail(if h.required { "required" } else { "optional" });
            if h.required {
                d.server
                    .add(Impact::Breaking, format!("servers must send {header}"));
            }
            if headers_field {
                d.server.add(
                    Impact::SourceBreaking,
                    format!("`{variant}` gains the field `headers`"),
                );
                d = d
                    .item(item(ItemKind::Variant, variant, Effect::Changed))
                    .semver(Major);
            }
            self.push(d);
        }
        for (key, h) in &new_headers {
            if let Some(g) = old_headers.get(key) {
                self.response_header(g, h, subject, place);
            }
        }
        for (key, h) in &old_headers {
            if new_headers.contains_key(key) {
                continue;
            }
            let header = format!("{subject} header `{}`", h.name.wire);
            let mut d = Draft::new(K::ResponseHeaderRemoved, place, header.clone());
            if h.required {
                d.client.add(
                    Impact::Breaking,
                    format!("old clients may rely on {header}, which servers may now omit"),
                );
            }
            if headers_field {
                d.server.add(
                    Impact::SourceBreaking,
                    format!("`{variant}` loses the field `headers`"),
                );
                d = d
                    .item(item(ItemKind::Variant, variant, Effect::Changed))
                    .semver(Major);
            }
            self.push(d);
        }
    }

    /// Compares the event streams of a response declared on both sides: one that appears
    /// (beside a body, or where the body was: the diff of the body says that), one that goes,
    /// and the type of one event's data.
    fn response_stream(&mut self, q: &Response, r: &Response, place: &Place, names: &OpNames) {
        let subject = format!("response `{}` event stream", status(r.status));
        let variant = names.server_variant(r.status);
        match (&q.stream, &r.stream) {
            (None, None) => {}
            (None, Some(s)) => {
                // Beside a body, the events get a variant of their own (`OkEvents`); instead
                // of one, the status's variant holds them. Either way the response enum, which
                // may now hold a stream, is no longer `Clone`.
                let (holder, effect) = match r.body {
                    Some(_) => (format!("{variant}Events"), Effect::Added),
                    None => (variant, Effect::Changed),
                };
                let mut d = Draft::new(K::ResponseStreamAdded, place, subject)
                    .detail(describe::wire(self.new, &s.ty))
                    .item(item(ItemKind::Method, names.send_stream(), Effect::Added))
                    .item(item(ItemKind::Variant, holder.clone(), effect))
                    .semver(Major);
                d.client
                    .add(Impact::Compatible, "old clients do not ask for the events");
                d.server.add(
                    Impact::SourceBreaking,
                    format!("`{holder}` holds the events; the response enum is no longer `Clone`"),
                );
                self.push(d);
            }
            (Some(_), None) => {
                let holder = match q.body {
                    Some(_) => item(
                        ItemKind::Variant,
                        format!("{variant}Events"),
                        Effect::Removed,
                    ),
                    None => item(ItemKind::Variant, variant, Effect::Changed),
                };
                let mut d = Draft::new(K::ResponseStreamRemoved, place, subject)
                    .item(item(ItemKind::Method, names.send_stream(), Effect::Removed))
                    .item(holder)
                    .semver(Major);
                d.client.add(
                    Impact::Breaking,
                    "old clients that read the events get none",
                );
                d.server.add(
                    Impact::SourceBreaking,
                    "servers can no longer answer with events",
                );
                self.push(d);
            }
            (Some(os), Some(ns)) => {
                let site = Site {
                    place: place.clone(),
                    subject,
                    items: vec![
                        item(ItemKind::Variant, variant, Effect::Changed),
                        item(ItemKind::Method, names.send_stream(), Effect::Changed),
                    ],
                    checked_by: None,
                };
                self.compare(&os.ty, &ns.ty, &site);
            }
        }
    }

    /// Compares a response header declared on both sides. Headers reach the generated code as
    /// a `HeaderMap` on either side, so their changes touch no generated item: they are wire
    /// changes only.
    fn response_header(
        &mut self,
        g: &ResponseHeader,
        h: &ResponseHeader,
        response: &str,
        place: &Place,
    ) {
        let header = format!("{response} header `{}`", h.name.wire);
        if g.required != h.required {
            let d = if h.required {
                let mut d = Draft::new(K::ResponseHeaderRequired, place, header.clone());
                d.client
                    .add(Impact::Compatible, format!("clients can rely on {header}"));
                d.server.add(
                    Impact::Breaking,
                    format!("servers must always send {header}"),
                );
                d
            } else {
                let mut d = Draft::new(K::ResponseHeaderOptional, place, header.clone());
                d.client.add(
                    Impact::Breaking,
                    format!("old clients may rely on {header}, which servers may now omit"),
                );
                d
            };
            self.push(d.semver(Patch));
        }
        let (old_api, new_api) = (self.old, self.new);
        let (o, n) = (resolve(old_api, &g.ty), resolve(new_api, &h.ty));
        if let (TypeRef::Named(a), TypeRef::Named(b)) = (o, n) {
            if category(old_api, *a) == category(new_api, *b) {
                self.pair(*a, *b, Direction::Response);
                return;
            }
        }
        let (ow, nw) = (describe::wire(old_api, o), describe::wire(new_api, n));
        if ow == nw {
            return;
        }
        let texts = Texts {
            added: format!("{header} as {nw}"),
            removed: format!("{header} as {ow}"),
        };
        let d = Draft::new(K::TypeChanged, place, header)
            .detail(format!("{ow} → {nw}"))
            .wire(describe::variance(old_api, o, new_api, n), &texts)
            .semver(Patch);
        self.push(d);
    }
}

/// Whether a response declared for `wide` already answered `status` (`2XX` covers `201`).
fn covers(wide: Status, status: Status) -> bool {
    match (wide, status) {
        (Status::Range(r), Status::Code(c)) => c / 100 == u16::from(r),
        (Status::Default, _) => true,
        _ => false,
    }
}

/// What the client's `send()` returns, as Rust text: the success and error body types.
struct ClientResult {
    success: String,
    error: String,
}

impl ClientResult {
    /// As the client has it: the 2xx responses are successes (`default` when there is none);
    /// the operation's [`crate::ir::Outcome`] says whether successes make a response enum and
    /// error bodies an error enum.
    fn of(api: &Api, op: &Operation) -> ClientResult {
        let body = |r: &Response| match &r.body {
            None => "()".to_string(),
            Some(b) => match b.kind {
                BodyKind::Text => "String".into(),
                BodyKind::Binary => "Vec<u8>".into(),
                _ => describe::rust(api, &b.ty),
            },
        };
        let (success, errors) = op.successes_and_errors();
        let success = if op.outcome.success_enum {
            format!(
                "{} {{ {} }}",
                op.response_type,
                success
                    .iter()
                    .map(|r| r.status.variant_name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            success
                .first()
                .map_or_else(|| "()".to_string(), |r| body(r))
        };
        let with_body = || errors.iter().filter(|r| r.body.is_some());
        let error = if op.outcome.error_enum() {
            format!(
                "{} {{ {} }}",
                op.error_type,
                with_body()
                    .map(|r| r.status.variant_name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            with_body()
                .next()
                .map_or_else(|| "serde_json::Value".to_string(), |r| body(r))
        };
        ClientResult { success, error }
    }
}
