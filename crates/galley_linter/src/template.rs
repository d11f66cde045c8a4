//! Template syntax that site generators expand before Markdown is read, and that no prose rule
//! may read as prose: Hugo shortcodes (`{{< img src="x" >}}`, `{{% note %}}`), Liquid and
//! mdBook (`{% link x %}`, `{{ site.baseurl }}`, `{{#include x}}`), directive lines
//! (`:::note`, docfx's `:::code source="x":::`), MkDocs admonition lines (`!!! note "Title"`),
//! JSX and HTML tags written across lines (`<LinkCard title="x"\n  href="y" />`), and MDX
//! `import`/`export` lines. The set is the same for every generator: each construct is
//! unlikely prose anywhere, and masking it costs no real finding.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

static TEMPLATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\{\{[^}]*\}\}",
        r"|\{%[^%]*%\}",
        r"|</?[A-Za-z][\w.:-]*(?:\s[^<>]*)?/?>",
        r"|(?m:^[ \t>]*(?::::|!!!|\?\?\?).*$)",
    ))
    .expect("valid regex")
});

static MDX_STATEMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^(?:import|export)\s.*$").expect("valid regex"));

/// The template spans of `source[body]`, sorted and apart. `mdx` adds `import`/`export` lines.
pub fn spans(source: &str, body: Range<usize>, mdx: bool) -> Vec<Range<usize>> {
    let text = &source[body.clone()];
    let bytes = text.as_bytes();
    // Most pages hold none of the openers: skip the regex for them.
    let may_hold = memchr::memchr3(b'{', b'<', b':', bytes).is_some()
        || memchr::memchr2(b'!', b'?', bytes).is_some();
    let mut spans: Vec<Range<usize>> = Vec::new();
    if may_hold {
        spans.extend(TEMPLATE.find_iter(text).map(|m| m.range()));
    }
    if mdx {
        spans.extend(MDX_STATEMENT.find_iter(text).map(|m| m.range()));
        spans.sort_by_key(|span| span.start);
    }
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
    fn mdx_statements_only_in_mdx() {
        let text = "import Card from '~/components/Card.astro';\n\nimport this thought.\n";
        assert_eq!(masked(text, true).len(), 2);
        assert!(masked(text, false).is_empty());
    }

    #[test]
    fn masked_parts_are_cut_out_of_ranges() {
        let kept = without(&[0..10, 12..20, 25..30], &[5..14, 18..26]);
        assert_eq!(kept, vec![0..5, 14..18, 26..30]);
    }
}
