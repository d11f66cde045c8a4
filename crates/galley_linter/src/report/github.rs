//! GitHub Actions workflow commands: the runner turns each `::error` or `::warning` line into
//! an annotation on the file and lines it names.

use std::io::{self, Write};

use crate::diagnostic::Severity;
use crate::finding::CheckOutcome;
use crate::identity::portable_path;

/// A command's message, escaped as the Actions toolkit does (`escapeData`): a raw newline
/// would end the command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command property's value (`escapeProperty`): `,` and `:` also end one.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn write(out: &mut dyn Write, outcome: &CheckOutcome) -> io::Result<()> {
    for finding in &outcome.findings {
        let d = &finding.diagnostic;
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let message = match super::help_lines(d) {
            Some(help) => format!("{}\n{help}", d.message),
            None => d.message.clone(),
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&portable_path(finding.path())),
            finding.start.line,
            finding.start.column,
            finding.end.line,
            finding.end.column,
            escape_property(d.rule),
            escape_data(&message),
        )?;
    }
    // A plain line: the log shows it, the runner ignores it.
    writeln!(out, "{}", super::summary_line(outcome))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_toolkit_does() {
        assert_eq!(escape_data("50% off\r\nnext"), "50%25 off%0D%0Anext");
        assert_eq!(escape_property("a,b:c%"), "a%2Cb%3Ac%25");
    }
}
