//! What the server lints against: the configuration found from the workspace folder, and every
//! page of the corpus as the link index sees it (open buffers in place of their files).

use std::collections::{HashMap, HashSet};
use std::mem;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::document::QUIET;
use galley_linter::config::{Config, CONFIG_FILE};
use galley_linter::engine::{absolute, Linter};
use galley_linter::links::{LinkIndex, PageSummary};
use galley_linter::pack::DEFAULT_PACK_NAME;
use galley_linter::rules::BUILTIN_RULES;

/// The linter in force, built once from the configuration and rebuilt only when it changes.
pub struct Engine {
    linter: Linter,
    /// The rules with a page in the repository: the built-in ones and the default pack's.
    documented: HashSet<&'static str>,
}

impl Engine {
    /// The configuration found from `folder`, and the error that made the server fall back on
    /// the defaults, if one did.
    pub fn load(folder: &Path) -> (Engine, Option<String>) {
        let inputs = [folder.to_path_buf()];
        let loaded = Config::discover(folder)
            .and_then(|config| Linter::new(config, &inputs))
            .map_err(|error| error.to_string());
        match loaded {
            Ok(linter) => (Engine::new(linter), None),
            Err(error) => {
                // The defaults build: they name no file that could be missing or wrong.
                let linter = Linter::new(Config::defaults_at(folder), &inputs)
                    .expect("the default configuration builds");
                (Engine::new(linter), Some(error))
            }
        }
    }

    fn new(linter: Linter) -> Engine {
        let default_pack = (linter.packs().iter())
            .filter(|rule| rule.pack == DEFAULT_PACK_NAME)
            .map(|rule| rule.meta.id);
        let built_in = BUILTIN_RULES.iter().map(|entry| entry.meta.id);
        let documented = built_in.chain(default_pack).collect();
        Engine { linter, documented }
    }

    /// Whether the rule has a page in the repository.
    pub fn is_documented(&self, rule: &str) -> bool {
        self.documented.contains(rule)
    }

    pub fn linter(&self) -> &Linter {
        &self.linter
    }

    /// Whether a change to `path` changes the configuration: a `galley.toml` (or a TOML
    /// file it may extend), the frontmatter schema, or a file of a rule pack.
    pub fn is_configuration(&self, path: &Path) -> bool {
        let path = absolute(path);
        let config = self.linter.config();
        path.file_name().is_some_and(|name| name == CONFIG_FILE)
            || path.extension().is_some_and(|ext| ext == "toml")
            || config
                .schema
                .as_ref()
                .is_some_and(|schema| absolute(&schema.value) == path)
            || config
                .packs
                .iter()
                .any(|pack| path.starts_with(absolute(&pack.value)))
    }

    /// File-watcher globs for what the server must hear about: configuration and content.
    pub fn watched_globs(&self) -> Vec<String> {
        let content = self.linter.config().files.extensions.join(",");
        vec![
            format!("**/{CONFIG_FILE}"),
            "**/*.{toml,json,yaml,yml}".to_string(),
            format!("**/*.{{{content}}}"),
        ]
    }
}

/// Every content page by absolute path, with open buffers' summaries in place of their files'.
#[derive(Default)]
pub struct Corpus {
    pub pages: HashMap<PathBuf, PageSummary>,
    /// Whether the content root has been read; until then links are not checked.
    pub ready: bool,
}

impl Corpus {
    pub fn index<'c>(&'c self, linter: &Linter) -> LinkIndex<'c> {
        LinkIndex::new(
            linter.root(),
            &linter.config().files.extensions,
            self.pages.values(),
        )
        .with_site(linter.site())
    }

    /// Whether `page` would resolve links differently from the corpus's copy of it: a new
    /// slug, heading, title or description. Its own links do not count: the index does not
    /// hold them.
    pub fn changes_targets(&self, path: &Path, page: &PageSummary) -> bool {
        self.pages.get(path).is_none_or(|known| {
            known.key != page.key
                || known.slug != page.slug
                || known.anchors != page.anchors
                || known.title() != page.title()
                || known.description() != page.description()
        })
    }

    pub fn update(&mut self, path: PathBuf, page: Option<PageSummary>) {
        match page {
            Some(page) => self.pages.insert(path, page),
            None => self.pages.remove(&path),
        };
    }
}

/// Pages whose link targets changed, waiting to go into the corpus. The index is rebuilt once
/// the changes pause, not on every keystroke in a heading.
#[derive(Default)]
pub struct PendingPages {
    /// By path; `None`: the page is gone.
    pages: HashMap<PathBuf, Option<PageSummary>>,
    /// When to rebuild the index with them.
    pub due: Option<Instant>,
}

impl PendingPages {
    pub fn note(&mut self, path: PathBuf, page: Option<PageSummary>, now: Instant) {
        self.pages.insert(path, page);
        self.due = Some(now + QUIET);
    }

    /// The page is back as the corpus has it (a heading typed and then undone).
    pub fn forget(&mut self, path: &Path) {
        self.pages.remove(path);
        if self.pages.is_empty() {
            self.due = None;
        }
    }

    /// The changes, once their time has come.
    pub fn take_due(&mut self, now: Instant) -> Option<HashMap<PathBuf, Option<PageSummary>>> {
        self.due.filter(|&due| due <= now)?;
        self.due = None;
        Some(mem::take(&mut self.pages))
    }
}
