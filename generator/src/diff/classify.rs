//! The classification rules: what a change of the set of valid values means for each side.
//!
//! Most changes make a place on the wire accept more values (they *widen* it), fewer (they
//! *narrow* it), or different ones (both). Who breaks follows from which side writes and which
//! reads that place:
//!
//! | where     | widens                                  | narrows                                 |
//! |-----------|-----------------------------------------|-----------------------------------------|
//! | request   | servers break: they must accept more     | clients break: they may send what is now invalid |
//! | response  | clients break: they may receive more     | servers break: they must stop sending something |
//!
//! A change that does both breaks both sides. The callers then refine this where the generated
//! code tolerates more than the spec (unknown enum values read as `Unknown`, unknown object
//! members ignored) and add the source-level effects of the Rust items they touch.

use super::{Change, ChangeKind, Direction, Impact, RustItem, Scope, Semver, Side};

/// How a change moves the set of valid values of a place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variance {
    /// The same values are valid (only Rust names or types changed).
    Same,
    /// More values are valid.
    Widen,
    /// Fewer values are valid.
    Narrow,
    /// Some values became valid and others invalid.
    Both,
}

impl Variance {
    fn widens(self) -> bool {
        matches!(self, Variance::Widen | Variance::Both)
    }

    fn narrows(self) -> bool {
        matches!(self, Variance::Narrow | Variance::Both)
    }
}

/// What became valid and what became invalid, for the reasons the rule writes.
pub struct Texts {
    /// What is valid now and was not (`\`name\` up to 50 characters`).
    pub added: String,
    /// What was valid and is not now (`\`name\` longer than 20 characters`).
    pub removed: String,
}

/// The reasons collected for one side, strongest first.
#[derive(Clone, Debug, Default)]
pub struct SideBuilder {
    reasons: Vec<(Impact, String)>,
}

impl SideBuilder {
    /// Adds a reason at an impact.
    pub fn add(&mut self, impact: Impact, reason: impl Into<String>) {
        let reason = reason.into();
        if !self.reasons.iter().any(|(_, r)| *r == reason) {
            self.reasons.push((impact, reason));
        }
    }

    /// Adds every reason of `other`.
    pub fn extend(&mut self, other: SideBuilder) {
        for (impact, reason) in other.reasons {
            self.add(impact, reason);
        }
    }

    fn build(mut self) -> Side {
        let impact = self
            .reasons
            .iter()
            .map(|(i, _)| *i)
            .max()
            .unwrap_or(Impact::Compatible);
        // Stable sort: reasons of one impact keep the order they were written in.
        self.reasons.sort_by_key(|r| std::cmp::Reverse(r.0));
        let reason = self
            .reasons
            .into_iter()
            .map(|(_, r)| r)
            .filter(|r| !r.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        Side { impact, reason }
    }
}

/// A change being put together.
pub struct Draft {
    pub kind: ChangeKind,
    pub scope: Scope,
    pub location: String,
    /// Sorts the location (operations sort by path, then method).
    pub location_key: String,
    pub subject: String,
    pub detail: String,
    pub direction: Direction,
    pub client: SideBuilder,
    pub server: SideBuilder,
    pub rust: Vec<RustItem>,
    pub semver: Semver,
}

impl Draft {
    /// A change at `location`, compatible for both sides and `patch` until told otherwise.
    pub fn new(kind: ChangeKind, at: &Place, subject: impl Into<String>) -> Draft {
        Draft {
            kind,
            scope: at.scope,
            location: at.location.clone(),
            location_key: at.key.clone(),
            subject: subject.into(),
            detail: String::new(),
            direction: at.direction,
            client: SideBuilder::default(),
            server: SideBuilder::default(),
            rust: Vec::new(),
            semver: Semver::Patch,
        }
    }

    /// Sets the detail.
    pub fn detail(mut self, detail: impl Into<String>) -> Draft {
        self.detail = detail.into();
        self
    }

    /// Raises the semver bump to at least `semver`.
    pub fn semver(mut self, semver: Semver) -> Draft {
        self.semver = self.semver.max(semver);
        self
    }

    /// Adds a touched item.
    pub fn item(mut self, item: RustItem) -> Draft {
        self.rust.push(item);
        self
    }

    /// Applies the widen/narrow rule of the module docs.
    pub fn wire(mut self, variance: Variance, texts: &Texts) -> Draft {
        let dir = self.direction;
        if dir.request() {
            if variance.narrows() {
                self.client.add(
                    Impact::Breaking,
                    format!(
                        "old clients may send {}, which is no longer valid",
                        texts.removed
                    ),
                );
            }
            if variance.widens() {
                self.server.add(
                    Impact::Breaking,
                    format!("servers must accept {}", texts.added),
                );
            }
        }
        if dir.response() {
            if variance.widens() {
                self.client.add(
                    Impact::Breaking,
                    format!("old clients may receive {}", texts.added),
                );
            }
            if variance.narrows() {
                self.server.add(
                    Impact::Breaking,
                    format!("servers must no longer send {}", texts.removed),
                );
            }
        }
        self
    }

    /// The finished change.
    pub fn build(self) -> Change {
        let mut rust = self.rust;
        rust.sort();
        rust.dedup();
        let mut client = self.client;
        let mut server = self.server;
        if self.direction == Direction::None && self.scope == Scope::Type {
            // No place on the wire holds the type in both versions: only Rust code sees it.
            let (impact, reason) = if self.semver == Semver::Major {
                (
                    Impact::SourceBreaking,
                    "code using the items named here may stop compiling",
                )
            } else {
                (Impact::Compatible, "nothing on the wire changes")
            };
            client.add(impact, reason);
            server.add(impact, reason);
        }
        Change {
            sort_key: (
                self.scope,
                self.location_key,
                self.subject.clone(),
                self.kind,
                self.detail.clone(),
            ),
            kind: self.kind,
            scope: self.scope,
            location: self.location,
            subject: self.subject,
            detail: self.detail,
            direction: self.direction,
            client: client.build(),
            server: server.build(),
            rust,
            semver: self.semver,
        }
    }
}

/// Where changes are found: an operation, a type or an API-wide part, and the direction the
/// data found there travels.
#[derive(Clone, Debug)]
pub struct Place {
    pub scope: Scope,
    pub location: String,
    pub key: String,
    pub direction: Direction,
}

impl Place {
    /// A place whose sort key is its name.
    pub fn new(scope: Scope, location: impl Into<String>, direction: Direction) -> Place {
        let location = location.into();
        Place {
            scope,
            key: location.clone(),
            location,
            direction,
        }
    }

    /// The same place, for data travelling in `direction`.
    pub fn with_direction(&self, direction: Direction) -> Place {
        Place {
            direction,
            ..self.clone()
        }
    }
}

/// A generated item.
pub fn item(item: super::ItemKind, path: impl Into<String>, effect: super::Effect) -> RustItem {
    RustItem {
        item,
        path: path.into(),
        effect,
    }
}
