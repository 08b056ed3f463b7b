//! API-wide changes: server URLs and security schemes.

use std::collections::BTreeMap;

use super::classify::{item, Draft, Place};
use super::walk::Walker;
use super::Semver::Major;
use super::{ChangeKind as K, Direction, Effect, Impact, ItemKind, Scope};
use crate::ir::{SecurityKind, SecurityScheme, ServerUrl};

impl Walker<'_> {
    /// Servers and security schemes.
    pub fn api_wide(&mut self) {
        self.servers();
        self.schemes();
    }

    fn servers(&mut self) {
        let place = Place::new(Scope::Api, "servers", Direction::None);
        let (old, new) = (&self.old.servers, &self.new.servers);
        let old_first = old.first().map(|s| s.url.as_str());
        let new_first = new.first().map(|s| s.url.as_str());
        if old_first != new_first {
            let show = |u: Option<&str>| u.map_or("none".to_string(), |u| format!("`{u}`"));
            let mut d = Draft::new(K::DefaultServerChanged, &place, "default server")
                .detail(format!("{} → {}", show(old_first), show(new_first)))
                .item(item(
                    ItemKind::Const,
                    "client::DEFAULT_BASE_URL",
                    Effect::Behaviour,
                ));
            match old_first {
                Some(url) if !new.iter().any(|s| s.url == url) => d.client.add(
                    Impact::Breaking,
                    format!("old clients call `{url}` by default, which the spec no longer lists"),
                ),
                _ => d.client.add(
                    Impact::Compatible,
                    "clients built on the regenerated crate call the new default",
                ),
            }
            let (old_path, new_path) = (
                old.first().map(ServerUrl::base_path).unwrap_or_default(),
                new.first().map(ServerUrl::base_path).unwrap_or_default(),
            );
            if old_path != new_path {
                d.server.add(
                    Impact::Breaking,
                    format!(
                        "the base path moves from `{}` to `{}`: servers must serve there (the regenerated router does)",
                        display_path(&old_path),
                        display_path(&new_path)
                    ),
                );
            }
            self.push(d);
        }
        for s in new.iter().skip(1) {
            if !old.iter().any(|o| o.url == s.url) && old_first != Some(s.url.as_str()) {
                let d = Draft::new(K::ServerUrlAdded, &place, format!("`{}`", s.url));
                self.push(d);
            }
        }
        for s in old.iter().skip(1) {
            if !new.iter().any(|n| n.url == s.url) && new_first != Some(s.url.as_str()) {
                let mut d = Draft::new(K::ServerUrlRemoved, &place, format!("`{}`", s.url));
                d.client.add(
                    Impact::Breaking,
                    format!("clients configured with `{}` must move", s.url),
                );
                self.push(d);
            }
        }
        if let (Some(o), Some(n)) = (old.first(), new.first()) {
            self.server_variables(o, n, &place);
        }
    }

    /// The variables of the default server: fields of the client's `ServerVariables`.
    fn server_variables(&mut self, o: &ServerUrl, n: &ServerUrl, place: &Place) {
        let old: BTreeMap<&str, _> = o
            .variables
            .iter()
            .map(|v| (v.name.wire.as_str(), v))
            .collect();
        let new: BTreeMap<&str, _> = n
            .variables
            .iter()
            .map(|v| (v.name.wire.as_str(), v))
            .collect();
        for (name, v) in &new {
            let path = format!("client::ServerVariables::{}", v.name.rust);
            match old.get(name) {
                None => {
                    let mut d =
                        Draft::new(K::ServerVariableAdded, place, format!("variable `{name}`"))
                            .detail(format!("default `{}`", v.default))
                            .item(item(ItemKind::Field, path, Effect::Added))
                            .semver(Major);
                    d.client.add(
                        Impact::SourceBreaking,
                        format!(
                            "struct literals of `ServerVariables` must set `{}`",
                            v.name.rust
                        ),
                    );
                    self.push(d);
                }
                Some(w) if w.default != v.default => {
                    let mut d = Draft::new(
                        K::ServerVariableDefaultChanged,
                        place,
                        format!("variable `{name}`"),
                    )
                    .detail(format!("default `{}` → `{}`", w.default, v.default))
                    .item(item(
                        ItemKind::Const,
                        "client::DEFAULT_BASE_URL",
                        Effect::Behaviour,
                    ));
                    d.client.add(
                        Impact::Compatible,
                        format!("clients relying on the default now use `{}`", v.default),
                    );
                    self.push(d);
                }
                Some(_) => {}
            }
        }
        for (name, w) in old.iter().filter(|(k, _)| !new.contains_key(*k)) {
            let path = format!("client::ServerVariables::{}", w.name.rust);
            let mut d = Draft::new(
                K::ServerVariableRemoved,
                place,
                format!("variable `{name}`"),
            )
            .item(item(ItemKind::Field, path.clone(), Effect::Removed))
            .semver(Major);
            d.client.add(
                Impact::SourceBreaking,
                format!("code setting `{path}` stops compiling"),
            );
            self.push(d);
        }
    }

    fn schemes(&mut self) {
        let old: BTreeMap<&str, &SecurityScheme> = self
            .old
            .security_schemes
            .iter()
            .map(|s| (s.name.wire.as_str(), s))
            .collect();
        let new: BTreeMap<&str, &SecurityScheme> = self
            .new
            .security_schemes
            .iter()
            .map(|s| (s.name.wire.as_str(), s))
            .collect();
        for (name, s) in &new {
            let place = Place::new(
                Scope::Api,
                format!("security scheme {name}"),
                Direction::None,
            );
            let field = format!("client::Credentials::{}", s.name.rust);
            let server_field = format!("server::Credentials::{}", s.name.rust);
            match old.get(name) {
                None => {
                    let mut d = Draft::new(K::SecuritySchemeAdded, &place, "")
                        .detail(kind(&s.kind))
                        .item(item(ItemKind::Field, field, Effect::Added))
                        .item(item(ItemKind::Field, server_field, Effect::Added))
                        .semver(Major);
                    d.client.add(
                        Impact::SourceBreaking,
                        format!(
                            "struct literals of `Credentials` must set `{}`",
                            s.name.rust
                        ),
                    );
                    self.push(d);
                }
                Some(o) if o.kind != s.kind => {
                    let mut d = Draft::new(K::SecuritySchemeChanged, &place, "").detail(format!(
                        "{} → {}",
                        kind(&o.kind),
                        kind(&s.kind)
                    ));
                    d.client.add(
                        Impact::Breaking,
                        format!("old clients send `{name}` credentials as {}", kind(&o.kind)),
                    );
                    d.server.add(
                        Impact::Breaking,
                        format!(
                            "servers must read `{name}` credentials as {}",
                            kind(&s.kind)
                        ),
                    );
                    if credential_type(&o.kind) != credential_type(&s.kind) {
                        let reason = format!(
                            "the type of `{field}` changes from `{}` to `{}`",
                            credential_type(&o.kind),
                            credential_type(&s.kind)
                        );
                        d.client.add(Impact::SourceBreaking, reason);
                        d = d
                            .item(item(ItemKind::Field, field, Effect::Changed))
                            .item(item(ItemKind::Field, server_field, Effect::Changed))
                            .semver(Major);
                    }
                    self.push(d);
                }
                Some(_) => {}
            }
        }
        for (name, s) in old.iter().filter(|(k, _)| !new.contains_key(*k)) {
            let place = Place::new(
                Scope::Api,
                format!("security scheme {name}"),
                Direction::None,
            );
            let field = format!("client::Credentials::{}", s.name.rust);
            let mut d = Draft::new(K::SecuritySchemeRemoved, &place, "")
                .detail(kind(&s.kind))
                .item(item(ItemKind::Field, field.clone(), Effect::Removed))
                .item(item(
                    ItemKind::Field,
                    format!("server::Credentials::{}", s.name.rust),
                    Effect::Removed,
                ))
                .semver(Major);
            let gone = format!("code using `{field}` stops compiling");
            d.client.add(Impact::SourceBreaking, gone.clone());
            d.server
                .add(Impact::SourceBreaking, gone.replace("client::", "server::"));
            self.push(d);
        }
    }
}

fn kind(kind: &SecurityKind) -> String {
    match kind {
        SecurityKind::ApiKey { location, name } => {
            let place = match location {
                crate::ir::ParamLocation::Query => "query parameter",
                crate::ir::ParamLocation::Cookie => "cookie",
                _ => "header",
            };
            format!("API key in the `{name}` {place}")
        }
        SecurityKind::Basic => "HTTP Basic".into(),
        SecurityKind::Bearer => "bearer token".into(),
    }
}

/// The type of the scheme's slot in the generated `Credentials`.
fn credential_type(kind: &SecurityKind) -> &'static str {
    match kind {
        SecurityKind::ApiKey { .. } => "Option<SecretString>",
        SecurityKind::Basic => "Option<BasicCredentials>",
        SecurityKind::Bearer => "Option<BearerToken>",
    }
}

fn display_path(path: &str) -> &str {
    if path.is_empty() {
        "/"
    } else {
        path
    }
}
