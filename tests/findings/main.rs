//! The finding codes, one test binary: a module per code or concern, each asserting what its
//! [`scenario`]s report, and [`differential`] running every scenario through certdeps and
//! raw rustls-webpki (the `oracle` crate), and [`rustls_verifier`] through certdeps' rustls
//! verifier and rustls' own.
//!
//! Certificates come from the test PKI (`test_pki`); the scenarios, which build certdeps
//! verifiers, are a module here rather than a crate, so they always use the certdeps under
//! test.

// Test helpers outside `#[test]` functions: a failed setup should panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod scenario;

mod actor;
mod assertions;
mod bad_signature;
mod budget;
mod ca_constraints;
mod codes;
mod differential;
mod disagreement;
mod display;
mod fixes;
mod hygiene;
mod incomplete_chain;
mod input;
mod json_schema;
mod name_mismatch;
mod order;
mod revocation;
mod rustls_verifier;
mod self_signed;
mod stages;
mod unsupported_algorithm;
mod untrusted_root;
mod validity;
mod wrong_purpose;
