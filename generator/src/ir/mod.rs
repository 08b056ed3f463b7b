//! The intermediate representation: everything the emitters need, computed once.
//!
//! Every name is a pair of the Rust identifier and the wire name; every fact an emitter needs
//! (required, nullable, read-only, secret, status kind) is stored, not recomputed. Emitters read
//! an [`Api`] and never look at `openapiv3` types.

pub mod names;
pub mod operation;
pub mod pagination;
pub mod path;
pub mod types;

pub use operation::*;
pub use types::*;

/// A Rust identifier and the wire name it stands for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Name {
    /// The identifier used in generated Rust code.
    pub rust: String,
    /// The name on the wire, exactly as the spec writes it.
    pub wire: String,
}

/// One API: what becomes one generated crate.
#[derive(Clone, Debug)]
pub struct Api {
    /// The crate's package name (kebab-case).
    pub crate_name: String,
    /// The spec's `info.title`.
    pub title: String,
    /// The spec's `info.version`.
    pub version: String,
    /// The spec's `info.description`.
    pub description: Option<String>,
    /// The input files, as given, for the generated-file header.
    pub sources: Vec<String>,
    /// Server URLs with their variables.
    pub servers: Vec<ServerUrl>,
    /// Every named type; a [`TypeId`] is an index into it.
    pub types: Vec<TypeDef>,
    /// Every operation, in spec order.
    pub operations: Vec<Operation>,
    /// Every webhook operation (3.1 `webhooks`), in spec order: requests the API's provider
    /// sends, received by the server feature's `webhooks` module.
    pub webhooks: Vec<Operation>,
    /// Operation groups (tags), in order of first use.
    pub groups: Vec<Group>,
    /// Every security scheme, in spec order.
    pub security_schemes: Vec<SecurityScheme>,
    /// Which runtime crates the generated code needs.
    pub runtime: Runtime,
    /// The bundled spec (every file merged, every `$ref` local), for the crate's `openapi.json`.
    pub document: serde_json::Value,
}

impl Api {
    /// The type a [`TypeId`] names.
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        // Ids are indexes handed out by the lower stage for exactly this vector.
        &self.types[id.0]
    }

    /// Every named type, sorted by Rust name: the order in which they are emitted.
    pub fn types_by_name(&self) -> Vec<&TypeDef> {
        let mut types: Vec<&TypeDef> = self.types.iter().collect();
        types.sort_by(|a, b| a.name.cmp(&b.name));
        types
    }
}

/// A server URL and its variables.
#[derive(Clone, Debug)]
pub struct ServerUrl {
    /// The URL template, e.g. `https://{host}/api`.
    pub url: String,
    /// Description from the spec.
    pub description: Option<String>,
    /// Variables with their defaults, in spec order.
    pub variables: Vec<ServerVariable>,
}

impl ServerUrl {
    /// The path of the URL (`https://{host}/api/v3` → `/api/v3`), without a trailing slash;
    /// empty when there is none, or when a variable in the path makes it unknown in advance.
    pub fn base_path(&self) -> String {
        let url = self.url.as_str();
        let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
        let path = match after_scheme.find('/') {
            Some(i) if url.contains("://") => &after_scheme[i..],
            Some(_) | None if url.starts_with('/') => url,
            _ => "",
        };
        let path = path.trim_end_matches('/');
        if path.contains('{') {
            return String::new();
        }
        path.to_string()
    }
}

/// What the spec's default server URL (its variables at their defaults) is good for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultServer {
    /// A real address: used when the user gives none.
    Usable,
    /// A stand-in host (`example.com`, a host without a dot such as `the-server`): the client
    /// uses it, but never sends credentials to it.
    Placeholder,
    /// A path without a host (`/api/v1`): the user must give the server.
    Relative,
}

impl ServerUrl {
    /// The URL with every variable at its default.
    pub fn default_url(&self) -> String {
        let mut url = self.url.clone();
        for v in &self.variables {
            url = url.replace(&format!("{{{}}}", v.name.wire), &v.default);
        }
        url
    }

    /// What the default URL is good for: see [`DefaultServer`].
    pub fn default_server(&self) -> DefaultServer {
        let url = self.default_url();
        let Some((scheme, rest)) = url.split_once("://") else {
            return DefaultServer::Relative;
        };
        if scheme.is_empty() || rest.is_empty() {
            return DefaultServer::Relative;
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host)
            .trim_start_matches('[');
        let host = match host.split_once(']') {
            Some((ipv6, _)) => ipv6,
            None => host.split(':').next().unwrap_or_default(),
        }
        .to_ascii_lowercase();
        let stand_in = host.is_empty()
            || host.contains(['{', '}'])
            || (!host.contains('.') && !host.contains(':') && host != "localhost")
            || ["example.com", "example.org", "example.net"]
                .iter()
                .any(|d| host == *d || host.ends_with(&format!(".{d}")))
            || [".example", ".test", ".invalid", ".localhost"]
                .iter()
                .any(|tld| host.ends_with(tld));
        if stand_in {
            DefaultServer::Placeholder
        } else {
            DefaultServer::Usable
        }
    }
}

/// One `{variable}` of a server URL.
#[derive(Clone, Debug)]
pub struct ServerVariable {
    /// Name of the variable.
    pub name: Name,
    /// Default value.
    pub default: String,
    /// Allowed values, if restricted.
    pub allowed: Vec<String>,
    /// Description from the spec.
    pub description: Option<String>,
}

/// Runtime crates the generated code uses beyond serde and serde_json.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Runtime {
    /// `chrono`, for `date` and `date-time`.
    pub chrono: bool,
    /// `uuid`, for `uuid`.
    pub uuid: bool,
    /// `base64`, for `byte`.
    pub base64: bool,
    /// `regex`, for `pattern`.
    pub regex: bool,
}

#[cfg(test)]
mod tests {
    use super::ServerUrl;

    fn base_path(url: &str) -> String {
        ServerUrl {
            url: url.into(),
            description: None,
            variables: Vec::new(),
        }
        .base_path()
    }

    #[test]
    fn default_servers() {
        use super::DefaultServer::{Placeholder, Relative, Usable};
        let kind = |url: &str| {
            ServerUrl {
                url: url.into(),
                description: None,
                variables: Vec::new(),
            }
            .default_server()
        };
        assert_eq!(kind("https://api.github.com"), Usable);
        assert_eq!(kind("http://localhost:3001"), Usable);
        assert_eq!(kind("http://127.0.0.1:8080/api"), Usable);
        assert_eq!(kind("http://[::1]:8080/api"), Usable);
        assert_eq!(kind("https://the-server/BeyondTrust/api"), Placeholder);
        assert_eq!(kind("https://apono.example.com"), Placeholder);
        assert_eq!(kind("https://example.org/v1"), Placeholder);
        assert_eq!(kind("https://{host}/v1"), Placeholder);
        assert_eq!(kind("https://api.test"), Placeholder);
        assert_eq!(kind("/api/v1"), Relative);
        assert_eq!(kind("api/v1"), Relative);
    }

    #[test]
    fn base_paths() {
        assert_eq!(
            base_path("https://{host}/BeyondTrust/api/public/v3"),
            "/BeyondTrust/api/public/v3"
        );
        assert_eq!(base_path("https://{host}"), "");
        assert_eq!(base_path("https://x.io/"), "");
        assert_eq!(base_path("/api/"), "/api");
        assert_eq!(base_path("http://{host}/{version}"), "");
    }
}
