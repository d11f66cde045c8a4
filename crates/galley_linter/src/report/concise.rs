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
    // Told from the bytes first, as this runs twice for every finding: a control character
    // is a byte below 0x20, 0x7F, or (U+0080 to U+009F) starts with 0xC2.
    let may_hold_one = |byte: u8| (byte < 0x20 && byte != b'\t') || byte == 0x7F || byte == 0xC2;
    if !text.bytes().any(may_hold_one) || !text.contains(is_escaped) {
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

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use proptest::prelude::*;

    use super::one_line;

    proptest! {
        /// A text is escaped exactly when it holds a control character other than a tab,
        /// and what comes out holds none: the check of the bytes drops no case, C1 controls
        /// and characters that share their first byte (`©`, `°`) included.
        #[test]
        fn control_characters_and_only_they_are_escaped(
            text in "[a-zø\t\n\r\u{0}-\u{1f}\u{7f}\u{80}-\u{9f}©°§]{0,12}",
        ) {
            let escaped = one_line(&text);
            let holds_one = text.chars().any(|c| c.is_control() && c != '\t');
            prop_assert_eq!(matches!(escaped, Cow::Owned(_)), holds_one);
            prop_assert!(!escaped.chars().any(|c| c.is_control() && c != '\t'));
        }
    }
}
