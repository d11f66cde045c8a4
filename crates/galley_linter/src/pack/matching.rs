//! Running a rule on a document: its scope's ranges, the matches in them, the diagnostics.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use regex_automata::Span;

use super::compiled::captures_at;
use super::{FieldSource, Matcher, PackRule, Scope};
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::fix::{Edit, Fix};
use crate::rule::Rule;

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

impl PackRule {
    /// The byte ranges of the file this rule reads.
    fn scope_ranges<'d>(&self, doc: &'d Document) -> Cow<'d, [Range<usize>]> {
        match &self.scope {
            Scope::Prose => Cow::Borrowed(&doc.prose().ranges),
            Scope::Raw => Cow::Owned(std::iter::once(0..doc.source.len()).collect()),
            Scope::Heading => outside_templates(
                doc,
                inner_ranges(doc, |tag| matches!(tag, Tag::Heading { .. })),
            )
            .into(),
            Scope::LinkText => outside_templates(
                doc,
                inner_ranges(doc, |tag| matches!(tag, Tag::Link { .. })),
            )
            .into(),
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
        let diagnostic = Diagnostic::new(span.clone(), message);
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

/// `ranges` without those inside template syntax (a "heading" in a Hugo `tab` of TOML is a
/// comment) and without template syntax that ends them (a closing emoji code such as `:bow:` is
/// no punctuation). Template syntax inside a heading stays: cut out, it would leave the text
/// before it looking like the heading's end.
fn outside_templates(doc: &Document, ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let templates = doc.templates();
    if templates.is_empty() {
        return ranges;
    }
    ranges
        .into_iter()
        .filter_map(|mut range| {
            // Template spans are sorted and apart: the one reaching the range's end, if any,
            // is the last to start before it.
            let before_end = templates.partition_point(|span| span.start < range.end);
            let mut spans = templates[..before_end].iter().rev();
            while let Some(span) = spans.next().filter(|span| span.end >= range.end) {
                if span.start <= range.start {
                    return None;
                }
                range.end = doc.source[range.start..span.start].trim_end().len() + range.start;
            }
            (!range.is_empty()).then_some(range)
        })
        .collect()
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
        if doc
            .generator
            .is_some_and(|generator| self.not_on.contains(&generator))
        {
            return;
        }
        let in_its_language = || {
            doc.language()
                .is_some_and(|language| crate::language::matches(language, &self.languages))
        };
        // Before its regexes are compiled, telling the page's language costs less than
        // compiling them: a one-page run in another language compiles none. It is asked at
        // the first range the rule would search, not before: most pages give a rule none,
        // and until a regex is compiled every page would be asked (on one thread, 1,900 of
        // 10,000 generated pages, 2% of a run, before one had a range for `bokmal-spelling`).
        let may_search = || self.languages.is_empty() || self.is_compiled() || in_its_language();
        let found_before = out.len();
        self.find(doc, out, may_search);
        // Otherwise the page's language is asked only when the rule found something: most
        // pages give a language-scoped rule nothing to report, and telling their language
        // costs more than the search.
        if out.len() > found_before && !self.languages.is_empty() && !in_its_language() {
            out.truncate(found_before);
        }
    }
}

impl PackRule {
    /// Searches the ranges that may hold a match, once `may_search` (asked at the first)
    /// allows it.
    fn find(&self, doc: &Document, out: &mut Vec<Diagnostic>, may_search: impl Fn() -> bool) {
        let mut searching = None;
        let mut allowed = || *searching.get_or_insert_with(&may_search);
        match &self.matcher {
            Matcher::Pattern {
                patterns,
                unless,
                hanging_indent,
                fix,
            } => {
                let ranges = self.scope_ranges(doc);
                for pattern in patterns {
                    self.for_each_candidate(doc, &ranges, pattern, |range| {
                        if !allowed() {
                            return;
                        }
                        let text = &doc.source[range.clone()];
                        // Find first (fast), then work out the groups for the rare match.
                        let regex = pattern.regex();
                        for found in regex.find_iter(text) {
                            let Some(captures) = captures_at(regex, text, found.start()) else {
                                continue;
                            };
                            let group = |span: Option<Span>| span.map(|span| &text[span.range()]);
                            let whole = captures.get_match().expect("a match has group 0");
                            let whole_text = &text[whole.range()];
                            if whole.is_empty() || unless.iter().any(|u| u.is_match(whole_text)) {
                                continue;
                            }
                            let message = fill(&self.message, |name| {
                                let found = match name {
                                    "match" => Some(whole_text),
                                    _ => match name.parse::<usize>() {
                                        Ok(i) => group(captures.get_group(i)),
                                        Err(_) => group(captures.get_group_by_name(name)),
                                    },
                                };
                                found.map(str::to_string)
                            });
                            let replacement = fix.as_ref().map(|template| {
                                let mut replaced = String::new();
                                captures.interpolate_string_into(text, template, &mut replaced);
                                replaced
                            });
                            let span = range.start + whole.start()..range.start + whole.end();
                            if *hanging_indent && aligns_with_hanging_indent(doc.source, &span) {
                                continue;
                            }
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
                    if !allowed() {
                        return;
                    }
                    let text = &doc.source[range.clone()];
                    for found in regex
                        .regex()
                        .find_iter(text)
                        .filter(|m| whole_word(text, m.range()))
                    {
                        let found_text = &text[found.range()];
                        let key = found_text
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                            .to_lowercase();
                        let replacement =
                            replacements.get(&key).map(|to| keep_case(found_text, to));
                        let message = fill(&self.message, |name| match name {
                            "match" => Some(found_text.to_string()),
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

/// Whether the last character of `span` starts at the column where the text of the line
/// above or below starts, that line being indented by two or more spaces: the spaces before
/// it align the text with a hanging indent (`` `encoding`:   What … `` over `              used …`).
fn aligns_with_hanging_indent(source: &str, span: &Range<usize>) -> bool {
    let Some(last) = source[..span.end].chars().next_back() else {
        return false;
    };
    let at = span.end - last.len_utf8();
    let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..at].chars().count();
    let line_end = source[at..].find('\n').map_or(source.len(), |i| at + i);
    let above = source[..line_start.saturating_sub(1)]
        .rsplit('\n')
        .next()
        .filter(|_| line_start > 0);
    let below = source
        .get(line_end + 1..)
        .and_then(|rest| rest.split('\n').next());
    [above, below].into_iter().flatten().any(|line| {
        let text = line.trim_start_matches(' ');
        let indent = line.len() - text.len();
        indent >= 2 && indent == column && !text.trim().is_empty()
    })
}
