//! The per-file summary that cross-file rules work on (a page's keys, anchors and outgoing
//! links), and the corpus-wide index that resolves links against those summaries.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::sync::{Mutex, OnceLock};

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};
use regex::Regex;
use rustc_hash::FxHashMap;

use crate::document::{Document, LineCol};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Link,
    Image,
    /// A reference definition (`[label]: /target`); reference-style usages are checked here.
    Definition,
}

#[derive(Debug, Clone)]
pub struct LinkRecord {
    pub kind: LinkKind,
    pub dest: String,
    /// Where the destination is written, for fixes that replace it.
    pub dest_span: Range<usize>,
}

/// What the cross-file phase knows of one file once its document is dropped.
#[derive(Debug, Clone, Default)]
pub struct PageSummary {
    /// The path relative to the content root, with `/` separators; `None` outside the root.
    pub key: Option<String>,
    /// The file's folder on disk, for links that leave the content root.
    pub dir: PathBuf,
    pub slug: Option<String>,
    /// The frontmatter's `title` and `description`, for editors' hover and completion; only
    /// [`PageSummary::describe`] fills them in (`check` has no use for them).
    pub title: Option<String>,
    pub description: Option<String>,
    pub anchors: HashSet<String>,
    /// Internal links only; external schemes are dropped at once.
    pub links: Vec<LinkRecord>,
    /// Line and column of every offset a link record holds, sorted by offset.
    positions: Vec<(usize, LineCol)>,
}

static HTML_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("valid regex")
});
static SCHEME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z][A-Za-z0-9+.\-]*:").expect("valid regex"));

/// Whether a link destination points inside the site (not `https:`, `mailto:`, `//host`, ...).
pub fn is_internal(dest: &str) -> bool {
    !dest.is_empty() && !dest.starts_with("//") && !SCHEME.is_match(dest)
}

/// GitHub's heading anchor: lowercase, punctuation dropped, letters of every script kept,
/// spaces turned into `-`.
pub fn github_anchor(text: &str) -> String {
    text.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

impl PageSummary {
    /// Collects the page's anchors, and, when `collect_links` is set, its internal links.
    pub fn build(
        doc: &Document,
        key: Option<String>,
        dir: PathBuf,
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
        let mut heading: Option<(Option<String>, String)> = None;
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (event, range) in &doc.events {
            match event {
                Event::Start(Tag::Heading { id, .. }) => {
                    heading = Some((id.as_ref().map(|id| id.to_string()), String::new()));
                }
                Event::Text(text) | Event::Code(text) => {
                    if let Some((_, buffer)) = heading.as_mut() {
                        buffer.push_str(text);
                    }
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((explicit, text)) = heading.take() {
                        let anchor = explicit.unwrap_or_else(|| {
                            let base = github_anchor(&text);
                            let count = seen.entry(base.clone()).or_insert(0);
                            let anchor = if *count == 0 {
                                base
                            } else {
                                format!("{base}-{count}")
                            };
                            *count += 1;
                            anchor
                        });
                        summary.anchors.insert(anchor);
                    }
                }
                // Most HTML (comments, `<br>`) has no attribute at all.
                Event::Html(html) | Event::InlineHtml(html) if html.contains('=') => {
                    for capture in HTML_ID.captures_iter(html) {
                        if let Some(id) = capture.get(1).or_else(|| capture.get(2)) {
                            summary.anchors.insert(id.as_str().to_string());
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
        if collect_links {
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
            summary
                .positions
                .sort_unstable_by_key(|&(offset, _)| offset);
            summary.positions.dedup_by_key(|&mut (offset, _)| offset);
        }
        summary
    }

    /// Reads the frontmatter's `title` and `description` into the summary, for editors. Left
    /// out of [`PageSummary::build`]: on 100,000 pages they would cost `check` 15 MiB.
    pub fn describe(&mut self, doc: &Document) {
        let data = doc.frontmatter.as_ref().and_then(|fm| fm.data());
        let text = |field: &str| {
            data.and_then(|data| data.str_value(field))
                .map(str::to_string)
        };
        self.title = text("title");
        self.description = text("description");
    }

    fn push_link(&mut self, doc: &Document, kind: LinkKind, dest: &str, span: Range<usize>) {
        let dest_span = find_destination(doc.source, &span, dest);
        for offset in [dest_span.start, dest_span.end] {
            self.positions.push((offset, doc.line_col(offset)));
        }
        self.links.push(LinkRecord {
            kind,
            dest: dest.to_string(),
            dest_span,
        });
    }

    /// The key of the page's folder (`a/b` for `a/b/c.md`); `None` at the root.
    pub fn folder_key(&self) -> Option<&str> {
        self.key
            .as_deref()?
            .rsplit_once('/')
            .map(|(folder, _)| folder)
    }

    /// The line and column of an offset that one of this page's link records holds.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let index = self
            .positions
            .partition_point(|&(recorded, _)| recorded < offset);
        self.positions
            .get(index)
            .map(|&(_, position)| position)
            .unwrap_or_default()
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
    let after = |mark: &str| {
        text.rmatch_indices(dest)
            .map(|(at, _)| at)
            .find(|&at| text[..at].trim_end_matches(['<', ' ']).ends_with(mark))
    };
    after("](")
        .or_else(|| after(":"))
        .or_else(|| text.rfind(dest))
        .map_or_else(
            || span.clone(),
            |at| span.start + at..span.start + at + dest.len(),
        )
}

/// What a link points at once resolved.
#[derive(Debug)]
pub enum Target<'a> {
    Page(&'a PageSummary),
    /// A file that exists but is not a content page (an image, a PDF).
    File,
    Missing,
}

/// All pages of the corpus, by every key a link may use to reach them.
pub struct LinkIndex<'a> {
    root: PathBuf,
    extensions: Vec<String>,
    /// Hashed with FxHash: hundreds of thousands of short keys, looked up once per link.
    /// The keys borrow from the pages: nothing is copied.
    by_key: FxHashMap<&'a str, &'a PageSummary>,
    /// Built when the first broken link asks for a suggestion: a clean corpus never pays.
    suggestible: OnceLock<Suggestible>,
    /// Suggestions already worked out: the same missing page is often linked many times.
    suggestions: Mutex<HashMap<String, Option<String>>>,
    /// Whether a key that names no page is a file under the root, asked of the file system
    /// once per key (many pages link the same images); `None` asks every time, for an index
    /// that outlives changes on disk (the language server's).
    files: Option<Mutex<HashMap<String, bool>>>,
}

impl<'a> LinkIndex<'a> {
    pub fn new(
        root: &Path,
        extensions: &[String],
        pages: impl Iterator<Item = &'a PageSummary>,
    ) -> Self {
        // A page has up to three keys (file, stem, slug): sized once, never rehashed.
        let mut by_key: FxHashMap<&'a str, &'a PageSummary> =
            FxHashMap::with_capacity_and_hasher(3 * pages.size_hint().0, Default::default());
        let mut slugs = Vec::new();
        let mut readmes = Vec::new();
        let folder_of = |stem: &'a str, name: &str| -> Option<&'a str> {
            if stem == name {
                Some("")
            } else {
                stem.strip_suffix(name)?.strip_suffix('/')
            }
        };
        for page in pages {
            if let Some(key) = &page.key {
                by_key.entry(key).or_insert(page);
                if let Some((stem, _)) = key.rsplit_once('.') {
                    by_key.entry(stem).or_insert(page);
                    if let Some(folder) = folder_of(stem, "index") {
                        by_key.entry(folder).or_insert(page);
                    }
                    if let Some(folder) = folder_of(stem, "README") {
                        readmes.push((folder, page));
                    }
                }
            }
            if let Some(slug) = &page.slug {
                slugs.push((slug.as_str(), page));
            }
        }
        // A folder's README is its page (as on GitHub) unless an index or a page of the
        // folder's own name says otherwise.
        for (folder, page) in readmes {
            by_key.entry(folder).or_insert(page);
        }
        // A slug names the page it is declared on, even where a file path says otherwise.
        for (slug, page) in slugs {
            by_key.insert(slug, page);
        }
        LinkIndex {
            root: root.to_path_buf(),
            extensions: extensions.to_vec(),
            by_key,
            suggestible: OnceLock::new(),
            suggestions: Mutex::new(HashMap::new()),
            files: None,
        }
    }

    /// Remembers which keys are files: for one run over a corpus that does not change.
    pub fn caching_files(self) -> Self {
        LinkIndex {
            files: Some(Mutex::new(HashMap::new())),
            ..self
        }
    }

    pub fn page(&self, key: &str) -> Option<&'a PageSummary> {
        self.by_key.get(key).copied()
    }

    /// Resolves a link's path part (no fragment, no query, percent-decoded) from `from`.
    pub fn resolve(&self, from: &'a PageSummary, path: &str) -> Target<'a> {
        if path.is_empty() {
            return Target::Page(from);
        }
        let key = match (path.strip_prefix('/'), &from.key) {
            (Some(absolute), _) => normalize(None, absolute),
            (None, Some(_)) => normalize(from.folder_key(), path),
            (None, None) => None,
        };
        match key {
            Some(key) => match self.page(&key) {
                Some(page) => Target::Page(page),
                None if self.is_file(key) => Target::File,
                None => Target::Missing,
            },
            // Outside the content root: only the file system can say.
            None => {
                let base = if path.starts_with('/') {
                    &self.root
                } else {
                    &from.dir
                };
                if base.join(path.trim_start_matches('/')).is_file() {
                    Target::File
                } else {
                    Target::Missing
                }
            }
        }
    }

    fn is_file(&self, key: String) -> bool {
        let Some(files) = &self.files else {
            return self.root.join(&key).is_file();
        };
        let known = files.lock().ok().and_then(|files| files.get(&key).copied());
        known.unwrap_or_else(|| {
            let exists = self.root.join(&key).is_file();
            if let Ok(mut files) = files.lock() {
                files.insert(key, exists);
            }
            exists
        })
    }

    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }

    /// The one page key clearly closest to `key`, if there is one.
    pub fn closest_page(&self, key: &str) -> Option<String> {
        let cached = self.suggestions.lock().map(|cache| cache.get(key).cloned());
        if let Ok(Some(found)) = cached {
            return found;
        }
        let suggestible = self.suggestible.get_or_init(|| {
            let suffixes: Vec<String> = self
                .extensions
                .iter()
                .map(|ext| format!(".{ext}"))
                .collect();
            Suggestible::new(
                self.by_key
                    .keys()
                    .filter(|key| {
                        !key.is_empty() && !suffixes.iter().any(|suffix| key.ends_with(suffix))
                    })
                    .map(|key| key.to_string()),
            )
        });
        let (folder, name) = key.rsplit_once('/').unwrap_or(("", key));
        // In its own folder; or, when no page has that folder, in the clearly closest folder.
        let (folder, wanted) = if suggestible.by_folder.contains_key(folder) {
            (folder.to_string(), Candidate::new(key))
        } else {
            let wanted_folder = Candidate::new(folder);
            let found = closest(
                &wanted_folder,
                within_reach(&suggestible.folders, &wanted_folder).iter(),
            )?;
            let within = if found.is_empty() {
                name.to_string()
            } else {
                format!("{found}/{name}")
            };
            if self.by_key.contains_key(within.as_str()) {
                return Some(within);
            }
            (found.to_string(), Candidate::new(&within))
        };
        let found = suggestible
            .by_folder
            .get(&folder)
            .and_then(|keys| closest(&wanted, within_reach(keys, &wanted).iter()))
            .map(str::to_string);
        if let Ok(mut cache) = self.suggestions.lock() {
            cache.insert(key.to_string(), found.clone());
        }
        found
    }
}

/// Joins `path` onto `base` and resolves `.` and `..`; `None` when it climbs out of the root.
pub fn normalize(base: Option<&str>, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = base
        .map(|base| base.split('/').filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// The keys worth suggesting for a broken link, by their folder (`""` at the root): a typo is
/// looked for among its folder's pages, not the whole corpus.
struct Suggestible {
    /// Sorted by length, for [`within_reach`].
    by_folder: HashMap<String, Vec<Candidate>>,
    /// The folders, for a typo in the folder part of a link.
    folders: Vec<Candidate>,
}

impl Suggestible {
    fn new(keys: impl Iterator<Item = String>) -> Self {
        let mut by_folder: HashMap<String, Vec<Candidate>> = HashMap::new();
        for key in keys {
            let folder = key
                .rsplit_once('/')
                .map_or("", |(folder, _)| folder)
                .to_string();
            by_folder
                .entry(folder)
                .or_default()
                .push(Candidate::new(&key));
        }
        let mut folders: Vec<Candidate> = by_folder
            .keys()
            .map(|folder| Candidate::new(folder))
            .collect();
        folders.sort_by_key(|candidate| candidate.len);
        for keys in by_folder.values_mut() {
            keys.sort_by_key(|candidate| candidate.len);
        }
        Suggestible { by_folder, folders }
    }
}

/// The candidates (sorted by length) whose length is within `closest`'s reach of `wanted`'s:
/// a folder may hold tens of thousands of pages.
fn within_reach<'c>(sorted: &'c [Candidate], wanted: &Candidate) -> &'c [Candidate] {
    let limit = max_distance(wanted.len);
    let start = sorted.partition_point(|c| c.len + limit < wanted.len);
    let end = sorted.partition_point(|c| c.len <= wanted.len + limit);
    &sorted[start..end.max(start)]
}

/// A name that a broken link may have meant, with what makes comparing it cheap.
#[derive(Debug)]
pub struct Candidate {
    pub text: String,
    len: usize,
    /// How often each character occurs (modulo 64): each edit changes these counts by two
    /// at most, which makes a cheap lower bound on the edit distance.
    counts: [u8; 64],
}

impl Candidate {
    pub fn new(text: &str) -> Self {
        let mut counts = [0u8; 64];
        let mut len = 0;
        for c in text.chars() {
            counts[c as usize % 64] = counts[c as usize % 64].saturating_add(1);
            len += 1;
        }
        Candidate {
            text: text.to_string(),
            len,
            counts,
        }
    }
}

/// How many edits a suggestion may be away from a name of `len` characters.
fn max_distance(len: usize) -> usize {
    (len / 4).clamp(1, 3)
}

/// The edit distance between `a` and `b` if it is at most `limit`; stops as soon as every
/// path through the table exceeds the limit.
fn distance_within(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        current[0] = i + 1;
        let mut row_min = current[0];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            row_min = row_min.min(current[j + 1]);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    Some(previous[b.len()]).filter(|&distance| distance <= limit)
}

/// The candidate with the smallest edit distance to `target`, when it is close enough and no
/// other candidate is as close.
pub fn closest<'c>(
    target: &Candidate,
    candidates: impl Iterator<Item = &'c Candidate>,
) -> Option<&'c str> {
    let limit = max_distance(target.len);
    let target_chars: Vec<char> = target.text.chars().collect();
    let mut best: Option<(usize, &str)> = None;
    let mut tie = false;
    for candidate in candidates {
        // A cheap lower bound first: the distance is at least half the difference in counts.
        if candidate.len.abs_diff(target.len) > limit {
            continue;
        }
        // Summed as `u32` over bytes, which the compiler turns into a few vector instructions.
        let count_difference: u32 = candidate
            .counts
            .iter()
            .zip(&target.counts)
            .map(|(a, b)| u32::from(a.abs_diff(*b)))
            .sum();
        if count_difference as usize > 2 * limit {
            continue;
        }
        let candidate_chars: Vec<char> = candidate.text.chars().collect();
        let Some(distance) = distance_within(&target_chars, &candidate_chars, limit) else {
            continue;
        };
        if distance == 0 {
            continue;
        }
        match best {
            Some((best_distance, _)) if distance > best_distance => {}
            Some((best_distance, _)) if distance == best_distance => tie = true,
            _ => {
                best = Some((distance, candidate.text.as_str()));
                tie = false;
            }
        }
    }
    best.filter(|_| !tie).map(|(_, text)| text)
}

/// Splits a destination into its percent-decoded path and fragment, dropping any query.
pub fn split_destination(dest: &str) -> (Cow<'_, str>, Option<Cow<'_, str>>) {
    let (path, fragment) = match dest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (dest, None),
    };
    let path = path.split_once('?').map_or(path, |(path, _)| path);
    let decode = |s| percent_encoding::percent_decode_str(s).decode_utf8_lossy();
    (decode(path), fragment.map(decode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_follow_github() {
        assert_eq!(github_anchor("Første steg"), "første-steg");
        assert_eq!(github_anchor("Fordeler og ulemper!"), "fordeler-og-ulemper");
        assert_eq!(github_anchor("A - B"), "a---b");
        assert_eq!(github_anchor("`code` & more"), "code--more");
    }

    #[test]
    fn repeated_headings_are_numbered() {
        let doc = Document::parse("# A\n\n## A\n\n## A\n\n## B {#custom}\n\n<a id=\"x\"></a>\n");
        let page = PageSummary::build(&doc, None, PathBuf::new(), "slug", false);
        let mut anchors: Vec<_> = page.anchors.into_iter().collect();
        anchors.sort();
        assert_eq!(anchors, ["a", "a-1", "a-2", "custom", "x"]);
    }

    #[test]
    fn external_links_are_not_collected() {
        let source =
            "[a](https://x.no) [b](mailto:a@b.no) [c](//cdn/x) [d](/intern) `[e](/code)`\n";
        let doc = Document::parse(source);
        let page = PageSummary::build(&doc, None, PathBuf::new(), "slug", true);
        let dests: Vec<_> = page.links.iter().map(|l| l.dest.as_str()).collect();
        assert_eq!(dests, ["/intern"]);
        assert_eq!(&source[page.links[0].dest_span.clone()], "/intern");
    }

    #[test]
    fn destination_spans_point_at_the_destination() {
        let source = "[/x](/x \"se: /x\")\n\n[r]\n\n[r]: </y> \"/y\"\n";
        let doc = Document::parse(source);
        let page = PageSummary::build(&doc, None, PathBuf::new(), "slug", true);
        let spans: Vec<usize> = page.links.iter().map(|l| l.dest_span.start).collect();
        assert_eq!(
            spans,
            [
                source.find("](/x").unwrap() + 2,
                source.find("</y>").unwrap() + 1
            ]
        );
    }

    #[test]
    fn destinations_split_and_decode() {
        assert_eq!(
            split_destination("/a%20b?x=1#F%C3%B8rste"),
            (Cow::from("/a b"), Some(Cow::from("Første")))
        );
    }

    #[test]
    fn normalize_stays_in_the_root() {
        assert_eq!(normalize(Some("a/b"), "../c/./d").as_deref(), Some("a/c/d"));
        assert_eq!(normalize(None, "../x"), None);
    }

    #[test]
    fn closest_needs_a_clear_winner() {
        let keys = [Candidate::new("jointventure"), Candidate::new("fusjon")];
        assert_eq!(
            closest(&Candidate::new("jointventur"), keys.iter()),
            Some("jointventure")
        );
        assert_eq!(closest(&Candidate::new("aksje"), keys.iter()), None);
        let twins = [Candidate::new("ab1"), Candidate::new("ab2")];
        assert_eq!(closest(&Candidate::new("ab"), twins.iter()), None);
    }

    #[test]
    fn suggestions_look_in_the_folder_or_the_closest_folder() {
        let pages: Vec<PageSummary> = ["regnskap/balanse.md", "regnskap/budsjett.md", "fusjon.md"]
            .iter()
            .map(|key| PageSummary {
                key: Some(key.to_string()),
                ..Default::default()
            })
            .collect();
        let index = LinkIndex::new(Path::new("/nowhere"), &["md".to_string()], pages.iter());
        assert_eq!(
            index.closest_page("regnskap/balanze").as_deref(),
            Some("regnskap/balanse")
        );
        assert_eq!(
            index.closest_page("regnskp/balanse").as_deref(),
            Some("regnskap/balanse")
        );
        assert_eq!(index.closest_page("fusjn").as_deref(), Some("fusjon"));
        assert_eq!(index.closest_page("ukjent/side").as_deref(), None);
    }

    #[test]
    fn bounded_distance_agrees_with_the_full_one() {
        let words = [
            "",
            "a",
            "kitten",
            "sitting",
            "første",
            "forste",
            "jointventure",
            "jvent",
        ];
        for a in words {
            for b in words {
                let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                let full = strsim::levenshtein(a, b);
                for limit in 0..4 {
                    let expected = (full <= limit).then_some(full);
                    assert_eq!(
                        distance_within(&ca, &cb, limit),
                        expected,
                        "{a} {b} {limit}"
                    );
                }
            }
        }
    }
}
