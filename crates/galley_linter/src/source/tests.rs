//! What a cut file keeps reads as the whole text did.

use std::ops::Range;
use std::sync::Arc;

use super::{Excerpt, Lines, SourceFile, SNIPPET_CONTEXT_LINES};
use crate::document::LineCol;

/// Every span of `text` up to `longest` bytes, kept alone or with a span further on, reads
/// from the excerpts as from the whole text.
fn excerpts_read_as_the_whole(text: &str, longest: usize) {
    let whole = SourceFile::new("a.md".into(), text.to_string());
    whole.line_col(0);
    let boundaries: Vec<usize> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    for (i, &start) in boundaries.iter().enumerate() {
        for &end in boundaries[i..]
            .iter()
            .take_while(|&&end| end - start <= longest)
        {
            let span = start..end;
            let other = (end + 7).min(text.len())..text.len();
            let both = [other.clone(), span.clone()];
            // Each way to cut the file: how, the spans shown, the spans apart.
            type Cut<'a> = (Excerpt, &'a [Range<usize>], &'a [Range<usize>]);
            let mut cuts: Vec<Cut> = Vec::new();
            for excerpt in [Excerpt::Lines, Excerpt::Spans] {
                cuts.push((excerpt, &both[1..], &[]));
                cuts.push((excerpt, &both, &[]));
                cuts.push((excerpt, &both[..1], &both[1..]));
                cuts.push((excerpt, &[], &both));
            }
            cuts.push((Excerpt::Lines, &both[1..], &both[..1]));
            for (excerpt, shown, apart) in cuts {
                // Cut from a file with its line index built (linted) and without (revived).
                let unindexed = SourceFile::new("a.md".into(), text.to_string());
                let cut =
                    unindexed.excerpt_apart(shown.iter().cloned(), apart.iter().cloned(), excerpt);
                let indexed =
                    whole.excerpt_apart(shown.iter().cloned(), apart.iter().cloned(), excerpt);
                assert_eq!(indexed.line_col(start), cut.line_col(start));
                assert_eq!(indexed.line_col(end), cut.line_col(end));
                assert_eq!(cut.text(), None);
                assert_eq!(
                    cut.slice(span.clone()),
                    whole.slice(span.clone()),
                    "{span:?}"
                );
                for offset in [start, end] {
                    let (cut, whole) = (cut.line_col(offset), whole.line_col(offset));
                    assert_eq!(cut, whole, "{offset} in {text:?}, {excerpt:?}");
                }
                let locate = cut.locator();
                assert_eq!(locate(end), whole.line_col(end));
                // Only whole lines show as a snippet.
                fn snippet(
                    file: &SourceFile,
                    span: Range<usize>,
                ) -> (Option<Lines<'_>>, Option<usize>) {
                    let context = SNIPPET_CONTEXT_LINES;
                    let lines = file.lines_around(span.clone(), context, context);
                    (lines, file.longest_line(span))
                }
                let lines = snippet(&whole, span.clone());
                let cut_lines = snippet(&cut, span.clone());
                // Narrowed to the span and stored, as a run's record keeps a file's
                // excerpts, it reads as the cut did.
                let kept = cut
                    .excerpts_for(std::iter::once(span.clone()), excerpt)
                    .unwrap();
                let stored = postcard::to_allocvec(&kept).unwrap();
                let kept = postcard::from_bytes(&stored).unwrap();
                let kept = SourceFile::from_excerpts("a.md".into(), kept);
                let read = |file: &SourceFile| {
                    let at = (file.line_col(start), file.line_col(end));
                    (at, file.slice(span.clone()).to_string())
                };
                assert_eq!(read(&kept), read(&cut), "{span:?} in {text:?}");
                assert_eq!(snippet(&kept, span.clone()), cut_lines);
                match excerpt {
                    Excerpt::Spans => assert_eq!(cut_lines, (None, None)),
                    // A span apart shows its lines only where it touches a shown one's.
                    Excerpt::Lines if apart.contains(&span) => assert!(
                        cut_lines == lines || cut_lines == (None, None),
                        "{span:?} apart in {text:?}"
                    ),
                    Excerpt::Lines => assert_eq!(cut_lines, lines, "{span:?} in {text:?}"),
                }
            }
        }
    }
}

#[test]
fn excerpts_keep_lines_columns_and_snippets() {
    for text in [
        "",
        "one line",
        "a\nb\n",
        "# Tittel\n\nFørste [lenke](/a) og\n[to](/b#c)\n\n> sitat\n\nslutt",
        "\u{feff}bom\r\nline two\r\n\r\nfour ø\n",
        "classic\rmac\r\rlines\r",
        "\n\n\n",
        "mid\u{feff}line\nnext\u{feff}\n\u{feff}start",
        "crlf ø\r\n\r\nå\r\nend",
    ] {
        excerpts_read_as_the_whole(text, 12);
    }
}

#[test]
fn a_cut_file_keeps_only_the_lines_around_its_spans() {
    let text: String = (1..=20).map(|n| format!("line {n}\n")).collect();
    let whole = SourceFile::new("a.md".into(), text.clone());
    let at = text.find("line 10").unwrap();
    let cut = whole.excerpt(std::iter::once(at..at + 4), Excerpt::Lines);
    assert_eq!(cut.slice(at..at + 4), "line");
    assert_eq!(cut.slice(0..4), "");
    let lines = cut.lines_around(at..at + 4, 1, 1).unwrap();
    assert_eq!(lines.text, "line 9\nline 10\nline 11\n");
    assert_eq!((lines.first_line, lines.count), (8, 3));
    assert!(cut.lines_around(0..4, 0, 0).is_none());
    assert!(Arc::ptr_eq(
        &cut.excerpt(std::iter::once(0..1), Excerpt::Lines),
        &cut
    ));
    let spans = whole.excerpt([at..at + 4, at + 5..at + 7], Excerpt::Spans);
    assert_eq!(spans.slice(at + 5..at + 7), "10");
    assert_eq!(
        spans.line_col(at + 5),
        LineCol {
            line: 10,
            column: 6
        }
    );
    assert_eq!(spans.slice(at..at + 7), "");
    // Narrowed to one span, the other's part is dropped.
    let narrowed = spans
        .excerpts_for(std::iter::once(at + 5..at + 7), Excerpt::Spans)
        .unwrap();
    let narrowed = SourceFile::from_excerpts("a.md".into(), narrowed);
    assert_eq!(narrowed.slice(at + 5..at + 7), "10");
    assert_eq!(narrowed.slice(at..at + 4), "");
    // A span that ends in another part than it starts keeps both: its end is placed.
    let across = spans
        .excerpts_for(std::iter::once(at + 1..at + 6), Excerpt::Spans)
        .unwrap();
    let across = SourceFile::from_excerpts("a.md".into(), across);
    assert_eq!(across.line_col(at + 6), spans.line_col(at + 6));
    assert_eq!(across.line_col(at + 1), spans.line_col(at + 1));
}

#[test]
fn a_span_apart_keeps_its_text_and_the_hash_of_the_whole() {
    let text: String = (1..=20).map(|n| format!("line {n}\n")).collect();
    let whole = SourceFile::new("a.md".into(), text.clone());
    let at = |line: &str| text.find(line).unwrap();
    let (shown, far, near) = (at("line 10"), at("line 3\n"), at("line 12"));
    let cut = whole.excerpt_apart(
        std::iter::once(shown..shown + 4),
        [far..far + 6, near..near + 7],
        Excerpt::Lines,
    );
    assert_eq!(cut.slice(far..far + 6), "line 3");
    assert_eq!(cut.line_col(far + 5), LineCol { line: 3, column: 6 });
    assert!(cut.lines_around(far..far + 6, 0, 0).is_none());
    // Line 12 touches the lines kept around line 10: it shows with them.
    let lines = cut.lines_around(near..near + 7, 1, 1).unwrap();
    assert_eq!(lines.text, "line 11\nline 12\nline 13\n");
    let hash = xxhash_rust::xxh3::xxh3_128(text.as_bytes());
    assert_eq!(cut.cut_from(), Some(hash));
    let near_only = whole.excerpt_apart(
        std::iter::once(shown..shown + 4),
        std::iter::once(near..near + 7),
        Excerpt::Lines,
    );
    assert_eq!(near_only.cut_from(), None);
    let spans = whole.excerpt_apart(
        std::iter::once(shown..shown + 4),
        std::iter::once(far..far + 6),
        Excerpt::Spans,
    );
    assert_eq!(spans.cut_from(), None);
    assert_eq!(whole.cut_from(), None);
}
