//! certdeps' rustls verifier (`certdeps::rustls::ExplainingVerifier`) against rustls' own
//! `WebPkiServerVerifier` on every SERVER testcase with a DNS or IP peer name, both called
//! directly with the same anchors, CRLs, name and time: the verdicts must be equal, and
//! each refusal must carry rustls' own error. limbo's expected result plays no part here;
//! the conformance test judges that.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use certdeps::rustls::{ExplainingVerifier, Failure};
use certdeps::{StoreKind, TrustStore, Verifier};
use pki_types::ServerName;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::{CertificateError, RootCertStore};

use super::panic_text;
use super::suite::{self, PeerKind, Testcase, ValidationKind};

/// What comparing one case came to.
enum Compared {
    Equal,
    Skipped(&'static str),
    Differs(String),
}

#[test]
fn limbo_rustls_verifier_keeps_rustls_verdict() {
    let limbo = match suite::load() {
        Ok(limbo) => limbo,
        Err(why) => {
            test_pki::tell(&format!(
                "x509-limbo rustls verifier comparison skipped: {why}\n"
            ));
            return;
        }
    };
    let (mut equal, mut skipped, mut differs) = (0, BTreeMap::new(), Vec::new());
    for tc in &limbo.testcases {
        if tc.validation_kind != ValidationKind::Server {
            continue;
        }
        match catch_unwind(AssertUnwindSafe(|| compare(tc))) {
            Ok(Compared::Equal) => equal += 1,
            Ok(Compared::Skipped(why)) => *skipped.entry(why).or_insert(0) += 1,
            Ok(Compared::Differs(why)) => differs.push(format!("{}: {why}", tc.id)),
            Err(panic) => differs.push(format!("{}: panicked: {}", tc.id, panic_text(&*panic))),
        }
    }
    test_pki::tell(&format!(
        "x509-limbo rustls verifier: {equal} SERVER cases with the same verdict as \
         WebPkiServerVerifier, {} differ, skipped {skipped:?}\n",
        differs.len()
    ));
    assert!(
        differs.is_empty(),
        "{} differ:\n{}",
        differs.len(),
        differs.join("\n")
    );
    assert!(equal > 1000, "only {equal} cases compared");
}

/// Both verifiers on one case.
fn compare(tc: &Testcase) -> Compared {
    let name = match &tc.expected_peer_name {
        Some(peer) if peer.kind != PeerKind::Rfc822 => {
            match ServerName::try_from(peer.value.as_str()) {
                Ok(name) => name.to_owned(),
                Err(_) => return Compared::Skipped("peer name"),
            }
        }
        _ => return Compared::Skipped("no peer name"),
    };
    let Ok(at) = suite::validation_time(tc) else {
        return Compared::Skipped("validation time");
    };
    let Some(presented) = decode(
        std::iter::once(&tc.peer_certificate).chain(&tc.untrusted_intermediates),
        certdeps::decode_certificates,
    ) else {
        return Compared::Skipped("presented certificates");
    };
    let (Some(trusted), Some(crls)) = (
        decode(&tc.trusted_certs, certdeps::decode_certificates),
        decode(&tc.crls, certdeps::decode_crls),
    ) else {
        return Compared::Skipped("anchors or CRLs");
    };
    let Some((leaf, intermediates)) = presented.split_first() else {
        return Compared::Skipped("no certificate");
    };
    // As a rustls client does: anchors webpki cannot use are left out.
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(trusted);
    let store = TrustStore::from_trust_anchors("limbo", StoreKind::Custom, roots.roots.clone());
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut builder = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider);
    if !crls.is_empty() {
        builder = builder
            .with_crls(crls.iter().cloned())
            .allow_unknown_revocation_status();
    }
    let ours = Verifier::builder(store)
        .with_crls(crls)
        .build()
        .map_err(certdeps::Error::from)
        .and_then(ExplainingVerifier::new);
    let (theirs, ours) = match (builder.build(), ours) {
        (Ok(theirs), Ok(ours)) => (theirs, ours),
        // Neither builds: no anchor, or a CRL rustls cannot read.
        (Err(_), Err(_)) => return Compared::Equal,
        (theirs, ours) => {
            return Compared::Differs(format!(
                "rustls builds: {}, certdeps builds: {}",
                theirs.is_ok(),
                ours.is_ok()
            ));
        }
    };
    let want = theirs.verify_server_cert(leaf, intermediates, &name, &[], at);
    let got = ours.verify_server_cert(leaf, intermediates, &name, &[], at);
    match (&want, &got) {
        (Ok(_), Ok(_)) => Compared::Equal,
        (
            Err(rustls::Error::InvalidCertificate(want)),
            Err(rustls::Error::InvalidCertificate(CertificateError::Other(other))),
        ) => match other.0.downcast_ref::<Failure>() {
            // `Other` never equals itself: compare what each says.
            Some(failure) if format!("{want:?}") == format!("{:?}", failure.rustls_error()) => {
                Compared::Equal
            }
            _ => Compared::Differs(format!("rustls {want:?}, certdeps {other:?}")),
        },
        (Err(want), Err(got)) if format!("{want:?}") == format!("{got:?}") => Compared::Equal,
        _ => Compared::Differs(format!("rustls {want:?}, certdeps {got:?}")),
    }
}

/// Every item of every PEM text, or `None` when one does not decode.
fn decode<'a, T, E>(
    pems: impl IntoIterator<Item = &'a String>,
    read: impl Fn(&[u8]) -> Result<Vec<T>, E>,
) -> Option<Vec<T>> {
    let mut out = Vec::new();
    for pem in pems {
        out.extend(read(pem.as_bytes()).ok()?);
    }
    Some(out)
}
