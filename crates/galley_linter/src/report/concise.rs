use std::borrow::Cow;
use std::io::{self, Write};

use super::statistics::safely_fixable;
use crate::finding::{CheckOutcome, Finding};

/// `path:line:col: severity[rule] message`, the line other formats reuse. One line each:
/// a line break or other control character in a file name or message is escaped (`\n`).
pub fn line(finding: &Finding) -> String {
    let d = &finding.diagnostic;
    format!(
        "{}:{}:{}: {}[{}] {}",
        one_line(finding.path()),
        finding.start.line,
        finding.start.column,
        d.severity.as_str(),
        d.rule,
        one_line(&d.message)
    )
}

fn one_line(text: &str) -> Cow<'_, str> {
    let is_escaped = |c: char| c.is_control() && c != '\t';
    if !text.contains(is_escaped) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_escaped(c) {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

/// Each finding's line, with `[*]` before the message when `--fix` would fix it (as ruff
/// marks them), then the summary line.
pub fn write(out: &mut dyn Write, outcome: &CheckOutcome) -> io::Result<()> {
    for finding in &outcome.findings {
        let line = line(finding);
        if safely_fixable(finding) {
            let head = line.len() - one_line(&finding.diagnostic.message).len();
            writeln!(out, "{}[*] {}", &line[..head], &line[head..])?;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    writeln!(out, "{}", super::summary_line(outcome))
}
