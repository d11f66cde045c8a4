//! Declarative rules: one YAML file per rule in a pack folder. The project's own `rules/`
//! folder is the default pack, embedded in the binary; `[rules] packs` adds more. A pack is
//! checked whole before any rule of it runs: a bad file is reported with its line and column
//! and nothing of the pack is loaded.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use include_dir::{include_dir, Dir};
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use regex::{Regex, RegexBuilder};
use regex_automata::{meta, Input};
use regex_syntax::hir::{Hir, HirKind, Repetition};
use regex_syntax::ParserBuilder;
use serde_json::Value;

use crate::config::place;
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::fix::{Applicability, Edit, Fix};
use crate::frontmatter::{escape_pointer, parse_yaml, FrontmatterData, FrontmatterProblem};
use crate::rule::{FixAbility, Rule, RuleMeta};

/// The default pack: every `rules/*.yaml` of this repository, built into the binary.
static DEFAULT_PACK: Dir = include_dir!("$CARGO_MANIFEST_DIR/rules");

pub const DEFAULT_PACK_NAME: &str = "default";

/// Where a rule looks.
#[derive(Debug, Clone, PartialEq)]
enum Scope {
    /// Text outside code, link destinations and HTML.
    Prose,
    Heading,
    LinkText,
    /// The string value of one frontmatter key, by its JSON pointer (`/description`).
    Frontmatter(String),
    /// The whole file, as it is.
    Raw,
}

#[derive(Debug)]
enum Matcher {
    Pattern {
        patterns: Vec<Pattern>,
        /// A match that one of these also matches is an exception.
        unless: Vec<Regex>,
        /// A replacement template (`$1`, `${name}`).
        fix: Option<String>,
    },
    Words {
        /// All terms in one alternation: one automaton, not one regex each.
        regex: Pattern,
        /// Lowercased term -> replacement, for substitution maps.
        replacements: HashMap<String, String>,
    },
    Frontmatter {
        field: String,
        equals: FieldSource,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum FieldSource {
    /// The text of the first `# heading`.
    FirstHeading,
    /// The file's name without its extension.
    FileName,
}

#[derive(Debug, Clone)]
pub struct Example {
    pub text: String,
    /// The text after the rule's fixes, when the example says.
    pub fixed: Option<String>,
}

/// A compiled rule of a pack.
#[derive(Debug)]
pub struct PackRule {
    pub meta: &'static RuleMeta,
    /// The pack it came from: `default`, or the folder as configured.
    pub pack: String,
    scope: Scope,
    matcher: Matcher,
    /// For a prose rule, the search it shares with the pack's other prose rules.
    shared: Option<Arc<SharedLocator>>,
    message: String,
    applicability: Applicability,
    pub flag_examples: Vec<Example>,
    pub pass_examples: Vec<String>,
}

const KEYS: &[&str] = &[
    "id",
    "message",
    "level",
    "description",
    "scope",
    "pattern",
    "words",
    "frontmatter",
    "fix",
    "fix-applicability",
    "unless",
    "ignore-case",
    "examples",
];

/// One rule file as parsed, with what is needed to point at its keys.
struct RuleFile<'a> {
    name: &'a str,
    text: &'a str,
    data: FrontmatterData,
}

impl RuleFile<'_> {
    fn place(&self, span: Range<usize>) -> String {
        place(Path::new(self.name), self.text, span)
    }

    /// The span of a key (or of its value, `at_value`), else the file's start.
    fn span_of(&self, pointer: &str, at_value: bool) -> Range<usize> {
        let node = self.data.nodes.iter().find(|node| node.pointer == pointer);
        match node {
            Some(node) if at_value => node.value.clone(),
            Some(node) => node.key.clone().unwrap_or(node.value.clone()),
            None => 0..0,
        }
    }

    fn error(&self, pointer: &str, at_value: bool, message: impl AsRef<str>) -> String {
        format!(
            "{}: {}",
            self.place(self.span_of(pointer, at_value)),
            message.as_ref()
        )
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.data.value.get(key)
    }

    fn string(&self, key: &str) -> Result<Option<String>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(self.error(
                &format!("/{key}"),
                true,
                format!("`{key}` must be a string"),
            )),
        }
    }

    fn strings(&self, key: &str) -> Result<Vec<(String, String)>, String> {
        let pointer = format!("/{key}");
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::String(text)) => Ok(vec![(text.clone(), pointer)]),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::String(text) => Ok((text.clone(), format!("{pointer}/{i}"))),
                    _ => Err(self.error(
                        &format!("{pointer}/{i}"),
                        true,
                        format!("`{key}` holds strings"),
                    )),
                })
                .collect(),
            Some(_) => Err(self.error(
                &pointer,
                true,
                format!("`{key}` must be a string or a list of strings"),
            )),
        }
    }
}

/// A rule's regex, with (for prose and raw scopes) a twin that finds in one search of the whole
/// file where the regex may match. The twin is the regex without its look-around assertions
/// (`^`, `$`, `\b`), so every match of the regex in a scope range is a match of the twin at the
/// same place in the file: ranges that end before the twin's next match hold none, and are
/// never searched one by one.
/// Most files have no match at all, and most scopes are many short ranges.
#[derive(Debug)]
struct Pattern {
    regex: Regex,
    /// `None` for sparse scopes, and when the twin could match the empty string, and so
    /// everywhere.
    twin: Option<Hir>,
    /// The twin's automaton, for a rule that searches alone (see [`SharedLocator`]); built by
    /// [`Pattern::search_alone`] once the pack knows which rules share a search.
    locator: Option<meta::Regex>,
}

impl Pattern {
    /// `dense`: the rule's scope covers most of a file in long ranges. Sparse scopes (headings,
    /// link texts, one frontmatter value) are cheaper to search range by range than to search
    /// the whole file between them.
    fn new(regex: Regex, ignore_case: bool, dense: bool) -> Self {
        let parsed = || {
            ParserBuilder::new()
                .case_insensitive(ignore_case)
                .build()
                .parse(regex.as_str())
                .ok()
        };
        let twin = dense
            .then(parsed)
            .flatten()
            .map(without_look_around)
            .filter(|hir| hir.properties().minimum_len().is_some_and(|len| len > 0));
        Pattern {
            regex,
            twin,
            locator: None,
        }
    }

    /// Gives the pattern its own automaton, for a rule that shares no search.
    fn search_alone(&mut self) {
        self.locator = self
            .twin
            .as_ref()
            .and_then(|hir| locator(std::slice::from_ref(hir)));
    }

    /// Calls `search` on each of `ranges` (in order, sorted and apart) that may hold a match.
    fn for_each_candidate(
        &self,
        source: &str,
        ranges: &[Range<usize>],
        mut search: impl FnMut(&Range<usize>),
    ) {
        match &self.locator {
            Some(locator) => candidates(locator, source, ranges, |i| search(&ranges[i])),
            None => ranges.iter().for_each(search),
        }
    }
}

/// One automaton for the twins of several patterns.
fn locator(twins: &[Hir]) -> Option<meta::Regex> {
    meta::Regex::builder()
        .configure(meta::Regex::config().nfa_size_limit(Some(REGEX_SIZE_LIMIT)))
        .build_many_from_hir(twins)
        .ok()
}

/// Calls `visit` with the index of each of `ranges` (sorted and apart) that holds a match of
/// `locator`'s, searching the text once from range to range.
fn candidates(
    locator: &meta::Regex,
    source: &str,
    ranges: &[Range<usize>],
    mut visit: impl FnMut(usize),
) {
    let mut next = 0;
    while let (Some(first), Some(last)) = (ranges.get(next), ranges.last()) {
        let input = Input::new(source).span(first.start..last.end);
        let Some(found) = locator.find(input) else {
            return;
        };
        next += ranges[next..].partition_point(|range| range.end <= found.start());
        if next == ranges.len() {
            return;
        }
        visit(next);
        next += 1;
    }
}

/// The twins of every pattern of a pack's prose rules in one automaton: one search of a file
/// finds the prose ranges where any of these rules may match, instead of one search per rule.
/// The first of the rules to run on a file works them out and leaves them in the file's
/// [`Document`] for the others.
#[derive(Debug)]
struct SharedLocator {
    /// Tells this pack's ranges from another pack's in a document.
    id: usize,
    regex: meta::Regex,
}

impl SharedLocator {
    /// Shared by the prose rules of `rules` whose patterns all have twins, when there are two
    /// or more.
    fn share(rules: &mut [PackRule]) {
        static NEXT_ID: AtomicUsize = AtomicUsize::new(0);
        let sharing: Vec<usize> = (0..rules.len())
            .filter(|&i| rules[i].scope == Scope::Prose && rules[i].twins().is_some())
            .collect();
        if sharing.len() < 2 {
            return;
        }
        let twins: Vec<Hir> = sharing
            .iter()
            .flat_map(|&i| rules[i].twins().unwrap_or_default())
            .collect();
        let Some(regex) = locator(&twins) else {
            return;
        };
        let shared = Arc::new(SharedLocator {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            regex,
        });
        for i in sharing {
            rules[i].shared = Some(shared.clone());
        }
    }

    /// The indices of the prose ranges of `doc` where one of the sharing rules may match.
    fn candidates(&self, doc: &Document) -> Arc<[usize]> {
        doc.pack_candidates(self.id, || {
            let mut found = Vec::new();
            candidates(&self.regex, doc.source, &doc.prose().ranges, |i| {
                found.push(i)
            });
            found
        })
    }
}

/// `hir` with every look-around assertion replaced by the empty regex, which matches wherever
/// the assertion would and elsewhere too.
fn without_look_around(hir: Hir) -> Hir {
    match hir.into_kind() {
        HirKind::Look(_) | HirKind::Empty => Hir::empty(),
        HirKind::Literal(literal) => Hir::literal(literal.0),
        HirKind::Class(class) => Hir::class(class),
        HirKind::Capture(capture) => without_look_around(*capture.sub),
        HirKind::Repetition(repetition) => Hir::repetition(Repetition {
            sub: Box::new(without_look_around(*repetition.sub)),
            ..repetition
        }),
        HirKind::Concat(parts) => Hir::concat(parts.into_iter().map(without_look_around).collect()),
        HirKind::Alternation(parts) => {
            Hir::alternation(parts.into_iter().map(without_look_around).collect())
        }
    }
}

/// The compiled size a rule's regex may take, generous for word lists.
const REGEX_SIZE_LIMIT: usize = 1 << 22;

fn compile(
    file: &RuleFile,
    pattern: &str,
    pointer: &str,
    ignore_case: bool,
) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .case_insensitive(ignore_case)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|error| {
            file.error(
                pointer,
                true,
                format!("bad regex: {}", one_line(&error.to_string())),
            )
        })
}

fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads and checks one rule file.
fn parse_rule(name: &str, text: &str, pack: &str) -> Result<PackRule, String> {
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
                FrontmatterProblem::Unterminated => ("unreadable".to_string(), 0..0),
            };
            return Err(format!("{}: {message}", place(Path::new(name), text, span)));
        }
    };
    let file = RuleFile { name, text, data };
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
    let severity = match file.string("level")?.as_deref() {
        None | Some("warning") => Severity::Warning,
        Some("error") => Severity::Error,
        Some(other) => {
            return Err(file.error(
                "/level",
                true,
                format!("level must be `error` or `warning`, not `{other}`"),
            ))
        }
    };
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
                    compile(&file, pattern, pointer, ignore_case)
                        .map(|regex| Pattern::new(regex, ignore_case, scope.is_dense()))
                })
                .collect::<Result<_, _>>()?;
            let unless = file
                .strings("unless")?
                .iter()
                .map(|(pattern, pointer)| compile(&file, pattern, pointer, ignore_case))
                .collect::<Result<_, _>>()?;
            Matcher::Pattern {
                patterns,
                unless,
                fix,
            }
        }
        "words" => {
            if fix.is_some() || keys.contains_key("unless") {
                return Err(file.error(
                    "/words",
                    false,
                    "`words` rules take their replacements from the map, not `fix` or `unless`",
                ));
            }
            words_matcher(&file, ignore_case.unwrap_or(true), scope.is_dense())?
        }
        _ => {
            if fix.is_some() || keys.contains_key("unless") || keys.contains_key("ignore-case") {
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
    // Rule metadata lives for the whole run, like the built-ins'; a pack is loaded once.
    let meta: &'static RuleMeta = Box::leak(Box::new(RuleMeta {
        id: Box::leak(id.into_boxed_str()),
        default_severity: severity,
        fix: if fixable {
            FixAbility::Sometimes
        } else {
            FixAbility::Never
        },
        summary: Box::leak(summary.into_boxed_str()),
        docs: Box::leak(docs.into_boxed_str()),
    }));
    Ok(PackRule {
        meta,
        pack: pack.to_string(),
        scope,
        matcher,
        shared: None,
        message,
        applicability,
        flag_examples,
        pass_examples,
    })
}

fn words_matcher(file: &RuleFile, ignore_case: bool, dense: bool) -> Result<Matcher, String> {
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
        compile(file, &pattern, "/words", ignore_case)?,
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

fn examples(file: &RuleFile) -> Result<(Vec<Example>, Vec<String>), String> {
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

/// The description's first sentence, on one line and starting lowercase like the built-ins'
/// summaries, for `galley rules`.
fn first_sentence(description: &str) -> String {
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
fn docs_text(
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

/// Loads every `*.yaml` rule of a folder (not its subfolders), all or nothing.
pub fn load_pack_folder(folder: &Path, pack: &str) -> Result<Vec<PackRule>, String> {
    let entries = std::fs::read_dir(folder)
        .map_err(|error| format!("{}: cannot read the rule pack: {error}", folder.display()))?;
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.is_file()
                && path
                    .extension()
                    .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path)
            .map_err(|error| format!("{}: cannot read: {error}", path.display()))?;
        files.push((path.display().to_string(), text));
    }
    parse_pack(&files, pack)
}

/// The embedded default pack.
pub fn default_pack() -> Result<Vec<PackRule>, String> {
    let mut files: Vec<(String, String)> = DEFAULT_PACK
        .files()
        .filter(|file| {
            file.path()
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .map(|file| {
            let name = format!("rules/{}", file.path().display());
            (name, file.contents_utf8().unwrap_or_default().to_string())
        })
        .collect();
    files.sort();
    parse_pack(&files, DEFAULT_PACK_NAME)
}

fn parse_pack(files: &[(String, String)], pack: &str) -> Result<Vec<PackRule>, String> {
    let mut errors = Vec::new();
    let mut rules: Vec<PackRule> = Vec::new();
    for (name, text) in files {
        match parse_rule(name, text, pack) {
            Ok(rule) => {
                if rules.iter().any(|other| other.meta.id == rule.meta.id)
                    || crate::rule::find_rule(rule.meta.id).is_some()
                {
                    let file = RuleFile {
                        name,
                        text,
                        data: parse_yaml(text, 0..text.len()).unwrap_or_default(),
                    };
                    errors.push(file.error(
                        "/id",
                        true,
                        format!("duplicate rule id `{}`", rule.meta.id),
                    ));
                } else {
                    rules.push(rule);
                }
            }
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    SharedLocator::share(&mut rules);
    for rule in rules.iter_mut().filter(|rule| rule.shared.is_none()) {
        rule.patterns_mut()
            .iter_mut()
            .for_each(Pattern::search_alone);
    }
    Ok(rules)
}

/// Replaces `{match}`, `{replacement}`, `{value}`, `{expected}`, `{1}` and `{name}` in a
/// message.
fn fill(message: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut filled = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        filled.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                let name = &rest[open + 1..open + close];
                match lookup(name) {
                    Some(value) => filled.push_str(&value),
                    None => filled.push_str(&rest[open..open + close + 1]),
                }
                rest = &rest[open + close + 1..];
            }
            None => {
                filled.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    filled.push_str(rest);
    filled
}

/// `replacement` written in the case of `found`: `Gratis` gives `Komplementære`.
fn keep_case(found: &str, replacement: &str) -> String {
    let letters: Vec<char> = found.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        return replacement.to_uppercase();
    }
    match (found.chars().next(), replacement.chars().next()) {
        (Some(first), Some(r)) if first.is_uppercase() => r
            .to_uppercase()
            .chain(replacement.chars().skip(1))
            .collect(),
        _ => replacement.to_string(),
    }
}

impl Scope {
    /// Whether the scope covers most of a file, in long ranges.
    fn is_dense(&self) -> bool {
        matches!(self, Scope::Prose | Scope::Raw)
    }
}

impl PackRule {
    /// The twins of all the rule's patterns, if every one has a twin.
    fn twins(&self) -> Option<Vec<Hir>> {
        match &self.matcher {
            Matcher::Pattern { patterns, .. } => patterns
                .iter()
                .map(|pattern| pattern.twin.clone())
                .collect(),
            Matcher::Words { regex, .. } => regex.twin.clone().map(|twin| vec![twin]),
            Matcher::Frontmatter { .. } => None,
        }
    }

    fn patterns_mut(&mut self) -> &mut [Pattern] {
        match &mut self.matcher {
            Matcher::Pattern { patterns, .. } => patterns,
            Matcher::Words { regex, .. } => std::slice::from_mut(regex),
            Matcher::Frontmatter { .. } => &mut [],
        }
    }

    /// Calls `search` on each scope range that may hold a match of `pattern`.
    fn for_each_candidate(
        &self,
        doc: &Document,
        ranges: &[Range<usize>],
        pattern: &Pattern,
        mut search: impl FnMut(&Range<usize>),
    ) {
        match &self.shared {
            Some(shared) => shared
                .candidates(doc)
                .iter()
                .for_each(|&i| search(&ranges[i])),
            None => pattern.for_each_candidate(doc.source, ranges, search),
        }
    }

    /// The byte ranges of the file this rule reads.
    fn scope_ranges<'d>(&self, doc: &'d Document) -> Cow<'d, [Range<usize>]> {
        match &self.scope {
            Scope::Prose => Cow::Borrowed(&doc.prose().ranges),
            Scope::Raw => Cow::Owned(std::iter::once(0..doc.source.len()).collect()),
            Scope::Heading => inner_ranges(doc, |tag| matches!(tag, Tag::Heading { .. })).into(),
            Scope::LinkText => inner_ranges(doc, |tag| matches!(tag, Tag::Link { .. })).into(),
            Scope::Frontmatter(pointer) => doc
                .frontmatter
                .as_ref()
                .and_then(|fm| fm.data())
                .and_then(|data| data.nodes.iter().find(|node| node.pointer == *pointer))
                .map(|node| unquote(doc.source, node.value.clone()))
                .into_iter()
                .collect(),
        }
    }

    fn diagnostic(
        &self,
        span: Range<usize>,
        message: String,
        replacement: Option<String>,
    ) -> Diagnostic {
        let diagnostic = Diagnostic::new(self.meta.id, span.clone(), message);
        match replacement {
            Some(replacement) => {
                let edit = Edit::replace(span, replacement.clone());
                let fix_message = format!("write `{replacement}`");
                diagnostic
                    .with_help(format!("write `{replacement}`"))
                    .with_fix(Fix {
                        applicability: self.applicability,
                        message: fix_message,
                        edits: vec![edit],
                    })
            }
            None => diagnostic,
        }
    }
}

/// The source covered by what is inside each element whose start tag `wanted` accepts.
fn inner_ranges(doc: &Document, wanted: impl Fn(&Tag) -> bool) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut open: Option<Option<Range<usize>>> = None;
    let mut depth = 0usize;
    for (event, range) in &doc.events {
        match event {
            Event::Start(tag) if open.is_none() && wanted(tag) => {
                open = Some(None);
                depth = 0;
            }
            Event::Start(_) if open.is_some() => depth += 1,
            Event::End(TagEnd::Heading(_) | TagEnd::Link) if open.is_some() && depth == 0 => {
                if let Some(Some(inner)) = open.take() {
                    ranges.push(inner);
                }
            }
            Event::End(_) if open.is_some() => depth = depth.saturating_sub(1),
            _ => {}
        }
        if let Some(inner) = open.as_mut() {
            if matches!(event, Event::Text(_) | Event::Code(_))
                || matches!(event, Event::End(_)) && depth > 0
            {
                let covered = inner.get_or_insert(range.clone());
                covered.start = covered.start.min(range.start);
                covered.end = covered.end.max(range.end);
            }
        }
    }
    ranges
}

/// A quoted YAML scalar's text without its quotes.
fn unquote(source: &str, span: Range<usize>) -> Range<usize> {
    let text = &source[span.clone()];
    let quoted = text.len() >= 2
        && (text.starts_with('"') && text.ends_with('"')
            || text.starts_with('\'') && text.ends_with('\''));
    if quoted {
        span.start + 1..span.end - 1
    } else {
        span
    }
}

/// Whether `text[range]` stands as whole words: no letter or digit right before or after it.
fn whole_word(text: &str, range: Range<usize>) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    !text[..range.start].chars().next_back().is_some_and(is_word)
        && !text[range.end..].chars().next().is_some_and(is_word)
}

/// The text of the first level-1 heading.
fn first_heading(doc: &Document) -> Option<String> {
    let mut text: Option<String> = None;
    for (event, _) in &doc.events {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => text = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(text) = text.as_mut() {
                    text.push_str(t);
                }
            }
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                return text.map(|t| t.trim().to_string())
            }
            _ => {}
        }
    }
    None
}

impl Rule for PackRule {
    fn check(&self, doc: &Document, out: &mut Vec<Diagnostic>) {
        match &self.matcher {
            Matcher::Pattern {
                patterns,
                unless,
                fix,
            } => {
                let ranges = self.scope_ranges(doc);
                for pattern in patterns {
                    self.for_each_candidate(doc, &ranges, pattern, |range| {
                        let text = &doc.source[range.clone()];
                        // Find first (fast), then work out the groups for the rare match.
                        for found in pattern.regex.find_iter(text) {
                            let Some(captures) = pattern.regex.captures_at(text, found.start())
                            else {
                                continue;
                            };
                            let whole = captures.get(0).expect("a match has group 0");
                            if whole.is_empty() || unless.iter().any(|u| u.is_match(whole.as_str()))
                            {
                                continue;
                            }
                            let message = fill(&self.message, |name| match name {
                                "match" => Some(whole.as_str().to_string()),
                                _ => match name.parse::<usize>() {
                                    Ok(i) => captures.get(i).map(|m| m.as_str().to_string()),
                                    Err(_) => captures.name(name).map(|m| m.as_str().to_string()),
                                },
                            });
                            let replacement = fix.as_ref().map(|template| {
                                let mut replaced = String::new();
                                captures.expand(template, &mut replaced);
                                replaced
                            });
                            let span = range.start + whole.start()..range.start + whole.end();
                            out.push(self.diagnostic(span, message, replacement));
                        }
                    });
                }
            }
            Matcher::Words {
                regex,
                replacements,
            } => {
                let ranges = self.scope_ranges(doc);
                self.for_each_candidate(doc, &ranges, regex, |range| {
                    let text = &doc.source[range.clone()];
                    for found in regex
                        .regex
                        .find_iter(text)
                        .filter(|m| whole_word(text, m.range()))
                    {
                        let key = found
                            .as_str()
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                            .to_lowercase();
                        let replacement = replacements
                            .get(&key)
                            .map(|to| keep_case(found.as_str(), to));
                        let message = fill(&self.message, |name| match name {
                            "match" => Some(found.as_str().to_string()),
                            "replacement" => replacement.clone(),
                            _ => None,
                        });
                        let span = range.start + found.start()..range.start + found.end();
                        out.push(self.diagnostic(span, message, replacement));
                    }
                });
            }
            Matcher::Frontmatter { field, equals } => {
                let Some(data) = doc.frontmatter.as_ref().and_then(|fm| fm.data()) else {
                    return;
                };
                let (Some(value), Some(node)) = (
                    data.str_value(field),
                    data.nodes.iter().find(|n| n.pointer == format!("/{field}")),
                ) else {
                    return;
                };
                let expected = match equals {
                    FieldSource::FirstHeading => first_heading(doc),
                    FieldSource::FileName => doc
                        .path
                        .as_ref()
                        .and_then(|p| p.file_stem())
                        .map(|s| s.to_string_lossy().into_owned()),
                };
                if let Some(expected) = expected.filter(|expected| expected != value) {
                    let message = fill(&self.message, |name| match name {
                        "value" | "match" => Some(value.to_string()),
                        "expected" => Some(expected.clone()),
                        _ => None,
                    });
                    out.push(
                        self.diagnostic(node.value.clone(), message, None)
                            .with_help(format!("expected `{expected}`")),
                    );
                }
            }
        }
    }
}

/// The outcome of running a pack's examples: one line per failure.
pub fn test_examples(rules: &[Arc<PackRule>]) -> Vec<String> {
    let mut failures = Vec::new();
    for rule in rules {
        let id = rule.meta.id;
        let lint = |text: &str| {
            let mut doc = Document::parse(text);
            doc.path = Some(std::path::PathBuf::from("example.md"));
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

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use super::*;

    fn rule(yaml: &str) -> Result<PackRule, String> {
        parse_rule("r.yaml", yaml, "test")
    }

    fn found(rule: &PackRule, text: &str) -> Vec<String> {
        let doc = Document::parse(text);
        let mut out = Vec::new();
        rule.check(&doc, &mut out);
        out.into_iter()
            .map(|d| format!("{}|{}", &text[d.span.clone()], d.message))
            .collect()
    }

    const BASE: &str = "id: t\nmessage: \"found {match}\"\ndescription: A test.\n";

    #[test]
    fn bad_files_name_their_place() {
        let cases = [
            (
                format!("{BASE}pattern: '(unclosed'\n"),
                "r.yaml:4:10: bad regex",
            ),
            (
                format!("{BASE}pattern: x\nscope: sideways\n"),
                "r.yaml:5:8: unknown scope `sideways`",
            ),
            (
                format!("{BASE}pattern: x\ncolour: red\n"),
                "r.yaml:5:1: unknown key `colour`",
            ),
            (
                format!("{BASE}pattern: x\nwords: [a]\n"),
                "r.yaml:1:1: a rule has exactly one of",
            ),
            (
                "id: t\nid: u\n".to_string(),
                "r.yaml:2:1: duplicate key `id`",
            ),
            (
                format!("{BASE}words: {{a: 1}}\n"),
                "r.yaml:4:12: a replacement is a string",
            ),
        ];
        for (yaml, expected) in cases {
            let error = rule(&yaml).unwrap_err();
            assert!(error.starts_with(expected), "{yaml}\n=> {error}");
        }
    }

    #[test]
    fn scopes_keep_to_their_text() {
        let prose = rule(&format!("{BASE}pattern: 'x+'\n")).unwrap();
        let text = "---\nt: xx\n---\nxa `xb` [xc](/xd) <b>xe</b>\n\n```\nxf\n```\n";
        // `xa`, the link text `xc`, and `xe` between inline tags; not code, destinations or
        // frontmatter.
        assert_eq!(found(&prose, text), ["x|found x", "x|found x", "x|found x"]);
        let raw = rule(&format!("{BASE}pattern: 'x[a-z]'\nscope: raw\n")).unwrap();
        assert_eq!(found(&raw, text).len(), 7);
        let link = rule(&format!("{BASE}pattern: 'x.'\nscope: link-text\n")).unwrap();
        assert_eq!(found(&link, text), ["xc|found xc"]);
        let heading = rule(&format!("{BASE}pattern: '\\.$'\nscope: heading\n")).unwrap();
        assert_eq!(found(&heading, "# Tittel.\n\nTekst.\n"), [".|found ."]);
        let key = rule(&format!(
            "{BASE}pattern: '^.{{5,}}$'\nscope: frontmatter.title\n"
        ))
        .unwrap();
        assert_eq!(
            found(&key, "---\ntitle: \"Lang tittel\"\n---\n"),
            ["Lang tittel|found Lang tittel"]
        );
    }

    #[test]
    fn patterns_fix_with_captures_and_respect_unless() {
        let r = rule(&format!(
            "{BASE}pattern: '(\\d+) ?%'\nfix: '$1 %'\nunless: ['^\\d+ %$']\n"
        ))
        .unwrap();
        let doc = Document::parse("25% og 30 %\n");
        let mut out = Vec::new();
        r.check(&doc, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].fix.as_ref().unwrap().edits[0].replacement, "25 %");
    }

    #[test]
    fn words_are_whole_words_with_case_kept() {
        let r = rule("id: t\nmessage: '{match} -> {replacement}'\ndescription: D.\nwords:\n  gratis ressurser: komplementære ressurser\n  idag: i dag\n").unwrap();
        assert_eq!(
            found(&r, "Gratis  ressurser finnes. Idag, ikke idagen.\n"),
            [
                "Gratis  ressurser|Gratis  ressurser -> Komplementære ressurser",
                "Idag|Idag -> I dag"
            ]
        );
    }

    #[test]
    fn frontmatter_fields_match_the_first_heading() {
        let r = rule("id: t\nmessage: 'title {value} is not {expected}'\ndescription: D.\nfrontmatter: {field: title, equals: first-heading}\n").unwrap();
        assert_eq!(
            found(&r, "---\ntitle: Aksje\n---\n# Aksjer\n"),
            ["Aksje|title Aksje is not Aksjer"]
        );
        assert!(found(&r, "---\ntitle: Aksje\n---\n# Aksje\n").is_empty());
    }

    #[test]
    fn the_default_pack_loads_and_its_examples_hold() {
        let rules: Vec<Arc<PackRule>> = default_pack().unwrap().into_iter().map(Arc::new).collect();
        assert!(
            rules.len() >= 8,
            "the default pack has {} rules",
            rules.len()
        );
        assert_eq!(test_examples(&rules), Vec::<String>::new());
        for rule in &rules {
            assert!(
                !rule.flag_examples.is_empty() && !rule.pass_examples.is_empty(),
                "{} needs examples",
                rule.meta.id
            );
        }
    }

    /// Every match `pattern` finds range by range, with or without its locator.
    fn matches_in(pattern: &Pattern, source: &str, ranges: &[Range<usize>]) -> Vec<Range<usize>> {
        let mut found = Vec::new();
        pattern.for_each_candidate(source, ranges, |range| {
            let text = &source[range.clone()];
            found.extend(
                pattern
                    .regex
                    .find_iter(text)
                    .map(|m| range.start + m.start()..range.start + m.end()),
            );
        });
        found
    }

    proptest::proptest! {
        /// The locator only skips ranges that hold no match: look-around assertions at range
        /// edges, matches that would run across a gap, ranges that touch.
        #[test]
        fn the_locator_skips_only_ranges_without_matches(
            source in "[ab .\n\"-]{0,40}",
            cuts in proptest::collection::vec(0usize..40, 0..8),
            which in 0usize..9,
        ) {
            const PATTERNS: [&str; 9] = [
                r"^a", r"b$", r"(?m)^a b", r"\ba\b", r"\Bb",
                r#""[^"]+""#, r"a +b", r"\.\.", r"(?i)A-B",
            ];
            let regex = Regex::new(PATTERNS[which]).unwrap();
            let mut with_locator = Pattern::new(regex.clone(), false, true);
            with_locator.search_alone();
            proptest::prop_assert!(with_locator.locator.is_some());
            let without = Pattern { regex, twin: None, locator: None };
            // Sorted cut points, taken in pairs as ranges: apart, touching or empty.
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(source.len())).collect();
            cuts.sort_unstable();
            let ranges: Vec<Range<usize>> = cuts.chunks_exact(2).map(|p| p[0]..p[1]).collect();
            proptest::prop_assert_eq!(
                matches_in(&with_locator, &source, &ranges),
                matches_in(&without, &source, &ranges)
            );
        }
    }

    #[test]
    fn sparse_scopes_and_empty_matching_twins_have_no_locator() {
        let searching_alone = |pattern: &str, ignore_case: bool, dense: bool| {
            let mut pattern = Pattern::new(Regex::new(pattern).unwrap(), ignore_case, dense);
            pattern.search_alone();
            pattern
        };
        assert!(searching_alone("a", false, false).locator.is_none());
        // Without `^`, the twin of `^x?` matches the empty string, so everywhere.
        assert!(searching_alone("^x?", false, true).locator.is_none());
        assert!(searching_alone(r"\bidag\b", true, true).locator.is_some());
    }

    /// Four prose rules as one pack (sharing one search), and each alone.
    static SHARING: LazyLock<(Vec<PackRule>, Vec<PackRule>)> = LazyLock::new(|| {
        let files: Vec<(String, String)> = [
            r"pattern: '^a'",
            r"pattern: ['b$', '\ba\b\s']",
            r"pattern: '(\S)  +(\S)'",
            "words: [ab, b a]",
        ]
        .iter()
        .enumerate()
        .map(|(i, matcher)| {
            let text = format!("id: r{i}\nmessage: m\ndescription: D.\n{matcher}\n");
            (format!("r{i}.yaml"), text)
        })
        .collect();
        let alone = files
            .iter()
            .map(|(name, text)| {
                let mut rule = parse_rule(name, text, "test").unwrap();
                rule.patterns_mut()
                    .iter_mut()
                    .for_each(Pattern::search_alone);
                rule
            })
            .collect();
        (parse_pack(&files, "test").unwrap(), alone)
    });

    proptest::proptest! {
        /// The search a pack's prose rules share finds what each rule finds alone.
        #[test]
        fn a_shared_search_finds_what_each_rule_finds_alone(
            source in "[ab \"`.*\n-]{0,60}",
        ) {
            let (pack, alone) = &*SHARING;
            proptest::prop_assert!(pack.iter().all(|rule| rule.shared.is_some()));
            let doc = Document::parse(&source);
            let spans = |rule: &PackRule| {
                let mut out = Vec::new();
                rule.check(&doc, &mut out);
                out.into_iter().map(|d| d.span).collect::<Vec<_>>()
            };
            for (shared, alone) in pack.iter().zip(alone) {
                proptest::prop_assert_eq!(spans(shared), spans(alone), "{}", alone.meta.id);
            }
        }
    }
}
