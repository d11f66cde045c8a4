//! Hover on an internal link or reference definition: the target page's title and
//! description, and whether the anchor exists.

use std::ops::Range;

use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};
use pulldown_cmark::{Event, Tag};

use crate::navigation::View;
use crate::positions::Lines;
use galley_linter::document::Document;
use galley_linter::links::{is_internal, split_destination, LinkIndex, PageSummary, Target};

pub fn hover(view: &View, params: HoverParams) -> Option<Hover> {
    let at = params.text_document_position_params;
    let (doc, page) = view.document(&at.text_document.uri)?;
    let lines = Lines::new(&doc.text);
    let (destination, span) = link_at(&doc.text, lines.offset(at.position))?;
    let value = describe(&destination, page, view.index()?);
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(lines.range(&span)),
    })
}

/// The internal link, image or reference definition whose source holds `offset`: its
/// destination and span.
fn link_at(text: &str, offset: usize) -> Option<(String, Range<usize>)> {
    let doc = Document::parse(text);
    // Events come outside in: the last match is the innermost (an image inside a link).
    let link = (doc.events.iter().rev())
        .filter(|(_, range)| range.contains(&offset))
        .find_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if is_internal(dest_url) =>
            {
                Some((dest_url.to_string(), range.clone()))
            }
            _ => None,
        });
    link.or_else(|| {
        let definition = (doc.reference_definitions.iter())
            .find(|d| d.span.contains(&offset) && is_internal(&d.dest))?;
        Some((definition.dest.clone(), definition.span.clone()))
    })
}

/// What a hover on a link to `destination` from `page` shows, in Markdown.
fn describe(destination: &str, page: &PageSummary, index: &LinkIndex) -> String {
    let (path, fragment) = split_destination(destination);
    let target = match index.resolve(page, path.trim_end_matches('/')) {
        Target::Page(target) => target,
        Target::File => return format!("A file: `{path}`"),
        Target::Outside => return format!("Outside this site: `{path}`"),
        Target::Missing => return format!("No page or file at `{path}`"),
    };
    let name = target.key.as_deref().unwrap_or("this page");
    let mut text = match target.title() {
        Some(title) => format!("**{title}** (`{name}`)"),
        None => format!("`{name}`"),
    };
    if let Some(description) = target.description() {
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
