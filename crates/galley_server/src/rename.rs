//! Renames that keep links working, each as one workspace edit: a heading
//! (`textDocument/rename`) with every link to its anchor, and a page or folder
//! (`workspace/willRenameFiles`) with every link to the pages it moves.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use lsp_types::{RenameFilesParams, RenameParams, TextEdit, Uri, WorkspaceEdit};
use percent_encoding::{percent_decode_str, utf8_percent_encode};

use crate::completion::NOT_IN_DESTINATIONS;
use crate::navigation::{at_cursor, folder, fragment_span, relative, AtCursor, View};
use crate::positions::{path_to_uri, uri_to_path, Lines};
use galley_linter::document::Document;
use galley_linter::links::{normalize, split_destination, PageSummary};

/// Byte edits by file, each file's keyed by where they start (a later edit of the same span
/// replaces an earlier one).
#[derive(Default)]
struct Edits(BTreeMap<PathBuf, BTreeMap<usize, (usize, String)>>);

impl Edits {
    fn add(&mut self, path: &Path, span: std::ops::Range<usize>, text: String) {
        let file = self.0.entry(path.to_path_buf()).or_default();
        file.insert(span.start, (span.end, text));
    }

    /// As LSP edits, in UTF-16 positions of each file's text as the server sees it.
    fn into_workspace_edit(self, view: &View) -> WorkspaceEdit {
        let changes = self.0.into_iter().filter_map(|(path, edits)| {
            let (text, uri) = (view.text(&path)?, path_to_uri(&path)?);
            let lines = Lines::new(&text);
            let edits = (edits.into_iter())
                .map(|(start, (end, new))| TextEdit::new(lines.range(&(start..end)), new))
                .collect();
            Some((uri, edits))
        });
        // A `Uri` caches parts of itself, but its hash and equality never change.
        #[allow(clippy::mutable_key_type)]
        let changes: HashMap<Uri, Vec<TextEdit>> = changes.collect();
        WorkspaceEdit::new(changes)
    }
}

/// Renames the heading under the cursor, and every link to its anchor.
pub fn rename_heading(view: &View, params: RenameParams) -> Option<WorkspaceEdit> {
    let at = params.text_document_position;
    let (doc, page) = view.document(&at.text_document.uri)?;
    let offset = Lines::new(&doc.text).offset(at.position);
    let AtCursor::Heading(heading) = at_cursor(&doc.text, page, offset) else {
        return None;
    };
    let new_name = params.new_name.trim();
    // The new anchor as the page will number it, found by summarising the renamed text.
    let mut renamed = doc.text.clone();
    renamed.replace_range(heading.text_span.clone(), new_name);
    let mut after = PageSummary::default();
    after.describe(&Document::parse(&renamed));
    let at_index = page.headings().iter().position(|h| h == heading)?;
    let new_anchor = &after.headings().get(at_index)?.anchor;

    let mut edits = Edits::default();
    edits.add(&doc.path, heading.text_span.clone(), new_name.to_string());
    if *new_anchor != heading.anchor {
        for backlink in view.backlinks(page.key.as_deref()?, Some(&heading.anchor)) {
            let Some(text) = view.text(backlink.path) else {
                continue;
            };
            if let Some(span) = fragment_span(&text, backlink.link) {
                edits.add(backlink.path, span, new_anchor.clone());
            }
        }
    }
    Some(edits.into_workspace_edit(view))
}

/// The edits that keep links working when files or folders move as `params` says.
pub fn rename_files(view: &View, params: RenameFilesParams) -> Option<WorkspaceEdit> {
    let root = view.root();
    let key_of = |path: &Path| -> Option<String> {
        let relative = path.strip_prefix(root).ok()?;
        Some(relative.to_string_lossy().replace('\\', "/"))
    };
    // Every page that moves, by its old file: a renamed folder moves the pages under it.
    let mut moves: HashMap<&Path, (&PageSummary, String)> = HashMap::new();
    let pages: Vec<(&Path, &PageSummary)> = view.pages().collect();
    for file in &params.files {
        let path = |uri: &str| uri.parse::<Uri>().ok().as_ref().and_then(uri_to_path);
        let (Some(old), Some(new)) = (path(&file.old_uri), path(&file.new_uri)) else {
            continue;
        };
        for &(path, page) in &pages {
            let Ok(rest) = path.strip_prefix(&old) else {
                continue;
            };
            if let Some(key) = key_of(&new.join(rest)) {
                moves.insert(path, (page, key));
            }
        }
    }
    let index = view.index()?;
    let moved_key = |page: &PageSummary| {
        moves
            .values()
            .find(|(moved, _)| moved.key == page.key)
            .map(|(_, key)| key.clone())
    };
    let mut edits = Edits::default();
    for (old_path, (page, new_key)) in &moves {
        let Some(text) = view.text(old_path) else {
            continue;
        };
        // Its own relative links, written again from its new folder unless their target
        // moves too (then the pass below writes them).
        let old_folder = page.folder_key().unwrap_or("");
        let new_folder = folder(new_key);
        for link in page.links.iter().filter(|l| !l.dest.starts_with('/')) {
            let Some(written) = written_path(&text, &link.dest_span) else {
                continue;
            };
            let resolved = index.resolve_page(page, split_destination(&link.dest).0.as_ref());
            let moving = resolved.is_some_and(|target| moved_key(target).is_some());
            let decoded = percent_decode_str(written).decode_utf8_lossy();
            let Some(target) = normalize(Some(old_folder), &decoded) else {
                continue;
            };
            if !written.is_empty() && !moving && old_folder != new_folder {
                let start = link.dest_span.start;
                edits.add(
                    old_path,
                    start..start + written.len(),
                    encode(&relative(new_folder, &target)),
                );
            }
        }
    }
    for (page, new_key) in moves.values() {
        let Some(old_key) = page.key.as_deref() else {
            continue;
        };
        for backlink in view.backlinks(old_key, None) {
            let Some(text) = view.text(backlink.path) else {
                continue;
            };
            let Some(written) = written_path(&text, &backlink.link.dest_span) else {
                continue;
            };
            let decoded = percent_decode_str(written).decode_utf8_lossy();
            let named = decoded.trim_matches('/');
            if written.is_empty() || page.slug.as_deref() == Some(named) {
                continue;
            }
            // The link keeps its style: the extension written or not, absolute or relative.
            let old_extension = Path::new(old_key).extension().unwrap_or_default();
            let with_extension =
                Path::new(named).extension() == Some(old_extension) && named.contains('.');
            let target = if with_extension {
                new_key.clone()
            } else {
                Path::new(new_key)
                    .with_extension("")
                    .to_string_lossy()
                    .replace('\\', "/")
            };
            let replacement = if written.starts_with('/') {
                format!("/{target}")
            } else {
                // Written from the linking page's folder, after the move if it moves too.
                let from = match moves.get(backlink.path) {
                    Some((_, key)) => folder(key).to_string(),
                    None => key_of(backlink.path)
                        .as_deref()
                        .map_or("", folder)
                        .to_string(),
                };
                encode(&relative(&from, &target))
            };
            let start = backlink.link.dest_span.start;
            edits.add(backlink.path, start..start + written.len(), replacement);
        }
    }
    Some(edits.into_workspace_edit(view))
}

fn encode(path: &str) -> String {
    utf8_percent_encode(path, NOT_IN_DESTINATIONS).to_string()
}

/// The path part of a destination as written (before its `#` or `?`).
fn written_path<'t>(text: &'t str, span: &std::ops::Range<usize>) -> Option<&'t str> {
    let written = text.get(span.clone())?;
    Some(written.split(['#', '?']).next().unwrap_or(written))
}
