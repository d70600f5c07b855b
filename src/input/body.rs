//! A PEM block's body: base64 text ([RFC 7468 section 3]) decoded with the `base64` crate.
//!
//! [RFC 7468 section 3]: https://www.rfc-editor.org/rfc/rfc7468#section-3

use base64::engine::general_purpose::STANDARD;
use base64::{DecodeError, Engine, alphabet};

use super::error::InputError;
use super::pem::{Block, line_number};

/// Decodes a block's base64 body with the `base64` crate's standard engine, which is as strict
/// as [RFC 7468 section 3] asks: the standard alphabet ([RFC 4648 section 4]), '=' padding
/// required, and zero bits where the padding discards them.
///
/// RFC 7468 allows whitespace anywhere in the base64 text, so the body is compacted first; the
/// crate's error offsets index that compacted text and are mapped back onto the input.
///
/// [RFC 7468 section 3]: https://www.rfc-editor.org/rfc/rfc7468#section-3
/// [RFC 4648 section 4]: https://www.rfc-editor.org/rfc/rfc4648#section-4
pub(super) fn decode_base64(text: &[u8], block: &Block<'_>) -> Result<Vec<u8>, InputError> {
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
    /// An alphabet symbol after '=' padding, which may only end the text.
    AfterPadding { symbol: usize, padding: usize },
    /// A byte outside the alphabet and not '='.
    Byte(usize, u8),
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
