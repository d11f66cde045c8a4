//! The corpus-wide index of pages by key, and the resolution of links against it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use rustc_hash::FxHashMap;

use super::folded_keys::FoldedKeys;
use super::suggest::Suggestible;
use super::{normalize, PageSummary};
use crate::site::{Generator, Site};

/// What a link points at once resolved.
#[derive(Debug)]
pub enum Target<'a> {
    Page(&'a PageSummary),
    /// A file that exists but is not a content page (an image, a PDF).
    File,
    /// A site-absolute link that may lead to another site of the same domain, or a link out
    /// of the content root to a sibling site: not checkable here.
    Outside,
    Missing,
}

/// All pages of the corpus, by every key a link may use to reach them.
pub struct LinkIndex<'a> {
    pub(super) root: PathBuf,
    pub(super) extensions: Vec<String>,
    /// Hashed with FxHash: hundreds of thousands of short keys, looked up once per link.
    /// The keys borrow from the pages: nothing is copied.
    pub(super) by_key: FxHashMap<&'a str, &'a PageSummary>,
    /// Built when the first broken link asks for a suggestion: a clean corpus never pays.
    pub(super) suggestible: OnceLock<Suggestible>,
    /// Suggestions already worked out: the same missing page is often linked many times.
    pub(super) suggestions: Mutex<HashMap<String, Option<String>>>,
    /// Whether a path is a file, asked of the file system once per path (many pages link
    /// the same images) and remembered with its answer, which the disk cache checks again
    /// before it replays a run; `None` asks every time, for an index that outlives changes
    /// on disk (the language server's).
    files: Option<Mutex<HashMap<PathBuf, bool>>>,
    /// Pages by the URLs the site serves them at (with a site profile).
    by_url: FxHashMap<&'a str, &'a PageSummary>,
    /// Pages by their logical path in Hugo's content tree ([`hugo_path`]).
    by_content_path: FxHashMap<String, &'a PageSummary>,
    pub(super) site: Option<Site>,
    /// Pages by their lowercased keys, for sites that match paths without regard to case.
    pub(super) by_lower_key: FoldedKeys<'a>,
    /// The keys of pages by their lowercased file name without extension (and a bundle's
    /// `index` by its folder's name), built when the first template link asks for a page by
    /// name. Keys, not pages: a lazily filled cell of borrowed pages would pin the index's
    /// lifetime.
    pub(super) by_name: OnceLock<FxHashMap<String, Vec<String>>>,
}

impl<'a> LinkIndex<'a> {
    pub fn new(
        root: &Path,
        extensions: &[String],
        pages: impl Iterator<Item = &'a PageSummary>,
    ) -> Self {
        let folder_of = |stem: &'a str, name: &str| -> Option<&'a str> {
            if stem == name {
                Some("")
            } else {
                stem.strip_suffix(name)?.strip_suffix('/')
            }
        };
        // Sized once for the keys the pages can add (file, stem, folder, slug), never
        // rehashed; not for three a page, which at 100,000 pages is a table twice the size.
        let pages: Vec<&'a PageSummary> = pages.collect();
        let most_keys: usize = (pages.iter())
            .map(|page| {
                let file_keys = page
                    .key
                    .as_deref()
                    .map_or(0, |key| match key.rsplit_once('.') {
                        Some((stem, _)) => {
                            let folder = folder_of(stem, "index").or(folder_of(stem, "README"));
                            2 + usize::from(folder.is_some())
                        }
                        None => 1,
                    });
                file_keys + usize::from(page.slug.is_some())
            })
            .sum();
        let mut by_key: FxHashMap<&'a str, &'a PageSummary> =
            FxHashMap::with_capacity_and_hasher(most_keys, Default::default());
        let mut slugs = Vec::new();
        let mut readmes = Vec::new();
        let mut pages_with_urls: Vec<&'a PageSummary> = Vec::new();
        for page in pages {
            if !page.urls.is_empty() {
                pages_with_urls.push(page);
            }
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
        let mut by_url: FxHashMap<&'a str, &'a PageSummary> = FxHashMap::default();
        let mut by_content_path = FxHashMap::default();
        for page in &pages_with_urls {
            for url in &page.urls {
                by_url.entry(url.as_str()).or_insert(page);
            }
            if let Some(file) = &page.content_file {
                by_content_path.entry(hugo_path(file)).or_insert(*page);
            }
        }
        LinkIndex {
            root: root.to_path_buf(),
            extensions: extensions.to_vec(),
            by_key,
            suggestible: OnceLock::new(),
            suggestions: Mutex::new(HashMap::new()),
            files: None,
            by_url,
            by_content_path,
            site: None,
            by_lower_key: FoldedKeys::default(),
            by_name: OnceLock::new(),
        }
    }

    /// Resolves links the way `site`'s generator serves pages.
    pub fn with_site(self, site: Option<&Site>) -> Self {
        let by_lower_key = match site {
            Some(site) if site.case_insensitive => {
                FoldedKeys::new(self.by_key.iter().map(|(key, page)| (*key, *page)))
            }
            _ => FoldedKeys::default(),
        };
        LinkIndex {
            site: site.cloned(),
            by_lower_key,
            ..self
        }
    }

    /// Remembers which paths are files: for one run over a corpus that does not change.
    pub fn caching_files(self) -> Self {
        LinkIndex {
            files: Some(Mutex::new(HashMap::new())),
            ..self
        }
    }

    pub fn page(&self, key: &str) -> Option<&'a PageSummary> {
        self.by_key.get(key).copied()
    }

    /// The key a link's path names from `from`; `None` outside the content root.
    fn key_from(from: &PageSummary, path: &str) -> Option<String> {
        match (path.strip_prefix('/'), &from.key) {
            (Some(absolute), _) => normalize(None, absolute),
            (None, Some(_)) => normalize(from.folder_key(), path),
            (None, None) => None,
        }
    }

    /// The page a link's path reaches from `from`, if it reaches one: [`LinkIndex::resolve`]
    /// without asking the file system about what is not a page (an editor's search for the
    /// links to one page goes through every link of the corpus).
    pub fn resolve_page(&self, from: &'a PageSummary, path: &str) -> Option<&'a PageSummary> {
        if path.is_empty() {
            return Some(from);
        }
        let by_key = Self::key_from(from, path).and_then(|key| self.page(&key));
        match (by_key, &self.site) {
            (None, Some(site)) => match self.resolve_url(site, from, path) {
                Target::Page(page) => Some(page),
                _ => None,
            },
            (found, _) => found,
        }
    }

    /// Resolves a link's path part (no fragment, no query, percent-decoded) from `from`.
    pub fn resolve(&self, from: &'a PageSummary, path: &str) -> Target<'a> {
        if path.is_empty() {
            return Target::Page(from);
        }
        let path = match &self.site {
            Some(site) => site.without_base(path),
            None => path,
        };
        if let Some((site, in_site)) = (self.site.as_ref()).and_then(|site| {
            let in_site = path.strip_prefix("@site/")?;
            (site.generator == Generator::Docusaurus).then_some((site, in_site))
        }) {
            return self.resolve_in_site(site, in_site);
        }
        let by_file = self.resolve_file(from, path);
        match (&self.site, by_file) {
            (Some(site), Target::Missing) => self.resolve_url(site, from, path),
            (_, found) => found,
        }
    }

    /// Resolves a link as its site serves it: by page path where the generator rewrites
    /// links to pages, by URL, static file, or as leaving the site.
    fn resolve_url(&self, site: &Site, from: &'a PageSummary, path: &str) -> Target<'a> {
        if site.resolves_page_paths {
            if let Some(page) = self.by_page_path(from, path) {
                return Target::Page(page);
            }
        }
        if site.case_insensitive {
            let key = match path.strip_prefix('/') {
                Some(absolute) => normalize(None, absolute),
                None => normalize(from.folder_key(), path),
            };
            if let Some(page) = key.and_then(|key| self.by_lower_key.get(&key.to_lowercase())) {
                return Target::Page(page);
            }
        }
        let url = match path.strip_prefix('/') {
            Some(absolute) => Some(absolute.to_string()),
            None => {
                // Relative to the page's URL: a folder (`a/b/`), or `a/b.html` in `a/`.
                let base = from.urls.first().map(|url| match from.url_is_folder {
                    true => url.as_str(),
                    false => url.rsplit_once('/').map_or("", |(folder, _)| folder),
                });
                normalize(base, path)
            }
        };
        let Some(url) = url else {
            // Above the site's root: a sibling site (mdBook's `../std/`).
            return Target::Outside;
        };
        // A static file is served at its path as written: a relative link resolves against
        // the page's URL, which a permalink may set far from the page's file.
        let served = url.clone();
        let url = site.url_key(&url);
        let from_root = (site.relative_from_root() && !path.starts_with(['.', '/']))
            .then(|| site.url_key(path));
        let from_root = from_root.as_deref();
        let candidates = [
            Some(url.as_str()),
            url.strip_suffix(".md"),
            from_root,
            from_root.and_then(|url| url.strip_suffix(".md")),
        ];
        for candidate in candidates.into_iter().flatten() {
            if let Some(page) = self.by_url.get(candidate) {
                return Target::Page(page);
            }
        }
        // An untranslated page falls back to the default language's (Starlight, Hugo).
        let fallback = (url.split_once('/'))
            .or(Some((url.as_str(), "")))
            .filter(|(first, _)| site.is_locale_prefix(first));
        if let Some(page) = fallback.and_then(|(_, rest)| self.by_url.get(rest)) {
            return Target::Page(page);
        }
        if let Some(redirect) = site.redirect(&url) {
            return self.redirected(site, &redirect.to);
        }
        let on_disk = match path.strip_prefix('/') {
            Some(absolute) => self.root.join(absolute),
            None => from.dir.join(path),
        };
        let on_disk = crate::paths::absolute(&on_disk);
        if let Some(to) = site.moved_to(&on_disk) {
            return self.redirected(site, to);
        }
        let source = site.yml_source(&on_disk, |path| self.is_file(path));
        let key = source.and_then(|source| {
            let relative = source.strip_prefix(&self.root).ok()?;
            Some(relative.to_string_lossy().replace('\\', "/"))
        });
        if let Some(page) = key.and_then(|key| self.page(&key)) {
            return Target::Page(page);
        }
        if site.generated(&url) {
            return Target::Outside;
        }
        let in_static = site.serves_file(&served, |path| self.is_file(path));
        if in_static {
            Target::File
        } else if site.absolute_may_leave && path.starts_with('/') {
            Target::Outside
        } else {
            Target::Missing
        }
    }

    /// Where a redirect leads: the page at its site-absolute target, else somewhere the link
    /// reaches all the same (the host answers it).
    fn redirected(&self, site: &Site, to: &str) -> Target<'a> {
        if !super::is_internal(to) {
            return Target::Outside;
        }
        let (path, _) = super::split_destination(to);
        match path.strip_prefix('/') {
            Some(absolute) => (self.by_url.get(site.url_key(absolute).as_str()))
                .map_or(Target::File, |page| Target::Page(page)),
            None => Target::File,
        }
    }

    /// The page a link names by its path in the content tree, found as Hugo's `.GetPage`
    /// finds it from the linking page: a relative path from the page's folder (a section's
    /// own folder; for a leaf bundle, the folder holding the bundle; for `../x.md`, the
    /// file's folder), unless it starts with `.`, then from the content root.
    pub(super) fn by_page_path(&self, from: &PageSummary, path: &str) -> Option<&'a PageSummary> {
        let from_file = from.content_file.as_deref()?;
        let reference = path.trim_end_matches('/');
        let reference = reference.strip_prefix("./").unwrap_or(reference);
        let name = reference.rsplit('/').next().unwrap_or(reference);
        let has_extension = name.contains('.') && !matches!(name, "." | "..");
        let lookup = |joined: &str| -> Option<&'a PageSummary> {
            let file = if has_extension {
                joined.to_string()
            } else {
                format!("{joined}.md")
            };
            self.by_content_path.get(&hugo_path(&file)).copied()
        };
        if let Some(absolute) = reference.strip_prefix('/') {
            return match absolute {
                "" => self.by_content_path.get("").copied(),
                absolute => lookup(absolute),
            };
        }
        let (file_folder, file_name) = from_file.rsplit_once('/').unwrap_or(("", from_file));
        let section = file_name.starts_with("_index.");
        let base = if section || (has_extension && reference.starts_with("../")) {
            file_folder.to_string()
        } else {
            let logical = hugo_path(from_file);
            logical
                .rsplit_once('/')
                .map_or(String::new(), |(folder, _)| folder.to_string())
        };
        if let Some(found) = normalize(Some(&base), reference)
            .and_then(|joined| (!joined.is_empty()).then(|| lookup(&joined)).flatten())
        {
            return Some(found);
        }
        if reference.starts_with('.') {
            return None;
        }
        lookup(reference)
    }

    /// Resolves a link as a path to a file under the content root.
    /// A path from the site's folder, as Docusaurus reads `@site/static/img/a.png`.
    fn resolve_in_site(&self, site: &Site, path: &str) -> Target<'a> {
        let on_disk = crate::paths::absolute(&site.dir.join(path));
        let key = (on_disk.strip_prefix(&self.root).ok())
            .map(|relative| relative.to_string_lossy().replace('\\', "/"));
        match key.as_deref().and_then(|key| self.page(key)) {
            Some(page) => Target::Page(page),
            None if self.is_file(&on_disk) => Target::File,
            None => Target::Missing,
        }
    }

    fn resolve_file(&self, from: &'a PageSummary, path: &str) -> Target<'a> {
        match Self::key_from(from, path) {
            Some(key) => match self.page(&key) {
                Some(page) => Target::Page(page),
                None if self.is_file(&self.root.join(key)) => Target::File,
                None => Target::Missing,
            },
            // Outside the content root: only the file system can say.
            None => {
                let base = if path.starts_with('/') {
                    self.root.as_path()
                } else {
                    &from.dir
                };
                if self.is_file(&base.join(path.trim_start_matches('/'))) {
                    Target::File
                } else {
                    Target::Missing
                }
            }
        }
    }

    /// Whether `path` is a file; with [`Self::caching_files`], asked of the file system once.
    pub(super) fn is_file(&self, path: &Path) -> bool {
        let Some(files) = &self.files else {
            return path.is_file();
        };
        let known = files.lock().ok().and_then(|files| files.get(path).copied());
        known.unwrap_or_else(|| {
            let exists = path.is_file();
            if let Ok(mut files) = files.lock() {
                files.insert(path.to_path_buf(), exists);
            }
            exists
        })
    }

    /// Every path this index asked the file system about, with its answer (with
    /// [`Self::caching_files`]): what a run's cross-file findings read of the disk besides
    /// the pages.
    pub fn files_asked(&self) -> Vec<(PathBuf, bool)> {
        let files = self.files.as_ref().and_then(|files| files.lock().ok());
        files.map_or_else(Vec::new, |files| {
            files
                .iter()
                .map(|(path, &exists)| (path.clone(), exists))
                .collect()
        })
    }

    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }
}

/// A content file's logical path as Hugo keys its pages: lowercase, no extension, and an
/// `index` or `_index` file standing for its folder (`docs/A/_index.md` is `docs/a`).
fn hugo_path(file: &str) -> String {
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let stem = match stem.rsplit_once('/') {
        Some((folder, "index" | "_index")) => folder,
        None if matches!(stem, "index" | "_index") => "",
        _ => stem,
    };
    stem.trim_matches('/').to_lowercase()
}
