//! rustls servers presenting test chains, for the tests that connect (the probe's, the
//! command line's, the rustls verifier's with real HTTP clients) and the benches.
//!
//! On 127.0.0.1: a [`Server`] serves one connection on a thread of its own and stops with
//! it; [`serve_every`] completes handshakes on every connection until the process ends;
//! [`HttpsServer`] also answers one HTTP request per connection. In memory:
//! [`handshake_in_memory`], a full handshake with no network in the way, and
//! [`plain_client_handshake`], whether a plain rustls client accepts a chain.
//!
//! A server that must complete handshakes needs the leaf's private key, which the rest of
//! this crate throws away: [`Ca::leaf_and_key`] keeps it. A server whose chain the client
//! refuses (or records and then refuses, as certdeps' probe does) can sign with
//! [`throwaway_key`]: a client refuses the chain before it checks the handshake signature.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, ClientConnection, ServerConfig, ServerConnection, StreamOwned};

use crate::{Ca, CertSpec, KeyType, params};

/// How long a server waits on its client before giving up, so that no test can hang.
pub const SERVER_PATIENCE: Duration = Duration::from_secs(10);

/// What an [`HttpsServer`] answers to every request that gets through the handshake.
const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

impl Ca {
    /// A certificate made from `spec` issued by `self`, with its private key (PKCS #8), for
    /// a server that completes handshakes. Any key type but `Rsa1024`.
    ///
    /// A client that completes a handshake checks validity at the wall clock, not at
    /// [`NOW`](crate::NOW): a `spec` valid at `NOW` is widened to be valid from a day before
    /// the wall clock to a year after it too, so such tests do not rot.
    pub fn leaf_and_key(
        &self,
        mut spec: CertSpec,
    ) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
        if (spec.not_before..spec.not_after).contains(&crate::NOW) {
            let wall = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .expect("a clock after 1970")
                .as_secs();
            spec.not_before = spec.not_before.min(wall - crate::DAY);
            spec.not_after = spec.not_after.max(wall + 365 * crate::DAY);
        }
        let key = spec.key.generate();
        let cert = params(&spec, &key)
            .signed_by(&key, &self.issuer)
            .expect("signing");
        let key = PrivateKeyDer::Pkcs8(key.serialize_der().into());
        (cert.into(), key)
    }
}

/// A fresh P-256 key that matches no certificate: for a server whose chain the client
/// refuses before the handshake signature.
pub fn throwaway_key() -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(KeyType::EcdsaP256.generate().serialize_der().into())
}

/// A rustls server configuration (aws-lc-rs, TLS 1.2 and 1.3, no client auth) presenting
/// `chain` exactly as given, whatever name the client asks for, and signing with `key` even
/// when it is not the leaf's ([`throwaway_key`]).
pub fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Arc<ServerConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let signer = provider
        .key_provider
        .load_private_key(key)
        .expect("a key the provider signs with");
    let presents = Presents(Arc::new(CertifiedKey::new(chain, signer)));
    Arc::new(
        ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("the default provider supports the default versions")
            .with_no_client_auth()
            .with_cert_resolver(Arc::new(presents)),
    )
}

/// Always presents one chain: unlike `with_single_cert`, it does not refuse a key that is
/// not the leaf's.
#[derive(Debug)]
struct Presents(Arc<CertifiedKey>);

impl ResolvesServerCert for Presents {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.clone())
    }
}

/// A server on its own thread for one connection; joining it gives what it saw (the SNI,
/// for TLS servers).
pub struct Server {
    /// Where it listens.
    pub address: SocketAddr,
    thread: JoinHandle<Option<String>>,
}

impl Server {
    /// Serves one connection with `serve`.
    pub fn start(serve: impl FnOnce(TcpStream) -> Option<String> + Send + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let thread = thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            be_patient(&stream);
            serve(stream)
        });
        Self { address, thread }
    }

    /// A TLS server presenting `chain` (signing with a [`throwaway_key`]), after the
    /// plaintext `dialogue` (STARTTLS).
    pub fn tls(
        chain: Vec<CertificateDer<'static>>,
        dialogue: impl FnOnce(&mut TcpStream) + Send + 'static,
    ) -> Self {
        Self::start(move |mut stream| {
            dialogue(&mut stream);
            handshake(&mut stream, chain)
        })
    }

    /// Waits for the connection to end; the SNI the server received, if any.
    pub fn join(self) -> Option<String> {
        self.thread.join().unwrap()
    }
}

/// Runs a rustls server handshake presenting `chain` (signing with a [`throwaway_key`])
/// until the client ends it; the SNI it received.
pub fn handshake(stream: &mut TcpStream, chain: Vec<CertificateDer<'static>>) -> Option<String> {
    let mut conn = ServerConnection::new(server_config(chain, throwaway_key())).unwrap();
    while conn.is_handshaking() {
        if conn.complete_io(stream).is_err() {
            break;
        }
    }
    conn.server_name().map(str::to_owned)
}

/// One line from the client, with its line break, read byte by byte so that nothing after
/// it (a TLS ClientHello after a STARTTLS dialogue) is consumed.
pub fn read_line(stream: &mut TcpStream) -> String {
    let mut line = Vec::new();
    let mut byte = [0];
    while stream.read(&mut byte).unwrap_or(0) == 1 {
        line.push(byte[0]);
        if byte[0] == b'\n' {
            break;
        }
    }
    String::from_utf8_lossy(&line).into_owned()
}

/// Serves every connection to a new listener with `config`, each on a thread of its own,
/// until the process ends: the handshake and nothing after it. Where it listens.
pub fn serve_every(config: Arc<ServerConfig>) -> SocketAddr {
    serve_each(config, |mut stream, config| {
        let mut conn = ServerConnection::new(config).unwrap();
        // A client that ends the handshake early is an error here, and the end.
        while conn.is_handshaking() && conn.complete_io(&mut stream).is_ok() {}
    })
}

/// An HTTPS server on 127.0.0.1 and a port of its own, serving until the process exits:
/// each connection a handshake, then `200 ok` to whatever request arrives, then close.
#[derive(Debug)]
pub struct HttpsServer {
    address: SocketAddr,
}

impl HttpsServer {
    /// Starts serving with `config`.
    pub fn start(config: Arc<ServerConfig>) -> HttpsServer {
        let address = serve_each(config, |stream, config| {
            // A client that refuses the chain ends the connection mid-handshake.
            let _ = answer(stream, config);
        });
        HttpsServer { address }
    }

    /// Where it listens.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `https://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("https://{}/", self.address)
    }
}

/// Binds 127.0.0.1 and hands every connection, with the deadlines set, to `serve` on a
/// thread of its own, until the process ends.
fn serve_each(config: Arc<ServerConfig>, serve: fn(TcpStream, Arc<ServerConfig>)) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding 127.0.0.1");
    let address = listener.local_addr().expect("a bound address");
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let config = config.clone();
            thread::spawn(move || {
                be_patient(&stream);
                serve(stream, config)
            });
        }
    });
    address
}

fn be_patient(stream: &TcpStream) {
    stream.set_read_timeout(Some(SERVER_PATIENCE)).unwrap();
    stream.set_write_timeout(Some(SERVER_PATIENCE)).unwrap();
}

/// One HTTPS connection: handshake, read the request head, answer, close.
fn answer(stream: TcpStream, config: Arc<ServerConfig>) -> std::io::Result<()> {
    let conn = ServerConnection::new(config).map_err(std::io::Error::other)?;
    let mut tls = StreamOwned::new(conn, stream);
    let mut head = Vec::new();
    let mut buf = [0; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match tls.read(&mut buf)? {
            0 => return Ok(()),
            n => head.extend_from_slice(&buf[..n]),
        }
    }
    tls.write_all(RESPONSE)?;
    tls.conn.send_close_notify();
    tls.flush()
}

/// Whether the chain works where it matters: a plain rustls client (no pool, no AIA,
/// trusting only `root`) completes a full handshake for `host` with a server presenting
/// `chain` and signing with `key`. The client's error if not.
pub fn plain_client_handshake(
    host: &str,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    root: CertificateDer<'static>,
) -> Result<(), rustls::Error> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(root)?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let client = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_owned())
        .map_err(|e| rustls::Error::General(format!("{host:?} is not a server name: {e}")))?;
    handshake_in_memory(Arc::new(client), server_config(chain, key), name)
}

/// Asserts that a fix works where it matters: a plain rustls client trusting only `root`
/// refuses the `leaf` served alone (`UnknownIssuer`) and completes the handshake when the
/// server serves the `fixed` chain instead.
#[track_caller]
pub fn assert_only_the_fixed_chain_works(
    host: &str,
    leaf: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
    fixed: Vec<CertificateDer<'static>>,
    root: CertificateDer<'static>,
) {
    let refused = plain_client_handshake(host, vec![leaf], key.clone_key(), root.clone());
    assert!(
        matches!(
            refused,
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer
            ))
        ),
        "the leaf alone: {refused:?}"
    );
    if let Err(error) = plain_client_handshake(host, fixed, key, root) {
        panic!("the fixed chain: {error:?}");
    }
}

/// One full handshake between a client and a server connection, in memory: the client's
/// error if either side fails (the server's otherwise).
pub fn handshake_in_memory(
    client: Arc<ClientConfig>,
    server: Arc<ServerConfig>,
    name: ServerName<'static>,
) -> Result<(), rustls::Error> {
    let mut client = ClientConnection::new(client, name)?;
    let mut server = ServerConnection::new(server)?;
    let mut wire = Vec::new();
    while client.is_handshaking() || server.is_handshaking() {
        wire.clear();
        while client.wants_write() {
            client.write_tls(&mut wire).expect("writing to memory");
        }
        let sent_by_client = !wire.is_empty();
        let mut read = &wire[..];
        while !read.is_empty() {
            server.read_tls(&mut read).expect("reading from memory");
        }
        let served = server.process_new_packets();
        wire.clear();
        while server.wants_write() {
            server.write_tls(&mut wire).expect("writing to memory");
        }
        let sent_by_server = !wire.is_empty();
        let mut read = &wire[..];
        while !read.is_empty() {
            client.read_tls(&mut read).expect("reading from memory");
        }
        client.process_new_packets()?;
        served?;
        if !sent_by_client && !sent_by_server {
            // Neither side has anything to say, yet one is still handshaking: stuck.
            return Err(rustls::Error::HandshakeNotComplete);
        }
    }
    Ok(())
}
