//! PEM and DER decoding: never panics; whatever decodes re-encodes (as PEM with LF or CRLF
//! line endings, or as each DER alone) to the same certificates.
#![no_main]

use certdeps::{decode_certificates, decode_crls, decode_pem_certificates};
use certdeps_fuzz::pem;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let any = decode_certificates(data);
    let pem_only = decode_pem_certificates(data);
    let crls = decode_crls(data);
    for err in [any.as_ref().err(), pem_only.as_ref().err()]
        .into_iter()
        .flatten()
    {
        assert!(!err.to_string().is_empty());
    }
    if let Err(err) = &crls {
        assert!(!err.to_string().is_empty());
    }
    // A PEM bundle decodes the same through either entry point; DER input (first byte 0x30,
    // one SEQUENCE) may legitimately be taken as DER by `decode_certificates` alone.
    if let (Ok(p), false) = (&pem_only, data.first() == Some(&0x30)) {
        assert_eq!(
            any.as_ref().ok(),
            Some(p),
            "PEM-only and any-format decodes differ"
        );
    }
    let Ok(certs) = any else { return };
    assert!(!certs.is_empty(), "Ok with no certificate");
    for eol in ["\n", "\r\n"] {
        let text = pem(&certs, eol);
        assert_eq!(
            decode_pem_certificates(text.as_bytes()).as_ref(),
            Ok(&certs)
        );
        assert_eq!(decode_certificates(text.as_bytes()).as_ref(), Ok(&certs));
    }
    for cert in &certs {
        assert_eq!(decode_certificates(cert), Ok(vec![cert.clone()]));
    }
});
