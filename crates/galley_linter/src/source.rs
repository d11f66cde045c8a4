//! A checked file's path and text, shared (`Arc`) by every finding in it, so that reports,
//! fingerprints, baselines and fixes read the text that was linted, never the disk again.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use crate::document::{LastPosition, LineCol, LineIndex};

#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to the user.
    pub path: Arc<str>,
    /// The text that was linted; empty when the file could not be read as text.
    pub text: String,
    pub lines: LineIndex,
    /// `false` for files that could not be read: their findings have no snippet.
    pub readable: bool,
}

impl SourceFile {
    pub fn new(path: Arc<str>, text: String) -> Arc<Self> {
        let lines = LineIndex::new(&text);
        Self::with_lines(path, text, lines)
    }

    /// A file whose line index is already built (by its [`crate::document::Document`]).
    pub fn with_lines(path: Arc<str>, text: String, lines: LineIndex) -> Arc<Self> {
        Arc::new(SourceFile {
            path,
            text,
            lines,
            readable: true,
        })
    }

    /// A file that could not be read as text.
    pub fn unreadable(path: Arc<str>) -> Arc<Self> {
        Arc::new(SourceFile {
            path,
            lines: LineIndex::new(""),
            text: String::new(),
            readable: false,
        })
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        self.lines.line_col(&self.text, offset)
    }

    /// Lines and columns of many offsets, faster when they come in order.
    pub fn locator(&self) -> impl Fn(usize) -> LineCol + '_ {
        let last = LastPosition::default();
        move |offset| self.lines.line_col_after(&self.text, offset, &last)
    }

    /// The text under a span; empty where the span is empty or outside the text.
    pub fn slice(&self, span: Range<usize>) -> &str {
        self.text.get(span).unwrap_or_default()
    }
}

/// A file's text, or why it is not text galley can lint.
pub fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|error| format!("cannot read the file: {error}"))?;
    if memchr::memchr(0, &bytes).is_some() {
        return Err("binary file (it contains NUL bytes), not Markdown".into());
    }
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let line = error.as_bytes()[..valid]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        format!("not valid UTF-8: line {line}, byte offset {valid}")
    })
}
