//! A rustls server on 127.0.0.1 serving a chain, and a plain rustls client (no AIA, no
//! pool, only the root) connecting to it: whether the chain works where it matters.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use certdeps::CertificateDer;
use rustls::crypto::aws_lc_rs;
use rustls::pki_types::{PrivateKeyDer, ServerName};

/// Serves `chain` with `key` for one connection; a client trusting only `root` connects
/// to `host`, sends a line and reads the echo. The client's error, if it fails.
pub(crate) fn handshake(
    host: &str,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    root: CertificateDer<'static>,
) -> Result<(), std::io::Error> {
    let provider = Arc::new(aws_lc_rs::default_provider());
    let server_config = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(root).unwrap();
    let client_config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        socket
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut connection = rustls::ServerConnection::new(Arc::new(server_config)).unwrap();
        let mut tls = rustls::Stream::new(&mut connection, &mut socket);
        let mut line = [0u8; 6];
        // A client that refuses the chain closes the connection: not the server's failure.
        if tls.read_exact(&mut line).is_ok() {
            tls.write_all(&line).unwrap();
        }
    });
    let mut socket = TcpStream::connect(address).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let name = ServerName::try_from(host.to_owned()).unwrap();
    let mut connection = rustls::ClientConnection::new(Arc::new(client_config), name).unwrap();
    let result = {
        let mut tls = rustls::Stream::new(&mut connection, &mut socket);
        let mut echo = [0u8; 6];
        tls.write_all(b"hello\n")
            .and_then(|()| tls.read_exact(&mut echo))
            .map(|()| assert_eq!(&echo, b"hello\n"))
    };
    drop(socket);
    server.join().unwrap();
    result
}
