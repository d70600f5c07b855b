//! DER framing: whether decoded bytes are exactly one DER `SEQUENCE` ([X.690 section 10.1]),
//! judged by the `der` crate's reader.
//!
//! [X.690 section 10.1]: https://www.itu.int/rec/T-REC-X.690

use der::{Decode, ErrorKind, Header, Length, Reader, SliceReader};

/// Why a byte string is not exactly one DER `SEQUENCE`, and where.
pub(super) struct DerProblem {
    /// The byte offset of the problem in the checked bytes.
    pub(super) at: usize,
    /// Which kind of fix to suggest.
    pub(super) kind: DerProblemKind,
    /// What is wrong, without a fix: the caller knows where the bytes came from.
    pub(super) reason: String,
}

/// The kinds of problem that call for different fixes.
pub(super) enum DerProblemKind {
    /// The bytes are not DER: export them again.
    Malformed,
    /// Bytes follow the `SEQUENCE`, perhaps a second certificate.
    Trailing,
    /// The bytes stop early: the file is incomplete.
    Truncated,
}

/// Checks the outer TLV only: a `SEQUENCE` tag, a definite, minimally encoded length
/// ([X.690 section 10.1]), and content that ends exactly where `der` does. The `der` crate's
/// reader does the framing; this maps its errors onto positions and words a user can act on.
///
/// [X.690 section 10.1]: https://www.itu.int/rec/T-REC-X.690
pub(super) fn check_sequence(der: &[u8]) -> Result<(), DerProblem> {
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

/// The one-byte tag of a universal, constructed `SEQUENCE` ([X.690 section 8.9]).
///
/// [X.690 section 8.9]: https://www.itu.int/rec/T-REC-X.690
pub(super) const SEQUENCE: u8 = 0x30;
