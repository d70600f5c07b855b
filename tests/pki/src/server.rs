//! TLS servers on 127.0.0.1 for the tests that connect: the probe's tests, the command
//! line's and the benches. A [`Server`] serves one connection on a thread of its own and
//! stops with it; [`serve_every`] serves every connection until the process ends.
//!
//! [`server_config`] signs the handshake with a throwaway key, not the leaf's (the test PKI
//! keeps no leaf keys): a client that records the chain and refuses it, as certdeps' probe
//! does, never checks the handshake signature, so the key never matters. A client that
//! completes the handshake needs [`server_config_with_key`] and
//! [`Ca::leaf_and_key`](crate::Ca::leaf_and_key).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::ServerConfig;
use rustls::server::{ClientHello, ResolvesServerCert, ServerConnection};
use rustls::sign::CertifiedKey;

/// How long a server waits on its client before giving up, so that no test can hang.
pub const SERVER_PATIENCE: Duration = Duration::from_secs(10);

/// A server on its own thread; joining it gives what it saw (the SNI, for TLS servers).
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
            stream.set_read_timeout(Some(SERVER_PATIENCE)).unwrap();
            stream.set_write_timeout(Some(SERVER_PATIENCE)).unwrap();
            serve(stream)
        });
        Self { address, thread }
    }

    /// A TLS server presenting `chain`, after the plaintext `dialogue` (STARTTLS).
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

/// Runs a rustls server handshake presenting `chain` until the client ends it; the SNI it
/// received.
pub fn handshake(stream: &mut TcpStream, chain: Vec<CertificateDer<'static>>) -> Option<String> {
    let mut conn = ServerConnection::new(server_config(chain)).unwrap();
    while conn.is_handshaking() {
        if conn.complete_io(stream).is_err() {
            break;
        }
    }
    conn.server_name().map(str::to_owned)
}

/// Always presents one certificate chain.
#[derive(Debug)]
struct Presents(Arc<CertifiedKey>);

impl ResolvesServerCert for Presents {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.clone())
    }
}

/// A rustls server configuration (TLS 1.2 and 1.3) presenting `chain`.
pub fn server_config(chain: Vec<CertificateDer<'static>>) -> Arc<ServerConfig> {
    let key = rcgen::KeyPair::generate().unwrap();
    server_config_with_key(chain, key.serialize_der().into())
}

/// [`server_config`], signing with `key`: the leaf's own, so that a verifying client
/// completes the handshake.
pub fn server_config_with_key(
    chain: Vec<CertificateDer<'static>>,
    key: PrivatePkcs8KeyDer<'static>,
) -> Arc<ServerConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let key = PrivateKeyDer::Pkcs8(key);
    let signer = provider.key_provider.load_private_key(key).unwrap();
    let presents = Presents(Arc::new(CertifiedKey::new(chain, signer)));
    Arc::new(
        ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_cert_resolver(Arc::new(presents)),
    )
}

/// Serves every connection to a new listener with `config`, each on a thread of its own,
/// until the process ends; where it listens.
pub fn serve_every(config: Arc<ServerConfig>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let config = config.clone();
            thread::spawn(move || {
                stream.set_read_timeout(Some(SERVER_PATIENCE)).unwrap();
                stream.set_write_timeout(Some(SERVER_PATIENCE)).unwrap();
                let mut conn = ServerConnection::new(config).unwrap();
                // A client that ends the handshake early is an error here, and the end.
                while conn.is_handshaking() && conn.complete_io(&mut stream).is_ok() {}
            });
        }
    });
    address
}
