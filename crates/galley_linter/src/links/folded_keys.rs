//! Pages by their keys lowercased, for sites that match paths without regard to case.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use super::PageSummary;

/// The lowercased keys one after another in one buffer, and a table of where each is with its
/// page: a string apiece was most of the time an index of a case-insensitive site took to
/// build (and to free), where a replay of one changed page waits for it.
#[derive(Default)]
pub(super) struct FoldedKeys<'a> {
    text: String,
    /// Each key's start and end in `text`, and its page.
    table: HashTable<(u32, u32, &'a PageSummary)>,
}

impl<'a> FoldedKeys<'a> {
    /// `keys` lowercased; of keys equal once lowercased, the page of the last.
    pub(super) fn new<'k>(keys: impl ExactSizeIterator<Item = (&'k str, &'a PageSummary)>) -> Self {
        let mut folded = FoldedKeys {
            text: String::new(),
            table: HashTable::with_capacity(keys.len()),
        };
        for (key, page) in keys {
            let start = folded.text.len();
            if key.is_ascii() {
                folded
                    .text
                    .extend(key.bytes().map(|b| char::from(b.to_ascii_lowercase())));
            } else {
                // `to_lowercase` alone knows a final sigma.
                folded.text.push_str(&key.to_lowercase());
            }
            let (Ok(start), Ok(end)) = (u32::try_from(start), u32::try_from(folded.text.len()))
            else {
                // Past 4 GiB of keys, which are paths: never in practice.
                break;
            };
            let text = &folded.text;
            let lowered = &text[start as usize..];
            let hash = FxBuildHasher.hash_one(lowered);
            let slice = |&(start, end, _): &(u32, u32, &PageSummary)| -> &str {
                text.get(start as usize..end as usize).unwrap_or_default()
            };
            match folded.table.find_mut(hash, |entry| slice(entry) == lowered) {
                Some(entry) => {
                    entry.2 = page;
                    // Its text is there already.
                    folded.text.truncate(start as usize);
                }
                None => {
                    folded
                        .table
                        .insert_unique(hash, (start, end, page), |entry| {
                            FxBuildHasher.hash_one(slice(entry))
                        });
                }
            }
        }
        folded
    }

    /// The page of `key`, which is lowercased.
    pub(super) fn get(&self, key: &str) -> Option<&&'a PageSummary> {
        let hash = FxBuildHasher.hash_one(key);
        (self.table.find(hash, |&(start, end, _)| {
            self.text.get(start as usize..end as usize) == Some(key)
        }))
        .map(|(_, _, page)| page)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    proptest::proptest! {
        /// The table finds what a map of each key lowercased finds, the last page of keys
        /// equal once lowercased included.
        #[test]
        fn folded_keys_find_what_lowercased_keys_find(
            keys in proptest::collection::vec("[aAbΣσςİiI/.é]{0,5}", 0..12),
            probes in proptest::collection::vec("[aAbΣσςİiI/.é]{0,5}", 0..6),
        ) {
            let pages: Vec<PageSummary> = (0..keys.len())
                .map(|n| PageSummary { key: Some(n.to_string()), ..PageSummary::default() })
                .collect();
            let pairs: Vec<(&str, &PageSummary)> =
                keys.iter().map(String::as_str).zip(&pages).collect();
            let lowered: HashMap<String, &PageSummary> =
                pairs.iter().map(|(key, page)| (key.to_lowercase(), *page)).collect();
            let folded = FoldedKeys::new(pairs.iter().copied());
            for probe in keys.iter().chain(&probes) {
                let probe = probe.to_lowercase();
                let found = folded.get(&probe).map(|page| &page.key);
                proptest::prop_assert_eq!(found, lowered.get(&probe).map(|page| &page.key));
            }
        }
    }
}
