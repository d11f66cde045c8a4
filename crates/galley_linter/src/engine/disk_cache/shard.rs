//! One shard file: the entries of the files whose paths hash to it; and the framing every
//! file of the cache has (the replay's too). A file is written whole
//! to a temporary name and renamed over the old one, so a reader sees an old shard or a new
//! one, never half of one; a header with the payload's length and checksum (seeded with the
//! run key) makes a torn, truncated or foreign file a miss rather than a wrong answer.

use std::collections::HashMap;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use tempfile::NamedTempFile;
use xxhash_rust::xxh3::{xxh3_64_with_seed, Xxh3};

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
    let checksum = xxh3_64_with_seed(payload, run_key as u64);
    let mut temporary = temporary_beside(path)?;
    (temporary.write_all(&header(payload.len() as u64, checksum)))
        .and_then(|()| temporary.write_all(payload))
        .map_err(|error| error.to_string())?;
    persist(temporary, path)
}

fn temporary_beside(path: &Path) -> Result<NamedTempFile, String> {
    let folder = path.parent().unwrap_or(Path::new("."));
    tempfile::Builder::new()
        .prefix(super::TEMPORARY_PREFIX)
        .tempfile_in(folder)
        .map_err(|error| error.to_string())
}

fn persist(temporary: NamedTempFile, path: &Path) -> Result<(), String> {
    temporary
        .persist(path)
        .map(drop)
        .map_err(|error| error.error.to_string())
}

/// Writes to `path`, atomically, what [`write_framed`] would write of the payload that
/// `payload` writes, under the key it returns when done: a payload of every page of a corpus
/// is streamed to the file rather than held whole, even when its key depends on it.
pub(super) fn write_streamed(
    path: &Path,
    payload: impl FnOnce(&mut dyn Write) -> io::Result<u128>,
) -> Result<(), String> {
    let temporary = frame(temporary_beside(path)?, payload).map_err(|error| error.to_string())?;
    persist(temporary, path)
}

/// The header's room, then the payload; then the header, once the payload's length and its
/// checksum (read back from the file, under the key known only now) are.
fn frame(
    temporary: NamedTempFile,
    payload: impl FnOnce(&mut dyn Write) -> io::Result<u128>,
) -> io::Result<NamedTempFile> {
    let mut out = BufWriter::new(temporary);
    out.write_all(&[0; HEADER])?;
    let run_key = payload(&mut out)?;
    let mut temporary = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    let length = temporary.as_file_mut().stream_position()? - HEADER as u64;
    temporary
        .as_file_mut()
        .seek(SeekFrom::Start(HEADER as u64))?;
    let mut hasher = Xxh3::with_seed(run_key as u64);
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let read = temporary.as_file_mut().read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    temporary.as_file_mut().seek(SeekFrom::Start(0))?;
    (temporary.as_file_mut()).write_all(&header(length, hasher.digest()))?;
    Ok(temporary)
}

/// The header of a payload of `length` bytes with `checksum`.
fn header(length: u64, checksum: u64) -> [u8; HEADER] {
    let mut header = [0; HEADER];
    header[..MAGIC.len()].copy_from_slice(MAGIC);
    header[MAGIC.len()..MAGIC.len() + 8].copy_from_slice(&length.to_le_bytes());
    header[MAGIC.len() + 8..].copy_from_slice(&checksum.to_le_bytes());
    header
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

    #[test]
    fn a_streamed_payload_is_framed_as_a_whole_one_under_the_key_given_last() {
        let dir = tempfile::tempdir().unwrap();
        let (streamed, whole) = (dir.path().join("streamed"), dir.path().join("whole"));
        // Longer than the buffer the checksum is read back through.
        let payload: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        write_streamed(&streamed, |out| {
            for chunk in payload.chunks(4_000) {
                out.write_all(chunk)?;
            }
            Ok(42)
        })
        .unwrap();
        write_framed(&whole, 42, &payload).unwrap();
        let file = std::fs::read(&streamed).unwrap();
        assert_eq!(file, std::fs::read(&whole).unwrap());
        assert_eq!(unframe(&file, 42), Some(&payload[..]));
        assert_eq!(unframe(&file, 43), None);
        // A payload that fails leaves no file.
        let failed = dir.path().join("failed");
        assert!(write_streamed(&failed, |_| Err(io::Error::other("no"))).is_err());
        assert!(!failed.exists());
    }
}
