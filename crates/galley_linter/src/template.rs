//! Template syntax that site generators expand before Markdown is read, and that no prose rule
//! may read as prose: Hugo shortcodes (`{{< img src="x" >}}`, `{{% note %}}`), Liquid and
//! mdBook (`{% link x %}`, `{{ site.baseurl }}`, `{{#include x}}`), directive lines
//! (`:::note`, docfx's `:::code source="x":::`), MkDocs admonition lines (`!!! note "Title"`),
//! JSX and HTML tags written across lines (`<LinkCard title="x"\n  href="y" />`), MDX
//! `import`/`export` lines and `{expressions}`, the pipes of table rows that CommonMark reads as
//! a paragraph (kramdown tables need no delimiter row), emoji codes (`:smile:`, which GitHub,
//! kramdown's jemoji and pymdownx.emoji render as a picture), and Mermaid diagrams in their
//! element. The set is the same for every generator:
//! each construct is unlikely prose anywhere, and masking it costs no real finding.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

// Three families, each searched only when its openers occur: on most pages none do, and a
// search per family beats one alternation that no literal can prefilter. Word boundaries are
// ASCII (`(?-u:\b)`): a Unicode one makes the regex engine give up its fast automaton on any
// non-ASCII text.
static BRACES_AND_MATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        // Code and math that the generator renders, whole: Liquid's `highlight` and `raw`,
        // Hugo's `highlight`, `code` and `tab` shortcodes, TeX display math.
        r"(?s:\{%-?\s*(?:highlight|raw)(?-u:\b).*?\{%-?\s*end(?:highlight|raw)\s*-?%\})",
        r"|(?s:\{\{[<%]\s*(?:highlight|code|tab|code-toggle)(?-u:\b).*?\{\{[<%]\s*/(?:highlight|code|tab|code-toggle)\s*[%>]\}\})",
        r"|(?s:\$\$.*?\$\$)|(?s:\\\[.*?\\\])",
        r"|\{\{[^}]*\}\}",
        r"|\{%[^%]*%\}",
    ))
    .expect("valid regex")
});

/// A Mermaid diagram's source, which Mermaid reads from the element and Markdown must not:
/// `<div class="mermaid">`, or `<pre class="mermaid">`, to its end tag.
static MERMAID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?s)<div\s+class="mermaid"[^>]*>.*?</div>|<pre\s+class="mermaid"[^>]*>.*?</pre>"#)
        .expect("valid regex")
});

/// The HTML tags of `bytes`, leftmost first, as the regex
/// `(?-u)</?[A-Za-z][A-Za-z0-9_.:-]*(?:\s[^<>]*)?/?>` finds them: a name in ASCII, as
/// CommonMark's is (`<født>` is text), then `>`, `/>`, or ASCII white space and anything up to
/// the first `>` with no `<` before it. Scanned by hand: the regex took a tenth of a run on
/// one page with a tag to compile. A tag holds no `<` but its first: tags never overlap.
fn tags(bytes: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    memchr::memchr_iter(b'<', bytes).filter_map(|start| Some(start..tag_end(bytes, start)?))
}

/// Where the tag that opens at `bytes[start]` (a `<`) ends, if one does.
fn tag_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1 + usize::from(bytes.get(start + 1) == Some(&b'/'));
    if !bytes.get(at).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    at += 1;
    while (bytes.get(at))
        .is_some_and(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-'))
    {
        at += 1;
    }
    match bytes.get(at)? {
        b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' => {
            let close = at + memchr::memchr2(b'<', b'>', &bytes[at..])?;
            (bytes[close] == b'>').then_some(close + 1)
        }
        b'>' => Some(at + 1),
        b'/' => (bytes.get(at + 1) == Some(&b'>')).then_some(at + 2),
        _ => None,
    }
}

static MARKER_LINES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?m:^[ \t>]*(?::::|!!!|\?\?\?).*$)",
        // A definition list's marker and its padding (`:   The definition`).
        r"|(?m:^[ \t]*:[ \t]{2,})",
    ))
    .expect("valid regex")
});

/// An emoji code stands alone: after a space, an opening bracket or the line's start, and
/// before anything but a word character (`:bow:`, `:material-check:`), never inside a token
/// such as `Alias:Cert:` or a time (`12:30:45`: a code holds a letter).
static EMOJI_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)(?:^|[\s(\[])(:[a-z0-9_+-]*[a-z][a-z0-9_+-]*:)(?:$|[^\w:])")
        .expect("valid regex")
});

static MDX_STATEMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^(?:import|export)\s.*$").expect("valid regex"));

/// An MDX expression: a comment (`{/* note */}`, over lines too) or a one-line `{...}`. MDX
/// reads every unescaped brace in prose as JavaScript.
static MDX_EXPRESSION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s:\{/\*.*?\*/\})|\{[^{}\n]*\}").expect("valid regex"));

/// The template spans of `source[body]`, sorted and apart. `mdx` adds `import`/`export` lines.
pub fn spans(source: &str, body: Range<usize>, mdx: bool) -> Vec<Range<usize>> {
    let text = &source[body.clone()];
    let bytes = text.as_bytes();
    // One scan per family for the first bytes of its openers.
    let opens = |at: usize, openers: &[&[u8]]| openers.iter().any(|o| bytes[at..].starts_with(o));
    let mut spans: Vec<Range<usize>> = Vec::new();
    let braces_or_math = memchr::memchr3_iter(b'{', b'$', b'\\', bytes)
        .any(|at| opens(at, &[b"{{", b"{%", b"$$", b"\\["]));
    if braces_or_math {
        spans.extend(BRACES_AND_MATH.find_iter(text).map(|m| m.range()));
    }
    let opens_a_tag = memchr::memchr_iter(b'<', bytes).any(|at| {
        (bytes.get(at + 1)).is_some_and(|&next| next.is_ascii_alphabetic() || next == b'/')
    });
    if opens_a_tag {
        spans.extend(tags(bytes));
        if memchr::memmem::find(bytes, b"mermaid").is_some() {
            spans.extend(MERMAID.find_iter(text).map(|m| m.range()));
        }
    }
    let marker_line = memchr::memchr3_iter(b':', b'!', b'?', bytes)
        .any(|at| opens(at, &[b":::", b"!!!", b"???", b":  ", b":\t"]));
    if marker_line {
        spans.extend(MARKER_LINES.find_iter(text).map(|m| m.range()));
    }
    let opens_an_emoji = memchr::memchr_iter(b':', bytes).any(|at| {
        let after = bytes.get(at + 1).is_some_and(u8::is_ascii_lowercase);
        let before = at == 0 || matches!(bytes[at - 1], b' ' | b'\t' | b'\n' | b'(' | b'[');
        after && before
    });
    if opens_an_emoji {
        spans.extend(
            EMOJI_CODE
                .captures_iter(text)
                .filter_map(|code| code.get(1))
                .map(|code| code.range()),
        );
    }
    if mdx {
        spans.extend(MDX_STATEMENT.find_iter(text).map(|m| m.range()));
        if memchr::memchr(b'{', bytes).is_some() {
            spans.extend(MDX_EXPRESSION.find_iter(text).map(|m| m.range()));
        }
    }
    if memchr::memchr(b'|', bytes).is_some() {
        spans.extend(table_pipes(text));
    }
    spans.sort_by_key(|span| span.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for span in spans {
        let span = span.start + body.start..span.end + body.start;
        match merged.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    merged
}

/// The pipes of lines that start with one: table rows, whether or not the parser saw a table.
/// Only the lines that hold a pipe are looked at (going line by line cost a search per line).
fn table_pipes(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut pipes = Vec::new();
    // The end of the line of the last pipe, and whether that line is a row.
    let (mut line_end, mut row) = (0, false);
    for at in memchr::memchr_iter(b'|', bytes) {
        if at >= line_end {
            let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |newline| newline + 1);
            line_end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |end| at + end);
            // A row may stand in a quote (`> | a | b |`). The pipe at `at` stops the search.
            row = (bytes[start..].iter())
                .find(|byte| !matches!(byte, b' ' | b'\t' | b'>'))
                .is_some_and(|&first| first == b'|');
        }
        if row {
            pipes.push(at..at + 1);
        }
    }
    pipes
}

/// `ranges` (sorted) less the parts that `mask` (sorted, apart) covers.
pub fn without(ranges: &[Range<usize>], mask: &[Range<usize>]) -> Vec<Range<usize>> {
    if mask.is_empty() {
        return ranges.to_vec();
    }
    let mut kept = Vec::with_capacity(ranges.len());
    let mut first_mask = 0;
    for range in ranges {
        let mut start = range.start;
        while first_mask < mask.len() && mask[first_mask].end <= start {
            first_mask += 1;
        }
        for hole in &mask[first_mask..] {
            if hole.start >= range.end {
                break;
            }
            if hole.start > start {
                kept.push(start..hole.start);
            }
            start = start.max(hole.end);
        }
        if start < range.end {
            kept.push(start..range.end);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn tags_are_what_the_regex_finds(
            text in proptest::collection::vec(
                proptest::sample::select(&["<", ">", "/", "a", "Z", "9", "-", ":", " ", "\t",
                    "\n", "\x0B", "=\"", "é", "\u{a0}", "<a", "</b ", "/>"][..]),
                0..40,
            )
        ) {
            let text = text.concat();
            let tag = r"(?-u)</?[A-Za-z][A-Za-z0-9_.:-]*(?:\s[^<>]*)?/?>";
            let regex = regex::bytes::Regex::new(tag).expect("valid regex");
            let expected: Vec<_> = regex.find_iter(text.as_bytes()).map(|m| m.range()).collect();
            proptest::prop_assert_eq!(tags(text.as_bytes()).collect::<Vec<_>>(), expected);
        }
    }

    fn masked(text: &str, mdx: bool) -> Vec<&str> {
        spans(text, 0..text.len(), mdx)
            .into_iter()
            .map(|span| &text[span])
            .collect()
    }

    #[test]
    fn template_syntax_is_found() {
        let text = "A {{< img src=\"x\" alt=\"y\" >}} b {{% glossary \"x\" %}}\n\
            {{< multi\n  a=\"b\" >}}\n{% link _docs/x.md %} and {{ site.baseurl }}\n\
            :::code language=\"csharp\" source=\"~/x.cs\":::\n!!! note \"Title\"\n\
            <LinkCard title=\"x\"\n  href=\"/y/\" />\nPlain \"quoted\" prose.\n";
        let found = masked(text, false);
        assert_eq!(found.len(), 8, "{found:#?}");
        assert!(!found.iter().any(|span| span.contains("Plain")));
    }

    #[test]
    fn tags_have_ascii_names_as_in_commonmark() {
        let text = "Se <født> og <år/> her; <span class=\"ø\">x</span> <my-tag.v2:x/>\n";
        assert_eq!(
            masked(text, false),
            ["<span class=\"ø\">", "</span>", "<my-tag.v2:x/>"]
        );
    }

    #[test]
    fn mdx_statements_only_in_mdx() {
        let text = "import Card from '~/components/Card.astro';\n\nimport this thought.\n";
        assert_eq!(masked(text, true).len(), 2);
        assert!(masked(text, false).is_empty());
    }

    #[test]
    fn mdx_expressions_only_in_mdx() {
        let text = "Text {/* a note ,, here\n over lines */} and {props.name} , end.\n";
        assert_eq!(
            masked(text, true),
            ["{/* a note ,, here\n over lines */}", "{props.name}"]
        );
        assert!(masked(text, false).is_empty());
    }

    proptest::proptest! {
        /// The pipes masked are those of the lines whose first character but spaces, tabs and
        /// `>` is a pipe.
        #[test]
        fn pipes_are_masked_on_the_lines_that_start_with_one(text in "[ |>\t\na\r]{0,40}") {
            let mut expected = Vec::new();
            let mut start = 0;
            for line in text.split_inclusive('\n') {
                if line.trim_start_matches([' ', '\t', '>']).starts_with('|') {
                    let pipes = line.match_indices('|').map(|(at, _)| start + at..start + at + 1);
                    expected.extend(pipes);
                }
                start += line.len();
            }
            proptest::prop_assert_eq!(table_pipes(&text), expected);
        }
    }

    #[test]
    fn pipes_of_table_rows_are_masked() {
        let text = "| Term     | Value |\nA | in prose\n";
        assert_eq!(masked(text, false), ["|", "|", "|"]);
    }

    #[test]
    fn emoji_codes_are_masked_but_not_drive_names_or_times() {
        let text = "### Thank you!! :bow:\n| `GET` | :material-check:     Fetch |\n\
            Alias:, Cert:, Env: at 12:30:45 in std::fmt::Display.\n";
        assert_eq!(
            masked(text, false),
            [":bow:", "|", "|", ":material-check:", "|"]
        );
    }

    #[test]
    fn mermaid_diagrams_are_masked_whole() {
        let text = "<div class=\"mermaid\">\n\nsequenceDiagram\nparticipant mf  as M\n</div>\n\nPlain  prose.\n";
        let found = masked(text, false);
        assert!(
            found
                .iter()
                .any(|span| span.contains("participant mf  as M")),
            "{found:#?}"
        );
        assert!(!found.iter().any(|span| span.contains("Plain")));
    }

    #[test]
    fn masked_parts_are_cut_out_of_ranges() {
        let kept = without(&[0..10, 12..20, 25..30], &[5..14, 18..26]);
        assert_eq!(kept, vec![0..5, 14..18, 26..30]);
    }
}
