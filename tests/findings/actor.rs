//! Who acts: every finding names one party ([`Actor`]), its remediation begins with that
//! party's words, and the JSON report carries it as `actor`. One test per family of codes
//! pins who that party is.

use certdeps::{Actor, Code};

use crate::scenario::*;

/// The actor of the finding with `code` (the first such) in `s`'s report.
#[track_caller]
fn actor_of(s: &Scenario, code: Code) -> Actor {
    let report = s.run();
    report
        .finding(code)
        .unwrap_or_else(|| panic!("{}: no `{code}`:\n{report}", s.name))
        .actor()
}

#[test]
fn every_remediation_begins_with_its_actor_and_the_json_names_it() {
    for s in all() {
        let report = s.report();
        let json = report.to_json();
        for (i, f) in report.findings().iter().enumerate() {
            let words = format!("{}: ", f.actor().words());
            assert!(
                f.remediation().starts_with(&words),
                "{}: remediation does not begin with {words:?}: {f}",
                s.name
            );
            assert_eq!(
                json["findings"][i]["actor"],
                f.actor().as_str(),
                "{}: {f}",
                s.name
            );
        }
    }
}

#[test]
fn actors_are_kebab_case_and_read_as_words() {
    assert_eq!(Actor::ServerOperator.as_str(), "server-operator");
    assert_eq!(Actor::ClientOwner.as_str(), "client-owner");
    assert_eq!(Actor::IssuingCa.as_str(), "issuing-ca");
    assert_eq!(Actor::IssuingCa.words(), "issuing CA");
    assert_eq!(Actor::ClientOwner.to_string(), "client-owner");
}

/// What the server sends: order, duplicates, extras, expiry of what it serves.
#[test]
fn the_server_operator_fixes_what_the_server_sends() {
    for (s, code) in [
        (chain_out_of_order(), Code::ChainOutOfOrder),
        (duplicate_certificate(), Code::DuplicateCertificate),
        (extra_certificates(), Code::ExtraCertificates),
        (anchor_included(), Code::AnchorIncluded),
        (expired_in_chain(), Code::ExpiredInChain),
        (leaf_not_first(), Code::LeafNotFirst),
        (no_certificates(), Code::NoCertificates),
        (malformed_leaf(), Code::MalformedCertificate),
        (expired(), Code::Expired),
        (expires_soon(), Code::ExpiresSoon),
        (wrong_purpose(), Code::WrongPurpose),
        (unsupported_leaf_key(), Code::UnsupportedAlgorithm),
        (revoked(), Code::Revoked),
        (self_signed(), Code::SelfSigned),
        (incomplete_chain(), Code::IncompleteChain),
        (bad_signature(), Code::BadSignature),
        (bad_signature_outdated_intermediate(), Code::BadSignature),
    ] {
        assert_eq!(actor_of(&s, code), Actor::ServerOperator, "{}", s.name);
    }
}

/// What the client holds and asks for: its trust store, its CRLs, the host it calls.
#[test]
fn the_client_owner_fixes_what_the_client_holds() {
    for (s, code) in [
        (untrusted_root(), Code::UntrustedRoot),
        (untrusted_root_in_pool(), Code::UntrustedRoot),
        (incomplete_chain_private_root(), Code::IncompleteChain),
        (name_mismatch(), Code::NameMismatch),
        (crl_unusable(), Code::CrlUnusable),
        (revocation_unknown(), Code::RevocationUnknown),
        (bad_signature_rekeyed_root(), Code::BadSignature),
    ] {
        assert_eq!(actor_of(&s, code), Actor::ClientOwner, "{}", s.name);
    }
}

/// What only the CA can change: constraints it set, and signatures on its intermediates.
#[test]
fn the_issuing_ca_fixes_what_it_constrained() {
    for (s, code) in [
        (path_length(), Code::PathLength),
        (name_constraints(), Code::NameConstraints),
        (name_constraints_anchor(), Code::NameConstraints),
        (bad_signature_intermediate(), Code::BadSignature),
    ] {
        assert_eq!(actor_of(&s, code), Actor::IssuingCa, "{}", s.name);
    }
}
