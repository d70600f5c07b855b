//! Host matching, the third stage: does a leaf certificate name the endpoint a service
//! calls, and by which subjectAltName ([RFC 9525 section 6.3])?
//!
//! It joins the certificate reader (the leaf's SANs and common names) to the name rules of
//! [`match_host`], which know nothing of certificates.
//!
//! [RFC 9525 section 6.3]: https://www.rfc-editor.org/rfc/rfc9525#section-6.3

use pki_types::CertificateDer;

use crate::cert::Description;
use crate::endpoint::Endpoint;
use crate::input::InputError;
use crate::name::{NameMatch, match_host};

/// Which subjectAltName of `leaf` covers `endpoint`'s host, or, when none does, the names the
/// certificate is valid for ([`NameMatch::Mismatch`]): [`match_host`] on the leaf's SANs and
/// subject common names, with the rules of rustls-webpki 0.103.
///
/// Like the other stages it explains and does not decide: [`crate::Verifier::check`] asks
/// webpki, which also reads names this does not (it answers for every leaf x509-cert
/// decodes).
///
/// # Errors
///
/// [`InputError::Certificate`] when `leaf` does not decode.
///
/// ```
/// use certdeps::{Endpoint, NameMatch, San, decode_certificates, match_endpoint};
///
/// let leaf = decode_certificates(LEAF.as_bytes())?;
/// let endpoint = Endpoint::parse("https://mail.contoso.test/EWS/Exchange.asmx")?;
/// assert_eq!(
///     match_endpoint(&endpoint, &leaf[0])?,
///     NameMatch::Matched(San::Dns("mail.contoso.test".to_owned()))
/// );
///
/// let elsewhere = Endpoint::parse("https://owa.contoso.test")?;
/// match match_endpoint(&elsewhere, &leaf[0])? {
///     NameMatch::Mismatch { valid_for, .. } => {
///         assert_eq!(valid_for, [San::Dns("mail.contoso.test".to_owned())])
///     }
///     other => panic!("{other:?}"),
/// }
/// # const LEAF: &str = "-----BEGIN CERTIFICATE-----
/// # MIIBVzCCAQmgAwIBAgIBAzAFBgMrZXAwFTETMBEGA1UEAwwKQ29udG9zbyBDQTAg
/// # Fw0yNjEyMDQxODQxNDZaGA8yMTI2MTExMDE4NDE0NlowHDEaMBgGA1UEAwwRbWFp
/// # bC5jb250b3NvLnRlc3QwKjAFBgMrZXADIQCg0P5gLXtkUZ/QO8gvxAOyNQHzT+0X
/// # w/0Dj8WT7hugp6N1MHMwHAYDVR0RBBUwE4IRbWFpbC5jb250b3NvLnRlc3QwEwYD
/// # VR0lBAwwCgYIKwYBBQUHAwEwHwYDVR0jBBgwFoAUkL52hrFUc6Hj3pccNryEECfc
/// # qMowHQYDVR0OBBYEFOxBUwwQsF9/Of73F8kPxHb3p+h4MAUGAytlcANBABYP4BYG
/// # dD282FbXh3UkaflIRNLomLzBeGmiJNpOKEPlhM1+iWXgbFIm3+ao0PX3ZueQdVJq
/// # AIuX+36kXP8aEAc=
/// # -----END CERTIFICATE-----";
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn match_endpoint(
    endpoint: &Endpoint,
    leaf: &CertificateDer<'_>,
) -> Result<NameMatch, InputError> {
    let leaf = Description::new(leaf)?;
    let common_names: Vec<&str> = leaf.common_names.iter().map(String::as_str).collect();
    Ok(match_host(endpoint.host(), &leaf.san, &common_names))
}
