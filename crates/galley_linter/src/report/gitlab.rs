//! GitLab Code Quality: a JSON array of issues (a subset of the Code Climate format) that
//! merge requests show as new or resolved, matched by fingerprint.

use std::io::{self, Write};

use serde_json::{json, Value};

use crate::diagnostic::Severity;
use crate::finding::CheckOutcome;
use crate::identity::fingerprints;
use crate::identity::portable_path;

pub fn write(out: &mut dyn Write, outcome: &CheckOutcome) -> io::Result<()> {
    let fingerprints = fingerprints(&outcome.findings);
    let issues: Vec<Value> = outcome
        .findings
        .iter()
        .zip(fingerprints)
        .map(|(finding, fingerprint)| {
            let d = &finding.diagnostic;
            json!({
                "description": d.message,
                "check_name": d.rule,
                "fingerprint": fingerprint,
                "severity": match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                "location": {
                    "path": portable_path(finding.path()),
                    "lines": { "begin": finding.start.line, "end": finding.end.line },
                },
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
