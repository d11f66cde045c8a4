//! Text that is not (or not yet) on disk: `check --stdin-filename`, and an editor's buffer.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::discover::{absolute, FileTarget};
use super::pipeline::locate_all;
use super::Linter;
use crate::diagnostic::Diagnostic;
use crate::finding::{sort_findings, CheckOutcome};
use crate::fix::FixMode;
use crate::links::{LinkIndex, PageSummary};
use crate::source::read_text;

/// The content root as an editor's server reads it.
#[derive(Default)]
pub struct RootSummary {
    pub pages: Vec<(PathBuf, PageSummary)>,
    /// Content files that are not text galley can read, with why.
    pub unreadable: Vec<(PathBuf, String)>,
}

impl Linter {
    /// Lints `text` as if it were the file at `path`: the whole pipeline, with the cross-file
    /// rules when an index is given. Also returns the page's summary, links included.
    pub fn lint_text(
        &self,
        path: &Path,
        text: &str,
        index: Option<&LinkIndex>,
    ) -> (Vec<Diagnostic>, PageSummary) {
        let (found, lint) = self.lint_whole(&self.text_target(path), text.to_string(), index);
        (found, lint.summary)
    }

    /// Every content file under the content root, described for an editor (links and
    /// headings included): the pages its link index starts from, and the files that could
    /// not be read as text, with why.
    pub fn summarise_root(&self) -> RootSummary {
        let read: Vec<(PathBuf, Result<PageSummary, String>)> = (self.walk(&self.root))
            .into_par_iter()
            .map(|path| (absolute(&path), self.summarise_file(&path)))
            .collect();
        let mut summary = RootSummary::default();
        for (path, page) in read {
            match page {
                Ok(page) => summary.pages.push((path, page)),
                Err(error) => summary.unreadable.push((path, error)),
            }
        }
        summary
    }

    /// The summary of the file at `path` as it is on disk, described for an editor; the
    /// error says why it cannot be read as text (gone, not UTF-8, ...).
    pub fn summarise_file(&self, path: &Path) -> Result<PageSummary, String> {
        let text = read_text(path)?;
        let target = FileTarget {
            lint: false,
            ..self.text_target(path)
        };
        Ok(self.summarise_text(&target, &text, true))
    }

    /// `check --stdin-filename`: lints `text` as the file at `path`, against the content root
    /// as it is on disk (with `text` in that file's place). With `fixing`, the fixes are
    /// applied in rounds and the fixed text is in `fixed`; nothing is written.
    pub fn check_text(&self, path: &Path, text: String, fixing: Option<FixMode>) -> CheckOutcome {
        let target = self.text_target(path);
        let own_path = absolute(path);
        let (lint, found) = self.lint_first(&target, text, true);
        let others: Vec<PageSummary> = (self.summarise_root().pages.into_iter())
            .filter(|(path, _)| *path != own_path)
            .map(|(_, page)| page)
            .collect();
        let index = LinkIndex::new(
            &self.root,
            &self.config.files.extensions,
            others.iter().chain([&lint.summary]),
        )
        .with_site(self.site.as_ref());
        let mut outcome = CheckOutcome {
            files: vec![target.display.clone()],
            findings: Vec::new(),
            fixed: Vec::new(),
            rules: self.rule_metas(),
        };
        let file = &lint.file;
        let fixing = fixing.zip(file.text());
        match fixing.map(|(mode, text)| self.fix_text(&target, file, text, Some(&index), mode)) {
            Some(Ok((fixed, remaining))) => {
                outcome.findings = remaining;
                outcome.fixed.extend(fixed);
            }
            unfixed => {
                let found = self.lint_second(&lint, found, Some(&index));
                outcome.findings = locate_all(file, found);
                outcome
                    .findings
                    .extend(unfixed.and_then(Result::err).map(|failure| *failure));
            }
        }
        sort_findings(&mut outcome.findings);
        outcome
    }
}
