//! Reading a rule file: its keys, checked one by one, into a [`PackRule`].

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use regex_automata::meta::Regex;
use regex_automata::PatternID;
use serde_json::Value;

use super::compiled::{Compile, RuleRegex};
use super::docs::{docs_text, first_sentence};
use super::examples::examples;
use super::locate::Pattern;
use super::rule_file::RuleFile;
use super::{FieldSource, Matcher, PackRule, Scope};
use crate::config::place;
use crate::diagnostic::Severity;
use crate::fix::Applicability;
use crate::frontmatter::{
    escape_pointer, parse_yaml, too_deep_message, FrontmatterData, FrontmatterProblem,
};
use crate::rule::{FixAbility, RuleMeta};

const KEYS: &[&str] = &[
    "id",
    "message",
    "level",
    "languages",
    "not-on",
    "description",
    "scope",
    "pattern",
    "words",
    "frontmatter",
    "fix",
    "fix-applicability",
    "unless",
    "unless-hanging-indent",
    "ignore-case",
    "examples",
];

fn compile(
    file: &RuleFile,
    pattern: &str,
    pointer: &str,
    ignore_case: bool,
    when: Compile,
) -> Result<RuleRegex, String> {
    if when == Compile::OnFirstUse {
        return Ok(RuleRegex::deferred(pattern, ignore_case));
    }
    RuleRegex::compiled(pattern, ignore_case)
        .map_err(|error| file.error(pointer, true, format!("bad regex: {}", one_line(&error))))
}

/// The groups a fix template names, read as regex-automata's interpolation expands them: `$1`,
/// `$name` (the longest run of letters, digits and `_`), `${name}`; `$$` is a dollar sign.
fn template_groups(template: &str) -> Vec<&str> {
    let mut groups = Vec::new();
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            rest = after;
        } else if let Some(braced) = rest.strip_prefix('{') {
            if let Some(end) = braced.find('}') {
                groups.push(&braced[..end]);
                rest = &braced[end + 1..];
            }
        } else {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if end > 0 {
                groups.push(&rest[..end]);
            }
            rest = &rest[end..];
        }
    }
    groups
}

/// A fix template may name only groups its pattern has: the interpolation expands any other
/// to nothing, and the fix would delete the matched text.
fn check_template(file: &RuleFile, template: &str, regex: &Regex) -> Result<(), String> {
    let groups = regex.group_info();
    let names = || groups.pattern_names(PatternID::ZERO).flatten();
    for group in template_groups(template) {
        let exists = match group.parse::<usize>() {
            Ok(index) => index < groups.group_len(PatternID::ZERO),
            Err(_) => names().any(|name| name == group),
        };
        if !exists {
            let named: Vec<String> = (0..groups.group_len(PatternID::ZERO))
                .map(|i| format!("${i}"))
                .chain(names().map(|n| format!("${{{n}}}")))
                .collect();
            return Err(file.error(
                "/fix",
                true,
                format!(
                    "`fix` names the group `{group}`, which the pattern does not have (it has {})",
                    named.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// [`parse_rule`], from what the file's YAML reads when that is known already.
pub(super) fn parse_rule_file(
    name: &str,
    text: &str,
    value: Option<Value>,
    pack: &str,
    when: Compile,
) -> Result<PackRule, String> {
    match value {
        // Positions are for errors, which the default pack's tests rule out.
        Some(value) => rule_from(
            RuleFile {
                name,
                text,
                data: FrontmatterData {
                    value,
                    nodes: Vec::new(),
                },
            },
            pack,
            when,
        ),
        None => parse_rule(name, text, pack, when),
    }
}

/// Reads and checks one rule file; its regexes are checked only when compiled `Now`.
pub(super) fn parse_rule(
    name: &str,
    text: &str,
    pack: &str,
    when: Compile,
) -> Result<PackRule, String> {
    let data = match parse_yaml(text, 0..text.len()) {
        Ok(data) => data,
        Err(problem) => {
            let (message, span) = match problem {
                FrontmatterProblem::InvalidYaml { message, span } => {
                    (format!("invalid YAML: {message}"), span)
                }
                FrontmatterProblem::DuplicateKey { key, span } => {
                    (format!("duplicate key `{key}`"), span)
                }
                FrontmatterProblem::NotMapping { kind, span } => {
                    (format!("a rule file is a mapping, not {kind}"), span)
                }
                FrontmatterProblem::TooDeep { span } => (too_deep_message(), span),
                FrontmatterProblem::Unterminated => ("unreadable".to_string(), 0..0),
            };
            return Err(format!("{}: {message}", place(Path::new(name), text, span)));
        }
    };
    rule_from(RuleFile { name, text, data }, pack, when)
}

/// Checks one rule file, read, into a rule.
fn rule_from(file: RuleFile, pack: &str, when: Compile) -> Result<PackRule, String> {
    let name = file.name;
    let Some(keys) = file.data.value.as_object() else {
        return Err(format!("{name}:1:1: a rule file is a mapping of keys"));
    };
    if let Some(unknown) = keys.keys().find(|key| !KEYS.contains(&key.as_str())) {
        return Err(file.error(
            &format!("/{unknown}"),
            false,
            format!(
                "unknown key `{unknown}` (expected one of: {})",
                KEYS.join(", ")
            ),
        ));
    }
    let required = |key: &str| -> Result<String, String> {
        file.string(key)?
            .ok_or_else(|| format!("{name}:1:1: missing `{key}`"))
    };
    let id = required("id")?;
    let valid_id = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid_id {
        return Err(file.error("/id", true, "an id is lowercase words joined by `-`"));
    }
    let message = required("message")?;
    let description = required("description")?;
    let (severity, opt_in) = match file.string("level")?.as_deref() {
        None | Some("warning") => (Severity::Warning, false),
        Some("error") => (Severity::Error, false),
        Some("off") => (Severity::Warning, true),
        Some(other) => {
            return Err(file.error(
                "/level",
                true,
                format!("level must be `error`, `warning` or `off`, not `{other}`"),
            ))
        }
    };
    let languages = languages(&file)?;
    let not_on = generators(&file)?;
    let scope = match file.string("scope")?.as_deref() {
        None | Some("prose") => Scope::Prose,
        Some("heading") => Scope::Heading,
        Some("link-text") => Scope::LinkText,
        Some("raw") => Scope::Raw,
        Some(other) => match other.strip_prefix("frontmatter.") {
            Some(key) if !key.is_empty() => Scope::Frontmatter(format!("/{}", escape_pointer(key))),
            _ => {
                return Err(file.error(
                    "/scope",
                    true,
                    format!("unknown scope `{other}` (expected prose, heading, link-text, frontmatter.<key> or raw)"),
                ))
            }
        },
    };
    let ignore_case = match file.get("ignore-case") {
        None => None,
        Some(Value::Bool(flag)) => Some(*flag),
        Some(_) => return Err(file.error("/ignore-case", true, "`ignore-case` is true or false")),
    };
    let hanging_indent = match file.get("unless-hanging-indent") {
        None => false,
        Some(Value::Bool(flag)) => *flag,
        Some(_) => {
            return Err(file.error(
                "/unless-hanging-indent",
                true,
                "`unless-hanging-indent` is true or false",
            ))
        }
    };
    let applicability = match file.string("fix-applicability")?.as_deref() {
        None | Some("safe") => Applicability::Safe,
        Some("unsafe") => Applicability::Unsafe,
        Some(other) => {
            return Err(file.error(
                "/fix-applicability",
                true,
                format!("`fix-applicability` is `safe` or `unsafe`, not `{other}`"),
            ))
        }
    };
    let kinds: Vec<&str> = ["pattern", "words", "frontmatter"]
        .into_iter()
        .filter(|k| keys.contains_key(*k))
        .collect();
    if kinds.len() != 1 {
        return Err(format!(
            "{name}:1:1: a rule has exactly one of `pattern`, `words` or `frontmatter` (found {})",
            kinds.len()
        ));
    }
    let fix = file.string("fix")?;
    let matcher = match kinds[0] {
        "pattern" => {
            let ignore_case = ignore_case.unwrap_or(false);
            let patterns = file.strings("pattern")?;
            if patterns.is_empty() {
                return Err(file.error("/pattern", true, "`pattern` needs at least one regex"));
            }
            let patterns = patterns
                .iter()
                .map(|(pattern, pointer)| {
                    let regex = compile(&file, pattern, pointer, ignore_case, when)?;
                    if let Some(template) = fix.as_ref().filter(|_| when == Compile::Now) {
                        check_template(&file, template, &regex)?;
                    }
                    Ok::<_, String>(Pattern::new(regex, ignore_case, scope.is_dense()))
                })
                .collect::<Result<_, _>>()?;
            let unless = file
                .strings("unless")?
                .iter()
                .map(|(pattern, pointer)| compile(&file, pattern, pointer, ignore_case, when))
                .collect::<Result<_, _>>()?;
            Matcher::Pattern {
                patterns,
                unless,
                hanging_indent,
                fix,
            }
        }
        "words" => {
            if fix.is_some() || keys.contains_key("unless") || hanging_indent {
                return Err(file.error(
                    "/words",
                    false,
                    "`words` rules take their replacements from the map, not `fix` or `unless`",
                ));
            }
            words_matcher(&file, ignore_case.unwrap_or(true), scope.is_dense(), when)?
        }
        _ => {
            if fix.is_some()
                || keys.contains_key("unless")
                || hanging_indent
                || keys.contains_key("ignore-case")
            {
                return Err(file.error(
                    "/frontmatter",
                    false,
                    "`frontmatter` rules take no `fix`, `unless` or `ignore-case`",
                ));
            }
            frontmatter_matcher(&file)?
        }
    };
    let (flag_examples, pass_examples) = examples(&file)?;
    let fixable = match &matcher {
        Matcher::Pattern { fix, .. } => fix.is_some(),
        Matcher::Words { replacements, .. } => !replacements.is_empty(),
        Matcher::Frontmatter { .. } => false,
    };
    let summary = first_sentence(&description);
    let docs = docs_text(
        &description,
        &flag_examples,
        &pass_examples,
        fixable,
        applicability,
    );
    let fix = if fixable {
        FixAbility::Sometimes
    } else {
        FixAbility::Never
    };
    let meta = interned_meta(id, (severity, opt_in), fix, summary, docs);
    Ok(PackRule {
        meta,
        pack: pack.to_string(),
        scope,
        matcher,
        shared: None,
        message,
        applicability,
        languages,
        not_on,
        flag_examples,
        pass_examples,
    })
}

fn words_matcher(
    file: &RuleFile,
    ignore_case: bool,
    dense: bool,
    when: Compile,
) -> Result<Matcher, String> {
    let mut replacements = HashMap::new();
    let terms: Vec<(String, String)> = match file.get("words") {
        Some(Value::Array(_)) => file.strings("words")?,
        Some(Value::Object(map)) => map
            .iter()
            .map(|(from, to)| match to {
                Value::String(to) => {
                    replacements.insert(from.to_lowercase(), to.clone());
                    Ok((from.clone(), format!("/words/{from}")))
                }
                _ => Err(file.error(&format!("/words/{from}"), true, "a replacement is a string")),
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(file.error(
                "/words",
                true,
                "`words` is a list of terms or a map of term: replacement",
            ))
        }
    };
    if terms.is_empty() {
        return Err(file.error("/words", true, "`words` needs at least one term"));
    }
    let mut terms: Vec<String> = terms.into_iter().map(|(term, _)| term).collect();
    // Longest first, so that a phrase wins over a word it starts with.
    terms.sort_by_key(|term| std::cmp::Reverse(term.chars().count()));
    let alternatives: Vec<String> = terms
        .iter()
        .map(|term| {
            term.split_whitespace()
                .map(regex::escape)
                .collect::<Vec<_>>()
                .join(r"\s+")
        })
        .collect();
    // Word boundaries are checked by hand (see `whole_word`): a Unicode `\b` in the regex
    // would keep it off the fast automaton that finds the terms.
    let pattern = format!("(?:{})", alternatives.join("|"));
    let regex = Pattern::new(
        compile(file, &pattern, "/words", ignore_case, when)?,
        ignore_case,
        dense,
    );
    Ok(Matcher::Words {
        regex,
        replacements,
    })
}

fn frontmatter_matcher(file: &RuleFile) -> Result<Matcher, String> {
    let Some(Value::Object(condition)) = file.get("frontmatter") else {
        return Err(file.error(
            "/frontmatter",
            true,
            "`frontmatter` is a mapping: `{field: title, equals: first-heading}`",
        ));
    };
    if let Some(unknown) = condition.keys().find(|k| *k != "field" && *k != "equals") {
        return Err(file.error(
            &format!("/frontmatter/{unknown}"),
            false,
            format!("unknown key `{unknown}` (expected field, equals)"),
        ));
    }
    let Some(Value::String(field)) = condition.get("field") else {
        return Err(file.error(
            "/frontmatter",
            false,
            "`frontmatter` needs a `field` (a key name)",
        ));
    };
    let equals = match condition.get("equals").and_then(Value::as_str) {
        Some("first-heading") => FieldSource::FirstHeading,
        Some("file-name") => FieldSource::FileName,
        _ => {
            return Err(file.error(
                "/frontmatter/equals",
                true,
                "`equals` is `first-heading` or `file-name`",
            ))
        }
    };
    Ok(Matcher::Frontmatter {
        field: field.clone(),
        equals,
    })
}

/// `languages: [nb, nn]`: the languages whose pages the rule runs on; empty for all.
fn languages(file: &RuleFile) -> Result<Vec<String>, String> {
    let Some(value) = file.get("languages") else {
        return Ok(Vec::new());
    };
    let codes = value.as_array().filter(|list| !list.is_empty());
    let wrong = || {
        file.error(
            "/languages",
            true,
            "`languages` is a list of language codes such as `nb`",
        )
    };
    codes
        .ok_or_else(wrong)?
        .iter()
        .map(|code| {
            let code = code.as_str().ok_or_else(wrong)?;
            crate::language::primary_subtag(code).ok_or_else(|| {
                file.error(
                    "/languages",
                    true,
                    format!("`{code}` is not a language code galley knows"),
                )
            })
        })
        .collect()
}

/// `not-on: [hugo, jekyll]`: the site generators on which the rule flags nothing real (their
/// typographer already renders `--` as a dash).
fn generators(file: &RuleFile) -> Result<Vec<crate::site::Generator>, String> {
    let Some(value) = file.get("not-on") else {
        return Ok(Vec::new());
    };
    let wrong = || {
        file.error(
            "/not-on",
            true,
            "`not-on` is a list of site generators such as `hugo`",
        )
    };
    value
        .as_array()
        .ok_or_else(wrong)?
        .iter()
        .map(|name| {
            let name = name.as_str().ok_or_else(wrong)?;
            crate::site::Generator::from_name(name).ok_or_else(|| {
                file.error(
                    "/not-on",
                    true,
                    format!("`{name}` is not a site generator galley knows"),
                )
            })
        })
        .collect()
}

/// Rule metadata lives as long as the process, like the built-ins'. A language server reloads
/// its packs whenever the configuration changes: the same rule's metadata is made once.
fn interned_meta(
    id: String,
    (severity, opt_in): (Severity, bool),
    fix: FixAbility,
    summary: String,
    docs: String,
) -> &'static RuleMeta {
    type Key = (String, (Severity, bool), FixAbility, String, String);
    static MADE: Mutex<Vec<(Key, &'static RuleMeta)>> = Mutex::new(Vec::new());
    let key = (id, (severity, opt_in), fix, summary, docs);
    let mut made = MADE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, meta)) = made.iter().find(|(made_key, _)| *made_key == key) {
        return meta;
    }
    let meta: &'static RuleMeta = Box::leak(Box::new(RuleMeta {
        id: Box::leak(key.0.clone().into_boxed_str()),
        default_severity: severity,
        opt_in,
        fix,
        summary: Box::leak(key.3.clone().into_boxed_str()),
        docs: Box::leak(key.4.clone().into_boxed_str()),
    }));
    made.push((key, meta));
    meta
}
