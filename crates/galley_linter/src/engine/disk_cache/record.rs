//! A run's record, as written: beside the shards, what a run that used the cache read and
//! found (see [`replay`](super::replay) for how the next run uses it), under the hash of its
//! paths, with its pages file; the [`KEPT_RECORDS`] latest kept.

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{xxh3_128, Xxh3Default};

use super::super::discover::FileTarget;
use super::super::run::Read;
use super::{shard, DiskCache};
use crate::diagnostic::Diagnostic;
use crate::finding::Finding;
use crate::links::PageSummary;
use crate::source::{Excerpt, Excerpts};

const FILE_NAME: &str = "replay";
/// Beside the record, what other pages read of each of its files (keys, anchors, URLs):
/// the index a few changed files' links are checked against, without the shards.
const PAGES_FILE_NAME: &str = "pages";
/// Records kept, each under the hash of its run's paths, the latest written or replayed: a
/// run over the whole site and runs over a part of it (a pre-commit hook's) would otherwise
/// replace each other's.
const KEPT_RECORDS: usize = 3;

/// Paths the cross-file phase asked the file system about, each with whether it was a file.
pub(super) type Asked = Vec<(PathBuf, bool)>;

/// What one run read and found, as stored; `Found`, each finding with the id of its rule,
/// is borrowed from the run's findings when written.
#[derive(Serialize, Deserialize)]
pub(super) struct Record<Found = (String, Diagnostic)> {
    /// The working folder, against which relative paths were read.
    pub(super) folder: PathBuf,
    /// The hash of every file's path as given and whether it was linted, in order
    /// ([`paths_hash`]): a path apiece would be decoded and freed on every run.
    pub(super) paths: u128,
    /// Every file of the run in its order: the hash of its text, the hash of what other
    /// pages read of it, and the key of its inode, size and times (0 when they cannot vouch
    /// for its text).
    #[serde(with = "recorded_files")]
    pub(super) files: Vec<(u128, u128, u64)>,
    /// What the cross-file phase asked the file system.
    pub(super) asked: Asked,
    /// The findings of each file that has any, by its place in `files`, each with the id of
    /// its rule, and what they show of the file (`None` where the run kept its whole text,
    /// too long to cut).
    pub(super) found: Vec<(u32, Vec<Found>, Option<Excerpts>)>,
    /// How much of each file its excerpts keep: a run that shows more reads the files.
    pub(super) excerpt: Excerpt,
}

/// A file as a run read it: the hash of its text, and its [`settled_key`](super::settled).
pub(in super::super) type Fingerprint = (u128, u64);

impl DiskCache {
    pub(super) fn replay_path(&self, paths: u128) -> PathBuf {
        self.run_dir.join(format!("{FILE_NAME}-{paths:032x}"))
    }

    pub(super) fn pages_path(&self, paths: u128) -> PathBuf {
        self.run_dir.join(format!("{PAGES_FILE_NAME}-{paths:032x}"))
    }

    /// Removes, with their pages, the records older than the [`KEPT_RECORDS`] latest: the one
    /// just written (under `written`, whatever its time: a file system may keep only
    /// seconds) and the latest of the others.
    fn evict_records(&self, written: u128) {
        let Ok(entries) = std::fs::read_dir(&self.run_dir) else {
            return;
        };
        let prefix = format!("{FILE_NAME}-");
        let written = format!("{written:032x}");
        let mut records: Vec<(std::time::SystemTime, String)> = (entries.filter_map(Result::ok))
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let paths = name
                    .strip_prefix(&prefix)
                    .filter(|paths| *paths != written)?;
                Some((entry.metadata().ok()?.modified().ok()?, paths.to_string()))
            })
            .collect();
        records.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
        for (_, paths) in records.into_iter().skip(KEPT_RECORDS - 1) {
            let _ = std::fs::remove_file(self.run_dir.join(format!("{FILE_NAME}-{paths}")));
            let _ = std::fs::remove_file(self.run_dir.join(format!("{PAGES_FILE_NAME}-{paths}")));
        }
    }

    /// Writes the pages file, streamed: the count of pages, then what other pages read of each
    /// page ([`PageSummary::encode_seen`]) after its length; and gives the hash of each page's
    /// part. `None` when a summary cannot be encoded; a file that cannot be written is removed.
    fn write_pages(
        &self,
        reads: &[(&Read, Option<Fingerprint>)],
        paths: u128,
    ) -> Option<Vec<u128>> {
        let mut seen = Vec::with_capacity(reads.len());
        let cannot_encode = || std::io::Error::other("a summary cannot be encoded");
        let varint = |n: usize| postcard::to_allocvec(&n).map_err(|_| cannot_encode());
        let written = shard::write_streamed(&self.pages_path(paths), |out| {
            out.write_all(&varint(reads.len())?)?;
            for (read, _) in reads {
                let encoded = (read.summary())
                    .and_then(PageSummary::encode_seen)
                    .ok_or_else(cannot_encode)?;
                out.write_all(&varint(encoded.len())?)?;
                out.write_all(&encoded)?;
                seen.push(xxh3_128(&encoded));
            }
            Ok(pages_seal(self.run_key, paths, seen.iter().copied()))
        });
        if written.is_err() {
            let _ = std::fs::remove_file(self.pages_path(paths));
        }
        (seen.len() == reads.len()).then_some(seen)
    }

    /// A record replayed whole, written again with the keys its files' inodes, sizes and
    /// times have now, when some that can vouch for their files are new (files copied or
    /// checked out again, or settled since): the next run reads fewer.
    pub(super) fn resettle(&self, record: &mut Record, now: &[Fingerprint]) {
        let new =
            |((_, now), file): (&Fingerprint, &(u128, u128, u64))| *now != 0 && *now != file.2;
        if !now.iter().zip(&record.files).any(new) {
            return;
        }
        for (file, (_, now)) in record.files.iter_mut().zip(now) {
            file.2 = *now;
        }
        let written = shard::write_streamed(&self.replay_path(record.paths), |out| {
            postcard::to_io(&*record, out).map_err(std::io::Error::other)?;
            Ok(self.run_key)
        });
        if written.is_err() {
            let _ = std::fs::remove_file(self.replay_path(record.paths));
        }
    }

    /// Records what this run read and found for the next run to replay, with what the
    /// findings show of their files as `excerpt` says; nothing when a file could not be read
    /// or was over its budget (such a run is never replayed). `seen`: the hash of what other
    /// pages read of each file, when known; when not, it is worked out from each page's
    /// summary, and the pages file written beside the record.
    pub(in super::super) fn record(
        &self,
        targets: &[FileTarget],
        reads: &[(&Read, Option<Fingerprint>)],
        findings: &[Vec<Finding>],
        excerpt: Excerpt,
        asked: Asked,
        seen: Option<Vec<u128>>,
    ) {
        let whole = |read: &Read| match read {
            Read::Linted(lint) => !lint.over_budget,
            Read::Summarised(_) => true,
            Read::Unreadable(_) => false,
        };
        let fingerprints: Option<Vec<Fingerprint>> = (reads.iter())
            .map(|(read, fingerprint)| fingerprint.filter(|_| whole(read)))
            .collect();
        let paths = paths_hash(targets);
        let seen = match (fingerprints.is_some(), seen) {
            (false, _) => None,
            (true, Some(seen)) => Some(seen).filter(|seen| seen.len() == reads.len()),
            (true, None) => self.write_pages(reads, paths),
        };
        let (Some(fingerprints), Some(seen), Ok(folder)) =
            (fingerprints, seen, std::env::current_dir())
        else {
            let _ = std::fs::remove_file(self.replay_path(paths));
            return;
        };
        let files = (fingerprints.into_iter().zip(seen))
            .map(|((content, settled), seen)| (content, seen, settled))
            .collect();
        let found = (findings.iter().enumerate())
            .filter(|(_, found)| !found.is_empty())
            .map(|(index, found)| {
                let diagnostics = (found.iter())
                    .map(|finding| (finding.diagnostic.rule, &finding.diagnostic))
                    .collect();
                // A file's findings share its text.
                let file = &found[0].file;
                let shown = (found.iter()).all(|finding| Arc::ptr_eq(&finding.file, file));
                let spans = found.iter().flat_map(|finding| finding.diagnostic.spans());
                let excerpts = shown.then(|| file.excerpts_for(spans, excerpt)).flatten();
                (index as u32, diagnostics, excerpts)
            })
            .collect();
        let record: Record<(&str, &Diagnostic)> = Record {
            folder,
            paths,
            files,
            asked,
            found,
            excerpt,
        };
        let written = shard::write_streamed(&self.replay_path(paths), |out| {
            postcard::to_io(&record, out).map_err(std::io::Error::other)?;
            Ok(self.run_key)
        });
        match written {
            Ok(()) => self.evict_records(paths),
            Err(_) => {
                let _ = std::fs::remove_file(self.replay_path(paths));
            }
        }
    }
}

/// The key the pages file is written under: its record's run key, paths and the hashes of
/// what other pages read of each file, so that it is read only with a record it agrees with
/// (a replay that lints a few changed files keeps both).
pub(super) fn pages_seal(run_key: u128, paths: u128, seen: impl Iterator<Item = u128>) -> u128 {
    let mut hasher = Xxh3Default::new();
    hasher.update(&run_key.to_le_bytes());
    hasher.update(&paths.to_le_bytes());
    for seen in seen {
        hasher.update(&seen.to_le_bytes());
    }
    hasher.digest128()
}

/// The hash of every target's path as given and whether it is linted, in order. A path holds
/// no NUL byte, so the NUL after each keeps one path's end from reading as another's start.
pub(super) fn paths_hash(targets: &[FileTarget]) -> u128 {
    let mut hasher = Xxh3Default::new();
    for target in targets {
        hasher.update(target.path.as_os_str().as_encoded_bytes());
        hasher.update(&[0, u8::from(target.lint)]);
    }
    hasher.digest128()
}

/// Each file's two hashes and settled key stored as plain bytes, 40 to a file: decoded as
/// varints, they cost a replayed run of a large corpus more than any other part of its
/// record.
mod recorded_files {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    const FILE: usize = 40;

    pub fn serialize<S: Serializer>(
        files: &[(u128, u128, u64)],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut bytes = Vec::with_capacity(files.len() * FILE);
        for (content, seen, settled) in files {
            bytes.extend_from_slice(&content.to_le_bytes());
            bytes.extend_from_slice(&seen.to_le_bytes());
            bytes.extend_from_slice(&settled.to_le_bytes());
        }
        serializer.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<(u128, u128, u64)>, D::Error> {
        let bytes: &[u8] = Deserialize::deserialize(deserializer)?;
        if bytes.len() % FILE != 0 {
            return Err(D::Error::custom("recorded files cut short"));
        }
        let hash = |bytes: &[u8]| u128::from_le_bytes(bytes.try_into().unwrap_or_default());
        let key = |bytes: &[u8]| u64::from_le_bytes(bytes.try_into().unwrap_or_default());
        Ok(bytes
            .chunks_exact(FILE)
            .map(|file| (hash(&file[..16]), hash(&file[16..32]), key(&file[32..])))
            .collect())
    }
}
