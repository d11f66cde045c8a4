//! How a docfx site (Microsoft Learn) publishes its files: `docfx.json`'s `build.content`
//! entries map a `src` folder's files (matched by `files`, less `exclude`) to URLs under
//! `dest`, all under the docset's base path; the redirection file names moved files.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde_json::Value;

use super::redirects;
use crate::paths::absolute;

/// One `build.content` entry.
#[derive(Debug, Clone)]
struct Content {
    src: PathBuf,
    dest: String,
    files: GlobSet,
    exclude: GlobSet,
    /// Whether `files` names `.yml` pages, which a prebuild step may make of `.md` files.
    yml: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Docfx {
    contents: Vec<Content>,
    /// The docset's folder and those above it (the repository's root), where the
    /// redirection and publishing files are.
    folders: Vec<PathBuf>,
    /// What those files say, read on first use: a run replayed from the cache needs none of
    /// it (the cache's key hashes the files), and reading it was a twelfth of such a run.
    published: OnceLock<Published>,
}

#[derive(Debug, Clone, Default)]
struct Published {
    /// The docset's URL prefix (`powershell`), without slashes; empty when unknown.
    base_path: String,
    /// Moved files (absolute paths) and the URL each now redirects to.
    moved: Vec<(PathBuf, String)>,
    /// Where each moved file first stands in `moved`, made on the first question: a docs
    /// site moves thousands of files, and every link that reaches no page asks.
    moved_at: OnceLock<HashMap<PathBuf, usize>>,
}

/// Folders where the files of a docset's repository may be: the docset's and those above it.
fn repository_folders(dir: &Path) -> Vec<PathBuf> {
    dir.ancestors().take(3).map(Path::to_path_buf).collect()
}

/// The publishing config's name, in a docset's repository.
const PUBLISH_CONFIG: &str = ".openpublishing.publish.config.json";

impl Docfx {
    /// What tells two `Docfx` apart, for the cache's key: `Debug` text of what `docfx.json`
    /// says, and the files the rest is read from when first asked, for their bytes.
    pub(crate) fn key_parts(&self) -> (String, Vec<PathBuf>) {
        let Docfx {
            contents,
            folders,
            published: _,
        } = self;
        let mut sources = redirects::docfx_files(folders);
        sources.extend(folders.iter().map(|folder| folder.join(PUBLISH_CONFIG)));
        (format!("{:?}", (contents, folders)), sources)
    }

    /// Reads `docfx.json` in `dir`; the redirection and publishing files beside it or above
    /// it are read when first asked.
    pub fn read(dir: &Path) -> Docfx {
        let json = std::fs::read_to_string(dir.join("docfx.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .unwrap_or_default();
        let entries = json["build"]["content"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let contents = entries
            .iter()
            .map(|entry| Content {
                src: absolute(&dir.join(entry["src"].as_str().unwrap_or("."))),
                dest: super::trim_url(entry["dest"].as_str().unwrap_or_default()),
                files: globs(&entry["files"]),
                exclude: globs(&entry["exclude"]),
                yml: patterns(&entry["files"])
                    .iter()
                    .any(|p| p.ends_with(".yml")),
            })
            .collect();
        Docfx {
            contents,
            folders: repository_folders(dir),
            published: OnceLock::new(),
        }
    }

    fn published(&self) -> &Published {
        self.published.get_or_init(|| {
            let moved = redirects::docfx(&redirects::docfx_files(&self.folders));
            let base_path =
                (published_base_path(&self.folders)).unwrap_or_else(|| commonest_root(&moved));
            Published {
                base_path,
                moved,
                moved_at: OnceLock::new(),
            }
        })
    }

    /// The URLs (no leading or trailing `/`) the entries publish `path` at; `page_url` makes a
    /// URL of a path relative to an entry's `src`.
    pub fn urls(&self, path: &Path, page_url: impl Fn(&str) -> String) -> Vec<String> {
        let base_path = self.published().base_path.as_str();
        let mut urls = Vec::new();
        for (content, relative) in self.publishing(path) {
            let url = [base_path, &content.dest, &page_url(&relative)]
                .into_iter()
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join("/");
            if !urls.contains(&url) {
                urls.push(url);
            }
        }
        urls
    }

    /// The entries that publish `path` (a path [`absolute`] made, as the pages' are), each
    /// with `path` relative to its `src`, `/`-separated.
    fn publishing<'s>(
        &'s self,
        path: &'s Path,
    ) -> impl Iterator<Item = (&'s Content, Cow<'s, str>)> + 's {
        self.contents.iter().filter_map(move |content| {
            let relative = crate::paths::text(crate::paths::below(path, &content.src)?);
            let relative = match relative.contains('\\') {
                true => Cow::Owned(relative.replace('\\', "/")),
                false => relative,
            };
            let stem = relative
                .rsplit_once('.')
                .map_or(&*relative, |(stem, _)| stem);
            let published = content.files.is_match(stem) && !content.exclude.is_match(stem);
            published.then_some((content, relative))
        })
    }

    /// The `.md` file a link to `x.yml` reaches when the entry publishing it names `.yml`
    /// pages: the page a prebuild step turns into that `.yml`. `is_file` asks the file system.
    pub fn yml_source(&self, path: &Path, is_file: impl Fn(&Path) -> bool) -> Option<PathBuf> {
        if path.extension()? != "yml" {
            return None;
        }
        let markdown = path.with_extension("md");
        let converted = self.publishing(&markdown).any(|(content, _)| content.yml);
        (converted && is_file(&markdown)).then_some(markdown)
    }

    /// Where a moved file now redirects to, if `path` (or `path.md`) is one.
    pub fn moved_to(&self, path: &Path) -> Option<&str> {
        let Published {
            moved, moved_at, ..
        } = self.published();
        let moved_at = moved_at.get_or_init(|| {
            let mut moved_at = HashMap::with_capacity(moved.len());
            for (at, (source, _)) in moved.iter().enumerate() {
                moved_at.entry(source.clone()).or_insert(at);
            }
            moved_at
        });
        let with_md = path.with_extension("md");
        let at = [path, &with_md]
            .into_iter()
            .filter_map(|path| moved_at.get(path))
            .min()?;
        Some(moved[*at].1.as_str())
    }
}

/// The glob patterns of `files` or `exclude` (a string or a list), matched without file
/// extensions: a prebuild step may turn the `.md` pages of a folder into the `.yml` that
/// `files` names (platyPS's MAML2Yaml does for cmdlet references).
fn globs(value: &Value) -> GlobSet {
    let mut set = GlobSetBuilder::new();
    for pattern in patterns(value) {
        let (folder, name) = pattern.rsplit_once('/').unwrap_or(("", pattern));
        let name = match name.rsplit_once('.') {
            Some((stem, ext)) if !ext.contains(['*', '?', '[', '{']) => stem,
            _ => name,
        };
        let pattern = if folder.is_empty() {
            name.to_string()
        } else {
            format!("{folder}/{name}")
        };
        if let Ok(glob) = Glob::new(&pattern) {
            set.add(glob);
        }
    }
    set.build().unwrap_or_else(|_| GlobSet::empty())
}

/// The patterns of `files` or `exclude`: a string or a list.
fn patterns(value: &Value) -> Vec<&str> {
    match value {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The docset's base path named in the publishing config, when it names one.
fn published_base_path(folders: &[PathBuf]) -> Option<String> {
    folders.iter().find_map(|folder| {
        let text = std::fs::read_to_string(folder.join(PUBLISH_CONFIG));
        let json: Value = serde_json::from_str(&text.ok()?).ok()?;
        let docsets = json["docsets_to_publish"].as_array()?;
        docsets
            .iter()
            .find_map(|docset| docset["base_path"].as_str())
            .map(super::trim_url)
    })
}

/// The first URL segment that most of the redirects' site-absolute targets share: the
/// docset's base path as the published site shows it, when the repository names none.
fn commonest_root(moved: &[(PathBuf, String)]) -> String {
    let roots: Vec<&str> = (moved.iter())
        .filter_map(|(_, url)| url.strip_prefix('/')?.split('/').next())
        .collect();
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for root in &roots {
        match counts.iter_mut().find(|(seen, _)| seen == root) {
            Some((_, count)) => *count += 1,
            None => counts.push((root, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(_, count)| count)
        .filter(|&(_, count)| 2 * count > roots.len())
        .map(|(root, _)| root.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_file_is_found_by_its_path_or_with_md_the_first_entry_winning() {
        let moved = |path: &str, url: &str| (PathBuf::from(path), url.to_string());
        let published = Published {
            moved: vec![
                moved("/d/b.md", "/first-b"),
                moved("/d/a", "/a-as-written"),
                moved("/d/a.md", "/a-md"),
                moved("/d/b.md", "/second-b"),
            ],
            ..Published::default()
        };
        let docfx = Docfx {
            published: OnceLock::from(published),
            ..Docfx::default()
        };
        assert_eq!(docfx.moved_to(Path::new("/d/b.md")), Some("/first-b"));
        assert_eq!(docfx.moved_to(Path::new("/d/b")), Some("/first-b"));
        // `/d/a` stands before `/d/a.md`: the entry found first in order.
        assert_eq!(docfx.moved_to(Path::new("/d/a")), Some("/a-as-written"));
        assert_eq!(docfx.moved_to(Path::new("/d/a.yml")), Some("/a-md"));
        assert_eq!(docfx.moved_to(Path::new("/d/c.md")), None);
    }
}
