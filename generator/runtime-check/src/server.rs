//! Stands for a generated `src/server.rs`: the runtime, and the items of the per-API module
//! that it refers to, as the generator emits them (`emit/server/mod.rs`).

#[path = "../../runtime/server.rs"]
pub mod runtime;

/// A credential taken from a request. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl Secret {
    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// HTTP Basic credentials taken from a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BasicAuth {
    /// User name.
    pub username: String,
    /// Password.
    pub password: Secret,
}

/// The `WWW-Authenticate` challenge of 401 answers: the spec's HTTP schemes.
pub const CHALLENGE: &str = "Bearer";
