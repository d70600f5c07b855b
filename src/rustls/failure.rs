//! [`Failure`]: the error an [`ExplainingVerifier`](super::ExplainingVerifier) returns inside
//! rustls' own, and how to find it again.

use std::error::Error as StdError;
use std::fmt;

use ::rustls::CertificateError;
use pki_types::ServerName;

use crate::report::Report;

/// A certificate rustls refused, with certdeps' report on what the server presented.
///
/// It travels as `rustls::Error::InvalidCertificate(CertificateError::Other(..))`;
/// [`report_of`](crate::report_of) finds it in whatever error wraps that. Its `Display` is
/// the diagnosis in one or two lines: the cause and the certificate concerned, then who must
/// do what. Its `Debug` is the first of those lines alone, because that is what rustls
/// prints of it: rustls writes its `Other` errors with `Debug`.
pub struct Failure {
    report: Report,
    refusal: CertificateError,
    server_name: ServerName<'static>,
}

impl Failure {
    pub(super) fn new(
        report: Report,
        refusal: CertificateError,
        server_name: ServerName<'static>,
    ) -> Self {
        Self {
            report,
            refusal,
            server_name,
        }
    }

    /// certdeps' report on the chain the server presented (the chain included), checked at
    /// the time rustls verified it.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The report, without the rest.
    pub fn into_report(self) -> Report {
        self.report
    }

    /// What rustls' own verifier said: the error it would have returned.
    pub fn rustls_error(&self) -> &CertificateError {
        &self.refusal
    }

    /// The name the client verified the certificate for.
    pub fn server_name(&self) -> &ServerName<'static> {
        &self.server_name
    }

    /// The first line: the server name, the cause's finding code and the message naming the
    /// certificate concerned.
    fn cause(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.server_name.to_str();
        match self.report.errors().next() {
            Some(finding) => write!(f, "{name}: {}: {}", finding.code, finding.message()),
            // Only if certdeps' diagnosis misses what rustls refused: say so, with rustls'
            // words, rather than nothing.
            None => write!(
                f,
                "{name}: rustls refused the certificate ({:?}), yet certdeps finds no fault in \
                 the chain",
                self.refusal
            ),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.cause(f)?;
        match self.report.errors().next().map(|e| e.remediation()) {
            Some(fix) if !fix.is_empty() => write!(f, "\nfix: {fix}"),
            _ => Ok(()),
        }
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Failure(")?;
        self.cause(f)?;
        f.write_str(")")
    }
}

impl StdError for Failure {}

/// The [`Failure`] `error` is, or holds as rustls' `Other` error. rustls' `Error` has no
/// `source()`, so this step of a source walk is taken here.
pub(crate) fn failure_in<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a Failure> {
    if let Some(failure) = error.downcast_ref::<Failure>() {
        return Some(failure);
    }
    match error.downcast_ref::<::rustls::Error>()? {
        ::rustls::Error::InvalidCertificate(CertificateError::Other(other))
        | ::rustls::Error::Other(other) => other.0.downcast_ref::<Failure>(),
        _ => None,
    }
}
