//! Constraint changes: bounds that moved, patterns and string formats that changed.
//!
//! A bound *tightens* when fewer values pass it (a smaller maximum, a larger minimum, a new
//! bound, an exclusive bound where it was inclusive) and *loosens* otherwise; tightening
//! narrows the place, loosening widens it (see `classify.rs`). A changed pattern does both.
//! Constraints only change what `validate()` and the server's extractors accept, never a
//! signature: they are `patch` changes of the generated crate.
//!
//! A string `format` that changes while the Rust type stays `String` (`email` → `uri`) is
//! compared the same way: nothing generated checks it, but programs that parse the value do.

use super::classify::{Texts, Variance};
use super::types::Site;
use super::walk::Walker;
use super::ChangeKind as K;
use crate::ir::Constraints;

/// Which end of the range a bound limits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Upper,
    Lower,
}

/// One bound: its keyword, which end it limits, and how values beyond it are described.
struct Bound {
    keyword: &'static str,
    end: End,
    /// Values beyond a bound of `n`: `longer than 20 characters`.
    beyond: fn(&str, bool) -> String,
    /// Values within a bound of `n`: `up to 50 characters`.
    within: fn(&str, bool) -> String,
}

const MAX_LENGTH: Bound = Bound {
    keyword: "maxLength",
    end: End::Upper,
    beyond: |n, _| format!("longer than {n} characters"),
    within: |n, _| format!("up to {n} characters long"),
};
const MIN_LENGTH: Bound = Bound {
    keyword: "minLength",
    end: End::Lower,
    beyond: |n, _| format!("shorter than {n} characters"),
    within: |n, _| format!("as short as {n} characters"),
};
const MAXIMUM: Bound = Bound {
    keyword: "maximum",
    end: End::Upper,
    beyond: |n, exclusive| {
        if exclusive {
            format!("at or above {n}")
        } else {
            format!("above {n}")
        }
    },
    within: |n, exclusive| {
        if exclusive {
            format!("below {n}")
        } else {
            format!("up to {n}")
        }
    },
};
const MINIMUM: Bound = Bound {
    keyword: "minimum",
    end: End::Lower,
    beyond: |n, exclusive| {
        if exclusive {
            format!("at or below {n}")
        } else {
            format!("below {n}")
        }
    },
    within: |n, exclusive| {
        if exclusive {
            format!("above {n}")
        } else {
            format!("down to {n}")
        }
    },
};
const MAX_ITEMS: Bound = Bound {
    keyword: "maxItems",
    end: End::Upper,
    beyond: |n, _| format!("with more than {n} items"),
    within: |n, _| format!("with up to {n} items"),
};
const MIN_ITEMS: Bound = Bound {
    keyword: "minItems",
    end: End::Lower,
    beyond: |n, _| format!("with fewer than {n} items"),
    within: |n, _| format!("with as few as {n} items"),
};
const MAX_PROPERTIES: Bound = Bound {
    keyword: "maxProperties",
    end: End::Upper,
    beyond: |n, _| format!("with more than {n} members"),
    within: |n, _| format!("with up to {n} members"),
};
const MIN_PROPERTIES: Bound = Bound {
    keyword: "minProperties",
    end: End::Lower,
    beyond: |n, _| format!("with fewer than {n} members"),
    within: |n, _| format!("with as few as {n} members"),
};

/// Formats that choose the Rust type of a string (`string_type` in `lower/schema.rs`): a
/// change to or from one of them changes the type, and is reported as a type change.
const TYPED_FORMATS: &[&str] = &["date", "date-time", "byte", "binary", "uuid"];

fn count(n: Option<usize>) -> Option<(f64, bool)> {
    n.map(|n| (n as f64, false))
}

impl Walker<'_> {
    /// Compares the constraints of one place (and of its items, for arrays).
    pub fn constraints(&mut self, a: &Constraints, b: &Constraints, site: &Site) {
        if a == b {
            return;
        }
        let bounds = [
            (MAX_LENGTH, count(a.max_length), count(b.max_length)),
            (MIN_LENGTH, count(a.min_length), count(b.min_length)),
            (MAXIMUM, a.maximum, b.maximum),
            (MINIMUM, a.minimum, b.minimum),
            (MAX_ITEMS, count(a.max_items), count(b.max_items)),
            (MIN_ITEMS, count(a.min_items), count(b.min_items)),
        ];
        for (bound, old, new) in bounds {
            self.bound(&bound, old, new, site);
        }
        if a.pattern != b.pattern {
            self.pattern(a.pattern.as_deref(), b.pattern.as_deref(), site);
        }
        if a.format != b.format {
            self.format(a.format.as_deref(), b.format.as_deref(), site);
        }
        let empty = Constraints::default();
        let (ai, bi) = (
            a.items.as_deref().unwrap_or(&empty),
            b.items.as_deref().unwrap_or(&empty),
        );
        if ai != bi {
            let inner = Site {
                subject: format!("items of {}", site.subject),
                ..site.clone()
            };
            self.constraints(ai, bi, &inner);
        }
    }

    /// Compares `minProperties`/`maxProperties` of an object.
    pub fn counts(
        &mut self,
        old: (Option<usize>, Option<usize>),
        new: (Option<usize>, Option<usize>),
        site: &Site,
    ) {
        self.bound(&MIN_PROPERTIES, count(old.0), count(new.0), site);
        self.bound(&MAX_PROPERTIES, count(old.1), count(new.1), site);
    }

    fn bound(
        &mut self,
        bound: &Bound,
        old: Option<(f64, bool)>,
        new: Option<(f64, bool)>,
        site: &Site,
    ) {
        if old == new {
            return;
        }
        let show = |b: Option<(f64, bool)>| match b {
            None => "none".to_string(),
            Some((n, true)) => format!("{n} (exclusive)"),
            Some((n, false)) => n.to_string(),
        };
        let detail = format!("{} {} → {}", bound.keyword, show(old), show(new));
        let tightens = match (old, new) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some((o, oe)), Some((n, ne))) => {
                if o == n {
                    ne && !oe
                } else {
                    (bound.end == End::Upper) == (n < o)
                }
            }
        };
        let subject = &site.subject;
        let texts = match new {
            Some((n, exclusive)) if tightens => Texts {
                added: String::new(),
                removed: format!("{subject} {}", (bound.beyond)(&n.to_string(), exclusive)),
            },
            Some((n, exclusive)) => Texts {
                added: format!("{subject} {}", (bound.within)(&n.to_string(), exclusive)),
                removed: String::new(),
            },
            None => Texts {
                added: format!("{subject} without a {} limit", bound.keyword),
                removed: String::new(),
            },
        };
        let (kind, variance) = if tightens {
            (K::ConstraintTightened, Variance::Narrow)
        } else {
            (K::ConstraintLoosened, Variance::Widen)
        };
        self.constraint_change(kind, variance, &texts, detail, site);
    }

    fn pattern(&mut self, old: Option<&str>, new: Option<&str>, site: &Site) {
        let subject = &site.subject;
        let show = |p: Option<&str>| p.map_or("none".to_string(), |p| format!("`{p}`"));
        let detail = format!("pattern {} → {}", show(old), show(new));
        let (kind, variance) = match (old, new) {
            (None, Some(_)) => (K::ConstraintTightened, Variance::Narrow),
            (Some(_), None) => (K::ConstraintLoosened, Variance::Widen),
            _ => (K::ConstraintChanged, Variance::Both),
        };
        let texts = Texts {
            added: old.map_or_else(String::new, |p| format!("{subject} not matching `{p}`")),
            removed: new.map_or_else(String::new, |p| format!("{subject} not matching `{p}`")),
        };
        self.constraint_change(kind, variance, &texts, detail, site);
    }

    /// A string format that changed while the Rust type stayed `String`. A new format narrows
    /// the values (only strings of that form are valid), a removed one widens them, another
    /// one does both: clients and servers that parse the value as the old format break. The
    /// generated code checks no format, so no generated item changes.
    fn format(&mut self, old: Option<&str>, new: Option<&str>, site: &Site) {
        if [old, new]
            .into_iter()
            .flatten()
            .any(|f| TYPED_FORMATS.contains(&f))
        {
            return;
        }
        let subject = &site.subject;
        let show = |f: Option<&str>| f.map_or("none".to_string(), |f| format!("`{f}`"));
        let detail = format!("format {} → {}", show(old), show(new));
        let (variance, texts) = match (old, new) {
            (None, None) => return,
            (None, Some(n)) => (
                Variance::Narrow,
                Texts {
                    added: String::new(),
                    removed: format!("{subject} in a form other than format `{n}`"),
                },
            ),
            (Some(o), None) => (
                Variance::Widen,
                Texts {
                    added: format!("{subject} in any form, not only format `{o}`"),
                    removed: String::new(),
                },
            ),
            (Some(o), Some(n)) => (
                Variance::Both,
                Texts {
                    added: format!("{subject} in format `{n}`"),
                    removed: format!("{subject} in format `{o}`"),
                },
            ),
        };
        let d = super::classify::Draft::new(K::FormatChanged, &site.place, subject.clone())
            .detail(detail)
            .wire(variance, &texts);
        self.push(d);
    }

    fn constraint_change(
        &mut self,
        kind: K,
        variance: Variance,
        texts: &Texts,
        detail: String,
        site: &Site,
    ) {
        let mut d = super::classify::Draft::new(kind, &site.place, site.subject.clone())
            .detail(detail)
            .wire(variance, texts);
        if let Some(item) = &site.checked_by {
            d = d.item(item.clone());
        }
        self.push(d);
    }
}
