//! Which files a run reads: the inputs walked (respecting `.gitignore`), plus the other
//! pages under the content root that links may point at; each with its key under the root.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use rayon::prelude::*;

use super::fixing::is_fix_leftover;
use super::Linter;
use crate::finding::{io_error, Finding};
use crate::source::SourceFile;

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

/// One file to read: linted, or only summarised for the link index.
pub(super) struct FileTarget {
    pub path: PathBuf,
    pub display: Arc<str>,
    /// Its path relative to the content root, when it is under it.
    pub key: Option<String>,
    pub lint: bool,
}

fn key_of(root: &Path, absolute_path: &Path) -> Option<String> {
    // `absolute` has normalised the path: only the separator may differ from a key's.
    let relative = absolute_path.strip_prefix(root).ok()?.to_string_lossy();
    Some(if std::path::MAIN_SEPARATOR == '/' {
        relative.into_owned()
    } else {
        relative.replace(std::path::MAIN_SEPARATOR, "/")
    })
}

/// Why an input named on the command line cannot be read: a symlink loop or a dangling
/// link is not simply "no such file".
fn missing_input(input: &Path, error: &std::io::Error) -> String {
    if error.kind() != std::io::ErrorKind::NotFound {
        return format!("cannot read the file: {error}");
    }
    match std::fs::symlink_metadata(input) {
        Ok(_) => "a symbolic link to a file that does not exist".into(),
        Err(_) => "no such file or directory".into(),
    }
}

impl Linter {
    /// A target for text linted as the file at `path` (stdin, an editor's buffer).
    pub(super) fn text_target(&self, path: &Path) -> FileTarget {
        FileTarget {
            path: path.to_path_buf(),
            display: Arc::from(path.to_string_lossy()),
            key: key_of(&self.root, &absolute(path)),
            lint: true,
        }
    }

    /// Content files under `dir`, as walked (respecting `.gitignore`, skipping hidden files),
    /// sorted. The folders are read in parallel.
    pub(super) fn walk(&self, dir: &Path) -> Vec<PathBuf> {
        let found = Mutex::new(Vec::new());
        ignore::WalkBuilder::new(dir)
            .require_git(false)
            .build_parallel()
            .run(|| {
                let found = &found;
                Box::new(move |entry| {
                    if let Ok(entry) = entry {
                        let is_file = entry.file_type().is_some_and(|t| t.is_file());
                        let leftover = is_fix_leftover(entry.file_name());
                        if is_file && !leftover && self.is_content(entry.path()) {
                            let mut found = found.lock().unwrap_or_else(PoisonError::into_inner);
                            found.push(entry.into_path());
                        }
                    }
                    ignore::WalkState::Continue
                })
            });
        let mut files = found.into_inner().unwrap_or_else(PoisonError::into_inner);
        files.par_sort_unstable();
        files
    }

    /// The files to lint (and any others the link index needs), plus findings for inputs that
    /// do not exist. With `strip_dot`, paths are shown without a leading `./`.
    pub(super) fn targets(
        &self,
        inputs: &[PathBuf],
        strip_dot: bool,
    ) -> (Vec<FileTarget>, Vec<Finding>) {
        let mut targets = Vec::new();
        let mut missing = Vec::new();
        let mut seen = HashSet::new();
        let display = |path: &Path| -> Arc<str> {
            let text = path.to_string_lossy();
            let text = if strip_dot {
                text.strip_prefix("./").unwrap_or(&text)
            } else {
                &text
            };
            Arc::from(text)
        };
        for input in inputs {
            let files = if input.is_dir() {
                self.walk(input)
            } else {
                match std::fs::metadata(input) {
                    Ok(_) => vec![input.clone()],
                    Err(error) => {
                        let file = SourceFile::unreadable(display(input));
                        missing.push(io_error(&file, missing_input(input, &error)));
                        continue;
                    }
                }
            };
            for path in files {
                let absolute_path = absolute(&path);
                if seen.insert(absolute_path.clone()) {
                    targets.push(FileTarget {
                        display: display(&path),
                        key: key_of(&self.root, &absolute_path),
                        path,
                        lint: true,
                    });
                }
            }
        }
        // Links may point anywhere under the root: read the pages the inputs leave out.
        let covered = inputs
            .iter()
            .any(|input| input.is_dir() && self.root.starts_with(absolute(input)));
        if !covered && self.root.is_dir() {
            for path in self.walk(&self.root) {
                let absolute_path = absolute(&path);
                if seen.insert(absolute_path.clone()) {
                    targets.push(FileTarget {
                        display: display(&path),
                        key: key_of(&self.root, &absolute_path),
                        path,
                        lint: false,
                    });
                }
            }
        }
        (targets, missing)
    }
}
