//! A file's budget: how large, how deeply nested and how many findings galley takes from one
//! file. A file over it gets one finding that says so, never a crash, a hang or all the
//! memory; the other files are checked as usual. (The size budget is
//! [`crate::source::MAX_FILE_BYTES`], where files are read; the frontmatter's nesting is
//! bounded by [`crate::frontmatter::MAX_DEPTH`].)

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::LineIndex;
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

/// The offset of the first line of the Markdown body (`text` from `body_start`, its lines
/// `lines`) that may nest deeper than [`MAX_NESTING`], by a bound that costs no parse: a line
/// can be inside no more containers than the list and quote markers it starts with, plus one
/// for every two columns it is indented (a nested item's lines are indented past its parent's
/// marker, at least two columns). The lines are the document's line index's: finding them
/// again, a search a line, cost as much as the bound.
pub fn too_deep(text: &str, lines: &LineIndex, body_start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    (lines.line_of(body_start)..lines.line_count()).find_map(|line| {
        let range = lines.line_range(text, line);
        let start = range.start.max(body_start);
        (nesting_bound(&bytes[start..range.end.max(start)]) > MAX_NESTING).then_some(start)
    })
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

    fn body_too_deep(text: &str, body_start: usize) -> Option<usize> {
        too_deep(text, &LineIndex::new(text), body_start)
    }

    #[test]
    fn only_a_line_past_the_limit_is_too_deep() {
        let fine = format!("# A\n\n{}item\n", "- ".repeat(MAX_NESTING));
        assert_eq!(body_too_deep(&fine, 0), None);
        for end in ["\n", "\r\n", "\r"] {
            let deep = format!("# A{end}{end}{}item{end}", "> ".repeat(MAX_NESTING + 1));
            assert_eq!(body_too_deep(&deep, 0), Some(3 + 2 * end.len()), "{end:?}");
        }
        // The body's first line is read from where the body starts (after a BOM, say).
        let after_bom = format!("\u{feff}{}item", "> ".repeat(MAX_NESTING + 1));
        assert_eq!(body_too_deep(&after_bom, 3), Some(3));
        assert_eq!(body_too_deep(&after_bom, 0), None);
    }

    /// The body's lines split at every `\n` and `\r` (a `\r\n` leaves an empty line between):
    /// the lines the line index gives, by another way.
    fn split_at_every_break(text: &str, body_start: usize) -> Option<usize> {
        let mut start = body_start;
        for line in text[body_start..].split(['\n', '\r']) {
            if nesting_bound(line.as_bytes()) > MAX_NESTING {
                return Some(start);
            }
            start += line.len() + 1;
        }
        None
    }

    proptest::proptest! {
        #[test]
        fn the_line_index_finds_the_line_a_split_at_every_break_finds(
            lines in proptest::collection::vec(
                (
                    proptest::sample::select(vec!["> ", "- ", "  ", "\t", "1. ", "* ", "-", "x"]),
                    (MAX_NESTING - 2)..(MAX_NESTING + 3),
                    "[a-z >*.\t-]{0,6}",
                    proptest::sample::select(vec!["\n", "\r\n", "\r", "\r\r\n", "\n\r"]),
                ),
                0..6,
            ),
            bom in proptest::bool::ANY,
        ) {
            let mut text = String::from(if bom { "\u{feff}" } else { "" });
            for (marker, times, rest, end) in &lines {
                text.push_str(&marker.repeat(*times));
                text.push_str(rest);
                text.push_str(end);
            }
            let body_start = if bom { 3 } else { 0 };
            proptest::prop_assert_eq!(
                body_too_deep(&text, body_start),
                split_at_every_break(&text, body_start),
                "{:?}", text
            );
        }
    }
}
