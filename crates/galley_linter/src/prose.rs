//! The prose view of a document: runs of text outside code, HTML, autolinks and link
//! destinations, with what stands right before each run.

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};
use regex::Regex;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextRun {
    /// Contiguous text in the source; the text is `doc.source[range]`.
    pub range: Range<usize>,
    /// The run follows an inline element on the same line (a link, emphasis, code).
    pub after_inline: bool,
}

/// Consecutive text events with adjacent ranges are merged into one run.
pub fn text_runs(events: &[(Event, Range<usize>)]) -> Vec<TextRun> {
    let mut runs: Vec<TextRun> = Vec::new();
    let mut hidden_depth = 0usize;
    let mut after_inline = false;
    for (event, range) in events {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_))
            | Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => hidden_depth += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_)) => {
                hidden_depth = hidden_depth.saturating_sub(1);
            }
            Event::End(TagEnd::Link) if hidden_depth > 0 => hidden_depth -= 1,
            Event::Text(_) if hidden_depth == 0 => {
                match runs.last_mut() {
                    Some(last) if last.range.end == range.start => last.range.end = range.end,
                    _ => runs.push(TextRun {
                        range: range.clone(),
                        after_inline,
                    }),
                }
                after_inline = false;
                continue;
            }
            _ => {}
        }
        after_inline = matches!(
            event,
            Event::End(TagEnd::Link | TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough)
                | Event::Code(_)
                | Event::InlineHtml(_)
        );
    }
    runs
}

/// Bare URLs and e-mail addresses written in prose: not words, whatever the text around them.
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b[a-z][a-z0-9+.\-]*://[^\s<>]*|\bwww\.[^\s<>]*|[^\s<>@]+@[^\s<>@]+\.[a-z]{2,}",
    )
    .expect("valid regex")
});

/// The runs less the template spans (`mask`, sorted and apart); a run cut in two keeps its
/// `after_inline` for its first part only.
pub fn without_templates(runs: Vec<TextRun>, mask: &[Range<usize>]) -> Vec<TextRun> {
    let mut kept = Vec::with_capacity(runs.len());
    // Runs come in order: the holes before the current run are never looked at again.
    let mut mask = mask;
    for run in runs {
        let passed = mask.partition_point(|hole| hole.end <= run.range.start);
        mask = &mask[passed..];
        // Most runs touch no template at all.
        if mask.first().is_none_or(|hole| hole.start >= run.range.end) {
            kept.push(run);
            continue;
        }
        let parts = crate::template::without(std::slice::from_ref(&run.range), mask);
        for (i, range) in parts.into_iter().enumerate() {
            let after_inline = if i == 0 && range.start == run.range.start {
                run.after_inline
            } else {
                // What stood before the part was template syntax, as an inline element.
                true
            };
            kept.push(TextRun {
                range,
                after_inline,
            });
        }
    }
    kept
}

/// Whether `text` holds what every match of `URL` holds: an `@`, a `://` or a `www.` in any
/// case. One pass over the run: most runs are short, and most hold none of them.
fn may_hold_address(bytes: &[u8]) -> bool {
    memchr::memchr3_iter(b'@', b':', b'.', bytes).any(|at| match bytes[at] {
        b'@' => true,
        b':' => bytes[at + 1..].starts_with(b"//"),
        _ => at >= 3 && bytes[at - 3..at].eq_ignore_ascii_case(b"www"),
    })
}

/// The runs' text as byte ranges, with bare URLs and e-mail addresses cut out.
pub fn without_urls(source: &str, runs: &[TextRun]) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for run in runs {
        let text = &source[run.range.clone()];
        // Most runs hold no address at all: skip the regex for them.
        if !may_hold_address(text.as_bytes()) {
            ranges.push(run.range.clone());
            continue;
        }
        let mut start = 0;
        for url in URL.find_iter(text) {
            if url.start() > start {
                ranges.push(run.range.start + start..run.range.start + url.start());
            }
            start = url.end();
        }
        if start < text.len() {
            ranges.push(run.range.start + start..run.range.end);
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn runs(source: &str) -> Vec<&str> {
        let doc = Document::parse(source);
        text_runs(&doc.events)
            .into_iter()
            .map(|run| &source[run.range])
            .collect()
    }

    #[test]
    fn code_html_and_autolinks_are_not_prose() {
        let source = "A `b` c <https://x.no> d\n\n```\ncode\n```\n\n<div>\nhtml\n</div>\n";
        assert_eq!(runs(source), ["A ", " c ", " d"]);
    }

    proptest::proptest! {
        /// The check that spares the regex passes every text the regex matches.
        #[test]
        fn every_address_passes_the_check(text in "[wW.:/@a ]{0,12}") {
            proptest::prop_assert!(!URL.is_match(&text) || may_hold_address(text.as_bytes()));
        }
    }

    #[test]
    fn an_address_in_capitals_is_left_out_too() {
        let source = "Se WWW.EKSEMPEL.NO i dag.\n";
        let doc = Document::parse(source);
        let pieces: Vec<&str> = (doc.prose().ranges.iter())
            .map(|r| &source[r.clone()])
            .collect();
        assert_eq!(pieces, ["Se ", " i dag."]);
    }

    #[test]
    fn prose_ranges_leave_out_bare_urls_and_addresses() {
        let source = "Se https://example.com/idag og skriv til post@firma.no i dag.\n";
        let doc = Document::parse(source);
        let pieces: Vec<&str> = doc
            .prose()
            .ranges
            .iter()
            .map(|r| &source[r.clone()])
            .collect();
        assert_eq!(pieces, ["Se ", " og skriv til ", " i dag."]);
    }

    #[test]
    fn runs_after_links_know_it() {
        let source = "[x](/y),. z\n";
        let doc = Document::parse(source);
        let runs = text_runs(&doc.events);
        assert_eq!(&source[runs[1].range.clone()], ",. z");
        assert!(runs[1].after_inline);
    }
}
