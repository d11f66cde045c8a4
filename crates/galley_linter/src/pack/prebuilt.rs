//! The default pack's shared prose search, determinized whole when the pack last changed and
//! kept in `rules/compiled/`: a run on one page otherwise builds the automaton's states as
//! the page needs them, a fifth of such a run (BENCHMARKS.md, "One file"). A pack whose
//! prose patterns are not exactly those it was built from (a user's pack, or the default one
//! edited since) builds its own, as before. A test rebuilds it and holds the files equal.

use regex_automata::dfa::dense;
use regex_automata::util::wire::AlignAs;

/// The prose patterns the automaton was built from, rule by rule, as
/// [`super::locate::SharedLocator::sources`] writes them.
static SOURCES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../rules/compiled/prose-search.json"
));

/// The automaton, serialised little-endian (a big-endian machine builds its own).
static AUTOMATON: &AlignAs<[u8], u32> = &AlignAs {
    _align: [],
    bytes: *include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../rules/compiled/prose-search.dfa"
    )),
};

/// The prebuilt automaton, when `sources` are the patterns it was built from.
pub(super) fn prose_locator(sources: &str) -> Option<dense::DFA<&'static [u32]>> {
    if sources != SOURCES.trim_end() {
        return None;
    }
    dense::DFA::from_bytes(&AUTOMATON.bytes)
        .ok()
        .map(|(dfa, _)| dfa)
}
