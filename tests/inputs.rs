//! What a service team hands certdeps: URLs (credentials, schemes), PKCS #7 bundles and
//! certificate files.

use certdeps::{
    CertificateDer, Endpoint, EndpointError, InputError, Protocol, Tls, TrustStore, Verifier,
    decode_certificates, decode_pem_certificates, read_certificates,
};
use test_pki::{Chain, KeyType, now};

const SECRET_URLS: &[&str] = &[
    "https://alice:s3cr3t-pw@a.test/health",
    "https://s3cr3t-token@a.test:8443",
    "alice:s3cr3t-pw@a.test",
    "smtp://alice:s3cr3t-pw@a.test:587",
];

/// Fails if `text` shows any part of the credentials in [`SECRET_URLS`].
fn assert_no_secret(place: &str, text: &str) {
    assert!(
        !text.contains("s3cr3t") && !text.contains("alice"),
        "{place} shows a credential: {text}"
    );
}

#[test]
fn credentials_never_appear() {
    let chain = Chain::new(KeyType::EcdsaP256, "a.test");
    let verifier = Verifier::builder(TrustStore::from_pem(chain.root.pem().as_bytes()).unwrap())
        .build()
        .unwrap();
    for url in SECRET_URLS {
        let endpoint = Endpoint::parse(url).unwrap();
        assert!(endpoint.input().contains("***@a.test"), "{url}");
        assert_no_secret("input()", endpoint.input());
        assert_no_secret("Debug", &format!("{endpoint:?}"));
        assert_no_secret("Display", &endpoint.to_string());
        assert_no_secret("JSON", &serde_json::to_string(&endpoint).unwrap());

        let report = verifier.check(&endpoint, &chain.presented(), now());
        assert!(report.is_trusted(), "{report}");
        assert_no_secret("report", &report.to_string());
        assert_no_secret("report Debug", &format!("{report:?}"));
        assert_no_secret("report JSON", &report.to_json().to_string());
    }
}

#[test]
fn credentials_never_appear_in_errors() {
    let failing = [
        "http://alice:s3cr3t-pw@a.test/",
        "https://alice:s3cr3t-pw@a.test:port/",
        "gopher://alice:s3cr3t-pw@a.test",
        "https://alice:s3cr3t-pw@a..test",
        "https://alice:s3cr3t-pw@a.test\t/",
        "https://alice:s3cr3t-pw@a.test:0",
    ];
    for url in failing {
        let err = Endpoint::parse(url).unwrap_err();
        assert_no_secret("error Display", &err.to_string());
        assert_no_secret("error Debug", &format!("{err:?}"));
        let all: certdeps::Error = err.into();
        assert_no_secret("Error", &format!("{all} {all:?}"));
        let panic = std::panic::catch_unwind(|| Endpoint::parse(url).unwrap()).unwrap_err();
        let message = panic.downcast_ref::<String>().unwrap();
        assert!(message.contains("***@"), "{message}");
        assert_no_secret("panic message", message);
    }
}

#[test]
fn schemes_say_how_tls_is_reached() {
    let cases: &[(&str, &str, u16, Tls)] = &[
        ("a.test", "https", 443, Tls::Implicit),
        ("a.test:8443", "https", 8443, Tls::Implicit),
        ("https://a.test", "https", 443, Tls::Implicit),
        ("wss://a.test", "wss", 443, Tls::Implicit),
        ("smtps://a.test", "smtps", 465, Tls::Implicit),
        ("imaps://a.test", "imaps", 993, Tls::Implicit),
        ("pop3s://a.test", "pop3s", 995, Tls::Implicit),
        ("ldaps://a.test", "ldaps", 636, Tls::Implicit),
        ("ftps://a.test", "ftps", 990, Tls::Implicit),
        ("smtp://a.test", "smtp", 25, Tls::StartTls(Protocol::Smtp)),
        (
            "smtp://a.test:587",
            "smtp",
            587,
            Tls::StartTls(Protocol::Smtp),
        ),
        ("imap://a.test", "imap", 143, Tls::StartTls(Protocol::Imap)),
        ("pop3://a.test", "pop3", 110, Tls::StartTls(Protocol::Pop3)),
        ("ldap://a.test", "ldap", 389, Tls::StartTls(Protocol::Ldap)),
        (
            "postgres://a.test/db",
            "postgres",
            5432,
            Tls::StartTls(Protocol::Postgres),
        ),
        (
            "postgresql://a.test",
            "postgresql",
            5432,
            Tls::StartTls(Protocol::Postgres),
        ),
    ];
    for &(input, scheme, port, tls) in cases {
        let endpoint = Endpoint::parse(input).unwrap();
        assert_eq!(
            (endpoint.scheme(), endpoint.port(), endpoint.tls()),
            (scheme, port, tls),
            "{input}"
        );
    }
}

#[test]
fn schemes_without_tls_suggest_the_tls_one() {
    for (input, scheme, tls_scheme) in [
        ("http://a.test", "http", "https"),
        ("ws://a.test:8080/x", "ws", "wss"),
        ("ftp://a.test", "ftp", "ftps"),
    ] {
        let err = Endpoint::parse(input).unwrap_err();
        assert_eq!(
            err,
            EndpointError::NoTls {
                input: input.to_owned(),
                scheme: scheme.to_owned(),
                tls_scheme: tls_scheme.to_owned(),
            }
        );
        assert!(err.to_string().contains("does not use TLS"), "{err}");
        assert!(
            err.to_string().contains(&format!("use {tls_scheme}://")),
            "{err}"
        );
    }
    let err = Endpoint::parse("gopher://a.test:70").unwrap_err();
    assert!(
        matches!(err, EndpointError::UnknownScheme { .. }),
        "{err:?}"
    );
    for known in ["https", "ldaps", "smtp", "postgresql"] {
        assert!(err.to_string().contains(known), "{err}");
    }
}

/// A DER TLV with a one-byte tag.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// A certs-only `ContentInfo` ([RFC 5652 section 5.1]) whose `certificates` field holds
/// `set` (`None` leaves the field out), as `openssl crl2pkcs7 -nocrl` makes it.
fn bundle_with(set: Option<&[u8]>) -> Vec<u8> {
    const ID_SIGNED_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];
    const ID_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];
    let mut signed_data = tlv(0x02, &[1]); // version
    signed_data.extend(tlv(0x31, &[])); // digestAlgorithms
    signed_data.extend(tlv(0x30, &tlv(0x06, ID_DATA))); // encapContentInfo
    if let Some(set) = set {
        signed_data.extend(tlv(0xA0, set)); // certificates [0] IMPLICIT
    }
    signed_data.extend(tlv(0xA1, &[])); // crls [1] IMPLICIT
    signed_data.extend(tlv(0x31, &[])); // signerInfos
    let mut content_info = tlv(0x06, ID_SIGNED_DATA);
    content_info.extend(tlv(0xA0, &tlv(0x30, &signed_data)));
    tlv(0x30, &content_info)
}

fn bundle(certs: &[&CertificateDer<'_>]) -> Vec<u8> {
    let set: Vec<u8> = certs.iter().flat_map(|cert| cert.iter().copied()).collect();
    bundle_with(Some(&set))
}

fn pkcs7_pem(der: &[u8], label: &str) -> String {
    pem::encode(&pem::Pem::new(label, der.to_vec()))
}

#[test]
fn pkcs7_bundles_keep_their_order() {
    let chain = Chain::new(KeyType::EcdsaP256, "a.test");
    let (leaf, inter, root) = (&chain.leaf, chain.inter.der(), chain.root.der());
    for order in [
        vec![leaf, inter, root],
        vec![root, leaf, inter],
        vec![inter],
    ] {
        let expected: Vec<CertificateDer<'static>> = order.iter().map(|&c| c.clone()).collect();
        let der = bundle(&order);
        assert_eq!(decode_certificates(&der).unwrap(), expected, "DER");
        for label in ["PKCS7", "CMS"] {
            let pem = pkcs7_pem(&der, label);
            assert_eq!(
                decode_certificates(pem.as_bytes()).unwrap(),
                expected,
                "{label}"
            );
            assert_eq!(
                decode_pem_certificates(pem.as_bytes()).unwrap(),
                expected,
                "{label}"
            );
        }
    }
    // A bundle among certificate blocks contributes its certificates where it stands.
    let mixed = format!(
        "{}{}{}",
        pem_of(leaf),
        pkcs7_pem(&bundle(&[inter, root]), "PKCS7"),
        pem_of(root)
    );
    let expected = vec![leaf.clone(), inter.clone(), root.clone(), root.clone()];
    assert_eq!(decode_certificates(mixed.as_bytes()).unwrap(), expected);
}

fn pem_of(cert: &CertificateDer<'_>) -> String {
    pem::encode(&pem::Pem::new("CERTIFICATE", cert.to_vec()))
}

#[test]
fn pkcs7_bundles_without_certificates_say_so() {
    for der in [bundle_with(None), bundle_with(Some(&[]))] {
        assert_eq!(
            decode_certificates(&der),
            Err(InputError::EmptyPkcs7 { block: None })
        );
        let pem = format!("{}{}", "junk before\n", pkcs7_pem(&der, "PKCS7"));
        let err = decode_certificates(pem.as_bytes()).unwrap_err();
        assert_eq!(err, InputError::EmptyPkcs7 { block: Some(1) });
        assert!(err.to_string().contains("holds no certificates"), "{err}");
    }
}

#[test]
fn malformed_pkcs7_bundles_are_located() {
    let chain = Chain::new(KeyType::EcdsaP256, "a.test");
    // An attribute certificate ([2]) where an X.509 certificate should be.
    let der = bundle_with(Some(&tlv(0xA2, &[0x05, 0x00])));
    let at = der.len() - 8; // before the entry and the empty crls and signerInfos
    assert_eq!(
        decode_certificates(&der),
        Err(InputError::Pkcs7 {
            block: None,
            offset: at,
            reason: format!(
                "the certificates entry at byte {at} is CONTEXT-SPECIFIC [2] (constructed), \
                 not an X.509 certificate (a SEQUENCE); certdeps reads only X.509 \
                 certificates; export the bundle again"
            ),
        })
    );
    // A missing SignedData version, behind whitespace: offsets count from the input's start.
    let mut broken = bundle(&[&chain.leaf]);
    let version = broken
        .windows(3)
        .position(|w| w == [0x02, 0x01, 0x01])
        .unwrap();
    broken[version] = 0x04;
    let mut input = b"\n ".to_vec();
    input.extend(&broken);
    let err = decode_certificates(&input).unwrap_err();
    assert_eq!(
        err,
        InputError::Pkcs7 {
            block: None,
            offset: version + 2,
            reason: format!(
                "the SignedData version at byte {version} should be INTEGER but is OCTET \
                 STRING; export the bundle again"
            ),
        }
    );
    let pem = pkcs7_pem(&broken, "PKCS7");
    let err = decode_certificates(pem.as_bytes()).unwrap_err();
    assert!(
        matches!(
            err,
            InputError::Pkcs7 {
                block: Some(1),
                offset: 0,
                ..
            }
        ),
        "{err:?}"
    );
}

/// Every cut of the certificates inside a well-framed bundle, and every cut of the bundle
/// itself, is an error or the certificates that fit, never a panic.
#[test]
fn truncated_pkcs7_bundles_never_panic() {
    let chain = Chain::new(KeyType::EcdsaP256, "a.test");
    let certs = [chain.leaf.to_vec(), chain.inter.der().to_vec()].concat();
    for end in 0..=certs.len() {
        let der = bundle_with(Some(&certs[..end]));
        match decode_certificates(&der) {
            Ok(found) => assert!(
                end == chain.leaf.len() || end == certs.len(),
                "{end}: {found:?}"
            ),
            Err(InputError::Pkcs7 { .. } | InputError::EmptyPkcs7 { .. }) => {}
            Err(other) => panic!("{end}: {other:?}"),
        }
    }
    let der = bundle(&[&chain.leaf, chain.inter.der()]);
    for end in 0..der.len() {
        assert!(decode_certificates(&der[..end]).is_err(), "{end}");
        let mut corrupted = der.clone();
        for byte in [0x00, 0x30, 0x80, 0xA0, 0xFF] {
            corrupted[end] = byte;
            let _ = decode_certificates(&corrupted);
        }
    }
}

#[test]
fn reads_certificates_from_a_path() {
    let chain = Chain::new(KeyType::EcdsaP256, "a.test");
    let dir = std::env::temp_dir().join(format!("certdeps-inputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pem = dir.join("chain.pem");
    let p7b = dir.join("chain.p7b");
    std::fs::write(&pem, chain.pem()).unwrap();
    std::fs::write(&p7b, bundle(&[&chain.leaf, chain.inter.der()])).unwrap();
    let from_pem = read_certificates(&pem);
    let from_p7b = read_certificates(&p7b);
    let missing = dir.join("missing.pem");
    let from_missing = read_certificates(&missing);
    std::fs::remove_dir_all(&dir).unwrap();

    assert_eq!(from_pem.unwrap(), chain.presented());
    assert_eq!(from_p7b.unwrap(), chain.presented());
    let err = from_missing.unwrap_err();
    match &err {
        InputError::Io { path, source } => {
            assert_eq!(path, &missing);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with(&format!("cannot read {}: ", missing.display())),
        "{err}"
    );
    assert!(std::error::Error::source(&err).is_some());
}
