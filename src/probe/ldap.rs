//! LDAP's StartTLS extended operation ([RFC 4511 section 4.14]) in BER: the request a probe
//! sends, and the ExtendedResponse it reads back.
//!
//! LDAP messages are BER ([RFC 4511 section 5.1]), not DER: servers in the field (Active
//! Directory among them) write lengths in the long form when the short one would do, which
//! the `der` crate and the crate's DER reader rightly refuse. This module therefore reads
//! the few headers it needs with its own bounded reader: definite lengths only (section 5.1
//! forbids the indefinite form), at most four length octets, and a message no larger than
//! [`MAX_MESSAGE`]. Pure functions, importing nothing from the crate, so the fuzz target can
//! compile the module on its own.
//!
//! [RFC 4511 section 4.14]: https://www.rfc-editor.org/rfc/rfc4511#section-4.14
//! [RFC 4511 section 5.1]: https://www.rfc-editor.org/rfc/rfc4511#section-5.1

/// The StartTLS extended request's name ([RFC 4511 section 4.14.1]).
///
/// [RFC 4511 section 4.14.1]: https://www.rfc-editor.org/rfc/rfc4511#section-4.14.1
pub(crate) const START_TLS_OID: &str = "1.3.6.1.4.1.1466.20037";

/// The message ID of the one request a probe sends ([RFC 4511 section 4.1.1.1]: non-zero,
/// zero being for unsolicited notifications).
///
/// [RFC 4511 section 4.1.1.1]: https://www.rfc-editor.org/rfc/rfc4511#section-4.1.1.1
pub(crate) const MESSAGE_ID: u32 = 1;

/// The largest response accepted: an ExtendedResponse to StartTLS holds a result code and
/// two short strings, so anything near this is not one.
pub(crate) const MAX_MESSAGE: usize = 16 * 1024;

// X.690 identifier octets of the types involved (RFC 4511 section 4.1.1 and 4.12).
const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const ENUMERATED: u8 = 0x0a;
const OCTET_STRING: u8 = 0x04;
/// `[APPLICATION 23]` constructed: ExtendedRequest.
const EXTENDED_REQUEST: u8 = 0x77;
/// `[APPLICATION 24]` constructed: ExtendedResponse.
const EXTENDED_RESPONSE: u8 = 0x78;
/// `[0]` primitive: ExtendedRequest's requestName.
const REQUEST_NAME: u8 = 0x80;

/// Why a response could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum BerError {
    /// A length in the indefinite form, which LDAP forbids.
    IndefiniteLength,
    /// A message larger than [`MAX_MESSAGE`], or a length of more than four octets.
    TooLarge,
    /// An INTEGER or ENUMERATED that is empty, negative or wider than 32 bits.
    BadNumber {
        /// Which element it is.
        what: &'static str,
    },
    /// Not the element the response has at this place.
    Unexpected {
        /// Which element was expected.
        expected: &'static str,
        /// The identifier octet found instead (`None` at the end of the input).
        found: Option<u8>,
    },
}

/// What a server answered to StartTLS ([RFC 4511 section 4.12]).
///
/// [RFC 4511 section 4.12]: https://www.rfc-editor.org/rfc/rfc4511#section-4.12
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ExtendedResponse {
    /// The message ID: [`MESSAGE_ID`] for the answer, 0 for a notice of disconnection.
    pub(crate) message_id: u32,
    /// The LDAPResult's resultCode: 0 is success ([RFC 4511 section 4.1.9]).
    ///
    /// [RFC 4511 section 4.1.9]: https://www.rfc-editor.org/rfc/rfc4511#section-4.1.9
    pub(crate) result_code: u32,
    /// The diagnosticMessage, as bytes.
    pub(crate) diagnostic: Vec<u8>,
}

/// The StartTLS ExtendedRequest, as one LDAPMessage:
/// `SEQUENCE { messageID 1, [APPLICATION 23] { [0] "1.3.6.1.4.1.1466.20037" } }`.
pub(crate) fn start_tls_request() -> Vec<u8> {
    // Every element is shorter than 128 bytes, so each length is one octet (X.690 8.1.3.4).
    fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(contents.len() + 2);
        out.push(tag);
        out.push(contents.len() as u8);
        out.extend_from_slice(contents);
        out
    }
    let name = tlv(REQUEST_NAME, START_TLS_OID.as_bytes());
    let mut message = tlv(INTEGER, &[MESSAGE_ID as u8]);
    message.extend(tlv(EXTENDED_REQUEST, &name));
    tlv(SEQUENCE, &message)
}

/// One LDAPMessage holding an ExtendedResponse, and the bytes it took; `Ok(None)` while the
/// message is incomplete. The optional elements after the diagnostic message (referral,
/// responseName, responseValue, controls) are skipped unread.
pub(crate) fn extended_response(buf: &[u8]) -> Result<Option<(ExtendedResponse, usize)>, BerError> {
    let Some(header) = header(buf)? else {
        return Ok(None);
    };
    expect(header.tag, SEQUENCE, "an LDAPMessage SEQUENCE")?;
    let used = header
        .len
        .checked_add(header.header_len)
        .filter(|&end| end <= MAX_MESSAGE)
        .ok_or(BerError::TooLarge)?;
    let Some(message) = buf.get(header.header_len..used) else {
        return Ok(None);
    };
    let (id, rest) = element(message, INTEGER, "the messageID INTEGER")?;
    let (op, _controls) = element(rest, EXTENDED_RESPONSE, "an ExtendedResponse")?;
    let (code, op) = element(op, ENUMERATED, "the resultCode ENUMERATED")?;
    let (_matched_dn, op) = element(op, OCTET_STRING, "the matchedDN OCTET STRING")?;
    let (diagnostic, _) = element(op, OCTET_STRING, "the diagnosticMessage OCTET STRING")?;
    let response = ExtendedResponse {
        message_id: unsigned(id, "the messageID INTEGER")?,
        result_code: unsigned(code, "the resultCode ENUMERATED")?,
        diagnostic: diagnostic.to_vec(),
    };
    Ok(Some((response, used)))
}

/// A TLV header: identifier octet, content length, header length.
struct Header {
    tag: u8,
    len: usize,
    header_len: usize,
}

/// The header at the start of `buf`; `None` while it is incomplete. Only low tag numbers
/// (one identifier octet), which is all an LDAPMessage uses.
fn header(buf: &[u8]) -> Result<Option<Header>, BerError> {
    let [tag, first, ..] = *buf else {
        return Ok(None);
    };
    if tag & 0x1f == 0x1f {
        return Err(BerError::Unexpected {
            expected: "a one-octet identifier",
            found: Some(tag),
        });
    }
    let (len, header_len) = match first {
        0..=0x7f => (usize::from(first), 2),
        0x80 => return Err(BerError::IndefiniteLength),
        0x81..=0x84 => {
            let count = usize::from(first & 0x7f);
            let Some(octets) = buf.get(2..2 + count) else {
                return Ok(None);
            };
            // BER allows leading zero octets (X.690 8.1.3.5); the value still fits a u32.
            let len = octets
                .iter()
                .fold(0u64, |len, &octet| len << 8 | u64::from(octet));
            (
                usize::try_from(len).map_err(|_| BerError::TooLarge)?,
                2 + count,
            )
        }
        _ => return Err(BerError::TooLarge),
    };
    Ok(Some(Header {
        tag,
        len,
        header_len,
    }))
}

/// The contents of the element of identifier `tag` at the start of a complete `buf`, and
/// what follows it.
fn element<'a>(
    buf: &'a [u8],
    tag: u8,
    expected: &'static str,
) -> Result<(&'a [u8], &'a [u8]), BerError> {
    let unexpected = BerError::Unexpected {
        expected,
        found: buf.first().copied(),
    };
    let header = header(buf)?.ok_or(unexpected.clone())?;
    expect(header.tag, tag, expected)?;
    buf[header.header_len..]
        .split_at_checked(header.len)
        .ok_or(unexpected)
}

fn expect(found: u8, tag: u8, expected: &'static str) -> Result<(), BerError> {
    if found == tag {
        Ok(())
    } else {
        Err(BerError::Unexpected {
            expected,
            found: Some(found),
        })
    }
}

/// A non-negative INTEGER or ENUMERATED of at most four value octets (X.690 8.3), leading
/// zero octets allowed.
fn unsigned(contents: &[u8], what: &'static str) -> Result<u32, BerError> {
    let significant = contents
        .iter()
        .position(|&b| b != 0)
        .map_or(&[][..], |at| &contents[at..]);
    let negative = contents.first().is_some_and(|&b| b & 0x80 != 0);
    if contents.is_empty() || negative || significant.len() > 4 {
        return Err(BerError::BadNumber { what });
    }
    Ok(significant
        .iter()
        .fold(0u32, |value, &b| value << 8 | u32::from(b)))
}

/// The name of a resultCode ([RFC 4511 section 4.1.9] and Appendix A), for messages.
///
/// [RFC 4511 section 4.1.9]: https://www.rfc-editor.org/rfc/rfc4511#section-4.1.9
pub(crate) fn result_name(code: u32) -> &'static str {
    match code {
        0 => "success",
        1 => "operationsError",
        2 => "protocolError",
        3 => "timeLimitExceeded",
        7 => "authMethodNotSupported",
        8 => "strongerAuthRequired",
        12 => "unavailableCriticalExtension",
        50 => "insufficientAccessRights",
        51 => "busy",
        52 => "unavailable",
        53 => "unwillingToPerform",
        80 => "other",
        _ => "unknown result code",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An ExtendedResponse as a server writes it, with the given length octets for the
    /// outer SEQUENCE.
    fn response(id: u8, code: u8, diagnostic: &[u8], long_form: bool) -> Vec<u8> {
        let mut op = vec![ENUMERATED, 1, code, OCTET_STRING, 0, OCTET_STRING];
        op.push(diagnostic.len() as u8);
        op.extend_from_slice(diagnostic);
        let mut message = vec![INTEGER, 1, id, EXTENDED_RESPONSE, op.len() as u8];
        message.extend(op);
        let mut out = vec![SEQUENCE];
        if long_form {
            // Active Directory's shape: four length octets for a short message.
            out.extend([0x84, 0, 0, 0, message.len() as u8]);
        } else {
            out.push(message.len() as u8);
        }
        out.extend(message);
        out
    }

    #[test]
    fn the_request_is_the_rfc_4511_extended_request() {
        let request = start_tls_request();
        assert_eq!(&request[..7], &[0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18]);
        assert_eq!(&request[7..9], &[0x80, 0x16]);
        assert_eq!(&request[9..], START_TLS_OID.as_bytes());
    }

    #[test]
    fn reads_a_success_in_either_length_form() {
        for long_form in [false, true] {
            let mut bytes = response(1, 0, b"", long_form);
            let len = bytes.len();
            bytes.extend(b"more");
            let (read, used) = extended_response(&bytes).unwrap().unwrap();
            assert_eq!((read.message_id, read.result_code, used), (1, 0, len));
        }
    }

    #[test]
    fn reads_a_refusal_and_waits_for_the_rest() {
        let bytes = response(1, 53, b"no TLS here", false);
        let (read, _) = extended_response(&bytes).unwrap().unwrap();
        assert_eq!(read.result_code, 53);
        assert_eq!(read.diagnostic, b"no TLS here");
        assert_eq!(result_name(read.result_code), "unwillingToPerform");
        for cut in 0..bytes.len() {
            assert_eq!(extended_response(&bytes[..cut]), Ok(None), "cut at {cut}");
        }
    }

    #[test]
    fn refuses_other_shapes() {
        assert_eq!(
            extended_response(&[0x30, 0x80]),
            Err(BerError::IndefiniteLength)
        );
        assert_eq!(
            extended_response(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
            Err(BerError::TooLarge)
        );
        assert!(matches!(
            extended_response(b"HTTP/1.1 400"),
            Err(BerError::Unexpected {
                found: Some(b'H'),
                ..
            })
        ));
        // A BindResponse ([APPLICATION 1]) where the ExtendedResponse should be.
        let mut bind = response(1, 0, b"", false);
        bind[5] = 0x61;
        assert!(matches!(
            extended_response(&bind),
            Err(BerError::Unexpected { .. })
        ));
    }
}
