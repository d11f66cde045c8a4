//! Which files a run reads: the inputs walked (respecting `.gitignore`), plus the other
//! pages under the content root that links may point at; each with its key under the root.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use globset::GlobBuilder;
use rustc_hash::FxHashSet;

use super::fixing::is_fix_leftover;
use super::Linter;
use crate::error::Error;
use crate::finding::{io_error, Finding};
use crate::links::Folder;
pub use crate::paths::{absolute, common_folder};
use crate::source::SourceFile;

/// Whether an input is a glob pattern (quoted, so the shell left it alone) rather than a path.
fn is_pattern(input: &Path) -> bool {
    !input.exists() && has_glob_syntax(input)
}

fn has_glob_syntax(path: &Path) -> bool {
    path.to_string_lossy().contains(['*', '?', '[', '{'])
}

/// The inputs, with each glob pattern (`'docs/**/*.md'`: `*` stays within a folder, `**`
/// crosses folders) replaced by the files it matches, sorted. The files are walked as folders
/// are (`.gitignore` respected, hidden files skipped) from the pattern's folder part; like a
/// file named on the command line, a match is linted whatever its extension. A pattern that
/// matches nothing is an error: a typo should not pass as a clean run.
pub fn expand_patterns(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut expanded = Vec::new();
    for input in inputs {
        if !is_pattern(input) {
            expanded.push(input.clone());
            continue;
        }
        let text = input.to_string_lossy();
        let glob = GlobBuilder::new(&text)
            .literal_separator(true)
            .build()
            .map_err(|error| Error::Input(format!("bad pattern `{text}`: {error}")))?
            .compile_matcher();
        let base: PathBuf = input
            .components()
            .take_while(|part| !has_glob_syntax(Path::new(part.as_os_str())))
            .collect();
        let walked_from = if base.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &base
        };
        let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(walked_from)
            .require_git(false)
            .build()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
            .map(|entry| {
                // A pattern without a folder part is matched from here, as the user wrote it.
                let path = entry.into_path();
                match path.strip_prefix(".") {
                    Ok(relative) if base.as_os_str().is_empty() => relative.to_path_buf(),
                    _ => path,
                }
            })
            .filter(|path| glob.is_match(path))
            .collect();
        if found.is_empty() {
            return Err(Error::Input(format!("no file matches `{text}`")));
        }
        found.sort();
        expanded.extend(found);
    }
    Ok(expanded)
}

/// One file to read: linted, or only summarised for the link index.
pub(super) struct FileTarget {
    pub path: PathBuf,
    pub display: Arc<str>,
    /// Its path relative to the content root, when it is under it.
    pub key: Option<String>,
    /// Its folder, absolute; one copy for the files of a folder, named one after another.
    pub dir: Folder,
    pub lint: bool,
}

/// Whether two paths are the same bytes up to their last separator, and so name files of one
/// folder. `Path::parent` reads the path component by component: twice a file, that was a
/// warm run's twentieth.
fn same_parent(a: &Path, b: &Path) -> bool {
    folder_bytes(a) == folder_bytes(b)
}

fn folder_bytes(path: &Path) -> &[u8] {
    let bytes = path.as_os_str().as_encoded_bytes();
    // `/`, and on Windows the backslash too; kept, so that `/a.md` is not read as `a.md`.
    let end = memchr::memrchr2(b'/', std::path::MAIN_SEPARATOR as u8, bytes).map_or(0, |at| at + 1);
    &bytes[..end]
}

/// The absolute folder of `path`.
fn folder_of(path: &Path) -> Folder {
    absolute(path.parent().unwrap_or(Path::new("."))).into()
}

fn key_of(root: &Path, absolute_path: &Path) -> Option<String> {
    // `absolute` has normalised the path: only the separator may differ from a key's.
    let relative = crate::paths::text(crate::paths::below(absolute_path, root)?);
    Some(if std::path::MAIN_SEPARATOR == '/' {
        relative.into_owned()
    } else {
        relative.replace(std::path::MAIN_SEPARATOR, "/")
    })
}

/// Whether `dir` holds a folder the walk enters (hidden ones are skipped); `true` when it
/// cannot be read, for the walk to report.
fn has_subfolders(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return true;
    };
    entries.filter_map(Result::ok).any(|entry| {
        entry.file_type().is_ok_and(|kind| kind.is_dir())
            && !entry.file_name().as_encoded_bytes().starts_with(b".")
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
            dir: folder_of(path),
            lint: true,
        }
    }

    /// Content files under `dir`, as walked (respecting `.gitignore`, skipping hidden files),
    /// sorted. A folder with subfolders is read in parallel.
    pub(super) fn walk(&self, dir: &Path) -> Vec<PathBuf> {
        let mut builder = ignore::WalkBuilder::new(dir);
        builder.require_git(false);
        let mut files = if has_subfolders(dir) {
            let found = Mutex::new(Vec::new());
            builder.build_parallel().run(|| {
                let found = &found;
                Box::new(move |entry| {
                    if let Some(path) = entry.ok().and_then(|entry| self.content_file(entry)) {
                        let mut found = found.lock().unwrap_or_else(PoisonError::into_inner);
                        found.push(path);
                    }
                    ignore::WalkState::Continue
                })
            });
            found.into_inner().unwrap_or_else(PoisonError::into_inner)
        } else {
            // A folder without subfolders (a page and its neighbours, as a pre-commit hook
            // names them) is read on this thread: a parallel walk starts a thread for it, and
            // that thread its own memory arena, which cost more than reading the folder.
            (builder.build())
                .filter_map(|entry| self.content_file(entry.ok()?))
                .collect()
        };
        crate::paths::sort_by_components(&mut files);
        files
    }

    /// The path of a walked entry that is a content file (not a fix's leftover).
    fn content_file(&self, entry: ignore::DirEntry) -> Option<PathBuf> {
        let is_file = entry.file_type().is_some_and(|t| t.is_file());
        let leftover = crate::paths::file_name(entry.path()).is_some_and(is_fix_leftover);
        (is_file && !leftover && self.is_content(entry.path())).then(|| entry.into_path())
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
        // Hashed as bytes: a `Path` hashes component by component.
        let mut seen: FxHashSet<OsString> = FxHashSet::default();
        let display = |path: &Path| -> Arc<str> {
            let text = crate::paths::text(path);
            let text = if strip_dot {
                text.strip_prefix("./").unwrap_or(&text)
            } else {
                &text
            };
            Arc::from(text)
        };
        // Links may point anywhere under the root: the pages the inputs leave out are read.
        let covered = inputs
            .iter()
            .any(|input| input.is_dir() && self.root.starts_with(absolute(input)));
        // Each file once, however many inputs name it; one walk names each file once.
        let one_walk = covered && inputs.len() == 1;
        let mut add = |targets: &mut Vec<FileTarget>, path: PathBuf, lint: bool| {
            let absolute_path = crate::paths::absolute_or_as_is(&path);
            let key = key_of(&self.root, &absolute_path);
            if one_walk || seen.insert(absolute_path.into_owned().into_os_string()) {
                // A walk names a folder's files one after another.
                let dir = match targets.last() {
                    Some(last) if same_parent(&last.path, &path) => last.dir.clone(),
                    _ => folder_of(&path),
                };
                targets.push(FileTarget {
                    display: display(&path),
                    key,
                    dir,
                    path,
                    lint,
                });
            }
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
            targets.reserve(files.len());
            for path in files {
                add(&mut targets, path, true);
            }
        }
        if !covered && self.root.is_dir() {
            let files = self.walk(&self.root);
            targets.reserve(files.len());
            for path in files {
                add(&mut targets, path, false);
            }
        }
        (targets, missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_of_one_folder_are_told_from_their_bytes() {
        let same = |a: &str, b: &str| same_parent(Path::new(a), Path::new(b));
        assert!(same("docs/a/x.md", "docs/a/y.md"));
        assert!(same("x.md", "y.md"));
        assert!(same("/x.md", "/y.md"));
        assert!(!same("docs/a/x.md", "docs/ab/x.md"));
        assert!(!same("docs/a/x.md", "docs/x.md"));
        assert!(!same("/x.md", "x.md"));
    }
}
