//! One buffer the editor has open: its text as typed, when it is next linted, and what the
//! last lint found.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use crate::positions::Lines;
use galley_linter::diagnostic::Diagnostic;
use galley_linter::links::PageSummary;

/// Edits closer together than this are typing: the lint waits until the typing pauses.
pub const QUIET: Duration = Duration::from_millis(150);

pub struct OpenDocument {
    pub uri: Uri,
    /// Where the buffer's file is (or would be): links resolve and rules apply from here.
    pub path: PathBuf,
    pub version: i32,
    pub text: String,
    /// When the text is next linted; `None` while the last lint is of the current text.
    pub lint_due: Option<Instant>,
    last_edit: Option<Instant>,
    /// What the last lint found, with byte spans into the text it linted.
    pub diagnostics: Vec<Diagnostic>,
    /// The page as the last lint saw it; `None` before the first.
    pub summary: Option<PageSummary>,
    /// The version and diagnostics last sent to the editor.
    pub published: Option<(i32, Vec<lsp_types::Diagnostic>)>,
}

impl OpenDocument {
    pub fn open(uri: Uri, path: PathBuf, version: i32, text: String, now: Instant) -> Self {
        OpenDocument {
            uri,
            path,
            version,
            text,
            lint_due: Some(now),
            last_edit: None,
            diagnostics: Vec::new(),
            summary: None,
            published: None,
        }
    }

    /// Applies the editor's changes in order: each either replaces a range (incremental
    /// sync) or the whole text (full sync).
    pub fn edit(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        now: Instant,
    ) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let span = Lines::new(&self.text).offsets(range);
                    self.text.replace_range(span, &change.text);
                }
                None => self.text = change.text,
            }
        }
        self.version = version;
        // Debounced on both edges: the first edit after a pause is linted at once, and
        // fast typing once it pauses.
        let typing = self.last_edit.is_some_and(|last| now - last < QUIET);
        self.lint_due = Some(if typing { now + QUIET } else { now });
        self.last_edit = Some(now);
    }
}
