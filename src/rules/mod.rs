//! The built-in rules, one file each, named after the rule's id.

pub mod broken_link;
pub mod empty_blockquote;
pub mod frontmatter_schema;
pub mod frontmatter_syntax;
pub mod list_marker_style;
pub mod stray_punctuation;
pub mod unused_suppression;

/// The options of a rule that has none: any key under `[rules.<id>]` is a mistake.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoOptions {}
