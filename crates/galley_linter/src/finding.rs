//! A diagnostic placed in its file: what every report, baseline and fix reads. Each finding
//! holds its file's text (shared), so nothing after the lint goes back to the disk.

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::LineCol;
use crate::fix::{Fix, Fixable, MAX_ROUNDS};
use crate::rule::RuleMeta;
use crate::source::SourceFile;

/// The id of findings about files that cannot be read as text (or written back); always an
/// error.
pub const IO_ERROR: &str = "io-error";

/// The id of findings about files whose fixes did not settle; always an error.
pub const FIX_NOT_CONVERGED: &str = "fix-not-converged";

/// The id of the finding about a file that reported more than galley reports of one file
/// ([`crate::budget::MAX_FINDINGS`]); always an error.
pub const TOO_MANY_FINDINGS: &str = "too-many-findings";

/// A diagnostic placed in its file, with lines and columns for every span it holds.
#[derive(Debug, Clone)]
pub struct Finding {
    pub file: Arc<SourceFile>,
    pub diagnostic: Diagnostic,
    pub start: LineCol,
    pub end: LineCol,
    /// The start and end of each fix edit, in the fix's order.
    pub edit_positions: Vec<(LineCol, LineCol)>,
}

impl Finding {
    /// Places `diagnostic` in `file`, with `position` turning its offsets into lines and
    /// columns (a document counts on from its last position, which is faster in order).
    pub fn locate(
        file: &Arc<SourceFile>,
        diagnostic: Diagnostic,
        position: impl Fn(usize) -> LineCol,
    ) -> Self {
        let edit_positions = diagnostic
            .fix
            .iter()
            .flat_map(|fix| &fix.edits)
            .map(|edit| (position(edit.range.start), position(edit.range.end)))
            .collect();
        Finding {
            file: file.clone(),
            start: position(diagnostic.span.start),
            end: position(diagnostic.span.end),
            diagnostic,
            edit_positions,
        }
    }

    /// Places `diagnostic` by the file's own line index.
    pub fn new(file: &Arc<SourceFile>, diagnostic: Diagnostic) -> Self {
        Self::locate(file, diagnostic, |offset| file.line_col(offset))
    }

    /// The path as shown to the user.
    pub fn path(&self) -> &Arc<str> {
        &self.file.path
    }

    /// The text the finding flags; empty where its span is empty.
    pub fn flagged_text(&self) -> &str {
        self.file.slice(self.diagnostic.span.clone())
    }
}

impl Fixable for Diagnostic {
    fn fix(&self) -> Option<&Fix> {
        self.fix.as_ref()
    }

    fn rule(&self) -> &'static str {
        self.rule
    }
}

/// What a run found, over every file it linted.
pub struct CheckOutcome {
    /// The files linted, by path as shown (not those only read for the link index).
    pub files: Vec<Arc<str>>,
    /// What is left to report (after fixing, when fixes were asked for).
    pub findings: Vec<Finding>,
    /// The files that fixes changed, by path.
    pub fixed: Vec<FixedFile>,
    /// Every rule that could run, by id, for reports that describe them (SARIF).
    pub rules: Vec<&'static RuleMeta>,
}

impl CheckOutcome {
    /// This run's outcome and `other`'s, as one: their files, their findings in order, and
    /// every rule either could run.
    pub fn merge(&mut self, other: CheckOutcome) {
        self.files.extend(other.files);
        self.findings.extend(other.findings);
        sort_findings(&mut self.findings);
        self.fixed.extend(other.fixed);
        for rule in other.rules {
            if !self.rules.iter().any(|known| known.id == rule.id) {
                self.rules.push(rule);
            }
        }
    }
}

/// A file whose text the fixes changed (or would change, with `--diff`).
#[derive(Debug)]
pub struct FixedFile {
    pub original: Arc<SourceFile>,
    pub fixed: Arc<SourceFile>,
    pub applied: usize,
}

impl FixedFile {
    pub fn path(&self) -> &Arc<str> {
        &self.original.path
    }

    /// The text as read and as fixed: fixes run only on whole texts.
    pub fn texts(&self) -> (&str, &str) {
        (
            self.original.text().unwrap_or_default(),
            self.fixed.text().unwrap_or_default(),
        )
    }
}

const FIRST_POSITION: LineCol = LineCol { line: 1, column: 1 };

/// A finding about the whole file, at its start, always an error.
fn file_error(file: &Arc<SourceFile>, rule: &'static str, message: String) -> Finding {
    let diagnostic = Diagnostic::new(0..0, message).with_rule(rule, Severity::Error);
    Finding::locate(file, diagnostic, |_| FIRST_POSITION)
}

pub fn io_error(file: &Arc<SourceFile>, message: String) -> Finding {
    file_error(file, IO_ERROR, message)
}

pub fn not_converged(file: &Arc<SourceFile>, rules: &[&str]) -> Finding {
    let message = format!(
        "fixes of {} did not settle after {MAX_ROUNDS} rounds; the file was left as it was",
        rules
            .iter()
            .map(|rule| format!("`{rule}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    file_error(file, FIX_NOT_CONVERGED, message)
}

/// By path, line, column and rule, so that two runs print the same bytes.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (
            a.path(),
            a.start,
            a.diagnostic.rule,
            a.end,
            &a.diagnostic.message,
        )
            .cmp(&(
                b.path(),
                b.start,
                b.diagnostic.rule,
                b.end,
                &b.diagnostic.message,
            ))
    });
}
