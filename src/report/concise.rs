use std::io::{self, Write};

use crate::workspace::CheckOutcome;

pub fn write(out: &mut dyn Write, outcome: &CheckOutcome) -> io::Result<()> {
    for finding in &outcome.findings {
        let d = &finding.diagnostic;
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            finding.path,
            finding.start.line,
            finding.start.column,
            d.severity.as_str(),
            d.rule,
            d.message
        )?;
    }
    writeln!(out, "{}", super::summary_line(outcome))
}
