//! A rule's summary and its `galley explain` docs, written from its description and examples.

use super::Example;
use crate::fix::Applicability;

/// The description's first sentence, on one line and starting lowercase like the built-ins'
/// summaries, for `galley rules`.
pub(super) fn first_sentence(description: &str) -> String {
    let flat = description.split_whitespace().collect::<Vec<_>>().join(" ");
    let sentence = flat
        .split_once(". ")
        .map_or(flat.as_str(), |(first, _)| first);
    let sentence = sentence.trim_end_matches('.');
    let mut chars = sentence.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => first
            .to_lowercase()
            .chain(sentence.chars().skip(1))
            .collect(),
        _ => sentence.to_string(),
    }
}

/// The rule's docs for `galley explain`, in the built-ins' shape.
pub(super) fn docs_text(
    description: &str,
    flag: &[Example],
    pass: &[String],
    fixable: bool,
    applicability: Applicability,
) -> String {
    let mut docs = format!("## What it does\n{}\n", description.trim_end());
    let block = |text: &str| format!("```markdown\n{}\n```\n", text.trim_end());
    if !flag.is_empty() {
        docs.push_str("\n## Example\n");
        for example in flag {
            docs.push_str(&block(&example.text));
            if let Some(fixed) = &example.fixed {
                docs.push_str("Fixed:\n");
                docs.push_str(&block(fixed));
            }
        }
    }
    if !pass.is_empty() {
        docs.push_str("\nNot flagged:\n");
        for text in pass {
            docs.push_str(&block(text));
        }
    }
    docs.push_str("\n## Fix\n");
    docs.push_str(match (fixable, applicability) {
        (false, _) => "None.\n",
        (true, Applicability::Safe) => "Replaces the match (safe).\n",
        (true, Applicability::Unsafe) => {
            "Replaces the match (unsafe: it may change the meaning).\n"
        }
    });
    docs
}
