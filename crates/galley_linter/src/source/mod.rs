//! A checked file's path and text, shared (`Arc`) by every finding in it, so that reports,
//! fingerprints, baselines and fixes read the text that was linted. A file nothing will fix
//! keeps only the lines its findings can show ([`excerpts`]); where it keeps a span without
//! its lines, it keeps the text's hash, and the lines are read again only from the same text.

mod excerpts;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::document::{LastPosition, LineCol, LineIndex};
pub(crate) use excerpts::Excerpts;
use excerpts::Piece;
pub use excerpts::{Excerpt, Lines, SNIPPET_CONTEXT_LINES};

#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to the user.
    pub path: Arc<str>,
    text: Text,
    /// `false` for files that could not be read: their findings have no snippet.
    pub readable: bool,
}

#[derive(Debug)]
enum Text {
    /// The text that was linted; empty when the file could not be read as text. Its line
    /// index is built when first needed: a file taken from the cache with nothing to report
    /// never needs it.
    Whole {
        text: String,
        lines: OnceLock<LineIndex>,
    },
    /// What findings at the spans the file's findings can hold show of it.
    Excerpts(Excerpts),
}

impl SourceFile {
    pub fn new(path: Arc<str>, text: String) -> Arc<Self> {
        Arc::new(SourceFile {
            path,
            text: Text::Whole {
                text,
                lines: OnceLock::new(),
            },
            readable: true,
        })
    }

    /// A file whose line index is already built (by its [`crate::document::Document`]).
    pub fn with_lines(path: Arc<str>, text: String, lines: LineIndex) -> Arc<Self> {
        Arc::new(SourceFile {
            path,
            text: Text::Whole {
                text,
                lines: OnceLock::from(lines),
            },
            readable: true,
        })
    }

    /// A file that could not be read as text.
    pub fn unreadable(path: Arc<str>) -> Arc<Self> {
        Arc::new(SourceFile {
            path,
            text: Text::Whole {
                text: String::new(),
                lines: OnceLock::new(),
            },
            readable: false,
        })
    }

    /// The file keeping only what findings at `spans` show, as `excerpt` says (see
    /// [`excerpts`]): their flagged text, lines and columns (and with [`Excerpt::Lines`] their
    /// snippets) stay as they were. A file that is already cut, unreadable, or too long for
    /// an excerpt's offsets ([`Excerpts::fits`]), stays as it is.
    pub fn excerpt(
        self: &Arc<Self>,
        spans: impl IntoIterator<Item = Range<usize>>,
        excerpt: Excerpt,
    ) -> Arc<Self> {
        self.excerpt_apart(spans, std::iter::empty(), excerpt)
    }

    /// As [`SourceFile::excerpt`], but the spans `apart`, which findings seldom hold, keep
    /// only their flagged text, line and column: their snippets are not kept unless they touch
    /// another span's. [`SourceFile::cut_from`] tells the text's hash, to read it again.
    pub fn excerpt_apart(
        self: &Arc<Self>,
        shown: impl IntoIterator<Item = Range<usize>>,
        apart: impl IntoIterator<Item = Range<usize>>,
        excerpt: Excerpt,
    ) -> Arc<Self> {
        match &self.text {
            Text::Whole { text, lines } if self.readable && Excerpts::fits(text.len()) => {
                let excerpts = Excerpts::new(text, lines.get(), shown, apart, excerpt);
                Arc::new(SourceFile {
                    path: self.path.clone(),
                    text: Text::Excerpts(excerpts),
                    readable: true,
                })
            }
            _ => self.clone(),
        }
    }

    /// What findings at `spans` show of the file, as `excerpt` says, to be kept with them:
    /// cut from its text, or the excerpts it keeps that hold them. `None` for a file that
    /// could not be read, or is too long to cut.
    pub(crate) fn excerpts_for(
        &self,
        spans: impl IntoIterator<Item = Range<usize>>,
        excerpt: Excerpt,
    ) -> Option<Excerpts> {
        match &self.text {
            Text::Whole { text, lines } if self.readable && Excerpts::fits(text.len()) => Some(
                Excerpts::new(text, lines.get(), spans, std::iter::empty(), excerpt),
            ),
            Text::Whole { .. } => None,
            Text::Excerpts(excerpts) => Some(excerpts.narrowed(spans)),
        }
    }

    /// A file of which only `excerpts` are kept (stored with its findings).
    pub(crate) fn from_excerpts(path: Arc<str>, excerpts: Excerpts) -> Arc<Self> {
        Arc::new(SourceFile {
            path,
            text: Text::Excerpts(excerpts),
            readable: true,
        })
    }

    /// The hash (xxh3-128) of the whole text, when spans of it were kept without the lines
    /// their snippets show ([`SourceFile::excerpt_apart`]).
    pub fn cut_from(&self) -> Option<u128> {
        match &self.text {
            Text::Whole { .. } => None,
            Text::Excerpts(excerpts) => excerpts.cut_from(),
        }
    }

    /// The whole text; `None` when only excerpts were kept.
    pub fn text(&self) -> Option<&str> {
        match &self.text {
            Text::Whole { text, .. } => Some(text),
            Text::Excerpts(_) => None,
        }
    }

    /// The lines of the file that hold `span`: all of them, or the excerpt around it.
    fn piece(&self, span: Range<usize>) -> Option<Piece<'_>> {
        match &self.text {
            Text::Whole { text, lines } => {
                let lines = lines.get_or_init(|| LineIndex::new(text));
                Some(Piece {
                    text,
                    start: 0,
                    first_line: 0,
                    first_column: 1,
                    whole_lines: true,
                    line_count: lines.line_count(),
                    lines: Cow::Borrowed(lines),
                })
            }
            Text::Excerpts(excerpts) => excerpts.piece(span),
        }
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        (self.piece(offset..offset)).map_or_else(LineCol::default, |piece| piece.line_col(offset))
    }

    /// Lines and columns of many offsets, faster when they come in order.
    pub fn locator(&self) -> impl Fn(usize) -> LineCol + '_ {
        let last = LastPosition::default();
        move |offset| match &self.text {
            Text::Whole { text, lines } => {
                let lines = lines.get_or_init(|| LineIndex::new(text));
                lines.line_col_after(text, offset, &last)
            }
            Text::Excerpts(_) => self.line_col(offset),
        }
    }

    /// The text under a span; empty where the span is empty or not kept.
    pub fn slice(&self, span: Range<usize>) -> &str {
        (self.piece(span.clone()))
            .and_then(|piece| piece.slice(span))
            .unwrap_or_default()
    }

    /// The whole lines `span` touches (its end excluded), with `before` and `after` lines
    /// more where the file has them (up to [`SNIPPET_CONTEXT_LINES`] where it keeps only
    /// excerpts); `None` where the span is outside the text, or its lines are not kept.
    pub fn lines_around(
        &self,
        span: Range<usize>,
        before: usize,
        after: usize,
    ) -> Option<Lines<'_>> {
        self.piece(span.clone())?.lines_around(span, before, after)
    }

    /// The length of the longest line `span` touches, its end included; `None` where the span
    /// is outside the text.
    pub fn longest_line(&self, span: Range<usize>) -> Option<usize> {
        self.piece(span.clone())?.longest_line(span)
    }
}

/// The largest file (or editor buffer, or stdin) galley lints: a bigger one is reported, not
/// linted. Linting takes about a hundred times a text's size in memory at the peak, so a
/// budget keeps one huge file from exhausting the memory of a run; the largest Markdown pages
/// of real sites are a few hundred KB.
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// Why a file or text over `limit` bytes is not read.
pub fn too_large(limit: u64) -> String {
    format!("larger than {} MiB, more than galley reads", limit >> 20)
}

/// A file's text, or why it is not text galley can lint.
pub fn read_text(path: &Path) -> Result<String, String> {
    read_text_and_metadata(path).map(|(text, _)| text)
}

/// [`read_text`], with the metadata of the file read.
pub fn read_text_and_metadata(path: &Path) -> Result<(String, std::fs::Metadata), String> {
    let (bytes, metadata) = read_regular_and_metadata(path, Some(MAX_FILE_BYTES))?;
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(
            "UTF-16 text (it starts with a UTF-16 byte-order mark): galley reads UTF-8, \
                    convert the file"
                .into(),
        );
    }
    if memchr::memchr(0, &bytes).is_some() {
        return Err("binary file (it contains NUL bytes), not Markdown".into());
    }
    let text = String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let line = error.as_bytes()[..valid]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        format!("not valid UTF-8: line {line}, byte offset {valid}")
    })?;
    Ok((text, metadata))
}

/// The bytes of `path`, only if it is a regular file: reading a FIFO waits for a writer
/// forever, and a device such as `/dev/zero` never ends. With `limit`, a longer file is
/// refused rather than read whole.
pub fn read_regular(path: &Path, limit: Option<u64>) -> Result<Vec<u8>, String> {
    read_regular_and_metadata(path, limit).map(|(bytes, _)| bytes)
}

/// [`read_regular`], with the metadata of the file read.
pub fn read_regular_and_metadata(
    path: &Path,
    limit: Option<u64>,
) -> Result<(Vec<u8>, std::fs::Metadata), String> {
    let cannot = |error: std::io::Error| format!("cannot read the file: {error}");
    let file = open_without_waiting(path).map_err(|error| {
        // A socket cannot be opened at all: say what it is.
        match std::fs::metadata(path) {
            Ok(metadata) if !metadata.is_file() => not_regular(&metadata.file_type()),
            _ => cannot(error),
        }
    })?;
    let metadata = file.metadata().map_err(cannot)?;
    if !metadata.is_file() {
        return Err(not_regular(&metadata.file_type()));
    }
    // Sized once: growing the buffer as it reads copies the text again and again.
    let capacity = metadata
        .len()
        .min(limit.unwrap_or(u64::MAX))
        .saturating_add(1);
    let mut bytes = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    let read = match limit {
        None => std::io::Read::read_to_end(&mut &file, &mut bytes),
        Some(limit) => std::io::Read::read_to_end(
            &mut std::io::Read::take(&file, limit.saturating_add(1)),
            &mut bytes,
        ),
    };
    read.map_err(cannot)?;
    match limit {
        Some(limit) if bytes.len() as u64 > limit => Err(too_large(limit)),
        _ => Ok((bytes, metadata)),
    }
}

/// `path` opened for reading, its type asked only once it is open (one call to the system
/// fewer for every file of a corpus): on Unix without blocking, as opening a FIFO would wait
/// for a writer; elsewhere a path that is not a regular file is refused before it is opened.
fn open_without_waiting(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    #[cfg(not(unix))]
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    options.open(path)
}

fn not_regular(file_type: &std::fs::FileType) -> String {
    format!(
        "not a regular file ({}): galley reads only regular files",
        file_kind(file_type)
    )
}

#[cfg(unix)]
fn file_kind(file_type: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_fifo() {
        "a FIFO"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_char_device() || file_type.is_block_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn file_kind(file_type: &std::fs::FileType) -> &'static str {
    if file_type.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}
