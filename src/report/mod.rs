//! Printing findings: human (miette), concise (one line each) and JSON.

mod concise;
mod human;
mod json;

use std::io::{self, Write};

use clap::ValueEnum;

use crate::diagnostic::Severity;
use crate::fix::Applicability;
use crate::workspace::{CheckOutcome, Finding};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Rich reports with the source snippet, a label under the span, help and rule id.
    Human,
    /// `path:line:col: severity[rule] message`, one line each.
    Concise,
    /// One JSON object (see the README for its fields).
    Json,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub errors: usize,
    pub warnings: usize,
}

impl Totals {
    pub fn of(findings: &[Finding]) -> Self {
        let errors = findings
            .iter()
            .filter(|f| f.diagnostic.severity == Severity::Error)
            .count();
        Totals {
            errors,
            warnings: findings.len() - errors,
        }
    }
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// `N problems (E errors, W warnings) in F files`
pub fn summary_line(outcome: &CheckOutcome) -> String {
    let totals = Totals::of(&outcome.findings);
    format!(
        "{} ({}, {}) in {}",
        plural(outcome.findings.len(), "problem"),
        plural(totals.errors, "error"),
        plural(totals.warnings, "warning"),
        plural(outcome.files, "file"),
    )
}

/// `Fixed N problems in F files; M remaining (K more fixable with --unsafe-fixes)`, or
/// `Would fix ...` when nothing was written.
pub fn fix_summary_line(outcome: &CheckOutcome, unsafe_allowed: bool, written: bool) -> String {
    let applied: usize = outcome.fixed.iter().map(|file| file.applied).sum();
    let verb = if written { "Fixed" } else { "Would fix" };
    let more_with_unsafe = outcome
        .findings
        .iter()
        .filter(|f| {
            f.diagnostic
                .fix
                .as_ref()
                .is_some_and(|fix| fix.applicability == Applicability::Unsafe)
        })
        .count();
    let hint = if unsafe_allowed || more_with_unsafe == 0 {
        String::new()
    } else {
        format!(" ({more_with_unsafe} more fixable with --unsafe-fixes)")
    };
    format!(
        "{verb} {} in {}; {} remaining{hint}",
        plural(applied, "problem"),
        plural(outcome.fixed.len(), "file"),
        outcome.findings.len(),
    )
}

/// A unified diff of every file the fixes change, for `--diff`.
pub fn write_diff(out: &mut dyn Write, outcome: &CheckOutcome) -> io::Result<()> {
    for file in &outcome.fixed {
        let diff = similar::TextDiff::from_lines(&file.original, &file.fixed);
        let unified = diff
            .unified_diff()
            .context_radius(3)
            .header(&file.path, &file.path)
            .to_string();
        out.write_all(unified.as_bytes())?;
    }
    Ok(())
}

pub fn write(
    out: &mut dyn Write,
    format: Format,
    outcome: &CheckOutcome,
    color: bool,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(out, outcome, color),
        Format::Concise => concise::write(out, outcome),
        Format::Json => json::write(out, outcome),
    }
}
