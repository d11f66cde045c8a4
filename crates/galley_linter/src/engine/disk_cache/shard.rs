//! One shard file: the entries of the files whose paths hash to it; and the framing every
//! file of the cache has (the replay's too). A file is written whole
//! to a temporary name and renamed over the old one, so a reader sees an old shard or a new
//! one, never half of one; a header with the payload's length and checksum (seeded with the
//! run key) makes a torn, truncated or foreign file a miss rather than a wrong answer.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64_with_seed;

const MAGIC: &[u8; 8] = b"galley\x01c";
const HEADER: usize = MAGIC.len() + 8 + 8;

/// Which file an entry is about: its absolute path, and whether it was linted or only read
/// for the link index.
pub(super) type EntryKey = (String, bool);

/// A file's first-half results, encoded, with the hash of the text they were made from.
#[derive(Serialize, Deserialize)]
pub(super) struct Stored {
    pub content: u128,
    pub bytes: Vec<u8>,
}

/// The entries a shard file holds; empty when it is missing or does not check out.
pub(super) fn load(path: &Path, run_key: u128) -> HashMap<EntryKey, Stored> {
    let Ok(file) = std::fs::read(path) else {
        return HashMap::new();
    };
    decode(&file, run_key).unwrap_or_default()
}

fn decode(file: &[u8], run_key: u128) -> Option<HashMap<EntryKey, Stored>> {
    let entries: Vec<(EntryKey, Stored)> = postcard::from_bytes(unframe(file, run_key)?).ok()?;
    Some(entries.into_iter().collect())
}

/// Writes `entries` as the shard at `path`, atomically.
pub(super) fn write(
    path: &Path,
    run_key: u128,
    entries: &[(&EntryKey, &Stored)],
) -> Result<(), String> {
    let payload = postcard::to_allocvec(entries).map_err(|error| error.to_string())?;
    write_framed(path, run_key, &payload)
}

/// The payload of a file [`write_framed`] wrote under `run_key`, if it is whole.
pub(super) fn unframe(file: &[u8], run_key: u128) -> Option<&[u8]> {
    let rest = file.strip_prefix(MAGIC)?;
    let (length, rest) = rest.split_first_chunk::<8>()?;
    let (checksum, payload) = rest.split_first_chunk::<8>()?;
    let length_matches = u64::from_le_bytes(*length) == payload.len() as u64;
    let sum_matches = u64::from_le_bytes(*checksum) == xxh3_64_with_seed(payload, run_key as u64);
    (length_matches && sum_matches).then_some(payload)
}

/// Writes `payload` to `path` behind the header, atomically.
pub(super) fn write_framed(path: &Path, run_key: u128, payload: &[u8]) -> Result<(), String> {
    let mut file = Vec::with_capacity(HEADER + payload.len());
    file.extend_from_slice(MAGIC);
    file.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    file.extend_from_slice(&xxh3_64_with_seed(payload, run_key as u64).to_le_bytes());
    file.extend_from_slice(payload);
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut temporary = tempfile::Builder::new()
        .prefix(super::TEMPORARY_PREFIX)
        .tempfile_in(folder)
        .map_err(|error| error.to_string())?;
    temporary
        .write_all(&file)
        .map_err(|error| error.to_string())?;
    temporary
        .persist(path)
        .map_err(|error| error.error.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_reads_back_only_whole_and_under_its_run_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shard");
        let key = ("/a.md".to_string(), true);
        let stored = Stored {
            content: 7,
            bytes: vec![1, 2, 3],
        };
        write(&path, 42, &[(&key, &stored)]).unwrap();
        assert_eq!(load(&path, 42)[&key].bytes, vec![1, 2, 3]);
        assert!(load(&path, 43).is_empty());
        let whole = std::fs::read(&path).unwrap();
        for cut in 0..whole.len() {
            assert!(decode(&whole[..cut], 42).is_none(), "cut at {cut}");
        }
        let mut flipped = whole.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(decode(&flipped, 42).is_none());
    }
}
