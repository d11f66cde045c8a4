//! A file's budget: how large, how deeply nested and how many findings galley takes from one
//! file. A file over it gets one finding that says so, never a crash, a hang or all the
//! memory; the other files are checked as usual. (The size budget is
//! [`crate::source::MAX_FILE_BYTES`], where files are read; the frontmatter's nesting is
//! bounded by [`crate::frontmatter::MAX_DEPTH`].)

use crate::diagnostic::{Diagnostic, Severity};
use crate::finding::TOO_MANY_FINDINGS;

/// The most findings one file reports. Past it the file's remaining rules do not run and one
/// finding says so: a hostile or generated file cannot fill the memory with findings, and
/// nobody reads a hundred thousand findings of one file.
pub const MAX_FINDINGS: usize = 100_000;

/// The deepest nesting of lists and block quotes parsed. Real pages nest a handful of levels;
/// the parser's tree costs hundreds of bytes a level, so a file of nothing but markers
/// (`- - - - ...`) would take gigabytes.
pub const MAX_NESTING: usize = 1_000;

/// Cuts `diagnostics` to [`MAX_FINDINGS`] and adds the finding that says so, if it holds more;
/// whether it did.
pub fn keep_within_budget(diagnostics: &mut Vec<Diagnostic>) -> bool {
    if diagnostics.len() <= MAX_FINDINGS {
        return false;
    }
    diagnostics.truncate(MAX_FINDINGS);
    let message = format!(
        "more than {MAX_FINDINGS} findings in this file: only the first {MAX_FINDINGS} are \
         reported, and the file's other rules did not run"
    );
    diagnostics.push(Diagnostic::new(0..0, message).with_rule(TOO_MANY_FINDINGS, Severity::Error));
    true
}

/// The offset of the first line of a Markdown body that may nest deeper than [`MAX_NESTING`],
/// by a bound that
/// costs one pass over the bytes and no parse: a line can be inside no more containers than
/// the list and quote markers it starts with, plus one for every two columns it is indented
/// (a nested item's lines are indented past its parent's marker, at least two columns).
pub fn too_deep(body: &str) -> Option<usize> {
    let text = body;
    let bytes = text.as_bytes();
    let mut line_start = 0;
    while line_start < bytes.len() {
        let line_end = memchr::memchr2(b'\n', b'\r', &bytes[line_start..])
            .map_or(bytes.len(), |at| line_start + at);
        if nesting_bound(&bytes[line_start..line_end]) > MAX_NESTING {
            return Some(line_start);
        }
        line_start = line_end + 1;
    }
    None
}

/// The most containers `line` can be inside: its markers, and half its indentation columns
/// (the space that ends a marker is the marker's).
fn nesting_bound(line: &[u8]) -> usize {
    let (mut markers, mut columns) = (0, 0);
    let mut i = 0;
    while i < line.len() {
        let marker_width = match line[i] {
            b' ' => {
                columns += 1;
                0
            }
            b'\t' => {
                columns += 4;
                0
            }
            b'>' => 1,
            b'-' | b'*' | b'+' if line.get(i + 1).is_none_or(|&b| b == b' ' || b == b'\t') => 1,
            b'0'..=b'9' => {
                let digits = line[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                match line.get(i + digits) {
                    Some(b'.' | b')') => digits + 1,
                    _ => break,
                }
            }
            _ => break,
        };
        if marker_width > 0 {
            markers += 1;
            i += marker_width;
            if matches!(line.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    // A line of nothing but spaces opens nothing.
    if i == line.len() && markers == 0 {
        return 0;
    }
    markers + columns / 2
}

/// Why a body nested too deep is not linted.
pub fn too_deep_message() -> String {
    format!(
        "lists and block quotes nested deeper than {MAX_NESTING} levels: more than galley \
         lints; the file is not checked"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_counts_markers_and_indentation() {
        assert_eq!(nesting_bound(b"- > 1. * text"), 4);
        assert_eq!(nesting_bound(b">>> quote"), 3);
        assert_eq!(nesting_bound(b"      - item"), 4);
        assert_eq!(nesting_bound(b"-not a marker"), 0);
        assert_eq!(nesting_bound(b"\t> 12) x"), 4);
        assert_eq!(nesting_bound(b"2024 was a year"), 0);
        assert_eq!(nesting_bound(" ".repeat(5000).as_bytes()), 0);
    }

    #[test]
    fn only_a_line_past_the_limit_is_too_deep() {
        let fine = format!("# A\n\n{}item\n", "- ".repeat(MAX_NESTING));
        assert_eq!(too_deep(&fine), None);
        for end in ["\n", "\r\n", "\r"] {
            let deep = format!("# A{end}{end}{}item{end}", "> ".repeat(MAX_NESTING + 1));
            assert_eq!(too_deep(&deep), Some(3 + 2 * end.len()), "{end:?}");
        }
    }
}
