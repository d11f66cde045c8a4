//! SARIF 2.1.0 (the OASIS standard GitHub code scanning reads): one run, every rule with its
//! docs and default level, a result per finding with its place and fix.

use std::io::{self, Write};

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde::{Serialize, Serializer};
use serde_json::{json, Value};

use crate::diagnostic::Severity;
use crate::document::LineCol;
use crate::finding::{CheckOutcome, Finding, FIX_NOT_CONVERGED, IO_ERROR, TOO_MANY_FINDINGS};
use crate::identity::fingerprints;
use crate::identity::portable_path;
use crate::rule::RuleMeta;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Characters a URI path may not hold as they are (`:` would read as a scheme in a relative
/// path's first segment); non-ASCII is always encoded.
const NOT_IN_URI_PATHS: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b':')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A file path as a URI reference: relative paths stay relative (GitHub resolves them from
/// the repository root), absolute ones become `file://` URIs.
fn uri(path: &str) -> String {
    let path = portable_path(path);
    let encoded = utf8_percent_encode(&path, NOT_IN_URI_PATHS).to_string();
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// SARIF columns are 1-based and the end column is just past the region, as ours are.
fn region(start: LineCol, end: LineCol) -> Value {
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

/// Findings the engine itself makes, with no rule behind them.
const ENGINE_FINDINGS: [(&str, &str); 3] = [
    (
        IO_ERROR,
        "files that cannot be read as text (missing, unreadable, binary, not UTF-8) or written back",
    ),
    (
        FIX_NOT_CONVERGED,
        "files whose fixes did not settle after several rounds",
    ),
    (
        TOO_MANY_FINDINGS,
        "files with more findings than galley reports of one file",
    ),
];

/// Every rule that could run, then the engine's own findings, in the order results'
/// `ruleIndex` counts.
fn rule_descriptors(rules: &[&RuleMeta]) -> Vec<Value> {
    let mut descriptors: Vec<Value> = rules
        .iter()
        .map(|meta| {
            let docs = meta.docs_text();
            let docs = docs.trim_end_matches('\n');
            json!({
                "id": meta.id,
                "shortDescription": { "text": meta.summary },
                "fullDescription": { "text": meta.summary },
                "help": { "text": docs, "markdown": docs },
                "defaultConfiguration": { "level": level(meta.default_severity) },
            })
        })
        .collect();
    descriptors.extend(ENGINE_FINDINGS.iter().map(|(id, summary)| {
        json!({
            "id": id,
            "shortDescription": { "text": summary },
            "fullDescription": { "text": summary },
            "defaultConfiguration": { "level": "error" },
        })
    }));
    descriptors
}

fn result(finding: &Finding, rule_index: Option<usize>, fingerprint: &str) -> Value {
    let d = &finding.diagnostic;
    let location = json!({ "uri": uri(finding.path()) });
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message = format!("{message}\n{help}");
    }
    let mut result = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": location,
                "region": region(finding.start, finding.end),
            }
        }],
        "partialFingerprints": { "galley/v1": fingerprint },
    });
    if let Some(index) = rule_index {
        result["ruleIndex"] = json!(index);
    }
    if let Some(fix) = &d.fix {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .zip(&finding.edit_positions)
            .map(|(edit, &(start, end))| {
                json!({
                    "deletedRegion": region(start, end),
                    "insertedContent": { "text": edit.replacement },
                })
            })
            .collect();
        result["fixes"] = json!([{
            "description": { "text": fix.message },
            "artifactChanges": [{ "artifactLocation": location, "replacements": replacements }],
            "properties": { "applicability": fix.applicability },
        }]);
    }
    result
}

/// The log, its fields in the order `json!` objects keep (sorted), so that only one result is
/// built at a time: a log built whole took 150 MB for a hundred thousand pages.
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    column_kind: &'static str,
    results: Results<'a>,
    tool: Value,
}

/// The results, each built as it is written.
struct Results<'a> {
    findings: &'a [Finding],
    rules: &'a [Value],
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let rule_index = |id: &str| self.rules.iter().position(|rule| rule["id"] == id);
        let fingerprints = fingerprints(self.findings);
        serializer.collect_seq(self.findings.iter().zip(&fingerprints).map(
            |(finding, fingerprint)| {
                result(finding, rule_index(finding.diagnostic.rule), fingerprint)
            },
        ))
    }
}

pub fn write(out: &mut dyn Write, outcome: &CheckOutcome) -> io::Result<()> {
    let rules = rule_descriptors(&outcome.rules);
    let log = Log {
        schema: SCHEMA,
        runs: [Run {
            column_kind: "unicodeCodePoints",
            results: Results {
                findings: &outcome.findings,
                rules: &rules,
            },
            tool: json!({
                "driver": {
                    "name": "galley",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            }),
        }],
        version: "2.1.0",
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("seeds/aksje.md"), "seeds/aksje.md");
        assert_eq!(uri("a b/ø#1.md"), "a%20b/%C3%B8%231.md");
        assert_eq!(uri("/tmp/x.md"), "file:///tmp/x.md");
        assert_eq!(uri(r"docs\a.md"), "docs/a.md");
        assert_eq!(uri("./docs/a.md"), "docs/a.md");
        assert_eq!(uri("del:1.md"), "del%3A1.md");
    }
}
