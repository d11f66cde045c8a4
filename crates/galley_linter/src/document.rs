//! One parsed file: the source, its frontmatter, the body's Markdown events with byte offsets
//! into the whole file, and a line index. Every rule reads this; nothing re-parses.

use std::cell::{Cell, OnceCell, RefCell};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use pulldown_cmark::{Event, Options, Parser};

use crate::frontmatter::Frontmatter;
use crate::language;

/// Byte offsets of line starts, for turning byte spans into lines and columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// Length of a leading byte-order mark, which no column counts.
    bom_len: usize,
}

/// A 1-based line and a 1-based column counted in Unicode characters.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    /// Lines end at `\n`, `\r\n`, or a lone `\r` (classic Mac files).
    pub fn new(source: &str) -> Self {
        let bytes = source.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', bytes)
                .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
                .map(|i| i + 1),
        );
        let bom_len = if source.starts_with('\u{feff}') { 3 } else { 0 };
        LineIndex {
            line_starts,
            bom_len,
        }
    }

    /// 0-based line number of the line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts[line]
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte range of a 0-based line, without its line ending.
    pub fn line_range(&self, source: &str, line: usize) -> Range<usize> {
        let start = self.line_starts[line];
        let bytes = source.as_bytes();
        let end = match self.line_starts.get(line + 1) {
            None => source.len(),
            // The line ends in `\r\n`, `\n` or a lone `\r`.
            Some(&next) if next >= start + 2 && bytes[next - 2..next] == *b"\r\n" => next - 2,
            Some(&next) => next - 1,
        };
        start..end.max(start)
    }

    pub fn line_col(&self, source: &str, offset: usize) -> LineCol {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let line = self.line_of(offset);
        let start = self.line_starts[line].max(if line == 0 { self.bom_len } else { 0 });
        let column = source[start.min(offset)..offset].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }
}

/// The last position a run of [`LineIndex::line_col_after`] computed: findings come in order,
/// and counting every column from the line start is quadratic on long lines.
#[derive(Debug, Default)]
pub struct LastPosition(Cell<(usize, LineCol)>);

impl LineIndex {
    /// [`LineIndex::line_col`], counting on from `last` when `offset` is later on its line.
    pub fn line_col_after(&self, source: &str, offset: usize, last: &LastPosition) -> LineCol {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let (last_offset, last_position) = last.0.get();
        let position = if last_position.line > 0
            && offset >= last_offset
            && self.line_of(offset) + 1 == last_position.line
        {
            LineCol {
                line: last_position.line,
                column: last_position.column + source[last_offset..offset].chars().count(),
            }
        } else {
            self.line_col(source, offset)
        };
        last.0.set((offset, position));
        position
    }
}

/// Whether `source` has a `\r` that is not followed by `\n`.
fn has_lone_cr(source: &str) -> bool {
    let bytes = source.as_bytes();
    memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
}

/// `source` with each lone `\r` replaced by `\n`, the same length.
fn lone_cr_as_lf(source: &str) -> String {
    let mut bytes = source.as_bytes().to_vec();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    String::from_utf8(bytes).expect("replacing an ASCII byte keeps UTF-8 valid")
}

/// The line ending to write in a line added at `offset`: the one of the line before it (a file
/// keeps its own endings), `\n` when there is none.
pub fn line_ending_before(source: &str, offset: usize) -> &'static str {
    let before = &source[..offset];
    if before.ends_with("\r\n") {
        "\r\n"
    } else if before.ends_with('\r') {
        "\r"
    } else {
        "\n"
    }
}

pub fn floor_char_boundary(source: &str, mut offset: usize) -> usize {
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A reference definition (`[label]: /target`), with its byte span in the file.
#[derive(Debug, Clone)]
pub struct ReferenceDefinition {
    pub dest: String,
    pub span: Range<usize>,
}

pub struct Document<'a> {
    pub source: &'a str,
    /// The file's path, for rules about its name; `None` for text from elsewhere.
    pub path: Option<PathBuf>,
    /// The language of the page's locale folder, when it is in one.
    pub folder_language: Option<String>,
    /// The site's language (`[content] language`), for pages nothing else tells about.
    pub default_language: Option<String>,
    /// The site generator that renders the page, when the site has one.
    pub generator: Option<crate::site::Generator>,
    /// The page's language, worked out on first use (see [`Document::language`]).
    language: OnceCell<Option<String>>,
    /// The last position computed, to count on from it.
    last_position: LastPosition,
    pub lines: LineIndex,
    /// `None` when the file has no frontmatter block.
    pub frontmatter: Option<Frontmatter>,
    /// Where the Markdown body starts (after the BOM and the frontmatter).
    pub body_start: usize,
    /// The body's events; every range is a byte range of `source`.
    pub events: Vec<(Event<'a>, Range<usize>)>,
    /// Where the body first nests deeper than [`crate::budget::MAX_NESTING`]: then it is not
    /// parsed (no events), and the file is not linted.
    pub too_deep: Option<usize>,
    pub reference_definitions: Vec<ReferenceDefinition>,
    /// The prose view, computed on first use and shared by every rule that reads prose.
    prose: OnceCell<ProseView>,
    templates: OnceCell<Vec<Range<usize>>>,
    /// For each rule pack (by its shared search's id), the prose ranges where its rules may
    /// match: worked out by the first of the pack's rules to run, read by the others.
    pack_candidates: RefCell<Vec<(usize, Arc<[usize]>)>>,
}

/// Text outside code and HTML: the runs, and the ranges of them that are not bare URLs.
pub struct ProseView {
    pub runs: Vec<crate::prose::TextRun>,
    pub ranges: Vec<Range<usize>>,
}

pub fn markdown_options() -> Options {
    // YAML metadata blocks stay off: they also match `---` blocks mid-document.
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// The Markdown events of `text` after `body_start`, and its reference definitions; every
/// range is a byte range of `text`.
fn body_events(
    text: &str,
    body_start: usize,
) -> (Vec<(Event<'_>, Range<usize>)>, Vec<ReferenceDefinition>) {
    let body = &text[body_start..];
    let mut parser = Parser::new_ext(body, markdown_options()).into_offset_iter();
    // Markdown gives about one event per dozen bytes: sized once, the vector is not copied as
    // it grows.
    let mut events = Vec::with_capacity(body.len() / 12);
    events.extend(
        parser
            .by_ref()
            .map(|(event, range)| (event, range.start + body_start..range.end + body_start)),
    );
    let mut reference_definitions: Vec<ReferenceDefinition> = parser
        .reference_definitions()
        .iter()
        .map(|(_, def)| ReferenceDefinition {
            dest: def.dest.to_string(),
            span: def.span.start + body_start..def.span.end + body_start,
        })
        .collect();
    reference_definitions.sort_by_key(|def| def.span.start);
    (events, reference_definitions)
}

impl<'a> Document<'a> {
    pub fn parse(source: &'a str) -> Self {
        let lines = LineIndex::new(source);
        let bom_len = if source.starts_with('\u{feff}') { 3 } else { 0 };
        // pulldown-cmark and the frontmatter split know `\n` and `\r\n` line endings, not a
        // lone `\r` (classic Mac): such a file is read through a copy with `\n` in its place,
        // one byte for one, so that every offset is still an offset into `source`.
        let copy = has_lone_cr(source).then(|| lone_cr_as_lf(source));
        let text = copy.as_deref().unwrap_or(source);
        let frontmatter = Frontmatter::split(text, bom_len);
        let body_start = frontmatter
            .as_ref()
            .and_then(|fm| fm.closed.then_some(fm.range.end))
            .unwrap_or(bom_len);
        let too_deep = crate::budget::too_deep(text, &lines, body_start);
        let (events, reference_definitions) = match &copy {
            _ if too_deep.is_some() => (Vec::new(), Vec::new()),
            None => body_events(source, body_start),
            Some(copy) => {
                // The copy does not outlive this call: its events take their own text.
                let (events, definitions) = body_events(copy, body_start);
                let owned = events
                    .into_iter()
                    .map(|(e, range)| (e.into_static(), range));
                (owned.collect(), definitions)
            }
        };
        Document {
            source,
            path: None,
            folder_language: None,
            default_language: None,
            generator: None,
            language: OnceCell::new(),
            last_position: LastPosition::default(),
            lines,
            frontmatter,
            body_start,
            events,
            too_deep,
            reference_definitions,
            prose: OnceCell::new(),
            templates: OnceCell::new(),
            pack_candidates: RefCell::new(Vec::new()),
        }
    }

    pub fn prose(&self) -> &ProseView {
        self.prose.get_or_init(|| {
            let mut runs = crate::prose::text_runs(&self.events);
            let templates = self.templates();
            if !templates.is_empty() {
                runs = crate::prose::without_templates(runs, templates);
            }
            let ranges = crate::prose::without_urls(self.source, &runs);
            ProseView { runs, ranges }
        })
    }

    /// The spans of template syntax in the body (shortcodes, Liquid, directives, JSX), which
    /// no prose rule reads; computed on first use.
    pub fn templates(&self) -> &[Range<usize>] {
        self.templates.get_or_init(|| {
            let mdx = (self.path.as_ref())
                .is_some_and(|path| path.extension().is_some_and(|ext| ext == "mdx"));
            crate::template::spans(self.source, self.body_start..self.source.len(), mdx)
        })
    }

    /// The page's language (a primary subtag such as `nb`): from the frontmatter's `lang`,
    /// `language` or `locale`, the file name (`page.nb.md`), the locale folder, a confident
    /// guess from the prose, or else the site's language; `None` when nothing tells.
    pub fn language(&self) -> Option<&str> {
        self.language
            .get_or_init(|| {
                let data = self.frontmatter.as_ref().and_then(|fm| fm.data());
                let declared = language::FRONTMATTER_KEYS
                    .iter()
                    .find_map(|key| data?.str_value(key).and_then(language::primary_subtag));
                let named = || {
                    let name = self.path.as_ref()?.file_name()?.to_str()?;
                    language::from_file_name(name)
                };
                declared
                    .or_else(named)
                    .or_else(|| self.folder_language.clone())
                    .or_else(|| {
                        language::guess(self.source, &self.prose().ranges).map(str::to_string)
                    })
                    .or_else(|| self.default_language.clone())
            })
            .as_deref()
    }

    /// The prose ranges where the rules of pack `pack` may match, computed once.
    pub(crate) fn pack_candidates(
        &self,
        pack: usize,
        compute: impl FnOnce() -> Vec<usize>,
    ) -> Arc<[usize]> {
        if let Some((_, found)) = self
            .pack_candidates
            .borrow()
            .iter()
            .find(|(id, _)| *id == pack)
        {
            return found.clone();
        }
        let found: Arc<[usize]> = compute().into();
        self.pack_candidates
            .borrow_mut()
            .push((pack, found.clone()));
        found
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        self.lines
            .line_col_after(self.source, offset, &self.last_position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_skip_the_bom() {
        let source = "\u{feff}æøå x\nab";
        let index = LineIndex::new(source);
        let x = source.find('x').unwrap();
        assert_eq!(index.line_col(source, x), LineCol { line: 1, column: 5 });
        assert_eq!(
            index.line_col(source, source.len()),
            LineCol { line: 2, column: 3 }
        );
    }

    #[test]
    fn document_positions_count_on_from_the_last_one() {
        let source = "\u{feff}ab æ cd\nø x";
        let doc = Document::parse(source);
        for offset in [5, 9, 3, 14, 16, 9] {
            assert_eq!(
                doc.line_col(offset),
                doc.lines.line_col(source, offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn line_range_drops_crlf() {
        let source = "ab\r\ncd";
        let index = LineIndex::new(source);
        assert_eq!(&source[index.line_range(source, 0)], "ab");
        assert_eq!(&source[index.line_range(source, 1)], "cd");
    }

    #[test]
    fn lone_cr_ends_a_line() {
        let source = "# Hi\r\rSee [x](y.md).\r\n- a\r";
        let index = LineIndex::new(source);
        assert_eq!(index.line_count(), 5);
        assert_eq!(&source[index.line_range(source, 2)], "See [x](y.md).");
        assert_eq!(&source[index.line_range(source, 3)], "- a");
        let link = source.find("[x]").unwrap();
        assert_eq!(index.line_col(source, link), LineCol { line: 3, column: 5 });
        let doc = Document::parse(source);
        let link_event = doc
            .events
            .iter()
            .find(|(event, _)| matches!(event, Event::Start(pulldown_cmark::Tag::Link { .. })));
        assert_eq!(&source[link_event.unwrap().1.clone()], "[x](y.md)");
        let cr_frontmatter = Document::parse("---\rtitle: x\r---\rbody\r");
        let data = cr_frontmatter.frontmatter.as_ref().and_then(|fm| fm.data());
        assert_eq!(data.and_then(|data| data.str_value("title")), Some("x"));
    }

    #[test]
    fn event_offsets_are_file_offsets() {
        let source = "---\ntitle: x\n---\n# Hi\n";
        let doc = Document::parse(source);
        let (_, range) = &doc.events[0];
        assert_eq!(&source[range.clone()], "# Hi\n");
    }

    #[test]
    fn a_dash_block_mid_document_is_not_frontmatter() {
        let source = "Intro\n\n---\ntitle: x\n---\n";
        let doc = Document::parse(source);
        assert!(doc.frontmatter.is_none());
        assert_eq!(doc.body_start, 0);
    }
}
