//! A whole run replayed. A run that used the cache leaves, beside the shards, a record of
//! what it read and found: every file in its order with the hash of its text, every path
//! its cross-file phase asked the file system about with the answer, and the findings of
//! each file. The next run under the same key whose files are the same paths with the same
//! texts, and whose recorded paths still answer the same, has the same findings: it reads
//! each file to hash it (the text is the proof, never its time or size) and parses, lints
//! and indexes nothing. A single difference and the run goes the usual way, through the
//! shards.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_128;

use super::super::discover::FileTarget;
use super::super::pipeline::locate_all;
use super::super::run::Read;
use super::super::Linter;
use super::{shard, with_rule_ids, DiskCache};
use crate::diagnostic::Diagnostic;
use crate::finding::Finding;
use crate::source::{read_regular, SourceFile, MAX_FILE_BYTES};

const FILE_NAME: &str = "replay";

/// What one run read and found, as stored.
#[derive(Serialize, Deserialize)]
struct Record {
    /// The working folder, against which relative paths were read.
    folder: PathBuf,
    /// Every file of the run in its order: the path as given, whether it was linted, the
    /// hash of its text.
    files: Vec<(String, bool, u128)>,
    /// What the cross-file phase asked the file system: a path, and whether it was a file.
    asked: Vec<(PathBuf, bool)>,
    /// The findings of each file that has any, by its place in `files`, each with the id of
    /// its rule.
    found: Vec<(u32, Vec<(String, Diagnostic)>)>,
}

impl DiskCache {
    fn replay_path(&self) -> PathBuf {
        self.run_dir.join(FILE_NAME)
    }

    /// The findings of every target, by target, when the last run of this key read the same
    /// files with the same texts and the file system still answers what it asked as it did.
    pub(in super::super) fn replay(
        &self,
        linter: &Linter,
        targets: &[FileTarget],
        parallel: bool,
    ) -> Option<Vec<Vec<Finding>>> {
        let file = std::fs::read(self.replay_path()).ok()?;
        let record: Record = postcard::from_bytes(shard::unframe(&file, self.run_key)?).ok()?;
        drop(file);
        let same_files = record.files.len() == targets.len()
            && std::env::current_dir().ok()? == record.folder
            && (record.files.iter().zip(targets)).all(|((path, lint, _), target)| {
                *lint == target.lint && target.path.as_os_str() == path.as_str()
            });
        if !same_files {
            return None;
        }
        // Read and hashed in parallel; the first text that differs stops the others.
        let changed = AtomicBool::new(false);
        let texts = |(index, target): (usize, &FileTarget)| -> Option<Option<String>> {
            if changed.load(Ordering::Relaxed) {
                return None;
            }
            let bytes = read_regular(&target.path, Some(MAX_FILE_BYTES)).ok();
            let same = bytes.filter(|bytes| xxh3_128(bytes) == record.files[index].2);
            let Some(bytes) = same else {
                changed.store(true, Ordering::Relaxed);
                return None;
            };
            let reports = (record.found)
                .binary_search_by_key(&(index as u32), |(at, _)| *at)
                .is_ok();
            // Only a file with findings needs its text: the hash matched, so it is UTF-8.
            Some(reports.then(|| String::from_utf8(bytes).ok()).flatten())
        };
        let texts: Option<Vec<Option<String>>> = if parallel {
            targets.par_iter().enumerate().map(texts).collect()
        } else {
            targets.iter().enumerate().map(texts).collect()
        };
        let mut texts = texts?;
        let answers_hold = |(path, exists): &(PathBuf, bool)| path.is_file() == *exists;
        let asked_hold = if parallel {
            record.asked.par_iter().all(answers_hold)
        } else {
            record.asked.iter().all(answers_hold)
        };
        if !asked_hold {
            return None;
        }
        let mut findings: Vec<Vec<Finding>> = targets.iter().map(|_| Vec::new()).collect();
        for (index, found) in record.found {
            let index = index as usize;
            let (target, text) = (targets.get(index)?, texts.get_mut(index)?.take()?);
            let found = with_rule_ids(&linter.rules_for(&target.path), found)?;
            let file = SourceFile::new(target.display.clone(), text);
            let file = file.excerpt(found.iter().flat_map(Diagnostic::spans), linter.excerpt);
            findings[index] = locate_all(&file, found);
        }
        self.reused.store(targets.len(), Ordering::Relaxed);
        self.replayed.store(true, Ordering::Relaxed);
        Some(findings)
    }

    /// Records what this run read and found for the next run to replay; nothing when a file
    /// could not be read, was over its budget, or its path is not Unicode (such a run is
    /// never replayed).
    pub(in super::super) fn record(
        &self,
        targets: &[FileTarget],
        reads: &[(&Read, Option<u128>)],
        findings: &[Vec<Finding>],
        asked: Vec<(PathBuf, bool)>,
    ) {
        let files = (targets.iter().zip(reads))
            .map(|(target, (read, content))| {
                let whole = match read {
                    Read::Linted(lint) => !lint.over_budget,
                    Read::Summarised(_) => true,
                    Read::Unreadable(_) => false,
                };
                let path = target.path.to_str().filter(|_| whole)?;
                Some((path.to_string(), target.lint, (*content)?))
            })
            .collect::<Option<Vec<_>>>();
        let (Some(files), Ok(folder)) = (files, std::env::current_dir()) else {
            let _ = std::fs::remove_file(self.replay_path());
            return;
        };
        let found = (findings.iter().enumerate())
            .filter(|(_, found)| !found.is_empty())
            .map(|(index, found)| {
                let found = (found.iter())
                    .map(|finding| {
                        (
                            finding.diagnostic.rule.to_string(),
                            finding.diagnostic.clone(),
                        )
                    })
                    .collect();
                (index as u32, found)
            })
            .collect();
        let record = Record {
            folder,
            files,
            asked,
            found,
        };
        let written = postcard::to_allocvec(&record)
            .map_err(|error| error.to_string())
            .and_then(|payload| shard::write_framed(&self.replay_path(), self.run_key, &payload));
        if written.is_err() {
            let _ = std::fs::remove_file(self.replay_path());
        }
    }
}
