//! The fixed chain works where it matters: served by a real rustls server on 127.0.0.1, a
//! plain rustls client (no pool, only the root) completes the handshake, where the leaf
//! alone fails it.

// Test setup: a failure should panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;

use certdeps::{CertificateDer, Code, Endpoint, Pool, TrustStore, Verifier};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::crypto::aws_lc_rs;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};

const HOST: &str = "mail.contoso.test";

fn ca_params(cn: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, cn);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params
}

/// Serves `chain` with `key` for one connection; a rustls client trusting only `root`
/// connects, sends a line and reads the echo. The handshake's error, if it fails.
fn handshake(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    root: CertificateDer<'static>,
) -> Result<(), rustls::Error> {
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
        let mut connection = rustls::ServerConnection::new(Arc::new(server_config)).unwrap();
        let mut tls = rustls::Stream::new(&mut connection, &mut socket);
        let mut line = [0u8; 6];
        // A client that refuses the chain closes the connection: not the server's failure.
        if tls.read_exact(&mut line).is_ok() {
            tls.write_all(&line).unwrap();
        }
    });

    let mut socket = TcpStream::connect(address).unwrap();
    let name = ServerName::try_from(HOST).unwrap();
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
    result.map_err(|e| {
        e.into_inner()
            .and_then(|inner| inner.downcast::<rustls::Error>().ok())
            .map_or_else(|| rustls::Error::General("no TLS error".into()), |e| *e)
    })
}

#[test]
fn a_rustls_client_accepts_the_fixed_chain_served_by_a_rustls_server() {
    let root =
        CertifiedIssuer::self_signed(ca_params("Contoso Root CA"), KeyPair::generate().unwrap())
            .unwrap();
    let policy = CertifiedIssuer::signed_by(
        ca_params("Contoso Policy CA"),
        KeyPair::generate().unwrap(),
        &root,
    )
    .unwrap();
    let issuing = CertifiedIssuer::signed_by(
        ca_params("Contoso Issuing CA"),
        KeyPair::generate().unwrap(),
        &policy,
    )
    .unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec![HOST.to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &issuing)
        .unwrap();
    let key = || PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));

    // The server as misconfigured: the leaf alone. certdeps, with a pool, says what to serve.
    let mut pool = Pool::new();
    pool.extend([issuing.der().clone(), policy.der().clone()]);
    let verifier =
        Verifier::builder(TrustStore::from_certificates("contoso", [root.der().clone()]).unwrap())
            .with_intermediates(pool)
            .build()
            .unwrap();
    let endpoint = Endpoint::parse(&format!("https://{HOST}/")).unwrap();
    let report = verifier.check_now(&endpoint, &[leaf.der().clone()]);
    assert!(report.has(Code::IncompleteChain), "{report}");
    let fixed = report.fixed_chain().expect("the pool completes the chain");

    let refused = handshake(vec![leaf.der().clone()], key(), root.der().clone());
    assert!(
        matches!(
            refused,
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer
            ))
        ),
        "{refused:?}"
    );
    handshake(fixed.certificates().to_vec(), key(), root.der().clone()).unwrap();
}
