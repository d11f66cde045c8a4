//! The run key: one hash of everything, besides a file's own bytes, that can change what the
//! first half of the pipeline makes of a file. Results made under another key are never read.

use std::path::Path;

use xxhash_rust::xxh3::Xxh3;

use super::super::Linter;
use crate::site::{Redirect, Site};

/// Files beside the configured schema that a `$ref` may name: hashed with it.
const SCHEMA_EXTENSIONS: &[&str] = &["json", "yaml", "yml"];

/// Feeds values to the hash, each with its length, so that two lists never hash alike by
/// where one value ends and the next begins.
struct KeyHasher(Xxh3);

impl KeyHasher {
    fn add(&mut self, bytes: &[u8]) {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    /// The regular files of `folder` (not its subfolders) whose extension is one of
    /// `extensions`, by name and content, in name order; a folder that cannot be read adds
    /// its error, so that it differs from an empty one.
    fn add_folder(&mut self, folder: &Path, extensions: &[&str]) {
        let entries = match std::fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(error) => return self.add(error.to_string().as_bytes()),
        };
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| {
                path.extension()
                    .and_then(|ext| ext.to_str())
                    .is_some_and(|ext| extensions.contains(&ext))
            })
            .collect();
        paths.sort();
        for path in paths {
            self.add_file(&path);
        }
    }

    /// The site profile: `Debug` text of its settings, its redirects as they are (a site may
    /// have thousands, and formatting them cost more than the rest of a replayed run), and
    /// the files a docfx site's moved files and base path are read from when first asked.
    fn add_site(&mut self, site: Option<&Site>) {
        let Some(site) = site else {
            return self.add(b"no site");
        };
        // No `..`: a field added to the profile must be hashed.
        let Site {
            generator,
            dir,
            roots,
            static_dirs,
            case_insensitive,
            html_pages,
            folder_urls,
            absolute_may_leave,
            collections,
            redirects,
            docfx,
            base_path,
            resolves_page_paths,
            tab_ids,
        } = site;
        let settings = (
            (
                generator,
                dir,
                roots,
                static_dirs,
                case_insensitive,
                html_pages,
            ),
            (folder_urls, absolute_may_leave, collections, base_path),
            (resolves_page_paths, tab_ids),
        );
        self.add(format!("{settings:?}").as_bytes());
        self.add(&(redirects.len() as u64).to_le_bytes());
        for Redirect { from, to } in redirects {
            self.add(from.as_bytes());
            self.add(to.as_bytes());
        }
        let Some(docfx) = docfx else {
            return self.add(b"no docfx");
        };
        let (settings, sources) = docfx.key_parts();
        self.add(settings.as_bytes());
        self.add(&(sources.len() as u64).to_le_bytes());
        for path in sources {
            self.add_file(&path);
        }
    }

    fn add_file(&mut self, path: &Path) {
        self.add(path.to_string_lossy().as_bytes());
        match std::fs::read(path) {
            Ok(bytes) => self.add(&bytes),
            Err(error) => self.add(error.to_string().as_bytes()),
        }
    }
}

impl Linter {
    /// The hash of galley's build, the resolved configuration (`extends` merged, overrides,
    /// `--select`/`--ignore`), the content root, the site profile, the schema, the
    /// packs' rule files and the markdownlint configs rules read.
    pub(super) fn run_key(&self) -> u128 {
        let mut key = KeyHasher(Xxh3::new());
        key.add(env!("CARGO_PKG_VERSION").as_bytes());
        // A rebuild at the same version (a development build, the default pack embedded in
        // it) may change any rule: the executable's size and time stand for its build.
        let exe = std::env::current_exe().and_then(std::fs::metadata);
        if let Ok(exe) = exe {
            key.add(&exe.len().to_le_bytes());
            key.add(format!("{:?}", exe.modified().ok()).as_bytes());
        }
        // Debug output of the configuration is deterministic: its maps are ordered.
        key.add(format!("{:?}", self.config).as_bytes());
        key.add(format!("{:?}", self.selected).as_bytes());
        key.add(self.root.to_string_lossy().as_bytes());
        key.add_site(self.site.as_ref());
        if let Some(schema) = &self.config.schema {
            key.add_file(&schema.value);
            let folder = schema.value.parent().unwrap_or(Path::new(""));
            let folder = if folder.as_os_str().is_empty() {
                Path::new(".")
            } else {
                folder
            };
            key.add_folder(folder, SCHEMA_EXTENSIONS);
        }
        for pack in &self.config.packs {
            key.add_folder(&pack.value, &["yaml", "yml"]);
        }
        // `list-marker-style` follows the style a markdownlint config declares.
        for path in crate::rules::list_marker_style::markdownlint_candidates(&self.config) {
            key.add_file(&path);
        }
        key.0.digest128()
    }
}
