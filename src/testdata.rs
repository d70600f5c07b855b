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
