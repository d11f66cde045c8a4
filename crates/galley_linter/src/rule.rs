//! The rule trait, rule metadata (with the docs that `galley explain` prints) and the flat
//! registry of built-in rules.

use serde::de::DeserializeOwned;

use crate::config::{Config, RuleTable};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::links::{LinkIndex, PageSummary};

/// Whether a rule's diagnostics carry fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAbility {
    /// Every diagnostic carries a fix.
    Always,
    /// Some diagnostics carry a fix.
    Sometimes,
    Never,
}

#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub default_severity: Severity,
    /// Off until configured on: rules that a common site layout contradicts.
    pub opt_in: bool,
    pub fix: FixAbility,
    /// One line for `galley rules` and the README's table.
    pub summary: &'static str,
    /// The full docs under fixed headings: What it does, Why, Example, Fix, Options.
    pub docs: &'static str,
}

/// Where each rule's page is kept in the repository, as `<id>.md`: the text `galley explain`
/// prints, for the built-in rules and the default pack's (tests/rule_docs.rs keeps them
/// current).
pub const RULE_DOCS_FOLDER: &str = "docs/rules";

impl RuleMeta {
    /// The docs as Markdown. Doc comments keep the space after `///` on every line: it is
    /// dropped. A pack rule's docs start lines without one, and its examples' leading spaces
    /// are their own.
    pub fn docs_text(&self) -> String {
        let from_doc_comment =
            (self.docs.lines()).all(|line| line.is_empty() || line.starts_with(' '));
        let mut text = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            let line = match from_doc_comment {
                true => line.strip_prefix(' ').unwrap_or(line),
                false => line,
            };
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    /// The rule's page as `galley explain` prints it; `source` says where the rule comes from
    /// (`built-in`, `pack:<name>`).
    pub fn explanation(&self, source: &str) -> String {
        let mut page = format!(
            "# {}\n\n{}\n\nDefault level: {}. Source: {source}.\n\n",
            self.id,
            self.summary,
            self.default_severity.as_str()
        );
        page.push_str(&self.docs_text());
        page
    }
}

/// Declares a rule's metadata with its docs taken from the doc comment above it, so the docs
/// cannot be left out and live next to the code.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        pub static $name:ident = {
            id: $id:literal,
            severity: $severity:ident,
            fix: $fix:ident,
            summary: $summary:literal $(,)?
        };
    ) => {
        pub static $name: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
            id: $id,
            default_severity: $crate::diagnostic::Severity::$severity,
            opt_in: false,
            fix: $crate::rule::FixAbility::$fix,
            summary: $summary,
            docs: concat!($($doc, "\n"),+),
        };
    };
}
pub(crate) use declare_rule;

/// A rule: either hook may be left out. Diagnostics a rule pushes are stamped by the engine
/// with the rule's id and configured level.
pub trait Rule: Send + Sync {
    /// Checks one parsed file.
    fn check(&self, _doc: &Document, _out: &mut Vec<Diagnostic>) {}

    /// Checks one page's outgoing links against the whole corpus, after every file has been
    /// summarised.
    fn check_workspace(&self, _index: &LinkIndex, _page: &PageSummary, _out: &mut Vec<Diagnostic>) {
    }
}

/// What a rule is built from: its `[rules.<id>]` options and the rest of the configuration.
pub struct RuleSettings<'a> {
    pub id: &'static str,
    /// The rule's options (`level` taken out), and where they were written, for error
    /// messages.
    pub table: RuleTable,
    pub config: &'a Config,
}

impl RuleSettings<'_> {
    /// Reads the rule's own options into its struct (`deny_unknown_fields` catches typos);
    /// the error names the place in the config.
    pub fn options<T: DeserializeOwned>(&self) -> Result<T, String> {
        let read = |table: toml::Table| toml::Value::Table(table).try_into::<T>();
        let options = &self.table.value;
        read(options.clone()).map_err(|error| {
            // serde's message does not say which key it is about: name the first key that
            // fails on its own (when the options need no key, so that one alone can fail).
            let alone = |(key, value): (&String, &toml::Value)| {
                read(toml::Table::from_iter([(key.clone(), value.clone())])).is_err()
            };
            let culprit = read(toml::Table::new())
                .is_ok()
                .then(|| options.iter().find(|&entry| alone(entry)))
                .flatten();
            let place = &self.table.place;
            match culprit {
                Some((key, _)) => format!(
                    "{}: [rules.{}] `{key}`: {}",
                    self.table.key_places.get(key).unwrap_or(place),
                    self.id,
                    error.message()
                ),
                None => format!("{place}: [rules.{}]: {}", self.id, error.message()),
            }
        })
    }
}

/// A shared rule (a pack rule, compiled once and used by every rule set) is a rule.
impl<R: Rule + ?Sized> Rule for std::sync::Arc<R> {
    fn check(&self, doc: &Document, out: &mut Vec<Diagnostic>) {
        (**self).check(doc, out)
    }

    fn check_workspace(&self, index: &LinkIndex, page: &PageSummary, out: &mut Vec<Diagnostic>) {
        (**self).check_workspace(index, page, out)
    }
}
