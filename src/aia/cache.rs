//! The fetch cache a verifier shares across checks: answers in memory, and certificates
//! optionally on disk.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use pki_types::CertificateDer;

use super::Answer;
use crate::cert::{pem_text, sha256_hex};

/// Most bytes of certificates and URLs remembered in memory: 8 MiB. A verifier checking
/// every endpoint of a fleet meets a few dozen CAs, a few KiB each; past this the cache
/// stops growing rather than hold whatever a stream of ever-new URLs serves.
const MAX_BYTES: usize = 8 << 20;

#[derive(Debug)]
pub(super) struct Cache {
    memory: Mutex<Memory>,
    dir: Option<PathBuf>,
}

#[derive(Debug, Default)]
struct Memory {
    answers: HashMap<String, Answer>,
    /// What `answers` holds, counted as URL plus certificate bytes.
    bytes: usize,
}

impl Cache {
    pub(super) fn new(dir: Option<PathBuf>) -> Self {
        Self {
            memory: Mutex::new(Memory::default()),
            dir,
        }
    }

    pub(super) fn get(&self, url: &str) -> Option<Answer> {
        if let Some(answer) = self.memory.lock().ok()?.answers.get(url) {
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
        let Ok(mut memory) = self.memory.lock() else {
            return;
        };
        let size = url.len()
            + answer
                .as_ref()
                .map_or(0, |certs| certs.iter().map(|c| c.len()).sum());
        let bytes = memory.bytes.saturating_add(size);
        if bytes <= MAX_BYTES && !memory.answers.contains_key(url) {
            memory.answers.insert(url.to_owned(), answer);
            memory.bytes = bytes;
        }
    }

    /// The URL's file: named by the URL's SHA-256, so any URL is a safe file name.
    fn file(&self, url: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        Some(dir.join(format!("{}.pem", sha256_hex(url.as_bytes()))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_stops_growing_at_its_byte_limit() {
        let cache = Cache::new(None);
        let big = vec![CertificateDer::from(vec![0u8; MAX_BYTES / 2])];
        cache.put("http://a.test/1", &Ok(big.clone()));
        cache.put("http://a.test/2", &Ok(big));
        assert!(cache.get("http://a.test/1").is_some());
        assert!(cache.get("http://a.test/2").is_none());
        // A failure is small, and still remembered.
        cache.put(
            "http://a.test/3",
            &Err(crate::report::AiaFailure::SeenTwice),
        );
        assert!(cache.get("http://a.test/3").is_some());
    }
}
