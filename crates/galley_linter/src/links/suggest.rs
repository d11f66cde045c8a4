//! Suggestions for broken links: the page key a typo most likely meant.

use std::collections::HashMap;

use super::LinkIndex;

impl<'a> LinkIndex<'a> {
    /// The one page key clearly closest to `key`, if there is one.
    pub fn closest_page(&self, key: &str) -> Option<String> {
        let cached = self.suggestions.lock().map(|cache| cache.get(key).cloned());
        if let Ok(Some(found)) = cached {
            return found;
        }
        let suggestible = self.suggestible.get_or_init(|| {
            let suffixes: Vec<String> = self
                .extensions
                .iter()
                .map(|ext| format!(".{ext}"))
                .collect();
            Suggestible::new(self.by_key.keys().copied().filter(|key| {
                !key.is_empty() && !suffixes.iter().any(|suffix| key.ends_with(suffix))
            }))
        });
        let (folder, name) = key.rsplit_once('/').unwrap_or(("", key));
        // In its own folder; or, when no page has that folder, in the clearly closest folder.
        let (folder, wanted) = if suggestible.by_folder.contains_key(folder) {
            (folder.to_string(), Candidate::new(key))
        } else {
            let wanted_folder = Candidate::new(folder);
            let found = closest(
                &wanted_folder,
                within_reach(&suggestible.folders, &wanted_folder).iter(),
            )?;
            let within = if found.is_empty() {
                name.to_string()
            } else {
                format!("{found}/{name}")
            };
            if self.by_key.contains_key(within.as_str()) {
                return Some(within);
            }
            (found.to_string(), Candidate::new(&within))
        };
        let found = suggestible
            .by_folder
            .get(&folder)
            .and_then(|keys| closest(&wanted, within_reach(keys, &wanted).iter()))
            .map(str::to_string);
        if let Ok(mut cache) = self.suggestions.lock() {
            cache.insert(key.to_string(), found.clone());
        }
        found
    }
}

/// The keys worth suggesting for a broken link, by their folder (`""` at the root): a typo is
/// looked for among its folder's pages, not the whole corpus.
pub(super) struct Suggestible {
    /// Sorted by length, for [`within_reach`].
    by_folder: HashMap<String, Vec<Candidate>>,
    /// The folders, for a typo in the folder part of a link.
    folders: Vec<Candidate>,
}

impl Suggestible {
    fn new<'k>(keys: impl Iterator<Item = &'k str>) -> Self {
        let folder_of = |key: &'k str| key.rsplit_once('/').map_or("", |(folder, _)| folder);
        let keys: Vec<&str> = keys.collect();
        // Each folder's list sized once: grown by doubling, up to half of every list would
        // be slack, and it lives as long as the run.
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for &key in &keys {
            *counts.entry(folder_of(key)).or_default() += 1;
        }
        let mut by_folder: HashMap<String, Vec<Candidate>> = (counts.into_iter())
            .map(|(folder, count)| (folder.to_string(), Vec::with_capacity(count)))
            .collect();
        for key in keys {
            if let Some(candidates) = by_folder.get_mut(folder_of(key)) {
                candidates.push(Candidate::new(key));
            }
        }
        let mut folders: Vec<Candidate> = by_folder
            .keys()
            .map(|folder| Candidate::new(folder))
            .collect();
        folders.sort_by_key(|candidate| candidate.len);
        for keys in by_folder.values_mut() {
            keys.sort_by_key(|candidate| candidate.len);
        }
        Suggestible { by_folder, folders }
    }
}

/// The candidates (sorted by length) whose length is within `closest`'s reach of `wanted`'s:
/// a folder may hold tens of thousands of pages.
fn within_reach<'c>(sorted: &'c [Candidate], wanted: &Candidate) -> &'c [Candidate] {
    let limit = max_distance(wanted.len);
    let start = sorted.partition_point(|c| c.len + limit < wanted.len);
    let end = sorted.partition_point(|c| c.len <= wanted.len + limit);
    &sorted[start..end.max(start)]
}

/// A name that a broken link may have meant, with what makes comparing it cheap. One is
/// kept for every page of a corpus once a link is broken, so it is kept small: 56 bytes and
/// the text.
#[derive(Debug)]
pub struct Candidate {
    pub text: Box<str>,
    /// In characters.
    len: usize,
    /// How often each character occurs (modulo 32): each edit changes these counts by two
    /// at most, whichever counts two characters share, which makes a cheap lower bound on
    /// the edit distance.
    counts: [u8; COUNTED],
}

/// How many counts a [`Candidate`] keeps.
const COUNTED: usize = 32;

impl Candidate {
    pub fn new(text: &str) -> Self {
        let mut counts = [0u8; COUNTED];
        let mut len = 0;
        for c in text.chars() {
            let count = &mut counts[c as usize % COUNTED];
            *count = count.saturating_add(1);
            len += 1;
        }
        Candidate {
            text: text.into(),
            len,
            counts,
        }
    }
}

/// How many edits a suggestion may be away from a name of `len` characters.
fn max_distance(len: usize) -> usize {
    (len / 4).clamp(1, 3)
}

/// The edit distance between `a` and `b` if it is at most `limit`; stops as soon as every
/// path through the table exceeds the limit.
fn distance_within(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        current[0] = i + 1;
        let mut row_min = current[0];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            row_min = row_min.min(current[j + 1]);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    Some(previous[b.len()]).filter(|&distance| distance <= limit)
}

/// The candidate with the smallest edit distance to `target`, when it is close enough and no
/// other candidate is as close.
pub fn closest<'c>(
    target: &Candidate,
    candidates: impl Iterator<Item = &'c Candidate>,
) -> Option<&'c str> {
    let limit = max_distance(target.len);
    let target_chars: Vec<char> = target.text.chars().collect();
    let mut best: Option<(usize, &str)> = None;
    let mut tie = false;
    for candidate in candidates {
        // A cheap lower bound first: the distance is at least half the difference in counts.
        if candidate.len.abs_diff(target.len) > limit {
            continue;
        }
        // Summed as `u32` over bytes, which the compiler turns into a few vector instructions.
        let count_difference: u32 = candidate
            .counts
            .iter()
            .zip(&target.counts)
            .map(|(a, b)| u32::from(a.abs_diff(*b)))
            .sum();
        if count_difference as usize > 2 * limit {
            continue;
        }
        let candidate_chars: Vec<char> = candidate.text.chars().collect();
        let Some(distance) = distance_within(&target_chars, &candidate_chars, limit) else {
            continue;
        };
        if distance == 0 {
            continue;
        }
        match best {
            Some((best_distance, _)) if distance > best_distance => {}
            Some((best_distance, _)) if distance == best_distance => tie = true,
            _ => {
                best = Some((distance, &*candidate.text));
                tie = false;
            }
        }
    }
    best.filter(|_| !tie).map(|(_, text)| text)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::links::PageSummary;

    #[test]
    fn closest_needs_a_clear_winner() {
        let keys = [Candidate::new("jointventure"), Candidate::new("fusjon")];
        assert_eq!(
            closest(&Candidate::new("jointventur"), keys.iter()),
            Some("jointventure")
        );
        assert_eq!(closest(&Candidate::new("aksje"), keys.iter()), None);
        let twins = [Candidate::new("ab1"), Candidate::new("ab2")];
        assert_eq!(closest(&Candidate::new("ab"), twins.iter()), None);
    }

    #[test]
    fn suggestions_look_in_the_folder_or_the_closest_folder() {
        let pages: Vec<PageSummary> = ["regnskap/balanse.md", "regnskap/budsjett.md", "fusjon.md"]
            .iter()
            .map(|key| PageSummary {
                key: Some(key.to_string()),
                ..Default::default()
            })
            .collect();
        let index = LinkIndex::new(Path::new("/nowhere"), &["md".to_string()], pages.iter());
        assert_eq!(
            index.closest_page("regnskap/balanze").as_deref(),
            Some("regnskap/balanse")
        );
        assert_eq!(
            index.closest_page("regnskp/balanse").as_deref(),
            Some("regnskap/balanse")
        );
        assert_eq!(index.closest_page("fusjn").as_deref(), Some("fusjon"));
        assert_eq!(index.closest_page("ukjent/side").as_deref(), None);
    }

    #[test]
    fn bounded_distance_agrees_with_the_full_one() {
        let words = [
            "",
            "a",
            "kitten",
            "sitting",
            "første",
            "forste",
            "jointventure",
            "jvent",
        ];
        for a in words {
            for b in words {
                let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                let full = strsim::levenshtein(a, b);
                for limit in 0..4 {
                    let expected = (full <= limit).then_some(full);
                    assert_eq!(
                        distance_within(&ca, &cb, limit),
                        expected,
                        "{a} {b} {limit}"
                    );
                }
            }
        }
    }
}
