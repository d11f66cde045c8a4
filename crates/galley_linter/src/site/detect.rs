//! Which generator a folder's config names, where a site is found from a folder, and where
//! a run without `galley.toml` is rooted.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{Generator, Site};
use crate::paths::absolute;

impl Generator {
    /// The generator whose config `folder` holds, if any.
    pub(super) fn configured_in(folder: &Path) -> Option<Generator> {
        let marked = |generator: &Generator| {
            (generator.markers().iter()).any(|marker| folder.join(marker).is_file())
        };
        if let Some(generator) = Generator::ALL.into_iter().find(marked) {
            return Some(generator);
        }
        // Older Hugo sites name their config `config.toml`, a name too common to trust
        // without Hugo's `content/` beside it.
        let old_hugo = ["config.toml", "config.yaml"]
            .iter()
            .any(|name| folder.join(name).is_file());
        (old_hugo && folder.join("content").is_dir()).then_some(Generator::Hugo)
    }

    /// The files that mark a site of this generator, relative to the site's folder.
    pub(super) fn markers(self) -> &'static [&'static str] {
        match self {
            Generator::Plain => &[],
            Generator::Hugo => &[
                "hugo.toml",
                "hugo.yaml",
                "hugo.json",
                "config/_default/hugo.yaml",
                "config/_default/hugo.toml",
                "config/_default/config.toml",
            ],
            Generator::Docfx => &["docfx.json"],
            Generator::Docusaurus => &[
                "docusaurus.config.js",
                "docusaurus.config.ts",
                "docusaurus.config.mjs",
            ],
            Generator::Mkdocs => &["mkdocs.yml", "mkdocs.yaml"],
            Generator::Jekyll => &["_config.yml"],
            Generator::Starlight => &["astro.config.mjs", "astro.config.ts", "astro.config.js"],
            Generator::Mdbook => &["book.toml"],
        }
    }
}

/// Where to look for a generator's config: the folder itself and folders this deep below it.
const SEARCH_DEPTH: usize = 2;

impl Site {
    /// The site a folder holds, from the generator config files found in it or below it
    /// (the shallowest wins); `None` for a plain folder of Markdown.
    pub fn detect(dir: &Path) -> Option<Site> {
        let mut folders = vec![dir.to_path_buf()];
        for depth in 0..=SEARCH_DEPTH {
            for folder in &folders {
                if let Some(generator) = Generator::configured_in(folder) {
                    return Some(Site::of(generator, folder));
                }
            }
            if depth < SEARCH_DEPTH {
                folders = subfolders(&folders);
            }
        }
        None
    }
}

/// Where a run over `dir` (the inputs' common folder) is rooted when no `galley.toml` says:
/// its [`site_root`], else `dir`. The pages' links then resolve against the whole site, as in
/// a run over it.
pub fn root_at_or_above(dir: &Path) -> PathBuf {
    let dir = absolute(dir);
    site_root(&dir, &mut Asked::default()).unwrap_or(dir)
}

/// The site `dir` (absolute) belongs to, when the working folder holds it (a pre-commit hook
/// names pages deep in a site from the top of its repository): the nearest folder at or above
/// `dir`, up to the working folder, that holds a site generator's config; else the nearest
/// such folder from which a run finds a site below it (a site named from the folder above it,
/// which may hold other sites; Docusaurus's `website/` beside `docs/`).
fn site_root(dir: &Path, asked: &mut Asked) -> Option<PathBuf> {
    let working = absolute(&std::env::current_dir().ok()?);
    let up_to_working = || {
        dir.ancestors()
            .take_while(|folder| folder.starts_with(&working))
    };
    let root = up_to_working()
        .find(|folder| asked.holds_a_config(folder))
        .or_else(|| up_to_working().find(|folder| asked.finds_a_site(folder)));
    root.map(Path::to_path_buf)
}

/// What [`site_root`] learnt of each folder, kept for the next input: pages named together
/// share their folders' ancestors, and finding a site reads the folders below one.
#[derive(Default)]
struct Asked {
    holds_a_config: HashMap<PathBuf, bool>,
    finds_a_site: HashMap<PathBuf, bool>,
}

impl Asked {
    fn holds_a_config(&mut self, folder: &Path) -> bool {
        *(self.holds_a_config.entry(folder.to_path_buf()))
            .or_insert_with(|| Generator::configured_in(folder).is_some())
    }

    fn finds_a_site(&mut self, folder: &Path) -> bool {
        *(self.finds_a_site.entry(folder.to_path_buf()))
            .or_insert_with(|| Site::detect(folder).is_some())
    }
}

/// `inputs` (files and folders) split by the site each belongs to: the folder of the nearest
/// `galley.toml` at or above it, else its [`site_root`]. Inputs of no site stay together; a
/// folder of several sites is split into them ([`folder_by_site`]), its groups last.
/// One group, `inputs` whole, when they belong to one site or to none: several sites named
/// in one run (a pre-commit hook's staged pages in a repository of two sites) are each
/// checked as a run over that site alone checks them.
pub fn inputs_by_site(inputs: &[PathBuf]) -> Vec<Vec<PathBuf>> {
    let mut apart = Vec::new();
    let mut rest = Vec::new();
    for input in inputs {
        match folder_by_site(input) {
            Some(groups) => apart.extend(groups),
            None => rest.push(input.clone()),
        }
    }
    let mut groups = if rest.is_empty() {
        Vec::new()
    } else {
        grouped_by_site(&rest)
    };
    groups.extend(apart);
    groups
}

/// A folder whose entries hold several sites (no config at or above it, no `galley.toml`
/// saying which): its entries, each one that holds a `galley.toml` or from which a run finds
/// a site apart, the others together. `None` for any other input.
fn folder_by_site(input: &Path) -> Option<Vec<Vec<PathBuf>>> {
    let dir = absolute(input);
    if !dir.is_dir() || crate::config::Config::file_at_or_above(&dir).is_some() {
        return None;
    }
    let working = std::env::current_dir().map(|working| absolute(&working));
    let mut above = (dir.ancestors()).take_while(|folder| {
        *folder == dir || (working.as_ref()).is_ok_and(|working| folder.starts_with(working))
    });
    if above.any(|folder| Generator::configured_in(folder).is_some()) {
        return None;
    }
    let extensions = crate::config::Config::default().files.extensions;
    let mut entries: Vec<PathBuf> = (std::fs::read_dir(&dir).ok()?.flatten())
        .filter(|entry| !entry.file_name().to_string_lossy().starts_with('.'))
        .map(|entry| input.join(entry.file_name()))
        .filter(|path| path.is_dir() || crate::paths::has_extension(path, &extensions))
        .collect();
    entries.sort();
    let own_site = |entry: &PathBuf| {
        entry.is_dir()
            && (entry.join(crate::config::CONFIG_FILE).is_file() || Site::detect(entry).is_some())
    };
    let (sites, others): (Vec<PathBuf>, Vec<PathBuf>) = entries.into_iter().partition(own_site);
    if sites.len() < 2 {
        return None;
    }
    let mut groups: Vec<Vec<PathBuf>> = sites.into_iter().map(|site| vec![site]).collect();
    if !others.is_empty() {
        groups.push(others);
    }
    Some(groups)
}

/// [`inputs_by_site`] for inputs that are no folder of several sites.
fn grouped_by_site(inputs: &[PathBuf]) -> Vec<Vec<PathBuf>> {
    if inputs.len() < 2 {
        return vec![inputs.to_vec()];
    }
    // Pages of one folder share their site: each folder is looked up once.
    let mut sites: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut asked = Asked::default();
    let mut groups: Vec<(Option<PathBuf>, Vec<PathBuf>)> = Vec::new();
    for input in inputs {
        let path = absolute(input);
        let folder = if path.is_dir() {
            path
        } else {
            path.parent().map_or(path.clone(), Path::to_path_buf)
        };
        let site = sites.entry(folder).or_insert_with_key(|folder| {
            crate::config::Config::file_at_or_above(folder)
                .and_then(|file| file.parent().map(Path::to_path_buf))
                .or_else(|| site_root(folder, &mut asked))
        });
        match groups.iter_mut().find(|(of, _)| of == site) {
            Some((_, group)) => group.push(input.clone()),
            None => groups.push((site.clone(), vec![input.clone()])),
        }
    }
    if groups.len() == 1 {
        return vec![inputs.to_vec()];
    }
    groups.into_iter().map(|(_, group)| group).collect()
}

fn subfolders(folders: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for folder in folders {
        for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let skipped = name.starts_with('.') || name == "node_modules" || name == "target";
            if !skipped && entry.path().is_dir() {
                found.push(entry.path());
            }
        }
    }
    found.sort();
    found
}
