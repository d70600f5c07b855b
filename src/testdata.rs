//! Where unit tests find shared test data that is not in the repository.

/// The x509-limbo suite: `$LIMBO_JSON`, else `../shared/x509-limbo/limbo.json` beside the
/// repository (as `tests/limbo/suite.rs` finds it). `Err` says why it is missing, for the
/// test to print as it skips.
pub(crate) fn limbo_path() -> Result<std::path::PathBuf, String> {
    match std::env::var_os("LIMBO_JSON") {
        Some(path) => Ok(path.into()),
        None => {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/x509-limbo/limbo.json");
            if path.is_file() {
                Ok(path)
            } else {
                Err(format!(
                    "LIMBO_JSON is not set and {} does not exist",
                    path.display()
                ))
            }
        }
    }
}

/// The parts of an x509-limbo test case the unit tests read.
#[derive(serde::Deserialize)]
pub(crate) struct LimboCase {
    pub(crate) peer_certificate: String,
    pub(crate) untrusted_intermediates: Vec<String>,
    pub(crate) trusted_certs: Vec<String>,
    pub(crate) expected_peer_name: Option<LimboPeerName>,
}

/// The name a case's peer certificate must be valid for: `kind` is `DNS`, `IP` or `RFC822`.
#[derive(serde::Deserialize)]
pub(crate) struct LimboPeerName {
    pub(crate) kind: String,
    pub(crate) value: String,
}

/// [`limbo_cases`] for a test that needs them: `None` once it has printed why they are
/// missing, so that `test` is skipped with its reason, never silently passed.
pub(crate) fn limbo_cases_or_skip(test: &str) -> Option<Vec<LimboCase>> {
    match limbo_cases() {
        Ok(cases) => Some(cases),
        Err(why) => {
            println!("skipping {test}: {why}");
            None
        }
    }
}

/// Every x509-limbo test case ([`limbo_path`]), or why there are none. A suite that is there
/// but does not read fails the test rather than skipping it.
pub(crate) fn limbo_cases() -> Result<Vec<LimboCase>, String> {
    #[derive(serde::Deserialize)]
    struct Limbo {
        testcases: Vec<LimboCase>,
    }
    let path = limbo_path()?;
    let text = std::fs::read_to_string(&path).unwrap();
    let limbo: Limbo = serde_json::from_str(&text).unwrap();
    Ok(limbo.testcases)
}
