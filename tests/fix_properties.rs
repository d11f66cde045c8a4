//! Property tests of fixing: on generated Markdown with defects mixed in, fixes converge, are
//! idempotent, keep the block structure apart from the fixed defects, and leave none of the
//! problems they fixed.

use std::path::Path;

use galley_linter::config::Config;
use galley_linter::engine::{Fixing, Linter};
use galley_linter::finding::CheckOutcome;
use galley_linter::fix::FixMode;
use proptest::prelude::*;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "avtale",
        "selskap",
        "Marked",
        "risiko",
        "æøå",
        "vekst",
        "e.g.",
        "1,000.50",
        "kl. 14.30",
    ])
    .prop_map(str::to_string)
}

/// A sentence, with a defect or a trap between some words.
fn sentence() -> impl Strategy<Value = String> {
    let joint = prop::sample::select(vec![
        " ", " ", " ", " ,", ",.", ";; ", ".. ", "!. ", "?. ", ", ", "... ", " … ",
    ]);
    (
        prop::collection::vec((word(), joint), 2..8),
        prop::sample::select(vec![".", ",.", "..", "!"]),
    )
        .prop_map(|(parts, end)| {
            let mut text: String = parts.into_iter().map(|(w, j)| format!("{w}{j}")).collect();
            text = text.trim_end().to_string();
            text.push_str(end);
            text
        })
}

fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        sentence(),
        sentence().prop_map(|s| format!("## {s}")),
        sentence().prop_map(|s| format!("```\n{s} ,. > -\n```")),
        sentence().prop_map(|s| format!("> {s}")),
        Just(">".to_string()),
        Just("> >".to_string()),
        (sentence(), sentence()).prop_map(|(a, b)| format!("- {a}\n* {b}")),
        (sentence(), sentence()).prop_map(|(a, b)| format!("– {a}\n\n– {b}")),
        sentence().prop_map(|s| format!("| a | b |\n|---|---|\n| – {s} | x |")),
    ]
}

fn document() -> impl Strategy<Value = (String, bool)> {
    (prop::collection::vec(block(), 1..8), any::<bool>()).prop_map(|(blocks, crlf)| {
        let text = blocks.join("\n\n") + "\n";
        (
            if crlf {
                text.replace('\n', "\r\n")
            } else {
                text
            },
            crlf,
        )
    })
}

fn check(dir: &Path, text: &str) -> CheckOutcome {
    let path = dir.join("doc.md");
    std::fs::write(&path, text).unwrap();
    let config = Config::defaults_at(dir);
    let inputs = [path];
    let linter = Linter::new(config, &inputs).unwrap();
    let fixing = Fixing {
        mode: FixMode::All,
        write: false,
    };
    linter.check(&inputs, false, Some(fixing), &())
}

/// The blocks that no fix may add or remove: headings, code blocks (with their text),
/// tables, and quotes that hold something.
fn kept_structure(text: &str) -> Vec<String> {
    let mut kept = Vec::new();
    let mut quotes: Vec<bool> = Vec::new();
    let mut in_code = false;
    for event in Parser::new_ext(text, galley_linter::document::markdown_options()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => kept.push(format!("heading {level}")),
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(code) if in_code => kept.push(format!("code {code}")),
            Event::Start(Tag::Table(_)) => kept.push("table".into()),
            Event::Start(Tag::BlockQuote(_)) => quotes.push(false),
            Event::End(TagEnd::BlockQuote(_)) => {
                if quotes.pop() == Some(true) {
                    kept.push("quote".into());
                }
            }
            _ => {
                if let Some(last) = quotes.last_mut() {
                    *last = true;
                }
            }
        }
    }
    kept
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn fixes_converge_are_idempotent_and_keep_the_structure((text, crlf) in document()) {
        let dir = tempfile::tempdir().unwrap();
        let first = check(dir.path(), &text);
        prop_assert!(
            !first.findings.iter().any(|f| f.diagnostic.rule == "fix-not-converged"),
            "did not converge: {text:?}"
        );
        let fixed = first.fixed.first().map_or(text.clone(), |f| f.texts().1.to_string());
        // Nothing fixable is left, and fixing again changes nothing.
        prop_assert!(
            first.findings.iter().all(|f| f.diagnostic.fix.is_none()),
            "fixable findings left in {fixed:?}: {:?}",
            first.findings.iter().map(|f| &f.diagnostic.message).collect::<Vec<_>>()
        );
        let second = check(dir.path(), &fixed);
        prop_assert!(second.fixed.is_empty(), "fixing twice changed {fixed:?}");
        prop_assert_eq!(kept_structure(&fixed), kept_structure(&text));
        if crlf {
            prop_assert_eq!(fixed.matches("\r\n").count(), fixed.matches('\n').count(), "LF crept into a CRLF file");
        }
    }
}
