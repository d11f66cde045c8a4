//! Paths as the engine compares them: absolute and normalised without touching the disk.

use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

/// Lexically absolute and normalised (`a/../b` is `b`), without touching the file system.
pub fn absolute(path: &Path) -> PathBuf {
    // The current folder is asked once: this runs for every file of a corpus.
    static CURRENT_DIR: OnceLock<PathBuf> = OnceLock::new();
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        CURRENT_DIR
            .get_or_init(|| std::env::current_dir().unwrap_or_default())
            .join(path)
    };
    let mut normal = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

/// The deepest folder holding every given path.
pub fn common_folder(paths: &[PathBuf]) -> PathBuf {
    let folders: Vec<PathBuf> = paths
        .iter()
        .map(|path| absolute(path))
        .map(|path| {
            if path.is_dir() {
                path
            } else {
                path.parent().map(Path::to_path_buf).unwrap_or(path)
            }
        })
        .collect();
    let Some(first) = folders.first() else {
        return absolute(Path::new("."));
    };
    let mut common = first.clone();
    while !folders.iter().all(|folder| folder.starts_with(&common)) {
        if !common.pop() {
            break;
        }
    }
    common
}
