//! Printing findings: human (miette), concise (one line each), JSON, and the formats CI
//! systems read: SARIF, GitHub workflow commands, GitLab Code Quality and JUnit XML.

mod concise;
mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod sarif;
pub mod statistics;

use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Severity};
use crate::finding::{CheckOutcome, Finding};
use crate::fix::Applicability;
use crate::source::Excerpt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Gitlab,
    Junit,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Human,
        Format::Concise,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Gitlab,
        Format::Junit,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Concise => "concise",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::Junit => "junit",
        }
    }

    /// One line for `--help`.
    pub fn help(self) -> &'static str {
        match self {
            Format::Human => {
                "Rich reports with the source snippet, a label under the span, help and rule id"
            }
            Format::Concise => {
                "`path:line:col: severity[rule] message`, one line each; `[*]`: `--fix` fixes it"
            }
            Format::Json => "One JSON object (see the README for its fields)",
            Format::Sarif => "SARIF 2.1.0, for GitHub code scanning and other SARIF viewers",
            Format::Github => {
                "GitHub Actions workflow commands, which the runner turns into annotations"
            }
            Format::Gitlab => "GitLab Code Quality JSON, for merge request widgets",
            Format::Junit => "JUnit XML: a test case per file, a failure per finding",
        }
    }

    /// What the report shows of a file's text: snippets (whole lines), or only the flagged
    /// text (for fingerprints and baselines).
    pub fn excerpt(self) -> Excerpt {
        match self {
            Format::Human => Excerpt::Lines,
            _ => Excerpt::Spans,
        }
    }

    /// Whether the output is one document that any extra line would corrupt, so that notes
    /// and summaries must go elsewhere.
    pub fn is_structured(self) -> bool {
        matches!(
            self,
            Format::Json | Format::Sarif | Format::Gitlab | Format::Junit
        )
    }
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

/// What is shown under a finding's message: its help, then its fix (`safe fix: keep `,``),
/// one a line.
fn help_lines(diagnostic: &Diagnostic) -> Option<String> {
    let fix = diagnostic.fix.as_ref().map(|fix| {
        let kind = match fix.applicability {
            Applicability::Safe => "safe fix",
            Applicability::Unsafe => "unsafe fix",
        };
        format!("{kind}: {}", fix.message)
    });
    match (&diagnostic.help, fix) {
        (Some(help), Some(fix)) => Some(format!("{help}\n{fix}")),
        (Some(help), None) => Some(help.clone()),
        (None, fix) => fix,
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
        plural(outcome.files.len(), "file"),
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
        let (original, fixed) = file.texts();
        let diff = similar::TextDiff::from_lines(original, fixed);
        let unified = diff
            .unified_diff()
            .context_radius(3)
            .header(file.path(), file.path())
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
        Format::Sarif => sarif::write(out, outcome),
        Format::Github => github::write(out, outcome),
        Format::Gitlab => gitlab::write(out, outcome),
        Format::Junit => junit::write(out, outcome),
    }
}
