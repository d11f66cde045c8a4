//! JUnit XML, as CI systems without a linter format read test results: a test case per file
//! linted, passing when the file is clean, with a `<failure>` per finding.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;

use crate::finding::{CheckOutcome, Finding};

/// Text fit for XML 1.0 content: markup escaped, and the control characters XML cannot hold
/// at all replaced.
fn escape(text: &str) -> String {
    escape_xml(text, false)
}

/// Text fit for an XML attribute value, where a raw newline would read as a space.
fn escape_attribute(text: &str) -> String {
    escape_xml(text, true)
}

fn escape_xml(text: &str, attribute: bool) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\n' if attribute => escaped.push_str("&#10;"),
            '\r' if attribute => escaped.push_str("&#13;"),
            '\t' | '\n' | '\r' => escaped.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                escaped.push('\u{fffd}')
            }
            c => escaped.push(c),
        }
    }
    escaped
}

fn failure(finding: &Finding) -> String {
    let d = &finding.diagnostic;
    let mut body = super::concise::line(finding);
    if let Some(help) = super::help_lines(d) {
        body.push('\n');
        body.push_str(&help);
    }
    format!(
        "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
        escape_attribute(d.rule),
        escape_attribute(&d.message),
        escape(&body)
    )
}

pub fn write(out: &mut dyn Write, outcome: &CheckOutcome) -> io::Result<()> {
    // Every file linted, and any path with findings that was not (a missing input).
    let mut cases: BTreeMap<Arc<str>, Vec<&Finding>> = outcome
        .files
        .iter()
        .map(|path| (path.clone(), Vec::new()))
        .collect();
    for finding in &outcome.findings {
        cases
            .entry(finding.path().clone())
            .or_default()
            .push(finding);
    }
    let failed = cases.values().filter(|found| !found.is_empty()).count();
    let counts = format!(
        "tests=\"{}\" failures=\"{failed}\" errors=\"0\"",
        cases.len()
    );
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(out, "<testsuites name=\"galley\" {counts}>")?;
    writeln!(out, "  <testsuite name=\"galley\" {counts} skipped=\"0\">")?;
    for (path, found) in &cases {
        let path = escape_attribute(path);
        let open = format!("    <testcase classname=\"galley\" name=\"{path}\" file=\"{path}\"");
        if found.is_empty() {
            writeln!(out, "{open}/>")?;
        } else {
            writeln!(out, "{open}>")?;
            for finding in found {
                out.write_all(failure(finding).as_bytes())?;
            }
            writeln!(out, "    </testcase>")?;
        }
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            escape_attribute("a<b & \"c\"\n\u{1}"),
            "a&lt;b &amp; &quot;c&quot;&#10;\u{fffd}"
        );
        assert_eq!(escape("line\nnext"), "line\nnext");
    }
}
