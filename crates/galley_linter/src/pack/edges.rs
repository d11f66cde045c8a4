//! What a match of a pattern anchored at a range's start or end begins or ends with: the
//! headings and link texts that no match can begin or end as are not searched, and on a page
//! with none the rule's regex is not compiled (a tenth of a run on one page, for two rules).

use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// For a pattern that matches from the start of the text searched (`^`, `\A`) or to its end
/// (`$`, `\z`), white space aside (`^\s*`, `\s*$`): the bytes its first or last character can
/// begin or end with, when they are a short list.
#[derive(Debug)]
pub(super) struct Edges {
    first: Option<Box<[bool; 256]>>,
    last: Option<Box<[bool; 256]>>,
}

impl Edges {
    pub(super) fn of(hir: &Hir) -> Option<Edges> {
        let parts = match hir.kind() {
            HirKind::Concat(parts) => parts.as_slice(),
            _ => std::slice::from_ref(hir),
        };
        let first = edge(parts.iter(), Look::Start);
        let last = edge(parts.iter().rev(), Look::End);
        (first.is_some() || last.is_some()).then_some(Edges { first, last })
    }

    /// Whether a match may lie in `text`, searched whole: its first and last characters
    /// after white space are ones a match can begin and end with.
    pub(super) fn may_match(&self, text: &str) -> bool {
        let allowed =
            |bytes: &[bool; 256], byte: Option<&u8>| byte.is_some_and(|&b| bytes[usize::from(b)]);
        let first = text.trim_start().as_bytes().first();
        let last = text.trim_end().as_bytes().last();
        self.first
            .as_ref()
            .is_none_or(|bytes| allowed(bytes, first))
            && self.last.as_ref().is_none_or(|bytes| allowed(bytes, last))
    }
}

/// Walking `parts` in from the end `anchor` stands for: past the anchor and repeats of white
/// space, the first (or last) bytes of the next part's matches. `None` without the anchor,
/// or when that part may match nothing there or white space: the text's white space is
/// trimmed whole.
fn edge<'a>(parts: impl Iterator<Item = &'a Hir>, anchor: Look) -> Option<Box<[bool; 256]>> {
    let from_start = anchor == Look::Start;
    let mut anchored = false;
    for part in parts {
        match part.kind() {
            HirKind::Look(look) if *look == anchor => anchored = true,
            HirKind::Repetition(repeat) if repeat.min == 0 && only_white_space(&repeat.sub) => {}
            _ if anchored => {
                let kind = if from_start {
                    ExtractKind::Prefix
                } else {
                    ExtractKind::Suffix
                };
                // Two bytes tell a character from white space (`K`, the Kelvin sign that
                // `(?i)k` matches, from U+2000): longer literals multiply past the extractor's
                // limits (a case-insensitive word list) and cost more to extract.
                let literals = (Extractor::new().kind(kind).limit_literal_len(2)).extract(part);
                let mut bytes = Box::new([false; 256]);
                for literal in literals.literals()? {
                    let literal = literal.as_bytes();
                    if may_be_white_space(literal, from_start) {
                        return None;
                    }
                    let byte = if from_start {
                        literal.first()
                    } else {
                        literal.last()
                    };
                    bytes[usize::from(*byte?)] = true;
                }
                return Some(bytes);
            }
            _ => return None,
        }
    }
    None
}

/// The white space characters, `char::is_whitespace` (what `str::trim` trims), in order.
const WHITE_SPACE: [char; 25] = [
    '\t', '\n', '\u{b}', '\u{c}', '\r', ' ', '\u{85}', '\u{a0}', '\u{1680}', '\u{2000}',
    '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}',
    '\u{2009}', '\u{200a}', '\u{2028}', '\u{2029}', '\u{202f}', '\u{205f}', '\u{3000}',
];

/// Whether a match that begins (or ends) with `literal`, cut short or not, may begin (or
/// end) with white space. An empty one may.
fn may_be_white_space(literal: &[u8], from_start: bool) -> bool {
    WHITE_SPACE.iter().any(|space| {
        let mut buffer = [0; 4];
        let space = space.encode_utf8(&mut buffer).as_bytes();
        if from_start {
            literal.starts_with(space) || space.starts_with(literal)
        } else {
            literal.ends_with(space) || space.ends_with(literal)
        }
    })
}

/// Whether `hir` is a class of white space characters only, as `str::trim` trims them.
fn only_white_space(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Class(Class::Unicode(class)) => {
            (class.iter()).all(|range| (range.start()..=range.end()).all(char::is_whitespace))
        }
        HirKind::Class(Class::Bytes(class)) => (class.iter()).all(|range| {
            (range.start()..=range.end())
                .all(|byte| byte.is_ascii() && char::from(byte).is_whitespace())
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn edges(pattern: &str) -> Option<Edges> {
        Edges::of(&regex_syntax::parse(pattern).unwrap())
    }

    /// Patterns anchored at one end or both.
    const ANCHORED: &[&str] = &[
        r"(?P<before>[^.])(?P<mark>[.,:;])\s*$",
        r"(?i)^\s*(klikk her|her|les mer|click here)\s*$",
        r"^[ \t]*(?:Note|Tip):",
        r"\A\s*(?:ab|cd)",
        r"x(?:a|bc)\z",
        r"^x*ab",
    ];

    #[test]
    fn the_white_space_characters_are_every_one() {
        let every: Vec<char> = ('\0'..=char::MAX).filter(|c| c.is_whitespace()).collect();
        assert_eq!(every, WHITE_SPACE);
    }

    #[test]
    fn only_patterns_anchored_past_white_space_have_edges() {
        let heading = edges(ANCHORED[0]).unwrap();
        assert!(heading.first.is_none());
        assert!(heading.may_match("Fordeler og ulemper.\n") && heading.may_match("Steg 1:  "));
        assert!(
            !heading.may_match("Hva er en aksje?\n") && !heading.may_match("Eksempel 1: en ting")
        );
        let link = edges(ANCHORED[1]).unwrap();
        assert!(link.may_match(" Klikk HER ") && link.may_match("here"));
        assert!(!link.may_match("fusjoner og oppkjøp") && !link.may_match("her står det"));
        let letter = edges(r"(?i)ø$").unwrap();
        assert!(letter.may_match("blØ") && !letter.may_match("bla"));
        // `(?i)k` matches the Kelvin sign, whose first byte some white space shares.
        let kelvin = edges(r"(?i)^k").unwrap();
        assert!(
            kelvin.may_match("\u{212a}elvin") && kelvin.may_match(" Kr") && !kelvin.may_match("x")
        );
        // Not anchored, anchored at line ends only, an end that may be white space or empty,
        // or no short list.
        for pattern in [
            r"[.,:;]\s*",
            r"(?m)[.,:;]$",
            r"[.\s]$",
            r"[. \t]$",
            r"^x*ab",
            r"a(b|)$",
            r"\S$",
            r"^\bword",
        ] {
            assert!(edges(pattern).is_none(), "{pattern}");
        }
    }

    proptest! {
        /// A text whose edges no match can have holds no match.
        #[test]
        fn a_text_ruled_out_holds_no_match(
            pieces in prop::collection::vec(
                prop::sample::select(&[
                    " ", "\t", "\n", "\u{a0}", "\u{3000}", ".", ":", ";", "?", "x", "ø", "her",
                    "HER", "Klikk", "klikk her", "les mer", "Note", "Tip:", "ab", "cd", "bc",
                ][..]),
                0..6,
            ),
            pattern in prop::sample::select(ANCHORED),
        ) {
            let text = pieces.concat();
            let regex = regex::Regex::new(pattern).unwrap();
            if let Some(edges) = edges(pattern) {
                if !edges.may_match(&text) {
                    prop_assert!(regex.find(&text).is_none(), "{:?} matches {}", text, pattern);
                }
            }
        }
    }
}
