//! What the server lints against: the configuration found from the workspace folder, and every
//! page of the corpus as the link index sees it (open buffers in place of their files).

use std::collections::HashMap;
use std::mem;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::config::{Config, CONFIG_FILE};
use crate::links::{LinkIndex, PageSummary};
use crate::server::document::QUIET;
use crate::workspace::{absolute, build_rules, ActiveRule, Workspace};

/// The configuration and rules in force.
pub struct Engine {
    config: Config,
    rules: Vec<ActiveRule>,
    /// The workspace folder the editor opened; `galley.toml` is looked for from here.
    folder: PathBuf,
}

impl Engine {
    /// The configuration found from `folder`, and the error that made the server fall back on
    /// the defaults, if one did.
    pub fn load(folder: &Path) -> (Engine, Option<String>) {
        match Engine::try_load(folder) {
            Ok(engine) => (engine, None),
            Err(error) => {
                let config = Config::defaults_at(folder);
                let rules = build_rules(&config).unwrap_or_default();
                let engine = Engine {
                    config,
                    rules,
                    folder: folder.to_path_buf(),
                };
                (engine, Some(error))
            }
        }
    }

    fn try_load(folder: &Path) -> Result<Engine, String> {
        let config = Config::discover(folder).map_err(|error| error.to_string())?;
        let rules = build_rules(&config).map_err(|error| error.to_string())?;
        // Bad globs and overrides only show when a workspace is made: check them now.
        Workspace::new(&config, &rules, &[folder.to_path_buf()]).map_err(|e| e.to_string())?;
        Ok(Engine {
            config,
            rules,
            folder: folder.to_path_buf(),
        })
    }

    pub fn workspace(&self) -> Workspace<'_> {
        Workspace::new(
            &self.config,
            &self.rules,
            std::slice::from_ref(&self.folder),
        )
        .expect("checked when the engine was loaded")
    }

    /// Whether a change to `path` changes the configuration: a `galley.toml` (or a TOML
    /// file it may extend), the frontmatter schema, or a file of a rule pack.
    pub fn is_configuration(&self, path: &Path) -> bool {
        let path = absolute(path);
        path.file_name().is_some_and(|name| name == CONFIG_FILE)
            || path.extension().is_some_and(|ext| ext == "toml")
            || self
                .config
                .schema
                .as_ref()
                .is_some_and(|schema| absolute(&schema.value) == path)
            || self
                .config
                .packs
                .iter()
                .any(|pack| path.starts_with(absolute(&pack.value)))
    }

    /// File-watcher globs for what the server must hear about: configuration and content.
    pub fn watched_globs(&self) -> Vec<String> {
        let content = self.config.files.extensions.join(",");
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
    pub fn index<'c>(&'c self, workspace: &Workspace) -> LinkIndex<'c> {
        LinkIndex::new(
            &workspace.root,
            &workspace.config.files.extensions,
            self.pages.values(),
        )
    }

    /// Whether `page` would resolve links differently from the corpus's copy of it: a new
    /// slug, heading, title or description. Its own links do not count: the index does not
    /// hold them.
    pub fn changes_targets(&self, path: &Path, page: &PageSummary) -> bool {
        self.pages.get(path).is_none_or(|known| {
            known.key != page.key
                || known.slug != page.slug
                || known.anchors != page.anchors
                || known.title != page.title
                || known.description != page.description
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
