//! Fixes as data: edits on byte ranges, with an applicability that says whether they keep the
//! text's meaning.

use std::collections::BTreeSet;
use std::ops::Range;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps the meaning of the text; applied by `--fix`.
    Safe,
    /// May change the meaning; needs the user's explicit consent.
    Unsafe,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
}

impl Edit {
    pub fn replace(range: Range<usize>, replacement: impl Into<String>) -> Self {
        Edit {
            range,
            replacement: replacement.into(),
        }
    }

    pub fn delete(range: Range<usize>) -> Self {
        Edit::replace(range, "")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, in a few words (`keep the comma`).
    pub message: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(message: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix {
            applicability: Applicability::Safe,
            message: message.into(),
            edits,
        }
    }

    pub fn unsafe_(message: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix {
            applicability: Applicability::Unsafe,
            message: message.into(),
            edits,
        }
    }
}

/// How many rounds of fixing a file may take before galley gives up on it.
pub const MAX_ROUNDS: usize = 10;

/// How long a fixed text may grow: twice the original, plus room for a small file's fixes.
/// A fix that adds what it matches (`a` -> `aaaaaaaa`) multiplies the text each round; ten
/// rounds of that would take hours and all the memory, so such a file stops early, as one
/// that does not converge.
fn growth_limit(original: usize) -> usize {
    original.saturating_mul(2).saturating_add(4096)
}

/// Which fixes to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    SafeOnly,
    /// Safe and unsafe fixes (`--unsafe-fixes`).
    All,
}

impl FixMode {
    pub fn allows(self, applicability: Applicability) -> bool {
        self == FixMode::All || applicability == Applicability::Safe
    }
}

/// A text fixed until no allowed fix was left.
#[derive(Debug)]
pub struct Fixed<D> {
    pub text: String,
    /// Fixes applied over all rounds.
    pub applied: usize,
    /// What the last round still found in the fixed text.
    pub remaining: Vec<D>,
}

/// The rules whose fixes still applied after [`MAX_ROUNDS`] rounds.
#[derive(Debug, PartialEq, Eq)]
pub struct NotConverged {
    pub rules: Vec<&'static str>,
}

/// Applies every allowed fix whose edits overlap no edit already taken this round, and
/// returns the new text and how many fixes it applied. Overlapping fixes wait for the next
/// round, when they are computed again on the new text.
pub fn apply_non_overlapping<'f>(
    text: &str,
    fixes: impl IntoIterator<Item = &'f Fix>,
) -> (String, usize) {
    let mut fixes: Vec<&Fix> = fixes
        .into_iter()
        .filter(|fix| !fix.edits.is_empty())
        .collect();
    fixes.sort_by_key(|fix| fix.edits.iter().map(|edit| edit.range.start).min());
    let mut taken: Vec<&Edit> = Vec::new();
    let mut taken_ranges = BTreeSet::new();
    let mut applied = 0;
    for fix in fixes {
        let left_out = |edit| clashes(&taken_ranges, edit) || joins_line_breaks(text, edit);
        if !fix.edits.iter().any(left_out) {
            taken.extend(&fix.edits);
            taken_ranges.extend(
                fix.edits
                    .iter()
                    .map(|edit| (edit.range.start, edit.range.end)),
            );
            applied += 1;
        }
    }
    taken.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut fixed = String::with_capacity(text.len());
    let mut copied_to = 0;
    for edit in taken {
        fixed.push_str(&text[copied_to..edit.range.start]);
        fixed.push_str(&edit.replacement);
        copied_to = edit.range.end;
    }
    fixed.push_str(&text[copied_to..]);
    (fixed, applied)
}

/// Whether `edit` would put a lone `\r` (a classic Mac line end) right before a `\n`, making
/// one `\r\n` of two line breaks: in a file with mixed line ends, deleting the spaces of a
/// line between them loses the line. Such a fix is left out.
fn joins_line_breaks(text: &str, edit: &Edit) -> bool {
    let Range { start, end } = edit.range;
    let (before, after) = (&text[..start], &text[end..]);
    // The `\r` before the edit meets a `\n` it did not already stand before.
    let first = edit.replacement.chars().next().or(after.chars().next());
    let left = before.ends_with('\r') && first == Some('\n') && !text[start..].starts_with('\n');
    // The replacement's `\r` meets a `\n` that was no `\r\n`'s.
    let right =
        edit.replacement.ends_with('\r') && after.starts_with('\n') && !text[..end].ends_with('\r');
    left || right
}

/// Whether `edit` overlaps an edit taken (by `(start, end)`): edits overlap when their ranges
/// share a byte, or both insert at the same point. Taken edits never overlap, so in their
/// order their ends grow too: the last one starting before `edit` ends is the only one to
/// ask. Logarithmic, where asking every taken edit made a file with many fixes quadratic.
fn clashes(taken: &BTreeSet<(usize, usize)>, edit: &Edit) -> bool {
    let Range { start, end } = edit.range;
    let ends_after = |limit: usize| {
        (taken.range(..(limit, 0)).next_back()).is_some_and(|&(_, taken_end)| taken_end > start)
    };
    if start == end {
        taken.contains(&(start, start)) || ends_after(start)
    } else {
        ends_after(end)
    }
}

/// A finding that may carry a fix, whatever its shape.
pub trait Fixable {
    fn fix(&self) -> Option<&Fix>;
    fn rule(&self) -> &'static str;
}

/// Lints, applies the allowed fixes, and lints again, until no allowed fix is left; gives up
/// after [`MAX_ROUNDS`] rounds, or when the text outgrows its [`growth_limit`], naming the
/// rules whose fixes kept coming.
pub fn fix_until_stable<D: Fixable>(
    source: &str,
    mode: FixMode,
    mut lint: impl FnMut(&str) -> Vec<D>,
) -> Result<Fixed<D>, NotConverged> {
    let mut text = source.to_string();
    let mut applied = 0;
    for _ in 0..MAX_ROUNDS {
        let found = lint(&text);
        let allowed = found
            .iter()
            .filter_map(Fixable::fix)
            .filter(|fix| mode.allows(fix.applicability));
        let (next, count) = apply_non_overlapping(&text, allowed);
        if count == 0 || next == text {
            return Ok(Fixed {
                text,
                applied,
                remaining: found,
            });
        }
        if next.len() > growth_limit(source.len()) {
            break;
        }
        applied += count;
        text = next;
    }
    let mut rules: Vec<&'static str> = lint(&text)
        .iter()
        .filter(|d| d.fix().is_some_and(|fix| mode.allows(fix.applicability)))
        .map(Fixable::rule)
        .collect();
    rules.sort_unstable();
    rules.dedup();
    Err(NotConverged { rules })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(range: Range<usize>, replacement: &str) -> Fix {
        Fix::safe("test", vec![Edit::replace(range, replacement)])
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        let fixes = [
            fix(0..3, "x"),
            fix(2..5, "y"),
            fix(5..6, "z"),
            fix(6..6, "+"),
            fix(6..6, "-"),
        ];
        let (text, applied) = apply_non_overlapping("abcdefg", &fixes);
        assert_eq!((text.as_str(), applied), ("xdez+g", 3));
    }

    #[derive(Debug)]
    struct Finding(Option<Fix>);

    impl Fixable for Finding {
        fn fix(&self) -> Option<&Fix> {
            self.0.as_ref()
        }
        fn rule(&self) -> &'static str {
            "doubled"
        }
    }

    /// Finds the first doubled letter and fixes it by dropping one.
    fn doubled_letters(text: &str) -> Vec<Finding> {
        let bytes = text.as_bytes();
        (1..bytes.len())
            .find(|&i| bytes[i] == bytes[i - 1])
            .map(|i| Finding(Some(fix(i..i + 1, ""))))
            .into_iter()
            .collect()
    }

    #[test]
    fn rounds_run_until_nothing_is_left() {
        let fixed = fix_until_stable("aaab", FixMode::SafeOnly, doubled_letters).unwrap();
        assert_eq!((fixed.text.as_str(), fixed.applied), ("ab", 2));
        assert!(fixed.remaining.is_empty());
    }

    #[test]
    fn a_fix_that_never_settles_is_reported() {
        let grows = |text: &str| vec![Finding(Some(fix(text.len()..text.len(), "x")))];
        let error = fix_until_stable("a", FixMode::SafeOnly, grows).unwrap_err();
        assert_eq!(error.rules, ["doubled"]);
    }

    #[test]
    fn a_fix_that_would_join_a_lone_cr_and_an_lf_is_left_out() {
        let fixes = [fix(3..6, ""), fix(8..9, "x")];
        let (text, applied) = apply_non_overlapping("ab\r   \ncd", &fixes);
        assert_eq!((text.as_str(), applied), ("ab\r   \ncx", 1));
        let crlf = [fix(4..7, "")];
        assert_eq!(apply_non_overlapping("ab\r\n   \n", &crlf).0, "ab\r\n\n");
    }

    #[test]
    fn clashes_agree_with_asking_every_edit() {
        let overlap = |a: &Range<usize>, b: &Range<usize>| {
            (a.is_empty() && b.is_empty() && a.start == b.start)
                || (a.start < b.end && b.start < a.end)
        };
        let taken = [2..2, 2..4, 4..4, 6..9, 9..9, 9..12];
        let set: BTreeSet<(usize, usize)> = taken.iter().map(|r| (r.start, r.end)).collect();
        for start in 0..14 {
            for end in start..14 {
                let edit = Edit::delete(start..end);
                let expected = taken.iter().any(|other| overlap(&edit.range, other));
                assert_eq!(clashes(&set, &edit), expected, "{start}..{end}");
            }
        }
    }

    #[test]
    fn a_fix_that_grows_the_text_stops_in_the_first_rounds() {
        let mut rounds = 0;
        let grows = |text: &str| {
            rounds += 1;
            let every_a = text
                .match_indices('a')
                .map(|(i, _)| fix(i..i + 1, "aaaaaaaa"));
            every_a.map(Some).map(Finding).collect()
        };
        let error = fix_until_stable(&"a ".repeat(5000), FixMode::SafeOnly, grows).unwrap_err();
        assert_eq!(error.rules, ["doubled"]);
        assert!(rounds <= 3, "{rounds} rounds");
    }

    #[test]
    fn unsafe_fixes_need_consent() {
        let unsafe_fix = |_: &str| vec![Finding(Some(Fix::unsafe_("u", vec![Edit::delete(0..1)])))];
        let fixed = fix_until_stable("ab", FixMode::SafeOnly, unsafe_fix).unwrap();
        assert_eq!(fixed.text, "ab");
        assert_eq!(fixed.remaining.len(), 1);
    }
}
