// Part of `src/support.rs` when the API has `date` or `date-time` values (dependency `chrono`).

impl Validate for ::chrono::NaiveDate {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}

/// A `date-time` as it travels: an instant, and the form it was written in.
///
/// Servers do not all write RFC 3339. A time without an offset (`2024-01-02T03:04:05.123`, as
/// many .NET and Python servers send) is read as UTC and remembered as offset-less; a time
/// without seconds (`2016-09-27T14:55Z`) is read too. Each is written back as it came (the
/// fraction's digits, `Z` or `+00:00`), and an offset such as `+02:00` is kept, not rewritten
/// as `Z`. Seconds since 1970 are not a `date-time`: a server must refuse them. Build one from any `chrono::DateTime` (`Utc::now().into()`,
/// sent as RFC 3339); read it through `Deref` as a `chrono::DateTime<FixedOffset>`, or with
/// [`DateTime::to_utc`]. Two values are equal when they are the same instant, however written.
#[derive(Clone, Copy)]
pub struct DateTime {
    value: ::chrono::DateTime<::chrono::FixedOffset>,
    form: Form,
}

impl PartialEq for DateTime {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl Eq for DateTime {}

impl std::hash::Hash for DateTime {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTime {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

/// How a [`DateTime`] was written, so that it is written back alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// RFC 3339, with its offset written as `Z` or not, and this many digits of the seconds'
    /// fraction (`None`: as many as the value needs, for values built in Rust).
    Offset { zulu: bool, digits: Option<u8> },
    /// Date and time without an offset, with this many digits of the seconds' fraction.
    Local { digits: u8 },
    /// Hours and minutes only, with an offset or without.
    Minutes { offset: bool },
}

impl DateTime {
    /// The same instant in UTC.
    pub fn to_utc(&self) -> ::chrono::DateTime<::chrono::Utc> {
        self.value.with_timezone(&::chrono::Utc)
    }

    /// Whether the text it was read from named an offset (values built in Rust always do).
    pub fn offset_given(&self) -> bool {
        !matches!(
            self.form,
            Form::Local { .. } | Form::Minutes { offset: false }
        )
    }

    /// Reads the forms of `date-time` servers send: RFC 3339, a space instead of `T`, a time
    /// without an offset (read as UTC) or without seconds.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let spaced = text.replacen(' ', "T", 1);
        let digits = Some(fraction_digits(text));
        for candidate in [text, spaced.as_str()] {
            if let Ok(value) = ::chrono::DateTime::parse_from_rfc3339(candidate) {
                let zulu = candidate.ends_with(['Z', 'z']);
                return Ok(DateTime {
                    value,
                    form: Form::Offset { zulu, digits },
                });
            }
        }
        let local = |naive: ::chrono::NaiveDateTime| naive.and_utc().fixed_offset();
        if let Ok(naive) = ::chrono::NaiveDateTime::parse_from_str(&spaced, "%Y-%m-%dT%H:%M:%S%.f")
        {
            return Ok(DateTime {
                value: local(naive),
                form: Form::Local {
                    digits: fraction_digits(text),
                },
            });
        }
        if let Ok(naive) = ::chrono::NaiveDateTime::parse_from_str(&spaced, "%Y-%m-%dT%H:%M") {
            return Ok(DateTime {
                value: local(naive),
                form: Form::Minutes { offset: false },
            });
        }
        let zoned = match spaced.strip_suffix(['Z', 'z']) {
            Some(utc) => format!("{utc}+00:00"),
            None => spaced.clone(),
        };
        if let Ok(value) = ::chrono::DateTime::parse_from_str(&zoned, "%Y-%m-%dT%H:%M%:z") {
            return Ok(DateTime {
                value,
                form: Form::Minutes { offset: true },
            });
        }
        Err(format!(
            "`{text}` is not a date-time (RFC 3339, e.g. 2024-01-02T03:04:05Z)"
        ))
    }
}

/// How many digits the seconds' fraction of a date-time text has (`05.120Z`: 3).
fn fraction_digits(text: &str) -> u8 {
    let Some((_, time)) = text.split_once(['T', 't', ' ']) else {
        return 0;
    };
    let Some((_, fraction)) = time.split_once('.') else {
        return 0;
    };
    let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
    u8::try_from(digits.min(9)).unwrap_or(9)
}

impl<Tz: ::chrono::TimeZone> From<::chrono::DateTime<Tz>> for DateTime {
    fn from(value: ::chrono::DateTime<Tz>) -> Self {
        DateTime {
            value: value.fixed_offset(),
            form: Form::Offset {
                zulu: true,
                digits: None,
            },
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
        let utc = self.value.naive_utc();
        let offset = |f: &mut fmt::Formatter<'_>| match self.value.offset().local_minus_utc() {
            0 => f.write_str("Z"),
            _ => write!(f, "{}", self.value.format("%:z")),
        };
        let fraction = |f: &mut fmt::Formatter<'_>, digits: u8| {
            if digits == 0 {
                return Ok(());
            }
            let nanos = format!("{:09}", self.value.timestamp_subsec_nanos());
            write!(f, ".{}", &nanos[..usize::from(digits.min(9))])
        };
        match self.form {
            Form::Offset { digits: None, .. } => f.write_str(
                &self
                    .value
                    .to_rfc3339_opts(::chrono::SecondsFormat::AutoSi, true),
            ),
            Form::Offset {
                zulu,
                digits: Some(digits),
            } => {
                write!(
                    f,
                    "{}",
                    self.value.naive_local().format("%Y-%m-%dT%H:%M:%S")
                )?;
                fraction(f, digits)?;
                match self.value.offset().local_minus_utc() {
                    0 if zulu => f.write_str("Z"),
                    _ => write!(f, "{}", self.value.format("%:z")),
                }
            }
            Form::Local { digits } => {
                write!(f, "{}", utc.format("%Y-%m-%dT%H:%M:%S"))?;
                fraction(f, digits)
            }
            Form::Minutes { offset: false } => write!(f, "{}", utc.format("%Y-%m-%dT%H:%M")),
            Form::Minutes { offset: true } => {
                write!(f, "{}", self.value.naive_local().format("%Y-%m-%dT%H:%M"))?;
                offset(f)
            }
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
    fn minutes_fractions_and_the_spelling_of_utc_are_written_back_alike() {
        assert_eq!(round_trip("2016-09-27T14:55Z"), "2016-09-27T14:55Z");
        assert_eq!(
            round_trip("2016-09-27T14:55+02:00"),
            "2016-09-27T14:55+02:00"
        );
        assert_eq!(round_trip("2016-09-27T14:55"), "2016-09-27T14:55");
        // The fraction's digits and the spelling of UTC, as they came (AWS writes Python's).
        assert_eq!(
            round_trip("2021-09-17T21:59:03.888000+00:00"),
            "2021-09-17T21:59:03.888000+00:00"
        );
        assert_eq!(
            round_trip("2021-09-17T21:59:03.1Z"),
            "2021-09-17T21:59:03.1Z"
        );
        assert_eq!(
            round_trip("2021-09-17T21:59:03.10"),
            "2021-09-17T21:59:03.10"
        );
        // One instant, however written.
        assert_eq!(
            DateTime::parse("2021-09-17T21:59:03.888000+00:00").unwrap(),
            DateTime::parse("2021-09-17T23:59:03.888+02:00").unwrap()
        );
        let minutes = DateTime::parse("2016-09-27T14:55+02:00").unwrap();
        assert_eq!(minutes.to_utc().to_rfc3339(), "2016-09-27T12:55:00+00:00");
        // Seconds since 1970 are no date-time: a server refuses them.
        for bad in ["12:00", "1481841524.0", "0", ""] {
            assert!(DateTime::parse(bad).is_err(), "{bad}");
        }
        assert!(::serde_json::from_value::<DateTime>(::serde_json::json!(1481841524)).is_err());
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
