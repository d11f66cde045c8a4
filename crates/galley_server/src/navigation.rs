//! What navigation shares: the corpus seen with open buffers in place of their files, what is
//! under the cursor, and every link that reaches a page (or one of its headings).

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use lsp_types::{Location, Uri};
use percent_encoding::percent_decode_str;
use pulldown_cmark::{Event, LinkType, Tag};

use crate::document::OpenDocument;
use crate::positions::{path_to_uri, Lines};
use crate::workspace::{Context, Workspace};
use galley_linter::document::Document;
use galley_linter::links::{
    is_internal, split_destination, Heading, LinkIndex, LinkRecord, PageSummary, Target,
};

/// The workspace as navigation reads it.
pub struct View<'v> {
    pub documents: &'v HashMap<Uri, OpenDocument>,
    pub workspace: &'v Workspace<'v>,
    /// The folder of the page asked about.
    pub context: &'v Context<'v>,
}

/// A link that reaches the page asked about.
pub struct Backlink<'v> {
    /// The linking page's file.
    pub path: &'v Path,
    pub link: &'v LinkRecord,
}

/// What the cursor is on.
pub enum AtCursor<'t> {
    /// A link, an image or a reference definition: its destination.
    Link(String),
    /// A reference-style link: the span of its definition in the same text.
    Reference(Range<usize>),
    Heading(&'t Heading),
    Text,
}

impl<'v> View<'v> {
    pub fn root(&self) -> &Path {
        self.context.linter.root()
    }

    pub fn index(&self) -> Option<&'v LinkIndex<'v>> {
        self.context.index
    }

    /// The open buffer at `uri` with the page its last lint saw.
    pub fn document(&self, uri: &Uri) -> Option<(&'v OpenDocument, &'v PageSummary)> {
        let doc = self.documents.get(uri)?;
        Some((doc, doc.summary.as_ref()?))
    }

    /// Every page of the folder by file, open buffers in place of their files.
    pub fn pages(&self) -> impl Iterator<Item = (&'v Path, &'v PageSummary)> + '_ {
        let open: HashMap<&Path, &PageSummary> = (self.documents.values())
            .filter(|doc| self.workspace.of(&doc.path).folder == self.context.folder)
            .filter_map(|doc| Some((doc.path.as_path(), doc.summary.as_ref()?)))
            .collect();
        let files = (self.context.corpus.pages.iter())
            .filter(move |(path, _)| !self.is_open(path))
            .map(|(path, page)| (path.as_path(), page));
        files.chain(open)
    }

    fn is_open(&self, path: &Path) -> bool {
        self.documents.values().any(|doc| doc.path == path)
    }

    /// A page's text: its buffer's when it is open, else its file's.
    pub fn text(&self, path: &Path) -> Option<Cow<'v, str>> {
        match self.documents.values().find(|doc| doc.path == path) {
            Some(doc) => Some(Cow::Borrowed(&doc.text)),
            None => std::fs::read_to_string(path).ok().map(Cow::Owned),
        }
    }

    /// The file of a page of the corpus.
    pub fn page_path(&self, page: &PageSummary) -> Option<PathBuf> {
        Some(self.root().join(page.key.as_deref()?))
    }

    /// Every link of every page that resolves to the page keyed `key`, and, with `anchor`,
    /// to that heading of it (compared as the link rules do: without case).
    pub fn backlinks(&self, key: &str, anchor: Option<&str>) -> Vec<Backlink<'v>> {
        let Some(index) = self.index() else {
            return Vec::new();
        };
        let anchor = anchor.map(str::to_lowercase);
        let mut found = Vec::new();
        for (path, page) in self.pages() {
            for link in &page.links {
                let (target, fragment) = split_destination(&link.dest);
                let Some(target) = index.resolve_page(page, target.trim_end_matches('/')) else {
                    continue;
                };
                let same_anchor = match (&anchor, fragment) {
                    (None, _) => true,
                    (Some(anchor), Some(fragment)) => fragment.to_lowercase() == *anchor,
                    (Some(_), None) => false,
                };
                if target.key.as_deref() == Some(key) && same_anchor {
                    found.push(Backlink { path, link });
                }
            }
        }
        found
    }

    /// Where a link to `dest` from `from` (the page at `from_path`) leads: the page, at the
    /// heading its fragment names, or the file.
    pub fn locate(&self, from: &PageSummary, from_path: &Path, dest: &str) -> Option<Location> {
        let (path, fragment) = split_destination(dest);
        match self.index()?.resolve(from, path.trim_end_matches('/')) {
            Target::Page(page) => {
                let file = self
                    .page_path(page)
                    .unwrap_or_else(|| from_path.to_path_buf());
                let wanted = fragment.map(|f| f.to_lowercase());
                let heading =
                    (page.headings().iter()).find(|h| Some(h.anchor.to_lowercase()) == wanted);
                let range = heading
                    .and_then(|heading| {
                        let text = self.text(&file)?;
                        Some(Lines::new(&text).range(&heading.span))
                    })
                    .unwrap_or_default();
                Some(Location::new(path_to_uri(&file)?, range))
            }
            Target::File => {
                let file = match path.strip_prefix('/') {
                    Some(rooted) => self.root().join(rooted),
                    None => from_path.parent()?.join(path.as_ref()),
                };
                Some(Location::new(path_to_uri(&file)?, Default::default()))
            }
            // Nowhere to go: a missing target, or one on another site.
            Target::Missing | Target::Outside => None,
        }
    }
}

/// What is under `offset` in `text`, the buffer summarised as `page`.
pub fn at_cursor<'t>(text: &str, page: &'t PageSummary, offset: usize) -> AtCursor<'t> {
    let doc = Document::parse(text);
    // Events come outside in: the last match is the innermost (an image inside a link).
    let link = (doc.events.iter().rev())
        .filter(|(_, range)| range.contains(&offset))
        .find_map(|(event, _)| match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            })
            | Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => Some((*link_type, dest_url.to_string())),
            _ => None,
        });
    if let Some((link_type, dest)) = link {
        let by_reference = matches!(
            link_type,
            LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut
        );
        let definition = (doc.reference_definitions.iter()).find(|d| d.dest == dest);
        return match definition {
            Some(definition) if by_reference => AtCursor::Reference(definition.span.clone()),
            _ if is_internal(&dest) => AtCursor::Link(dest),
            _ => AtCursor::Text,
        };
    }
    let definition = (doc.reference_definitions.iter())
        .find(|d| d.span.contains(&offset) && is_internal(&d.dest));
    if let Some(definition) = definition {
        return AtCursor::Link(definition.dest.clone());
    }
    match page.headings().iter().find(|h| h.span.contains(&offset)) {
        Some(heading) => AtCursor::Heading(heading),
        None => AtCursor::Text,
    }
}

/// Where a link's fragment is written (after its `#`), when it is written as it reads.
pub fn fragment_span(text: &str, link: &LinkRecord) -> Option<Range<usize>> {
    let written = text.get(link.dest_span.clone())?;
    let hash = written.rfind('#')?;
    let (_, fragment) = split_destination(&link.dest);
    let start = link.dest_span.start + hash + 1;
    let span = start..link.dest_span.end;
    let written = percent_decode_str(text.get(span.clone())?).decode_utf8_lossy();
    (Some(written) == fragment).then_some(span)
}

/// The folder of a key (`a/b` for `a/b/c.md`; `""` at the root).
pub fn folder(key: &str) -> &str {
    key.rsplit_once('/').map_or("", |(folder, _)| folder)
}

/// The relative path from a page in `from` (a folder's key) to the key `to`.
pub fn relative(from: &str, to: &str) -> String {
    let from: Vec<&str> = from.split('/').filter(|p| !p.is_empty()).collect();
    let to: Vec<&str> = to.split('/').collect();
    let common = (from.iter().zip(&to[..to.len() - 1]))
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_only_what_they_must() {
        assert_eq!(relative("", "a/b.md"), "a/b.md");
        assert_eq!(relative("a", "a/b.md"), "b.md");
        assert_eq!(relative("a/c", "a/b.md"), "../b.md");
        assert_eq!(relative("a/c", "a/c/d/e.md"), "d/e.md");
    }
}
