//! What fixing must keep, whatever the text: shared by the property tests
//! (`tests/hardening_properties.rs`) and the fuzz target (`fuzz/fuzz_targets/fix.rs`), which
//! include this file by path. Each check panics with the text that broke it.

use std::collections::HashMap;
use std::path::Path;

use galley_linter::diagnostic::Diagnostic;
use galley_linter::document::LineIndex;
use galley_linter::engine::Linter;
use galley_linter::fix::{apply_non_overlapping, FixMode, MAX_ROUNDS};
use galley_linter::report::{self, Format};

/// Every output format renders the findings of `text` without a panic.
pub fn check_renders(linter: &Linter, path: &Path, text: &str) {
    let outcome = linter.check_text(path, text.to_string(), None);
    for format in Format::ALL {
        let mut out = Vec::new();
        report::write(&mut out, format, &outcome, false).expect("writing to memory");
    }
}

/// Fixes `text` with every fix allowed and checks that the fixes settle (or are reported as
/// not converging), that fixing again changes nothing, that no line ending of another kind
/// appears, and that each round of fixes keeps every line its findings did not touch.
pub fn check_fix(linter: &Linter, path: &Path, text: &str) {
    let first = linter.check_text(path, text.to_string(), Some(FixMode::All));
    let not_converged = first
        .findings
        .iter()
        .any(|finding| finding.diagnostic.rule == "fix-not-converged");
    if not_converged {
        return;
    }
    let fixed = first.fixed.first().map_or(text, |file| file.texts().1);
    let again = linter.check_text(path, fixed.to_string(), Some(FixMode::All));
    assert!(
        again.fixed.is_empty(),
        "fixing twice changed {fixed:?} (fixed from {text:?})"
    );
    let before = line_endings(text);
    if before != [false; 3] {
        let after = line_endings(fixed);
        let added = (0..3).any(|kind| after[kind] && !before[kind]);
        assert!(
            !added,
            "a new kind of line ending in {fixed:?} (fixed from {text:?})"
        );
    }
    // Round by round, as the engine fixes: a later round may fix a line that only the
    // fixes before it made a finding.
    let mut round = text.to_string();
    for _ in 0..MAX_ROUNDS {
        let (found, _) = linter.lint_text(path, &round, None);
        let fixes = found.iter().filter_map(|d| d.fix.as_ref());
        let (next, applied) = apply_non_overlapping(&round, fixes);
        if applied == 0 {
            break;
        }
        let lost = untouched_lines(&found, &round, &next);
        assert!(
            lost.is_empty(),
            "untouched lines lost (line, copies): {lost:?}: {round:?} became {next:?}"
        );
        round = next;
    }
}

/// Whether `text` has `\r\n`, `\n` alone, `\r` alone.
fn line_endings(text: &str) -> [bool; 3] {
    let bytes = text.as_bytes();
    let mut kinds = [false; 3];
    for (i, &byte) in bytes.iter().enumerate() {
        match byte {
            b'\n' if i > 0 && bytes[i - 1] == b'\r' => kinds[0] = true,
            b'\n' => kinds[1] = true,
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => kinds[2] = true,
            _ => {}
        }
    }
    kinds
}

/// The lines of `text` that no finding's span or fix touches, nor sits next to, and that
/// `fixed` holds fewer times: each with how many copies are missing.
fn untouched_lines(found: &[Diagnostic], text: &str, fixed: &str) -> Vec<(String, usize)> {
    let lines = LineIndex::new(text);
    let mut touched = vec![false; lines.line_count() + 1];
    for diagnostic in found {
        let edits = diagnostic.fix.iter().flat_map(|fix| &fix.edits);
        let ranges = std::iter::once(&diagnostic.span).chain(edits.map(|edit| &edit.range));
        for range in ranges {
            let first = lines.line_of(range.start.min(text.len()));
            let last = lines.line_of(range.end.min(text.len()));
            // A fix may join or split the lines on either side.
            let from = first.saturating_sub(1);
            let to = (last + 1).min(lines.line_count() - 1);
            touched[from..=to].iter_mut().for_each(|line| *line = true);
        }
    }
    let count = |text: &str, lines: &LineIndex, only: &dyn Fn(usize) -> bool| {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for line in (0..lines.line_count()).filter(|&line| only(line)) {
            *counts
                .entry(text[lines.line_range(text, line)].to_string())
                .or_default() += 1;
        }
        counts
    };
    let kept = count(text, &lines, &|line| !touched[line]);
    let fixed_lines = LineIndex::new(fixed);
    let now = count(fixed, &fixed_lines, &|_| true);
    kept.into_iter()
        .filter_map(|(line, wanted)| {
            let has = now.get(&line).copied().unwrap_or(0);
            (has < wanted).then(|| (line, wanted - has))
        })
        .collect()
}
