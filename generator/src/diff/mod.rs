//! Spec change reports: what changed between two versions of an API, and whom it breaks.
//!
//! [`diff`] compares two IRs ([`Api`]), never two documents: a `$ref` that moves to another
//! file, or a schema split over files, changes no IR, so it reports nothing. Types are matched
//! by where they are used on the wire (the body of `POST /pets`, the field `owner` of that
//! body...), not by their Rust names, so a renamed component is not "removed and added": its
//! new Rust name is listed in [`Report::rust_types`] and nowhere else.
//!
//! Every [`Change`] is classified twice, for the people on each side of the wire:
//!
//! - **clients**: programs that call the API. Does a client written against the old version
//!   keep working against a server of the new one, and does its code still compile against the
//!   regenerated crate?
//! - **servers**: implementations of the API. Does an implementation of the old version still
//!   implement the new one, and does it still compile?
//!
//! Both use [`Impact`]: `breaking` (something fails on the wire, or the implementation no longer
//! does what the new spec says), `source-breaking` (the wire is fine, but code using the named
//! Rust items stops compiling on upgrade) or `compatible`. The rules are in `classify.rs`; the
//! README's "Reviewing spec changes" section lists them for reviewers.
//!
//! ```text
//! let report = diff::diff(&old_api, &new_api);
//! println!("{}", report.markdown(&Markdown::default()));
//! ```

mod api;
mod classify;
mod constraints;
mod describe;
mod pagination;
mod render;
mod request;
mod response;
mod types;
mod walk;

use std::path::PathBuf;

use serde::Serialize;

use crate::ir::Api;
use crate::{Config, Diagnostics};

pub use render::Markdown;

/// The version of the JSON document [`Report::to_json`] writes. It changes only when a key is
/// removed or its meaning changes; new keys may appear without a new version.
pub const FORMAT_VERSION: u32 = 1;

/// Compares two versions of an API.
pub fn diff(old: &Api, new: &Api) -> Report {
    let mut walker = walk::Walker::new(old, new);
    let (mut changes, rust_types) = walker.run();
    changes.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
    changes.dedup_by(|a, b| a.sort_key == b.sort_key && a == b);
    let semver = changes
        .iter()
        .map(|c| c.semver)
        .chain(rust_types.semver())
        .max()
        .unwrap_or(if old.document == new.document {
            Semver::None
        } else {
            // Descriptions, examples or other text changed: the generated docs differ.
            Semver::Patch
        });
    let count = |side: fn(&Change) -> Impact, impact: Impact| {
        changes.iter().filter(|c| side(c) == impact).count()
    };
    let summary = Summary {
        changes: changes.len(),
        client: SideCounts {
            breaking: count(|c| c.client.impact, Impact::Breaking),
            source_breaking: count(|c| c.client.impact, Impact::SourceBreaking),
        },
        server: SideCounts {
            breaking: count(|c| c.server.impact, Impact::Breaking),
            source_breaking: count(|c| c.server.impact, Impact::SourceBreaking),
        },
        semver,
    };
    Report {
        format: "openapi-forge-diff",
        format_version: FORMAT_VERSION,
        old: ApiInfo::of(old),
        new: ApiInfo::of(new),
        summary,
        changes,
        rust_types,
    }
}

/// Which version of the API could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// The old version's specs have errors.
    #[error("the old version has errors:\n{0}")]
    Old(Diagnostics),
    /// The new version's specs have errors.
    #[error("the new version has errors:\n{0}")]
    New(Diagnostics),
}

/// Builds both versions of an API from their spec files and compares them. Warnings are
/// dropped: they are the `check` command's business.
pub fn diff_specs(old: &[PathBuf], new: &[PathBuf]) -> Result<Report, DiffError> {
    let config = |specs: &[PathBuf]| Config {
        specs: specs.to_vec(),
        crate_name: "diff".into(),
        source_label: String::new(),
        regenerate_command: String::new(),
        selection: Default::default(),
    };
    let (old, _) = crate::build_api(&config(old)).map_err(DiffError::Old)?;
    let (new, _) = crate::build_api(&config(new)).map_err(DiffError::New)?;
    Ok(diff(&old, &new))
}

/// Everything that changed between two versions of one API.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Always `openapi-forge-diff`: tells this document from others.
    pub format: &'static str,
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// The old version.
    pub old: ApiInfo,
    /// The new version.
    pub new: ApiInfo,
    /// Counts and the overall semver bump.
    pub summary: Summary,
    /// Every change, sorted: API-wide ones first, then operations by path and method, then
    /// types by Rust name.
    pub changes: Vec<Change>,
    /// The model types the generated crate gains, loses or renames.
    pub rust_types: RustTypes,
}

impl Report {
    /// Whether nothing changed on the wire and in the generated Rust API.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.rust_types.is_empty()
    }

    /// Whether a change breaks the given side(s) on the wire ([`Impact::Breaking`]).
    pub fn breaks(&self, who: Who) -> bool {
        self.changes.iter().any(|c| match who {
            Who::Clients => c.client.impact == Impact::Breaking,
            Who::Servers => c.server.impact == Impact::Breaking,
            Who::Anyone => {
                c.client.impact == Impact::Breaking || c.server.impact == Impact::Breaking
            }
        })
    }

    /// Whether the report has a change of the kind `fail_on` names (what `--fail-on` checks).
    pub fn fails(&self, fail_on: FailOn) -> bool {
        match fail_on {
            FailOn::ClientBreaking => self.breaks(Who::Clients),
            FailOn::ServerBreaking => self.breaks(Who::Servers),
            FailOn::AnyBreaking => self.breaks(Who::Anyone),
            FailOn::Major => self.summary.semver == Semver::Major,
        }
    }

    /// The report as pretty-printed JSON (the schema is documented in the README).
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }

    /// One line for the top of a review: how many changes, whom they break, the semver bump.
    pub fn summary_line(&self) -> String {
        render::summary_line(self)
    }

    /// The report as Markdown, ready to paste into a review.
    pub fn markdown(&self, options: &Markdown) -> String {
        render::markdown(self, options)
    }
}

/// Whose breakage a check asks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// Programs calling the API.
    Clients,
    /// Implementations of the API.
    Servers,
    /// Either.
    Anyone,
}

/// The changes that make a comparison fail, for CI (`--fail-on`).
///
/// "Breaking" alone means what reviewers and other diff tools (oasdiff) mean by it: an existing
/// client stops working on the wire ([`FailOn::ClientBreaking`]). A new operation or a new
/// optional request field breaks no client but must be handled by every server: that is
/// [`FailOn::ServerBreaking`], and [`FailOn::AnyBreaking`] is either.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// A change that breaks existing clients on the wire (`--fail-on breaking`).
    ClientBreaking,
    /// A change that breaks existing servers on the wire.
    ServerBreaking,
    /// A change that breaks clients or servers on the wire.
    AnyBreaking,
    /// A change that needs a major version of the generated crate.
    Major,
}

/// Title and version of one side of the comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ApiInfo {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
}

impl ApiInfo {
    fn of(api: &Api) -> ApiInfo {
        ApiInfo {
            title: api.title.clone(),
            version: api.version.clone(),
        }
    }
}

/// Counts of a report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Number of changes.
    pub changes: usize,
    /// How many changes affect clients, by impact.
    pub client: SideCounts,
    /// How many changes affect servers, by impact.
    pub server: SideCounts,
    /// The bump the generated crate needs: the largest of all changes.
    pub semver: Semver,
}

/// Changes that are breaking, or source-breaking, for one side.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SideCounts {
    /// Changes that are [`Impact::Breaking`] for this side.
    pub breaking: usize,
    /// Changes that are [`Impact::SourceBreaking`] for this side.
    pub source_breaking: usize,
}

/// One change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// What kind of change.
    pub kind: ChangeKind,
    /// What the location names.
    pub scope: Scope,
    /// The operation (`GET /pets/{petId}`), the generated type (`Pet`), or the API-wide part
    /// (`servers`, `security scheme bearerAuth`). Plain text.
    pub location: String,
    /// What changed in that place (`field \`name\``, `query parameter \`limit\``); empty when
    /// the location itself changed. Markdown code spans.
    pub subject: String,
    /// The change in words (`maxLength 50 → 20`). Markdown code spans.
    pub detail: String,
    /// Which way the changed data travels.
    pub direction: Direction,
    /// What it means for programs calling the API.
    pub client: Side,
    /// What it means for implementations of the API.
    pub server: Side,
    /// The items of the generated crate it touches.
    pub rust: Vec<RustItem>,
    /// The bump it needs in the generated crate.
    pub semver: Semver,
    /// Sort order: scope, location, subject, kind.
    #[serde(skip)]
    pub(crate) sort_key: (Scope, String, String, ChangeKind, String),
}

/// What a [`Change::location`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Servers and security schemes.
    Api,
    /// An operation (`METHOD /path`).
    Operation,
    /// A webhook (`webhook <name> METHOD`).
    Webhook,
    /// A generated type (its Rust name).
    Type,
}

/// The kinds of changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[allow(missing_docs)] // The names say it; the README lists them with their classification.
pub enum ChangeKind {
    OperationAdded,
    OperationRemoved,
    OperationDeprecated,
    OperationUndeprecated,
    OperationRenamed,
    OperationRegrouped,
    WebhookAdded,
    WebhookRemoved,
    PaginationAdded,
    PaginationRemoved,
    PaginationChanged,
    ParameterAdded,
    ParameterRemoved,
    ParameterRenamed,
    ParameterRequired,
    ParameterOptional,
    ParameterStyleChanged,
    ParameterDeprecated,
    ParameterUndeprecated,
    RequestBodyAdded,
    RequestBodyRemoved,
    RequestBodyRequired,
    RequestBodyOptional,
    MediaTypeChanged,
    ResponseAdded,
    ResponseRemoved,
    ResponseBodyAdded,
    ResponseBodyRemoved,
    ResponseStreamAdded,
    ResponseStreamRemoved,
    ResponseHeaderAdded,
    ResponseHeaderRemoved,
    ResponseHeaderRequired,
    ResponseHeaderOptional,
    FieldAdded,
    FieldRemoved,
    FieldRenamed,
    FieldRequired,
    FieldOptional,
    FieldNullable,
    FieldNotNullable,
    TypeChanged,
    RustTypeChanged,
    EnumValueAdded,
    EnumValueRemoved,
    EnumVariantRenamed,
    UnionVariantAdded,
    UnionVariantRemoved,
    DiscriminatorChanged,
    AdditionalPropertiesChanged,
    ConstraintTightened,
    ConstraintLoosened,
    ConstraintChanged,
    FormatChanged,
    SecurityChanged,
    SecuritySchemeAdded,
    SecuritySchemeRemoved,
    SecuritySchemeChanged,
    DefaultServerChanged,
    ServerUrlAdded,
    ServerUrlRemoved,
    ServerVariableAdded,
    ServerVariableRemoved,
    ServerVariableDefaultChanged,
}

impl ChangeKind {
    /// The kebab-case name used in JSON and Markdown.
    pub fn as_str(self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(s)) => s,
            _ => format!("{self:?}"),
        }
    }
}

/// Which way the changed data travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Not data: an operation, a server URL, a type no operation uses.
    None,
    /// Client → server (parameters, request bodies and what they hold).
    Request,
    /// Server → client (response bodies, headers and what they hold).
    Response,
    /// Both ways (a type used in requests and responses).
    Both,
}

impl Direction {
    /// Both directions at once.
    pub fn union(self, other: Direction) -> Direction {
        match (self, other) {
            (a, b) if a == b => a,
            (Direction::None, x) | (x, Direction::None) => x,
            _ => Direction::Both,
        }
    }

    /// Whether requests carry it.
    pub fn request(self) -> bool {
        matches!(self, Direction::Request | Direction::Both)
    }

    /// Whether responses carry it.
    pub fn response(self) -> bool {
        matches!(self, Direction::Response | Direction::Both)
    }
}

/// How much a change affects one side. Ordered from harmless to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    /// Nothing of this side has to change.
    Compatible,
    /// The wire is fine, but code of this side that uses the touched Rust items stops
    /// compiling when it moves to the regenerated crate.
    SourceBreaking,
    /// Something fails on the wire, or existing code of this side no longer does what the new
    /// spec says: it has to change before the new version goes live.
    Breaking,
}

impl Impact {
    /// The kebab-case name used in JSON and Markdown.
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Compatible => "compatible",
            Impact::SourceBreaking => "source-breaking",
            Impact::Breaking => "breaking",
        }
    }
}

/// What a change means for one side.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Side {
    /// How much it affects this side.
    pub impact: Impact,
    /// What happens, in words; may be empty for compatible changes. Markdown code spans.
    pub reason: String,
}

/// An item of the generated crate.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RustItem {
    /// What kind of item.
    pub item: ItemKind,
    /// Its path in the generated crate (`models::Pet::name`, `client::PetsApi::get_pet`).
    pub path: String,
    /// What happens to it.
    pub effect: Effect,
}

/// Kinds of generated items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// A struct, enum or type alias.
    Type,
    /// A field of a struct.
    Field,
    /// A variant of an enum.
    Variant,
    /// A method (client group methods, builder setters, `send`, `validate`).
    Method,
    /// A method of the server's `Api` trait.
    TraitMethod,
    /// A constant.
    Const,
}

/// What a change does to a generated item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// New.
    Added,
    /// Gone.
    Removed,
    /// Its type or signature changed.
    Changed,
    /// Its name changed.
    Renamed,
    /// Same signature, different behaviour (what `validate()` accepts, a constant's value).
    Behaviour,
    /// Now marked `#[deprecated]`.
    Deprecated,
}

/// A semver bump. Ordered from none to major.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Semver {
    /// Nothing changed.
    None,
    /// Behaviour or documentation only.
    Patch,
    /// New items; existing code keeps compiling.
    Minor,
    /// Code using the crate may stop compiling.
    Major,
}

impl Semver {
    /// The lowercase name used in JSON and Markdown.
    pub fn as_str(self) -> &'static str {
        match self {
            Semver::None => "none",
            Semver::Patch => "patch",
            Semver::Minor => "minor",
            Semver::Major => "major",
        }
    }
}

/// The model types (`models::*`) of the generated crate that are new, gone or renamed. Types
/// are matched by where they are used on the wire, so a renamed component is one renamed
/// type, not one removed and one added; a type that is only a new name for another (an alias
/// that a refactor inlined) shows up here and nowhere else.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RustTypes {
    /// New types, sorted.
    pub added: Vec<String>,
    /// Types no longer generated, sorted.
    pub removed: Vec<String>,
    /// Types whose Rust name changed while their wire shape did not, sorted.
    pub renamed: Vec<RenamedType>,
}

impl RustTypes {
    /// Whether no type was added, removed or renamed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.renamed.is_empty()
    }

    /// The bump these need: major when a type is gone or renamed, minor when one is new.
    pub fn semver(&self) -> Option<Semver> {
        if !self.removed.is_empty() || !self.renamed.is_empty() {
            Some(Semver::Major)
        } else if !self.added.is_empty() {
            Some(Semver::Minor)
        } else {
            None
        }
    }
}

/// A generated type whose Rust name changed while its wire shape did not.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RenamedType {
    /// The old Rust name.
    pub old: String,
    /// The new Rust name.
    pub new: String,
}
