//! A run over many files, in two phases: every file through the first half of the pipeline
//! in parallel; then the link index over their summaries; then every linted file through the
//! second half, in parallel. Fixes, when asked for, run last, on the texts already read.

use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

use super::cache::RunCache;
use super::discover::FileTarget;
use super::fixing::Fixing;
use super::pipeline::{locate_all, FileLint};
use super::Linter;
use crate::diagnostic::Diagnostic;
use crate::finding::{io_error, sort_findings, CheckOutcome, Finding};
use crate::links::{LinkIndex, PageSummary};
use crate::source::{read_text, SourceFile};

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

impl Read {
    fn summary(&self) -> Option<&PageSummary> {
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
        self.check_with(inputs, strip_dot, fixing, progress, None)
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
        self.check_with(inputs, strip_dot, None, progress, Some(cache))
    }

    fn check_with(
        &self,
        inputs: &[PathBuf],
        strip_dot: bool,
        fixing: Option<Fixing>,
        progress: &dyn Progress,
        cache: Option<&RunCache>,
    ) -> CheckOutcome {
        let (targets, missing) = self.targets(inputs, strip_dot);
        progress.start(targets.len());
        let parallel = targets.len() >= PARALLEL_FROM;
        let first = |target: &FileTarget| {
            let read = match cache {
                Some(cache) => cache.read(self, target),
                None => {
                    let (read, found) = self.read(target);
                    (Arc::new(read), found)
                }
            };
            progress.advance();
            read
        };
        let (reads, first_found): (Vec<Arc<Read>>, Vec<Vec<Diagnostic>>) = if parallel {
            targets.par_iter().map(first).unzip()
        } else {
            targets.iter().map(first).unzip()
        };
        if let Some(cache) = cache {
            cache.keep_only(&targets);
        }
        let index = LinkIndex::new(
            &self.root,
            &self.config.files.extensions,
            reads.iter().filter_map(|read| read.summary()),
        )
        .caching_files()
        .with_site(self.site.as_ref());
        let second = |(read, found): (&Arc<Read>, Vec<Diagnostic>)| match &**read {
            Read::Linted(lint) => {
                let found = self.lint_second(lint, found, Some(&index));
                locate_all(&lint.file, found)
            }
            Read::Unreadable(error) => error.iter().cloned().collect(),
            Read::Summarised(_) => Vec::new(),
        };
        let mut findings: Vec<Vec<Finding>> = if parallel {
            reads.par_iter().zip(first_found).map(second).collect()
        } else {
            reads.iter().zip(first_found).map(second).collect()
        };
        let mut outcome = CheckOutcome {
            files: targets
                .iter()
                .filter(|target| target.lint)
                .map(|target| target.display.clone())
                .collect(),
            findings: Vec::new(),
            fixed: Vec::new(),
            rules: self.rule_metas(),
        };
        if let Some(fixing) = fixing {
            let linted = (targets.iter().zip(&reads).zip(&mut findings)).filter_map(
                |((target, read), found)| match &**read {
                    Read::Linted(lint) => Some((target, &lint.file, found)),
                    _ => None,
                },
            );
            outcome.fixed = self.fix_files(linted, &index, fixing);
        }
        outcome.findings = missing
            .into_iter()
            .chain(findings.into_iter().flatten())
            .collect();
        sort_findings(&mut outcome.findings);
        drop(index);
        // Freeing every page's summary takes a tenth of a second at 100,000 files: a worker
        // does it while the caller writes the report.
        if parallel {
            rayon::spawn(move || drop((targets, reads)));
        }
        outcome
    }

    /// The first phase for one file: read it, then the first half of the pipeline (or only
    /// its summary, for a page read for the link index).
    pub(super) fn read(&self, target: &FileTarget) -> (Read, Vec<Diagnostic>) {
        let text = match read_text(&target.path) {
            Ok(text) => text,
            Err(message) => {
                let error = target
                    .lint
                    .then(|| io_error(&SourceFile::unreadable(target.display.clone()), message));
                return (Read::Unreadable(error), Vec::new());
            }
        };
        if !target.lint {
            return (
                Read::Summarised(self.summarise_text(target, &text, false)),
                Vec::new(),
            );
        }
        let (lint, found) = self.lint_first(target, text, false);
        if lint.may_report(&found) {
            (Read::Linted(lint), found)
        } else {
            (Read::Summarised(lint.summary), found)
        }
    }
}
