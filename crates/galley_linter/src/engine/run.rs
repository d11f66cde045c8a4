//! A run over many files, in two phases: every file through the first half of the pipeline
//! in parallel; then the link index over their summaries; then every linted file through the
//! second half, in parallel. Fixes, when asked for, run last, on the texts already read.

use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

use super::cache::RunCache;
use super::discover::FileTarget;
use super::disk_cache::{DiskCache, Fingerprint, Replay};
use super::fixing::Fixing;
use super::pipeline::{locate_all, FileLint};
use super::Linter;
use crate::diagnostic::Diagnostic;
use crate::finding::{io_error, sort_findings, CheckOutcome, Finding};
use crate::links::{LinkIndex, PageSummary};
use crate::source::{read_text, SourceFile};
use xxhash_rust::xxh3::xxh3_128;

/// Told of a run's progress, for a progress bar; both hooks default to nothing.
pub trait Progress: Sync {
    /// The run will read `files` files.
    fn start(&self, _files: usize) {}
    /// One more file has been read.
    fn advance(&self) {}
}

impl Progress for () {}

/// Below this many files (one page and the few others of a small site, as pre-commit hooks
/// and editors check them) a run stays on the calling thread: starting the thread pool costs
/// more than the work it would share.
const PARALLEL_FROM: usize = 64;

/// What the first phase leaves of one file.
pub(super) enum Read {
    /// A linted file that may report something.
    Linted(FileLint),
    /// A file read only for its summary: not linted, or linted with nothing to report.
    Summarised(PageSummary),
    /// A file that could not be read: its `io-error`, when it was to be linted.
    Unreadable(Option<Finding>),
}

/// Where a run may take a file's first-phase results from instead of linting it.
#[derive(Clone, Copy)]
enum Reuse<'a> {
    Nothing,
    /// `--watch`: the last run's, in memory.
    Memory(&'a RunCache),
    /// `check`: the cache on disk.
    Disk(&'a DiskCache),
}

impl Read {
    pub(super) fn summary(&self) -> Option<&PageSummary> {
        match self {
            Read::Linted(lint) => Some(&lint.summary),
            Read::Summarised(summary) => Some(summary),
            Read::Unreadable(_) => None,
        }
    }
}

impl Linter {
    /// Lints the files and folders of `inputs` (and reads the other pages of the content
    /// root, for links). With `strip_dot`, paths are shown without a leading `./`.
    pub fn check(
        &self,
        inputs: &[PathBuf],
        strip_dot: bool,
        fixing: Option<Fixing>,
        progress: &dyn Progress,
    ) -> CheckOutcome {
        self.check_with(inputs, strip_dot, fixing, progress, Reuse::Nothing)
    }

    /// A check that takes the results of files unchanged since a run with the same settings
    /// from `cache` on disk (and stores those of the others); the link index and the
    /// cross-file rules run over every file, cached or not. Fixes never go through it.
    pub fn check_cached(
        &self,
        inputs: &[PathBuf],
        strip_dot: bool,
        progress: &dyn Progress,
        cache: &DiskCache,
    ) -> CheckOutcome {
        self.check_with(inputs, strip_dot, None, progress, Reuse::Disk(cache))
    }

    /// A check again (`--watch`): the files unchanged since `cache` saw them are taken from
    /// it, not read, parsed and linted again; the link index and the cross-file rules still
    /// run over every file, as one change can break links anywhere.
    pub fn check_again(
        &self,
        inputs: &[PathBuf],
        strip_dot: bool,
        progress: &dyn Progress,
        cache: &RunCache,
    ) -> CheckOutcome {
        self.check_with(inputs, strip_dot, None, progress, Reuse::Memory(cache))
    }

    fn check_with(
        &self,
        inputs: &[PathBuf],
        strip_dot: bool,
        fixing: Option<Fixing>,
        progress: &dyn Progress,
        reuse: Reuse,
    ) -> CheckOutcome {
        let (targets, missing) = self.targets(inputs, strip_dot);
        progress.start(targets.len());
        let parallel = targets.len() >= PARALLEL_FROM;
        if let Reuse::Disk(cache) = reuse {
            let findings = match cache.replay(self, &targets, parallel) {
                Replay::Whole(findings) => Some(findings),
                Replay::Changed(changed) => cache.replay_changed(self, &targets, changed, parallel),
                Replay::Nothing => None,
            };
            if let Some(findings) = findings {
                return self.outcome(&targets, missing, findings);
            }
        }
        // Each file's first-phase results, and its fingerprint when the disk cache read it.
        let first = |(index, target): (usize, &FileTarget)| {
            let (read, found, fingerprint) = match reuse {
                Reuse::Memory(cache) => {
                    let (read, found) = cache.read(self, target);
                    (read, found, None)
                }
                Reuse::Disk(cache) => {
                    let (read, found, fingerprint) = cache.read(self, target, index);
                    (Arc::new(read), found, fingerprint)
                }
                Reuse::Nothing => {
                    let (read, found) = self.read(target, fixing.is_some());
                    (Arc::new(read), found, None)
                }
            };
            progress.advance();
            (read, (found, fingerprint))
        };
        type FirstPhase = (
            Vec<Arc<Read>>,
            (Vec<Vec<Diagnostic>>, Vec<Option<Fingerprint>>),
        );
        let (reads, (first_found, fingerprints)): FirstPhase = if parallel {
            targets.par_iter().enumerate().map(first).unzip()
        } else {
            targets.iter().enumerate().map(first).unzip()
        };
        match reuse {
            Reuse::Memory(cache) => cache.keep_only(&targets),
            Reuse::Disk(cache) => cache.save(&reads, &first_found, parallel),
            Reuse::Nothing => {}
        }
        let index = LinkIndex::new(
            &self.root,
            &self.config.files.extensions,
            reads.iter().filter_map(|read| read.summary()),
        )
        .caching_files()
        .with_site(self.site.as_ref());
        let second =
            |((target, read), found): ((&FileTarget, &Arc<Read>), Vec<Diagnostic>)| match &**read {
                Read::Linted(lint) => {
                    let found = self.lint_second(lint, found, Some(&index));
                    self.locate_second(target, lint, found)
                }
                Read::Unreadable(error) => error.iter().cloned().collect(),
                Read::Summarised(_) => Vec::new(),
            };
        let mut findings: Vec<Vec<Finding>> = if parallel {
            (targets.par_iter().zip(&reads).zip(first_found))
                .map(second)
                .collect()
        } else {
            (targets.iter().zip(&reads).zip(first_found))
                .map(second)
                .collect()
        };
        let asked = matches!(reuse, Reuse::Disk(_)).then(|| index.files_asked());
        let mut fixed = Vec::new();
        if let Some(fixing) = fixing {
            let linted = (targets.iter().zip(&reads).zip(&mut findings)).filter_map(
                |((target, read), found)| match &**read {
                    Read::Linted(lint) => Some((target, &lint.file, found)),
                    _ => None,
                },
            );
            fixed = self.fix_files(linted, &index, fixing);
        }
        // The index is freed before the record is made: the two at once were the run's peak.
        drop(index);
        if let (Reuse::Disk(cache), Some(asked)) = (reuse, asked) {
            let read: Vec<(&Read, Option<Fingerprint>)> =
                reads.iter().map(|r| &**r).zip(fingerprints).collect();
            cache.record(&targets, &read, &findings, self.excerpt, asked, None);
        }
        let mut outcome = self.outcome(&targets, missing, findings);
        outcome.fixed = fixed;
        // Freeing every page's summary takes a tenth of a second at 100,000 files: a worker
        // does it while the caller writes the report.
        if parallel {
            rayon::spawn(move || drop((targets, reads)));
        }
        outcome
    }

    /// A run's outcome: its linted files, and every finding in order.
    fn outcome(
        &self,
        targets: &[FileTarget],
        missing: Vec<Finding>,
        findings: Vec<Vec<Finding>>,
    ) -> CheckOutcome {
        let mut findings: Vec<Finding> = missing
            .into_iter()
            .chain(findings.into_iter().flatten())
            .collect();
        sort_findings(&mut findings);
        CheckOutcome {
            files: targets
                .iter()
                .filter(|target| target.lint)
                .map(|target| target.display.clone())
                .collect(),
            findings,
            fixed: Vec::new(),
            rules: self.rule_metas(),
        }
    }

    /// A linted file's findings, `found` by both halves, located. A link keeps only its own
    /// text between the halves ([`FileLint::keep_excerpts`]): when the cross-file rules flag
    /// one, the file is read again for its snippet, if its text is still the one linted
    /// (else the finding shows without one).
    pub(super) fn locate_second(
        &self,
        target: &FileTarget,
        lint: &FileLint,
        found: Vec<Diagnostic>,
    ) -> Vec<Finding> {
        let file = &lint.file;
        let spans = || found.iter().flat_map(Diagnostic::spans);
        let without_lines = || spans().any(|span| file.lines_around(span, 0, 0).is_none());
        let again = match file.cut_from() {
            Some(hash) if without_lines() => read_text(&target.path)
                .ok()
                .filter(|text| xxh3_128(text.as_bytes()) == hash)
                .map(|text| {
                    SourceFile::new(target.display.clone(), text).excerpt(spans(), self.excerpt)
                }),
            _ => None,
        };
        locate_all(again.as_ref().unwrap_or(file), found)
    }

    /// The first phase for one file: read it, then the first half of the pipeline (or only
    /// its summary, for a page read for the link index). With `whole_text` (for fixes) a
    /// linted file keeps its whole text, else only the lines its findings can show.
    pub(super) fn read(&self, target: &FileTarget, whole_text: bool) -> (Read, Vec<Diagnostic>) {
        match read_text(&target.path) {
            Ok(text) => self.lint_read(target, text, whole_text),
            Err(message) => (self.unreadable(target, message), Vec::new()),
        }
    }

    /// A file that could not be read: its `io-error`, when it was to be linted.
    pub(super) fn unreadable(&self, target: &FileTarget, message: String) -> Read {
        let error = target
            .lint
            .then(|| io_error(&SourceFile::unreadable(target.display.clone()), message));
        Read::Unreadable(error)
    }

    /// The first phase for one file's text, read.
    pub(super) fn lint_read(
        &self,
        target: &FileTarget,
        text: String,
        whole_text: bool,
    ) -> (Read, Vec<Diagnostic>) {
        if !target.lint {
            return (
                Read::Summarised(self.summarise_text(target, &text, false)),
                Vec::new(),
            );
        }
        let (mut lint, found) = self.lint_first(target, text, false);
        if lint.may_report(&found) {
            if !whole_text {
                lint.keep_excerpts(&found, self.excerpt);
            }
            (Read::Linted(lint), found)
        } else {
            (Read::Summarised(lint.summary), found)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn a_flagged_link_shows_its_lines_only_from_the_text_that_was_linted() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("a.md");
        std::fs::write(&page, "# A\n\nFirst line.\nSee [b](/b).\nLast line.\n").unwrap();
        let linter = Linter::new(Config::defaults_at(dir.path()), &[]).unwrap();
        let (targets, _) = linter.targets(std::slice::from_ref(&page), false);
        let (Read::Linted(lint), found) = linter.read(&targets[0], false) else {
            panic!("a page with a link is linted");
        };
        // The link kept only its own text between the halves.
        let link = lint.summary.links[0].dest_span.clone();
        assert!(lint.file.lines_around(link.clone(), 1, 1).is_none());
        let index = LinkIndex::new(
            linter.root(),
            &linter.config.files.extensions,
            std::iter::once(&lint.summary),
        );
        let found = linter.lint_second(&lint, found, Some(&index));
        assert_eq!(found.len(), 1, "{found:?}");
        let located = linter.locate_second(&targets[0], &lint, found.clone());
        let lines = located[0].file.lines_around(link.clone(), 1, 1).unwrap();
        assert_eq!(lines.text, "First line.\nSee [b](/b).\nLast line.\n");
        // Changed since it was linted: the finding keeps its place, without a snippet.
        std::fs::write(&page, "# A\n\nSee [c](/c).\n").unwrap();
        let located_again = linter.locate_second(&targets[0], &lint, found);
        assert!(located_again[0].file.lines_around(link, 1, 1).is_none());
        assert_eq!(located_again[0].start, located[0].start);
        assert_eq!(
            located_again[0]
                .file
                .slice(located[0].diagnostic.span.clone()),
            "/b"
        );
    }
}
