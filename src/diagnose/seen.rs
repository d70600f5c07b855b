//! Which findings a diagnosis has recorded, by (code, certificate), asked in constant time.
//!
//! Every finding is recorded at most once per certificate, and a stage asks before it
//! pushes. Scanning the findings for that made a list of n certificates cost n² (a 64 MiB
//! PEM of 288,000 expired certificates took minutes); a set makes each question O(1). The
//! usual check records a handful, so the first few keys stay in place, and the set only
//! allocates once a list is hostile or broken enough to need it.

use std::collections::HashSet;

use smallvec::SmallVec;

use crate::finding::Code;

/// Keys kept in place before the set spills to a hash set: more than a failing check of a
/// well-formed chain records.
const IN_PLACE: usize = 8;

/// The (code, certificate) pairs recorded so far (`usize::MAX`: for no certificate), and
/// the codes among them.
#[derive(Default)]
pub(super) struct Seen {
    few: SmallVec<[(Code, usize); IN_PLACE]>,
    many: HashSet<(Code, usize)>,
    /// One bit per code (`Code as u32`): [`Code`] has fewer than 64 variants.
    codes: u64,
}

impl Seen {
    /// Records `(code, certificate)`; `false` when it already was.
    pub(super) fn insert(&mut self, code: Code, certificate: usize) -> bool {
        let key = (code, certificate);
        if self.contains(code, certificate) {
            return false;
        }
        if self.few.len() < IN_PLACE {
            self.few.push(key);
        } else {
            self.many.insert(key);
        }
        self.codes |= bit(code);
        true
    }

    /// Whether `(code, certificate)` was recorded.
    pub(super) fn contains(&self, code: Code, certificate: usize) -> bool {
        let key = (code, certificate);
        // An empty hash set is not hashed into: the usual check stays a short scan.
        self.few.contains(&key) || (!self.many.is_empty() && self.many.contains(&key))
    }

    /// Whether any finding with `code` was recorded.
    pub(super) fn has(&self, code: Code) -> bool {
        self.codes & bit(code) != 0
    }
}

fn bit(code: Code) -> u64 {
    1u64.checked_shl(code as u32).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_each_pair_once_in_place_and_past_it() {
        let mut seen = Seen::default();
        for i in 0..100 {
            assert!(seen.insert(Code::ExpiredInChain, i));
            assert!(!seen.insert(Code::ExpiredInChain, i));
        }
        assert!(seen.contains(Code::ExpiredInChain, 3));
        assert!(seen.contains(Code::ExpiredInChain, 99));
        assert!(!seen.contains(Code::Expired, 3));
        assert!(seen.has(Code::ExpiredInChain));
        assert!(!seen.has(Code::Expired));
        assert!(seen.insert(Code::Expired, usize::MAX));
        assert!(seen.has(Code::Expired));
    }

    #[test]
    fn every_code_has_its_own_bit() {
        let bits: Vec<u64> = Code::ALL.iter().map(|&code| bit(code)).collect();
        assert!(bits.iter().all(|&b| b != 0), "a code past bit 63");
        let all = bits.iter().fold(0, |all, b| all | b);
        assert_eq!(all.count_ones() as usize, Code::ALL.len());
    }
}
