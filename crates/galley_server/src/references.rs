//! References: every link to the page under the cursor (its backlinks), to the heading under
//! the cursor, or to what the link under the cursor names.

use std::collections::BTreeMap;
use std::path::Path;

use lsp_types::{Location, ReferenceParams};

use crate::navigation::{at_cursor, AtCursor, Backlink, View};
use crate::positions::{path_to_uri, Lines};
use galley_linter::links::{split_destination, Target};

pub fn references(view: &View, params: ReferenceParams) -> Option<Vec<Location>> {
    let at = params.text_document_position;
    let (doc, page) = view.document(&at.text_document.uri)?;
    let offset = Lines::new(&doc.text).offset(at.position);
    let (target, anchor) = match at_cursor(&doc.text, page, offset) {
        AtCursor::Heading(heading) => (page, Some(heading.anchor.clone())),
        AtCursor::Link(dest) => {
            let (path, fragment) = split_destination(&dest);
            let Target::Page(target) = view.index()?.resolve(page, path.trim_end_matches('/'))
            else {
                return None;
            };
            (target, fragment.map(|f| f.into_owned()))
        }
        AtCursor::Reference(_) | AtCursor::Text => (page, None),
    };
    let found = view.backlinks(target.key.as_deref()?, anchor.as_deref());
    Some(locations(view, &found))
}

/// The backlinks as locations, file by file (each file read once), in path order.
fn locations(view: &View, found: &[Backlink]) -> Vec<Location> {
    let mut by_file: BTreeMap<&Path, Vec<&Backlink>> = BTreeMap::new();
    for backlink in found {
        by_file.entry(backlink.path).or_default().push(backlink);
    }
    let mut locations = Vec::new();
    for (path, backlinks) in by_file {
        let (Some(text), Some(uri)) = (view.text(path), path_to_uri(path)) else {
            continue;
        };
        let lines = Lines::new(&text);
        for backlink in backlinks {
            let range = lines.range(&backlink.link.dest_span);
            locations.push(Location::new(uri.clone(), range));
        }
    }
    locations
}
