use std::io::{self, Write};

use super::statistics::safely_fixable;
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

/// Each finding's line, with `[*]` before the message when `--fix` would fix it (as ruff
/// marks them), then the summary line.
pub fn write(out: &mut dyn Write, outcome: &CheckOutcome) -> io::Result<()> {
    for finding in &outcome.findings {
        let line = line(finding);
        if safely_fixable(finding) {
            let head = line.len() - finding.diagnostic.message.len();
            writeln!(out, "{}[*] {}", &line[..head], &line[head..])?;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    writeln!(out, "{}", super::summary_line(outcome))
}
