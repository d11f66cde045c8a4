//! The ids of MkDocs content tabs (`=== "Title"`, pymdownx.tabbed), which links reach like
//! headings.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::headings::{collapse_dashes, headings, Heading};
use crate::document::Document;
use crate::site::TabIds;

/// A tab's first line: `=== "Title"`, `===! "Title"` (a new set), `===+ "Title"` (selected).
static TAB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^( *)===(!?\+?|\+!) +"(.*?)" *$"#).expect("valid regex"));
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"</?[^>]*>").expect("valid regex"));

/// The ids of a page's content tabs, named as `style` says.
pub fn page_tab_anchors(doc: &Document, style: &TabIds) -> Vec<String> {
    // Most pages have no tab: they pay one scan for `===`.
    if memchr::memmem::find(doc.source.as_bytes(), b"===").is_none() {
        return Vec::new();
    }
    tab_anchors(doc.source, &headings(doc), style)
}

/// pymdownx's `slugify`: tags dropped, trimmed, lowercase, every character but letters,
/// digits, `_`, `-` and spaces dropped, spaces turned into `separator`.
fn slugify(text: &str, separator: &str) -> String {
    let text = TAG.replace_all(text, "");
    let kept: String = (text.trim().chars())
        .flat_map(char::to_lowercase)
        .filter(|&c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' '))
        .collect();
    kept.replace(' ', separator)
}

/// Python-Markdown's `unique`: `id`, else `id_1`, `id_2`, … whichever is not taken yet.
fn unique(id: String, taken: &mut HashSet<String>) -> String {
    let mut id = id;
    while id.is_empty() || taken.contains(&id) {
        id = match id.rsplit_once('_') {
            Some((stem, count))
                if !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit()) =>
            {
                format!("{stem}_{}", count.parse::<u64>().unwrap_or(0) + 1)
            }
            _ => format!("{id}_1"),
        };
    }
    taken.insert(id.clone());
    id
}

/// The ids of the page's content tabs. `headings` are the page's headings in order, with
/// the anchors they render with; tabs in fenced code (examples of the syntax) make none.
fn tab_anchors(source: &str, headings: &[Heading], style: &TabIds) -> Vec<String> {
    let mut anchors = Vec::new();
    let mut taken: HashSet<String> = headings.iter().map(|h| h.anchor.clone()).collect();
    let mut fence: Option<(char, usize)> = None;
    // Counted ids: the set number, and for each indent the set open there and its tabs.
    let mut sets = 0;
    let mut open: Vec<(usize, usize, usize)> = Vec::new();
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        let marker = trimmed.chars().next().filter(|c| matches!(c, '`' | '~'));
        if let Some(mark) = marker {
            let run = trimmed.chars().take_while(|&c| c == mark).count();
            if run >= 3 {
                fence = match fence {
                    None => Some((mark, run)),
                    Some((open_mark, open_run)) if open_mark == mark && run >= open_run => None,
                    still => still,
                };
                continue;
            }
        }
        if fence.is_some() || trimmed.is_empty() {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let Some(tab) = TAB.captures(line) else {
            // Content at or left of a set's indent ends it.
            open.retain(|&(set_indent, _, _)| indent > set_indent);
            continue;
        };
        let title = &tab[3];
        match style {
            TabIds::Counted => {
                open.retain(|&(set_indent, _, _)| indent >= set_indent);
                let continues =
                    open.last().is_some_and(|&(i, _, _)| i == indent) && !tab[2].contains('!');
                if continues {
                    if let Some(last) = open.last_mut() {
                        last.2 += 1;
                    }
                } else {
                    open.retain(|&(set_indent, _, _)| set_indent != indent);
                    sets += 1;
                    open.push((indent, sets, 1));
                }
                if let Some(&(_, set, count)) = open.last() {
                    anchors.push(format!("__tabbed_{set}_{count}"));
                }
            }
            TabIds::Slugged { combine, separator } => {
                let slug = slugify(title, separator);
                let heading = headings.iter().take_while(|h| h.span.start < start).last();
                let slugs = match heading {
                    Some(heading) if *combine => {
                        // The heading's id as Python-Markdown may also write it.
                        let mut ids = vec![heading.anchor.clone()];
                        ids.extend(collapse_dashes(&heading.anchor));
                        ids.iter()
                            .map(|id| format!("{id}{separator}{slug}"))
                            .collect()
                    }
                    _ => vec![slug],
                };
                for slug in slugs {
                    anchors.push(unique(slug, &mut taken));
                }
            }
        }
    }
    anchors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tabs(source: &str, style: &TabIds) -> Vec<String> {
        let doc = Document::parse(source);
        tab_anchors(source, &headings(&doc), style)
    }

    const PAGE: &str = "# Tabs\n\n### Anchor links\n\n=== \"Open me in a new tab ...\"\n\n    \
        One.\n\n=== \"... or me ...\"\n\n    Two.\n\n=== \"C++\"\n\n    ``` markdown\n    \
        === \"In code\"\n    ```\n\nText.\n\n=== \"Again\"\n\n    Three.\n";

    #[test]
    fn slugged_tabs_follow_pymdownx() {
        let combined = TabIds::Slugged {
            combine: true,
            separator: "-".into(),
        };
        assert_eq!(
            tabs(PAGE, &combined),
            [
                "anchor-links-open-me-in-a-new-tab-",
                "anchor-links--or-me-",
                "anchor-links-c",
                "anchor-links-again"
            ]
        );
        let alone = TabIds::Slugged {
            combine: false,
            separator: "-".into(),
        };
        assert_eq!(
            tabs("=== \"One\"\n\n    a\n\n=== \"One\"\n\n    b\n", &alone),
            ["one", "one_1"]
        );
    }

    #[test]
    fn counted_tabs_number_sets_through_the_page() {
        assert_eq!(
            tabs(PAGE, &TabIds::Counted),
            [
                "__tabbed_1_1",
                "__tabbed_1_2",
                "__tabbed_1_3",
                "__tabbed_2_1"
            ]
        );
    }
}
