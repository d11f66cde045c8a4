//! The candidate search: which scope ranges of a file may hold a match, found in one pass.

use std::fmt;
use std::ops::Range;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use regex_automata::dfa::{dense, Automaton};
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson::{self, WhichCaptures, NFA};
use regex_automata::util::pool::Pool;
use regex_automata::{meta, HalfMatch, Input, MatchError};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Class, Hir, HirKind, Look, Repetition};
use regex_syntax::ParserBuilder;

use super::compiled::RuleRegex;
use super::edges::Edges;
use super::{Matcher, PackRule, Scope};
use crate::document::Document;

/// A rule's regex, with (for prose and raw scopes) a twin that finds in one search of the whole
/// file where the regex may match. The twin is the regex without its look-around assertions
/// (`^`, `$`, `\b`), so every match of the regex in a scope range is a match of the twin at the
/// same place in the file: ranges that end before the twin's next match hold none, and are
/// never searched one by one.
/// Most files have no match at all, and most scopes are many short ranges.
#[derive(Debug)]
pub(super) struct Pattern {
    pub(super) regex: RuleRegex,
    syntax: Arc<PatternSyntax>,
    /// The twin's automaton, for a search the pattern makes alone; built on first use.
    locator: OnceLock<Option<Locator>>,
}

/// What the regex parser tells of a pattern, worked out on first use: a run that reaches no
/// rule (one replayed from the cache) parses none of the pack's patterns.
#[derive(Debug)]
pub(super) struct PatternSyntax {
    pattern: String,
    ignore_case: bool,
    /// The rule's scope covers most of a file in long ranges. Sparse scopes (headings, link
    /// texts, one frontmatter value) are cheaper to search range by range than to search the
    /// whole file between them.
    dense: bool,
    parsed: OnceLock<Parsed>,
}

#[derive(Debug)]
struct Parsed {
    /// The pattern as the regex parser reads it; `None` when it does not parse (never in a
    /// loaded pack, whose regexes compile).
    hir: Option<Hir>,
    /// Whether the pattern has a twin: not in sparse scopes, nor when the twin could match
    /// the empty string, and so everywhere. Told without building the twin, whose fewest
    /// bytes are the pattern's (an assertion and the empty regex both take none).
    has_twin: bool,
    /// The fewest bytes a match takes: a shorter range is never searched, and a regex that
    /// only such ranges reach is never compiled (a frontmatter value under a length limit).
    minimum_len: usize,
    /// For a pattern whose every match stays within a line and ends at the line's end (see
    /// [`line_ends`]), the bytes a match can end with.
    line_ends: Option<Box<[bool; 256]>>,
    /// For a pattern anchored at the start or end of the text searched, what its matches
    /// begin or end with.
    edges: Option<Edges>,
}

impl PatternSyntax {
    fn parsed(&self) -> &Parsed {
        self.parsed.get_or_init(|| {
            let parsed = ParserBuilder::new()
                .case_insensitive(self.ignore_case)
                .build()
                .parse(&self.pattern)
                .ok();
            let minimum_len = parsed
                .as_ref()
                .and_then(|hir| hir.properties().minimum_len())
                .unwrap_or(0);
            let has_twin = self.dense
                && (parsed.as_ref())
                    .and_then(|hir| hir.properties().minimum_len())
                    .is_some_and(|len| len > 0);
            let line_ends = parsed.as_ref().and_then(line_ends);
            let edges = parsed.as_ref().and_then(Edges::of);
            Parsed {
                hir: parsed,
                has_twin,
                minimum_len,
                line_ends,
                edges,
            }
        })
    }

    fn has_twin(&self) -> bool {
        self.parsed().has_twin
    }

    /// The twin, built for an automaton: once for a pattern, once for a pack.
    fn twin(&self) -> Option<Hir> {
        let parsed = self.parsed();
        (parsed.hir.as_ref())
            .filter(|_| parsed.has_twin)
            .map(|hir| without_look_around(hir.clone()))
    }
}

impl Pattern {
    pub(super) fn new(regex: RuleRegex, ignore_case: bool, dense: bool) -> Self {
        let syntax = PatternSyntax {
            pattern: regex.pattern().to_string(),
            ignore_case,
            dense,
            parsed: OnceLock::new(),
        };
        Pattern {
            regex,
            syntax: Arc::new(syntax),
            locator: OnceLock::new(),
        }
    }

    /// The rule's regex, compiled on first use.
    pub(super) fn regex(&self) -> &meta::Regex {
        self.regex.compiled_from(self.syntax.parsed().hir.as_ref())
    }

    /// The pattern's own automaton, when it has a twin.
    pub(super) fn locator(&self) -> Option<&Locator> {
        self.locator
            .get_or_init(|| {
                (self.syntax.twin()).and_then(|hir| locator(std::slice::from_ref(&hir)))
            })
            .as_ref()
    }

    /// Calls `search` on each of `ranges` (in order, sorted and apart) that may hold a match.
    pub(super) fn for_each_candidate(
        &self,
        source: &str,
        ranges: &[Range<usize>],
        mut search: impl FnMut(&Range<usize>),
    ) {
        match self.locator() {
            Some(locator) => candidates(locator, source, ranges, |i| search(&ranges[i])),
            None => ranges.iter().for_each(search),
        }
    }
}

/// One automaton for the twins of several patterns, a DFA that runs forward only. It
/// tells where the earliest match ends, which is all a candidate search needs, so the twins
/// are compiled once, not a second time reversed to find where matches start as a regex
/// would (a one-page run: 10.1 M instructions with a regex, 7.7 M without), and a search
/// stops at the first match it meets. No literal prefilter: working one out of the default
/// pack's case-insensitive word lists costs 2.5 M instructions, and a cold run of 10,000 pages
/// is no slower without it (most twins start with a class such as `\S`). A pack of nothing
/// but word lists loses about 5% of such a run (BENCHMARKS.md). Lazy, but for the default
/// pack's shared search, built whole ahead of time.
pub(super) enum Locator {
    /// Determinized as the files searched need it.
    Lazy {
        dfa: Arc<DFA>,
        /// A search's scratch space, one per thread searching at once.
        caches: Pool<Cache, MakeCache>,
    },
    /// Determinized whole when the default pack was last changed (see [`super::prebuilt`]).
    Prebuilt(Box<dense::DFA<&'static [u32]>>),
}

type MakeCache = Box<dyn Fn() -> Cache + Send + Sync + UnwindSafe + RefUnwindSafe>;

impl fmt::Debug for Locator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Locator::Lazy { .. } => "Lazy",
            Locator::Prebuilt(_) => "Prebuilt",
        };
        f.debug_struct(kind).finish_non_exhaustive()
    }
}

/// The twins as one automaton's patterns, without captures: a candidate search needs only
/// where a match ends.
pub(super) fn twins_nfa(twins: &[Hir]) -> Option<NFA> {
    thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
                .which_captures(WhichCaptures::None),
        )
        .build_many_from_hir(twins)
        .ok()
}

fn locator(twins: &[Hir]) -> Option<Locator> {
    // As a regex's lazy DFA does: one whose cache is cleared over and over for few bytes
    // searched (text made to build a state a byte) gives up, rather than go on slowly.
    let config = DFA::config()
        .minimum_cache_clear_count(Some(3))
        .minimum_bytes_per_state(Some(10));
    let dfa = DFA::builder()
        .configure(config)
        .build_from_nfa(twins_nfa(twins)?)
        .ok()?;
    let dfa = Arc::new(dfa);
    let for_caches = dfa.clone();
    Some(Locator::Lazy {
        dfa,
        caches: Pool::new(Box::new(move || for_caches.create_cache())),
    })
}

/// Calls `visit` with the index of each of `ranges` (sorted and apart) that may hold a match
/// of `locator`'s, searching the text once from range to range.
fn candidates(locator: &Locator, source: &str, ranges: &[Range<usize>], visit: impl FnMut(usize)) {
    match locator {
        Locator::Lazy { dfa, caches } => {
            let mut cache = caches.get();
            walk_ranges(source, ranges, visit, |input| {
                dfa.try_search_fwd(&mut cache, input)
            });
        }
        Locator::Prebuilt(dfa) => {
            walk_ranges(source, ranges, visit, |input| dfa.try_search_fwd(input));
        }
    }
}

/// [`candidates`], with `search` finding the earliest end of a match in its input.
fn walk_ranges(
    source: &str,
    ranges: &[Range<usize>],
    mut visit: impl FnMut(usize),
    mut search: impl FnMut(&Input) -> Result<Option<HalfMatch>, MatchError>,
) {
    let mut next = 0;
    while let (Some(first), Some(last)) = (ranges.get(next), ranges.last()) {
        let input = Input::new(source)
            .span(first.start..last.end)
            .earliest(true);
        let end = match search(&input) {
            Ok(Some(found)) => found.offset(),
            Ok(None) => return,
            // A lazy DFA gave up (a prebuilt one never does): any range left may hold a match,
            // each searched alone.
            Err(_) => return (next..ranges.len()).for_each(visit),
        };
        // No match ends before `end`, so no range that ends before it holds one; the range
        // that holds the match's last byte may (a match that ends in a gap is no range's).
        next += ranges[next..].partition_point(|range| range.end < end);
        match ranges.get(next) {
            Some(range) if range.start < end => {
                visit(next);
                next += 1;
            }
            Some(_) => {}
            None => return,
        }
    }
}

/// The twins of every pattern of a pack's prose rules in one automaton: one search of a file
/// finds the prose ranges where any of these rules may match, instead of one search per rule.
/// The first of the rules to run on a file works them out and leaves them in the file's
/// [`Document`] for the others. A rule with a pattern that has no twin searches alone.
#[derive(Debug)]
pub(super) struct SharedLocator {
    /// Tells this pack's ranges from another pack's in a document.
    id: usize,
    /// The patterns of each prose rule.
    rules: Vec<Vec<Arc<PatternSyntax>>>,
    /// Built on first use, from the twins of the rules whose patterns all have one.
    regex: OnceLock<Option<Locator>>,
}

impl SharedLocator {
    /// Shared by the prose rules of `rules`, when there are two or more.
    pub(super) fn share(rules: &mut [PackRule]) {
        static NEXT_ID: AtomicUsize = AtomicUsize::new(0);
        let sharing: Vec<usize> = (0..rules.len())
            .filter(|&i| rules[i].scope == Scope::Prose)
            .collect();
        if sharing.len() < 2 {
            return;
        }
        let shared = Arc::new(SharedLocator {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            rules: (sharing.iter())
                .map(|&i| {
                    rules[i]
                        .patterns()
                        .iter()
                        .map(|p| p.syntax.clone())
                        .collect()
                })
                .collect(),
            regex: OnceLock::new(),
        });
        for i in sharing {
            rules[i].shared = Some(shared.clone());
        }
    }

    /// The sharing rules' patterns, as [`super::prebuilt`] records those it was built from.
    pub(super) fn sources(&self) -> String {
        let rules: Vec<Vec<(&str, bool)>> = (self.rules.iter())
            .map(|patterns| {
                (patterns.iter())
                    .map(|p| (p.pattern.as_str(), p.ignore_case))
                    .collect()
            })
            .collect();
        serde_json::to_string(&rules).expect("strings and booleans are JSON")
    }

    /// The twins of the rules whose patterns all have one.
    pub(super) fn twins(&self) -> Vec<Hir> {
        (self.rules.iter())
            .filter_map(|patterns| twins(patterns.iter().map(|p| &**p)))
            .flatten()
            .collect()
    }

    /// The indices of the prose ranges of `doc` where one of the sharing rules may match;
    /// `None` when the automaton could not be built (over its size limit).
    fn candidates(&self, doc: &Document) -> Option<Arc<[usize]>> {
        let regex = self.regex.get_or_init(|| {
            super::prebuilt::prose_locator(&self.sources())
                .map(|dfa| Locator::Prebuilt(Box::new(dfa)))
                .or_else(|| locator(&self.twins()))
        });
        let regex = regex.as_ref()?;
        Some(doc.pack_candidates(self.id, || {
            let mut found = Vec::new();
            candidates(regex, doc.source, &doc.prose().ranges, |i| found.push(i));
            found
        }))
    }
}

/// The bytes a match of `hir` can end with, when every match lies within one line (no line
/// break matched, no `\A` or `\z`) and ends at the line's end (a multi-line `$`): a file's
/// lines that end with none of them hold no match, and each line may be searched alone, as
/// its own text, with the same matches. `None` for any other pattern, and when the last bytes
/// are not a short list (`\S$`).
fn line_ends(hir: &Hir) -> Option<Box<[bool; 256]>> {
    let properties = hir.properties();
    let suffix = properties.look_set_suffix();
    let at_line_end = suffix.contains(Look::EndLF) || suffix.contains(Look::EndCRLF);
    let whole_text =
        properties.look_set().contains(Look::Start) || properties.look_set().contains(Look::End);
    if !at_line_end || whole_text || properties.minimum_len().is_none_or(|len| len == 0) {
        return None;
    }
    if matches_a_line_break(hir) {
        return None;
    }
    let suffixes = Extractor::new().kind(ExtractKind::Suffix).extract(hir);
    let mut ends = Box::new([false; 256]);
    for literal in suffixes.literals()? {
        ends[usize::from(*literal.as_bytes().last()?)] = true;
    }
    Some(ends)
}

/// Whether `hir` can match a `\n` or a `\r`.
fn matches_a_line_break(hir: &Hir) -> bool {
    let breaks = |bytes: &[u8]| bytes.contains(&b'\n') || bytes.contains(&b'\r');
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(literal) => breaks(&literal.0),
        HirKind::Class(Class::Unicode(class)) => (class.iter()).any(|range| {
            ['\n', '\r']
                .iter()
                .any(|c| (range.start()..=range.end()).contains(c))
        }),
        HirKind::Class(Class::Bytes(class)) => (class.iter()).any(|range| {
            [b'\n', b'\r']
                .iter()
                .any(|b| (range.start()..=range.end()).contains(b))
        }),
        HirKind::Capture(capture) => matches_a_line_break(&capture.sub),
        HirKind::Repetition(repetition) => matches_a_line_break(&repetition.sub),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => {
            parts.iter().any(matches_a_line_break)
        }
    }
}

/// Calls `visit` with each line of `source` (without its `\n`) that ends, or holds a `\r`
/// that follows, one of the `ends` bytes: where a match of a pattern [`line_ends`] gave
/// them can end. One pass over the line breaks.
fn line_candidates(source: &str, ends: &[bool; 256], mut visit: impl FnMut(&Range<usize>)) {
    let bytes = source.as_bytes();
    let ends_a_match = |at: usize| at > 0 && ends[usize::from(bytes[at - 1])];
    let (mut line_start, mut visited_to) = (0, None);
    let breaks = memchr::memchr2_iter(b'\n', b'\r', bytes).chain([bytes.len()]);
    for at in breaks {
        if visited_to.is_none_or(|end| at > end) && ends_a_match(at) {
            let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |after| at + after);
            visit(&(line_start..end));
            visited_to = Some(end);
        }
        if bytes.get(at) == Some(&b'\n') {
            line_start = at + 1;
        }
    }
}

/// The twins of all `patterns`, if every one has a twin.
fn twins<'p>(mut patterns: impl Iterator<Item = &'p PatternSyntax>) -> Option<Vec<Hir>> {
    patterns.try_fold(Vec::new(), |mut twins, pattern| {
        twins.push(pattern.twin()?);
        Some(twins)
    })
}

/// `hir` with every look-around assertion replaced by the empty regex, which matches wherever
/// the assertion would and elsewhere too.
fn without_look_around(hir: Hir) -> Hir {
    match hir.into_kind() {
        HirKind::Look(_) | HirKind::Empty => Hir::empty(),
        HirKind::Literal(literal) => Hir::literal(literal.0),
        HirKind::Class(class) => Hir::class(class),
        HirKind::Capture(capture) => without_look_around(*capture.sub),
        HirKind::Repetition(repetition) => Hir::repetition(Repetition {
            sub: Box::new(without_look_around(*repetition.sub)),
            ..repetition
        }),
        HirKind::Concat(parts) => Hir::concat(parts.into_iter().map(without_look_around).collect()),
        HirKind::Alternation(parts) => {
            Hir::alternation(parts.into_iter().map(without_look_around).collect())
        }
    }
}

/// The compiled size a rule's regex may take, generous for word lists.
pub(super) const REGEX_SIZE_LIMIT: usize = 1 << 22;

impl PackRule {
    fn patterns(&self) -> &[Pattern] {
        match &self.matcher {
            Matcher::Pattern { patterns, .. } => patterns,
            Matcher::Words { regex, .. } => std::slice::from_ref(regex),
            Matcher::Frontmatter { .. } => &[],
        }
    }

    /// Whether the rule's candidates come from its pack's shared search: every pattern of it
    /// has a twin there.
    fn shares_search(&self) -> bool {
        self.patterns()
            .iter()
            .all(|pattern| pattern.syntax.has_twin())
    }

    /// Calls `search` on each scope range that may hold a match of `pattern`.
    pub(super) fn for_each_candidate(
        &self,
        doc: &Document,
        ranges: &[Range<usize>],
        pattern: &Pattern,
        mut search: impl FnMut(&Range<usize>),
    ) {
        let Parsed {
            minimum_len, edges, ..
        } = pattern.syntax.parsed();
        let mut search = |range: &Range<usize>| {
            let may_match =
                || (edges.as_ref()).is_none_or(|e| e.may_match(&doc.source[range.clone()]));
            if range.len() >= *minimum_len && may_match() {
                search(range);
            }
        };
        // The whole file, for a pattern that matches at line ends: only the lines that end
        // as a match can.
        let whole_file = matches!(ranges, [only] if *only == (0..doc.source.len()));
        if let Some(ends) = (pattern.syntax.parsed().line_ends.as_deref()).filter(|_| whole_file) {
            return line_candidates(doc.source, ends, search);
        }
        let shared = (self.shared.as_ref())
            .filter(|_| self.shares_search())
            .and_then(|shared| shared.candidates(doc));
        match shared {
            Some(candidates) => candidates.iter().for_each(|&i| search(&ranges[i])),
            None => pattern.for_each_candidate(doc.source, ranges, search),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn hir(pattern: &str) -> Hir {
        regex_syntax::parse(pattern).unwrap()
    }

    /// Patterns that end at a line's end and match within one line.
    const AT_LINE_ENDS: &[&str] = &[
        r"(?mR)[ \t]+$",
        r"(?m)[ \t]+$",
        r"(?m)[.!]$",
        r"(?mR)a\b$",
        r"(?m)(?:^|x)[ \t]+$",
        r"(?mR)(?i)ab?$",
    ];

    #[test]
    fn only_patterns_that_end_at_line_ends_within_a_line_are_searched_by_line() {
        for pattern in AT_LINE_ENDS {
            assert!(line_ends(&hir(pattern)).is_some(), "{pattern}");
        }
        // A line break matched, the end of the text, no short list of last bytes, or a match
        // that may be empty.
        for pattern in [
            r"(?m)\s+$",
            r"[ \t]+$",
            r"(?m)\S$",
            r"(?m)[ \t]*$",
            r"(?m)a$|b",
        ] {
            assert!(line_ends(&hir(pattern)).is_none(), "{pattern}");
        }
    }

    proptest! {
        /// Whether a pattern has a twin, told from the pattern, is what building the twin
        /// tells: the twin takes as few bytes as the pattern.
        #[test]
        fn a_twin_is_told_without_building_it(
            parts in prop::collection::vec(
                prop::sample::select(&[
                    "a", "é", r"\b", r"\B", "^", "$", "(?m)$", "(?m)^", r"\A", r"\z", "(a|)",
                    "a*", "(?:^|b)", "[a&&b]", "x?", "(?i)ø", r"\s+", "(?:$|c)+", "()",
                ][..]),
                1..6,
            ),
            alternate in any::<bool>(),
        ) {
            let pattern = parts.join(if alternate { "|" } else { "" });
            let syntax = PatternSyntax {
                pattern: pattern.clone(),
                ignore_case: false,
                dense: true,
                parsed: OnceLock::new(),
            };
            let built = without_look_around(hir(&pattern));
            let has = built.properties().minimum_len().is_some_and(|len| len > 0);
            prop_assert_eq!(syntax.has_twin(), has, "{}", pattern);
            prop_assert_eq!(syntax.twin().is_some(), has, "{}", pattern);
        }

        /// Searched line by line, the candidate lines give every match a search of the whole
        /// text gives, at the same places.
        #[test]
        fn the_candidate_lines_hold_every_match(
            text in "[ \ta.!x\r\n]{0,40}",
            pattern in prop::sample::select(AT_LINE_ENDS),
        ) {
            let regex = regex::Regex::new(pattern).unwrap();
            let whole: Vec<_> = regex.find_iter(&text).map(|found| found.range()).collect();
            let ends = line_ends(&hir(pattern)).unwrap();
            let mut by_line = Vec::new();
            line_candidates(&text, &ends, |line| {
                let found = regex.find_iter(&text[line.clone()]);
                by_line.extend(found.map(|found| line.start + found.start()..line.start + found.end()));
            });
            prop_assert_eq!(by_line, whole);
        }
    }
}
