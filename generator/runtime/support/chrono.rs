// Part of `src/support.rs` when the API has `date` or `date-time` values (dependency `chrono`).

impl Validate for ::chrono::NaiveDate {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}

/// A `date-time` as it travels: an instant with the offset it was written with.
///
/// Servers do not all write RFC 3339. A time without an offset (`2024-01-02T03:04:05.123`, as
/// many .NET and Python servers send) is read as UTC and remembered as offset-less, so it is
/// written back as it came; an offset such as `+02:00` is kept, not rewritten as `Z`. Build one
/// from any `chrono::DateTime` (`Utc::now().into()`); read it through `Deref` as a
/// `chrono::DateTime<FixedOffset>`, or with [`DateTime::to_utc`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime {
    value: ::chrono::DateTime<::chrono::FixedOffset>,
    offset_given: bool,
}

impl DateTime {
    /// The same instant in UTC.
    pub fn to_utc(&self) -> ::chrono::DateTime<::chrono::Utc> {
        self.value.with_timezone(&::chrono::Utc)
    }

    /// Whether the text it was read from named an offset (values built in Rust always do).
    pub fn offset_given(&self) -> bool {
        self.offset_given
    }

    /// Reads the forms of `date-time` servers send: RFC 3339, a space instead of `T`, and a
    /// time without an offset (read as UTC).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let spaced = text.replacen(' ', "T", 1);
        for candidate in [text, spaced.as_str()] {
            if let Ok(value) = ::chrono::DateTime::parse_from_rfc3339(candidate) {
                return Ok(DateTime {
                    value,
                    offset_given: true,
                });
            }
        }
        ::chrono::NaiveDateTime::parse_from_str(&spaced, "%Y-%m-%dT%H:%M:%S%.f")
            .or_else(|_| ::chrono::NaiveDateTime::parse_from_str(&spaced, "%Y-%m-%dT%H:%M"))
            .map(|naive| DateTime {
                value: naive.and_utc().fixed_offset(),
                offset_given: false,
            })
            .map_err(|_| {
                format!("`{text}` is not a date-time (RFC 3339, e.g. 2024-01-02T03:04:05Z)")
            })
    }
}

impl<Tz: ::chrono::TimeZone> From<::chrono::DateTime<Tz>> for DateTime {
    fn from(value: ::chrono::DateTime<Tz>) -> Self {
        DateTime {
            value: value.fixed_offset(),
            offset_given: true,
        }
    }
}

impl std::ops::Deref for DateTime {
    type Target = ::chrono::DateTime<::chrono::FixedOffset>;
    fn deref(&self) -> &Self::Target {
        &self.value
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.offset_given {
            let text = self
                .value
                .to_rfc3339_opts(::chrono::SecondsFormat::AutoSi, true);
            f.write_str(&text)
        } else {
            write!(
                f,
                "{}",
                self.value.naive_utc().format("%Y-%m-%dT%H:%M:%S%.f")
            )
        }
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl std::str::FromStr for DateTime {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        DateTime::parse(text)
    }
}

impl ::serde::Serialize for DateTime {
    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> ::serde::Deserialize<'de> for DateTime {
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
        DateTime::parse(&text).map_err(<D::Error as ::serde::de::Error>::custom)
    }
}

impl Validate for DateTime {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}

#[cfg(test)]
mod date_time_tests {
    use super::DateTime;

    fn round_trip(text: &str) -> String {
        let value: DateTime = ::serde_json::from_value(::serde_json::json!(text)).unwrap();
        ::serde_json::to_value(value)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn offsets_are_kept_and_missing_ones_tolerated() {
        assert_eq!(
            round_trip("2024-01-02T03:04:05+02:00"),
            "2024-01-02T03:04:05+02:00"
        );
        assert_eq!(round_trip("2024-01-02T03:04:05Z"), "2024-01-02T03:04:05Z");
        assert_eq!(
            round_trip("2024-01-02T03:04:05.123Z"),
            "2024-01-02T03:04:05.123Z"
        );
        assert_eq!(
            round_trip("2024-01-02T03:04:05.123"),
            "2024-01-02T03:04:05.123"
        );
        assert_eq!(round_trip("2024-01-02 03:04:05"), "2024-01-02T03:04:05");
        let local = DateTime::parse("2024-01-02T03:04:05.123").unwrap();
        assert!(!local.offset_given());
        assert_eq!(local.to_utc().to_rfc3339(), "2024-01-02T03:04:05.123+00:00");
        let shifted = DateTime::parse("2024-01-02T03:04:05+02:00").unwrap();
        assert_eq!(shifted.to_utc().to_rfc3339(), "2024-01-02T01:04:05+00:00");
        assert!(::serde_json::from_value::<DateTime>(::serde_json::json!("yesterday")).is_err());
    }

    #[test]
    fn values_built_in_rust_are_sent_as_rfc_3339() {
        let now = ::chrono::DateTime::parse_from_rfc3339("2024-05-06T07:08:09Z")
            .unwrap()
            .with_timezone(&::chrono::Utc);
        let value: DateTime = now.into();
        assert_eq!(value.to_string(), "2024-05-06T07:08:09Z");
        assert_eq!(*value, now.fixed_offset());
    }
}
