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
    let mut taken: Vec<&Fix> = Vec::new();
    let mut taken_ranges = BTreeSet::new();
    for fix in fixes {
        let left_out = |edit| clashes(&taken_ranges, edit) || joins_line_breaks(text, edit);
        if !fix.edits.iter().any(left_out) {
            taken.push(fix);
            taken_ranges.extend(
                fix.edits
                    .iter()
                    .map(|edit| (edit.range.start, edit.range.end)),
            );
        }
    }
    // Edits that each keep the line breaks may still join them together (one deletes the `:`
    // and another the space of `\r: \n`): the fixes that did are left out, and the rest
    // applied again. Each pass leaves out at least one fix; after a few, none is applied.
    for _ in 0..JOIN_PASSES {
        let (fixed, joining) = assemble(text, &taken);
        if joining.is_empty() {
            return (fixed, taken.len());
        }
        let mut index = 0;
        taken.retain(|_| {
            index += 1;
            joining.binary_search(&(index - 1)).is_err()
        });
    }
    (text.to_string(), 0)
}

/// Passes of [`apply_non_overlapping`] that may leave fixes out before it applies none.
const JOIN_PASSES: usize = 4;

/// `text` with the edits of `fixes` (which do not overlap) applied, and the indexes in
/// `fixes`, in order, of those whose edits made a lone `\r` meet a `\n` it was not already
/// before.
fn assemble(text: &str, fixes: &[&Fix]) -> (String, Vec<usize>) {
    let mut edits: Vec<(&Edit, usize)> = (fixes.iter().enumerate())
        .flat_map(|(owner, fix)| fix.edits.iter().map(move |edit| (edit, owner)))
        .collect();
    edits.sort_by_key(|(edit, _)| (edit.range.start, edit.range.end));
    let bytes = text.as_bytes();
    let mut fixed = String::with_capacity(text.len());
    let mut joining = Vec::new();
    // Where in `text` the last byte written stood, when it is one of `text`'s own.
    let mut last_origin: Option<usize> = None;
    // Whether `piece`, written where `text` had the byte at `at`, puts a `\n` after a `\r`
    // that was not already there.
    let joins = |fixed: &str, last_origin: Option<usize>, piece: &str, at: usize| {
        let kept =
            last_origin.is_some_and(|origin| origin + 1 == at) && bytes.get(at) == Some(&b'\n');
        fixed.ends_with('\r') && piece.starts_with('\n') && !kept
    };
    let mut copied_to = 0;
    let mut previous: Option<usize> = None;
    for (edit, owner) in edits {
        let copy = &text[copied_to..edit.range.start];
        if !copy.is_empty() {
            if joins(&fixed, last_origin, copy, copied_to) {
                joining.extend(previous);
            }
            fixed.push_str(copy);
            last_origin = Some(edit.range.start - 1);
        }
        if !edit.replacement.is_empty() {
            if joins(&fixed, last_origin, &edit.replacement, edit.range.start) {
                joining.push(owner);
            }
            fixed.push_str(&edit.replacement);
            // A `\r` replaced by a `\r` stands where it stood.
            let kept_cr =
                edit.replacement.ends_with('\r') && text[..edit.range.end].ends_with('\r');
            last_origin = kept_cr.then(|| edit.range.end - 1);
        }
        copied_to = edit.range.end;
        previous = Some(owner);
    }
    let rest = &text[copied_to..];
    if joins(&fixed, last_origin, rest, copied_to) {
        joining.extend(previous);
    }
    fixed.push_str(rest);
    joining.sort_unstable();
    joining.dedup();
    (fixed, joining)
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
    fn fixes_that_join_a_lone_cr_and_an_lf_together_are_left_out() {
        // Found by the fix fuzz target: one rule deletes the `:`, another the space.
        let text = "ab\r: \ncd";
        let fixes = [fix(3..4, ""), fix(4..5, ""), fix(7..8, "x")];
        let (fixed, applied) = apply_non_overlapping(text, &fixes);
        assert_eq!((fixed.as_str(), applied), ("ab\r \ncx", 2));
        // A `\r` the edits keep, or write where one was, before its own `\n` is no join.
        let kept = [fix(0..1, ""), fix(1..2, "")];
        assert_eq!(apply_non_overlapping("ab\r\n", &kept).0, "\r\n");
        let rewritten = [fix(1..3, "\r"), fix(3..3, "")];
        assert_eq!(
            apply_non_overlapping("ab\r\n", &rewritten),
            ("a\r\n".into(), 2)
        );
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
