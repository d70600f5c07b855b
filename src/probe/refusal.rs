//! A handshake a strict client cannot complete, as a finding: a server that speaks only TLS
//! 1.0 or 1.1, or shares no cipher suite with rustls, is a server to fix, like a broken
//! chain, and a report says so with a code and who must act.

use rustls::AlertDescription;

use super::error::ProbeError;
use crate::finding::{Actor, Code, Evidence, Finding};

/// The finding for a handshake that ended, before any certificate, because the server and a
/// strict client share no TLS version or no cipher suite; `None` for any other failure.
pub(super) fn finding(error: &ProbeError) -> Option<Finding> {
    let (code, message) = match error {
        ProbeError::NoCommonVersion { detail } => (
            Code::ProtocolVersion,
            format!(
                "the server shares no TLS version with a strict client ({detail}): rustls \
                 speaks TLS 1.2 and 1.3 only, and RFC 8996 deprecates TLS 1.0 and 1.1"
            ),
        ),
        ProbeError::NoCommonParameters { what } => (
            Code::NoCommonCipher,
            format!(
                "the server shares no {what} with a strict client, so the handshake ends \
                 before any certificate"
            ),
        ),
        ProbeError::Alert {
            alert: AlertDescription::HandshakeFailure,
        } => (
            Code::NoCommonCipher,
            "the server answered the strict client's hello with a handshake_failure alert, \
             before any certificate: usually no cipher suite, key exchange group or \
             signature scheme in common"
                .to_owned(),
        ),
        _ => return None,
    };
    let remediation = match code {
        Code::ProtocolVersion => {
            "server operator: enable TLS 1.2 and TLS 1.3 on the server (RFC 8996; RFC 9325 \
             section 3.1.1)"
        }
        _ => {
            "server operator: offer the TLS 1.3 suites and the TLS 1.2 ECDHE suites with \
             AES-GCM or ChaCha20-Poly1305 (RFC 9325 section 4.2), the X25519, P-256 or P-384 \
             groups, and ECDSA, RSA-PSS or Ed25519 signatures"
        }
    };
    Some(Finding::new(
        code,
        None,
        Actor::ServerOperator,
        message,
        remediation,
        Evidence::None,
    ))
}
