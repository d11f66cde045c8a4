//! The docs cannot drift from the code: the README's rule table is the registry's, and every
//! rule's docs carry the fixed headings that `galley explain` shows.

use galley_linter::rule::FixAbility;
use galley_linter::rules::BUILTIN_RULES;

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

#[test]
fn the_readme_rule_file_examples_load_and_pass_their_own_examples() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut written = 0;
    for block in readme.split("```yaml\n").skip(1) {
        let body = block.split("```").next().unwrap();
        // A rule file starts with its path (`# styles/house/x.yaml`); CI recipes do not.
        let first = body.lines().next().unwrap();
        if !(first.starts_with("# ") && first.ends_with(".yaml")) {
            continue;
        }
        let name = first.trim_start_matches("# ").rsplit('/').next().unwrap();
        std::fs::write(dir.path().join(name), body).unwrap();
        written += 1;
    }
    assert_eq!(written, 2, "the README shows two complete rule files");
    let rules: Vec<std::sync::Arc<_>> = galley_linter::pack::load_pack_folder(dir.path(), "readme")
        .unwrap()
        .into_iter()
        .map(std::sync::Arc::new)
        .collect();
    assert_eq!(
        galley_linter::pack::test_examples(&rules),
        Vec::<String>::new()
    );
}
