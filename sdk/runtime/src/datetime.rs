//! Date-times as tenants send them, for the generated models'
//! `#[serde(with = "sailpoint_runtime::datetime")]` fields
//! (`codegen/src/generate/models/datetimes.rs` writes the attributes).
//!
//! Accepted: RFC 3339 (`2024-01-31T10:00:00Z`, `...10:00:00.123456+02:00`),
//! the same with a space for `T` or an offset without a colon (`+0200`), and
//! without any offset (`2024-01-31T10:00:00`, `...10:00:00.5`), which is
//! taken as UTC: SailPoint stores and sends UTC. Also Java's
//! `Date.toString()` form some task results carry (`Mon Aug 21 14:57:39 CDT
//! 2023`), for the zones in [`JAVA_ZONES`], and Go's `time.Time` text
//! (`2009-11-10 23:00:00 +0000 UTC`, the zone name after a numeric offset,
//! which is what counts), which some connector-built values carry.
//!
//! Fields are `DateTime<FixedOffset>`: the offset a value was sent with is
//! kept, so `2024-01-01T00:00:00-05:00` is written back as it came, not as
//! the same instant in UTC. A value without an offset reads as UTC, and
//! Java's and Go's forms with the offset they name. Values are written in
//! RFC 3339, with `Z` for a zero offset (as SailPoint sends them).
//!
//! Refused, with an error quoting the value: anything else, including `""`
//! for a required field. A response that fails this way names the field's
//! path too ([`decode_success`](crate::decode_success)):
//! `[3].created: invalid date-time "31/01/2024" ...`. An optional field ([`option`]) reads `null` and
//! `""` as `None`: an empty string is no instant, and never becomes "now"
//! or the epoch.

use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat};
use serde::{Deserialize, Deserializer, Serializer};

/// Parses a date-time in one of the accepted forms (see the module docs).
pub fn parse(text: &str) -> Result<DateTime<FixedOffset>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t);
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Ok(t);
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(t.and_utc().fixed_offset());
        }
    }
    if let Some(t) = parse_java(text).or_else(|| parse_go(text)) {
        return Ok(t);
    }
    let shown: String = text.chars().take(64).collect();
    let more = if shown.len() < text.len() { "..." } else { "" };
    Err(format!(
        "invalid date-time \"{shown}{more}\": expected RFC 3339 such as 2024-01-31T10:00:00Z"
    ))
}

/// RFC 3339 text of `value`, with `Z` for a zero offset and as many
/// fraction digits (none, 3, 6 or 9) as it needs.
pub fn format(value: &DateTime<FixedOffset>) -> String {
    value.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The zone abbreviations read in Java's `Date.toString()` form, with
/// their offsets in hours: UTC and the US zones SailPoint's servers use.
pub const JAVA_ZONES: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("EST", -5),
    ("EDT", -4),
    ("CST", -6),
    ("CDT", -5),
    ("MST", -7),
    ("MDT", -6),
    ("PST", -8),
    ("PDT", -7),
];

/// `Mon Aug 21 14:57:39 CDT 2023`.
fn parse_java(text: &str) -> Option<DateTime<FixedOffset>> {
    let words: Vec<&str> = text.split(' ').collect();
    let [weekday, month, day, time, zone, year] = words.as_slice() else {
        return None;
    };
    let hours = JAVA_ZONES.iter().find(|(name, _)| name == zone)?.1;
    let offset = chrono::FixedOffset::east_opt(hours * 3600)?;
    let local = NaiveDateTime::parse_from_str(
        &format!("{weekday} {month} {day} {time} {year}"),
        "%a %b %d %H:%M:%S %Y",
    )
    .ok()?;
    local.and_local_timezone(offset).single()
}

/// `2009-11-10 23:00:00.5 +0000 UTC`, as Go's `time.Time.String()` writes
/// it (a monotonic clock reading ` m=+0.01` after it is ignored).
fn parse_go(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = match text.split_once(" m=") {
        Some((time, _)) => time,
        None => text,
    };
    let (time, zone) = text.rsplit_once(' ')?;
    let named = !zone.is_empty()
        && zone
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-');
    if !named {
        return None;
    }
    DateTime::parse_from_str(time, "%Y-%m-%d %H:%M:%S%.f %z").ok()
}

/// Reads a required date-time in one of the accepted forms.
pub fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<DateTime<FixedOffset>, D::Error> {
    let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
    parse(&text).map_err(serde::de::Error::custom)
}

/// Writes RFC 3339 in the value's offset ([`format`]).
pub fn serialize<S: Serializer>(
    value: &DateTime<FixedOffset>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(value))
}

/// For `Option<DateTime<FixedOffset>>` fields: `null` and `""` are `None`.
pub mod option {
    use super::*;

    /// Reads an optional date-time: `null` and `""` are `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
        match <Option<std::borrow::Cow<'de, str>>>::deserialize(deserializer)? {
            None => Ok(None),
            Some(text) if text.is_empty() => Ok(None),
            Some(text) => parse(&text).map(Some).map_err(serde::de::Error::custom),
        }
    }

    /// Writes `None` as `null` (fields skip it before).
    pub fn serialize<S: Serializer>(
        value: &Option<DateTime<FixedOffset>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => super::serialize(value, serializer),
            None => serializer.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    #[test]
    fn tenant_forms_parse_to_the_same_instant() {
        let expected = "2024-01-31T10:00:00Z";
        for text in [
            "2024-01-31T10:00:00Z",
            "2024-01-31T10:00:00.000Z",
            "2024-01-31T12:00:00+02:00",
            "2024-01-31T12:00:00+0200",
            "2024-01-31T10:00:00",
            "2024-01-31 10:00:00",
            "2024-01-31T10:00:00.000",
            "Wed Jan 31 04:00:00 CST 2024",
            "2024-01-31 10:00:00 +0000 UTC",
            "2024-01-31 04:00:00.000 -0600 CST",
            "2024-01-31 11:00:00 +0100 CET m=+0.000000001",
        ] {
            assert_eq!(
                parse(text).map(|t| format(&t.with_timezone(&Utc).fixed_offset())),
                Ok(expected.to_string()),
                "{text}"
            );
        }
        assert_eq!(
            parse("2024-01-31T10:00:00.123456Z").map(|t| t.timestamp_subsec_micros()),
            Ok(123456)
        );
    }

    #[test]
    fn the_offset_sent_is_kept_and_a_value_without_one_is_utc() {
        for (sent, written) in [
            ("2024-01-01T00:00:00-05:00", "2024-01-01T00:00:00-05:00"),
            (
                "2024-01-01T00:00:00.250+05:30",
                "2024-01-01T00:00:00.250+05:30",
            ),
            ("2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z"),
            ("2024-01-01T00:00:00", "2024-01-01T00:00:00Z"),
            ("2024-01-01 00:00:00-0500", "2024-01-01T00:00:00-05:00"),
            ("Mon Jan 01 00:00:00 CDT 2024", "2024-01-01T00:00:00-05:00"),
        ] {
            assert_eq!(
                parse(sent).map(|t| format(&t)),
                Ok(written.to_owned()),
                "{sent}"
            );
        }
        let mut json = Vec::new();
        let at = parse("2024-01-01T00:00:00-05:00");
        if let Ok(at) = &at {
            let _ = serialize(at, &mut serde_json::Serializer::new(&mut json));
        }
        assert_eq!(json, b"\"2024-01-01T00:00:00-05:00\"");
    }

    #[test]
    fn nonsense_and_empty_are_errors_quoting_the_value() {
        assert_eq!(
            parse("yesterday"),
            Err(
                "invalid date-time \"yesterday\": expected RFC 3339 such as 2024-01-31T10:00:00Z"
                    .into()
            )
        );
        assert!(parse("").is_err());
        assert!(parse("2024-13-01T00:00:00Z").is_err());
        assert!(parse("2020-09-07T42:14:00.364Z").is_err());
        assert!(parse("Wed Jan 31 04:00:00 XYZ 2024").is_err());
        assert!(
            parse("2024-01-31 10:00:00 UTC").is_err(),
            "a zone name alone"
        );
        assert!(parse("2024-01-31 10:00:00 +0000 ").is_err());
    }
}
