//! Completion of internal links, in a link's destination or a reference definition's: the
//! corpus's pages (after `/` by slug or path, else by path relative to the page), the files of
//! a folder in an image, and a page's anchors after `#`.

use std::path::Path;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionParams, CompletionResponse,
    CompletionTextEdit, Documentation, Position, TextEdit,
};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use crate::navigation::{folder, relative, View};
use crate::positions::Lines;
use galley_linter::links::{split_destination, PageSummary, Target};

/// More pages than this are cut, and the list is marked incomplete so that the editor asks
/// again as the writer types on.
const MAX_PAGES: usize = 200;

/// Characters a link destination may not hold as they are.
pub const NOT_IN_DESTINATIONS: &AsciiSet =
    &CONTROLS.add(b' ').add(b'(').add(b')').add(b'<').add(b'>');

/// What the writer is typing inside a link's destination, up to the cursor.
#[derive(Debug, PartialEq, Eq)]
pub enum LinkTyping<'a> {
    /// A path after `](` or `]: `: from the root when it starts with `/`, else from the page's
    /// folder; `image` inside `![...](`.
    Path { typed: &'a str, image: bool },
    /// An anchor after `#`, of the page at `path` (empty: this page).
    Anchor { path: &'a str, typed: &'a str },
}

impl LinkTyping<'_> {
    /// What the completion replaces: the text typed so far, which ends at the cursor.
    pub fn typed(&self) -> &str {
        match self {
            LinkTyping::Path { typed, .. } | LinkTyping::Anchor { typed, .. } => typed,
        }
    }
}

/// Reads `before`, the cursor's line up to the cursor.
pub fn link_typing(before: &str) -> Option<LinkTyping<'_>> {
    let definition = before.trim_start().starts_with('[') && before.contains("]:");
    let (destination, image) = if definition {
        (before[before.find("]:")? + 2..].trim_start(), false)
    } else {
        let at = before.rfind("](")?;
        let opening = before[..at].rfind('[');
        let image = opening.is_some_and(|at| before[..at].ends_with('!'));
        (&before[at + 2..], image)
    };
    if destination.contains([' ', ')']) {
        return None;
    }
    match destination.split_once('#') {
        Some((path, typed)) => Some(LinkTyping::Anchor { path, typed }),
        None => Some(LinkTyping::Path {
            typed: destination,
            image,
        }),
    }
}

pub fn complete(view: &View, params: CompletionParams) -> Option<CompletionResponse> {
    let at = params.text_document_position;
    let (doc, page) = view.document(&at.text_document.uri)?;
    let lines = Lines::new(&doc.text);
    let cursor = lines.offset(at.position);
    let line_start = lines.offset(Position::new(at.position.line, 0));
    let typing = link_typing(&doc.text[line_start..cursor])?;
    let replace = lines.range(&(cursor - typing.typed().len()..cursor));
    let list = match typing {
        LinkTyping::Path { typed, image: true } => {
            let folder = match typed.starts_with('/') {
                true => view.root().to_path_buf(),
                false => doc.path.parent()?.to_path_buf(),
            };
            let (typed_folder, name) = typed.rsplit_once('/').unwrap_or(("", typed));
            let replace = lines.range(&(cursor - name.len()..cursor));
            let folder = folder.join(typed_folder.trim_start_matches('/'));
            files(&folder, name, replace)
        }
        LinkTyping::Path { typed, .. } if typed.starts_with('/') => {
            let pages = view.pages().map(|(_, page)| page);
            let wanted = typed.trim_start_matches('/');
            self::pages(pages, wanted, replace, link_path)
        }
        LinkTyping::Path { typed, .. } => {
            let here = folder(page.key.as_deref()?).to_string();
            let pages = view.pages().map(|(_, page)| page);
            let path = |page: &PageSummary| Some(relative(&here, page.key.as_deref()?));
            self::pages(pages, typed.trim_start_matches("./"), replace, path)
        }
        LinkTyping::Anchor { path: "", .. } => anchors(page, replace),
        LinkTyping::Anchor { path, .. } => {
            let (path, _) = split_destination(path);
            let Target::Page(target) = view.index()?.resolve(page, path.trim_end_matches('/'))
            else {
                return None;
            };
            anchors(target, replace)
        }
    };
    Some(CompletionResponse::List(list))
}

/// The files and folders in `folder` whose name starts with `name` (without case).
fn files(folder: &Path, name: &str, replace: lsp_types::Range) -> CompletionList {
    let wanted = name.to_lowercase();
    let mut found: Vec<(String, bool)> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let name = entry.file_name().into_string().ok()?;
            let is_folder = entry.file_type().ok()?.is_dir();
            let shown = !name.starts_with('.') && name.to_lowercase().starts_with(&wanted);
            shown.then_some((name, is_folder))
        })
        .collect();
    found.sort();
    let is_incomplete = found.len() > MAX_PAGES;
    let items = (found.into_iter().take(MAX_PAGES))
        .map(|(name, is_folder)| {
            let label = if is_folder { format!("{name}/") } else { name };
            let destination = utf8_percent_encode(&label, NOT_IN_DESTINATIONS).to_string();
            CompletionItem {
                kind: Some(match is_folder {
                    true => CompletionItemKind::FOLDER,
                    false => CompletionItemKind::FILE,
                }),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                    replace,
                    destination,
                ))),
                label,
                ..CompletionItem::default()
            }
        })
        .collect();
    CompletionList {
        is_incomplete,
        items,
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

/// Pages whose link path (as `path_of` writes it) holds `wanted`, by path.
fn pages<'p>(
    pages: impl Iterator<Item = &'p PageSummary>,
    wanted: &str,
    replace: lsp_types::Range,
    path_of: impl Fn(&PageSummary) -> Option<String>,
) -> CompletionList {
    let wanted = wanted.to_lowercase();
    let mut found: Vec<(String, &PageSummary)> = pages
        .filter_map(|page| Some((path_of(page)?, page)))
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
                detail: page.title().map(str::to_string),
                documentation: page
                    .description()
                    .map(|text| Documentation::String(text.to_string())),
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
fn anchors(page: &PageSummary, replace: lsp_types::Range) -> CompletionList {
    let items = (page.anchors.iter())
        .map(|anchor| CompletionItem {
            label: anchor.to_string(),
            kind: Some(CompletionItemKind::REFERENCE),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                replace,
                anchor.to_string(),
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
            Some(LinkTyping::Path {
                typed: "/joint",
                image: false
            })
        );
        assert_eq!(
            link_typing("See ![figur](../bilder/f"),
            Some(LinkTyping::Path {
                typed: "../bilder/f",
                image: true
            })
        );
        assert_eq!(
            link_typing("[jv]: ../jv"),
            Some(LinkTyping::Path {
                typed: "../jv",
                image: false
            })
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
        assert_eq!(
            link_typing("[a](relative"),
            Some(LinkTyping::Path {
                typed: "relative",
                image: false
            })
        );
        assert_eq!(link_typing("no link here /"), None);
    }

    #[test]
    fn link_paths_prefer_the_slug_and_drop_the_extension() {
        let page = |key: &str, slug: Option<&str>| PageSummary {
            key: Some(key.to_string()),
            slug: slug.map(str::to_string),
            ..Default::default()
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
