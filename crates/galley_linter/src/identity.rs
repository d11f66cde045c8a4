//! What identifies a finding across edits: its rule, its path and the text it flags, never its
//! line, which moves whenever something above it changes. Baselines match findings by it, and
//! the GitLab and SARIF reports derive stable fingerprints from it.

use std::collections::HashMap;

use crate::finding::Finding;

/// A path as CI systems match it against the repository: `/` separators, no leading `./`.
pub fn portable_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    path.strip_prefix("./")
        .map_or_else(|| path.clone(), str::to_string)
}

/// One 32-digit hex fingerprint per finding that stays the same while the finding's rule,
/// path and flagged text do. Equal findings in one file are told apart by their order.
pub fn fingerprints(findings: &[Finding]) -> Vec<String> {
    let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::new();
    findings
        .iter()
        .map(|finding| {
            let text = finding.flagged_text();
            let occurrence = seen
                .entry((finding.path(), finding.diagnostic.rule, text))
                .or_insert(0);
            let path = portable_path(finding.path());
            let key = format!("{}\0{path}\0{text}\0{occurrence}", finding.diagnostic.rule);
            *occurrence += 1;
            format!("{:032x}", fnv1a_128(key.as_bytes()))
        })
        .collect()
}

/// FNV-1a: tiny and defined byte for byte, so fingerprints never change between builds
/// (std's hashers promise no such thing).
fn fnv1a_128(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013b;
    bytes.iter().fold(OFFSET, |hash, &byte| {
        (hash ^ u128::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_the_reference_values() {
        assert_eq!(fnv1a_128(b""), 0x6c62272e07bb014262b821756295c58d);
        assert_eq!(fnv1a_128(b"a"), 0xd228cb696f1a8caf78912b704e4a8964);
    }
}
