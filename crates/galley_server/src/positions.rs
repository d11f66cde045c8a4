//! Byte offsets to LSP positions and back. LSP counts a line's characters in UTF-16 code
//! units (`æ` is one, an emoji two); galley's spans are byte ranges of UTF-8 text.

use std::ops::Range;
use std::path::{Path, PathBuf};

use lsp_types::{Position, Uri};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

use galley_linter::document::{floor_char_boundary, LineIndex};

/// A text with its line index, for converting between offsets and positions.
pub struct Lines<'a> {
    text: &'a str,
    index: LineIndex,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        Lines {
            text,
            index: LineIndex::new(text),
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.index.line_of(offset);
        let start = self.index.line_start(line);
        Position::new(line as u32, utf16_len(&self.text[start..offset]))
    }

    pub fn range(&self, span: &Range<usize>) -> lsp_types::Range {
        lsp_types::Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of a position. As LSP asks, a character past the line's end means the
    /// end of the line, and a line past the last means the end of the text; a position inside
    /// a character (half of an emoji's surrogate pair) means the character's start.
    pub fn offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.index.line_count() {
            return self.text.len();
        }
        let line = self.index.line_range(self.text, line);
        let mut units = 0;
        for (at, c) in self.text[line.clone()].char_indices() {
            units += c.len_utf16() as u32;
            if units > position.character {
                return line.start + at;
            }
        }
        line.end
    }

    pub fn offsets(&self, range: lsp_types::Range) -> Range<usize> {
        let start = self.offset(range.start);
        start..self.offset(range.end).max(start)
    }
}

fn utf16_len(text: &str) -> u32 {
    text.chars().map(|c| c.len_utf16() as u32).sum()
}

/// Characters a `file:` URI's path may not hold as they are; non-ASCII is always encoded.
const NOT_IN_URI_PATHS: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The local path a `file:` URI names (`file:///a%20b.md` is `/a b.md`); `None` for other
/// schemes.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path`: the host is dropped; the path starts at the first `/`.
    let path = &rest[rest.find('/')?..];
    let path = path.split(['?', '#']).next().unwrap_or(path);
    Some(PathBuf::from(
        percent_decode_str(path).decode_utf8_lossy().into_owned(),
    ))
}

pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let encoded = utf8_percent_encode(&path.to_string_lossy(), NOT_IN_URI_PATHS).to_string();
    format!("file://{encoded}").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        let text = "æøå 😀 x\r\nab";
        let lines = Lines::new(text);
        let x = text.find('x').unwrap();
        // æøå (3) + space + 😀 (2 units) + space.
        assert_eq!(lines.position(x), Position::new(0, 7));
        assert_eq!(lines.offset(Position::new(0, 7)), x);
        assert_eq!(lines.position(text.find('b').unwrap()), Position::new(1, 1));
    }

    #[test]
    fn positions_past_a_line_or_inside_a_character_are_clamped() {
        let text = "a😀b\r\nc";
        let lines = Lines::new(text);
        let emoji = text.find('😀').unwrap();
        assert_eq!(lines.offset(Position::new(0, 2)), emoji);
        // Past the end of the line: before its CRLF.
        assert_eq!(lines.offset(Position::new(0, 99)), text.find('\r').unwrap());
        assert_eq!(lines.offset(Position::new(7, 0)), text.len());
    }

    #[test]
    fn file_uris_round_trip() {
        let path = Path::new("/tmp/min side/første#1.md");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/min%20side/f%C3%B8rste%231.md");
        assert_eq!(uri_to_path(&uri).unwrap(), path);
        let untitled: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_to_path(&untitled), None);
    }
}
