//! Inline suppressions: `<!-- galley-disable rule-a -->` ... `<!-- galley-enable -->`,
//! `<!-- galley-disable-next-line rule-a -->` and `<!-- galley-disable-file -->`. Written as
//! HTML comments, so code blocks never hold one. A suppression that suppresses nothing is
//! reported, so they do not rot.

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::Event;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::fix::{Edit, Fix};

pub const UNUSED_SUPPRESSION: &str = "unused-suppression";

static COMMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<!--\s*galley-(disable-file|disable-next-line|disable|enable)\b([^>]*?)\s*-->")
        .expect("valid regex")
});

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Suppression {
    /// The rules it names; empty for all rules.
    rules: Vec<String>,
    /// The bytes whose findings it suppresses.
    applies_to: Range<usize>,
    /// The comment itself, for reporting it unused.
    comment: Range<usize>,
    /// What deleting it removes: its whole line when it stands alone there.
    removal: Range<usize>,
}

impl Suppression {
    fn covers(&self, diagnostic: &Diagnostic) -> bool {
        diagnostic.rule != UNUSED_SUPPRESSION
            && self.applies_to.contains(&diagnostic.span.start)
            && (self.rules.is_empty() || self.rules.iter().any(|rule| rule == diagnostic.rule))
    }

    /// The report of this suppression when it suppressed nothing.
    pub fn unused(&self, severity: Severity) -> Diagnostic {
        let named = if self.rules.is_empty() {
            "any rule".to_string()
        } else {
            self.rules
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Diagnostic::new(
            self.comment.clone(),
            format!("suppression of {named} suppresses nothing"),
        )
        .with_rule(UNUSED_SUPPRESSION, severity)
        .with_label("nothing here is flagged")
        .with_help("delete the comment")
        .with_fix(Fix::safe(
            "delete the comment",
            vec![Edit::delete(self.removal.clone())],
        ))
    }
}

/// The suppressions a document declares.
pub fn parse(doc: &Document) -> Vec<Suppression> {
    let mut found = Vec::new();
    // Open `galley-disable` comments, waiting for their `galley-enable`.
    let mut open: Vec<Suppression> = Vec::new();
    for (event, range) in &doc.events {
        let (Event::Html(html) | Event::InlineHtml(html)) = event else {
            continue;
        };
        let base = range.start + doc.source[range.clone()].find(&**html).unwrap_or(0);
        for captures in COMMENT.captures_iter(html) {
            let whole = captures.get(0).expect("a match has group 0");
            let comment = base + whole.start()..base + whole.end();
            let rules: Vec<String> = captures[2].split_whitespace().map(str::to_string).collect();
            let line = doc.lines.line_of(comment.start);
            let line_text = doc.lines.line_range(doc.source, line);
            let alone = doc.lines.line_of(comment.end) == line
                && doc.source[line_text.clone()].trim() == &doc.source[comment.clone()];
            let removal = if alone {
                let next = line + 1;
                let end = if next < doc.lines.line_count() {
                    doc.lines.line_start(next)
                } else {
                    doc.source.len()
                };
                line_text.start..end
            } else {
                comment.clone()
            };
            let suppression = |applies_to: Range<usize>| Suppression {
                rules: rules.clone(),
                applies_to,
                comment: comment.clone(),
                removal: removal.clone(),
            };
            match &captures[1] {
                "disable-file" => found.push(suppression(0..doc.source.len())),
                "disable-next-line" => {
                    let next_line = doc.lines.line_of(comment.end) + 1;
                    let applies_to = if next_line < doc.lines.line_count() {
                        doc.lines.line_range(doc.source, next_line)
                    } else {
                        comment.end..comment.end
                    };
                    found.push(suppression(applies_to));
                }
                "disable" => open.push(suppression(comment.end..doc.source.len())),
                _ => {
                    // `galley-enable` ends the open disables it names, or all of them.
                    let (ended, still_open): (Vec<_>, Vec<_>) = open.drain(..).partition(|s| {
                        rules.is_empty() || s.rules.iter().any(|r| rules.contains(r))
                    });
                    open = still_open;
                    found.extend(ended.into_iter().map(|mut s| {
                        s.applies_to.end = comment.start;
                        s
                    }));
                }
            }
        }
    }
    found.extend(open);
    found
}

/// Drops the items (findings or diagnostics of one file) that the file's suppressions cover,
/// and returns the suppressions that covered none.
pub fn apply<'s, T>(
    items: &mut Vec<T>,
    diagnostic: impl Fn(&T) -> &Diagnostic,
    suppressions: &'s [Suppression],
) -> Vec<&'s Suppression> {
    let mut used = vec![false; suppressions.len()];
    items.retain(|item| {
        let mut covered = false;
        for (i, suppression) in suppressions.iter().enumerate() {
            if suppression.covers(diagnostic(item)) {
                used[i] = true;
                covered = true;
            }
        }
        !covered
    });
    suppressions
        .iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|(s, _)| s)
        .collect()
}
