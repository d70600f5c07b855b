//! The `chain` target's input format: fuzzer bytes read as a host and two certificate lists.
//!
//! Fixture references let the fuzzer reorder, repeat and cross-sign real certificates whose
//! signatures verify; synthesised certificates and repetition let a few bytes describe the
//! hostile lists a server can send (dozens of odd certificates, thousands of decoys).

use certdeps::MAX_PRESENTED_BYTES;
use pki_types::CertificateDer;

use crate::FIXTURES;
use crate::synth::{PARAMS, Synth};

/// Hosts the framing's first byte chooses from; one past the end means "no endpoint".
pub const HOSTS: &[&str] = &["a.test", "x.w.test", "192.0.2.1", "b.test", "other.test"];

/// At most this many bytes per list, counted as a TLS Certificate message counts them (3 per
/// certificate and 3 for the list): twice what a rustls client accepts, so that lists reach
/// past certdeps' [`MAX_PRESENTED_BYTES`] refusal but one input stays bounded.
const LIST_BUDGET: usize = 2 * MAX_PRESENTED_BYTES;

/// What one fuzz input describes.
#[derive(Debug, Default)]
pub struct Lists {
    /// The host the endpoint names, if any.
    pub host: Option<&'static str>,
    /// What the server presents, leaf first.
    pub presented: Vec<CertificateDer<'static>>,
    /// The intermediate pool.
    pub pool: Vec<CertificateDer<'static>>,
}

/// The item a repetition repeats.
enum Item {
    /// Fixed bytes, repeated as they are.
    Der(Vec<u8>),
    /// A synthesised shape, repeated with a fresh serial each time.
    Synth(Synth),
}

/// One list being filled, with its size so far against [`LIST_BUDGET`].
struct Filling<'a> {
    certs: &'a mut Vec<CertificateDer<'static>>,
    bytes: usize,
}

impl Filling<'_> {
    /// Appends `item` unless that would pass the budget; false when it did not fit.
    fn push(&mut self, item: &Item) -> bool {
        let der = match item {
            Item::Der(der) => der.clone(),
            Item::Synth(synth) => synth.der(u16::try_from(self.certs.len()).unwrap_or(u16::MAX)),
        };
        let bytes = self.bytes.saturating_add(3 + der.len());
        if bytes > LIST_BUDGET {
            return false;
        }
        self.bytes = bytes;
        self.certs.push(CertificateDer::from(der));
        true
    }
}

/// Reads fuzzer bytes as: a host selector byte, then items, each starting with a tag:
///
/// - `0x00..=0x7f`: fixture `tag % FIXTURES.len()`;
/// - `0x80..=0xbf`: a mutated fixture, then 4 bytes `[index, pos_hi, pos_lo, xor]`: the byte
///   at `pos` xor-ed with `xor`, or, when `xor` is 0, the fixture cut at `pos`;
/// - `0xc0..=0xdf`: an inline certificate, a 2-byte big-endian length then that many bytes;
/// - `0xe0..=0xfd`: a synthesised certificate, then its 7 parameter bytes ([`Synth`]);
/// - `0xfe`: the previous item again, a 2-byte big-endian count of times (synthesised ones
///   with fresh serials);
/// - `0xff`: later items go to the pool instead of the presented list.
///
/// Each list stops growing at [`LIST_BUDGET`] bytes.
pub fn frame(data: &[u8]) -> Lists {
    let mut lists = Lists::default();
    let Some((&host, mut rest)) = data.split_first() else {
        return lists;
    };
    lists.host = HOSTS.get(usize::from(host) % (HOSTS.len() + 1)).copied();
    let mut list = Filling {
        certs: &mut lists.presented,
        bytes: 3,
    };
    let mut last = None;
    while let Some((&tag, after)) = rest.split_first() {
        rest = after;
        let item = match tag {
            0x00..=0x7f => Item::Der(FIXTURES[usize::from(tag) % FIXTURES.len()].to_vec()),
            0x80..=0xbf => {
                let Some((args, after)) = rest.split_first_chunk::<4>() else {
                    break;
                };
                rest = after;
                let mut der = FIXTURES[usize::from(args[0]) % FIXTURES.len()].to_vec();
                let pos = usize::from(u16::from_be_bytes([args[1], args[2]])) % der.len();
                if args[3] == 0 {
                    der.truncate(pos);
                } else {
                    der[pos] ^= args[3];
                }
                Item::Der(der)
            }
            0xc0..=0xdf => {
                let Some((len, after)) = rest.split_first_chunk::<2>() else {
                    break;
                };
                let len = usize::from(u16::from_be_bytes(*len)).min(after.len());
                let (der, after) = after.split_at(len);
                rest = after;
                Item::Der(der.to_vec())
            }
            0xe0..=0xfd => {
                let Some((params, after)) = rest.split_first_chunk::<PARAMS>() else {
                    break;
                };
                rest = after;
                Item::Synth(Synth::new(*params))
            }
            0xfe => {
                let Some((count, after)) = rest.split_first_chunk::<2>() else {
                    break;
                };
                rest = after;
                if let Some(item) = &last {
                    for _ in 0..u16::from_be_bytes(*count) {
                        if !list.push(item) {
                            break;
                        }
                    }
                }
                continue;
            }
            0xff => {
                list = Filling {
                    certs: &mut lists.pool,
                    bytes: 3,
                };
                last = None;
                continue;
            }
        };
        list.push(&item);
        last = Some(item);
    }
    lists
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::over_limits;

    /// The committed seeds describe lists a rustls client would receive (under its 64 KiB),
    /// so the hostile shapes reach certdeps' diagnosis rather than its size refusal.
    #[test]
    fn seeds_fit_a_tls_message() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/chain");
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
        for entry in entries {
            let path = entry.unwrap_or_else(|e| panic!("{dir}: {e}")).path();
            let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let lists = frame(&data);
            let bytes: usize = lists.presented.iter().map(|c| 3 + c.len()).sum();
            assert!(!lists.presented.is_empty(), "{}", path.display());
            assert!(
                !over_limits(&lists.presented),
                "{}: {bytes} bytes",
                path.display()
            );
        }
    }
}
