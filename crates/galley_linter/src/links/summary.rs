//! A page's summary: its keys, anchors and outgoing internal links.

use std::ops::{Deref, Range};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use bytes::Bytes;
use pulldown_cmark::{Event, LinkType, Tag};
use regex::Regex;
use serde::{Deserialize, Serialize};

use super::anchors::Anchors;
use super::headings::{collapse_dashes, github_anchor, headings, Heading};
use super::templated::{self, TemplateKind};
use super::{is_internal, LinkKind, LinkRecord};
use crate::document::Document;
use crate::site::Generator;

/// What the cross-file phase knows of one file once its document is dropped.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PageSummary {
    /// The path relative to the content root, with `/` separators; `None` outside the root.
    pub key: Option<String>,
    /// The file's folder on disk, for links that leave the content root.
    pub dir: Folder,
    pub slug: Option<String>,
    /// The URL paths the site serves the page at, and those that redirect to it (no leading
    /// or trailing `/`; lowercase where the site ignores case); empty without a site profile.
    pub urls: Vec<String>,
    /// Whether the page's URL is a folder (`a/b/`) rather than a file (`a/b.html`): relative
    /// links resolve against it.
    pub url_is_folder: bool,
    /// The page's path in Hugo's content tree (`docs/a.md`), by which Hugo finds pages.
    pub content_file: Option<String>,
    /// What editors show of the page; only [`PageSummary::describe`] fills it in (`check`
    /// has no use for it, and its empty fields alone cost 6 MB at 100,000 pages).
    pub details: Option<Box<PageDetails>>,
    pub anchors: Anchors,
    /// Internal links only; external schemes are dropped at once.
    pub links: Vec<LinkRecord>,
    /// Links written in the generator's template syntax (`{{< ref "x" >}}`), which name files
    /// rather than URLs.
    pub template_links: Vec<TemplateLink>,
}

/// A folder on disk, shared by the summaries of the pages in it: one copy of its path per
/// page was a twentieth of a run's memory at 100,000 pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Folder(Arc<Path>);

impl Default for Folder {
    fn default() -> Self {
        Folder(Arc::from(Path::new("")))
    }
}

impl Deref for Folder {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl From<PathBuf> for Folder {
    fn from(path: PathBuf) -> Self {
        Folder(Arc::from(path))
    }
}

impl From<&Path> for Folder {
    fn from(path: &Path) -> Self {
        Folder(Arc::from(path))
    }
}

/// What editors show of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageDetails {
    /// The frontmatter's `title` and `description`, for hover and completion.
    pub title: Option<String>,
    pub description: Option<String>,
    /// The headings in order, for the outline, definitions and renames.
    pub headings: Vec<Heading>,
}

/// A link in template syntax: what names the file, and the link as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TemplateLink {
    pub kind: TemplateKind,
    pub link: LinkRecord,
}

static HTML_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("valid regex")
});
/// Jekyll's `{{ site.baseurl }}` stands for the site's root; any other template syntax in a
/// destination is only known once the site is built: not checkable.
fn checkable_destination(dest: &str) -> Option<&str> {
    if !dest.contains("{{") && !dest.contains("{%") {
        return Some(dest);
    }
    let rest = BASE_URL.find(dest).map(|found| &dest[found.end()..])?;
    (!rest.contains("{{") && !rest.contains("{%")).then_some(rest)
}

static BASE_URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\{\{\s*site\.baseurl\s*\}\}").expect("valid regex"));

static MKDOCS_HOOK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<!--\s*md:(?:setting|option|flag|feature|plugin)\s+([\w.:\-]+)")
        .expect("valid regex")
});

/// An `id` in a fenced code block's attribute list: ```` ``` { .sh #example } ```` or
/// ```` ```go {id="example"} ```` (Python-Markdown's attr_list with SuperFences, Hugo, Pandoc).
/// Read from the lines, not the parse: in an admonition's or a tab's indented body the
/// CommonMark parse sees an indented code block where SuperFences sees the fence.
static FENCE_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)^[ \t>]*(?:`{3,}|~{3,})[^`\n{]*\{[^}\n]*?(?:#([\w.:-]+)|(?-u:\b)id=(?:"([^"]+)"|'([^']+)'|([\w.:-]+)))[^}\n]*\}"#,
    )
    .expect("valid regex")
});

/// Whether a line of `source` has a code fence with a `{` after it: the lines [`FENCE_ID`]
/// may match. Told by a scan, as most pages have fences without attributes and the regex
/// costs more to compile than a page costs to parse.
fn has_fence_with_braces(source: &str) -> bool {
    let bytes = source.as_bytes();
    [b"```", b"~~~"].iter().any(|fence| {
        let mut from = 0;
        while let Some(at) = memchr::memmem::find(&bytes[from..], *fence) {
            let rest = &bytes[from + at..];
            let line_len = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
            if memchr::memchr(b'{', &rest[..line_len]).is_some() {
                return true;
            }
            // The rest of the line holds no `{`: every fence on it is passed at once.
            from += at + line_len;
        }
        false
    })
}

/// Template syntax inside a heading's text: `{{% param x %}}`, `{{< icon >}}`, `{{ .Title }}`.
static TEMPLATE_IN_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{[^}]*\}\}").expect("valid regex"));

/// Kramdown's attribute list on the line after a heading: `{: #id}`.
static KRAMDOWN_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^\{:\s*#([\w-]+)[^}]*\}\s*$").expect("valid regex"));

/// What other pages' checks read of a page, as [`PageSummary::encode_seen`] stores it, up to
/// its anchors, which come last.
type SeenBeforeAnchors = (
    Option<String>,
    Folder,
    Option<String>,
    Vec<String>,
    bool,
    Option<String>,
    Option<Box<PageDetails>>,
);

impl PageSummary {
    /// The hash of what other pages' checks read of this one: everything but its own links,
    /// which only its own check reads. Two summaries with the same hash leave every other
    /// page's findings as they were. `None` when it cannot be encoded.
    pub fn seen_by_others(&self) -> Option<u128> {
        self.encode_seen()
            .map(|bytes| xxhash_rust::xxh3::xxh3_128(&bytes))
    }

    /// What other pages' checks read of this page, encoded: the bytes [`Self::seen_by_others`]
    /// hashes, and what [`Self::decode_seen`] reads back.
    pub fn encode_seen(&self) -> Option<Vec<u8>> {
        // No `..`: a field added to the summary must be placed on one side or the other.
        let PageSummary {
            key,
            dir,
            slug,
            urls,
            url_is_folder,
            content_file,
            details,
            anchors,
            links: _,
            template_links: _,
        } = self;
        // The anchors last: [`Self::decode_seen`] leaves them encoded.
        let seen = (
            key,
            dir,
            slug,
            urls,
            url_is_folder,
            content_file,
            details,
            anchors,
        );
        postcard::to_allocvec(&seen).ok()
    }

    /// The summary, without its links, of one [`Self::encode_seen`] encoding, and nothing
    /// after it; its anchors are decoded when first read.
    pub fn decode_seen(bytes: &Bytes) -> Option<PageSummary> {
        let (seen, rest): (SeenBeforeAnchors, _) = postcard::take_from_bytes(bytes).ok()?;
        let anchors = Anchors::stored(bytes.slice(bytes.len() - rest.len()..))?;
        let (key, dir, slug, urls, url_is_folder, content_file, details) = seen;
        Some(PageSummary {
            key,
            dir,
            slug,
            urls,
            url_is_folder,
            content_file,
            details,
            anchors,
            links: Vec::new(),
            template_links: Vec::new(),
        })
    }

    /// Collects the page's anchors, and, when `collect_links` is set, its internal links.
    pub fn build(
        doc: &Document,
        key: Option<String>,
        dir: Folder,
        slug_field: &str,
        collect_links: bool,
    ) -> Self {
        let slug = doc
            .frontmatter
            .as_ref()
            .and_then(|fm| fm.data())
            .and_then(|data| data.str_value(slug_field))
            .map(|slug| slug.trim_matches('/').to_string());
        let mut summary = PageSummary {
            key,
            dir,
            slug,
            ..Default::default()
        };
        let mut anchors = Vec::new();
        for heading in headings(doc) {
            // Python-Markdown (MkDocs) and others collapse runs of `-`.
            anchors.extend(collapse_dashes(&heading.anchor));
            // kramdown's GFM parser (Jekyll, GitHub Pages) turns a tab into `-` as it does a
            // space, where GitHub drops it: `### 6.<tab>Single log-out` is `#6-single-log-out`.
            if doc.generator == Some(Generator::Jekyll) && heading.text.contains('\t') {
                anchors.push(github_anchor(&heading.text.replace('\t', " ")));
            }
            // Template syntax in a heading renders as something else (Hugo's `{{% param %}}`
            // as an icon): its anchor is also read from the rest of the text.
            if heading.text.contains("{{") {
                let text = TEMPLATE_IN_HEADING.replace_all(&heading.text, "");
                anchors.push(github_anchor(&text));
            }
            anchors.push(heading.anchor);
        }
        for (event, range) in &doc.events {
            match event {
                // Footnotes are linked as Python-Markdown and GitHub name them.
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    for prefix in ["fn:", "fnref:", "user-content-fn-"] {
                        anchors.push(format!("{prefix}{label}"));
                    }
                }
                // MkDocs Material's hooks turn `<!-- md:option x.y -->` into an anchor: `+x.y`
                // for an option (the hook writes `{ #+x.y }`), `x.y` for the others.
                Event::Html(html) | Event::InlineHtml(html)
                    if memchr::memmem::find(html.as_bytes(), b"md:").is_some() =>
                {
                    for capture in MKDOCS_HOOK.captures_iter(html) {
                        anchors.push(format!("+{}", &capture[1]));
                        anchors.push(capture[1].to_string());
                    }
                }
                // Most HTML (comments, `<br>`) has no attribute at all.
                Event::Html(html) | Event::InlineHtml(html) if html.contains('=') => {
                    for capture in HTML_ID.captures_iter(html) {
                        if let Some(id) = capture.get(1).or_else(|| capture.get(2)) {
                            anchors.push(id.as_str().to_string());
                        }
                    }
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    ..
                })
                | Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    ..
                }) if collect_links && *link_type == LinkType::Inline && is_internal(dest_url) => {
                    let kind = if matches!(event, Event::Start(Tag::Image { .. })) {
                        LinkKind::Image
                    } else {
                        LinkKind::Link
                    };
                    summary.push_link(doc, kind, dest_url, range.clone());
                }
                _ => {}
            }
        }
        // `str::contains` with a pattern of two bytes is slower than one SIMD scan.
        if memchr::memmem::find(doc.source.as_bytes(), b"{:").is_some() {
            for id in KRAMDOWN_ID.captures_iter(doc.source) {
                anchors.push(id[1].to_string());
            }
        }
        if has_fence_with_braces(doc.source) {
            for found in FENCE_ID.captures_iter(doc.source) {
                if let Some(id) = (1..=4).find_map(|group| found.get(group)) {
                    anchors.push(id.as_str().to_string());
                }
            }
        }
        summary.anchors = Anchors::from(anchors);
        if collect_links {
            // Jekyll leaves the Liquid of a page that says `render_with_liquid: false`.
            let liquid_off = (doc.frontmatter.as_ref().and_then(|fm| fm.data()))
                .and_then(|data| data.value.get("render_with_liquid"))
                .is_some_and(|value| value == &serde_json::Value::Bool(false));
            let generator = doc
                .generator
                .filter(|&g| !(liquid_off && g == Generator::Jekyll));
            if let Some(generator) = generator {
                let body = doc.body_start..doc.source.len();
                for found in templated::find(doc.source, body, generator) {
                    summary.push_template(found);
                }
            }
            for definition in &doc.reference_definitions {
                if is_internal(&definition.dest) {
                    summary.push_link(
                        doc,
                        LinkKind::Definition,
                        &definition.dest,
                        definition.span.clone(),
                    );
                }
            }
            // Kept until the end of the run: no room to grow.
            summary.links.shrink_to_fit();
            summary.template_links.shrink_to_fit();
        }
        summary
    }

    /// The frontmatter's `title`, when [`PageSummary::describe`] has read it.
    pub fn title(&self) -> Option<&str> {
        self.details.as_ref()?.title.as_deref()
    }

    /// The frontmatter's `description`, when [`PageSummary::describe`] has read it.
    pub fn description(&self) -> Option<&str> {
        self.details.as_ref()?.description.as_deref()
    }

    /// The headings in order, when [`PageSummary::describe`] has read them.
    pub fn headings(&self) -> &[Heading] {
        self.details
            .as_ref()
            .map_or(&[], |details| &details.headings)
    }

    /// Reads the frontmatter's `title`, `description` and headings into the summary, for
    /// editors. Left out of [`PageSummary::build`]: on 100,000 pages they would cost `check`
    /// 15 MiB.
    pub fn describe(&mut self, doc: &Document) {
        let data = doc.frontmatter.as_ref().and_then(|fm| fm.data());
        let text = |field: &str| {
            data.and_then(|data| data.str_value(field))
                .map(str::to_string)
        };
        self.details = Some(Box::new(PageDetails {
            title: text("title"),
            description: text("description"),
            headings: headings(doc),
        }));
    }

    fn push_link(&mut self, doc: &Document, kind: LinkKind, dest: &str, span: Range<usize>) {
        let Some(checkable) = checkable_destination(dest) else {
            return;
        };
        let dest_span = find_destination(doc.source, &span, dest);
        self.links.push(LinkRecord {
            kind,
            dest: checkable.into(),
            dest_span,
        });
    }

    fn push_template(&mut self, found: templated::Found) {
        self.template_links.push(TemplateLink {
            kind: found.kind,
            link: LinkRecord {
                kind: LinkKind::Link,
                dest: found.dest.into(),
                dest_span: found.span,
            },
        });
    }

    /// The key of the page's folder (`a/b` for `a/b/c.md`); `None` at the root.
    pub fn folder_key(&self) -> Option<&str> {
        self.key
            .as_deref()?
            .rsplit_once('/')
            .map(|(folder, _)| folder)
    }
}

/// Where the destination is written inside a link's source; the whole link if it cannot be
/// found verbatim (escapes and entities change the text).
fn find_destination(source: &str, span: &Range<usize>, dest: &str) -> Range<usize> {
    let text = &source[span.clone()];
    if dest.is_empty() {
        return span.clone();
    }
    // The last occurrence right after `](` (a link) or `:` (a definition), `<` and spaces
    // allowed between; else the last anywhere.
    let after_mark =
        |at: usize, mark: &str| text[..at].trim_end_matches(['<', ' ']).ends_with(mark);
    // Most links end `](dest)`: that is the last occurrence unless the text ends with another.
    let before_last = text
        .strip_suffix(')')
        .and_then(|inner| inner.strip_suffix(dest));
    if let Some(at) = before_last.map(str::len) {
        if !text.ends_with(dest) && after_mark(at, "](") {
            return span.start + at..span.start + at + dest.len();
        }
    }
    let after = |mark: &str| {
        text.rmatch_indices(dest)
            .map(|(at, _)| at)
            .find(|&at| after_mark(at, mark))
    };
    after("](")
        .or_else(|| after(":"))
        .or_else(|| text.rfind(dest))
        .map_or_else(
            || span.clone(),
            |at| span.start + at..span.start + at + dest.len(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_headings_are_numbered() {
        let doc = Document::parse("# A\n\n## A\n\n## A\n\n## B {#custom}\n\n<a id=\"x\"></a>\n");
        let page = PageSummary::build(&doc, None, Folder::default(), "slug", false);
        let anchors: Vec<_> = page.anchors.iter().collect();
        assert_eq!(anchors, ["a", "a-1", "a-2", "custom", "x"]);
        assert!(page.anchors.contains("a-1") && !page.anchors.contains("b"));
    }

    #[test]
    fn fenced_code_with_an_id_is_an_anchor() {
        let source = "??? example\n\n    ``` { .sh .no-copy #example }\n    x\n    ```\n\n```go {id=\"listing\" class=\"x\"}\ny\n```\n\n```{.py}\nz\n```\n";
        let doc = Document::parse(source);
        let page = PageSummary::build(&doc, None, Folder::default(), "slug", false);
        let anchors: Vec<_> = page.anchors.iter().collect();
        assert_eq!(anchors, ["example", "listing"]);
    }

    proptest::proptest! {
        /// The scan that spares compiling `FENCE_ID` passes every text the regex matches.
        #[test]
        fn the_fence_scan_passes_every_fence_with_an_id(
            source in "([ \t>a]{0,2}(```|~~~|``)[a-z ]{0,2}(\\{[#a-z=\" ]{0,5}\\}?)?[a-z]{0,2}\n?){1,3}",
        ) {
            proptest::prop_assert!(!FENCE_ID.is_match(&source) || has_fence_with_braces(&source));
        }
    }

    #[test]
    fn the_fence_scan_reads_the_fence_line_only() {
        assert!(has_fence_with_braces("x\n  ```go {#a}\n"));
        assert!(!has_fence_with_braces("```go\n{#a}\n```\n"));
        assert!(!has_fence_with_braces(&"`".repeat(100_000)));
    }

    #[test]
    fn described_pages_keep_their_headings_with_spans() {
        let source = "# Første steg\n\n## Neste `del` {#neste}\n\n## Første steg\n";
        let doc = Document::parse(source);
        let mut page = PageSummary::build(&doc, None, Folder::default(), "slug", false);
        assert!(page.headings().is_empty());
        page.describe(&doc);
        let found: Vec<_> = (page.headings().iter())
            .map(|h| (h.level, h.anchor.as_str(), &source[h.text_span.clone()]))
            .collect();
        assert_eq!(
            found,
            [
                (1, "første-steg", "Første steg"),
                (2, "neste", "Neste `del`"),
                (2, "første-steg-1", "Første steg"),
            ]
        );
        assert_eq!(&source[page.headings()[0].span.clone()], "# Første steg\n");
    }

    #[test]
    fn external_links_are_not_collected() {
        let source =
            "[a](https://x.no) [b](mailto:a@b.no) [c](//cdn/x) [d](/intern) `[e](/code)`\n";
        let doc = Document::parse(source);
        let page = PageSummary::build(&doc, None, Folder::default(), "slug", true);
        let dests: Vec<_> = page.links.iter().map(|l| &*l.dest).collect();
        assert_eq!(dests, ["/intern"]);
        assert_eq!(&source[page.links[0].dest_span.clone()], "/intern");
    }

    proptest::proptest! {
        /// The shortcut for a text that ends `](dest)` finds what the search from the end finds.
        #[test]
        fn a_destination_is_found_where_the_search_from_the_end_finds_it(
            before in "[\\[\\]()<: a]{0,10}",
            dest in "[()a:]{1,3}",
            after in "[)a]{0,2}",
        ) {
            let text = format!("{before}{dest}{after}");
            let after = |mark: &str| {
                (text.rmatch_indices(dest.as_str()).map(|(at, _)| at))
                    .find(|&at| text[..at].trim_end_matches(['<', ' ']).ends_with(mark))
            };
            let expected = (after("](").or_else(|| after(":")).or_else(|| text.rfind(&dest)))
                .map_or(0..text.len(), |at| at..at + dest.len());
            proptest::prop_assert_eq!(find_destination(&text, &(0..text.len()), &dest), expected);
        }
    }

    #[test]
    fn what_others_see_reads_back_as_written_without_the_links() {
        let sources = [
            "---\nslug: a/b\n---\n# Første steg\n\n## Del {#del}\n\n[x](/y#z)\n",
            "<a id=\"anker\"></a>\n\nTekst.\n",
        ];
        let pages: Vec<PageSummary> = (sources.iter().enumerate())
            .map(|(at, source)| {
                let doc = Document::parse(source);
                let key = Some(format!("dir/{at}.md"));
                PageSummary::build(&doc, key, PathBuf::from("/site/dir").into(), "slug", true)
            })
            .collect();
        assert!(!pages[0].links.is_empty());
        for page in &pages {
            let encoded = page.encode_seen().unwrap();
            let read = PageSummary::decode_seen(&Bytes::from(encoded.clone())).unwrap();
            assert_eq!(read.seen_by_others(), page.seen_by_others());
            assert_eq!(
                (read.key.as_deref(), read.slug.as_deref()),
                (page.key.as_deref(), page.slug.as_deref())
            );
            assert!(read.links.is_empty() && read.template_links.is_empty());
            let cut = Bytes::copy_from_slice(&encoded[..encoded.len() - 1]);
            assert!(PageSummary::decode_seen(&cut).is_none());
            let longer = Bytes::from([&encoded[..], &[0]].concat());
            assert!(PageSummary::decode_seen(&longer).is_none());
        }
    }

    #[test]
    fn a_destination_of_closing_parentheses_is_the_last_one() {
        // The search from the end never sees the occurrence that overlaps the last one.
        assert_eq!(find_destination("]()))", &(0..5), "))"), 3..5);
    }

    #[test]
    fn destination_spans_point_at_the_destination() {
        let source = "[/x](/x \"se: /x\")\n\n[r]\n\n[r]: </y> \"/y\"\n";
        let doc = Document::parse(source);
        let page = PageSummary::build(&doc, None, Folder::default(), "slug", true);
        let spans: Vec<usize> = page.links.iter().map(|l| l.dest_span.start).collect();
        assert_eq!(
            spans,
            [
                source.find("](/x").unwrap() + 2,
                source.find("</y>").unwrap() + 1
            ]
        );
    }
}
