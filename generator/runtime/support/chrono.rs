// Part of `src/support.rs` when the API has `date` or `date-time` values (dependency `chrono`).

impl Validate for ::chrono::NaiveDate {
    fn validate_into(&self, _: &str, _: &mut Vec<ValidationError>) {}
}

/// A `date-time` as it travels: an instant, and the form it was written in.
///
/// Servers do not all write RFC 3339. A time without an offset (`2024-01-02T03:04:05.123`, as
/// many .NET and Python servers send) is read as UTC and remembered as offset-less; a time
/// without seconds (`2016-09-27T14:55Z`) is read too; seconds since 1970 (AWS's JSON APIs send
/// `1481841524.0` where their specs say `date-time`), as a JSON number or as a string of
/// digits, are read as UTC. Each is written back as it came, and an offset such as `+02:00`
/// is kept, not rewritten as `Z`. Build one from any `chrono::DateTime` (`Utc::now().into()`,
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
    /// Seconds since 1970 as a JSON number, integer or with a fraction.
    EpochNumber { fraction: bool },
    /// Seconds since 1970 as a string of digits, with this many decimals.
    EpochText { decimals: u8 },
}

impl DateTime {
    /// The same instant in UTC.
    pub fn to_utc(&self) -> ::chrono::DateTime<::chrono::Utc> {
        self.value.with_timezone(&::chrono::Utc)
    }

    /// Whether the value says which instant it is: it named an offset, or counted seconds
    /// since 1970 (values built in Rust always do); `false` for a time without an offset.
    pub fn offset_given(&self) -> bool {
        !matches!(
            self.form,
            Form::Local { .. } | Form::Minutes { offset: false }
        )
    }

    /// Reads the forms of `date-time` servers send: RFC 3339, a space instead of `T`, a time
    /// without an offset (read as UTC) or without seconds, and seconds since 1970 written as
    /// digits.
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
        epoch_text(text).ok_or_else(|| {
            format!("`{text}` is not a date-time (RFC 3339, e.g. 2024-01-02T03:04:05Z)")
        })
    }

    /// Seconds since 1970 and their nanoseconds, as a JSON number.
    fn from_epoch(seconds: i64, nanos: u32, fraction: bool) -> Option<Self> {
        let value = ::chrono::DateTime::from_timestamp(seconds, nanos)?;
        Some(DateTime {
            value: value.fixed_offset(),
            form: Form::EpochNumber { fraction },
        })
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

/// Seconds since 1970 written as digits with an optional fraction (`1481841524.0`).
fn epoch_text(text: &str) -> Option<DateTime> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 9 {
        return None;
    }
    let seconds: i64 = whole.parse().ok()?;
    let nanos: u32 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<9}").parse().ok()?
    };
    let value = ::chrono::DateTime::from_timestamp(seconds, nanos)?;
    Some(DateTime {
        value: value.fixed_offset(),
        form: Form::EpochText {
            decimals: u8::try_from(fraction.len()).ok()?,
        },
    })
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
            Form::EpochNumber { fraction: false } => write!(f, "{}", self.value.timestamp()),
            Form::EpochNumber { fraction: true } => write!(f, "{}", self.epoch_seconds()),
            Form::EpochText { decimals } => {
                write!(f, "{}", self.value.timestamp())?;
                fraction(f, decimals)
            }
        }
    }
}

impl DateTime {
    /// Seconds since 1970 with their fraction, as the number they were read from.
    fn epoch_seconds(&self) -> f64 {
        // Seconds and nanoseconds, each exact, add up to the nearest `f64` of the number read.
        self.value.timestamp() as f64 + f64::from(self.value.timestamp_subsec_nanos()) / 1e9
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
        match self.form {
            Form::EpochNumber { fraction: false } => {
                serializer.serialize_i64(self.value.timestamp())
            }
            Form::EpochNumber { fraction: true } => serializer.serialize_f64(self.epoch_seconds()),
            _ => serializer.collect_str(self),
        }
    }
}

impl<'de> ::serde::Deserialize<'de> for DateTime {
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl ::serde::de::Visitor<'_> for Visitor {
            type Value = DateTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date-time")
            }
            fn visit_str<E: ::serde::de::Error>(self, text: &str) -> Result<DateTime, E> {
                DateTime::parse(text).map_err(E::custom)
            }
            fn visit_i64<E: ::serde::de::Error>(self, seconds: i64) -> Result<DateTime, E> {
                DateTime::from_epoch(seconds, 0, false).ok_or_else(|| {
                    E::custom(format!("{seconds} seconds since 1970 is out of range"))
                })
            }
            fn visit_u64<E: ::serde::de::Error>(self, seconds: u64) -> Result<DateTime, E> {
                let seconds = i64::try_from(seconds).map_err(|_| {
                    E::custom(format!("{seconds} seconds since 1970 is out of range"))
                })?;
                self.visit_i64(seconds)
            }
            fn visit_f64<E: ::serde::de::Error>(self, seconds: f64) -> Result<DateTime, E> {
                let whole = seconds.floor();
                let nanos = ((seconds - whole) * 1e9).round().min(999_999_999.0);
                let out_of_range =
                    || E::custom(format!("{seconds} seconds since 1970 is out of range"));
                if !whole.is_finite() || whole.abs() > 1e15 {
                    return Err(out_of_range());
                }
                // In range, as checked: both fit their integer types.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                DateTime::from_epoch(whole as i64, nanos as u32, true).ok_or_else(out_of_range)
            }
        }
        deserializer.deserialize_any(Visitor)
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
    fn minutes_and_seconds_since_1970_are_read_and_written_back_alike() {
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
        assert_eq!(round_trip("2021-09-17 21:59:03Z"), "2021-09-17T21:59:03Z");
        assert_eq!(round_trip("1481841524.0"), "1481841524.0");
        assert_eq!(round_trip("1617954808.068"), "1617954808.068");
        assert_eq!(round_trip("1481841524"), "1481841524");
        let text = DateTime::parse("1481841524.5").unwrap();
        assert_eq!(text.to_utc().to_rfc3339(), "2016-12-15T22:38:44.500+00:00");
        assert!(text.offset_given());
        // One instant, however written.
        assert_eq!(
            DateTime::parse("2021-09-17T21:59:03.888000+00:00").unwrap(),
            DateTime::parse("2021-09-17T23:59:03.888+02:00").unwrap()
        );
        let minutes = DateTime::parse("2016-09-27T14:55+02:00").unwrap();
        assert_eq!(minutes.to_utc().to_rfc3339(), "2016-09-27T12:55:00+00:00");
        for number in [
            ::serde_json::json!(1481841524),
            ::serde_json::json!(1617954808.068),
            ::serde_json::json!(1481841524.0),
        ] {
            let value: DateTime = ::serde_json::from_value(number.clone()).unwrap();
            assert_eq!(::serde_json::to_value(value).unwrap(), number);
        }
        let number: DateTime = ::serde_json::from_value(::serde_json::json!(1481841524)).unwrap();
        assert_eq!(number.to_utc().to_rfc3339(), "2016-12-15T22:38:44+00:00");
        for bad in ["12:00", "1481841524.0000000001", "-5", "1.2.3", ""] {
            assert!(DateTime::parse(bad).is_err(), "{bad}");
        }
        assert!(::serde_json::from_value::<DateTime>(::serde_json::json!(1e300)).is_err());
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
