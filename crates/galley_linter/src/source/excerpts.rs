//! The parts of a file that its findings can show: what a file keeps of its text between the
//! first half of the pipeline and the report, when nothing will fix it. A page's text is
//! needed for the cross-file phase only where a link is (its finding's snippet, its flagged
//! text); the rest of the page is freed as soon as the page is linted.

use std::borrow::Cow;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_128;

use crate::document::{floor_char_boundary, LastPosition, LineCol, LineIndex};

/// Lines of context kept before and after a span's lines: as many as a report's snippet shows.
pub const SNIPPET_CONTEXT_LINES: usize = 1;

/// How much of a file's text around its findings' spans a report needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Excerpt {
    /// Whole lines, with [`SNIPPET_CONTEXT_LINES`] more around: a snippet (the human report).
    Lines,
    /// The spans alone, with their lines and columns: the flagged text (the other reports).
    Spans,
}

impl Excerpt {
    /// Whether excerpts cut as `self` says hold all that a report needing `other` reads: whole
    /// lines hold their spans.
    pub(crate) fn covers(self, other: Excerpt) -> bool {
        self == Excerpt::Lines || self == other
    }
}

/// Some runs of a file's text, in order, in one buffer; stored with a run's findings, so that
/// a replay shows them without reading the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Excerpts {
    text: Box<str>,
    parts: Box<[Part]>,
    /// The hash of the text it was cut from, when a span was kept apart from the lines a
    /// snippet of it shows.
    cut_from: Option<u128>,
}

/// One run of text: whole lines, or a span alone. Kept for every link of every page of a
/// corpus, so its numbers are `u32`: a file is cut only when its length fits one
/// ([`Excerpts::fits`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Part {
    /// Where it starts in the file.
    start: u32,
    /// Where it starts in [`Excerpts::text`]; it ends where the next part starts.
    at: u32,
    /// The 0-based number of its first line in the file.
    first_line: u32,
    /// The 1-based column of its start (1 for whole lines).
    first_column: u32,
    /// Whether it is whole lines, and whether it runs to the end of the file.
    lines: bool,
    ends_file: bool,
}

/// `number` as a [`Part`] keeps it; every number of a text that [`Excerpts::fits`] fits.
fn narrow(number: usize) -> u32 {
    u32::try_from(number).unwrap_or(u32::MAX)
}

impl Excerpts {
    /// Whether a text of `len` bytes can be cut: its offsets, lines and columns fit a `u32`.
    pub(super) fn fits(len: usize) -> bool {
        len < u32::MAX as usize
    }

    /// The parts of `text` that findings at `shown` and `apart` show, as `excerpt` says;
    /// with [`Excerpt::Lines`], the spans `apart` keep only their own text, unless they
    /// touch the lines kept for another span. `lines` is the text's line index when it is
    /// built (the spans alone need none).
    pub(super) fn new(
        text: &str,
        lines: Option<&LineIndex>,
        shown: impl IntoIterator<Item = Range<usize>>,
        apart: impl IntoIterator<Item = Range<usize>>,
        excerpt: Excerpt,
    ) -> Self {
        let clamp = |span: Range<usize>| span.start.min(text.len())..span.end.min(text.len());
        let mut shown: Vec<Range<usize>> = shown.into_iter().map(clamp).collect();
        let mut apart: Vec<Range<usize>> = apart.into_iter().map(clamp).collect();
        let built;
        let index = match (excerpt, lines) {
            (Excerpt::Spans, _) => None,
            (Excerpt::Lines, Some(lines)) => Some(lines),
            (Excerpt::Lines, None) => {
                built = LineIndex::new(text);
                Some(&built)
            }
        };
        let mut line_runs = Vec::new();
        match index {
            None => apart.append(&mut shown),
            Some(lines) => loop {
                // A span apart that touches another's lines is shown with them; its own
                // lines may then touch the next span apart.
                line_runs = runs_of_lines(text, lines, &shown);
                let (touching, alone): (Vec<_>, Vec<_>) = apart
                    .into_iter()
                    .partition(|span| touches(&line_runs, span));
                apart = alone;
                if touching.is_empty() {
                    break;
                }
                shown.extend(touching);
            },
        }
        let bytes = text.as_bytes();
        let apart = apart.into_iter().map(|span| {
            let start = floor_char_boundary(text, span.start);
            let mut end = floor_char_boundary(text, span.end).max(start);
            // A part never ends inside a `\r\n`: its own line index would see a lone `\r`.
            if end > 0 && bytes[end - 1] == b'\r' && bytes.get(end) == Some(&b'\n') {
                end += 1;
            }
            start..end
        });
        // A revived file has no line index: building one would cost a warm run more than
        // counting forward to each span.
        let mut counted = Counted::default();
        let last = LastPosition::default();
        let mut pending: Vec<(Range<usize>, Part)> = (merged(apart, 0).into_iter())
            .map(|span| {
                let at = match index {
                    Some(lines) => lines.line_col_after(text, span.start, &last),
                    None => counted.line_col(text, span.start),
                };
                let part = Part {
                    start: narrow(span.start),
                    at: 0,
                    first_line: narrow(at.line - 1),
                    first_column: narrow(at.column),
                    lines: false,
                    ends_file: span.end == text.len(),
                };
                (span, part)
            })
            .collect();
        let any_apart = !pending.is_empty();
        for (run, first_line, ends_file) in line_runs {
            let part = Part {
                start: narrow(run.start),
                at: 0,
                first_line: narrow(first_line),
                first_column: 1,
                lines: true,
                ends_file,
            };
            pending.push((run, part));
        }
        pending.sort_unstable_by_key(|(run, _)| run.start);
        // Copied once their length is known: a buffer grown as they are copied leaves its
        // slack behind in the heap, for every page of a corpus.
        let mut kept = String::with_capacity(pending.iter().map(|(run, _)| run.len()).sum());
        let parts = (pending.into_iter())
            .map(|(run, part)| {
                let at = narrow(kept.len());
                kept.push_str(&text[run]);
                Part { at, ..part }
            })
            .collect();
        let cut_from = (index.is_some() && any_apart).then(|| xxh3_128(bytes));
        Excerpts {
            text: kept.into_boxed_str(),
            parts,
            cut_from,
        }
    }

    /// See [`super::SourceFile::cut_from`].
    pub(super) fn cut_from(&self) -> Option<u128> {
        self.cut_from
    }

    /// Which part holds `span`'s start, if any may.
    fn part_of(&self, span: &Range<usize>) -> Option<usize> {
        (self.parts)
            .partition_point(|part| part.start as usize <= span.start)
            .checked_sub(1)
    }

    /// The parts that hold `spans`' starts and ends (what findings at them show), the others
    /// dropped: each offset finds the part it found before.
    pub(super) fn narrowed(&self, spans: impl IntoIterator<Item = Range<usize>>) -> Excerpts {
        let mut kept: Vec<usize> = (spans.into_iter())
            .flat_map(|span| [span.start, span.end])
            .filter_map(|offset| self.part_of(&(offset..offset)))
            .collect();
        kept.sort_unstable();
        kept.dedup();
        let mut text = String::new();
        let parts = (kept.into_iter())
            .filter_map(|index| {
                let part = self.parts.get(index)?;
                let at = narrow(text.len());
                text.push_str(self.part_text(index)?);
                Some(Part { at, ..part.clone() })
            })
            .collect();
        Excerpts {
            text: text.into_boxed_str(),
            parts,
            cut_from: self.cut_from,
        }
    }

    /// The text of the part at `index`; `None` where a stored excerpt does not hold it.
    fn part_text(&self, index: usize) -> Option<&str> {
        let part = self.parts.get(index)?;
        let end = (self.parts.get(index + 1)).map_or(self.text.len(), |next| next.at as usize);
        self.text.get(part.at as usize..end)
    }

    /// The part that holds `span`, as a piece of the file.
    pub(super) fn piece(&self, span: Range<usize>) -> Option<Piece<'_>> {
        let index = self.part_of(&span)?;
        let part = &self.parts[index];
        let text = self.part_text(index)?;
        let start = part.start as usize;
        if span.end > start + text.len() {
            return None;
        }
        let lines = LineIndex::new(text);
        // Cut at a line start, the part's index counts an empty line after its last line
        // break: the file's next line, which is not kept.
        let phantom = part.lines && !part.ends_file;
        Some(Piece {
            text,
            start,
            first_line: part.first_line as usize,
            first_column: part.first_column as usize,
            whole_lines: part.lines,
            line_count: lines.line_count() - usize::from(phantom),
            lines: Cow::Owned(lines),
        })
    }
}

/// Lines counted forward through a text, for offsets asked in order: [`LineIndex::line_col`]
/// without the index.
#[derive(Default)]
struct Counted {
    /// How far the text is counted, the 0-based line there and where that line starts.
    at: usize,
    line: usize,
    line_start: usize,
    /// The characters from where the columns of `at`'s line count to `at`: counted on, not
    /// again from the line's start (quadratic on a long line with many spans).
    columns: usize,
}

impl Counted {
    fn line_col(&mut self, text: &str, offset: usize) -> LineCol {
        let counted_to = self.at;
        let bytes = text.as_bytes();
        let counted = &bytes[self.at..offset];
        if memchr::memchr(b'\r', counted).is_none() {
            // Only `\n` breaks lines here: counted in one pass the compiler vectorises (a
            // search per line break cost a replayed run of long pages more than its reads).
            self.line += line_breaks(counted);
            if let Some(last) = memchr::memrchr(b'\n', counted) {
                self.line_start = self.at + last + 1;
            }
        } else {
            for i in memchr::memchr2_iter(b'\n', b'\r', counted) {
                let i = self.at + i;
                // `\r\n` is one line break, ended by its `\n`.
                if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                    self.line += 1;
                    self.line_start = i + 1;
                }
            }
        }
        self.at = offset;
        // No column counts a leading byte-order mark.
        let mut start = self.line_start;
        if self.line == 0 && text.starts_with('\u{feff}') {
            start = '\u{feff}'.len_utf8();
        }
        // A line (or the text after a byte-order mark) that starts past the last offset is
        // counted from its start.
        let start = start.min(offset);
        if start <= counted_to {
            self.columns += text[counted_to..offset].chars().count();
        } else {
            self.columns = text[start..offset].chars().count();
        }
        LineCol {
            line: self.line + 1,
            column: self.columns + 1,
        }
    }
}

/// How many `\n` `bytes` holds, counted in blocks of 32 bytes that the compiler turns into
/// vector compares (a plain count, or a search per line break, goes byte by byte).
fn line_breaks(bytes: &[u8]) -> usize {
    let in_block = |block: &[u8]| {
        block
            .iter()
            .fold(0u8, |n, &byte| n + u8::from(byte == b'\n'))
    };
    let blocks = bytes.chunks_exact(32);
    let rest = blocks.remainder();
    blocks
        .map(|block| usize::from(in_block(block)))
        .sum::<usize>()
        + usize::from(in_block(rest))
}

/// The whole lines a snippet of each of `spans` shows, with [`SNIPPET_CONTEXT_LINES`] more
/// around, merged where they meet: each run's bytes, its first line, and whether it runs to
/// the end of the text.
fn runs_of_lines(
    text: &str,
    lines: &LineIndex,
    spans: &[Range<usize>],
) -> Vec<(Range<usize>, usize, bool)> {
    let last_line = lines.line_count() - 1;
    let runs = spans.iter().map(|span| {
        let start = lines.line_of(span.start);
        let end = lines.line_of(span.end);
        start.saturating_sub(SNIPPET_CONTEXT_LINES)..(end + SNIPPET_CONTEXT_LINES).min(last_line)
    });
    (merged(runs, 1).into_iter())
        .map(|run| {
            let ends_file = run.end == last_line;
            let end = if ends_file {
                text.len()
            } else {
                lines.line_start(run.end + 1)
            };
            (lines.line_start(run.start)..end, run.start, ends_file)
        })
        .collect()
}

/// Whether `span` overlaps or touches one of `runs` (in order).
fn touches(runs: &[(Range<usize>, usize, bool)], span: &Range<usize>) -> bool {
    let after = runs.partition_point(|(run, _, _)| run.start <= span.end);
    after > 0 && runs[after - 1].0.end >= span.start
}

/// `ranges` in order, those that overlap or lie less than `gap` apart made one.
fn merged(ranges: impl Iterator<Item = Range<usize>>, gap: usize) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = ranges.collect();
    ranges.sort_unstable_by_key(|range| range.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end + gap => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

/// A run of a file's text (all of it, or a part), with its line index.
pub(super) struct Piece<'a> {
    pub text: &'a str,
    /// Where it starts in the file.
    pub start: usize,
    /// The 0-based number of its first line in the file, and the 1-based column of its start.
    pub first_line: usize,
    pub first_column: usize,
    /// Whether it is whole lines: only those show as a snippet.
    pub whole_lines: bool,
    pub lines: Cow<'a, LineIndex>,
    /// How many of the lines its index counts are lines of the piece.
    pub line_count: usize,
}

/// Whole lines of a file around a span, as a report's snippet shows them.
#[derive(Debug, PartialEq, Eq)]
pub struct Lines<'a> {
    pub text: &'a str,
    /// Where they start in the file.
    pub start: usize,
    /// The 0-based number of the first.
    pub first_line: usize,
    pub count: usize,
}

impl<'a> Piece<'a> {
    /// `span`'s offsets within the piece; `None` when it does not lie inside.
    fn relative(&self, span: &Range<usize>) -> Option<Range<usize>> {
        let start = span.start.checked_sub(self.start)?;
        let end = span.end.checked_sub(self.start)?;
        (start <= end && end <= self.text.len()).then_some(start..end)
    }

    pub fn slice(&self, span: Range<usize>) -> Option<&'a str> {
        self.text.get(self.relative(&span)?)
    }

    /// As [`LineIndex::line_col`] on the whole file.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.saturating_sub(self.start).min(self.text.len());
        let offset = floor_char_boundary(self.text, offset);
        let line = self.lines.line_of(offset);
        let mut line_start = self.lines.line_start(line);
        // No column counts a leading byte-order mark.
        if self.start == 0 && line == 0 && self.text.starts_with('\u{feff}') {
            line_start = '\u{feff}'.len_utf8();
        }
        let line_column = if line == 0 { self.first_column } else { 1 };
        LineCol {
            line: self.first_line + line + 1,
            column: self.text[line_start.min(offset)..offset].chars().count() + line_column,
        }
    }

    /// The lines `span` touches (its end excluded), with `before` and `after` lines more
    /// where the piece has them.
    pub fn lines_around(
        &self,
        span: Range<usize>,
        before: usize,
        after: usize,
    ) -> Option<Lines<'a>> {
        let span = self.relative(&span).filter(|_| self.whole_lines)?;
        let first = self.lines.line_of(span.start);
        let last = self
            .lines
            .line_of(span.end.saturating_sub(1).max(span.start));
        let from = first.saturating_sub(before);
        let to = (last + after).min(self.line_count - 1);
        let start = self.lines.line_start(from);
        let end = if to + 1 < self.lines.line_count() {
            self.lines.line_start(to + 1)
        } else {
            self.text.len()
        };
        Some(Lines {
            text: &self.text[start..end],
            start: self.start + start,
            first_line: self.first_line + from,
            count: to - from + 1,
        })
    }

    /// The length of the longest line `span` touches, its end included, without line endings.
    pub fn longest_line(&self, span: Range<usize>) -> Option<usize> {
        let span = self.relative(&span).filter(|_| self.whole_lines)?;
        let first = self.lines.line_of(span.start);
        let last = self.lines.line_of(span.end);
        (first..=last)
            .map(|line| self.lines.line_range(self.text, line).len())
            .max()
    }
}
