//! A page's headings and their anchors, as GitHub and Python-Markdown write them.

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Tag, TagEnd};
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::document::Document;

/// A heading as an editor needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heading {
    pub anchor: String,
    pub text: String,
    pub level: u8,
    /// The whole heading, marks included.
    pub span: Range<usize>,
    /// Its text as written (from its first to its last text), without the `#` marks or an
    /// `{#id}`: what renaming the heading replaces.
    pub text_span: Range<usize>,
}

/// An `id` in a heading's trailing attribute list: `{ #id }` or `{ id="id" }`.
static ATTRIBUTE_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\{[^}]*?(?:#([\w.:-]+)|(?-u:\b)id=(?:"([^"]+)"|([\w.:-]+)))[^}]*\}\s*#*\s*$"#)
        .expect("valid regex")
});

/// `a--b-` as Python-Markdown writes it: `a-b`; `None` when that is `anchor` as it is (most
/// anchors: no copy made).
pub(super) fn collapse_dashes(anchor: &str) -> Option<String> {
    let doubled = anchor.as_bytes().windows(2).any(|pair| pair == b"--");
    let loose = anchor.starts_with('-') || anchor.ends_with('-') || doubled;
    if !loose {
        return None;
    }
    let mut collapsed = String::with_capacity(anchor.len());
    for c in anchor.chars() {
        if c == '-' && (collapsed.is_empty() || collapsed.ends_with('-')) {
            continue;
        }
        collapsed.push(c);
    }
    Some(collapsed.trim_end_matches('-').to_string())
}

/// GitHub's heading anchor: lowercase, punctuation dropped, letters of every script kept,
/// spaces turned into `-`.
pub fn github_anchor(text: &str) -> String {
    let mut anchor = String::with_capacity(text.len());
    let mut keep = |c: char| match c {
        ' ' => anchor.push('-'),
        '-' | '_' => anchor.push(c),
        c if c.is_alphanumeric() => anchor.push(c),
        _ => {}
    };
    for c in text.trim().chars() {
        // Most headings are ASCII, whose lowercase needs no table.
        if c.is_ascii() {
            keep(c.to_ascii_lowercase());
        } else {
            c.to_lowercase().for_each(&mut keep);
        }
    }
    anchor
}

/// The document's headings with their anchors, as GitHub numbers repeated ones.
pub(super) fn headings(doc: &Document) -> Vec<Heading> {
    let mut found = Vec::new();
    // The heading being read: its explicit id, and the heading with its text so far.
    let mut open: Option<(Option<String>, Heading)> = None;
    // The headings whose anchors GitHub numbers when repeated (those without an id).
    let mut numbered = Vec::new();
    for (event, range) in &doc.events {
        match event {
            Event::Start(Tag::Heading { id, level, .. }) => {
                let heading = Heading {
                    anchor: String::new(),
                    text: String::new(),
                    level: *level as u8,
                    span: range.clone(),
                    text_span: range.end..range.end,
                };
                // An attribute list the parser left in the text: `{ id="9.7.0" }`.
                let line = doc.source[range.clone()].lines().next().unwrap_or_default();
                let listed = (line
                    .contains('{')
                    .then(|| ATTRIBUTE_ID.captures(line))
                    .flatten())
                .and_then(|found| {
                    let id = found
                        .get(1)
                        .or_else(|| found.get(2))
                        .or_else(|| found.get(3));
                    id.map(|id| id.as_str().to_string())
                });
                open = Some((id.as_ref().map(|id| id.to_string()).or(listed), heading));
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, heading)) = open.as_mut() {
                    if heading.text.is_empty() {
                        heading.text_span.start = range.start;
                    }
                    heading.text.push_str(text);
                    heading.text_span.end = range.end;
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((explicit, mut heading)) = open.take() {
                    heading.text_span.start = heading.text_span.start.min(heading.text_span.end);
                    match explicit {
                        Some(id) => heading.anchor = id,
                        None => {
                            heading.anchor = github_anchor(&heading.text);
                            numbered.push(found.len());
                        }
                    }
                    found.push(heading);
                }
            }
            _ => {}
        }
    }
    number_repeats(&mut found, numbered);
    found
}

/// GitHub numbers a repeated anchor in the order of the headings: the second `a` is `a-1`,
/// the third `a-2`. Told by sorting, which copies no anchor (most pages repeat none).
fn number_repeats(found: &mut [Heading], mut numbered: Vec<usize>) {
    // A stable sort: the headings of one anchor stay in the document's order.
    numbered.sort_by(|&a, &b| found[a].anchor.cmp(&found[b].anchor));
    let mut run_start = 0;
    for end in 1..=numbered.len() {
        let same = numbered
            .get(end)
            .is_some_and(|&next| found[next].anchor == found[numbered[run_start]].anchor);
        if !same {
            for (count, &at) in numbered[run_start..end].iter().enumerate().skip(1) {
                found[at].anchor = format!("{}-{count}", found[at].anchor);
            }
            run_start = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_follow_github() {
        assert_eq!(github_anchor("Første steg"), "første-steg");
        assert_eq!(github_anchor("Fordeler og ulemper!"), "fordeler-og-ulemper");
        assert_eq!(github_anchor("A - B"), "a---b");
        assert_eq!(github_anchor("`code` & more"), "code--more");
    }

    proptest::proptest! {
        /// Lowercase char by char, then keep what GitHub keeps: the ASCII path included.
        #[test]
        fn anchors_keep_what_github_keeps(text in "[ a-zA-Z0-9_\\-.!?&`\u{c0}-\u{24f}\u{130}\u{212a}\u{3b1}-\u{3c9}\u{391}-\u{3a9}]{0,12}") {
            let expected: String = (text.trim().chars())
                .flat_map(char::to_lowercase)
                .filter_map(|c| match c {
                    ' ' => Some('-'),
                    '-' | '_' => Some(c),
                    c if c.is_alphanumeric() => Some(c),
                    _ => None,
                })
                .collect();
            proptest::prop_assert_eq!(github_anchor(&text), expected);
        }

        /// A repeated anchor is numbered as GitHub counts it, heading by heading in order; a
        /// heading with an id of its own is not counted.
        #[test]
        fn repeated_anchors_are_numbered_in_order(
            titles in proptest::collection::vec(
                proptest::sample::select(&["A", "a", "A-1", "B", "A {#a}", "a 1"][..]),
                0..8,
            ),
        ) {
            let source: String = titles.iter().map(|title| format!("# {title}\n\n")).collect();
            let doc = Document::parse(&source);
            let mut seen = std::collections::HashMap::new();
            let expected: Vec<String> = (titles.iter())
                .map(|title| match title.strip_suffix(" {#a}") {
                    Some(_) => "a".to_string(),
                    None => {
                        let base = github_anchor(title);
                        let count = seen.entry(base.clone()).or_insert(0);
                        let anchor = match *count {
                            0 => base,
                            n => format!("{base}-{n}"),
                        };
                        *count += 1;
                        anchor
                    }
                })
                .collect();
            let anchors: Vec<String> = headings(&doc).into_iter().map(|h| h.anchor).collect();
            proptest::prop_assert_eq!(anchors, expected);
        }

        /// Runs of `-` collapsed and the ends trimmed, as Python-Markdown writes an anchor; told
        /// apart only when that changes it.
        #[test]
        fn dashes_collapse_as_python_markdown_writes_them(anchor in "[-aø]{0,8}") {
            let words: Vec<&str> = anchor.split('-').filter(|word| !word.is_empty()).collect();
            let expected = words.join("-");
            let changed = (expected != anchor).then_some(expected);
            proptest::prop_assert_eq!(collapse_dashes(&anchor), changed);
        }
    }
}
