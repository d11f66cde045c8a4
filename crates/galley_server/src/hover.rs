//! Hover on an internal link: the target page's title and description, and whether the
//! anchor exists.

use std::ops::Range;

use pulldown_cmark::{Event, Tag};

use galley_linter::document::Document;
use galley_linter::links::{is_internal, split_destination, LinkIndex, PageSummary, Target};

/// The internal link or image whose source holds `offset`: its destination and span.
pub fn link_at(text: &str, offset: usize) -> Option<(String, Range<usize>)> {
    let doc = Document::parse(text);
    // Events come outside in: the last match is the innermost (an image inside a link).
    doc.events
        .iter()
        .rev()
        .filter(|(_, range)| range.contains(&offset))
        .find_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if is_internal(dest_url) =>
            {
                Some((dest_url.to_string(), range.clone()))
            }
            _ => None,
        })
}

/// What a hover on a link to `destination` from `page` shows, in Markdown.
pub fn describe(destination: &str, page: &PageSummary, index: &LinkIndex) -> String {
    let (path, fragment) = split_destination(destination);
    let target = match index.resolve(page, path.trim_end_matches('/')) {
        Target::Page(target) => target,
        Target::File => return format!("A file: `{path}`"),
        Target::Outside => return format!("Outside this site: `{path}`"),
        Target::Missing => return format!("No page or file at `{path}`"),
    };
    let name = target.key.as_deref().unwrap_or("this page");
    let mut text = match &target.title {
        Some(title) => format!("**{title}** (`{name}`)"),
        None => format!("`{name}`"),
    };
    if let Some(description) = &target.description {
        text.push_str(&format!("\n\n{description}"));
    }
    if let Some(anchor) = fragment.filter(|f| !f.is_empty()) {
        let wanted = anchor.to_lowercase();
        let found = target.anchors.iter().any(|a| a.to_lowercase() == wanted);
        let status = if found {
            "a heading of the page"
        } else {
            "no such heading"
        };
        text.push_str(&format!("\n\n`#{anchor}`: {status}"));
    }
    text
}
