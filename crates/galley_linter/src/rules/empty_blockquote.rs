use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::fix::{Edit, Fix};
use crate::rule::{declare_rule, Rule, RuleSettings};

declare_rule! {
    /// ## What it does
    /// Flags a blockquote with no content at any depth: a lone `>` line, `>` followed only by
    /// spaces, or nested markers such as `> >`.
    ///
    /// ## Why
    /// An empty quote renders as an empty grey bar. It is almost always left over from
    /// pasting or from deleting a quote's text, never meant.
    ///
    /// ## Example
    /// ```markdown
    /// > The partners share the risk.
    ///
    /// >
    ///
    /// The next paragraph.
    /// ```
    /// A `>` line that separates two paragraphs inside one quote is not flagged, nor is `>`
    /// inside code.
    ///
    /// ## Fix
    /// Deletes the empty quote's lines and one blank line next to them, so no doubled blank
    /// line is left. Safe: the quote shows nothing, so nothing visible is lost. No fix is
    /// offered when the quote shares its lines with other content (inside a list item).
    pub static META = {
        id: "empty-blockquote",
        severity: Warning,
        fix: Sometimes,
        summary: "a blockquote with no content",
    };
}

pub struct EmptyBlockquote;

pub fn build(settings: &RuleSettings) -> Result<Box<dyn Rule>, String> {
    settings.options::<crate::rules::NoOptions>()?;
    Ok(Box::new(EmptyBlockquote))
}

fn empty_blockquote(doc: &Document, span: Range<usize>) -> Diagnostic {
    let diagnostic = Diagnostic::new(span.clone(), "empty blockquote")
        .with_label("this quote has no content")
        .with_help("delete the `>` lines, or write the quote");
    match deletion(doc, span) {
        Some(range) => diagnostic.with_fix(Fix::safe(
            "delete the empty blockquote",
            vec![keeping_line_breaks(doc, range)],
        )),
        None => diagnostic,
    }
}

/// Deletes `range`, unless a lone `\r` (a classic Mac line end) before it and a `\n` after
/// it would then make one `\r\n`, a line break fewer: then the `\r` becomes a `\n` of its
/// own, a kind of line end the file already has.
fn keeping_line_breaks(doc: &Document, range: Range<usize>) -> Edit {
    let source = doc.source;
    let joins = range.start > doc.body_start
        && source[..range.start].ends_with('\r')
        && source[range.end..].starts_with('\n');
    if joins {
        Edit::replace(range.start - 1..range.end, "\n")
    } else {
        Edit::delete(range)
    }
}

fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// The lines to delete: the quote's own lines, when they hold nothing but `>` markers, plus a
/// neighbouring blank line when the quote stands between blank lines. Between two lines of
/// text the quote's line becomes blank instead, so the paragraphs stay apart.
fn deletion(doc: &Document, span: Range<usize>) -> Option<Range<usize>> {
    let lines = &doc.lines;
    let source = doc.source;
    let first = lines.line_of(span.start);
    let last = lines.line_of(span.end.saturating_sub(1).max(span.start));
    let markers_only = (first..=last).all(|line| {
        source[lines.line_range(source, line)]
            .chars()
            .all(|c| c == '>' || c == '\u{feff}' || c.is_whitespace())
    });
    if !markers_only {
        return None;
    }
    let line_end = |line: usize| {
        if line + 1 < lines.line_count() {
            lines.line_start(line + 1)
        } else {
            source.len()
        }
    };
    let body_first_line = lines.line_of(doc.body_start);
    let blank_line = |line: usize| is_blank(&source[lines.line_range(source, line)]);
    let has_before = first > body_first_line;
    let blank_before = has_before && blank_line(first - 1);
    let has_after = last + 1 < lines.line_count() && line_end(last) < source.len();
    let blank_after = has_after && blank_line(last + 1);
    // Never delete a byte-order mark or frontmatter before the body.
    let start = lines.line_start(first).max(doc.body_start);
    let range = if blank_after && (blank_before || !has_before) {
        start..line_end(last + 1)
    } else if blank_before && !has_after {
        lines.line_start(first - 1)..line_end(last)
    } else if has_before && has_after && !blank_before && !blank_after {
        start..lines.line_range(source, last).end
    } else {
        start..line_end(last)
    };
    Some(range)
}

/// Whether `offset` is in template syntax: the `>` closing a JSX tag written across lines
/// reads as a quote marker.
fn in_template(doc: &Document, offset: usize) -> bool {
    let templates = doc.templates();
    let after = templates.partition_point(|span| span.end <= offset);
    templates
        .get(after)
        .is_some_and(|span| span.start <= offset)
}

impl Rule for EmptyBlockquote {
    fn check(&self, doc: &Document, out: &mut Vec<Diagnostic>) {
        // Open quotes, each with whether anything but a nested quote was seen inside.
        let mut open: Vec<(usize, bool)> = Vec::new();
        for (event, range) in &doc.events {
            match event {
                Event::Start(Tag::BlockQuote(_)) => open.push((range.start, false)),
                Event::End(TagEnd::BlockQuote(_)) => {
                    let Some((start, has_content)) = open.pop() else {
                        continue;
                    };
                    // An empty quote nested in an empty quote is reported once, by the outer.
                    let parent_is_empty = open.last().is_some_and(|&(_, content)| !content);
                    if !has_content && !parent_is_empty && !in_template(doc, start) {
                        out.push(empty_blockquote(doc, start..range.end));
                    }
                }
                _ => {
                    for quote in &mut open {
                        quote.1 = true;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(source: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        EmptyBlockquote.check(&Document::parse(source), &mut out);
        out
    }

    #[test]
    fn nested_empty_quote_is_reported_once() {
        let found = check("Text\n\n> >\n\nMore\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].span, 6..10);
    }

    fn fixed(source: &str) -> String {
        let found = check(source);
        let edit = &found[0].fix.as_ref().unwrap().edits[0];
        let mut fixed = source.to_string();
        fixed.replace_range(edit.range.clone(), &edit.replacement);
        fixed
    }

    #[test]
    fn fix_leaves_one_blank_line() {
        assert_eq!(fixed("Text\n\n>\n\nMore\n"), "Text\n\nMore\n");
    }

    #[test]
    fn fix_at_end_of_file_drops_the_blank_line_before() {
        assert_eq!(fixed("Text\n\n>\n"), "Text\n");
    }

    #[test]
    fn fix_between_two_lines_of_text_keeps_them_apart() {
        assert_eq!(fixed("One.\n>\nTwo.\n"), "One.\n\nTwo.\n");
    }

    #[test]
    fn fix_between_mixed_line_ends_loses_no_line_break() {
        assert_eq!(fixed("One.\r>\nTwo.\n"), "One.\n\nTwo.\n");
        assert_eq!(fixed("One.\r>\n\nTwo.\n"), "One.\n\nTwo.\n");
    }

    #[test]
    fn fix_keeps_the_byte_order_mark() {
        assert_eq!(fixed("\u{feff}>\n\nText\n"), "\u{feff}Text\n");
    }

    #[test]
    fn a_separator_inside_a_quote_is_content() {
        assert!(check("> One.\n>\n> Two.\n").is_empty());
    }
}
