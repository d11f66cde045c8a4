use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::Severity;
use crate::finding::{CheckOutcome, Finding};
use crate::fix::Applicability;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    summary: Summary,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: &'a str,
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: Applicability,
    message: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    replacement: &'a str,
}

fn diagnostic(finding: &Finding) -> JsonDiagnostic<'_> {
    let d = &finding.diagnostic;
    JsonDiagnostic {
        path: finding.path(),
        rule: d.rule,
        severity: d.severity,
        message: &d.message,
        line: finding.start.line,
        column: finding.start.column,
        end_line: finding.end.line,
        end_column: finding.end.column,
        fix: d.fix.as_ref().map(|fix| JsonFix {
            applicability: fix.applicability,
            message: &fix.message,
            edits: fix
                .edits
                .iter()
                .zip(&finding.edit_positions)
                .map(|(edit, (start, end))| JsonEdit {
                    line: start.line,
                    column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                    replacement: &edit.replacement,
                })
                .collect(),
        }),
    }
}

pub fn write(out: &mut dyn Write, outcome: &CheckOutcome) -> io::Result<()> {
    let totals = super::Totals::of(&outcome.findings);
    let report = Report {
        version: 1,
        summary: Summary {
            files: outcome.files.len(),
            errors: totals.errors,
            warnings: totals.warnings,
        },
        diagnostics: outcome.findings.iter().map(diagnostic).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
