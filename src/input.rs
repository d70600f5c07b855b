//! Decoding what the user hands us: a PEM bundle or one DER structure.
//!
//! This is the first pipeline stage. It only frames and unwraps the input: each result is
//! checked to be one well-formed DER `SEQUENCE` (tag, definite length, nothing after it), and
//! full X.509 parsing happens later. Every error names the PEM block (1-based, counting every
//! block in the order it appears, skipped ones included) and the byte offset, so a user can find
//! the problem in an editor.
//!
//! PEM framing is our own rather than a library's, because neither `pem` 3 nor
//! `rustls-pki-types`' `pem` module reports where an error is, and both lose certificates
//! silently on inputs people really produce: `pem` 3 drops an unterminated last block and reads a
//! blank line inside a body as a header separator; `rustls-pki-types` restarts on a nested
//! `BEGIN` line, discarding the block before it. The `base64` crate decodes each block's body
//! once the framing here has located it, and the `der` crate frames the decoded `SEQUENCE`.
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

use std::ops::Range;

use base64::engine::general_purpose::STANDARD;
use base64::{DecodeError, Engine, alphabet};
use der::{Decode, ErrorKind, Header, Length, Reader, SliceReader};
use pki_types::{CertificateDer, CertificateRevocationListDer};

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
/// DER input holds exactly one certificate, as with `openssl x509 -inform DER`: concatenated DER
/// certificates cannot be told apart from one certificate with trailing garbage, so they are an
/// [`InputError::Der`] error that suggests converting to a PEM bundle instead.
///
/// For PEM, see [`decode_pem_certificates`] for which blocks are taken.
///
/// [RFC 7468 section 5.2]: https://www.rfc-editor.org/rfc/rfc7468#section-5.2
pub fn decode_certificates(bytes: &[u8]) -> Result<Vec<CertificateDer<'static>>, InputError> {
    Ok(decode(bytes, Wanted::Certificates)?
        .into_iter()
        .map(CertificateDer::from)
        .collect())
}

/// Decodes every certificate block of a PEM bundle, in the order they appear.
///
/// Blocks labelled `CERTIFICATE` are taken, and so are the historical labels `X509 CERTIFICATE`
/// and `X.509 CERTIFICATE` that [RFC 7468 section 5.1] mentions, since their content is the same
/// DER `Certificate`. Other blocks (`PRIVATE KEY`, `X509 CRL`, ...) are skipped without decoding
/// their content, and so is any text between blocks ([RFC 7468 section 5.2]).
///
/// OpenSSL's `TRUSTED CERTIFICATE` blocks are an error rather than skipped or unwrapped: they
/// append local trust settings that no TLS server sends and certdeps cannot honour, and silently
/// dropping them could hide a certificate or a distrust decision. The error says how to convert.
///
/// [RFC 7468 section 5.1]: https://www.rfc-editor.org/rfc/rfc7468#section-5.1
/// [RFC 7468 section 5.2]: https://www.rfc-editor.org/rfc/rfc7468#section-5.2
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

/// Why the input could not be decoded into certificates or CRLs.
///
/// Block numbers are 1-based and count every PEM block in the order it appears, including
/// skipped ones; offsets are byte offsets into the input as given (a byte-order mark counts).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// A block's content is not one well-formed DER `SEQUENCE`: wrong tag, indefinite or
    /// non-minimal length, truncated, or followed by trailing bytes. Only this outer structure is
    /// checked here ([X.690 section 10.1]); certificate parsing happens later.
    ///
    /// [X.690 section 10.1]: https://www.itu.int/rec/T-REC-X.690
    #[error("{}", der_message(*.block, *.offset, .reason))]
    Der {
        /// The PEM block holding the bad content, or `None` when the input itself is DER.
        block: Option<usize>,
        /// For a PEM block, the byte offset of its `BEGIN` line (the reason gives the position
        /// inside the decoded content); for DER input, the byte offset of the problem.
        offset: usize,
        /// What is wrong and how to fix it.
        reason: String,
    },

    /// The input is empty.
    #[error("no input: the file is empty")]
    Empty,

    /// The input parsed as PEM but holds no certificate block (for example only a private key).
    #[error("{}", none_found_message("CERTIFICATE", *.blocks, .labels))]
    NoCertificates {
        /// How many PEM blocks the input holds.
        blocks: usize,
        /// The distinct labels seen, in order of first appearance (at most 16).
        labels: Vec<String>,
    },

    /// The input parsed as PEM but holds no `X509 CRL` block.
    #[error("{}", none_found_message("X509 CRL", *.blocks, .labels))]
    NoCrls {
        /// How many PEM blocks the input holds.
        blocks: usize,
        /// The distinct labels seen, in order of first appearance (at most 16).
        labels: Vec<String>,
    },

    /// The input is neither PEM nor DER.
    #[error(
        "no PEM or DER data: the input is {what}; expected PEM blocks (-----BEGIN CERTIFICATE-----) \
         or one DER structure (first byte 0x30)"
    )]
    NotCertificateData {
        /// What the input looks like instead, such as "only whitespace".
        what: &'static str,
    },

    /// Malformed PEM: bad base64, a missing or malformed `END` line, an `END` label that differs
    /// from the `BEGIN` label, a `BEGIN` line inside a block, or an `END` line outside one
    /// ([RFC 7468 section 2], [RFC 7468 section 3]).
    ///
    /// [RFC 7468 section 2]: https://www.rfc-editor.org/rfc/rfc7468#section-2
    /// [RFC 7468 section 3]: https://www.rfc-editor.org/rfc/rfc7468#section-3
    #[error("malformed PEM block {block} at byte {offset}: {reason}")]
    Pem {
        /// The offending block.
        block: usize,
        /// The byte offset of the block's `BEGIN` line, or of the `END` line when it has none.
        offset: usize,
        /// What is wrong, where inside the block, and how to fix it.
        reason: String,
    },

    /// The input is larger than the limit of 64 MiB.
    #[error(
        "input too large: {len} bytes is more than the {max}-byte limit; a certificate chain is a \
         few kilobytes, so check that this is the right file"
    )]
    TooLarge {
        /// The input's length in bytes.
        len: usize,
        /// The limit in bytes: 64 MiB.
        max: usize,
    },
}

fn der_message(block: Option<usize>, offset: usize, reason: &str) -> String {
    match block {
        Some(block) => format!("malformed DER in PEM block {block} at byte {offset}: {reason}"),
        None => format!("malformed DER at byte {offset}: {reason}"),
    }
}

fn none_found_message(wanted: &str, blocks: usize, labels: &[String]) -> String {
    let plural = if blocks == 1 { "" } else { "s" };
    let hint = labels
        .iter()
        .find_map(|label| label_hint(wanted, label))
        .unwrap_or(match wanted {
            "CERTIFICATE" => "pass the certificates the server presents (e.g. fullchain.pem)",
            _ => "pass -----BEGIN X509 CRL----- blocks or one DER CRL",
        });
    format!(
        "no {wanted} block among the {blocks} PEM block{plural} in the input (labels seen: {}); \
         {hint}",
        labels.join(", ")
    )
}

/// A fix for the common case where the user passed the wrong kind of PEM file.
fn label_hint(wanted: &str, label: &str) -> Option<&'static str> {
    Some(match (wanted, label) {
        ("CERTIFICATE", label) if label.ends_with("PRIVATE KEY") => {
            "this is a private key: pass the certificate chain the server presents \
             (e.g. fullchain.pem), not its key"
        }
        ("CERTIFICATE", "PKCS7") => {
            "unpack the PKCS #7 bundle first with `openssl pkcs7 -print_certs -in FILE`"
        }
        ("CERTIFICATE", "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST") => {
            "a certificate request is not a certificate: pass the certificate the CA issued"
        }
        ("CERTIFICATE", "X509 CRL") => "this is a CRL: decode it as a CRL, not as certificates",
        ("X509 CRL", "CERTIFICATE") => "these are certificates: pass the CRL file instead",
        _ => return None,
    })
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
enum LabelUse {
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
    let is_der = first == SEQUENCE && check_der(rest).is_ok();
    if !is_der && (rest.starts_with(b"-----BEGIN") || has_begin_line(bytes)) {
        return decode_pem(bytes, wanted);
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
        LabelUse::Take => {
            let der = decode_base64(text, block)?;
            check_der(&der).map_err(|problem| InputError::Der {
                block: Some(block.number),
                offset: block.offset,
                reason: format!(
                    "{} (at byte {} of the decoded data); copy the block again from its source",
                    problem.reason, problem.at
                ),
            })?;
            found.push(der);
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

fn decode_der(bytes: &[u8], start: usize) -> Result<Vec<u8>, InputError> {
    let der = bytes.get(start..).unwrap_or_default();
    match check_der(der) {
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

fn has_begin_line(text: &[u8]) -> bool {
    lines(text).any(|(_, line)| line.trim_ascii().starts_with(BEGIN))
}

/// The lines of `text` with their byte offsets, after an optional byte-order mark.
///
/// CR, LF and CRLF all end a line (a CRLF yields an extra empty line, which is harmless because
/// blank lines carry no meaning anywhere in PEM), so mixed line endings need no special case.
fn lines(text: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let body = text.strip_prefix(BOM).unwrap_or(text);
    let mut next = text.len() - body.len();
    body.split(|&byte| byte == b'\n' || byte == b'\r')
        .map(move |line| {
            let offset = next;
            next += line.len() + 1;
            (offset, line)
        })
}

/// A complete PEM block: its `BEGIN` line, label and the range of its body in the input.
struct Block<'a> {
    number: usize,
    offset: usize,
    label: &'a [u8],
    body: Range<usize>,
}

impl Block<'_> {
    fn error(&self, reason: String) -> InputError {
        InputError::Pem {
            block: self.number,
            offset: self.offset,
            reason,
        }
    }
}

/// What a scan saw, for the errors that say "no such block here".
struct Seen {
    blocks: usize,
    labels: Vec<String>,
}

impl Seen {
    /// Records a label; only a few distinct ones, so a hostile input with a million different
    /// labels costs neither quadratic time nor a huge error message.
    fn note(&mut self, label: &[u8]) {
        let label = show(label);
        if self.labels.len() < 16 && !self.labels.contains(&label) {
            self.labels.push(label);
        }
    }
}

/// Frames the PEM blocks of `text` in one pass and hands each complete block to `on_block`,
/// so the first problem in file order is the one reported.
fn scan_pem<'a>(
    text: &'a [u8],
    mut on_block: impl FnMut(&Block<'a>) -> Result<(), InputError>,
) -> Result<Seen, InputError> {
    let mut seen = Seen {
        blocks: 0,
        labels: Vec::new(),
    };
    let mut open: Option<Block<'a>> = None;
    for (line_offset, raw) in lines(text) {
        let line = raw.trim_ascii();
        let at = line_offset + (raw.len() - raw.trim_ascii_start().len());
        let Some((kind, label)) = boundary(line) else {
            continue;
        };
        match (kind, open.take()) {
            (Boundary::Begin, Some(outer)) => {
                return Err(outer.error(format!(
                    "another -----BEGIN line at byte {at} (line {}) comes before this block's \
                     -----END {}----- line; this block is missing its END line: restore it or \
                     delete the partial block",
                    line_number(text, at),
                    show(outer.label)
                )));
            }
            (Boundary::Begin, None) => {
                seen.blocks += 1;
                let label = label.map_err(|reason| InputError::Pem {
                    block: seen.blocks,
                    offset: at,
                    reason,
                })?;
                seen.note(label);
                // The body starts at the BEGIN line's newline, which is whitespace anyway.
                let body_start = line_offset + raw.len();
                open = Some(Block {
                    number: seen.blocks,
                    offset: at,
                    label,
                    body: body_start..body_start,
                });
            }
            (Boundary::End, None) => {
                return Err(InputError::Pem {
                    block: seen.blocks + 1,
                    offset: at,
                    reason: "this -----END line has no -----BEGIN line before it; the start of \
                             the block is missing: restore it or delete the partial block"
                        .to_owned(),
                });
            }
            (Boundary::End, Some(mut block)) => {
                let end_label = label.map_err(|reason| {
                    block.error(format!(
                        "its END line at byte {at} (line {}) is malformed: {reason}",
                        line_number(text, at)
                    ))
                })?;
                if end_label != block.label {
                    return Err(block.error(format!(
                        "it begins with -----BEGIN {}----- but ends with -----END {}----- at byte \
                         {at} (line {}); a block must end with the label it began with (the end \
                         of one block and the start of the next were probably deleted)",
                        show(block.label),
                        show(end_label),
                        line_number(text, at)
                    )));
                }
                block.body.end = line_offset;
                on_block(&block)?;
            }
        }
    }
    match open {
        Some(block) => Err(block.error(format!(
            "the input ends (at byte {}) before the -----END {}----- line; the block is cut \
             off: copy the whole block, including its END line",
            text.len(),
            show(block.label)
        ))),
        None => Ok(seen),
    }
}

#[derive(Clone, Copy)]
enum Boundary {
    Begin,
    End,
}

impl Boundary {
    fn word(self) -> &'static str {
        match self {
            Self::Begin => "BEGIN",
            Self::End => "END",
        }
    }
}

/// Recognises an encapsulation boundary ([RFC 7468 section 3]) in a trimmed line, returning its
/// label, or why the line starts like a boundary but is not one. `None` for any other line.
///
/// [RFC 7468 section 3]: https://www.rfc-editor.org/rfc/rfc7468#section-3
fn boundary(line: &[u8]) -> Option<(Boundary, Result<&[u8], String>)> {
    let (kind, rest) = if let Some(rest) = line.strip_prefix(BEGIN) {
        (Boundary::Begin, rest)
    } else {
        (Boundary::End, line.strip_prefix(b"-----END")?)
    };
    Some((kind, boundary_label(kind, rest)))
}

fn boundary_label(kind: Boundary, rest: &[u8]) -> Result<&[u8], String> {
    let word = kind.word();
    let Some(rest) = rest.strip_prefix(b" ") else {
        return Err(format!(
            "the -----{word} line needs a space before its label, as in -----{word} \
             CERTIFICATE-----"
        ));
    };
    let Some(end) = rest
        .windows(DASHES.len())
        .position(|window| window == DASHES)
    else {
        return Err(format!(
            "the -----{word} line does not end with five dashes; restore it, as in -----{word} \
             CERTIFICATE-----"
        ));
    };
    let label = rest.get(..end).unwrap_or_default();
    let after = rest.get(end + DASHES.len()..).unwrap_or_default();
    if after.starts_with(b"\\n") || after.starts_with(b"\\r") {
        return Err(format!(
            "-----{word} {}----- is followed by a literal \\n escape; unescape the text first \
             (it was probably copied from JSON or a string literal)",
            show(label)
        ));
    }
    if !after.is_empty() {
        return Err(format!(
            "text follows -----{word} {}----- on the same line; put the base64 and each \
             boundary on lines of their own (were the line breaks lost, e.g. in an environment \
             variable?)",
            show(label)
        ));
    }
    if !is_valid_label(label) {
        return Err(format!(
            "'{}' is not a valid label: use printable ASCII words separated by single spaces or \
             hyphens, as in -----{word} CERTIFICATE-----",
            show(label)
        ));
    }
    Ok(label)
}

/// `label = [ labelchar *( ["-" / SP] labelchar ) ]`, where `labelchar` is any printable ASCII
/// character except `-` ([RFC 7468 section 3]).
///
/// [RFC 7468 section 3]: https://www.rfc-editor.org/rfc/rfc7468#section-3
fn is_valid_label(label: &[u8]) -> bool {
    // Starting "after a separator" forbids a leading one; the final check forbids a trailing one.
    let mut after_separator = true;
    for &byte in label {
        match byte {
            0x21..=0x2C | 0x2E..=0x7E => after_separator = false,
            b'-' | b' ' if !after_separator => after_separator = true,
            _ => return false,
        }
    }
    label.is_empty() || !after_separator
}

/// Decodes a block's base64 body with the `base64` crate's standard engine, which is as strict
/// as [RFC 7468 section 3] asks: the standard alphabet ([RFC 4648 section 4]), '=' padding
/// required, and zero bits where the padding discards them.
///
/// RFC 7468 allows whitespace anywhere in the base64 text, so the body is compacted first; the
/// crate's error offsets index that compacted text and are mapped back onto the input.
///
/// [RFC 7468 section 3]: https://www.rfc-editor.org/rfc/rfc7468#section-3
/// [RFC 4648 section 4]: https://www.rfc-editor.org/rfc/rfc4648#section-4
fn decode_base64(text: &[u8], block: &Block<'_>) -> Result<Vec<u8>, InputError> {
    let body = text.get(block.body.clone()).unwrap_or_default();
    let mut compact = Vec::with_capacity(body.len());
    for run in body.split(|&byte| is_base64_space(byte)) {
        compact.extend_from_slice(run);
    }
    if compact.is_empty() {
        return Err(block.error(
            "there is no base64 between its BEGIN and END lines; copy the whole block".to_owned(),
        ));
    }
    STANDARD
        .decode(&compact)
        .map_err(|error| block.error(base64_problem(text, block, &compact, error)))
}

/// Says what is wrong with a block's base64, where in the input, and how to fix it.
///
/// The first problem in file order is reported, as for every other error in the input. The
/// crate's offset is that problem's position except in two cases: a lone last symbol is checked
/// before the groups in front of it, and an '=' out of place may be followed by what really
/// went wrong; `misplaced` settles both by scanning on from where the crate stopped.
fn base64_problem(text: &[u8], block: &Block<'_>, compact: &[u8], error: DecodeError) -> String {
    let at = |index| input_offset(text, block, index);
    let not_a_multiple_of_4 = || {
        format!(
            "its {} base64 characters are not a multiple of 4, so part of a line is missing \
             (RFC 7468 base64 is padded with '='); copy the block again from its source",
            compact.len()
        )
    };
    match error {
        DecodeError::InvalidByte(index, _) => {
            let lone_last = compact.len() % 4 == 1 && index + 1 == compact.len();
            match misplaced(compact, if lone_last { 0 } else { index }) {
                Some(Misplaced::Byte(index, byte)) => {
                    let at = at(index);
                    format!(
                        "{} at byte {at} (line {}){}",
                        describe_byte(byte),
                        line_number(text, at),
                        bad_byte_hint(byte)
                    )
                }
                Some(Misplaced::AfterPadding { symbol, padding }) => {
                    let symbol = at(symbol);
                    format!(
                        "base64 continues at byte {symbol} (line {}) after the '=' padding at \
                         byte {}; padding may only end a block (were two blocks merged?)",
                        line_number(text, symbol),
                        at(padding)
                    )
                }
                None if compact.len() % 4 != 0 => not_a_multiple_of_4(),
                // Only '=' from `index` on, in whole groups: too much padding, starting there.
                None => {
                    let start = at(index);
                    format!(
                        "{} '=' characters start at byte {start} (line {}), but base64 ends with \
                         at most two; copy the block again from its source",
                        compact.len() - index,
                        line_number(text, start)
                    )
                }
            }
        }
        DecodeError::InvalidLength(_) | DecodeError::InvalidPadding => not_a_multiple_of_4(),
        DecodeError::InvalidLastSymbol(index, byte) => {
            let at = at(index);
            format!(
                "the last base64 character '{}' at byte {at} (line {}) has bits set that the '=' \
                 padding discards, so the base64 is not canonical (was it edited?); copy the \
                 block again from its source",
                char::from(byte),
                line_number(text, at)
            )
        }
    }
}

/// A byte that cannot be where it is in base64 text, by its index in the compacted body.
enum Misplaced {
    /// A byte outside the alphabet and not '='.
    Byte(usize, u8),
    /// An alphabet symbol after '=' padding, which may only end the text.
    AfterPadding { symbol: usize, padding: usize },
}

/// The first misplaced byte of `compact`, scanning from index `from`: every byte before it must
/// be an alphabet symbol, as the crate guarantees for the bytes before a bad one it reports.
fn misplaced(compact: &[u8], from: usize) -> Option<Misplaced> {
    let alphabet = alphabet::STANDARD.as_str().as_bytes();
    let mut padding = None;
    for (index, &byte) in compact.iter().enumerate().skip(from) {
        if byte == b'=' {
            padding.get_or_insert(index);
        } else if !alphabet.contains(&byte) {
            return Some(Misplaced::Byte(index, byte));
        } else if let Some(padding) = padding {
            return Some(Misplaced::AfterPadding {
                symbol: index,
                padding,
            });
        }
    }
    None
}

/// The whitespace [RFC 7468 section 3] allows anywhere in base64 text, its `W` production:
/// space, tab, CR, LF, vertical tab and form feed.
///
/// [RFC 7468 section 3]: https://www.rfc-editor.org/rfc/rfc7468#section-3
fn is_base64_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// The input offset of the `index`th byte of a block's compacted body; only computed on the
/// error path.
fn input_offset(text: &[u8], block: &Block<'_>, index: usize) -> usize {
    let body = text.get(block.body.clone()).unwrap_or_default();
    body.iter()
        .enumerate()
        .filter(|&(_, &byte)| !is_base64_space(byte))
        .nth(index)
        .map_or(block.body.end, |(at, _)| block.body.start + at)
}

fn describe_byte(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("invalid base64 character '{}'", char::from(byte))
    } else {
        format!("invalid byte 0x{byte:02x} in the base64")
    }
}

fn bad_byte_hint(byte: u8) -> &'static str {
    match byte {
        b':' => "; RFC 1421 headers such as Proc-Type: are not allowed in RFC 7468 blocks",
        b'"' | b'\\' | b',' => "; remove quotes and escapes (was it copied from JSON or code?)",
        0x80.. => "; a non-ASCII character (from a word processor or web page?) was pasted in",
        _ => "; the block is corrupted: copy it again from its source",
    }
}

/// The 1-based line of byte offset `at`, for messages; only computed on the error path.
fn line_number(text: &[u8], at: usize) -> usize {
    let before = text.get(..at).unwrap_or(text);
    let breaks = before
        .iter()
        .enumerate()
        .filter(|&(index, &byte)| {
            byte == b'\n' || (byte == b'\r' && before.get(index + 1) != Some(&b'\n'))
        })
        .count();
    breaks + 1
}

/// Shows a label in a message: lossy UTF-8, cut short so a huge line is not echoed back.
fn show(label: &[u8]) -> String {
    const MAX: usize = 64;
    match label.get(..MAX) {
        Some(head) if label.len() > MAX => format!("{}...", String::from_utf8_lossy(head)),
        _ => String::from_utf8_lossy(label).into_owned(),
    }
}

/// Why a byte string is not exactly one DER `SEQUENCE`, and where.
struct DerProblem {
    at: usize,
    kind: DerProblemKind,
    reason: String,
}

enum DerProblemKind {
    Malformed,
    Trailing,
    Truncated,
}

/// Checks the outer TLV only: a `SEQUENCE` tag, a definite, minimally encoded length
/// ([X.690 section 10.1]), and content that ends exactly where `der` does. The `der` crate's
/// reader does the framing; this maps its errors onto positions and words a user can act on.
///
/// [X.690 section 10.1]: https://www.itu.int/rec/T-REC-X.690
fn check_der(der: &[u8]) -> Result<(), DerProblem> {
    let problem = |at, kind, reason: String| DerProblem { at, kind, reason };
    // The tag is judged by its first byte so that the message can name it even when the
    // length after it does not parse: a SEQUENCE tag is always the single byte 0x30.
    let Some(&tag) = der.first() else {
        return Err(problem(
            0,
            DerProblemKind::Truncated,
            "there are no bytes".to_owned(),
        ));
    };
    if tag != SEQUENCE {
        return Err(problem(
            0,
            DerProblemKind::Malformed,
            format!("the first byte is 0x{tag:02x}, not the SEQUENCE tag 0x30"),
        ));
    }
    // The reader refuses only inputs over 4 GiB, which MAX_INPUT_LEN rules out long before.
    let mut reader = SliceReader::new(der)
        .map_err(|error| problem(0, DerProblemKind::Malformed, error.to_string()))?;
    let header = Header::decode(&mut reader).map_err(|error| header_problem(der, error))?;
    let available = reader.remaining_len();
    // Reading the declared length can only fail by running out of input.
    reader.read_slice(header.length()).map_err(|_| {
        problem(
            der.len(),
            DerProblemKind::Truncated,
            format!(
                "the SEQUENCE declares {} content bytes but only {available} follow, so the \
                 data is truncated",
                header.length()
            ),
        )
    })?;
    let extra = reader.remaining_len();
    if extra == Length::ZERO {
        return Ok(());
    }
    let end = offset(reader.position());
    let reason = if extra == Length::ONE {
        format!("1 unexpected byte follows the SEQUENCE, which ends at byte {end}")
    } else {
        format!("{extra} unexpected bytes follow the SEQUENCE, which ends at byte {end}")
    };
    Err(problem(end, DerProblemKind::Trailing, reason))
}

/// Maps the `der` reader's refusal of a `SEQUENCE` header onto the byte a user should look at.
/// The reader folds every bad long-form length into one error kind, so the first length byte
/// tells its cases apart ([X.690 section 8.1.3]).
///
/// [X.690 section 8.1.3]: https://www.itu.int/rec/T-REC-X.690
fn header_problem(der: &[u8], error: der::Error) -> DerProblem {
    let problem = |at, kind, reason: String| DerProblem { at, kind, reason };
    match (error.kind(), der.get(1)) {
        (ErrorKind::Incomplete { .. }, None) => problem(
            1,
            DerProblemKind::Truncated,
            "the data ends right after the SEQUENCE tag".to_owned(),
        ),
        (ErrorKind::Incomplete { .. }, Some(_)) => problem(
            der.len(),
            DerProblemKind::Truncated,
            "the data ends inside the SEQUENCE's length".to_owned(),
        ),
        (ErrorKind::IndefiniteLength, _) => problem(
            1,
            DerProblemKind::Malformed,
            "the length byte 0x80 is BER's indefinite form, which DER forbids".to_owned(),
        ),
        (_, Some(0xFF)) => problem(
            1,
            DerProblemKind::Malformed,
            "the length byte 0xff is reserved".to_owned(),
        ),
        // Four length bytes already allow 4 GiB, far beyond MAX_INPUT_LEN.
        (_, Some(&first @ 0x85..=0xFE)) => problem(
            1,
            DerProblemKind::Malformed,
            format!(
                "the length takes {} bytes, more than any input needs",
                first & 0x7F
            ),
        ),
        (ErrorKind::Length { .. }, _) => problem(
            2,
            DerProblemKind::Malformed,
            "the length is not minimally encoded, which DER forbids".to_owned(),
        ),
        // The error kind is non-exhaustive: a case the reader may add gets its own words.
        (kind, _) => problem(
            offset(error.position().unwrap_or_default()),
            DerProblemKind::Malformed,
            kind.to_string(),
        ),
    }
}

/// A `der` position as a byte offset. `Length` is a `u32`, which fits a `usize` on every
/// target with pointers of 32 bits or more; the fallback only keeps this total elsewhere.
fn offset(length: Length) -> usize {
    usize::try_from(length).unwrap_or(usize::MAX)
}

const BEGIN: &[u8] = b"-----BEGIN";
const BOM: &[u8] = b"\xEF\xBB\xBF";
const DASHES: &[u8] = b"-----";
const SEQUENCE: u8 = 0x30;

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

    fn pem_error(block: usize, offset: usize, reason: &str) -> InputError {
        InputError::Pem {
            block,
            offset,
            reason: reason.to_owned(),
        }
    }

    fn not_data(what: &'static str) -> InputError {
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
        let pem = pem::encode_config(
            &pem::Pem::new("CERTIFICATE", der.clone()),
            pem::EncodeConfig::new().set_line_wrap(usize::MAX),
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
    fn messages_are_specific() {
        let cases = [
            (InputError::Empty, "no input: the file is empty"),
            (
                pem_error(2, 1234, "reason"),
                "malformed PEM block 2 at byte 1234: reason",
            ),
            (
                InputError::Der {
                    block: Some(3),
                    offset: 99,
                    reason: "reason".to_owned(),
                },
                "malformed DER in PEM block 3 at byte 99: reason",
            ),
            (
                InputError::Der {
                    block: None,
                    offset: 7,
                    reason: "reason".to_owned(),
                },
                "malformed DER at byte 7: reason",
            ),
            (
                InputError::NoCertificates {
                    blocks: 1,
                    labels: vec!["PRIVATE KEY".to_owned()],
                },
                "no CERTIFICATE block among the 1 PEM block in the input (labels seen: PRIVATE \
                 KEY); this is a private key: pass the certificate chain the server presents \
                 (e.g. fullchain.pem), not its key",
            ),
            (
                InputError::NoCertificates {
                    blocks: 2,
                    labels: vec!["PKCS7".to_owned()],
                },
                "no CERTIFICATE block among the 2 PEM blocks in the input (labels seen: PKCS7); \
                 unpack the PKCS #7 bundle first with `openssl pkcs7 -print_certs -in FILE`",
            ),
            (
                InputError::NoCrls {
                    blocks: 1,
                    labels: vec!["CERTIFICATE".to_owned()],
                },
                "no X509 CRL block among the 1 PEM block in the input (labels seen: \
                 CERTIFICATE); these are certificates: pass the CRL file instead",
            ),
            (
                not_data("only whitespace"),
                "no PEM or DER data: the input is only whitespace; expected PEM blocks \
                 (-----BEGIN CERTIFICATE-----) or one DER structure (first byte 0x30)",
            ),
            (
                InputError::TooLarge { len: 100, max: 10 },
                "input too large: 100 bytes is more than the 10-byte limit; a certificate chain \
                 is a few kilobytes, so check that this is the right file",
            ),
        ];
        for (error, message) in cases {
            assert_eq!(error.to_string(), message);
        }
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
