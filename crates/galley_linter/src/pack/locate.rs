//! The candidate search: which scope ranges of a file may hold a match, found in one pass.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use regex_automata::{meta, Input};
use regex_syntax::hir::{Hir, HirKind, Repetition};
use regex_syntax::ParserBuilder;

use super::compiled::RuleRegex;
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
    /// `None` for sparse scopes, and when the twin could match the empty string, and so
    /// everywhere.
    pub(super) twin: Option<Hir>,
    /// The fewest bytes a match takes: a shorter range is never searched, and a regex that
    /// only such ranges reach is never compiled (a frontmatter value under a length limit).
    minimum_len: usize,
    /// Whether the rule searches alone (see [`SharedLocator`]): set by
    /// [`Pattern::search_alone`] once the pack knows which rules share a search.
    alone: bool,
    /// The twin's automaton, for a rule that searches alone; built on first use.
    locator: OnceLock<Option<meta::Regex>>,
}

impl Pattern {
    /// `dense`: the rule's scope covers most of a file in long ranges. Sparse scopes (headings,
    /// link texts, one frontmatter value) are cheaper to search range by range than to search
    /// the whole file between them.
    pub(super) fn new(regex: RuleRegex, ignore_case: bool, dense: bool) -> Self {
        let parsed = ParserBuilder::new()
            .case_insensitive(ignore_case)
            .build()
            .parse(regex.pattern())
            .ok();
        let minimum_len = parsed
            .as_ref()
            .and_then(|hir| hir.properties().minimum_len())
            .unwrap_or(0);
        let twin = parsed
            .filter(|_| dense)
            .map(without_look_around)
            .filter(|hir| hir.properties().minimum_len().is_some_and(|len| len > 0));
        Pattern {
            regex,
            twin,
            minimum_len,
            alone: false,
            locator: OnceLock::new(),
        }
    }

    /// Gives the pattern its own automaton, for a rule that shares no search.
    pub(super) fn search_alone(&mut self) {
        self.alone = true;
    }

    /// The pattern's own automaton, if it searches alone and has a twin.
    pub(super) fn locator(&self) -> Option<&meta::Regex> {
        if !self.alone {
            return None;
        }
        self.locator
            .get_or_init(|| {
                self.twin
                    .as_ref()
                    .and_then(|hir| locator(std::slice::from_ref(hir)))
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

/// One automaton for the twins of several patterns.
fn locator(twins: &[Hir]) -> Option<meta::Regex> {
    meta::Regex::builder()
        .configure(meta::Regex::config().nfa_size_limit(Some(REGEX_SIZE_LIMIT)))
        .build_many_from_hir(twins)
        .ok()
}

/// Calls `visit` with the index of each of `ranges` (sorted and apart) that holds a match of
/// `locator`'s, searching the text once from range to range.
fn candidates(
    locator: &meta::Regex,
    source: &str,
    ranges: &[Range<usize>],
    mut visit: impl FnMut(usize),
) {
    let mut next = 0;
    while let (Some(first), Some(last)) = (ranges.get(next), ranges.last()) {
        let input = Input::new(source).span(first.start..last.end);
        let Some(found) = locator.find(input) else {
            return;
        };
        next += ranges[next..].partition_point(|range| range.end <= found.start());
        if next == ranges.len() {
            return;
        }
        visit(next);
        next += 1;
    }
}

/// The twins of every pattern of a pack's prose rules in one automaton: one search of a file
/// finds the prose ranges where any of these rules may match, instead of one search per rule.
/// The first of the rules to run on a file works them out and leaves them in the file's
/// [`Document`] for the others.
#[derive(Debug)]
pub(super) struct SharedLocator {
    /// Tells this pack's ranges from another pack's in a document.
    id: usize,
    regex: meta::Regex,
}

impl SharedLocator {
    /// Shared by the prose rules of `rules` whose patterns all have twins, when there are two
    /// or more.
    pub(super) fn share(rules: &mut [PackRule]) {
        static NEXT_ID: AtomicUsize = AtomicUsize::new(0);
        let sharing: Vec<usize> = (0..rules.len())
            .filter(|&i| rules[i].scope == Scope::Prose && rules[i].twins().is_some())
            .collect();
        if sharing.len() < 2 {
            return;
        }
        let twins: Vec<Hir> = sharing
            .iter()
            .flat_map(|&i| rules[i].twins().unwrap_or_default())
            .collect();
        let Some(regex) = locator(&twins) else {
            return;
        };
        let shared = Arc::new(SharedLocator {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            regex,
        });
        for i in sharing {
            rules[i].shared = Some(shared.clone());
        }
    }

    /// The indices of the prose ranges of `doc` where one of the sharing rules may match.
    fn candidates(&self, doc: &Document) -> Arc<[usize]> {
        doc.pack_candidates(self.id, || {
            let mut found = Vec::new();
            candidates(&self.regex, doc.source, &doc.prose().ranges, |i| {
                found.push(i)
            });
            found
        })
    }
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
    /// The twins of all the rule's patterns, if every one has a twin.
    fn twins(&self) -> Option<Vec<Hir>> {
        match &self.matcher {
            Matcher::Pattern { patterns, .. } => patterns
                .iter()
                .map(|pattern| pattern.twin.clone())
                .collect(),
            Matcher::Words { regex, .. } => regex.twin.clone().map(|twin| vec![twin]),
            Matcher::Frontmatter { .. } => None,
        }
    }

    pub(super) fn patterns_mut(&mut self) -> &mut [Pattern] {
        match &mut self.matcher {
            Matcher::Pattern { patterns, .. } => patterns,
            Matcher::Words { regex, .. } => std::slice::from_mut(regex),
            Matcher::Frontmatter { .. } => &mut [],
        }
    }

    /// Calls `search` on each scope range that may hold a match of `pattern`.
    pub(super) fn for_each_candidate(
        &self,
        doc: &Document,
        ranges: &[Range<usize>],
        pattern: &Pattern,
        mut search: impl FnMut(&Range<usize>),
    ) {
        let mut search = |range: &Range<usize>| {
            if range.len() >= pattern.minimum_len {
                search(range);
            }
        };
        match &self.shared {
            Some(shared) => shared
                .candidates(doc)
                .iter()
                .for_each(|&i| search(&ranges[i])),
            None => pattern.for_each_candidate(doc.source, ranges, search),
        }
    }
}
