//! rustls servers presenting test chains: on 127.0.0.1 for real HTTP clients, and in memory
//! for a handshake with no network in the way (the bench).
//!
//! A server that must complete handshakes needs the leaf's private key, which the rest of
//! this crate throws away: [`Ca::leaf_and_key`] keeps it. A server whose chain every client
//! refuses can sign with [`throwaway_key`], since a client refuses the chain before it
//! checks the handshake signature.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, ClientConnection, ServerConfig, ServerConnection, StreamOwned};

use crate::{Ca, CertSpec, KeyType, params};

/// How long a server waits on a client before giving up on it, so no test can hang.
const PATIENCE: Duration = Duration::from_secs(10);

/// What the 127.0.0.1 server answers to every request that gets through the handshake.
const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

impl Ca {
    /// A certificate made from `spec` issued by `self`, with its private key (PKCS #8), for
    /// a server that completes handshakes. Any key type but `Rsa1024`.
    pub fn leaf_and_key(
        &self,
        spec: CertSpec,
    ) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
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

/// A rustls server configuration (aws-lc-rs, default protocol versions, no client auth)
/// presenting `chain` exactly as given, whatever name the client asks for, and signing with
/// `key` even when it is not the leaf's ([`throwaway_key`]).
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

/// An HTTPS server on 127.0.0.1 and a port of its own, on a thread that serves until the
/// process exits: one connection at a time, each a handshake, then `200 ok` to whatever
/// request arrives, then close.
#[derive(Debug)]
pub struct TlsServer {
    address: SocketAddr,
}

impl TlsServer {
    /// Starts serving with `config`.
    pub fn start(config: Arc<ServerConfig>) -> TlsServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding 127.0.0.1");
        let address = listener.local_addr().expect("a bound address");
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                // A client that refuses the chain ends the connection mid-handshake: the
                // server moves on to the next one.
                let _ = serve(stream, config.clone());
            }
        });
        TlsServer { address }
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

/// One connection: handshake, read the request head, answer, close.
fn serve(stream: TcpStream, config: Arc<ServerConfig>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(PATIENCE))?;
    stream.set_write_timeout(Some(PATIENCE))?;
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
