//! The x509-limbo suite as the harness reads it: the schema (only the fields a SERVER harness
//! needs; serde ignores the rest), where to find `limbo.json`, and the validation time.
//!
//! Schema: `limbo-schema.json` beside `limbo.json` (C2SP/x509-limbo, version 1).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use certdeps::UnixTime;
use serde::Deserialize;

/// The environment variable naming `limbo.json`.
pub(crate) const LIMBO_JSON: &str = "LIMBO_JSON";

/// Where the suite is when the repository is checked out beside `shared/` (as in CI).
pub(crate) const DEFAULT_PATH: &str = "../shared/x509-limbo/limbo.json";

/// The time used when a testcase gives none ("now" in the schema): 2026-06-01T00:00:00Z, the
/// same instant as the test PKI's `NOW` (`tests/pki`). The generated certificates are valid from 1970 to
/// about 2969, so any fixed time works; the clock is never read.
pub(crate) const NULL_TIME: u64 = 1_780_272_000;

/// The top level of `limbo.json`.
#[derive(Debug, Deserialize)]
pub(crate) struct Limbo {
    /// Schema version; 1 is the only one.
    pub(crate) version: u32,
    /// Every testcase, ids unique.
    pub(crate) testcases: Vec<Testcase>,
}

/// One testcase (fields the harness does not use are ignored).
#[derive(Debug, Deserialize)]
pub(crate) struct Testcase {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) conflicts_with: Vec<String>,
    #[serde(default)]
    pub(crate) features: Vec<String>,
    #[serde(default)]
    pub(crate) description: String,
    pub(crate) validation_kind: ValidationKind,
    pub(crate) trusted_certs: Vec<String>,
    pub(crate) untrusted_intermediates: Vec<String>,
    pub(crate) peer_certificate: String,
    pub(crate) validation_time: Option<String>,
    #[serde(default)]
    pub(crate) signature_algorithms: Vec<String>,
    #[serde(default)]
    pub(crate) key_usage: Vec<String>,
    #[serde(default)]
    pub(crate) extended_key_usage: Vec<String>,
    pub(crate) expected_result: Expected,
    pub(crate) expected_peer_name: Option<PeerName>,
    pub(crate) max_chain_depth: Option<u32>,
    #[serde(default)]
    pub(crate) crls: Vec<String>,
}

impl Testcase {
    /// The first `::`-separated component of the id (`bettertls`, `rfc5280`, ...).
    pub(crate) fn namespace(&self) -> &str {
        self.id.split("::").next().unwrap_or(&self.id)
    }
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub(crate) enum ValidationKind {
    #[serde(rename = "SERVER")]
    Server,
    #[serde(rename = "CLIENT")]
    Client,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub(crate) enum Expected {
    #[serde(rename = "SUCCESS")]
    Success,
    #[serde(rename = "FAILURE")]
    Failure,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct PeerName {
    pub(crate) kind: PeerKind,
    pub(crate) value: String,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub(crate) enum PeerKind {
    #[serde(rename = "DNS")]
    Dns,
    #[serde(rename = "IP")]
    Ip,
    #[serde(rename = "RFC822")]
    Rfc822,
}

/// The suite, or why it is not available. Parsed once per test binary and shared by the
/// tests in it.
pub(crate) fn load() -> Result<&'static Limbo, &'static str> {
    static SUITE: OnceLock<Result<Limbo, String>> = OnceLock::new();
    SUITE
        .get_or_init(|| {
            let path = locate()?;
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let limbo: Limbo = serde_json::from_str(&text)
                .map_err(|e| format!("{} is not an x509-limbo suite: {e}", path.display()))?;
            if limbo.version != 1 {
                return Err(format!(
                    "{}: schema version {} (expected 1)",
                    path.display(),
                    limbo.version
                ));
            }
            Ok(limbo)
        })
        .as_ref()
        .map_err(String::as_str)
}

/// `$LIMBO_JSON`, else [`DEFAULT_PATH`] (relative to the crate root, where cargo runs tests).
fn locate() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os(LIMBO_JSON) {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "{LIMBO_JSON}={} does not name a file",
                path.display()
            ))
        };
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_PATH);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{LIMBO_JSON} is not set and {DEFAULT_PATH} does not exist (see README, \
             \"Conformance (x509-limbo)\", for where to get limbo.json)"
        ))
    }
}

/// The validation time: `validation_time` floored to the second (limbo's
/// `rfc5280::validity::notbefore-fractional` and `notafter-fractional` expect exactly that),
/// or [`NULL_TIME`].
pub(crate) fn validation_time(tc: &Testcase) -> Result<UnixTime, String> {
    let secs = match &tc.validation_time {
        None => NULL_TIME,
        Some(text) => parse_rfc3339(text).ok_or_else(|| format!("bad validation_time {text:?}"))?,
    };
    Ok(UnixTime::since_unix_epoch(Duration::from_secs(secs)))
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|+00:00)` to whole seconds since the epoch (fraction
/// dropped). Only UTC offsets occur in the suite; any other offset is refused rather than
/// guessed.
pub(crate) fn parse_rfc3339(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u64> {
        let s = text.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &text[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    if !matches!(rest, "Z" | "z" | "+00:00" | "-00:00") {
        return None;
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    // A leap second (:60) is read as the next second's start, like webpki's own time parser.
    if second > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day)?;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: u64, month: u64, day: u64) -> Option<u64> {
    let y = i64::try_from(year).ok()? - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::try_from(month).ok()?;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::try_from(day).ok()? - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    u64::try_from(era * 146_097 + doe - 719_468).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times_floor_to_the_second() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00+00:00"), Some(0));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:03+00:00"), Some(3));
        assert_eq!(parse_rfc3339("2026-06-01T00:00:00Z"), Some(NULL_TIME));
        assert_eq!(
            parse_rfc3339("2024-03-01T00:00:00.999+00:00"),
            parse_rfc3339("2024-03-01T00:00:00+00:00")
        );
        // 2000-02-29 exists; 2024-01-01 is 19723 days after the epoch.
        assert_eq!(parse_rfc3339("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(
            parse_rfc3339("2024-01-01T00:00:00+00:00"),
            Some(19_723 * 86_400)
        );
        for bad in [
            "",
            "2024-01-01",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00+01:00",
            "2024-13-01T00:00:00Z",
            "2024-01-01T00:00:00.Z",
            "2024-01-01 00:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
