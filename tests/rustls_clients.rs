//! Real HTTP clients (reqwest async and blocking, ureq, hyper-rustls) handed
//! `certdeps::rustls::client_config`, against rustls servers on 127.0.0.1 presenting each
//! core scenario: the healthy request succeeds, and each failing one fails with an error
//! whose text names the cause and in which `certdeps::report_of` finds the report.
//!
//! Every URL is `https://127.0.0.1:<port>/`, so no client resolves a name; the leaves name
//! that address (an iPAddress SAN, [RFC 6125 section 6.2.1]) except in the wrong-host case.
//!
//! [RFC 6125 section 6.2.1]: https://www.rfc-editor.org/rfc/rfc6125#section-6.2.1
#![cfg(feature = "rustls")]
// Test servers and helpers: a failed setup should panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::error::Error as StdError;
use std::sync::{Arc, OnceLock};

use certdeps::{Code, TrustStore, Verifier};
use pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, StreamOwned};
use test_pki::server::{HttpsServer, server_config, throwaway_key};
use test_pki::{Ca, CertSpec, DAY, NOW, self_signed_leaf};

const HOST: &str = "127.0.0.1";

/// One server configuration and what a client must see from it.
struct Case {
    name: &'static str,
    server: HttpsServer,
    /// The roots the client trusts.
    roots: Vec<CertificateDer<'static>>,
    /// The finding the failure's report must hold; `None`: the request succeeds.
    code: Option<Code>,
    /// Text the error must contain: what names the cause.
    names: &'static str,
}

/// The core scenarios, each served once for the whole binary.
fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let root = Ca::root("certdeps Test Root");
        let inter = root.intermediate("certdeps Test Intermediate");
        let other_root = Ca::root("certdeps Test Other Root");
        let (leaf, key) = inter.leaf_and_key(CertSpec::leaf(&[HOST]));
        let healthy = vec![leaf.clone(), inter.der().clone()];
        let expired = inter.leaf_with(CertSpec {
            not_after: NOW - DAY,
            ..CertSpec::leaf(&[HOST])
        });
        let case = |name, presented: Vec<CertificateDer<'static>>, roots: &Ca, code, names| {
            // Only the healthy server completes handshakes; the others are refused before
            // their handshake signature is checked.
            let key = match code {
                None => key.clone_key(),
                Some(_) => throwaway_key(),
            };
            Case {
                name,
                server: HttpsServer::start(server_config(presented, key)),
                roots: vec![roots.der().clone()],
                code,
                names,
            }
        };
        vec![
            case("healthy", healthy.clone(), &root, None, ""),
            case(
                "leaf-only",
                vec![leaf.clone()],
                &root,
                Some(Code::IncompleteChain),
                "certdeps Test Intermediate",
            ),
            case(
                "self-signed",
                vec![self_signed_leaf(&[HOST])],
                &root,
                Some(Code::SelfSigned),
                "self-signed",
            ),
            case(
                "private-root",
                vec![leaf.clone(), inter.der().clone(), root.der().clone()],
                &other_root,
                Some(Code::UntrustedRoot),
                "certdeps Test Root",
            ),
            case(
                "wrong-host",
                vec![inter.leaf(&["www.fabrikam.test"]), inter.der().clone()],
                &root,
                Some(Code::NameMismatch),
                "www.fabrikam.test",
            ),
            case(
                "expired",
                vec![expired, inter.der().clone()],
                &root,
                Some(Code::Expired),
                "expired",
            ),
        ]
    })
}

/// certdeps' client configuration trusting `roots`.
fn config(roots: &[CertificateDer<'static>]) -> ClientConfig {
    let store = TrustStore::from_certificates("test roots", roots.to_vec()).unwrap();
    certdeps::rustls::client_config(Verifier::builder(store).build().unwrap()).unwrap()
}

/// Every error in `error`'s `source()` chain, one `Display` each, as a log line shows it.
fn text(error: &(dyn StdError + 'static)) -> String {
    let mut out = error.to_string();
    let mut next = error.source();
    while let Some(e) = next {
        out.push_str(": ");
        out.push_str(&e.to_string());
        next = e.source();
    }
    out
}

/// What a client's request to one case came to.
fn check(case: &Case, outcome: Result<&str, &(dyn StdError + 'static)>) {
    match (outcome, case.code) {
        (Ok(body), None) => assert_eq!(body, "ok", "{}", case.name),
        (Ok(_), Some(code)) => panic!("{}: succeeded, expected `{code}`", case.name),
        (Err(error), None) => panic!("{}: failed: {}", case.name, text(error)),
        (Err(error), Some(code)) => {
            let shown = text(error);
            println!("{}: {shown}", case.name);
            assert!(
                shown.contains(case.names) && shown.contains(code.as_str()),
                "{}: the error does not name the cause ({}, {code}): {shown}",
                case.name,
                case.names
            );
            let report = certdeps::report_of(error)
                .unwrap_or_else(|| panic!("{}: no report in {error:?}", case.name));
            assert!(!report.is_trusted(), "{}", case.name);
            report.assert_finding(code);
        }
    }
}

#[test]
fn reqwest_async() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for case in cases() {
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(config(&case.roots))
            .no_proxy()
            .build()
            .unwrap();
        let url = case.server.url();
        let outcome = rt.block_on(async {
            let response = client.get(&url).send().await?;
            response.text().await
        });
        check(case, outcome.as_deref().map_err(as_dyn));
    }
}

#[test]
fn reqwest_blocking() {
    for case in cases() {
        let client = reqwest::blocking::Client::builder()
            .tls_backend_preconfigured(config(&case.roots))
            .no_proxy()
            .build()
            .unwrap();
        let outcome = client.get(case.server.url()).send().and_then(|r| r.text());
        check(case, outcome.as_deref().map_err(as_dyn));
    }
}

#[test]
fn ureq() {
    for case in cases() {
        // ureq 3 builds its own rustls configuration: a caller's goes in through its
        // transport API.
        let tls = ureq_tls::Preconfigured(Arc::new(config(&case.roots)));
        let connector = ureq::unversioned::transport::Connector::<()>::chain(
            ureq::unversioned::transport::TcpConnector::default(),
            tls,
        );
        let config = ureq::Agent::config_builder().proxy(None).build();
        let agent = ureq::Agent::with_parts(
            config,
            connector,
            ureq::unversioned::resolver::DefaultResolver::default(),
        );
        let outcome = agent
            .get(case.server.url())
            .call()
            .and_then(|mut r| r.body_mut().read_to_string())
            // ureq's error has no `source()`; its I/O error holds rustls' error.
            .map_err(ureq::Error::into_io);
        check(case, outcome.as_deref().map_err(as_dyn));
    }
}

#[tokio::test(flavor = "current_thread")]
async fn hyper_rustls() {
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    for case in cases() {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(config(&case.roots))
            .https_only()
            .enable_http1()
            .build();
        let client = Client::builder(TokioExecutor::new()).build::<_, String>(https);
        let outcome = match client.get(case.server.url().parse().unwrap()).await {
            Ok(response) => {
                use http_body_util::BodyExt;
                let body = response.into_body().collect().await.unwrap().to_bytes();
                Ok(String::from_utf8(body.to_vec()).unwrap())
            }
            Err(e) => Err(e),
        };
        check(case, outcome.as_deref().map_err(as_dyn));
    }
}

/// An error as the `dyn Error` an application holds.
fn as_dyn<E: StdError + 'static>(error: &E) -> &(dyn StdError + 'static) {
    error
}

/// The one rustls handshake of a ureq connection, with a preconfigured client
/// configuration: what ureq's own rustls connector does with the one it builds.
mod ureq_tls {
    use super::*;
    use ureq::unversioned::transport::{
        Buffers, ConnectionDetails, Connector, LazyBuffers, NextTimeout, Transport,
        TransportAdapter,
    };

    #[derive(Debug)]
    pub(super) struct Preconfigured(pub(super) Arc<ClientConfig>);

    impl<In: Transport> Connector<In> for Preconfigured {
        type Out = Tls;

        fn connect(
            &self,
            details: &ConnectionDetails<'_>,
            chained: Option<In>,
        ) -> Result<Option<Tls>, ureq::Error> {
            let Some(transport) = chained else {
                return Ok(None);
            };
            let host = details.uri.host().unwrap_or_default().to_owned();
            let name = ServerName::try_from(host).map_err(|_| ureq::Error::Tls("no host"))?;
            let mut conn = ClientConnection::new(self.0.clone(), name)?;
            let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
            sock.set_timeout(details.timeout);
            conn.complete_io(&mut sock)?;
            Ok(Some(Tls {
                buffers: LazyBuffers::new(
                    details.config.input_buffer_size(),
                    details.config.output_buffer_size(),
                ),
                stream: StreamOwned::new(conn, sock),
            }))
        }
    }

    pub(super) struct Tls {
        buffers: LazyBuffers,
        stream: StreamOwned<ClientConnection, TransportAdapter>,
    }

    impl std::fmt::Debug for Tls {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Tls").finish_non_exhaustive()
        }
    }

    impl Transport for Tls {
        fn buffers(&mut self) -> &mut dyn Buffers {
            &mut self.buffers
        }

        fn transmit_output(
            &mut self,
            amount: usize,
            timeout: NextTimeout,
        ) -> Result<(), ureq::Error> {
            use std::io::Write;
            self.stream.get_mut().set_timeout(timeout);
            let output = &self.buffers.output()[..amount];
            self.stream.write_all(output)?;
            Ok(())
        }

        fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
            use std::io::Read;
            self.stream.get_mut().set_timeout(timeout);
            let input = self.buffers.input_append_buf();
            let amount = self.stream.read(input)?;
            self.buffers.input_appended(amount);
            Ok(amount > 0)
        }

        fn is_open(&mut self) -> bool {
            self.stream.get_mut().get_mut().is_open()
        }

        fn is_tls(&self) -> bool {
            true
        }
    }
}
