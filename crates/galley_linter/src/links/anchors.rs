//! A page's anchors as the link index keeps them: sorted, in one buffer.

use std::sync::OnceLock;

use bytes::Bytes;
use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A page's anchors, sorted, without repeats, in one buffer: a hash set of strings took
/// three times the memory, which matters on a hundred thousand pages.
#[derive(Debug, Clone, Default)]
pub struct Anchors(Form);

#[derive(Debug, Clone)]
enum Form {
    Built(Built),
    /// As stored in a cache file, decoded when first read. A replay that checks a few changed
    /// pages' links reads every page's summary from its record's pages file, and decoding
    /// every page's anchors, which only the pages linked to need, was most of that work.
    Stored(Box<Stored>),
}

impl Default for Form {
    fn default() -> Self {
        Form::Built(Built::default())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Anchors")]
struct Built {
    /// The anchors one after another.
    text: Box<str>,
    /// Where each ends in `text`.
    ends: Box<[u32]>,
}

#[derive(Debug, Clone)]
struct Stored {
    /// [`Built`]'s encoding, checked for its shape when read (all but its text's UTF-8).
    encoded: Bytes,
    built: OnceLock<Built>,
}

impl Anchors {
    /// The anchors of `encoded`, one [`Anchors`] encoding and nothing after it, decoded when
    /// first read; `None` when it is not of that shape (cut short, or followed by more).
    pub(crate) fn stored(encoded: Bytes) -> Option<Anchors> {
        let (_, rest) = postcard::take_from_bytes::<Skimmed>(&encoded).ok()?;
        rest.is_empty().then(|| {
            let built = OnceLock::new();
            Anchors(Form::Stored(Box::new(Stored { encoded, built })))
        })
    }

    fn built(&self) -> &Built {
        match &self.0 {
            Form::Built(built) => built,
            // Of the shape checked when read, in a file sealed by its checksum: it decodes
            // unless its writer wrote text that is not UTF-8, which a `str` cannot hold.
            Form::Stored(stored) => (stored.built)
                .get_or_init(|| postcard::from_bytes(&stored.encoded).unwrap_or_default()),
        }
    }

    fn get(&self, index: usize) -> &str {
        let Built { text, ends } = self.built();
        let start = index
            .checked_sub(1)
            .map_or(0, |before| ends[before] as usize);
        // Never out of bounds as built; a cache entry is data, and data never panics.
        (text.get(start..ends[index] as usize)).unwrap_or_default()
    }

    pub fn contains(&self, anchor: &str) -> bool {
        let (mut low, mut high) = (0, self.built().ends.len());
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
        (0..self.built().ends.len()).map(|index| self.get(index))
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
        Anchors(Form::Built(Built {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }))
    }
}

/// Equal when they hold the same anchors, however they are kept.
impl PartialEq for Anchors {
    fn eq(&self, other: &Self) -> bool {
        self.built() == other.built()
    }
}

impl Eq for Anchors {}

impl Serialize for Anchors {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.built().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Anchors {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Built::deserialize(deserializer).map(|built| Anchors(Form::Built(built)))
    }
}

/// [`Built`]'s shape, read without keeping anything: its text's bytes, and its ends skipped.
#[derive(Deserialize)]
struct Skimmed<'a> {
    _text: &'a [u8],
    _ends: SkippedEnds,
}

/// A sequence of `u32`, each read and dropped.
struct SkippedEnds;

impl<'de> Deserialize<'de> for SkippedEnds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Each;
        impl<'de> Visitor<'de> for Each {
            type Value = SkippedEnds;

            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a sequence of anchor ends")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SkippedEnds, A::Error> {
                while seq.next_element::<u32>()?.is_some() {}
                Ok(SkippedEnds)
            }
        }
        deserializer.deserialize_seq(Each)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built() -> Anchors {
        Anchors::from(vec!["første".to_string(), "b".to_string(), "a".to_string()])
    }

    #[test]
    fn stored_anchors_read_as_built() {
        let encoded = postcard::to_allocvec(&built()).unwrap();
        let stored = Anchors::stored(Bytes::from(encoded.clone())).unwrap();
        assert!(matches!(stored.0, Form::Stored(_)));
        assert_eq!(stored.iter().collect::<Vec<_>>(), ["a", "b", "første"]);
        assert!(stored.contains("første") && !stored.contains("c"));
        assert_eq!(stored, built());
        assert_eq!(postcard::to_allocvec(&stored).unwrap(), encoded);
    }

    #[test]
    fn stored_anchors_of_another_shape_are_refused() {
        let encoded = postcard::to_allocvec(&built()).unwrap();
        let cut = Bytes::copy_from_slice(&encoded[..encoded.len() - 1]);
        assert!(Anchors::stored(cut).is_none());
        let longer = Bytes::from([&encoded[..], &[0]].concat());
        assert!(Anchors::stored(longer).is_none());
        assert!(Anchors::stored(Bytes::new()).is_none());
    }
}
