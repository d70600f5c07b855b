//! The one line in a service's test suite: check every outbound dependency of a manifest,
//! offline by default, live or updating when the environment says so.

use std::env;
use std::path::Path;

use pki_types::UnixTime;

use super::{FailOn, Manifest, Mode};

/// Set to `1` to probe every endpoint and rewrite its snapshot, as `INSTA_UPDATE` does for
/// insta's snapshots; review and commit the result.
pub const UPDATE_VAR: &str = "CERTDEPS_UPDATE";

/// Set to `1` to probe every endpoint and compare it with its snapshot.
pub const LIVE_VAR: &str = "CERTDEPS_LIVE";

/// Set to `1` to fail on warnings too (`expires-soon`, `certificate-changed`), as
/// `--strict` does.
pub const STRICT_VAR: &str = "CERTDEPS_STRICT";

/// Checks every endpoint of the manifest at `path` now, and panics with the summary table
/// and every failing endpoint's full report unless all pass.
///
/// Offline by default: the committed snapshots are checked at the current time and at the
/// manifest's horizon, so the test needs no network and fails ahead of an expiry.
/// `CERTDEPS_UPDATE=1` probes and rewrites the snapshots ([`Mode::Update`]);
/// `CERTDEPS_LIVE=1` probes and compares ([`Mode::Live`]); `CERTDEPS_STRICT=1` fails on
/// warnings too. A manifest that does not load panics with its error.
///
/// ```no_run
/// #[test]
/// fn outbound_certificates() {
///     certdeps::manifest::assert_dependencies("certdeps.toml");
/// }
/// ```
///
/// ```console
/// CERTDEPS_UPDATE=1 cargo test outbound_certificates   # capture, then commit the snapshots
/// CERTDEPS_LIVE=1 cargo test outbound_certificates     # has anything changed?
/// ```
#[track_caller]
pub fn assert_dependencies(path: impl AsRef<Path>) {
    let manifest = match Manifest::load(path) {
        Ok(manifest) => manifest,
        Err(error) => panic!("{error}"),
    };
    let mode = mode_from(|name| env::var_os(name).is_some_and(|v| v == "1"));
    let fail_on = match env::var_os(STRICT_VAR).is_some_and(|v| v == "1") {
        true => FailOn::Warning,
        false => FailOn::NotTrusted,
    };
    let outcomes = manifest.check(mode, UnixTime::now());
    if !outcomes.passed(fail_on) {
        panic!("outbound dependencies failed:\n{}", outcomes.human());
    }
}

/// The mode the variables set (`is_set` says whether one is `1`): updating wins over live.
fn mode_from(is_set: impl Fn(&str) -> bool) -> Mode {
    if is_set(UPDATE_VAR) {
        Mode::Update
    } else if is_set(LIVE_VAR) {
        Mode::Live
    } else {
        Mode::Offline
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_unless_a_variable_says_otherwise_and_update_wins() {
        assert_eq!(mode_from(|_| false), Mode::Offline);
        assert_eq!(mode_from(|v| v == LIVE_VAR), Mode::Live);
        assert_eq!(mode_from(|v| v == UPDATE_VAR), Mode::Update);
        assert_eq!(mode_from(|_| true), Mode::Update);
    }
}
