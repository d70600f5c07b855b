//! Decoding what the user hands us: a PEM bundle or one DER structure.
//!
//! This is the first pipeline stage. It only frames and unwraps the input: each result is
//! checked to be one well-formed DER `SEQUENCE` (tag, definite length, nothing after it), and
//! full X.509 parsing happens later. Every error names the PEM block (1-based, counting every
//! block in the order it appears, skipped ones included) and the byte offset, so a user can find
//! the problem in an editor.
//!
//! One concept per module: `pem` finds the blocks of a PEM bundle, `body` decodes a block's
//! base64, `framing` checks that the result is one DER `SEQUENCE`, `pkcs7` takes the
//! certificates out of a PKCS #7 bundle, and `error` says what went wrong; this module tells PEM
//! from DER and picks the blocks a caller wants.
//!
//! Departures from the leniency [RFC 7468 section 2] allows, each because a strict failure with
//! a location is more useful than a different certificate or a vaguer error later:
//!
//! - a non-base64 character inside a block is an error (the RFC says parsers SHOULD ignore
//!   them), since it means the block was corrupted or hand-edited;
//! - an `END` label that differs from its `BEGIN` label is an error (parsers MAY disregard it),
//!   since it usually means the end of one block and the start of the next were deleted;
//! - the base64 must be padded, as [RFC 7468 section 3] specifies.
//!
//! Whitespace, blank lines, CRLF / LF / CR line endings, any line width and explanatory text
//! between blocks are accepted, as [RFC 7468 section 2] and [RFC 7468 section 5.2] require.
//!
//! [RFC 7468 section 2]: https://www.rfc-editor.org/rfc/rfc7468#section-2
//! [RFC 7468 section 3]: https://www.rfc-editor.org/rfc/rfc7468#section-3
//! [RFC 7468 section 5.2]: https://www.rfc-editor.org/rfc/rfc7468#section-5.2

mod body;
mod error;
mod framing;
mod pem;
mod pkcs7;

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use pki_types::{CertificateDer, CertificateRevocationListDer};

pub use error::InputError;

use body::decode_base64;
use framing::{DerProblemKind, SEQUENCE, check_sequence};
use pem::{BEGIN, BOM, Seen, has_begin_line, scan_pem};

/// The largest input accepted, in bytes: 64 MiB. A certificate chain is a few kilobytes and a
/// large public CRL a few tens of megabytes; anything bigger is almost certainly the wrong file,
/// and refusing it bounds memory use. Private so that the crate's public surface stays the
/// three functions and the error.
const MAX_INPUT_LEN: usize = 64 * 1024 * 1024;

/// Decodes the certificates a server presents, from a PEM bundle or a single DER certificate.
///
/// The input is PEM if, after an optional UTF-8 byte-order mark and whitespace, it starts with
/// `-----BEGIN`, or if it contains a `-----BEGIN` line after explanatory text (such as the
/// output of `openssl s_client -showcerts`, which [RFC 7468 section 5.2] permits). It is DER if
/// its first byte is `0x30` (a `SEQUENCE`); a well-formed DER `SEQUENCE` covering the whole input
/// is always taken as DER, even if its bytes happen to contain a `-----BEGIN` line.
///
/// DER input holds exactly one certificate, as with `openssl x509 -inform DER`, or one PKCS #7
/// certs-only bundle (`.p7b`, `.p7c`, [RFC 5652 section 5.1]), whose certificates are returned
/// in the order the bundle holds them. Concatenated DER certificates cannot be told apart from
/// one certificate with trailing garbage, so they are an [`InputError::Der`] error that suggests
/// converting to a PEM bundle instead.
///
/// For PEM, see [`decode_pem_certificates`] for which blocks are taken.
///
/// [RFC 7468 section 5.2]: https://www.rfc-editor.org/rfc/rfc7468#section-5.2
/// [RFC 5652 section 5.1]: https://www.rfc-editor.org/rfc/rfc5652#section-5.1
pub fn decode_certificates(bytes: &[u8]) -> Result<Vec<CertificateDer<'static>>, InputError> {
    Ok(decode(bytes, Wanted::Certificates)?
        .into_iter()
        .map(CertificateDer::from)
        .collect())
}

/// Reads a file of certificates (PEM bundle, DER certificate or PKCS #7 bundle) and decodes it
/// with [`decode_certificates`]: the one call for a path a service team was handed.
///
/// An I/O failure is an [`InputError::Io`] naming the path, so the message says which file
/// could not be read, not only why. Reading stops one byte past the 64 MiB limit (a device such
/// as `/dev/zero` has no end), so an oversized file is an [`InputError::TooLarge`] whose `len`
/// is that limit plus one.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let cert = rcgen::generate_simple_self_signed(vec!["h.example".into()])?.cert;
/// let path = std::env::temp_dir().join(format!("certdeps-doc-{}.pem", std::process::id()));
/// std::fs::write(&path, cert.pem())?;
/// let certs = certdeps::read_certificates(&path);
/// std::fs::remove_file(&path)?;
/// assert_eq!(certs?, vec![cert.der().clone()]);
///
/// let missing = certdeps::read_certificates("/nonexistent/chain.pem").unwrap_err();
/// assert!(missing.to_string().starts_with("cannot read /nonexistent/chain.pem: "));
/// # Ok(())
/// # }
/// ```
pub fn read_certificates(
    path: impl AsRef<Path>,
) -> Result<Vec<CertificateDer<'static>>, InputError> {
    let path = path.as_ref();
    let io = |source| InputError::Io {
        path: path.to_owned(),
        source: Arc::new(source),
    };
    let file = File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    // Bounded, so that a device such as /dev/zero or a growing file cannot exhaust memory;
    // one byte past the limit is enough for `decode_certificates` to refuse it.
    let limit = u64::try_from(MAX_INPUT_LEN).unwrap_or(u64::MAX) + 1;
    (&file).take(limit).read_to_end(&mut bytes).map_err(io)?;
    decode_certificates(&bytes)
}

/// Decodes every certificate block of a PEM bundle, in the order they appear.
///
/// Blocks labelled `CERTIFICATE` are taken, and so are the historical labels `X509 CERTIFICATE`
/// and `X.509 CERTIFICATE` that [RFC 7468 section 5.1] mentions, since their content is the same
/// DER `Certificate`. A `PKCS7` or `CMS` block ([RFC 7468 section 8], [RFC 7468 section 9])
/// contributes the certificates of its certs-only bundle, in order, where it stands. Other blocks
/// (`PRIVATE KEY`, `X509 CRL`, ...) are skipped without decoding their content, and so is any
/// text between blocks ([RFC 7468 section 5.2]).
///
/// OpenSSL's `TRUSTED CERTIFICATE` blocks are an error rather than skipped or unwrapped: they
/// append local trust settings that no TLS server sends and certdeps cannot honour, and silently
/// dropping them could hide a certificate or a distrust decision. The error says how to convert.
///
/// [RFC 7468 section 5.1]: https://www.rfc-editor.org/rfc/rfc7468#section-5.1
/// [RFC 7468 section 5.2]: https://www.rfc-editor.org/rfc/rfc7468#section-5.2
/// [RFC 7468 section 8]: https://www.rfc-editor.org/rfc/rfc7468#section-8
/// [RFC 7468 section 9]: https://www.rfc-editor.org/rfc/rfc7468#section-9
pub fn decode_pem_certificates(text: &[u8]) -> Result<Vec<CertificateDer<'static>>, InputError> {
    Ok(decode_pem(text, Wanted::Certificates)?
        .into_iter()
        .map(CertificateDer::from)
        .collect())
}

/// Decodes a PEM bundle of CRLs (`X509 CRL` blocks) or one DER CRL.
///
/// Detection and checks are those of [`decode_certificates`]; in PEM, blocks labelled
/// `X509 CRL` ([RFC 7468 section 6]) are taken and all others skipped.
///
/// [RFC 7468 section 6]: https://www.rfc-editor.org/rfc/rfc7468#section-6
pub fn decode_crls(bytes: &[u8]) -> Result<Vec<CertificateRevocationListDer<'static>>, InputError> {
    Ok(decode(bytes, Wanted::Crls)?
        .into_iter()
        .map(CertificateRevocationListDer::from)
        .collect())
}

/// The kind of block a caller wants out of the input.
#[derive(Clone, Copy)]
enum Wanted {
    Certificates,
    Crls,
}

impl Wanted {
    fn label_use(self, label: &[u8]) -> LabelUse {
        match (self, label) {
            (Self::Certificates, b"CERTIFICATE" | b"X509 CERTIFICATE" | b"X.509 CERTIFICATE") => {
                LabelUse::Take
            }
            (Self::Certificates, b"TRUSTED CERTIFICATE") => LabelUse::Reject(
                "openssl TRUSTED CERTIFICATE blocks add local trust settings that no TLS server \
                 sends and certdeps cannot honour; convert it to a plain certificate with \
                 `openssl x509 -in FILE -out cert.pem`",
            ),
            (Self::Certificates, b"PKCS7" | b"CMS") => LabelUse::Pkcs7,
            (Self::Crls, b"X509 CRL") => LabelUse::Take,
            _ => LabelUse::Skip,
        }
    }

    fn none_found(self, seen: Seen) -> InputError {
        let Seen { blocks, labels } = seen;
        match self {
            Self::Certificates => InputError::NoCertificates { blocks, labels },
            Self::Crls => InputError::NoCrls { blocks, labels },
        }
    }
}

/// What to do with a PEM block, by its label.
#[derive(Clone, Copy)]
enum LabelUse {
    /// A PKCS #7 bundle: take the certificates inside.
    Pkcs7,
    Reject(&'static str),
    Skip,
    Take,
}

fn decode(bytes: &[u8], wanted: Wanted) -> Result<Vec<Vec<u8>>, InputError> {
    check_len(bytes)?;
    let start = skip_bom_and_whitespace(bytes);
    let rest = bytes.get(start..).unwrap_or_default();
    let Some(&first) = rest.first() else {
        return Err(not_data(bytes));
    };
    // A complete DER SEQUENCE wins over a stray BEGIN line among its bytes; text that merely
    // starts with '0' (0x30), such as `openssl s_client -showcerts` output, is still PEM.
    let is_der = first == SEQUENCE && check_sequence(rest).is_ok();
    if !is_der && (rest.starts_with(b"-----BEGIN") || has_begin_line(bytes)) {
        return decode_pem(bytes, wanted);
    }
    if matches!(wanted, Wanted::Certificates) && is_der && pkcs7::is_signed_data(rest) {
        return bundle_certificates(rest, None, start);
    }
    if first == SEQUENCE {
        return decode_der(bytes, start).map(|der| vec![der]);
    }
    Err(not_data(bytes))
}

fn decode_pem(text: &[u8], wanted: Wanted) -> Result<Vec<Vec<u8>>, InputError> {
    check_len(text)?;
    let mut found = Vec::new();
    let seen = scan_pem(text, |block| match wanted.label_use(block.label) {
        LabelUse::Skip => Ok(()),
        LabelUse::Reject(reason) => Err(block.error(reason.to_owned())),
        usage @ (LabelUse::Take | LabelUse::Pkcs7) => {
            let der = decode_base64(text, block)?;
            check_sequence(&der).map_err(|problem| InputError::Der {
                block: Some(block.number),
                offset: block.offset,
                reason: format!(
                    "{} (at byte {} of the decoded data); copy the block again from its source",
                    problem.reason, problem.at
                ),
            })?;
            if matches!(usage, LabelUse::Pkcs7) {
                found.extend(bundle_certificates(&der, Some(block.number), block.offset)?);
            } else {
                found.push(der);
            }
            Ok(())
        }
    })?;
    if seen.blocks == 0 {
        return Err(not_data(text));
    }
    if found.is_empty() {
        return Err(wanted.none_found(seen));
    }
    Ok(found)
}

/// The certificates of the PKCS #7 bundle `der`, found in PEM block `block` at byte `offset`,
/// or at byte `offset` of DER input when `block` is `None`.
fn bundle_certificates(
    der: &[u8],
    block: Option<usize>,
    offset: usize,
) -> Result<Vec<Vec<u8>>, InputError> {
    let certs = pkcs7::certificates(der).map_err(|problem| match block {
        Some(_) => InputError::Pkcs7 {
            block,
            offset,
            reason: format!(
                "{} (at byte {} of the decoded data); copy the block again from its source",
                problem.reason, problem.at
            ),
        },
        None => InputError::Pkcs7 {
            block,
            offset: offset + problem.at,
            reason: format!("{}; export the bundle again", problem.reason),
        },
    })?;
    if certs.is_empty() {
        return Err(InputError::EmptyPkcs7 { block });
    }
    Ok(certs)
}

fn decode_der(bytes: &[u8], start: usize) -> Result<Vec<u8>, InputError> {
    let der = bytes.get(start..).unwrap_or_default();
    match check_sequence(der) {
        Ok(()) => Ok(der.to_vec()),
        Err(problem) => {
            let fix = match problem.kind {
                DerProblemKind::Truncated => "the file is incomplete: download or copy it again",
                DerProblemKind::Trailing if der.get(problem.at) == Some(&SEQUENCE) => {
                    "this looks like several DER certificates concatenated, but a DER file holds \
                     exactly one (as for `openssl x509 -inform DER`): convert each to PEM and \
                     concatenate the PEM blocks"
                }
                DerProblemKind::Trailing => "remove the extra bytes or export the file again",
                DerProblemKind::Malformed => "export the file again as DER or PEM",
            };
            Err(InputError::Der {
                block: None,
                offset: start + problem.at,
                reason: format!("{}; {fix}", problem.reason),
            })
        }
    }
}

fn check_len(bytes: &[u8]) -> Result<(), InputError> {
    match bytes.len() {
        len if len > MAX_INPUT_LEN => Err(InputError::TooLarge {
            len,
            max: MAX_INPUT_LEN,
        }),
        _ => Ok(()),
    }
}

/// The error for input in which no PEM block or DER structure was found.
fn not_data(bytes: &[u8]) -> InputError {
    if bytes.is_empty() {
        return InputError::Empty;
    }
    let rest = bytes
        .get(skip_bom_and_whitespace(bytes)..)
        .unwrap_or_default();
    let what = if rest.is_empty() {
        "only whitespace"
    } else if rest.starts_with(&[0xFF, 0xFE]) || rest.starts_with(&[0xFE, 0xFF]) {
        "UTF-16 text (save it as UTF-8 or ASCII)"
    } else if rest.contains(&0) || std::str::from_utf8(rest).is_err() {
        if rest.first() == Some(&SEQUENCE) {
            "DER data, not PEM text (decode it with decode_certificates)"
        } else {
            "binary data that starts with neither -----BEGIN nor a DER SEQUENCE"
        }
    } else if rest.windows(BEGIN.len()).any(|window| window == BEGIN) {
        "text in which -----BEGIN does not start a line (escaped newlines or quotes, as in JSON?)"
    } else {
        "text without a -----BEGIN line"
    };
    InputError::NotCertificateData { what }
}

fn skip_bom_and_whitespace(bytes: &[u8]) -> usize {
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    bytes.len() - body.trim_ascii_start().len()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::sync::OnceLock;
    use std::time::{Duration, Instant};

    use rcgen::{
        BasicConstraints, CertificateParams, CertificateRevocationListParams, CertifiedIssuer,
        DnType, IsCa, KeyIdMethod, KeyPair, KeyUsagePurpose, SerialNumber, date_time_ymd,
    };

    use super::*;

    /// Real certificates, generated once: leaf, intermediate, root; a key; a CRL from the root.
    struct Fixture {
        certs: Vec<CertificateDer<'static>>,
        pems: Vec<String>,
        key_pem: String,
        crl: CertificateRevocationListDer<'static>,
        crl_pem: String,
    }

    fn fixture() -> &'static Fixture {
        static FIXTURE: OnceLock<Fixture> = OnceLock::new();
        FIXTURE.get_or_init(|| {
            let ca_params = |name: &str| {
                let mut params = CertificateParams::new(Vec::new()).unwrap();
                params.distinguished_name.push(DnType::CommonName, name);
                params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
                params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
                params
            };
            let root =
                CertifiedIssuer::self_signed(ca_params("Root"), KeyPair::generate().unwrap())
                    .unwrap();
            let intermediate = CertifiedIssuer::signed_by(
                ca_params("Intermediate"),
                KeyPair::generate().unwrap(),
                &root,
            )
            .unwrap();
            let leaf_key = KeyPair::generate().unwrap();
            let leaf = CertificateParams::new(vec!["leaf.test".to_owned()])
                .unwrap()
                .signed_by(&leaf_key, &intermediate)
                .unwrap();
            let crl = CertificateRevocationListParams {
                // 2026-01-01 to 2026-02-01: fixed, the CRL's dates do not matter here.
                this_update: date_time_ymd(2026, 1, 1),
                next_update: date_time_ymd(2026, 2, 1),
                crl_number: SerialNumber::from(1u64),
                issuing_distribution_point: None,
                revoked_certs: Vec::new(),
                key_identifier_method: KeyIdMethod::Sha256,
            }
            .signed_by(&root)
            .unwrap();
            Fixture {
                certs: vec![
                    leaf.der().clone(),
                    intermediate.der().clone(),
                    root.der().clone(),
                ],
                pems: vec![leaf.pem(), intermediate.pem(), root.pem()],
                key_pem: leaf_key.serialize_pem(),
                crl: crl.der().clone(),
                crl_pem: crl.pem().unwrap(),
            }
        })
    }

    fn certs(indexes: &[usize]) -> Vec<CertificateDer<'static>> {
        indexes
            .iter()
            .map(|&i| fixture().certs[i].clone())
            .collect()
    }

    /// The byte offset of the `n`th (1-based) occurrence of `needle` in `text`.
    fn nth(text: &str, needle: &str, n: usize) -> usize {
        text.match_indices(needle).nth(n - 1).unwrap().0
    }

    pub(super) fn pem_error(block: usize, offset: usize, reason: &str) -> InputError {
        InputError::Pem {
            block,
            offset,
            reason: reason.to_owned(),
        }
    }

    pub(super) fn not_data(what: &'static str) -> InputError {
        InputError::NotCertificateData { what }
    }

    #[test]
    fn decodes_valid_inputs() {
        let f = fixture();
        let [leaf, inter, root] = [&f.pems[0], &f.pems[1], &f.pems[2]];
        let openssl_style = format!(
            "subject=CN=leaf.test\nissuer=CN=Intermediate\n{leaf}\nsubject=CN=Intermediate\n\
             issuer=CN=Root\n{inter}\nsubject=CN=Root\nissuer=CN=Root\n{root}"
        );
        let with_key = format!("{leaf}{}{inter}", f.key_pem);
        let mixed_endings = {
            let lines: Vec<&str> = leaf.lines().collect();
            let endings = ["\r\n", "\n", "\r"];
            lines
                .iter()
                .enumerate()
                .map(|(i, line)| format!("{line}{}", endings[i % 3]))
                .collect::<String>()
        };
        let rewrapped = |width: usize| {
            let body: String = leaf.lines().filter(|l| !l.starts_with("-----")).collect();
            let wrapped: Vec<&str> = body
                .as_bytes()
                .chunks(width)
                .map(|chunk| std::str::from_utf8(chunk).unwrap())
                .collect();
            format!(
                "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
                wrapped.join("\n")
            )
        };
        let loose = format!(
            "\n\n  \t{}\n\n",
            leaf.replace('\n', " \t\n\n")
                .replace("-----BEGIN", "\t-----BEGIN")
        );
        let s_client = format!(
            "0 s:CN = leaf.test\n   i:CN = Intermediate\n{leaf}---\n1 s:CN = Intermediate\n{inter}"
        );
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(leaf.as_bytes());

        let cases: Vec<(&str, Vec<u8>, Vec<CertificateDer<'static>>)> = vec![
            ("single PEM", leaf.clone().into_bytes(), certs(&[0])),
            (
                "openssl-style bundle",
                openssl_style.into_bytes(),
                certs(&[0, 1, 2]),
            ),
            ("private key between", with_key.into_bytes(), certs(&[0, 1])),
            ("DER", f.certs[1].to_vec(), certs(&[1])),
            ("CRLF", leaf.replace('\n', "\r\n").into_bytes(), certs(&[0])),
            ("mixed endings", mixed_endings.into_bytes(), certs(&[0])),
            ("BOM prefix", bom, certs(&[0])),
            ("blank lines, tabs, spaces", loose.into_bytes(), certs(&[0])),
            ("wrapped at 1", rewrapped(1).into_bytes(), certs(&[0])),
            ("wrapped at 76", rewrapped(76).into_bytes(), certs(&[0])),
            ("one line", rewrapped(1 << 20).into_bytes(), certs(&[0])),
            (
                "X509 CERTIFICATE label",
                leaf.replace("CERTIFICATE", "X509 CERTIFICATE").into_bytes(),
                certs(&[0]),
            ),
            (
                "s_client text starting with '0'",
                s_client.into_bytes(),
                certs(&[0, 1]),
            ),
        ];
        for (name, input, expected) in cases {
            assert_eq!(decode_certificates(&input), Ok(expected), "{name}");
        }
    }

    #[test]
    fn rejects_invalid_inputs() {
        let f = fixture();
        let [leaf, inter] = [&f.pems[0], &f.pems[1]];
        let der = f.certs[0].to_vec();
        let der_len = der.len();

        let mut trailing = der.clone();
        trailing.extend_from_slice(b"junk");
        let mut two_ders = der.clone();
        two_ders.extend_from_slice(&f.certs[1]);
        let truncated = der[..der_len - 10].to_vec();

        // Block 2's first base64 line gets a '!' at its start.
        let bad_base64 = format!("{leaf}{}", inter.replacen("-----\n", "-----\n!", 1));
        let bad_at = nth(&bad_base64, "!", 1);
        let missing_end = format!("{leaf}{}", inter.replace("-----END CERTIFICATE-----\n", ""));
        let mismatched = inter.replace("END CERTIFICATE", "END PRIVATE KEY");
        let mismatched_end = nth(&mismatched, "-----END", 1);
        let nested = format!("{}{leaf}", inter.replace("-----END CERTIFICATE-----\n", ""));
        let nested_inner = nth(&nested, "-----BEGIN", 2);
        let stray_end = format!("{leaf}MIIB\n-----END CERTIFICATE-----\n");
        let stray_at = nth(&stray_end, "-----END", 2);
        let json = format!("{{\"cert\": \"{}\"}}", leaf.replace('\n', "\\n"));
        let escaped = leaf.replace('\n', "\\n");
        let same_line = leaf.replacen("-----\n", "----- ", 1);
        let not_sequence = "-----BEGIN CERTIFICATE-----\nAgEB\n-----END CERTIFICATE-----\n";
        let unpadded = "-----BEGIN CERTIFICATE-----\nMAA\n-----END CERTIFICATE-----\n";
        let empty_block = "-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----\n";
        let merged = "-----BEGIN CERTIFICATE-----\nMA==\nMA==\n-----END CERTIFICATE-----\n";
        let three_pads = "-----BEGIN CERTIFICATE-----\nM===\n-----END CERTIFICATE-----\n";
        let stray_bits = "-----BEGIN CERTIFICATE-----\nMAB=\n-----END CERTIFICATE-----\n";
        let one_extra = "-----BEGIN CERTIFICATE-----\nMAAA\n-----END CERTIFICATE-----\n";
        let six_dashes = "-----BEGIN CERTIFICATE------\nMAA=\n-----END CERTIFICATE------\n";
        let trusted = leaf.replace("CERTIFICATE", "TRUSTED CERTIFICATE");
        let key_only = f.key_pem.clone();
        let csr_and_key = format!(
            "{}-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n",
            f.key_pem
        );

        let cases: Vec<(&str, Vec<u8>, InputError)> = vec![
            (
                "DER with trailing garbage",
                trailing,
                InputError::Der {
                    block: None,
                    offset: der_len,
                    reason: format!(
                        "4 unexpected bytes follow the SEQUENCE, which ends at byte {der_len}; \
                         remove the extra bytes or export the file again"
                    ),
                },
            ),
            (
                "two concatenated DER certificates",
                two_ders,
                InputError::Der {
                    block: None,
                    offset: der_len,
                    reason: format!(
                        "{} unexpected bytes follow the SEQUENCE, which ends at byte {der_len}; \
                         this looks like several DER certificates concatenated, but a DER file \
                         holds exactly one (as for `openssl x509 -inform DER`): convert each to \
                         PEM and concatenate the PEM blocks",
                        f.certs[1].len()
                    ),
                },
            ),
            (
                "truncated DER",
                truncated,
                InputError::Der {
                    block: None,
                    offset: der_len - 10,
                    reason: format!(
                        "the SEQUENCE declares {} content bytes but only {} follow, so the data \
                         is truncated; the file is incomplete: download or copy it again",
                        der_len - 4,
                        der_len - 14
                    ),
                },
            ),
            (
                "indefinite-length BER",
                vec![0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00],
                InputError::Der {
                    block: None,
                    offset: 1,
                    reason: "the length byte 0x80 is BER's indefinite form, which DER forbids; \
                             export the file again as DER or PEM"
                        .to_owned(),
                },
            ),
            ("empty file", Vec::new(), InputError::Empty),
            (
                "whitespace only",
                b" \r\n\t\n".to_vec(),
                not_data("only whitespace"),
            ),
            (
                "BOM only",
                b"\xEF\xBB\xBF\n".to_vec(),
                not_data("only whitespace"),
            ),
            (
                "garbage text",
                b"hello, this is not a certificate\n".to_vec(),
                not_data("text without a -----BEGIN line"),
            ),
            (
                "binary garbage",
                vec![0x89, b'P', b'N', b'G', 0, 1, 2],
                not_data("binary data that starts with neither -----BEGIN nor a DER SEQUENCE"),
            ),
            (
                "UTF-16",
                vec![0xFF, 0xFE, b'-', 0, b'-', 0],
                not_data("UTF-16 text (save it as UTF-8 or ASCII)"),
            ),
            (
                "JSON-escaped PEM",
                json.into_bytes(),
                not_data(
                    "text in which -----BEGIN does not start a line (escaped newlines or \
                     quotes, as in JSON?)",
                ),
            ),
            (
                "only a private key",
                key_only.into_bytes(),
                InputError::NoCertificates {
                    blocks: 1,
                    labels: vec!["PRIVATE KEY".to_owned()],
                },
            ),
            (
                "a key and a CSR",
                csr_and_key.into_bytes(),
                InputError::NoCertificates {
                    blocks: 2,
                    labels: vec!["PRIVATE KEY".to_owned(), "CERTIFICATE REQUEST".to_owned()],
                },
            ),
            (
                "bad base64 in block 2",
                bad_base64.clone().into_bytes(),
                pem_error(
                    2,
                    leaf.len(),
                    &format!(
                        "invalid base64 character '!' at byte {bad_at} (line {}); the block is \
                         corrupted: copy it again from its source",
                        bad_base64[..bad_at].matches('\n').count() + 1
                    ),
                ),
            ),
            (
                "missing END",
                missing_end.clone().into_bytes(),
                pem_error(
                    2,
                    leaf.len(),
                    &format!(
                        "the input ends (at byte {}) before the -----END CERTIFICATE----- line; \
                         the block is cut off: copy the whole block, including its END line",
                        missing_end.len()
                    ),
                ),
            ),
            (
                "mismatched END label",
                mismatched.clone().into_bytes(),
                pem_error(
                    1,
                    0,
                    &format!(
                        "it begins with -----BEGIN CERTIFICATE----- but ends with -----END \
                         PRIVATE KEY----- at byte {mismatched_end} (line {}); a block must end \
                         with the label it began with (the end of one block and the start of \
                         the next were probably deleted)",
                        mismatched.lines().count()
                    ),
                ),
            ),
            (
                "nested BEGIN",
                nested.clone().into_bytes(),
                pem_error(
                    1,
                    0,
                    &format!(
                        "another -----BEGIN line at byte {nested_inner} (line {}) comes before \
                         this block's -----END CERTIFICATE----- line; this block is missing its \
                         END line: restore it or delete the partial block",
                        nested[..nested_inner].lines().count() + 1
                    ),
                ),
            ),
            (
                "END without BEGIN",
                stray_end.into_bytes(),
                pem_error(
                    2,
                    stray_at,
                    "this -----END line has no -----BEGIN line before it; the start of the \
                     block is missing: restore it or delete the partial block",
                ),
            ),
            (
                "escaped newlines after BEGIN",
                escaped.into_bytes(),
                pem_error(
                    1,
                    0,
                    "-----BEGIN CERTIFICATE----- is followed by a literal \\n escape; unescape \
                     the text first (it was probably copied from JSON or a string literal)",
                ),
            ),
            (
                "base64 on the BEGIN line",
                same_line.into_bytes(),
                pem_error(
                    1,
                    0,
                    "text follows -----BEGIN CERTIFICATE----- on the same line; put the base64 \
                     and each boundary on lines of their own (were the line breaks lost, e.g. \
                     in an environment variable?)",
                ),
            ),
            (
                "six dashes",
                six_dashes.as_bytes().to_vec(),
                pem_error(
                    1,
                    0,
                    "text follows -----BEGIN CERTIFICATE----- on the same line; put the base64 \
                     and each boundary on lines of their own (were the line breaks lost, e.g. \
                     in an environment variable?)",
                ),
            ),
            (
                "empty block",
                empty_block.as_bytes().to_vec(),
                pem_error(
                    1,
                    0,
                    "there is no base64 between its BEGIN and END lines; copy the whole block",
                ),
            ),
            (
                "unpadded base64",
                unpadded.as_bytes().to_vec(),
                pem_error(
                    1,
                    0,
                    "its 3 base64 characters are not a multiple of 4, so part of a line is \
                     missing (RFC 7468 base64 is padded with '='); copy the block again from its \
                     source",
                ),
            ),
            (
                "base64 after padding",
                merged.as_bytes().to_vec(),
                pem_error(
                    1,
                    0,
                    "base64 continues at byte 33 (line 3) after the '=' padding at byte 30; \
                     padding may only end a block (were two blocks merged?)",
                ),
            ),
            (
                "three '='",
                three_pads.as_bytes().to_vec(),
                pem_error(
                    1,
                    0,
                    "3 '=' characters start at byte 29 (line 2), but base64 ends with at most \
                     two; copy the block again from its source",
                ),
            ),
            (
                "non-canonical last character",
                stray_bits.as_bytes().to_vec(),
                pem_error(
                    1,
                    0,
                    "the last base64 character 'B' at byte 30 (line 2) has bits set that the '=' \
                     padding discards, so the base64 is not canonical (was it edited?); copy the \
                     block again from its source",
                ),
            ),
            (
                "one byte after the SEQUENCE",
                one_extra.as_bytes().to_vec(),
                InputError::Der {
                    block: Some(1),
                    offset: 0,
                    reason: "1 unexpected byte follows the SEQUENCE, which ends at byte 2 (at \
                             byte 2 of the decoded data); copy the block again from its source"
                        .to_owned(),
                },
            ),
            (
                "PEM block holding an INTEGER",
                not_sequence.as_bytes().to_vec(),
                InputError::Der {
                    block: Some(1),
                    offset: 0,
                    reason: "the first byte is 0x02, not the SEQUENCE tag 0x30 (at byte 0 of the \
                             decoded data); copy the block again from its source"
                        .to_owned(),
                },
            ),
            (
                "TRUSTED CERTIFICATE",
                trusted.into_bytes(),
                pem_error(
                    1,
                    0,
                    "openssl TRUSTED CERTIFICATE blocks add local trust settings that no TLS \
                     server sends and certdeps cannot honour; convert it to a plain certificate \
                     with `openssl x509 -in FILE -out cert.pem`",
                ),
            ),
        ];
        for (name, input, expected) in cases {
            assert_eq!(decode_certificates(&input), Err(expected), "{name}");
        }
    }

    #[test]
    fn rejects_input_over_the_limit() {
        let input = vec![b' '; MAX_INPUT_LEN + 1];
        let expected = InputError::TooLarge {
            len: MAX_INPUT_LEN + 1,
            max: MAX_INPUT_LEN,
        };
        assert_eq!(decode_certificates(&input), Err(expected.clone()));
        assert_eq!(decode_pem_certificates(&input), Err(expected.clone()));
        assert_eq!(decode_crls(&input), Err(expected));
    }

    #[test]
    fn decodes_a_one_mebibyte_line_quickly() {
        // A cert-shaped SEQUENCE whose base64 is one line of 1 MiB: 0x30 0x83 + 3 length bytes.
        let content_len = (1 << 20) / 4 * 3 - 5;
        let mut der = vec![0x30, 0x83];
        der.extend_from_slice(&u32::try_from(content_len).unwrap().to_be_bytes()[1..]);
        der.resize(der.len() + content_len, 0x5A);
        let pem = ::pem::encode_config(
            &::pem::Pem::new("CERTIFICATE", der.clone()),
            ::pem::EncodeConfig::new().set_line_wrap(usize::MAX),
        );
        let longest = pem.lines().map(str::len).max().unwrap();
        assert_eq!(longest, 1 << 20);

        let started = Instant::now();
        let decoded = decode_pem_certificates(pem.as_bytes());
        // Linear work takes milliseconds even unoptimised; quadratic work would take minutes.
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(decoded, Ok(vec![CertificateDer::from(der)]));
    }

    #[test]
    fn pem_only_entry_point_refuses_der() {
        let der = fixture().certs[0].to_vec();
        assert_eq!(
            decode_pem_certificates(&der),
            Err(not_data(
                "DER data, not PEM text (decode it with decode_certificates)"
            ))
        );
        assert_eq!(decode_pem_certificates(b""), Err(InputError::Empty));
    }

    #[test]
    fn decodes_crls() {
        let f = fixture();
        let bundle = format!(
            "{}{}{}",
            f.pems[0],
            f.crl_pem,
            f.crl_pem.replace('\n', "\r\n")
        );
        let cases: Vec<(&str, Vec<u8>, Vec<CertificateRevocationListDer<'static>>)> = vec![
            ("PEM", f.crl_pem.clone().into_bytes(), vec![f.crl.clone()]),
            ("DER", f.crl.to_vec(), vec![f.crl.clone()]),
            (
                "bundle",
                bundle.into_bytes(),
                vec![f.crl.clone(), f.crl.clone()],
            ),
        ];
        for (name, input, expected) in cases {
            assert_eq!(decode_crls(&input), Ok(expected), "{name}");
        }
        assert_eq!(
            decode_crls(f.pems[0].as_bytes()),
            Err(InputError::NoCrls {
                blocks: 1,
                labels: vec!["CERTIFICATE".to_owned()],
            })
        );
        // A CRL is not a certificate, but a bundle's CRL blocks are skipped like any other.
        assert_eq!(
            decode_certificates(f.crl_pem.as_bytes()),
            Err(InputError::NoCertificates {
                blocks: 1,
                labels: vec!["X509 CRL".to_owned()]
            })
        );
    }

    #[test]
    fn never_panics_on_cut_or_corrupted_input() {
        // Every prefix of a bundle and every single-byte corruption must give Ok or Err.
        let f = fixture();
        let bundle = format!("{}text\n{}", f.pems[0], f.key_pem);
        let bytes = bundle.as_bytes();
        for end in 0..bytes.len() {
            let _ = decode_certificates(&bytes[..end]);
        }
        for (index, byte) in [b'-', b'=', 0x30, 0x80, b'\n', 0xFF]
            .into_iter()
            .enumerate()
        {
            for at in (index..bytes.len()).step_by(7) {
                let mut corrupted = bytes.to_vec();
                corrupted[at] = byte;
                let _ = decode_certificates(&corrupted);
                let _ = decode_crls(&corrupted);
            }
        }
        for end in 0..f.certs[0].len() {
            let _ = decode_certificates(&f.certs[0][..end]);
        }
    }
}
