//! PEM framing: finding the blocks of a bundle, their labels and where their bodies are
//! ([RFC 7468 section 2], [RFC 7468 section 3]).
//!
//! The framing is our own rather than a library's, because neither `pem` 3 nor
//! `rustls-pki-types`' `pem` module reports where an error is, and both lose certificates
//! silently on inputs people really produce: `pem` 3 drops an unterminated last block and reads a
//! blank line inside a body as a header separator; `rustls-pki-types` restarts on a nested
//! `BEGIN` line, discarding the block before it.
//!
//! [RFC 7468 section 2]: https://www.rfc-editor.org/rfc/rfc7468#section-2
//! [RFC 7468 section 3]: https://www.rfc-editor.org/rfc/rfc7468#section-3

use std::ops::Range;

use super::error::InputError;

/// Whether any line of `text` starts, after whitespace, with `-----BEGIN`: text before the first
/// block is allowed ([RFC 7468 section 5.2]), so a bundle need not start with one.
///
/// [RFC 7468 section 5.2]: https://www.rfc-editor.org/rfc/rfc7468#section-5.2
pub(super) fn has_begin_line(text: &[u8]) -> bool {
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
pub(super) struct Block<'a> {
    pub(super) number: usize,
    pub(super) offset: usize,
    pub(super) label: &'a [u8],
    pub(super) body: Range<usize>,
}

impl Block<'_> {
    pub(super) fn error(&self, reason: String) -> InputError {
        InputError::Pem {
            block: self.number,
            offset: self.offset,
            reason,
        }
    }
}

/// What a scan saw, for the errors that say "no such block here".
pub(super) struct Seen {
    pub(super) blocks: usize,
    pub(super) labels: Vec<String>,
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
pub(super) fn scan_pem<'a>(
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

/// The 1-based line of byte offset `at`, for messages; only computed on the error path.
pub(super) fn line_number(text: &[u8], at: usize) -> usize {
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

/// The start of a `BEGIN` boundary line.
pub(super) const BEGIN: &[u8] = b"-----BEGIN";
/// The UTF-8 byte-order mark some editors put at the start of a text file.
pub(super) const BOM: &[u8] = b"\xEF\xBB\xBF";
const DASHES: &[u8] = b"-----";
