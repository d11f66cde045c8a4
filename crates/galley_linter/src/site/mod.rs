//! Site profiles: how a site generator turns files into URLs, so that links are resolved the
//! way the published site resolves them. A profile is detected from the generator's config
//! file (or named by `[site] generator`) and says where the content lives, how a file's path
//! becomes its URL (case, index pages, `.html`), which frontmatter keys move or alias a page,
//! where static files are served from, and whether site-absolute links that match no page
//! may lead outside the site (other docsets of one domain).

mod detect;
mod docfx;
mod docusaurus;
mod hugo;
mod jekyll;
mod mkdocs;
mod redirects;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use crate::document::Document;
use crate::paths::absolute;
pub use detect::{inputs_by_site, root_at_or_above};
use docfx::Docfx;
pub use mkdocs::TabIds;
pub use redirects::Redirect;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generator {
    Plain,
    Hugo,
    Docfx,
    Docusaurus,
    Mkdocs,
    Jekyll,
    Starlight,
    Mdbook,
}

impl Generator {
    pub const ALL: [Generator; 8] = [
        Generator::Plain,
        Generator::Hugo,
        Generator::Docfx,
        Generator::Docusaurus,
        Generator::Mkdocs,
        Generator::Jekyll,
        Generator::Starlight,
        Generator::Mdbook,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Generator::Plain => "plain",
            Generator::Hugo => "hugo",
            Generator::Docfx => "docfx",
            Generator::Docusaurus => "docusaurus",
            Generator::Mkdocs => "mkdocs",
            Generator::Jekyll => "jekyll",
            Generator::Starlight => "starlight",
            Generator::Mdbook => "mdbook",
        }
    }

    pub fn from_name(name: &str) -> Option<Generator> {
        Generator::ALL.into_iter().find(|g| g.name() == name)
    }
}

/// A folder of pages (or one page: Hugo mounts single files), where it sits in the
/// generator's content tree, and the URL prefix its pages are served under.
#[derive(Debug, Clone)]
pub struct ContentRoot {
    pub dir: PathBuf,
    /// The path in the content tree that `dir` is mounted at (Hugo's `module.mounts`); no
    /// leading or trailing `/`; empty for the tree's root.
    pub target: String,
    /// No leading or trailing `/`; empty for the site's root.
    pub prefix: String,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub generator: Generator,
    /// The folder holding the generator's config.
    pub dir: PathBuf,
    pub roots: Vec<ContentRoot>,
    /// Folders whose files are served from the site's root (`static/`, `public/`).
    pub static_dirs: Vec<PathBuf>,
    /// URLs are matched without regard to case (Hugo lowercases them, docfx ignores case).
    pub case_insensitive: bool,
    /// A page is served as `name.html` (mdBook, Jekyll pages); else as a folder `name/`.
    pub html_pages: bool,
    /// A page's URL ends in `/`, so relative links resolve below it; else beside it (`.html`
    /// pages, Docusaurus without `trailingSlash: true`).
    pub folder_urls: bool,
    /// Site-absolute links that match nothing may lead to other sites of the same domain
    /// (docfx docsets): not checkable, so not errors.
    pub absolute_may_leave: bool,
    /// Folder names of Jekyll collections (`_docs`) and their URL patterns.
    pub collections: Vec<(String, String)>,
    /// The redirects the site's host or generator serves (their sources as URL keys).
    pub redirects: Vec<Redirect>,
    /// docfx's `src`->`dest` maps, base path and moved files.
    pub docfx: Option<Docfx>,
    /// The path the whole site is published under (Jekyll's `baseurl`, Docusaurus's
    /// `baseUrl`, Astro's `base`, the path of MkDocs's `site_url`), no leading or trailing `/`: a
    /// site-absolute link may start with it.
    pub base_path: Option<String>,
    /// Markdown links may name a page by its path in the content tree, resolved from the
    /// linking page as Hugo's `.GetPage` does (Hugo's embedded link render hook).
    pub resolves_page_paths: bool,
    /// How content tabs are named, where pymdownx.tabbed makes them (MkDocs).
    pub tab_ids: Option<TabIds>,
}

impl Site {
    /// The profile of `generator` for a site whose config is in `dir`.
    pub fn of(generator: Generator, dir: &Path) -> Site {
        let dir = absolute(dir);
        let root = |path: &str, prefix: &str| ContentRoot {
            dir: absolute(&dir.join(path)),
            target: String::new(),
            prefix: prefix.to_string(),
        };
        let mut site = Site {
            generator,
            roots: vec![root("", "")],
            static_dirs: Vec::new(),
            case_insensitive: false,
            html_pages: false,
            folder_urls: true,
            absolute_may_leave: false,
            collections: Vec::new(),
            redirects: Vec::new(),
            docfx: None,
            base_path: None,
            resolves_page_paths: false,
            tab_ids: None,
            dir: dir.clone(),
        };
        match generator {
            Generator::Plain => {}
            Generator::Hugo => {
                let hugo = hugo::Hugo::read(&dir);
                site.roots = hugo.roots;
                site.resolves_page_paths = hugo.link_hook;
                site.static_dirs = vec![dir.join("static"), dir.join("assets")];
                site.case_insensitive = true;
            }
            Generator::Docfx => {
                site.case_insensitive = true;
                site.absolute_may_leave = true;
                site.docfx = Some(Docfx::read(&dir));
            }
            Generator::Docusaurus => {
                let docs = ["docs", "../docs"]
                    .into_iter()
                    .find(|docs| dir.join(docs).is_dir())
                    .unwrap_or("docs");
                site.roots = vec![root(docs, ""), root("src/pages", "")];
                if dir.join(docusaurus::BLOG).is_dir() {
                    site.roots.push(root(docusaurus::BLOG, docusaurus::BLOG));
                }
                let config = config_text(&dir, generator);
                site.base_path = docusaurus::base_url(&config);
                let versions = docusaurus::versioned_docs(&dir, &config);
                site.roots
                    .extend((versions.iter()).map(|(folder, prefix)| root(folder, prefix)));
                site.static_dirs = vec![dir.join("static")];
                site.folder_urls = docusaurus::trailing_slash(&config);
            }
            Generator::Mkdocs => {
                site.roots = vec![root("docs", "")];
                let config = mkdocs::config(&dir);
                site.tab_ids = config.as_ref().and_then(mkdocs::tab_ids);
                site.base_path = config.as_ref().and_then(mkdocs::base_path);
            }
            Generator::Jekyll => {
                site.html_pages = true;
                site.folder_urls = false;
                let config = config_text(&dir, generator);
                site.collections = jekyll::collections(&config);
                site.base_path = jekyll::baseurl(&config);
                site.static_dirs = vec![dir.clone()];
            }
            Generator::Starlight => {
                site.roots = vec![root("src/content/docs", "")];
                site.base_path = astro_base(&config_text(&dir, generator));
                site.static_dirs = vec![dir.join("public")];
                site.case_insensitive = true;
            }
            Generator::Mdbook => {
                site.roots = vec![root("src", "")];
                site.html_pages = true;
                site.folder_urls = false;
                site.redirects = redirects::mdbook(&dir.join("book.toml"));
            }
        }
        // Netlify reads its files from the site's folder, the repository's root above it, and
        // the folder published as is.
        let mut netlify_folders: Vec<PathBuf> = dir.parent().into_iter().map(absolute).collect();
        netlify_folders.push(dir.clone());
        netlify_folders.extend(site.static_dirs.iter().cloned());
        netlify_folders.dedup();
        site.redirects.extend(redirects::netlify(&netlify_folders));
        let mut redirects = std::mem::take(&mut site.redirects);
        for redirect in &mut redirects {
            redirect.from = site.url_key(&redirect.from);
        }
        site.redirects = redirects;
        site
    }

    /// A site-absolute link without the site's base path (`/proj/about/` as `/about/`).
    pub fn without_base<'p>(&self, path: &'p str) -> &'p str {
        let Some(base) = &self.base_path else {
            return path;
        };
        match path
            .strip_prefix('/')
            .and_then(|p| p.strip_prefix(base.as_str()))
        {
            Some("") => "/",
            Some(rest) if rest.starts_with('/') => rest,
            _ => path,
        }
    }

    /// The redirect that answers `url` (a URL key), if one does.
    pub fn redirect(&self, url: &str) -> Option<&Redirect> {
        self.redirects.iter().find(|redirect| redirect.answers(url))
    }

    /// The page a link to a docfx `.yml` page reaches: the `.md` a prebuild step turns into it.
    pub fn yml_source(&self, path: &Path, is_file: impl Fn(&Path) -> bool) -> Option<PathBuf> {
        self.docfx.as_ref()?.yml_source(path, is_file)
    }

    /// Where a file the docfx redirection file names as moved now leads.
    pub fn moved_to(&self, path: &Path) -> Option<&str> {
        self.docfx.as_ref()?.moved_to(path)
    }

    /// The URL paths (no leading or trailing `/`, no `.html`) a page is served at, the one it
    /// is published at first, then those that redirect to it, from its path and frontmatter;
    /// empty outside the content roots. Also whether the page's URL is a folder (`a/b/`,
    /// against which relative links resolve) rather than a file (`a/b.html`).
    pub fn urls(&self, path: &Path, doc: &Document) -> (Vec<String>, bool) {
        let data = doc.frontmatter.as_ref().and_then(|fm| fm.data());
        let field = |key: &str| data.and_then(|data| data.str_value(key));
        let list = |key: &str| data.map(|data| data.str_values(key)).unwrap_or_default();
        let mut urls = Vec::new();
        let Some((root, relative)) = self.content_path(path) else {
            return (urls, self.folder_urls);
        };
        let path_url = page_url(&relative, self.generator);
        let mut url = path_url.clone();
        let mut folder = self.folder_urls;
        if let Some((collection, is_folder)) = self.collection_url(&relative, doc) {
            url = collection;
            folder = is_folder;
        }
        match self.generator {
            Generator::Docusaurus if root.prefix == docusaurus::BLOG => {
                url = docusaurus::blog_post_url(&url, field("slug"));
            }
            Generator::Docusaurus => {
                if let Some(id) = field("id") {
                    url = match url.rsplit_once('/') {
                        Some((folder, _)) => format!("{folder}/{id}"),
                        None => id.to_string(),
                    };
                }
                if let Some(slug) = field("slug") {
                    url = match (slug.strip_prefix('/'), url.rsplit_once('/')) {
                        (Some(absolute), _) => absolute.to_string(),
                        (None, Some((folder, _))) => format!("{folder}/{slug}"),
                        (None, None) => slug.to_string(),
                    };
                }
            }
            Generator::Hugo => {
                if let Some(slug) = field("slug") {
                    url = match url.rsplit_once('/') {
                        Some((folder, _)) => format!("{folder}/{slug}"),
                        None => slug.to_string(),
                    };
                }
            }
            _ => {}
        }
        // A URL set in the frontmatter is where the page is published.
        for key in ["url", "permalink"] {
            if let Some(set) = field(key) {
                folder = set.ends_with('/');
                urls.push(trim_url(set));
            }
        }
        if let Some(docfx) = &self.docfx {
            urls.extend(docfx.urls(path, |relative| page_url(relative, self.generator)));
        }
        urls.push(join_url(&root.prefix, &url));
        // Docusaurus also finds a doc by its file path from the docs folder (`api/Store.md`).
        let is_doc = self.generator == Generator::Docusaurus && root.prefix != docusaurus::BLOG;
        if is_doc && url != path_url {
            urls.push(join_url(&root.prefix, &path_url));
        }
        // A web server answers a folder's URL with its `index.html`: Jekyll collections and
        // mdBook write `a/index.html` for `a/index.md`.
        if let Some(folder) = urls.last().and_then(|url| {
            (url == "index")
                .then_some("")
                .or_else(|| url.strip_suffix("/index"))
        }) {
            urls.push(folder.to_string());
        }
        // Hugo reads an alias without a leading `/` from the page's own folder.
        let page_folder = join_url(&root.prefix, &url)
            .rsplit_once('/')
            .map_or(String::new(), |(folder, _)| folder.to_string());
        for key in ["aliases", "redirect_from"] {
            urls.extend(list(key).iter().map(|alias| {
                let relative = self.generator == Generator::Hugo && !alias.trim().starts_with('/');
                if relative {
                    join_url(&page_folder, &trim_url(alias))
                } else {
                    trim_url(alias)
                }
            }));
        }
        for url in &mut urls {
            *url = self.url_key(url);
        }
        (urls, folder)
    }

    /// The page's path in Hugo's content tree (`docs/a.md`, mounts applied), by which `ref`
    /// and, with [`Site::resolves_page_paths`], Markdown links find pages.
    pub fn content_file(&self, path: &Path) -> Option<String> {
        if self.generator != Generator::Hugo {
            return None;
        }
        self.content_path(path).map(|(_, relative)| relative)
    }

    /// A URL path as pages are looked up by: no `.html` or `index.html`, lowercase where the
    /// site ignores case.
    pub fn url_key(&self, url: &str) -> String {
        let url = url.trim_matches('/');
        // `index.html` as a whole name only: `sdp_index.html` is a page of its own.
        let url = match url {
            "index.html" => "",
            url => (url.strip_suffix("/index.html"))
                .or_else(|| url.strip_suffix(".html"))
                .unwrap_or(url),
        };
        if self.case_insensitive {
            url.to_lowercase()
        } else {
            url.to_string()
        }
    }

    /// Whether a file of the site's source is served at `url` (as written, no leading `/`):
    /// from a static folder, from a Jekyll collection's folder (`docs/a.html` from `_docs/`),
    /// and, where pages are `.html` files, without the `.html` (GitHub Pages and Jekyll's own
    /// server answer `a/b` with `a/b.html`). `is_file` asks the file system.
    pub fn serves_file(&self, url: &str, is_file: impl Fn(&Path) -> bool) -> bool {
        let mut paths = vec![url.to_string()];
        if let Some((first, rest)) = url.split_once('/') {
            let collection =
                (self.collections.iter()).any(|(name, _)| name.strip_prefix('_') == Some(first));
            if collection {
                paths.push(format!("_{first}/{rest}"));
            }
        }
        if self.html_pages && !url.ends_with(".html") {
            let with_html: Vec<String> = paths.iter().map(|p| format!("{p}.html")).collect();
            paths.extend(with_html);
        }
        (self.static_dirs.iter()).any(|dir| paths.iter().any(|path| is_file(&dir.join(path))))
    }

    /// Whether `segment`, first in a URL, names a translation whose missing pages the
    /// generator serves in the default language.
    pub fn is_locale_prefix(&self, segment: &str) -> bool {
        matches!(self.generator, Generator::Starlight | Generator::Hugo)
            && segment.len() <= 5
            && crate::language::primary_subtag(segment).is_some()
    }

    /// Whether the generator makes the page at `url` itself: feeds and sitemaps, Hugo's
    /// taxonomy pages.
    pub fn generated(&self, url: &str) -> bool {
        const MADE_BY_EVERY_GENERATOR: &[&str] = &[
            "sitemap.xml",
            "robots.txt",
            "index.xml",
            "feed.xml",
            "rss.xml",
            "atom.xml",
            "llms.txt",
            "404",
        ];
        let first = url.split('/').next().unwrap_or_default();
        MADE_BY_EVERY_GENERATOR.contains(&url)
            || self.generator == Generator::Hugo && matches!(first, "tags" | "categories")
    }

    /// Whether a relative link may also name a page from the content root, as Docusaurus
    /// reads `api/Store.md`.
    pub fn relative_from_root(&self) -> bool {
        self.generator == Generator::Docusaurus
    }

    /// The content root holding `path`, and the path relative to it with `/` separators.
    fn content_path(&self, path: &Path) -> Option<(&ContentRoot, String)> {
        // The deepest root wins: Hugo's `content/fr` before `content`.
        let root = (self.roots.iter())
            .filter(|root| path.starts_with(&root.dir))
            .max_by_key(|root| root.dir.components().count())?;
        let relative = path.strip_prefix(&root.dir).ok()?;
        let mut parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if !root.target.is_empty() {
            parts.insert(0, root.target.clone());
        }
        Some((root, parts.join("/")))
    }

    /// A Jekyll collection page's URL from its collection's permalink pattern, and whether it
    /// is a folder.
    fn collection_url(&self, relative: &str, doc: &Document) -> Option<(String, bool)> {
        let (folder, rest) = relative.split_once('/')?;
        let (_, pattern) = self.collections.iter().find(|(name, _)| name == folder)?;
        let stem = rest.rsplit_once('.').map_or(rest, |(stem, _)| stem);
        let name = stem.rsplit('/').next().unwrap_or(stem);
        // Posts are named `YYYY-MM-DD-title`.
        let dated = name.len() > 11 && name.as_bytes()[4] == b'-' && name.as_bytes()[7] == b'-';
        let (date, title) = if dated {
            (Some(&name[..10]), &name[11..])
        } else {
            (None, name)
        };
        let data = doc.frontmatter.as_ref().and_then(|fm| fm.data());
        let categories = data
            .map(|data| data.str_values("categories"))
            .unwrap_or_default()
            .join("/");
        let mut url = pattern
            .replace(":collection", folder.trim_start_matches('_'))
            .replace(":path", stem)
            .replace(":name", name)
            .replace(":title", title)
            .replace(":categories", &categories);
        if let Some(date) = date {
            url = url
                .replace(":year", &date[..4])
                .replace(":month", &date[5..7])
                .replace(":day", &date[8..10]);
        }
        // An empty part (no categories) leaves no empty folder.
        while url.contains("//") {
            url = url.replace("//", "/");
        }
        Some((trim_url(&url), url.ends_with('/')))
    }
}

/// A page's URL from its path under a content root: no extension, index pages stand for
/// their folder, Hugo's `_index`, Docusaurus's `README` (Hugo gives `README` no such role).
fn page_url(relative: &str, generator: Generator) -> String {
    let stem = relative.rsplit_once('.').map_or(relative, |(stem, _)| stem);
    let (folder, name) = stem.rsplit_once('/').unwrap_or(("", stem));
    let index = match name {
        "index" | "_index" => true,
        "README" | "readme" => generator != Generator::Hugo,
        _ => false,
    };
    let url = if index && generator != Generator::Mdbook {
        folder
    } else {
        stem
    };
    trim_url(url)
}

fn join_url(prefix: &str, url: &str) -> String {
    match (prefix.is_empty(), url.is_empty()) {
        (true, _) => url.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) => format!("{prefix}/{url}"),
    }
}

/// A URL path without its leading and trailing `/`.
pub fn trim_url(url: &str) -> String {
    url.trim().trim_matches('/').to_string()
}

/// Astro's `base` from its config, when it is more than `/`.
fn astro_base(config: &str) -> Option<String> {
    static BASE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?:^|[{,\s])base\s*:\s*['"]([^'"]*)['"]"#).expect("valid regex")
    });
    url_path_setting(config, &BASE)
}

/// The text of the generator's config file in `dir` (the first of its names that reads);
/// empty without one.
fn config_text(dir: &Path, generator: Generator) -> String {
    (generator.markers().iter())
        .find_map(|name| std::fs::read_to_string(dir.join(name)).ok())
        .unwrap_or_default()
}

/// A URL path set in a config (the first group of `setting`'s first match), without its
/// slashes; `None` when unset or `/`.
fn url_path_setting(config: &str, setting: &Regex) -> Option<String> {
    let path = setting.captures(config)?[1].trim_matches('/').to_string();
    (!path.is_empty()).then_some(path)
}
