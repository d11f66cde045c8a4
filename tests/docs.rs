//! The docs cannot drift from the code: the README's rule table is the registry's, and every
//! rule's docs carry the fixed headings that `galley explain` shows.

use galley::rule::{FixAbility, BUILTIN_RULES};

#[test]
fn readme_rule_table_matches_the_registry() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    for entry in BUILTIN_RULES {
        let meta = entry.meta;
        let fix = match meta.fix {
            FixAbility::Always => "always",
            FixAbility::Sometimes => "sometimes",
            FixAbility::Never => "no",
        };
        let row = format!(
            "| `{}` | {} | {} | {} |",
            meta.id,
            meta.default_severity.as_str(),
            fix,
            meta.summary
        );
        assert!(readme.contains(&row), "README lacks the row:\n{row}");
    }
}

#[test]
fn every_rule_documents_what_why_example_and_fix() {
    for entry in BUILTIN_RULES {
        for heading in ["## What it does", "## Why", "## Example", "## Fix"] {
            assert!(
                entry.meta.docs.contains(heading),
                "{} lacks {heading}",
                entry.meta.id
            );
        }
        let summary = entry.meta.summary;
        assert!(
            summary.starts_with(char::is_lowercase) && !summary.ends_with('.'),
            "{}: summaries start lowercase and end without a period: {summary}",
            entry.meta.id
        );
    }
}
