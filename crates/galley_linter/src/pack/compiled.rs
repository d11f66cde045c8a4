//! A rule's regex, compiled now or on first use.

use std::ops::Deref;
use std::sync::OnceLock;

use regex_automata::meta::{self, Regex};
use regex_automata::util::captures::Captures;
use regex_automata::util::syntax;
use regex_automata::Input;
use regex_syntax::hir::Hir;

use super::locate::REGEX_SIZE_LIMIT;
use super::{Matcher, PackRule};

/// When a pack's regexes are compiled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Compile {
    /// While the pack loads, so that a bad regex is reported before any rule runs: a
    /// user's pack.
    Now,
    /// When a page first reaches the regex: the default pack, whose regexes a test compiles
    /// (`the_default_pack_compiles_whole`). Compiling all of them costs more than checking one
    /// file, and most files reach only a few.
    OnFirstUse,
}

/// A rule's regex (read through `Deref`, or [`RuleRegex::compiled_from`] where the pattern is
/// parsed already). It searches only the ranges its rule's scope and locator leave, which are
/// short, so it is built without the parts that speed up long searches: working out a literal
/// prefilter and a full DFA cost more to build than they save (7 M instructions for the 8
/// default regexes a generated page reaches, a third of a cold one-page run).
#[derive(Debug)]
pub(super) struct RuleRegex {
    pattern: String,
    ignore_case: bool,
    compiled: OnceLock<Regex>,
}

impl RuleRegex {
    /// A regex to compile on first use.
    pub(super) fn deferred(pattern: &str, ignore_case: bool) -> Self {
        RuleRegex {
            pattern: pattern.to_string(),
            ignore_case,
            compiled: OnceLock::new(),
        }
    }

    /// A regex compiled already, or what is wrong with it, in the regex parser's words.
    pub(super) fn compiled(pattern: &str, ignore_case: bool) -> Result<Self, String> {
        let regex = builder(ignore_case).build(pattern).map_err(|error| {
            match (error.syntax_error(), error.size_limit()) {
                (Some(syntax), _) => syntax.to_string(),
                (None, Some(limit)) => {
                    format!("the compiled regex exceeds the limit of {limit} bytes")
                }
                (None, None) => error.to_string(),
            }
        })?;
        Ok(RuleRegex {
            pattern: pattern.to_string(),
            ignore_case,
            compiled: OnceLock::from(regex),
        })
    }

    pub(super) fn pattern(&self) -> &str {
        &self.pattern
    }

    pub(super) fn is_compiled(&self) -> bool {
        self.compiled.get().is_some()
    }

    /// The regex, compiled on first use from `parsed`: the pattern as the regex parser read it
    /// for its locator, so that it is not parsed twice.
    pub(super) fn compiled_from(&self, parsed: Option<&Hir>) -> &Regex {
        self.compiled.get_or_init(|| match parsed {
            Some(hir) => builder(self.ignore_case)
                .build_from_hir(hir)
                .expect("the default pack's regexes compile: a test compiles every one"),
            None => self.compile(),
        })
    }

    fn compile(&self) -> Regex {
        builder(self.ignore_case)
            .build(&self.pattern)
            .expect("the default pack's regexes compile: a test compiles every one")
    }
}

impl Deref for RuleRegex {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.compiled.get_or_init(|| self.compile())
    }
}

fn builder(ignore_case: bool) -> meta::Builder {
    let config = Regex::config()
        .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
        .auto_prefilter(false)
        .dfa(false);
    let mut builder = meta::Builder::new();
    builder
        .configure(config)
        .syntax(syntax::Config::new().case_insensitive(ignore_case));
    builder
}

/// The groups of `regex`'s first match in `text` that starts at `start` or after it.
pub(super) fn captures_at(regex: &Regex, text: &str, start: usize) -> Option<Captures> {
    let mut captures = regex.create_captures();
    regex.search_captures(&Input::new(text).range(start..), &mut captures);
    captures.is_match().then_some(captures)
}

impl PackRule {
    /// Whether the regexes the rule searches with are compiled.
    pub(super) fn is_compiled(&self) -> bool {
        match &self.matcher {
            Matcher::Pattern { patterns, .. } => {
                patterns.iter().all(|pattern| pattern.regex.is_compiled())
            }
            Matcher::Words { regex, .. } => regex.regex.is_compiled(),
            Matcher::Frontmatter { .. } => true,
        }
    }
}
