//! Validity times ([RFC 5280 section 4.1.2.5]) read straight from their DER, as the `der`
//! crate reads them.
//!
//! [RFC 5280 section 4.1.2.5]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5

use std::time::Duration;

use pki_types::UnixTime;

use crate::der::tlv;

/// `time` in RFC 3339 UTC at seconds precision (`2026-06-01T00:00:00Z`), as reports write
/// every time; `@<seconds>` for a time the `der` crate cannot write (past year 9999).
pub(crate) fn format_time(time: UnixTime) -> String {
    match ::der::DateTime::from_unix_duration(Duration::from_secs(time.as_secs())) {
        Ok(dt) => dt.to_string(),
        Err(_) => format!("@{}", time.as_secs()),
    }
}

/// [`format_time`] for serde's `serialize_with`, so every time in the JSON has one form.
#[cfg(feature = "json")]
pub(crate) fn serialize_time<S: serde::Serializer>(t: &UnixTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_time(*t))
}

/// A UTCTime `YYMMDDHHMMSSZ` or GeneralizedTime `YYYYMMDDHHMMSSZ` ([RFC 5280 section
/// 4.1.2.5]) as Unix seconds, from 1970 on, as the `der` crate reads it, and what follows
/// it; `None` for anything else, which the `der` crate then reads.
///
/// [RFC 5280 section 4.1.2.5]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5
pub(super) fn time(input: &[u8]) -> Option<(u64, &[u8])> {
    let (year, digits, rest) = match input.first()? {
        0x17 => {
            let (t, rest) = tlv(input, 0x17)?;
            let (&[y1, y2], digits) = t.split_first_chunk::<2>()?;
            let yy = u64::from(decimal(y1, y2)?);
            // RFC 5280 section 4.1.2.5.1: YY >= 50 is 19YY, else 20YY.
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, digits, rest)
        }
        0x18 => {
            let (t, rest) = tlv(input, 0x18)?;
            let (&[y1, y2, y3, y4], digits) = t.split_first_chunk::<4>()?;
            let year = u64::from(decimal(y1, y2)?) * 100 + u64::from(decimal(y3, y4)?);
            (year, digits, rest)
        }
        _ => return None,
    };
    let &[m1, m2, d1, d2, h1, h2, n1, n2, s1, s2, b'Z'] = digits else {
        return None;
    };
    let (month, day) = (decimal(m1, m2)?, decimal(d1, d2)?);
    let (hour, minute, second) = (decimal(h1, h2)?, decimal(n1, n2)?, decimal(s1, s2)?);
    // Gregorian: every 4th year is a leap year, but of the centuries only every 4th.
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if year < 1970 || day == 0 || day > month_days || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_from_civil(year, u64::from(month), u64::from(day));
    let secs = days * 86_400 + u64::from(hour) * 3600 + u64::from(minute) * 60 + u64::from(second);
    Some((secs, rest))
}

/// Two ASCII digits as their decimal value.
fn decimal(high: u8, low: u8) -> Option<u8> {
    (high.is_ascii_digit() && low.is_ascii_digit()).then(|| (high - b'0') * 10 + (low - b'0'))
}

/// Days from 1970-01-01 to a date from 1970 on (H. Hinnant, "chrono-Compatible Low-Level
/// Date Algorithms", `days_from_civil`: the year starts in March so that a leap day ends
/// it).
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Decode;
    #[test]
    fn fast_time_agrees_with_der() {
        let mut accepted = 0;
        for year in 1965..=2101u32 {
            for month in 0..=13u32 {
                for day in [0, 1, 15, 28, 29, 30, 31, 32] {
                    let (h, m, s) = match (year + month + day) % 4 {
                        0 => (0, 0, 0),
                        1 => (23, 59, 59),
                        2 => (24, 0, 0),
                        _ => (12, 60, 60),
                    };
                    let body = format!("{month:02}{day:02}{h:02}{m:02}{s:02}Z");
                    let general = format!("{year:04}{body}");
                    let mut tlv = vec![0x18, general.len() as u8];
                    tlv.extend_from_slice(general.as_bytes());
                    let full = der::asn1::GeneralizedTime::from_der(&tlv)
                        .map(|t| t.to_unix_duration().as_secs());
                    if let Some((secs, [])) = time(&tlv) {
                        assert_eq!(full, Ok(secs), "{general}");
                        accepted += 1;
                    } else {
                        assert!(full.is_err(), "{general} refused by the fast path only");
                    }
                    let utc = format!("{:02}{body}", year % 100);
                    let mut tlv = vec![0x17, utc.len() as u8];
                    tlv.extend_from_slice(utc.as_bytes());
                    let full =
                        der::asn1::UtcTime::from_der(&tlv).map(|t| t.to_unix_duration().as_secs());
                    match time(&tlv) {
                        Some((secs, [])) => assert_eq!(full, Ok(secs), "{utc}"),
                        _ => assert!(full.is_err(), "{utc} refused by the fast path only"),
                    }
                }
            }
        }
        assert!(accepted > 4_000, "{accepted}");
        for bad in [
            &b"\x17\x0d2601010000a0Z"[..],
            b"\x17\x0c260101000000",
            b"\x18\x0d2601010000000",
        ] {
            assert_eq!(time(bad), None);
        }
    }

    /// The `der` crate's reading of the time TLV that starts `input`, and what follows it.
    fn der_time(input: &[u8]) -> Option<(u64, &[u8])> {
        let mut reader = der::SliceReader::new(input).ok()?;
        let time = match input.first()? {
            0x17 => der::asn1::UtcTime::decode(&mut reader)
                .ok()?
                .to_unix_duration(),
            0x18 => der::asn1::GeneralizedTime::decode(&mut reader)
                .ok()?
                .to_unix_duration(),
            _ => return None,
        };
        let read = usize::try_from(u32::from(der::Reader::position(&reader))).ok()?;
        Some((time.as_secs(), input.get(read..)?))
    }

    /// [`time`] and [`der_time`] agree on `input`, and on `input` with bytes after it.
    fn assert_time_agrees(input: &[u8]) -> Option<u64> {
        let fast = time(input);
        assert_eq!(fast, der_time(input), "{input:02x?}");
        let mut longer = input.to_vec();
        longer.extend_from_slice(&[0x18, 0x0f, b'2']);
        assert_eq!(time(&longer), der_time(&longer), "{longer:02x?}");
        fast.map(|(secs, _)| secs)
    }

    /// A GeneralizedTime TLV for these fields, or with `general` false a UTCTime one.
    fn time_tlv(general: bool, [year, month, day, h, m, s]: [u32; 6]) -> Vec<u8> {
        let body = format!("{month:02}{day:02}{h:02}{m:02}{s:02}Z");
        let (tag, text) = if general {
            (0x18, format!("{year:04}{body}"))
        } else {
            (0x17, format!("{:02}{body}", year % 100))
        };
        [&[tag, text.len() as u8][..], text.as_bytes()].concat()
    }

    /// The reader against the `der` crate on a calendar grid
    /// around every boundary: the years the readers treat apart (UTCTime's 1950/2049 pivot,
    /// 1970, the century leap rules, 9999), every day 0 to 32 of months 0 to 13, and clocks
    /// at and past their limits.
    #[test]
    fn time_reader_agrees_on_dates() {
        let years = (1965..=2105).chain([
            0, 1, 4, 99, 100, 400, 1600, 1896, 1899, 1900, 1904, 1949, 1950, 2200, 2400, 2800,
            9896, 9900, 9996, 9999,
        ]);
        let clocks = [
            [0, 0, 0],
            [23, 59, 59],
            [24, 0, 0],
            [23, 60, 0],
            [23, 59, 60],
            [99, 99, 99],
            [12, 34, 56],
            [19, 9, 30],
        ];
        let (mut accepted, mut leap_days) = (0, 0);
        for year in years {
            for month in (0..=13).chain([19, 20, 99]) {
                for day in 0..=32 {
                    for (i, [h, m, s]) in clocks.into_iter().enumerate() {
                        // Every clock on the days around the month's end, one elsewhere.
                        if day % 28 > 3 && i != (year + month + day) as usize % clocks.len() {
                            continue;
                        }
                        for general in [false, true] {
                            let tlv = time_tlv(general, [year, month, day, h, m, s]);
                            let secs = assert_time_agrees(&tlv);
                            let full = if general {
                                der::asn1::GeneralizedTime::from_der(&tlv)
                                    .map(|t| t.to_unix_duration().as_secs())
                            } else {
                                der::asn1::UtcTime::from_der(&tlv)
                                    .map(|t| t.to_unix_duration().as_secs())
                            };
                            match secs {
                                Some(secs) => assert_eq!(full, Ok(secs), "{tlv:02x?}"),
                                None => assert!(full.is_err(), "{tlv:02x?} fast refuses"),
                            }
                            accepted += usize::from(secs.is_some());
                            leap_days += usize::from(secs.is_some() && month == 2 && day == 29);
                        }
                    }
                }
            }
        }
        println!("{accepted} accepted, {leap_days} of them on February 29");
        assert!(
            accepted > 50_000 && leap_days > 40,
            "{accepted} {leap_days}"
        );
    }

    /// The reader against the `der` crate with every byte of valid times replaced by
    /// every value (digits, their ASCII neighbours and the rest), on every prefix, and on
    /// random strings of 0 to 20 bytes that are mostly digits in the right frame.
    #[test]
    fn time_reader_agrees_on_damaged_and_random_bytes() {
        let bases = [
            time_tlv(false, [2026, 5, 31, 23, 59, 59]),
            time_tlv(false, [2000, 2, 29, 0, 0, 0]),
            time_tlv(false, [1970, 1, 1, 0, 0, 0]),
            time_tlv(false, [2049, 12, 31, 12, 0, 0]),
            time_tlv(true, [2050, 1, 1, 0, 0, 0]),
            time_tlv(true, [9999, 12, 31, 23, 59, 59]),
            time_tlv(true, [2400, 2, 29, 1, 2, 3]),
            time_tlv(true, [1970, 1, 1, 0, 0, 0]),
        ];
        let mut accepted = 0;
        for base in &bases {
            assert!(assert_time_agrees(base).is_some(), "{base:02x?}");
            for end in 0..base.len() {
                assert_eq!(assert_time_agrees(&base[..end]), None);
            }
            for at in 0..base.len() {
                for byte in 0..=255 {
                    let mut damaged = base.clone();
                    damaged[at] = byte;
                    accepted += usize::from(assert_time_agrees(&damaged).is_some());
                }
            }
        }
        assert!(accepted > 500, "{accepted}");
        // SplitMix64 (Steele et al. 2014): a fixed seed, so every run checks the same strings.
        let mut state = 0x5eed_u64;
        let mut next = move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let mut random_accepted = 0;
        for _ in 0..200_000 {
            let bytes = if next() % 3 == 0 {
                // Random bytes of 0 to 20, mostly digits, mostly in one type's frame: tag,
                // length, a Z at its end.
                let len = (next() % 21) as usize;
                let mut bytes: Vec<u8> = (0..len)
                    .map(|_| match next() % 16 {
                        0 => next() as u8,
                        1 => [b'/', b':', b'Z', 0x00, 0xb0, 0x3f][(next() % 6) as usize],
                        _ => b'0' + (next() % 10) as u8,
                    })
                    .collect();
                if next() % 8 != 0 && len >= 2 {
                    let general = next() % 2 == 0;
                    bytes[0] = if general { 0x18 } else { 0x17 };
                    bytes[1] = if general { 15 } else { 13 };
                    if let Some(z) = bytes.get_mut(if general { 16 } else { 14 }) {
                        *z = b'Z';
                    }
                }
                bytes
            } else {
                // Random fields, each a little past its range, and sometimes one byte
                // changed to anything.
                let year = if next() % 2 == 0 {
                    1940 + next() % 220
                } else {
                    next() % 10_000
                };
                let mut ranges = [60, 13, 32, 24, 60, 60].map(|max| next() % (max + 1));
                ranges[0] = year;
                let mut bytes = time_tlv(next() % 2 == 0, ranges.map(|v| v as u32));
                if next() % 4 == 0 {
                    let at = (next() % bytes.len() as u64) as usize;
                    bytes[at] = next() as u8;
                }
                bytes
            };
            random_accepted += usize::from(assert_time_agrees(&bytes).is_some());
        }
        println!("{random_accepted} random strings accepted");
        assert!(random_accepted > 20_000, "{random_accepted}");
    }
}
