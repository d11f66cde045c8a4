//! A whole run replayed. A run that used the cache leaves, beside the shards, a record of
//! what it read and found (under the hash of its paths: a run over the whole site and one
//! over some of its pages each find their own): every file in its order with the hash of its
//! text and the hash of what other pages read of it, every path its cross-file phase asked
//! the file system about with the answer, and the findings of each file. The next run under
//! the same key whose files are the same paths with the same texts, and whose recorded paths
//! still answer the same, has the same findings, and parses, lints and indexes nothing. It
//! reads and hashes each file, unless the file's inode, size and times are as recorded and
//! had settled when the recording run began ([`settled`](super::settled)), as git trusts its
//! index; a file with findings is then shown from the excerpts the record keeps of it, unless
//! they hold less than this run's report shows (spans, for lines), when it is read for them.
//!
//! When a few texts differ, only those files are linted: if what each shows other pages
//! (its keys, anchors, URLs; not its own links) is as recorded, every other file's findings
//! are too, and the changed files' links are checked against an index of what the record's
//! pages file says of every page (written beside the record by the run that linted them all:
//! each page's summary without its links). Otherwise, and at a single other difference, the
//! run goes the usual way, through the shards.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_128;

use super::super::discover::FileTarget;
use super::super::pipeline::locate_all;
use super::super::run::Read;
use super::super::Linter;
use super::record::{pages_seal, paths_hash, Asked, Fingerprint, Record};
use super::settled::{settled_key, settled_key_of};
use super::{shard, with_rule_ids, DiskCache};
use crate::finding::Finding;
use crate::links::{LinkIndex, PageSummary};
use crate::source::{read_regular_and_metadata, SourceFile, MAX_FILE_BYTES};

/// What the last run's record gives this one.
pub(in super::super) enum Replay {
    /// No record of this key, or other files, folder or answers: the usual way.
    Nothing,
    /// The same files with the same texts: every file's findings.
    Whole(Vec<Vec<Finding>>),
    /// The same files, a few with other texts.
    Changed(Changed),
}

/// A run whose files are the last run's, a few with other texts.
pub(in super::super) struct Changed {
    record: Record,
    /// Each file as read now: the hash of its text, its settled key.
    fingerprints: Vec<Fingerprint>,
    /// What is kept of each changed file and of each other file with findings to show.
    texts: Vec<Option<Kept>>,
    /// The record's pages file as the run's reads, if decoded while the files were read
    /// (`None` inside when it did not check out).
    pages: OnceLock<Option<Vec<Read>>>,
}

/// What a replay keeps of a file it read.
enum Kept {
    /// A changed file's text, to be linted.
    Whole(String),
    /// An unchanged file with findings: what they show of it, kept by the record or cut as
    /// soon as it is read (the texts of every such file at once would be most of a replayed
    /// run's memory).
    Excerpts(Arc<SourceFile>),
}

/// Past this many changed files, or a tenth of the files if more (a branch switched), the
/// run goes the usual way: reading on would cost more than the replay could save.
const MOST_CHANGED: usize = 64;

impl Changed {
    /// The indices of the files whose texts changed.
    fn changed(&self) -> impl Iterator<Item = usize> + '_ {
        (self.fingerprints.iter().zip(&self.record.files))
            .enumerate()
            .filter(|(_, ((content, _), file))| *content != file.0)
            .map(|(index, _)| index)
    }
}

impl DiskCache {
    /// Every page's summary without its links, as the run that wrote `record` made them, as
    /// the run's reads; `None` when the pages file is missing, torn or another record's.
    fn recorded_pages(&self, record: &Record, parallel: bool) -> Option<Vec<Read>> {
        // Kept whole: each page's anchors stay in it.
        let file = Bytes::from(std::fs::read(self.pages_path(record.paths)).ok()?);
        let seal = pages_seal(self.run_key, record.paths, record.files.iter().map(|f| f.1));
        let (count, mut rest) =
            postcard::take_from_bytes::<usize>(shard::unframe(&file, seal)?).ok()?;
        if count != record.files.len() {
            return None;
        }
        // Each page's part is found by its length, so that the parts are decoded in parallel,
        // each straight into its place among the reads. The payload ends the file, so each
        // part ends where what follows it begins.
        let mut parts: Vec<Bytes> = Vec::with_capacity(count);
        while !rest.is_empty() {
            let (length, after) = postcard::take_from_bytes::<usize>(rest).ok()?;
            let (_, after) = after.split_at_checked(length)?;
            let end = file.len() - after.len();
            parts.push(file.slice(end - length..end));
            rest = after;
        }
        if parts.len() != count {
            return None;
        }
        let undecodable = AtomicBool::new(false);
        let decode = |part: &Bytes| {
            let summary = PageSummary::decode_seen(part).unwrap_or_else(|| {
                undecodable.store(true, Ordering::Relaxed);
                PageSummary::default()
            });
            Read::Summarised(summary)
        };
        let mut pages = Vec::with_capacity(count);
        if parallel {
            parts.par_iter().map(decode).collect_into_vec(&mut pages);
        } else {
            pages.extend(parts.iter().map(decode));
        }
        (!undecodable.into_inner()).then_some(pages)
    }

    /// What the record of the last run of this key over the same files gives this run: every
    /// finding when it read them with the same texts and the file system still answers what
    /// it asked as it did; the changed texts when only a few differ.
    pub(in super::super) fn replay(
        &self,
        linter: &Linter,
        targets: &[FileTarget],
        parallel: bool,
    ) -> Replay {
        let paths = paths_hash(targets);
        let Some(file) = std::fs::read(self.replay_path(paths)).ok() else {
            return Replay::Nothing;
        };
        let record: Option<Record> = shard::unframe(&file, self.run_key)
            .and_then(|payload| postcard::from_bytes(payload).ok());
        drop(file);
        let Some(record) = record else {
            return Replay::Nothing;
        };
        let same_files = record.files.len() == targets.len()
            && std::env::current_dir().is_ok_and(|folder| folder == record.folder)
            && record.paths == paths;
        if !same_files {
            return Replay::Nothing;
        }
        // Read and hashed in parallel; past the most changed files, the others stop. From
        // the first changed text on, the pages file a replay of changed texts needs is
        // decoded beside the reading.
        let changed = AtomicUsize::new(0);
        let most_changed = (targets.len() / 10).max(MOST_CHANGED);
        let pages = OnceLock::new();
        let read = |(index, target): (usize, &FileTarget), first_change: &(dyn Fn() + Sync)| {
            if changed.load(Ordering::Relaxed) > most_changed {
                return None;
            }
            let (found, stored) =
                match (record.found).binary_search_by_key(&(index as u32), |(at, _, _)| *at) {
                    Ok(at) => {
                        let (_, found, excerpts) = &record.found[at];
                        let shown = excerpts
                            .as_ref()
                            .filter(|_| record.excerpt.covers(linter.excerpt));
                        (Some(found), shown)
                    }
                    Err(_) => (None, None),
                };
            let (recorded, _, recorded_settled) = record.files[index];
            // A file with findings whose excerpts the record does not keep is read for the
            // lines they show: no `stat` first.
            if found.is_none() || stored.is_some() {
                let settled = settled_key(&target.path, self.opened);
                if settled != 0 && settled == recorded_settled {
                    self.unread.fetch_add(1, Ordering::Relaxed);
                    let kept = stored.map(|excerpts| {
                        Kept::Excerpts(SourceFile::from_excerpts(
                            target.display.clone(),
                            excerpts.clone(),
                        ))
                    });
                    return Some(((recorded, settled), kept));
                }
            }
            let (bytes, metadata) =
                read_regular_and_metadata(&target.path, Some(MAX_FILE_BYTES)).ok()?;
            let settled = settled_key_of(&metadata, self.opened);
            let content = xxh3_128(&bytes);
            let same = content == recorded;
            if !same && changed.fetch_add(1, Ordering::Relaxed) == 0 {
                first_change();
            }
            // A changed file is linted; an unchanged one with findings shows its text (the
            // hash matched, so it is UTF-8).
            let kept = match (same, found) {
                (true, None) => None,
                (false, _) => Some(Kept::Whole(String::from_utf8(bytes).ok()?)),
                (true, Some(found)) => {
                    let file =
                        SourceFile::new(target.display.clone(), String::from_utf8(bytes).ok()?);
                    let spans = found.iter().flat_map(|(_, diagnostic)| diagnostic.spans());
                    Some(Kept::Excerpts(file.excerpt(spans, linter.excerpt)))
                }
            };
            Some(((content, settled), kept))
        };
        // Fewer files are read on this thread alone: no pool is started for them.
        let read: Option<Vec<(Fingerprint, Option<Kept>)>> = if parallel {
            rayon::in_place_scope(|scope| {
                let decode_pages = || {
                    let (pages, record) = (&pages, &record);
                    scope.spawn(move |_| {
                        let _ = pages.set(self.recorded_pages(record, parallel));
                    });
                };
                (targets.par_iter().enumerate())
                    .map(|file| read(file, &decode_pages))
                    .collect()
            })
        } else {
            (targets.iter().enumerate())
                .map(|file| read(file, &|| {}))
                .collect()
        };
        let Some(read) = read else {
            return Replay::Nothing;
        };
        let answers_hold = |(path, exists): &(PathBuf, bool)| path.is_file() == *exists;
        let asked_hold = if parallel {
            record.asked.par_iter().all(answers_hold)
        } else {
            record.asked.iter().all(answers_hold)
        };
        if !asked_hold {
            return Replay::Nothing;
        }
        let (fingerprints, texts) = read.into_iter().unzip();
        let mut changed = Changed {
            record,
            fingerprints,
            texts,
            pages,
        };
        if changed.changed().next().is_some() {
            return Replay::Changed(changed);
        }
        self.resettle(&mut changed.record, &changed.fingerprints);
        match self.recorded_findings(linter, targets, changed) {
            Some((findings, _)) => {
                self.reused.store(targets.len(), Ordering::Relaxed);
                self.replayed.store(true, Ordering::Relaxed);
                // Used now: kept as if written now (best effort).
                let _ = (std::fs::OpenOptions::new().write(true))
                    .open(self.replay_path(paths))
                    .and_then(|file| file.set_modified(std::time::SystemTime::now()));
                Replay::Whole(findings)
            }
            None => Replay::Nothing,
        }
    }

    /// The findings of a run whose changed files show other pages what they did: the
    /// changed files linted, their links checked against the index of every page, the
    /// others' findings as recorded. `None` when a changed file shows other pages something
    /// else (or cannot be read, or is over its budget) or the record's pages file is
    /// missing or not this record's; nothing is then stored.
    pub(in super::super) fn replay_changed(
        &self,
        linter: &Linter,
        targets: &[FileTarget],
        mut changed: Changed,
        parallel: bool,
    ) -> Option<Vec<Vec<Finding>>> {
        let indices: Vec<usize> = changed.changed().collect();
        // Every page's summary as the last run recorded it: for the others, what it read of
        // their texts; for the changed ones, what it read before (checked below to be what
        // they show now).
        let reads = match std::mem::take(&mut changed.pages).into_inner() {
            Some(pages) => pages,
            None => self.recorded_pages(&changed.record, parallel),
        }?;
        let seen: Vec<u128> = changed.record.files.iter().map(|file| file.1).collect();
        let fingerprints = changed.fingerprints.clone();
        // The index is built from the recorded pages alone, beside the changed files linted
        // and the others' findings replayed; only when every changed file shows other pages
        // what it did is anything stored.
        let index = || {
            LinkIndex::new(
                linter.root(),
                &linter.config().files.extensions,
                reads.iter().filter_map(Read::summary),
            )
            .caching_files()
            .with_site(linter.site.as_ref())
        };
        let replayed = || {
            let mut linted = Vec::with_capacity(indices.len());
            for &index in &indices {
                let (target, text) = match changed.texts[index].take()? {
                    Kept::Whole(text) => (&targets[index], text),
                    Kept::Excerpts(_) => return None,
                };
                let (read, found) = linter.lint_read(target, text, false);
                let summary = match &read {
                    Read::Linted(lint) if !lint.over_budget => &lint.summary,
                    Read::Summarised(summary) => summary,
                    _ => return None,
                };
                if summary.seen_by_others()? != seen[index] {
                    return None;
                }
                linted.push((index, read, found));
            }
            let replayed = self.recorded_findings(linter, targets, changed)?;
            let fresh: Vec<_> = (linted.iter())
                .map(|(index, read, found)| {
                    (&targets[*index], read, &found[..], fingerprints[*index].0)
                })
                .collect();
            self.store_linted(&fresh);
            drop(fresh);
            Some((replayed, linted))
        };
        let (index, replayed) = if parallel {
            rayon::join(index, replayed)
        } else {
            (index(), replayed())
        };
        let ((mut findings, recorded_asked), linted) = replayed?;
        self.reused
            .store(targets.len() - indices.len(), Ordering::Relaxed);
        self.linted.store(indices.len(), Ordering::Relaxed);
        for (at, read, found) in linted {
            if let Read::Linted(lint) = read {
                let found = linter.lint_second(&lint, found, Some(&index));
                findings[at] = linter.locate_second(&targets[at], &lint, found);
            }
        }
        // The others' findings rest on the answers they were given: asked again next time.
        let mut asked = index.files_asked();
        drop(index);
        asked.extend(recorded_asked);
        asked.sort_unstable();
        asked.dedup();
        // Recorded with the pages as the last run read them: every one whole, and what each
        // shows other pages the same.
        let recorded: Vec<(&Read, Option<Fingerprint>)> = reads
            .iter()
            .zip(fingerprints.into_iter().map(Some))
            .collect();
        self.record(
            targets,
            &recorded,
            &findings,
            linter.excerpt,
            asked,
            Some(seen),
        );
        drop(recorded);
        self.replayed_unchanged.store(true, Ordering::Relaxed);
        // Freeing every page's summary is a tenth of such a run: a worker does it while the
        // caller writes the report, as after a usual run.
        if parallel {
            rayon::spawn(move || drop(reads));
        }
        Some(findings)
    }

    /// The recorded findings of every file, excerpts cut from the texts read (the changed
    /// files' are left empty), and the record's disk questions.
    fn recorded_findings(
        &self,
        linter: &Linter,
        targets: &[FileTarget],
        changed: Changed,
    ) -> Option<(Vec<Vec<Finding>>, Asked)> {
        let Changed {
            record,
            fingerprints,
            mut texts,
            pages: _,
        } = changed;
        let mut findings: Vec<Vec<Finding>> = targets.iter().map(|_| Vec::new()).collect();
        for (index, found, _) in record.found {
            let index = index as usize;
            if fingerprints.get(index).map(|fingerprint| fingerprint.0)
                != record.files.get(index).map(|file| file.0)
            {
                continue;
            }
            let (target, file) = match texts.get_mut(index)?.take()? {
                Kept::Excerpts(file) => (targets.get(index)?, file),
                Kept::Whole(_) => return None,
            };
            let found = with_rule_ids(&linter.rules_for(&target.path), found)?;
            findings[index] = locate_all(&file, found);
        }
        Some((findings, record.asked))
    }
}
