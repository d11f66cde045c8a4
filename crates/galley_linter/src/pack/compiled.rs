//! A rule's regex, compiled now or on first use.

use std::ops::Deref;
use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};

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

/// A rule's regex (read through `Deref`).
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

    /// A regex compiled already.
    pub(super) fn compiled(regex: Regex, ignore_case: bool) -> Self {
        RuleRegex {
            pattern: regex.as_str().to_string(),
            ignore_case,
            compiled: OnceLock::from(regex),
        }
    }

    pub(super) fn pattern(&self) -> &str {
        &self.pattern
    }

    pub(super) fn is_compiled(&self) -> bool {
        self.compiled.get().is_some()
    }
}

impl Deref for RuleRegex {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            build(&self.pattern, self.ignore_case)
                .expect("the default pack's regexes compile: a test compiles every one")
        })
    }
}

pub(super) fn build(pattern: &str, ignore_case: bool) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .case_insensitive(ignore_case)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
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
