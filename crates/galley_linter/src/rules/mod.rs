//! The built-in rules, one file each, named after the rule's id.

pub mod broken_link;
pub mod empty_blockquote;
pub mod frontmatter_schema;
pub mod frontmatter_syntax;
pub mod list_marker_style;
pub mod stray_punctuation;
pub mod unused_suppression;

use crate::rule::{Rule, RuleMeta, RuleSettings};

pub struct RuleEntry {
    pub meta: &'static RuleMeta,
    pub build: fn(&RuleSettings) -> Result<Box<dyn Rule>, String>,
}

/// Every built-in rule, one line each.
pub static BUILTIN_RULES: &[RuleEntry] = {
    &[
        RuleEntry {
            meta: &frontmatter_syntax::META,
            build: frontmatter_syntax::build,
        },
        RuleEntry {
            meta: &frontmatter_schema::META,
            build: frontmatter_schema::build,
        },
        RuleEntry {
            meta: &broken_link::META,
            build: broken_link::build,
        },
        RuleEntry {
            meta: &empty_blockquote::META,
            build: empty_blockquote::build,
        },
        RuleEntry {
            meta: &stray_punctuation::META,
            build: stray_punctuation::build,
        },
        RuleEntry {
            meta: &list_marker_style::META,
            build: list_marker_style::build,
        },
        RuleEntry {
            meta: &unused_suppression::META,
            build: unused_suppression::build,
        },
    ]
};

pub fn find_rule(id: &str) -> Option<&'static RuleEntry> {
    BUILTIN_RULES.iter().find(|entry| entry.meta.id == id)
}

/// The options of a rule that has none: any key under `[rules.<id>]` is a mistake.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoOptions {}
