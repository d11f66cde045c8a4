//! The cache `check` keeps on disk between runs: for each file, keyed by the hash of its
//! text and the run key (galley's build, the configuration, schema, packs and site, see
//! [`key`]), what the first half of the pipeline made of it (diagnostics with their fixes,
//! suppressions, the page summary). The cross-file half runs again, on cached and fresh
//! summaries alike, so a page added or removed elsewhere is seen; unless nothing changed at
//! all, when the last run over the same files is replayed whole ([`replay`]).
//!
//! Layout: `<dir>/run-<key>/shard-<nn>` (and the `replay-<paths>` records and their
//! `pages-<paths>` beside them), files by the hash of their path over [`SHARDS`] shards. A
//! run rewrites only the shards where something changed, keeping the entries of the files it
//! read (so deleted files drop out), and deletes the shards none of its files hash to; of the
//! other run keys' folders it keeps the [`KEPT_RUNS`] written last.

mod key;
mod record;
pub(super) use record::Fingerprint;
mod replay;
pub(super) use replay::Replay;
mod settled;
mod shard;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{xxh3_128, xxh3_64};

use super::discover::FileTarget;
use super::pipeline::{may_report, FileLint};
use super::run::Read;
use super::{Linter, RuleSet};
use crate::diagnostic::Diagnostic;
use crate::finding::{IO_ERROR, TOO_MANY_FINDINGS};
use crate::links::PageSummary;
use crate::source::{read_text_and_metadata, SourceFile};
use crate::suppression::Suppression;
use settled::settled_key_of;
use shard::{EntryKey, Stored};

/// The cache's folder under the content root when neither the config nor the caller names
/// one.
pub const DEFAULT_DIR: &str = ".galley_cache";
const SHARDS: usize = 256;
/// Folders of other run keys (other configurations, older builds) kept besides this run's.
const KEPT_RUNS: usize = 3;
const TEMPORARY_PREFIX: &str = ".tmp-";
/// A temporary file this old was left by a run that died: removed.
const STALE_TEMPORARY: Duration = Duration::from_secs(3600);

/// The first half's results for one file, as stored.
#[derive(Serialize, Deserialize)]
struct CachedFile {
    summary: PageSummary,
    /// Each with the id of the rule that reported it, which the engine stamps again.
    diagnostics: Vec<(String, Diagnostic)>,
    suppressions: Vec<Suppression>,
}

impl CachedFile {
    /// What a page read for links only makes of the text this linted one was made from: the
    /// same summary without its links. `None` for a text over its budget, whose summary is
    /// an empty page's.
    fn for_links(self) -> Option<CachedFile> {
        let over_budget =
            (self.diagnostics.iter()).any(|(id, _)| id == IO_ERROR || id == TOO_MANY_FINDINGS);
        if over_budget {
            return None;
        }
        Some(CachedFile {
            summary: PageSummary {
                links: Vec::new(),
                template_links: Vec::new(),
                ..self.summary
            },
            diagnostics: Vec::new(),
            suppressions: Vec::new(),
        })
    }
}

/// The same, borrowed, for encoding without copying.
#[derive(Serialize)]
struct CachedFileRef<'a> {
    summary: &'a PageSummary,
    diagnostics: Vec<(&'a str, &'a Diagnostic)>,
    suppressions: &'a [Suppression],
}

/// What one run does with one shard.
#[derive(Default)]
struct Shard {
    /// What the shard's file held, read when a file of the shard is first looked up.
    /// Emptied once the shard is saved, before the cross-file phase. With 256 shards, two
    /// workers seldom want the same one at once.
    stored: OnceLock<Mutex<HashMap<EntryKey, Stored>>>,
    /// The entries this run read: hits (by key, their bytes stay in `stored`) and fresh ones.
    used: Mutex<Vec<(EntryKey, Option<Fresh>)>>,
    fresh: AtomicBool,
}

/// A file this run linted: the index of its target and the hash of its text. Its entry is
/// encoded from the run's results when the shard is written, not kept encoded beside them
/// through the phase (70 MB at 100,000 pages).
#[derive(Clone, Copy)]
struct Fresh {
    index: usize,
    content: u128,
}

impl Shard {
    /// Notes an entry this run read: a hit (its bytes stay in `stored`) or a fresh one.
    fn used(&self, key: EntryKey, entry: Option<Fresh>) {
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        used.push((key, entry));
    }
}

/// How a run used the cache, for `--verbose`.
#[derive(Debug, Clone, Default)]
pub struct CacheUse {
    /// Files whose results came from the cache.
    pub reused: usize,
    /// Files read, parsed and linted anew.
    pub linted: usize,
    /// Whether the run was the last one replayed: the same files with the same texts.
    pub replayed: bool,
    /// Whether the files that did not change were replayed: those that did show other
    /// pages what they did.
    pub replayed_unchanged: bool,
    /// Files taken unread: unchanged, as their inodes, sizes and times vouch, and without
    /// findings to show.
    pub unread: usize,
    /// Why the cache could not be written, when it could not.
    pub write_error: Option<String>,
}

/// The cache of one linter (one run key) in one folder.
pub struct DiskCache {
    dir: PathBuf,
    run_dir: PathBuf,
    run_key: u128,
    shards: Vec<Shard>,
    reused: AtomicUsize,
    linted: AtomicUsize,
    replayed: AtomicBool,
    replayed_unchanged: AtomicBool,
    /// Files a replay took on their [`settled`] key, unread.
    unread: AtomicUsize,
    /// When the run began, as its files' times are judged ([`settled`]).
    opened: SystemTime,
    write_error: Mutex<Option<String>>,
}

impl DiskCache {
    /// The cache in `dir` for what `linter` runs; nothing is read or written until a run.
    pub fn open(linter: &Linter, dir: &Path) -> Self {
        let run_key = linter.run_key();
        DiskCache {
            dir: dir.to_path_buf(),
            run_dir: dir.join(format!("run-{run_key:032x}")),
            run_key,
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
            reused: AtomicUsize::new(0),
            linted: AtomicUsize::new(0),
            replayed: AtomicBool::new(false),
            replayed_unchanged: AtomicBool::new(false),
            unread: AtomicUsize::new(0),
            opened: SystemTime::now(),
            write_error: Mutex::new(None),
        }
    }

    /// The configured folder (`[cache] dir`), else [`DEFAULT_DIR`] under the content root.
    pub fn default_dir(linter: &Linter) -> PathBuf {
        match &linter.config().cache.dir {
            Some(dir) => dir.clone(),
            None => linter.root().join(DEFAULT_DIR),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn usage(&self) -> CacheUse {
        CacheUse {
            reused: self.reused.load(Ordering::Relaxed),
            linted: self.linted.load(Ordering::Relaxed),
            replayed: self.replayed.load(Ordering::Relaxed),
            replayed_unchanged: self.replayed_unchanged.load(Ordering::Relaxed),
            unread: self.unread.load(Ordering::Relaxed),
            write_error: self
                .write_error
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        }
    }

    fn shard_path(&self, index: usize) -> PathBuf {
        self.run_dir.join(format!("shard-{index:02x}"))
    }

    /// The first phase for one file: read it, then its results from the cache when its text
    /// and the run key match an entry, else the first half of the pipeline (stored); with
    /// the hash of the text read and the file's settled key.
    pub(super) fn read(
        &self,
        linter: &Linter,
        target: &FileTarget,
        index: usize,
    ) -> (Read, Vec<Diagnostic>, Option<Fingerprint>) {
        let (text, settled) = match read_text_and_metadata(&target.path) {
            Ok((text, metadata)) => (text, settled_key_of(&metadata, self.opened)),
            Err(message) => return (linter.unreadable(target, message), Vec::new(), None),
        };
        let (shard, key) = self.entry_of(target);
        let stored = self.stored(shard);
        let content = xxh3_128(text.as_bytes());
        let hit = {
            let stored = stored.lock().unwrap_or_else(PoisonError::into_inner);
            let decode = |key: &EntryKey| {
                (stored.get(key))
                    .filter(|entry| entry.content == content)
                    .and_then(|entry| postcard::from_bytes::<CachedFile>(&entry.bytes).ok())
            };
            match decode(&key) {
                Some(cached) => Some((cached, false)),
                // A page read for links only (a run over part of the site reads the rest so)
                // takes what the last run that linted the same text made of it.
                None if !target.lint => (decode(&(key.0.clone(), true)))
                    .and_then(CachedFile::for_links)
                    .map(|cached| (cached, true)),
                None => None,
            }
        };
        let text = match hit {
            Some((cached, from_linted)) => match linter.revive(target, text, cached) {
                Ok((read, found)) => {
                    self.reused.fetch_add(1, Ordering::Relaxed);
                    let hit_key = if from_linted { (key.0, true) } else { key };
                    self.shards[shard].used(hit_key, None);
                    return (read, found, Some((content, settled)));
                }
                Err(text) => text,
            },
            None => text,
        };
        self.linted.fetch_add(1, Ordering::Relaxed);
        // Fixes never go through the cache.
        let (read, found) = linter.lint_read(target, text, false);
        if !matches!(read, Read::Unreadable(_)) {
            self.keep_fresh(shard, key, Fresh { index, content });
        }
        (read, found, Some((content, settled)))
    }

    /// The shard of `target`'s entry, and its key there.
    fn entry_of(&self, target: &FileTarget) -> (usize, EntryKey) {
        let path = crate::paths::text(&crate::paths::absolute_or_as_is(&target.path)).into_owned();
        let shard = (xxh3_64(path.as_bytes()) % SHARDS as u64) as usize;
        (shard, (path, target.lint))
    }

    /// What the shard's file holds, read on first use.
    fn stored(&self, shard: usize) -> &Mutex<HashMap<EntryKey, Stored>> {
        (self.shards[shard].stored)
            .get_or_init(|| Mutex::new(shard::load(&self.shard_path(shard), self.run_key)))
    }

    /// Writes the entries of `linted` files (each with the hash of its text) into their
    /// shards, keeping every other entry as stored: for a run over the last run's files, whose
    /// other entries all stand.
    fn store_linted(&self, linted: &[(&FileTarget, &Read, &[Diagnostic], u128)]) {
        let mut by_shard: HashMap<usize, Vec<(EntryKey, Stored)>> = HashMap::new();
        for &(target, read, found, content) in linted {
            let (shard, key) = self.entry_of(target);
            if let Some(bytes) = encode(read, found) {
                by_shard
                    .entry(shard)
                    .or_default()
                    .push((key, Stored { content, bytes }));
            }
        }
        for (shard, fresh) in by_shard {
            let mut stored = self
                .stored(shard)
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            stored.extend(fresh);
            if let Err(error) = self.write_shard(shard, stored.iter().collect()) {
                self.note_write_error(error);
                return;
            }
        }
    }

    /// Writes `entries` as shard `index`, in the order of their keys.
    fn write_shard(
        &self,
        index: usize,
        mut entries: Vec<(&EntryKey, &Stored)>,
    ) -> Result<(), String> {
        entries.sort_by(|a, b| a.0.cmp(b.0));
        shard::write(&self.shard_path(index), self.run_key, &entries)
            .map_err(|error| format!("{}: {error}", self.run_dir.display()))
    }

    /// Why the cache could not be written, for `--verbose`.
    fn note_write_error(&self, error: String) {
        *self
            .write_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(error);
    }

    /// Keeps an entry for the next run from the results of linting a file now: encoded when
    /// its shard is written.
    fn keep_fresh(&self, shard: usize, key: EntryKey, fresh: Fresh) {
        let shard = &self.shards[shard];
        shard.fresh.store(true, Ordering::Relaxed);
        shard.used(key, Some(fresh));
    }

    /// Writes the shards this run changed, then drops what no run of this key needs, and
    /// frees what it read of the shards.
    /// Best effort: a cache that cannot be written costs speed, not results.
    /// `reads` and `found`: the run's first-phase results, by target, which the fresh entries
    /// are encoded from; `parallel` unless the run had too few files to start the thread pool.
    pub(super) fn save(&self, reads: &[Arc<Read>], found: &[Vec<Diagnostic>], parallel: bool) {
        let save_shard = |(index, shard)| self.save_shard(index, shard, reads, found);
        let result = std::fs::create_dir_all(&self.run_dir)
            .and_then(|()| mark_folder(&self.dir))
            .map_err(|error| format!("{}: {error}", self.dir.display()))
            .and_then(|()| {
                if parallel {
                    self.shards.par_iter().enumerate().try_for_each(save_shard)
                } else {
                    self.shards.iter().enumerate().try_for_each(save_shard)
                }
            });
        if let Err(error) = result {
            self.note_write_error(error);
            return;
        }
        self.remove_unused_shards();
        self.evict_other_runs();
    }

    fn save_shard(
        &self,
        index: usize,
        shard: &Shard,
        reads: &[Arc<Read>],
        found: &[Vec<Diagnostic>],
    ) -> Result<(), String> {
        let Some(stored) = shard.stored.get() else {
            return Ok(());
        };
        let mut stored = stored.lock().unwrap_or_else(PoisonError::into_inner);
        // What the shard's file held is not needed after this.
        let stored = std::mem::take(&mut *stored);
        // Nor are this run's entries once written: freed before the cross-file phase.
        let used = std::mem::take(&mut *shard.used.lock().unwrap_or_else(PoisonError::into_inner));
        let fresh = shard.fresh.load(Ordering::Relaxed);
        // Every entry was a hit, and each hit is a stored entry: the shard stays as it is.
        if !fresh && used.len() == stored.len() {
            return Ok(());
        }
        let paths: HashSet<&str> = used.iter().map(|((path, _), _)| path.as_str()).collect();
        let keys: HashSet<&EntryKey> = used.iter().map(|(key, _)| key).collect();
        // A file read now as linted keeps its entry as read-for-links, and the other way round
        // (a run over part of the site reads the rest for links only).
        let other_use = stored
            .iter()
            .filter(|(key, _)| paths.contains(key.0.as_str()) && !keys.contains(key));
        let encoded: Vec<Option<Stored>> = (used.iter())
            .map(|(_, fresh)| {
                let Fresh { index, content } = (*fresh)?;
                let bytes = encode(reads.get(index)?, found.get(index)?)?;
                Some(Stored { content, bytes })
            })
            .collect();
        let entries: Vec<(&EntryKey, &Stored)> = (used.iter().zip(&encoded))
            .filter_map(|((key, fresh), encoded)| match fresh {
                Some(_) => Some((key, encoded.as_ref()?)),
                None => Some((key, stored.get(key)?)),
            })
            .chain(other_use)
            .collect();
        let dropped = entries.len() != stored.len();
        if !(fresh || dropped) {
            return Ok(());
        }
        self.write_shard(index, entries)
    }

    /// Shards that no file of this run hashes to hold only files that are gone; temporary
    /// files of runs that died are removed too.
    fn remove_unused_shards(&self) {
        let Ok(entries) = std::fs::read_dir(&self.run_dir) else {
            return;
        };
        let used: HashSet<String> = (self.shards.iter().enumerate())
            .filter(|(_, shard)| shard.stored.get().is_some())
            .map(|(index, _)| format!("shard-{index:02x}"))
            .collect();
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let unused = name.starts_with("shard-") && !used.contains(&name);
            let stale = name.starts_with(TEMPORARY_PREFIX) && older_than(&entry, STALE_TEMPORARY);
            if unused || stale {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// Keeps the [`KEPT_RUNS`] other run keys' folders written last; removes the rest.
    fn evict_other_runs(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut runs: Vec<(SystemTime, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name().to_string_lossy().starts_with("run-"))
            .filter(|entry| entry.path() != self.run_dir)
            .filter_map(|entry| Some((entry.metadata().ok()?.modified().ok()?, entry.path())))
            .collect();
        runs.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
        for (_, old) in runs.into_iter().skip(KEPT_RUNS) {
            let _ = std::fs::remove_dir_all(old);
        }
    }
}

fn older_than(entry: &std::fs::DirEntry, age: Duration) -> bool {
    let modified = entry.metadata().and_then(|meta| meta.modified());
    modified.is_ok_and(|time| time.elapsed().is_ok_and(|elapsed| elapsed > age))
}

/// Makes the cache's folder one that git and backup tools skip.
fn mark_folder(dir: &Path) -> std::io::Result<()> {
    let files = [
        (
            ".gitignore",
            "# Written by galley: its cache, not to be committed.\n*\n",
        ),
        (
            "CACHEDIR.TAG",
            "Signature: 8a477f597d28d172789f06886806bc55\n\
             # This file is a cache directory tag created by galley.\n",
        ),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        if !path.exists() {
            std::fs::write(path, text)?;
        }
    }
    Ok(())
}

/// Stored diagnostics with the rule ids the engine stamps, taken from `rules`; `None` when
/// one names a rule that `rules` does not hold.
fn with_rule_ids(
    rules: &RuleSet,
    diagnostics: Vec<(String, Diagnostic)>,
) -> Option<Vec<Diagnostic>> {
    (diagnostics.into_iter())
        .map(|(id, mut diagnostic)| {
            diagnostic.rule = rules.iter().find(|active| active.meta.id == id)?.meta.id;
            Some(diagnostic)
        })
        .collect()
}

/// The stored form of a file's first-half results; `None` when it cannot be encoded (a path
/// that is not Unicode).
fn encode(read: &Read, found: &[Diagnostic]) -> Option<Vec<u8>> {
    let (summary, suppressions) = match read {
        Read::Linted(lint) => (&lint.summary, &lint.suppressions[..]),
        Read::Summarised(summary) => (summary, &[][..]),
        Read::Unreadable(_) => return None,
    };
    let cached = CachedFileRef {
        summary,
        diagnostics: found.iter().map(|d| (d.rule, d)).collect(),
        suppressions,
    };
    postcard::to_allocvec(&cached).ok()
}

impl Linter {
    /// The first phase's results for `target` from its cached form and its text; the text
    /// back when a diagnostic names a rule this file does not run (it is linted anew).
    fn revive(
        &self,
        target: &FileTarget,
        text: String,
        cached: CachedFile,
    ) -> Result<(Read, Vec<Diagnostic>), String> {
        let CachedFile {
            summary,
            diagnostics,
            suppressions,
        } = cached;
        if !target.lint {
            return Ok((Read::Summarised(summary), Vec::new()));
        }
        let rules = self.rules_for(&target.path);
        let Some(found) = with_rule_ids(&rules, diagnostics) else {
            return Err(text);
        };
        if !may_report(&summary, &suppressions, &found) {
            return Ok((Read::Summarised(summary), found));
        }
        let mut lint = FileLint {
            file: SourceFile::new(target.display.clone(), text),
            rules,
            summary,
            suppressions,
            // An over-budget file reports an engine finding (`io-error`, `too-many-findings`)
            // that no rule set holds: it is never taken from the cache.
            over_budget: false,
        };
        lint.keep_excerpts(&found, self.excerpt);
        Ok((Read::Linted(lint), found))
    }
}
