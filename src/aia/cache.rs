//! The fetch cache a verifier shares across checks: answers in memory, and certificates
//! optionally on disk.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use pki_types::CertificateDer;

use super::Answer;
use crate::cert::{pem_text, sha256_hex};

/// Most URLs remembered in memory. A verifier checking every endpoint of a fleet meets a
/// few dozen CAs; past this the cache stops growing rather than hold what a hostile chain
/// of ever-new URLs sends.
const MAX_ENTRIES: usize = 4096;

#[derive(Debug)]
pub(super) struct Cache {
    memory: Mutex<HashMap<String, Answer>>,
    dir: Option<PathBuf>,
}

impl Cache {
    pub(super) fn new(dir: Option<PathBuf>) -> Self {
        Self {
            memory: Mutex::new(HashMap::new()),
            dir,
        }
    }

    pub(super) fn get(&self, url: &str) -> Option<Answer> {
        if let Some(answer) = self.memory.lock().ok()?.get(url) {
            return Some(answer.clone());
        }
        let bytes = std::fs::read(self.file(url)?).ok()?;
        let certs = crate::input::decode_certificates(&bytes).ok()?;
        self.remember(url, Ok(certs.clone()));
        Some(Ok(certs))
    }

    pub(super) fn put(&self, url: &str, answer: &Answer) {
        self.remember(url, answer.clone());
        if let (Ok(certs), Some(file)) = (answer, self.file(url)) {
            // Best effort: the disk cache only saves fetches.
            let pem = pem_text(certs.iter().map(CertificateDer::as_ref));
            let _ = file
                .parent()
                .map(std::fs::create_dir_all)
                .transpose()
                .and_then(|_| std::fs::write(&file, pem));
        }
    }

    fn remember(&self, url: &str, answer: Answer) {
        if let Ok(mut memory) = self.memory.lock() {
            if memory.len() < MAX_ENTRIES || memory.contains_key(url) {
                memory.insert(url.to_owned(), answer);
            }
        }
    }

    /// The URL's file: named by the URL's SHA-256, so any URL is a safe file name.
    fn file(&self, url: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        Some(dir.join(format!("{}.pem", sha256_hex(url.as_bytes()))))
    }
}
