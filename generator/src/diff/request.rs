//! Operations, requests: parameters and request bodies.

use std::collections::BTreeMap;

use super::classify::{item, Draft, Place};
use super::describe;
use super::types::Site;
use super::walk::{OpNames, Walker};
use super::Semver::{Major, Minor, Patch};
use super::{ChangeKind as K, Direction, Effect, Impact, ItemKind};
use crate::ir::{BodyKind, Operation, Param, ParamLocation, RequestBody};

impl Walker<'_> {
    pub(super) fn params(&mut self, o: &Operation, n: &Operation, place: &Place, names: &OpNames) {
        let place = place.with_direction(Direction::Request);
        let old: BTreeMap<String, &Param> = o.params.iter().map(|p| (param_key(o, p), p)).collect();
        let new: BTreeMap<String, &Param> = n.params.iter().map(|p| (param_key(n, p), p)).collect();
        for (key, p) in &new {
            match old.get(key) {
                Some(q) => self.param(q, p, &place, names),
                None => self.param_added(p, &place, names),
            }
        }
        for (key, q) in &old {
            if !new.contains_key(key) {
                let subject = param_subject(q);
                let mut d = Draft::new(K::ParameterRemoved, &place, subject.clone())
                    .item(item(
                        ItemKind::Field,
                        names.server_field(&q.name.rust),
                        Effect::Removed,
                    ))
                    .semver(Major);
                let client_item = if q.required {
                    d.client.add(
                        Impact::SourceBreaking,
                        format!("`{}` loses the argument `{}`", names.method(), q.name.rust),
                    );
                    item(ItemKind::Method, names.method(), Effect::Changed)
                } else {
                    d.client.add(
                        Impact::SourceBreaking,
                        format!("the setter `{}` is gone", names.setter(&q.name.rust)),
                    );
                    item(
                        ItemKind::Method,
                        names.setter(&q.name.rust),
                        Effect::Removed,
                    )
                };
                d.client.add(
                    Impact::Compatible,
                    format!("old clients still send {subject}; servers ignore it"),
                );
                d.server.add(
                    Impact::SourceBreaking,
                    format!("`{}` is gone", names.server_field(&q.name.rust)),
                );
                self.push(d.item(client_item));
            }
        }
    }

    fn param_added(&mut self, p: &Param, place: &Place, names: &OpNames) {
        let subject = param_subject(p);
        let mut d = Draft::new(K::ParameterAdded, place, subject.clone())
            .detail(format!(
                "{}, {}",
                if p.required { "required" } else { "optional" },
                describe::wire(self.new, &p.ty)
            ))
            .item(item(
                ItemKind::Field,
                names.server_field(&p.name.rust),
                Effect::Added,
            ));
        if p.required {
            d.client.add(
                Impact::Breaking,
                format!("old clients do not send {subject}; requests without it are rejected"),
            );
            d.client.add(
                Impact::SourceBreaking,
                format!("`{}` gains the argument `{}`", names.method(), p.name.rust),
            );
            d.server
                .add(Impact::Compatible, format!("servers can rely on {subject}"));
            d = d
                .item(item(ItemKind::Method, names.method(), Effect::Changed))
                .semver(Major);
        } else {
            d.client.add(
                Impact::Compatible,
                format!("new setter `{}`", names.setter(&p.name.rust)),
            );
            d.server.add(
                Impact::Breaking,
                format!("servers must handle {subject}; an existing implementation ignores it"),
            );
            d = d
                .item(item(
                    ItemKind::Method,
                    names.setter(&p.name.rust),
                    Effect::Added,
                ))
                .semver(Minor);
        }
        self.push(d);
    }

    fn param(&mut self, q: &Param, p: &Param, place: &Place, names: &OpNames) {
        let subject = param_subject(p);
        let server_field = names.server_field(&p.name.rust);
        if q.name.wire != p.name.wire || q.name.rust != p.name.rust {
            // Only path parameters are matched by position and can differ in name.
            let mut d = Draft::new(K::ParameterRenamed, place, subject.clone())
                .detail(format!("`{}` → `{}`", q.name.wire, p.name.wire))
                .item(item(ItemKind::Field, server_field.clone(), Effect::Renamed));
            if q.name.rust != p.name.rust {
                d.server.add(
                    Impact::SourceBreaking,
                    format!(
                        "`{}` is now `{server_field}`",
                        names.server_field(&q.name.rust)
                    ),
                );
                d = d.semver(Major);
            }
            d.client.add(
                Impact::Compatible,
                "path parameters are positional on the wire and in the method's arguments",
            );
            self.push(d);
        }
        if q.required != p.required {
            self.param_required(p, place, &subject, names, &server_field);
        }
        if q.style != p.style {
            let mut d = Draft::new(K::ParameterStyleChanged, place, subject.clone())
                .detail(format!("{:?} → {:?}", q.style, p.style))
                .semver(Patch);
            d.client.add(
                Impact::Breaking,
                format!("old clients write {subject} in the old style"),
            );
            d.server.add(
                Impact::Breaking,
                format!("servers must read {subject} in the new style"),
            );
            self.push(d);
        }
        if q.deprecated != p.deprecated {
            // The generated code does not mark deprecated parameters: no item changes.
            let d = if p.deprecated {
                let mut d = Draft::new(K::ParameterDeprecated, place, subject.clone());
                d.client.add(
                    Impact::Compatible,
                    format!("{subject} still works; clients should plan to stop sending it"),
                );
                d.server.add(
                    Impact::Compatible,
                    format!("servers still accept {subject}"),
                );
                d
            } else {
                Draft::new(K::ParameterUndeprecated, place, subject.clone())
            };
            self.push(d.semver(Patch));
        }
        let client_item = if p.required {
            item(ItemKind::Method, names.method(), Effect::Changed)
        } else {
            item(
                ItemKind::Method,
                names.setter(&p.name.rust),
                Effect::Changed,
            )
        };
        let site = Site {
            place: place.clone(),
            subject: subject.clone(),
            items: vec![
                client_item,
                item(ItemKind::Field, server_field, Effect::Changed),
            ],
            checked_by: Some(item(
                ItemKind::Type,
                names.server_request(),
                Effect::Behaviour,
            )),
        };
        self.compare(&q.ty, &p.ty, &site);
        self.constraints(&q.constraints, &p.constraints, &site);
    }

    pub(super) fn request_body(
        &mut self,
        o: &Operation,
        n: &Operation,
        place: &Place,
        names: &OpNames,
    ) {
        let place = place.with_direction(Direction::Request);
        let subject = "request body".to_string();
        let server_field = names.server_field("body");
        match (&o.body, &n.body) {
            (None, None) => {}
            (None, Some(b)) => self.body_added(b, &place, &subject, names, server_field),
            (Some(b), None) => {
                let mut d = Draft::new(K::RequestBodyRemoved, &place, subject.clone())
                    .item(item(ItemKind::Field, server_field.clone(), Effect::Removed))
                    .semver(Major);
                let client_item = if b.required {
                    item(ItemKind::Method, names.method(), Effect::Changed)
                } else {
                    item(ItemKind::Method, names.setter("body"), Effect::Removed)
                };
                d.client.add(
                    Impact::SourceBreaking,
                    "code passing a body stops compiling; old clients' bodies are ignored",
                );
                d.server
                    .add(Impact::SourceBreaking, format!("`{server_field}` is gone"));
                self.push(d.item(client_item));
            }
            (Some(ob), Some(nb)) => {
                if ob.required != nb.required {
                    self.body_required(nb, &place, &subject, names, &server_field);
                }
                self.media_type(
                    (&ob.media_type, &ob.kind),
                    (&nb.media_type, &nb.kind),
                    &place,
                    &subject,
                );
                let client_item = if nb.required {
                    item(ItemKind::Method, names.method(), Effect::Changed)
                } else {
                    item(ItemKind::Method, names.setter("body"), Effect::Changed)
                };
                let site = Site {
                    place: place.clone(),
                    subject,
                    items: vec![
                        client_item,
                        item(ItemKind::Field, server_field, Effect::Changed),
                    ],
                    checked_by: None,
                };
                self.compare(&ob.ty, &nb.ty, &site);
                self.constraints(&ob.constraints, &nb.constraints, &site);
            }
        }
    }

    /// A parameter that became required (a method argument) or optional (a setter).
    fn param_required(
        &mut self,
        p: &Param,
        place: &Place,
        subject: &str,
        names: &OpNames,
        server_field: &str,
    ) {
        let (kind, texts_added) = if p.required {
            (K::ParameterRequired, None)
        } else {
            (
                K::ParameterOptional,
                Some(format!("requests without {subject}")),
            )
        };
        let ty = describe::rust(self.new, &p.ty);
        let mut d = Draft::new(kind, place, subject)
            .item(item(ItemKind::Method, names.method(), Effect::Changed))
            .item(item(ItemKind::Field, server_field, Effect::Changed))
            .semver(Major);
        if let Some(added) = texts_added {
            d.client.add(
                Impact::SourceBreaking,
                format!(
                    "`{}` loses the argument `{}`; set it with `{}`",
                    names.method(),
                    p.name.rust,
                    names.setter(&p.name.rust)
                ),
            );
            d.server
                .add(Impact::Breaking, format!("servers must accept {added}"));
            d.server.add(
                Impact::SourceBreaking,
                format!("`{server_field}` changes from `{ty}` to `Option<{ty}>`"),
            );
        } else {
            d.client.add(
                Impact::Breaking,
                format!("old clients may omit {subject}; requests without it are rejected"),
            );
            d.client.add(
                Impact::SourceBreaking,
                format!("`{}` gains the argument `{}`", names.method(), p.name.rust),
            );
            d.server.add(
                Impact::SourceBreaking,
                format!("`{server_field}` changes from `Option<{ty}>` to `{ty}`"),
            );
        }
        self.push(d);
    }

    /// A request body where there was none: required (a method argument) or optional.
    fn body_added(
        &mut self,
        b: &RequestBody,
        place: &Place,
        subject: &str,
        names: &OpNames,
        server_field: String,
    ) {
        let mut d = Draft::new(K::RequestBodyAdded, place, subject)
            .detail(format!(
                "{}, {}",
                if b.required { "required" } else { "optional" },
                describe::wire(self.new, &b.ty)
            ))
            .item(item(ItemKind::Field, server_field, Effect::Added));
        if b.required {
            d.client.add(
                Impact::Breaking,
                "old clients send no body; requests without one are rejected",
            );
            d.client.add(
                Impact::SourceBreaking,
                format!("`{}` gains the argument `body`", names.method()),
            );
            d = d
                .item(item(ItemKind::Method, names.method(), Effect::Changed))
                .semver(Major);
        } else {
            d.server.add(
                Impact::Breaking,
                "servers must accept and handle the body; an existing implementation ignores it",
            );
            d = d
                .item(item(ItemKind::Method, names.setter("body"), Effect::Added))
                .semver(Minor);
        }
        self.push(d);
    }

    /// A request body that became required or optional.
    fn body_required(
        &mut self,
        nb: &RequestBody,
        place: &Place,
        subject: &str,
        names: &OpNames,
        server_field: &str,
    ) {
        let kind = if nb.required {
            K::RequestBodyRequired
        } else {
            K::RequestBodyOptional
        };
        let mut d = Draft::new(kind, place, subject)
            .item(item(ItemKind::Method, names.method(), Effect::Changed))
            .item(item(ItemKind::Field, server_field, Effect::Changed))
            .semver(Major);
        if nb.required {
            d.client.add(
                Impact::Breaking,
                "old clients may send no body; such requests are rejected",
            );
            d.client.add(
                Impact::SourceBreaking,
                format!("`{}` gains the argument `body`", names.method()),
            );
            d.server.add(
                Impact::SourceBreaking,
                format!("`{server_field}` is no longer an `Option`"),
            );
        } else {
            d.client.add(
                Impact::SourceBreaking,
                format!(
                    "`{}` loses the argument `body`; set it with `{}`",
                    names.method(),
                    names.setter("body")
                ),
            );
            d.server.add(
                Impact::Breaking,
                "servers must accept requests without a body",
            );
            d.server.add(
                Impact::SourceBreaking,
                format!("`{server_field}` becomes an `Option`"),
            );
        }
        self.push(d);
    }

    pub(super) fn media_type(
        &mut self,
        old: (&String, &BodyKind),
        new: (&String, &BodyKind),
        place: &Place,
        subject: &str,
    ) {
        if old.0 == new.0 {
            return;
        }
        let mut d = Draft::new(K::MediaTypeChanged, place, subject)
            .detail(format!("`{}` → `{}`", old.0, new.0));
        if old.1 == new.1 && place.direction == Direction::Response {
            // Same encoding (two JSON types): clients decode it as before.
            d.server
                .add(Impact::Breaking, format!("servers must send `{}`", new.0));
        } else {
            d.client
                .add(Impact::Breaking, format!("old clients use `{}`", old.0));
            d.server
                .add(Impact::Breaking, format!("servers must use `{}`", new.0));
        }
        self.push(d);
    }
}

/// Path parameters match by position, the others by location and name (headers ignore case).
fn param_key(op: &Operation, p: &Param) -> String {
    match p.location {
        ParamLocation::Path => {
            let index = op
                .path_parts
                .iter()
                .filter_map(|part| match part {
                    crate::ir::path::PathPart::Param(name) => Some(name),
                    crate::ir::path::PathPart::Literal(_) => None,
                })
                .position(|name| *name == p.name.wire);
            match index {
                Some(i) => format!("path #{i}"),
                None => format!("path {}", p.name.wire),
            }
        }
        ParamLocation::Query => format!("query {}", p.name.wire),
        ParamLocation::Header => format!("header {}", p.name.wire.to_ascii_lowercase()),
        ParamLocation::Cookie => format!("cookie {}", p.name.wire),
    }
}

fn param_subject(p: &Param) -> String {
    let location = match p.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    format!("{location} parameter `{}`", p.name.wire)
}
