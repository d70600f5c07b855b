//! The HTTP side of AIA completion: one ureq agent configured with the [`Aia`] bounds, and
//! its errors in the report's terms.

use super::Aia;
use crate::report::AiaFailure;

/// An agent that enforces `aia`'s bounds. The proxy is set explicitly (to none unless
/// configured), because ureq's default reads it from the environment.
pub(super) fn agent(aia: &Aia) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(aia.timeout))
        .max_redirects(aia.max_redirects)
        .max_redirects_will_error(true)
        .proxy(aia.proxy.clone())
        .http_status_as_error(true)
        .user_agent(concat!("certdeps/", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent()
}

/// The body `url` answers with, at most `aia.max_response_bytes` of it.
///
/// Only `http://` is fetched: caIssuers URLs are HTTP or LDAP ([RFC 5280 section
/// 4.2.2.1]), and fetching over https would need the trust being diagnosed.
///
/// [RFC 5280 section 4.2.2.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1
pub(super) fn get(agent: &ureq::Agent, url: &str, aia: &Aia) -> Result<Vec<u8>, AiaFailure> {
    let is_http = url
        .get(..7)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"));
    if !is_http {
        return Err(AiaFailure::Unsupported);
    }
    let failure = |e| failure(e, aia);
    let mut response = agent.get(url).call().map_err(failure)?;
    response
        .body_mut()
        .with_config()
        .limit(aia.max_response_bytes)
        .read_to_vec()
        .map_err(failure)
}

fn failure(error: ureq::Error, aia: &Aia) -> AiaFailure {
    match error {
        ureq::Error::StatusCode(status) => AiaFailure::Status { status },
        ureq::Error::Timeout(_) => AiaFailure::Timeout {
            timeout: aia.timeout,
        },
        ureq::Error::BodyExceedsLimit(_) => AiaFailure::TooLarge {
            limit: aia.max_response_bytes,
        },
        ureq::Error::TooManyRedirects => AiaFailure::TooManyRedirects {
            max: aia.max_redirects,
        },
        other => AiaFailure::Network {
            reason: other.to_string(),
        },
    }
}
