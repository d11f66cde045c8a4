use std::io::{self, Write};

use crate::finding::{CheckOutcome, Finding};

/// `path:line:col: severity[rule] message`, the line other formats reuse.
pub fn line(finding: &Finding) -> String {
    let d = &finding.diagnostic;
    format!(
        "{}:{}:{}: {}[{}] {}",
        finding.path(),
        finding.start.line,
        finding.start.column,
        d.severity.as_str(),
        d.rule,
        d.message
    )
}

pub fn write(out: &mut dyn Write, outcome: &CheckOutcome) -> io::Result<()> {
    for finding in &outcome.findings {
        writeln!(out, "{}", line(finding))?;
    }
    writeln!(out, "{}", super::summary_line(outcome))
}
