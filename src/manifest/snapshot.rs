//! Snapshots: what an endpoint presented, committed beside the service's code, so that its
//! tests check the chain without the network and a live check can say what changed.
//!
//! A snapshot is a PEM bundle, the certificates in the order the server sent them, after a
//! few lines saying what was captured, where and when. PEM allows explanatory text before
//! the first block ([RFC 7468 section 5.2]), so any PEM reader (certdeps' own, `openssl
//! x509`) reads the file as it is.
//!
//! [RFC 7468 section 5.2]: https://www.rfc-editor.org/rfc/rfc7468#section-5.2

use std::fs;
use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use pki_types::{CertificateDer, UnixTime};

use super::error::CheckError;
use crate::cert::{format_time, pem_text};
use crate::input::read_certificates;
use crate::probe::{Probed, ProtocolVersion};

/// The certificates of the snapshot at `path`, in the server's order; `None` when there is
/// no snapshot yet.
pub(super) fn read(path: &Path) -> Result<Option<Vec<CertificateDer<'static>>>, CheckError> {
    match fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        _ => {}
    }
    read_certificates(path)
        .map(Some)
        .map_err(|source| CheckError::Snapshot {
            path: path.to_owned(),
            source,
        })
}

/// Writes what `probed` presented for `url` at `now` to `path`, creating its folder.
///
/// The file is written beside its final name and renamed into place, so a check that runs
/// meanwhile reads the old snapshot or the new one, never half of one.
pub(super) fn write(
    path: &Path,
    url: &str,
    probed: &Probed,
    now: UnixTime,
) -> Result<(), CheckError> {
    let failed = |source: io::Error| CheckError::Write {
        path: path.to_owned(),
        source: Arc::new(source),
    };
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(folder).map_err(failed)?;
    }
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let tls = probed.protocol_version();
    let text = text(url, probed.address(), tls, now, probed.presented());
    fs::write(&partial, text).map_err(failed)?;
    fs::rename(&partial, path).map_err(failed)
}

/// The snapshot's text: the header, then the PEM blocks.
fn text(
    url: &str,
    address: SocketAddr,
    tls: Option<ProtocolVersion>,
    now: UnixTime,
    presented: &[CertificateDer<'_>],
) -> String {
    let tls = tls.map_or_else(|| "unknown".to_owned(), |v| format!("{v:?}"));
    format!(
        "certdeps snapshot: the certificates this endpoint presented, in the order sent.\n\
         endpoint: {url}\n\
         address: {}\n\
         captured: {}\n\
         tls: {tls}\n\
         certificates: {}\n\
         Review a change to this file as a change to the endpoint's trust.\n\n{}",
        address,
        format_time(now),
        presented.len(),
        pem_text(presented.iter().map(AsRef::as_ref)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certdeps_reads_its_own_snapshots_back_header_and_all() {
        let pem = concat!(
            include_str!("../../tests/data/contoso/leaf.pem"),
            include_str!("../../tests/data/contoso/intermediate.pem"),
        );
        let chain = crate::input::decode_certificates(pem.as_bytes()).unwrap();
        let at = UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_780_272_000));
        let address = "127.0.0.1:587".parse().unwrap();
        let url = "smtp://relay.contoso.test:587";
        let written = text(url, address, Some(ProtocolVersion::TLSv1_3), at, &chain);
        assert!(written.starts_with("certdeps snapshot: "), "{written}");
        assert!(written.contains("\ncaptured: 2026-06-01T00:00:00Z\ntls: TLSv1_3\n"));
        assert_eq!(
            crate::input::decode_certificates(written.as_bytes()).unwrap(),
            chain
        );
    }
}
