//! A rule's `examples`: read from its file, and run by `galley test-rules`.

use std::sync::Arc;

use serde_json::Value;

use super::rule_file::RuleFile;
use super::{Example, PackRule};
use crate::document::Document;
use crate::rule::Rule;

pub(super) fn examples(file: &RuleFile) -> Result<(Vec<Example>, Vec<String>), String> {
    let Some(examples) = file.get("examples") else {
        return Ok((Vec::new(), Vec::new()));
    };
    let Value::Object(examples) = examples else {
        return Err(file.error(
            "/examples",
            true,
            "`examples` is a mapping with `flag` and `pass` lists",
        ));
    };
    if let Some(unknown) = examples.keys().find(|k| *k != "flag" && *k != "pass") {
        return Err(file.error(
            &format!("/examples/{unknown}"),
            false,
            format!("unknown key `{unknown}` (expected flag, pass)"),
        ));
    }
    let list = |key: &str| -> Result<Vec<Value>, String> {
        match examples.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => Ok(items.clone()),
            Some(_) => Err(file.error(
                &format!("/examples/{key}"),
                true,
                format!("`{key}` is a list"),
            )),
        }
    };
    let mut flag = Vec::new();
    for (i, item) in list("flag")?.into_iter().enumerate() {
        let example = match item {
            Value::String(text) => Example { text, fixed: None },
            Value::Object(map) => match (map.get("text"), map.get("fixed")) {
                (Some(Value::String(text)), fixed) if map.len() <= 2 => Example {
                    text: text.clone(),
                    fixed: fixed.and_then(Value::as_str).map(str::to_string),
                },
                _ => {
                    return Err(file.error(
                        &format!("/examples/flag/{i}"),
                        true,
                        "an example is a string or `{text: ..., fixed: ...}`",
                    ))
                }
            },
            _ => {
                return Err(file.error(
                    &format!("/examples/flag/{i}"),
                    true,
                    "an example is a string",
                ))
            }
        };
        flag.push(example);
    }
    let mut pass = Vec::new();
    for (i, item) in list("pass")?.into_iter().enumerate() {
        match item {
            Value::String(text) => pass.push(text),
            _ => {
                return Err(file.error(
                    &format!("/examples/pass/{i}"),
                    true,
                    "an example is a string",
                ))
            }
        }
    }
    Ok((flag, pass))
}

/// The outcome of running a pack's examples: one line per failure.
pub fn test_examples(rules: &[Arc<PackRule>]) -> Vec<String> {
    let mut failures = Vec::new();
    for rule in rules {
        let id = rule.meta.id;
        let lint = |text: &str| {
            let mut doc = Document::parse(text);
            doc.path = Some(std::path::PathBuf::from("example.md"));
            // Examples are written in the rule's first language.
            doc.folder_language = rule.languages.first().cloned();
            let mut found = Vec::new();
            rule.check(&doc, &mut found);
            found
        };
        for example in &rule.flag_examples {
            let found = lint(&example.text);
            if found.is_empty() {
                failures.push(format!("{id}: not flagged: {:?}", example.text));
            }
            if let Some(expected) = &example.fixed {
                let fixed =
                    crate::fix::fix_until_stable(&example.text, crate::fix::FixMode::All, lint)
                        .map(|fixed| fixed.text)
                        .unwrap_or_else(|_| "(the fixes did not settle)".into());
                if &fixed != expected {
                    failures.push(format!(
                        "{id}: fixed {:?} into {fixed:?}, expected {expected:?}",
                        example.text
                    ));
                }
            }
        }
        for text in &rule.pass_examples {
            if let Some(found) = lint(text).first() {
                failures.push(format!(
                    "{id}: flagged `{}` in {text:?}",
                    &text[found.span.clone()]
                ));
            }
        }
    }
    failures
}
