//! The workspace folders the editor opened, each served on its own: its configuration (found
//! from the folder), its corpus and its link index. A page belongs to the innermost folder
//! that holds it, and its links resolve in that folder's corpus only.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{InitializeParams, WorkspaceFoldersChangeEvent};

use crate::corpus::{Corpus, Engine};
use crate::positions::uri_to_path;
use galley_linter::engine::{absolute, Linter};
use galley_linter::links::LinkIndex;

/// One workspace folder with what is served from it.
pub struct Folder {
    /// The folder as the editor named it.
    pub path: PathBuf,
    pub engine: Arc<Engine>,
    pub corpus: Corpus,
}

/// What the handlers read for one folder: the rules in force and the corpus with its link
/// index (`None` until the content root has been read).
pub struct Context<'c> {
    pub folder: &'c Path,
    pub engine: &'c Engine,
    pub linter: &'c Linter,
    pub corpus: &'c Corpus,
    pub index: Option<&'c LinkIndex<'c>>,
}

/// Every folder's context, in the order the editor named the folders.
pub struct Workspace<'c> {
    pub folders: Vec<Context<'c>>,
}

impl<'c> Workspace<'c> {
    /// The context of the folder `path` belongs to.
    pub fn of(&self, path: &Path) -> &Context<'c> {
        let places = self.folders.iter().map(|c| (c.folder, c.linter.root()));
        &self.folders[folder_of(places, path)]
    }
}

/// Which of the folders (each by its path and content root; there is at least one) holds
/// `path`: the innermost folder that does, else the one whose content root does (a
/// configuration above the folder), else the first.
pub fn folder_of<'p>(
    places: impl Iterator<Item = (&'p Path, &'p Path)> + Clone,
    path: &Path,
) -> usize {
    let path = absolute(path);
    let innermost = |of: &dyn Fn((&'p Path, &'p Path)) -> &'p Path| {
        (places.clone().enumerate())
            .filter(|(_, place)| path.starts_with(of(*place)))
            .max_by_key(|(_, place)| of(*place).components().count())
            .map(|(at, _)| at)
    };
    innermost(&|(folder, _)| folder)
        .or_else(|| innermost(&|(_, root)| root))
        .unwrap_or(0)
}

/// The folders the editor opens with: its workspace folders, else its root, else the
/// current folder.
pub fn initial_folders(params: &InitializeParams) -> Vec<PathBuf> {
    let named: Vec<PathBuf> = (params.workspace_folders.iter().flatten())
        .filter_map(|folder| uri_to_path(&folder.uri))
        .collect();
    if !named.is_empty() {
        return dedup(named);
    }
    #[allow(
        deprecated,
        reason = "editors that predate workspace folders send only these"
    )]
    let root = params.root_uri.as_ref().and_then(uri_to_path);
    vec![root.unwrap_or_else(current_folder)]
}

/// The folders after `event`: the removed ones gone, the added ones last. When none is left,
/// the current folder is served, as when the editor names none.
pub fn changed_folders(old: &[PathBuf], event: &WorkspaceFoldersChangeEvent) -> Vec<PathBuf> {
    let paths = |folders: &[lsp_types::WorkspaceFolder]| -> Vec<PathBuf> {
        folders.iter().filter_map(|f| uri_to_path(&f.uri)).collect()
    };
    let removed = paths(&event.removed);
    let mut folders: Vec<PathBuf> = (old.iter())
        .filter(|folder| !removed.contains(folder))
        .cloned()
        .collect();
    folders.extend(paths(&event.added));
    if folders.is_empty() {
        folders.push(current_folder());
    }
    dedup(folders)
}

fn dedup(folders: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut seen = Vec::new();
    for folder in folders.into_iter().map(|f| absolute(&f)) {
        if !seen.contains(&folder) {
            seen.push(folder);
        }
    }
    seen
}

fn current_folder() -> PathBuf {
    std::env::current_dir().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_belongs_to_its_innermost_folder() {
        let places = [
            (Path::new("/a"), Path::new("/a")),
            (Path::new("/a/b"), Path::new("/a/b")),
            (Path::new("/c/docs"), Path::new("/c")),
        ];
        let of = |path: &str| folder_of(places.iter().copied(), Path::new(path));
        assert_eq!(of("/a/x.md"), 0);
        assert_eq!(of("/a/b/x.md"), 1);
        assert_eq!(of("/a/bb/x.md"), 0);
        // Outside the folder, inside its content root.
        assert_eq!(of("/c/x.md"), 2);
        assert_eq!(of("/elsewhere/x.md"), 0);
    }
}
