//! A page's anchors as the link index keeps them: sorted, in one buffer.

use serde::{Deserialize, Serialize};

/// A page's anchors, sorted, without repeats, in one buffer: a hash set of strings took
/// three times the memory, which matters on a hundred thousand pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchors {
    /// The anchors one after another.
    text: Box<str>,
    /// Where each ends in `text`.
    ends: Box<[u32]>,
}

impl Anchors {
    fn get(&self, index: usize) -> &str {
        let start = index
            .checked_sub(1)
            .map_or(0, |before| self.ends[before] as usize);
        // Never out of bounds as built; a cache entry is data, and data never panics.
        (self.text.get(start..self.ends[index] as usize)).unwrap_or_default()
    }

    pub fn contains(&self, anchor: &str) -> bool {
        let (mut low, mut high) = (0, self.ends.len());
        while low < high {
            let middle = (low + high) / 2;
            match self.get(middle).cmp(anchor) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }

    /// In order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|index| self.get(index))
    }

    /// These anchors and `more` (built anew: pages with more anchors to add are few).
    pub fn add(&mut self, more: Vec<String>) {
        if more.is_empty() {
            return;
        }
        let mut all: Vec<String> = self.iter().map(str::to_string).collect();
        all.extend(more);
        *self = Anchors::from(all);
    }
}

impl From<Vec<String>> for Anchors {
    fn from(mut anchors: Vec<String>) -> Self {
        anchors.sort_unstable();
        anchors.dedup();
        let mut text = String::with_capacity(anchors.iter().map(String::len).sum());
        let mut ends = Vec::with_capacity(anchors.len());
        for anchor in anchors {
            // A page's anchors come from its text, at most `MAX_FILE_BYTES` long.
            text.push_str(&anchor);
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        Anchors {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }
}
