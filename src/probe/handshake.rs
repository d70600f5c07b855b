//! The TLS handshake, run by a rustls client up to the server's certificates and no
//! further.
//!
//! rustls keeps no chain after a failed handshake, so the client's certificate verifier is a
//! [`Recorder`]: it keeps the certificates exactly as the server sent them, then refuses
//! them, which aborts the handshake before any application data could be sent. Whether the
//! chain deserves trust is the verifier's question, asked afterwards on what was recorded.

use std::sync::{Arc, Mutex, PoisonError};

use pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::client::Resumption;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::{
    AlertDescription, CertificateError, CipherSuite, ClientConfig, ClientConnection,
    DigitallySignedStruct, InvalidMessage, PeerIncompatible, ProtocolVersion, SignatureScheme,
};

use super::deadline::Conn;
use super::error::{Phase, ProbeError, not_tls_hint};
use super::reply::{QUOTE_LEN, printable};
use crate::provider::default_provider;

/// What the handshake showed before the probe ended it.
#[derive(Debug)]
pub(super) struct Handshake {
    pub(super) presented: Vec<CertificateDer<'static>>,
    pub(super) ocsp_stapled: bool,
    pub(super) version: Option<ProtocolVersion>,
    pub(super) cipher_suite: Option<CipherSuite>,
    pub(super) alpn: Option<Vec<u8>>,
}

/// Runs a handshake on `conn` for `name` (sent as SNI when it is a DNS name, [RFC 6066
/// section 3]), offering `alpn`, and returns what the server presented.
///
/// [RFC 6066 section 3]: https://www.rfc-editor.org/rfc/rfc6066#section-3
pub(super) fn run(
    conn: &mut Conn,
    name: ServerName<'static>,
    alpn: Vec<Vec<u8>>,
) -> Result<Handshake, ProbeError> {
    let provider = Arc::new(default_provider());
    let recorder = Arc::new(Recorder {
        algorithms: provider.signature_verification_algorithms,
        captured: Mutex::new(None),
    });
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(ProbeError::Tls)?
        .dangerous()
        .with_custom_certificate_verifier(recorder.clone())
        .with_no_client_auth();
    // A resumed session skips the certificate message: every probe starts afresh.
    config.resumption = Resumption::disabled();
    config.alpn_protocols = alpn;
    let mut tls = ClientConnection::new(Arc::new(config), name).map_err(ProbeError::Tls)?;

    let mut first = true;
    let mut buf = vec![0; 16 * 1024];
    let outcome = 'handshake: loop {
        flush(&mut tls, conn)?;
        let n = conn.read(&mut buf, Phase::Handshake)?;
        if first {
            first = false;
            // RFC 8446 section 5.1: a server's first record is a handshake or an alert.
            if !matches!(buf[0], 0x15 | 0x16) {
                return Err(not_tls(conn, &buf[..n]));
            }
        }
        let mut received = &buf[..n];
        while !received.is_empty() {
            // rustls refuses to buffer a handshake message over 64 KiB (a read of nothing
            // from bytes at hand means the same).
            if !matches!(tls.read_tls(&mut received), Ok(1..)) {
                break 'handshake Err(rustls::Error::InvalidMessage(
                    InvalidMessage::HandshakePayloadTooLarge,
                ));
            }
            if let Err(e) = tls.process_new_packets() {
                break 'handshake Err(e);
            }
        }
        if !tls.is_handshaking() {
            // The recorder refuses every chain, so a handshake cannot complete.
            break Ok(());
        }
    };
    let captured = recorder
        .captured
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    match (captured, outcome) {
        (Some(captured), _) => {
            // Tells the server why the handshake ends; it may have gone already.
            let _ = flush(&mut tls, conn);
            Ok(Handshake {
                presented: captured.presented,
                ocsp_stapled: captured.ocsp_stapled,
                version: tls.protocol_version(),
                cipher_suite: tls.negotiated_cipher_suite().map(|s| s.suite()),
                alpn: tls.alpn_protocol().map(<[u8]>::to_vec),
            })
        }
        (None, Err(e)) => Err(handshake_error(e)),
        (None, Ok(())) => Err(ProbeError::Closed {
            phase: Phase::Handshake,
        }),
    }
}

/// Sends what rustls has queued.
fn flush(tls: &mut ClientConnection, conn: &mut Conn) -> Result<(), ProbeError> {
    let mut out = Vec::new();
    while tls.wants_write() {
        out.clear();
        tls.write_tls(&mut out).map_err(|source| ProbeError::Io {
            phase: Phase::Handshake,
            source,
        })?;
        conn.write_all(&out, Phase::Handshake)?;
    }
    Ok(())
}

/// The error for a server whose first bytes are not TLS: it quotes them, reading on to the
/// end of the first line (or [`QUOTE_LEN`] bytes) while the deadline allows.
fn not_tls(conn: &mut Conn, first: &[u8]) -> ProbeError {
    let mut sent = first.to_vec();
    let mut chunk = [0; QUOTE_LEN];
    while sent.len() < QUOTE_LEN && !sent.contains(&b'\n') {
        match conn.read(&mut chunk, Phase::Handshake) {
            Ok(n) => sent.extend_from_slice(&chunk[..n]),
            Err(_) => break,
        }
    }
    let line = sent
        .split(|&b| b == b'\r' || b == b'\n')
        .next()
        .unwrap_or_default();
    ProbeError::NotTls {
        sent: printable(line),
        hint: not_tls_hint(&sent),
    }
}

/// The probe's error for a handshake that failed before the server's certificates.
fn handshake_error(error: rustls::Error) -> ProbeError {
    match error {
        rustls::Error::AlertReceived(AlertDescription::ProtocolVersion) => {
            ProbeError::NoCommonVersion {
                detail: "it answered with a protocol_version alert".to_owned(),
            }
        }
        rustls::Error::AlertReceived(alert) => ProbeError::Alert { alert },
        rustls::Error::PeerIncompatible(
            why @ (PeerIncompatible::ServerDoesNotSupportTls12Or13
            | PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig),
        ) => ProbeError::NoCommonVersion {
            detail: format!("rustls: {why:?}"),
        },
        rustls::Error::PeerIncompatible(why) => ProbeError::NoCommonParameters {
            what: format!("{why:?}"),
        },
        rustls::Error::InvalidMessage(InvalidMessage::HandshakePayloadTooLarge) => {
            ProbeError::CertificateMessageTooLarge
        }
        other => ProbeError::Tls(other),
    }
}

/// The chain and stapled OCSP response a [`Recorder`] saw.
#[derive(Debug)]
struct Captured {
    presented: Vec<CertificateDer<'static>>,
    ocsp_stapled: bool,
}

/// A certificate verifier that records the server's certificates, then refuses them.
#[derive(Debug)]
struct Recorder {
    algorithms: WebPkiSupportedAlgorithms,
    captured: Mutex<Option<Captured>>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let presented = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|cert| cert.clone().into_owned())
            .collect();
        *self.captured.lock().unwrap_or_else(PoisonError::into_inner) = Some(Captured {
            presented,
            ocsp_stapled: !ocsp_response.is_empty(),
        });
        // Refused whatever it is: the probe ends here, before the handshake can complete.
        Err(CertificateError::ApplicationVerificationFailure.into())
    }

    // Never reached (the chain is refused first); they verify properly all the same, so the
    // recorder is never a verifier that accepts anything.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
