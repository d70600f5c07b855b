//! The live probe against servers started here, on 127.0.0.1 and port 0: an in-process
//! rustls server presenting each core scenario's chain, STARTTLS responders for every
//! protocol, and hostile servers. Each server serves one connection on a thread of its own
//! and stops with it.
//!
//! The servers (`test_pki::server`) sign the handshake with a throwaway key, not the
//! leaf's: the probe refuses the chain before it checks the handshake signature, so the key
//! never matters, and a probe that went further would fail these tests.
#![cfg(feature = "probe")]
// Test servers and helpers: a failed setup should panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use certdeps::probe::{Options, Phase, ProbeError, check_all, check_live, probe};
use certdeps::{Code, Endpoint, Report, TrustStore, Verifier};
use pki_types::CertificateDer;
use test_pki::server::{Server, handshake, read_line};
use test_pki::{Ca, CertSpec, Chain, DAY, KeyType, NOW, now, self_signed_leaf};

const HOST: &str = "mail.contoso.test";

/// Probe options that connect to `server`, with a short deadline.
fn options(server: &Server) -> Options {
    Options::default()
        .with_resolve(server.address)
        .with_deadline(Duration::from_secs(5))
}

/// A verifier trusting `roots`.
fn verifier(roots: &[&CertificateDer<'static>]) -> Verifier {
    let roots = roots.iter().map(|r| (*r).clone()).collect::<Vec<_>>();
    Verifier::builder(TrustStore::from_certificates("test roots", roots).unwrap())
        .build()
        .unwrap()
}

/// A live report says what the offline one says, plus what the probe learnt: the same
/// words once the two connection lines are dropped, the same JSON once `connection` is null.
fn assert_same(live: &Report, offline: &Report) {
    assert!(live.connection().is_some() && offline.connection().is_none());
    let text = live.to_string();
    let without: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("connection: ") && !l.starts_with("probe took: "))
        .collect();
    assert_eq!(without.len() + 2, text.lines().count(), "{text}");
    assert_eq!(format!("{}\n", without.join("\n")), offline.to_string());
    #[cfg(feature = "json")]
    {
        let mut json = live.to_json();
        assert!(json["connection"].is_object(), "{json}");
        json["connection"] = serde_json::Value::Null;
        assert_eq!(json, offline.to_json());
    }
}

/// Probes a TLS server presenting `presented` and checks it against `roots` for `host`:
/// the chain comes back exactly, and the live report is the offline one.
fn live_equals_offline(
    presented: Vec<CertificateDer<'static>>,
    roots: &[&CertificateDer<'static>],
) -> Report {
    let server = Server::tls(presented.clone(), |_| {});
    let endpoint = Endpoint::parse(&format!("https://{HOST}:{}", server.address.port())).unwrap();
    let verifier = verifier(roots);
    let (report, probed) = check_live(&verifier, &endpoint, &options(&server), now()).unwrap();
    assert_eq!(probed.address(), server.address);
    assert_eq!(server.join().as_deref(), Some(HOST), "the SNI");
    assert_eq!(probed.presented(), &presented[..]);
    assert!(probed.protocol_version().is_some() && probed.cipher_suite().is_some());
    assert!(!probed.ocsp_stapled() && probed.alpn().is_none());
    let connection = report.connection().unwrap();
    assert_eq!(connection.address, probed.address());
    assert!(!connection.proxied && !connection.ocsp_stapled);
    assert!(
        connection
            .protocol_version
            .as_deref()
            .unwrap()
            .starts_with("TLS 1.")
    );
    assert!(
        connection
            .cipher_suite
            .as_deref()
            .unwrap()
            .starts_with("TLS")
    );
    assert_eq!(connection.timings, *probed.timings());
    let text = report.to_string();
    assert!(
        text.contains(&format!("\nconnection: {}, TLS 1.", probed.address()))
            && text.contains("no OCSP response stapled\nprobe took: resolve "),
        "{text}"
    );
    assert_same(&report, &verifier.check(&endpoint, &presented, now()));
    report
}

#[test]
fn many_endpoints_come_back_in_the_order_given() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    // Twelve servers, healthy and leaf-only in turn, probed three at a time, with one
    // closed port among them: each result is the one its position asked for.
    let servers: Vec<(Server, bool)> = (0..12)
        .map(|i| {
            let healthy = i % 2 == 0;
            let presented = if healthy {
                chain.presented()
            } else {
                vec![chain.leaf.clone()]
            };
            (Server::tls(presented, |_| {}), healthy)
        })
        .collect();
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut endpoints: Vec<(Endpoint, Options)> = servers
        .iter()
        .map(|(server, _)| {
            let url = format!("https://{HOST}:{}", server.address.port());
            (Endpoint::parse(&url).unwrap(), options(server))
        })
        .collect();
    let url = format!("https://{HOST}:{}", closed.port());
    let deadline = Duration::from_secs(2);
    let refused = Options::default()
        .with_resolve(closed)
        .with_deadline(deadline);
    endpoints.insert(5, (Endpoint::parse(&url).unwrap(), refused));
    let verifier = verifier(&[chain.root.der()]);
    let results = check_all(&verifier, &endpoints, now(), 3);
    assert_eq!(results.len(), 13);
    let mut expected: Vec<_> = servers
        .iter()
        .map(|(server, healthy)| Some((server.address, *healthy)))
        .collect();
    expected.insert(5, None);
    for (i, (result, expected)) in results.iter().zip(expected).enumerate() {
        match (result, expected) {
            (Ok((report, probed)), Some((address, healthy))) => {
                assert_eq!(probed.address(), address, "[{i}]");
                assert_eq!(report.is_trusted(), healthy, "[{i}] {report}");
            }
            (Err(error), None) => {
                assert!(matches!(error, ProbeError::Refused { .. }), "[{i}] {error}")
            }
            (other, _) => panic!("[{i}] unexpected: {other:?}"),
        }
    }
    for (server, _) in servers {
        server.join();
    }
}

#[test]
fn healthy() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let report = live_equals_offline(chain.presented(), &[chain.root.der()]);
    assert!(report.is_trusted(), "{report}");
}

#[test]
fn leaf_only() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let report = live_equals_offline(vec![chain.leaf.clone()], &[chain.root.der()]);
    assert!(report.has(Code::IncompleteChain), "{report}");
}

#[test]
fn self_signed() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let report = live_equals_offline(vec![self_signed_leaf(&[HOST])], &[chain.root.der()]);
    assert!(report.has(Code::SelfSigned), "{report}");
}

#[test]
fn private_root() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let other = Ca::root("certdeps Test Other Root");
    let mut presented = chain.presented();
    presented.push(chain.root.der().clone());
    let report = live_equals_offline(presented, &[other.der()]);
    assert!(report.has(Code::UntrustedRoot), "{report}");
}

#[test]
fn wrong_host() {
    let chain = Chain::new(KeyType::EcdsaP256, "www.fabrikam.test");
    let report = live_equals_offline(chain.presented(), &[chain.root.der()]);
    assert!(report.has(Code::NameMismatch), "{report}");
}

#[test]
fn expired() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let leaf = chain.inter.leaf_with(CertSpec {
        not_after: NOW - DAY,
        ..CertSpec::leaf(&[HOST])
    });
    let report = live_equals_offline(vec![leaf, chain.inter.der().clone()], &[chain.root.der()]);
    assert!(report.has(Code::Expired), "{report}");
}

#[test]
fn no_sni_for_an_ip_and_the_override_name_otherwise() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let server = Server::tls(chain.presented(), |_| {});
    let endpoint = Endpoint::parse(&format!("https://{}", server.address)).unwrap();
    probe(&endpoint, &options(&server)).unwrap();
    assert_eq!(server.join(), None);

    let server = Server::tls(chain.presented(), |_| {});
    let endpoint = Endpoint::parse(&format!("https://{}", server.address)).unwrap();
    let options = options(&server).with_server_name(HOST).unwrap();
    let verifier = verifier(&[chain.root.der()]);
    let (report, _) = check_live(&verifier, &endpoint, &options, now()).unwrap();
    assert_eq!(server.join().as_deref(), Some(HOST));
    assert!(
        report.is_trusted(),
        "checked for the override name: {report}"
    );
}

/// Probes `url` (a STARTTLS scheme) on a server that runs `dialogue` before TLS.
fn starttls(scheme: &str, dialogue: impl FnOnce(&mut TcpStream) + Send + 'static) {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let server = Server::tls(chain.presented(), dialogue);
    let endpoint =
        Endpoint::parse(&format!("{scheme}://{HOST}:{}", server.address.port())).unwrap();
    let probed = probe(&endpoint, &options(&server)).unwrap();
    assert_eq!(server.join().as_deref(), Some(HOST));
    assert_eq!(probed.presented(), &chain.presented()[..]);
    assert!(probed.timings().starttls.is_some());
}

#[test]
fn starttls_smtp() {
    starttls("smtp", |s| {
        s.write_all(b"220-mail.contoso.test ESMTP\r\n220 ready\r\n")
            .unwrap();
        assert!(read_line(s).starts_with("EHLO ["));
        s.write_all(b"250-mail.contoso.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
            .unwrap();
        assert_eq!(read_line(s), "STARTTLS\r\n");
        s.write_all(b"220 2.0.0 go ahead\r\n").unwrap();
    });
}

#[test]
fn starttls_imap() {
    starttls("imap", |s| {
        s.write_all(b"* OK IMAP4rev1 ready\r\n").unwrap();
        assert_eq!(read_line(s), "a1 CAPABILITY\r\n");
        s.write_all(b"* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\na1 OK done\r\n")
            .unwrap();
        assert_eq!(read_line(s), "a2 STARTTLS\r\n");
        s.write_all(b"a2 OK begin TLS\r\n").unwrap();
    });
}

#[test]
fn starttls_pop3() {
    starttls("pop3", |s| {
        s.write_all(b"+OK POP3 ready\r\n").unwrap();
        assert_eq!(read_line(s), "STLS\r\n");
        s.write_all(b"+OK begin TLS\r\n").unwrap();
    });
}

#[test]
fn starttls_ldap() {
    starttls("ldap", |s| {
        // RFC 4511 section 4.14.1: messageID 1, [APPLICATION 23] { [0] the StartTLS OID }.
        let mut expected = vec![0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16];
        expected.extend(b"1.3.6.1.4.1.1466.20037");
        let mut request = vec![0; expected.len()];
        s.read_exact(&mut request).unwrap();
        assert_eq!(request, expected);
        // Success, with Active Directory's four-octet length on the outer SEQUENCE.
        s.write_all(&[
            0x30, 0x84, 0, 0, 0, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00,
            0x04, 0x00,
        ])
        .unwrap();
    });
}

#[test]
fn starttls_postgres() {
    starttls("postgres", |s| {
        let mut request = [0; 8];
        s.read_exact(&mut request).unwrap();
        // Length 8, then the SSLRequest code 80877103.
        assert_eq!(request, [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
        s.write_all(b"S").unwrap();
    });
}

/// The deadline hostile servers get, and the margin a probe may take past it.
const SHORT: Duration = Duration::from_millis(1500);
const MARGIN: Duration = Duration::from_millis(500);

/// Probes `url` on a server that runs `serve` with [`SHORT`] as the deadline: the error, and
/// a guard that it came in time.
fn hostile(scheme: &str, serve: impl FnOnce(TcpStream) + Send + 'static) -> ProbeError {
    let server = Server::start(move |stream| {
        serve(stream);
        None
    });
    let endpoint =
        Endpoint::parse(&format!("{scheme}://{HOST}:{}", server.address.port())).unwrap();
    let started = Instant::now();
    let error = probe(&endpoint, &options(&server).with_deadline(SHORT)).unwrap_err();
    let took = started.elapsed();
    assert!(took < SHORT + MARGIN, "{error} after {took:?}");
    server.join();
    error
}

/// Waits until the client closes the connection (or the server's patience ends).
fn until_closed(mut stream: TcpStream) {
    let mut sink = [0; 1024];
    while matches!(stream.read(&mut sink), Ok(1..)) {}
}

#[test]
fn a_server_that_never_speaks_times_out() {
    let error = hostile("https", until_closed);
    assert!(
        matches!(
            error,
            ProbeError::TimedOut {
                phase: Phase::Handshake,
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn a_server_that_trickles_times_out_by_the_deadline() {
    let error = hostile("https", |mut stream| {
        // A TLS record header, then one byte a second: each read succeeds in time.
        for byte in [0x16, 0x03, 0x03, 0x40, 0x00, 0x02, 0x00, 0x3f, 0xfc, 0x03] {
            if stream.write_all(&[byte]).is_err() {
                return;
            }
            thread::sleep(Duration::from_secs(1));
        }
    });
    assert!(
        matches!(
            error,
            ProbeError::TimedOut {
                phase: Phase::Handshake,
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn an_http_server_on_a_tls_port_is_not_tls() {
    let error = hostile("https", |mut stream| {
        let mut hello = [0; 512];
        let _ = stream.read(&mut hello);
        let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    });
    let ProbeError::NotTls { sent, hint } = &error else {
        panic!("{error}");
    };
    assert_eq!(sent, "HTTP/1.1 400 Bad Request");
    assert!(hint.contains("http://"), "{error}");
}

#[test]
fn an_smtp_banner_on_a_tls_port_is_not_tls() {
    let error = hostile("https", |mut stream| {
        let _ = stream.write_all(b"220 mail.contoso.test ESMTP Postfix\r\n");
        until_closed(stream);
    });
    let ProbeError::NotTls { sent, hint } = &error else {
        panic!("{error}");
    };
    assert_eq!(sent, "220 mail.contoso.test ESMTP Postfix");
    assert!(hint.contains("smtp://"), "{error}");
}

#[test]
fn a_server_that_closes_mid_handshake() {
    let error = hostile("https", |mut stream| {
        let mut hello = [0; 512];
        let _ = stream.read(&mut hello);
        // Half a ServerHello record, then gone.
        let _ = stream.write_all(&[0x16, 0x03, 0x03, 0x00, 0x40, 0x02]);
    });
    assert!(
        matches!(
            error,
            ProbeError::Closed {
                phase: Phase::Handshake
            }
        ),
        "{error}"
    );
}

/// An SMTP server that answers EHLO with `ehlo` and STARTTLS with `answer`.
fn smtp_server(ehlo: &'static [u8], answer: &'static [u8]) -> impl FnOnce(TcpStream) + Send {
    move |mut s| {
        s.write_all(b"220 mail.contoso.test ESMTP\r\n").unwrap();
        read_line(&mut s);
        s.write_all(ehlo).unwrap();
        if read_line(&mut s) == "STARTTLS\r\n" {
            s.write_all(answer).unwrap();
        }
    }
}

#[test]
fn a_server_that_refuses_starttls() {
    let error = hostile(
        "smtp",
        smtp_server(
            b"250-mail.contoso.test\r\n250 STARTTLS\r\n",
            b"454 4.7.0 TLS not available\r\n",
        ),
    );
    let ProbeError::StartTlsRefused { step, line, .. } = &error else {
        panic!("{error}");
    };
    assert_eq!(
        (*step, line.as_str()),
        ("STARTTLS", "454 4.7.0 TLS not available")
    );
}

#[test]
fn a_server_that_does_not_offer_starttls() {
    let error = hostile(
        "smtp",
        smtp_server(b"250-mail.contoso.test\r\n250 SIZE 100\r\n", b""),
    );
    assert!(
        matches!(error, ProbeError::StartTlsNotOffered { step: "EHLO", .. }),
        "{error}"
    );
    assert!(error.to_string().contains("SIZE 100"), "{error}");
}

#[test]
fn a_certificate_message_over_64_kib() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    // A leaf, then ~100 KiB of bytes the server presents as a certificate.
    let presented = vec![
        chain.leaf.clone(),
        CertificateDer::from(vec![0x30; 100 * 1024]),
    ];
    let server = Server::tls(presented, |_| {});
    let endpoint = Endpoint::parse(&format!("https://{HOST}:{}", server.address.port())).unwrap();
    let error = probe(&endpoint, &options(&server).with_deadline(SHORT)).unwrap_err();
    server.join();
    assert!(
        matches!(error, ProbeError::CertificateMessageTooLarge),
        "{error}"
    );
}

#[test]
fn nothing_listening_is_refused() {
    let address = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let endpoint = Endpoint::parse(&format!("https://{address}")).unwrap();
    let error = probe(&endpoint, &Options::default().with_deadline(SHORT)).unwrap_err();
    assert!(
        matches!(error, ProbeError::Refused { address: a } if a == address),
        "{error}"
    );
}

/// A proxy that answers CONNECT with `status`, then (on 2xx) serves TLS itself; the CONNECT
/// request line it received.
fn proxy(status: &'static str, chain: Vec<CertificateDer<'static>>) -> Server {
    Server::start(move |mut stream| {
        let request = read_line(&mut stream);
        while read_line(&mut stream) != "\r\n" {}
        stream.write_all(status.as_bytes()).unwrap();
        if status.starts_with("HTTP/1.1 200") {
            handshake(&mut stream, chain);
        }
        Some(request)
    })
}

#[test]
fn a_proxy_tunnels_and_a_refusal_is_quoted() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let endpoint = Endpoint::parse(&format!("https://{HOST}:8443")).unwrap();

    let server = proxy(
        "HTTP/1.1 200 Connection established\r\n\r\n",
        chain.presented(),
    );
    let options = Options::default()
        .with_deadline(SHORT)
        .with_proxy(&format!("http://{}", server.address))
        .unwrap();
    let probed = probe(&endpoint, &options).unwrap();
    assert_eq!(
        server.join().as_deref(),
        Some("CONNECT mail.contoso.test:8443 HTTP/1.1\r\n")
    );
    assert!(probed.proxied());
    assert_eq!(probed.presented(), &chain.presented()[..]);

    let server = proxy("HTTP/1.1 403 Forbidden\r\n\r\n", Vec::new());
    let options = Options::default()
        .with_deadline(SHORT)
        .with_proxy(&format!("http://{}", server.address))
        .unwrap();
    let error = probe(&endpoint, &options).unwrap_err();
    server.join();
    let ProbeError::ProxyRefused { status_line } = &error else {
        panic!("{error}");
    };
    assert_eq!(status_line, "HTTP/1.1 403 Forbidden");
}

/// An `openssl s_server` on 127.0.0.1 with `args`, presenting a self-signed ECDSA
/// certificate for [`HOST`], stopped when dropped. `None`, having said why, where `openssl`
/// is missing or will not serve with those arguments.
struct OpenSsl {
    child: std::process::Child,
    address: SocketAddr,
    dir: std::path::PathBuf,
}

impl OpenSsl {
    fn start(name: &str, args: &[&str]) -> Option<Self> {
        use std::process::{Command, Stdio};

        let dir =
            std::env::temp_dir().join(format!("certdeps-probe-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec![HOST.to_owned()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        std::fs::write(dir.join("cert.pem"), cert.pem()).unwrap();
        std::fs::write(dir.join("key.pem"), key.serialize_pem()).unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let spawned = Command::new("openssl")
            .args(["s_server", "-quiet"])
            .args(args)
            .args(["-accept", &format!("127.0.0.1:{port}")])
            .arg("-cert")
            .arg(dir.join("cert.pem"))
            .arg("-key")
            .arg(dir.join("key.pem"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(child) = spawned else {
            test_pki::tell("skipped: `openssl` is not installed");
            let _ = std::fs::remove_dir_all(&dir);
            return None;
        };
        let mut server = Self {
            child,
            address: format!("127.0.0.1:{port}").parse().unwrap(),
            dir,
        };
        let started = Instant::now();
        while TcpStream::connect(server.address).is_err() {
            if started.elapsed() > Duration::from_secs(5)
                || server.child.try_wait().unwrap().is_some()
            {
                test_pki::tell(&format!(
                    "skipped: `openssl s_server {}` did not start",
                    args.join(" ")
                ));
                return None;
            }
            thread::sleep(Duration::from_millis(50));
        }
        Some(server)
    }

    /// The endpoint and probe options that reach it.
    fn endpoint(&self) -> (Endpoint, Options) {
        let url = format!("https://{HOST}:{}", self.address.port());
        let options = Options::default()
            .with_resolve(self.address)
            .with_deadline(SHORT);
        (Endpoint::parse(&url).unwrap(), options)
    }
}

impl Drop for OpenSsl {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The report of a server a strict client cannot negotiate with: untrusted, no presented
/// certificate, and exactly the one finding `code`, for the server operator.
fn assert_refused_handshake(report: &Report, probed: &certdeps::probe::Probed, code: Code) {
    assert!(!report.is_trusted(), "{report}");
    assert!(probed.presented().is_empty());
    assert_eq!(report.codes(), [code], "{report}");
    let finding = &report.findings()[0];
    assert_eq!(finding.actor(), certdeps::Actor::ServerOperator);
    assert!(finding.remediation().starts_with("server operator: "));
    assert_eq!(report.connection().unwrap().address, probed.address());
}

/// A server that speaks only TLS 1.0 (`openssl s_server -tls1`): a strict client has no
/// version in common with it. `probe` says so as a typed error, `check_live` as a
/// `protocol-version` finding. Skipped, saying why, where `openssl` is missing or will not
/// serve TLS 1.0.
#[test]
fn a_tls_1_0_only_server_has_no_version_in_common() {
    let Some(server) = OpenSsl::start("tls10", &["-tls1", "-cipher", "DEFAULT@SECLEVEL=0"]) else {
        return;
    };
    let (endpoint, options) = server.endpoint();
    let error = probe(&endpoint, &options).unwrap_err();
    assert!(
        matches!(error, ProbeError::NoCommonVersion { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("TLS 1.0 or 1.1"), "{error}");

    let root = Ca::root("certdeps Test Root");
    let (report, probed) =
        check_live(&verifier(&[root.der()]), &endpoint, &options, now()).unwrap();
    assert_refused_handshake(&report, &probed, Code::ProtocolVersion);
    assert!(
        report.findings()[0]
            .message()
            .contains("TLS 1.2 and 1.3 only"),
        "{report}"
    );
}

/// A TLS 1.2 server whose only cipher suite is one rustls does not offer (RSA key exchange,
/// CBC): it answers the hello with a handshake_failure alert, a `no-common-cipher` finding.
#[test]
fn a_server_with_only_suites_rustls_refuses_shares_no_cipher() {
    let args = ["-tls1_2", "-cipher", "AES128-SHA@SECLEVEL=0"];
    let Some(server) = OpenSsl::start("rsa-kx", &args) else {
        return;
    };
    let (endpoint, options) = server.endpoint();
    let error = probe(&endpoint, &options).unwrap_err();
    assert!(
        matches!(
            error,
            ProbeError::Alert {
                alert: rustls::AlertDescription::HandshakeFailure
            }
        ),
        "{error}"
    );
    let root = Ca::root("certdeps Test Root");
    let (report, probed) =
        check_live(&verifier(&[root.der()]), &endpoint, &options, now()).unwrap();
    assert_refused_handshake(&report, &probed, Code::NoCommonCipher);
    #[cfg(feature = "json")]
    assert_eq!(report.to_json()["findings"][0]["code"], "no-common-cipher");
}
