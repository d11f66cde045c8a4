//! Completion of internal links: the corpus's pages after `](/`, and the target page's
//! anchors after `#`.

use std::path::Path;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionTextEdit, Documentation, TextEdit,
};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use galley_linter::links::PageSummary;

/// More pages than this are cut, and the list is marked incomplete so that the editor asks
/// again as the writer types on.
const MAX_PAGES: usize = 200;

/// Characters a link destination may not hold as they are.
pub const NOT_IN_DESTINATIONS: &AsciiSet =
    &CONTROLS.add(b' ').add(b'(').add(b')').add(b'<').add(b'>');

/// What the writer is typing inside a link's destination, up to the cursor.
#[derive(Debug, PartialEq, Eq)]
pub enum LinkTyping<'a> {
    /// A site path after `](`; `typed` starts with its `/`.
    Path { typed: &'a str },
    /// An anchor after `#`, of the page at `path` (empty: this page).
    Anchor { path: &'a str, typed: &'a str },
}

impl LinkTyping<'_> {
    /// What the completion replaces: the text typed so far, which ends at the cursor.
    pub fn typed(&self) -> &str {
        match self {
            LinkTyping::Path { typed } | LinkTyping::Anchor { typed, .. } => typed,
        }
    }
}

/// Reads `before`, the cursor's line up to the cursor.
pub fn link_typing(before: &str) -> Option<LinkTyping<'_>> {
    let destination = &before[before.rfind("](")? + 2..];
    if destination.contains([' ', ')']) {
        return None;
    }
    match destination.split_once('#') {
        Some((path, typed)) => Some(LinkTyping::Anchor { path, typed }),
        None if destination.starts_with('/') => Some(LinkTyping::Path { typed: destination }),
        None => None,
    }
}

/// The path a link to `page` is best written with: its slug, else its file's path without
/// the extension (a folder's index: the folder).
pub fn link_path(page: &PageSummary) -> Option<String> {
    if let Some(slug) = &page.slug {
        return Some(format!("/{slug}"));
    }
    let key = page.key.as_deref()?;
    let stem = Path::new(key).with_extension("");
    let stem = stem.to_string_lossy();
    let path = match stem.strip_suffix("index") {
        Some(folder) if folder.is_empty() || folder.ends_with('/') => folder,
        _ => &stem,
    };
    Some(format!("/{}", path.trim_end_matches('/')))
}

/// Pages whose link path holds what was typed after the `/`, by path.
pub fn pages<'p>(
    pages: impl Iterator<Item = &'p PageSummary>,
    typed: &str,
    replace: lsp_types::Range,
) -> CompletionList {
    let wanted = typed.trim_start_matches('/').to_lowercase();
    let mut found: Vec<(String, &PageSummary)> = pages
        .filter_map(|page| Some((link_path(page)?, page)))
        .filter(|(path, _)| path.to_lowercase().contains(&wanted))
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found.dedup_by(|a, b| a.0 == b.0);
    let is_incomplete = found.len() > MAX_PAGES;
    let items = found
        .into_iter()
        .take(MAX_PAGES)
        .map(|(path, page)| {
            let destination = utf8_percent_encode(&path, NOT_IN_DESTINATIONS).to_string();
            CompletionItem {
                detail: page.title.clone(),
                documentation: page.description.clone().map(Documentation::String),
                kind: Some(CompletionItemKind::FILE),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                    replace,
                    destination,
                ))),
                label: path,
                ..CompletionItem::default()
            }
        })
        .collect();
    CompletionList {
        is_incomplete,
        items,
    }
}

/// Every anchor of `page`, sorted.
pub fn anchors(page: &PageSummary, replace: lsp_types::Range) -> CompletionList {
    let mut anchors: Vec<&String> = page.anchors.iter().collect();
    anchors.sort();
    let items = anchors
        .into_iter()
        .map(|anchor| CompletionItem {
            label: anchor.clone(),
            kind: Some(CompletionItemKind::REFERENCE),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                replace,
                anchor.clone(),
            ))),
            ..CompletionItem::default()
        })
        .collect();
    CompletionList {
        is_incomplete: false,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_a_path_or_an_anchor_is_recognised() {
        assert_eq!(
            link_typing("See [jv](/joint"),
            Some(LinkTyping::Path { typed: "/joint" })
        );
        assert_eq!(
            link_typing("See [jv](/jv#før"),
            Some(LinkTyping::Anchor {
                path: "/jv",
                typed: "før"
            })
        );
        assert_eq!(
            link_typing("[a](#"),
            Some(LinkTyping::Anchor {
                path: "",
                typed: ""
            })
        );
        assert_eq!(link_typing("[a](/x) and more"), None);
        assert_eq!(link_typing("[a](relative"), None);
        assert_eq!(link_typing("no link here /"), None);
    }

    #[test]
    fn link_paths_prefer_the_slug_and_drop_the_extension() {
        let page = |key: &str, slug: Option<&str>| {
            let mut page = PageSummary::default();
            page.key = Some(key.to_string());
            page.slug = slug.map(str::to_string);
            page
        };
        assert_eq!(link_path(&page("a/b.md", None)).unwrap(), "/a/b");
        assert_eq!(link_path(&page("a/index.md", None)).unwrap(), "/a");
        assert_eq!(link_path(&page("index.md", None)).unwrap(), "/");
        assert_eq!(
            link_path(&page("a/reindex.md", None)).unwrap(),
            "/a/reindex"
        );
        assert_eq!(link_path(&page("a/b.md", Some("jv"))).unwrap(), "/jv");
    }
}
