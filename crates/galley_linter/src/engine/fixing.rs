//! `--fix`, `--unsafe-fixes` and `--diff`: fixes applied in rounds, each round the whole
//! pipeline on the new text, starting from the text the check read; the fixed files written
//! atomically.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::discover::FileTarget;
use super::pipeline::locate_all;
use super::Linter;
use crate::finding::{io_error, not_converged, Finding, FixedFile};
use crate::fix::{fix_until_stable, FixMode, NotConverged};
use crate::links::LinkIndex;
use crate::source::{read_regular, SourceFile};

/// What `--fix`, `--unsafe-fixes` and `--diff` ask for.
#[derive(Debug, Clone, Copy)]
pub struct Fixing {
    pub mode: FixMode,
    /// Write the fixed files (`--fix`); otherwise only compute them (`--diff`).
    pub write: bool,
}

impl Linter {
    /// Fixes `text`, the whole text of `original`, in rounds: the fixed file (when the text
    /// changed) and what is left to report in it; a `fix-not-converged` finding when the
    /// fixes kept coming.
    pub(super) fn fix_text(
        &self,
        target: &FileTarget,
        original: &Arc<SourceFile>,
        text: &str,
        index: Option<&LinkIndex>,
        mode: FixMode,
    ) -> Result<(Option<FixedFile>, Vec<Finding>), Box<Finding>> {
        let lint = |text: &str| self.lint_whole(target, text.to_string(), index).0;
        let fixed = fix_until_stable(text, mode, lint)
            .map_err(|NotConverged { rules }| Box::new(not_converged(original, &rules)))?;
        if fixed.text == text {
            return Ok((None, locate_all(original, fixed.remaining)));
        }
        let file = SourceFile::new(original.path.clone(), fixed.text);
        let remaining = locate_all(&file, fixed.remaining);
        let fixed_file = FixedFile {
            original: original.clone(),
            fixed: file,
            applied: fixed.applied,
        };
        Ok((Some(fixed_file), remaining))
    }

    /// Fixes every file with an allowed fix among `files` (each with its text and its
    /// findings), in parallel, and replaces each one's findings with what is left; writes the
    /// files unless only a diff was asked for. Returns the files the fixes changed.
    pub(super) fn fix_files<'f>(
        &self,
        files: impl Iterator<Item = (&'f FileTarget, &'f Arc<SourceFile>, &'f mut Vec<Finding>)>,
        index: &LinkIndex,
        fixing: Fixing,
    ) -> Vec<FixedFile> {
        let has_allowed_fix = |found: &Vec<Finding>| {
            found.iter().any(|finding| {
                (finding.diagnostic.fix.as_ref())
                    .is_some_and(|fix| fixing.mode.allows(fix.applicability))
            })
        };
        // A run that fixes keeps every file's whole text.
        let mut jobs: Vec<_> = files
            .filter(|(_, _, found)| has_allowed_fix(found))
            .filter_map(|(target, original, found)| {
                Some((target, original, original.text()?, found))
            })
            .collect();
        let mut fixed: Vec<FixedFile> = jobs
            .par_iter_mut()
            .filter_map(|(target, original, text, found)| {
                match self.fix_text(target, original, text, Some(index), fixing.mode) {
                    Ok((fixed, remaining)) => {
                        if let (Some(file), true) = (&fixed, fixing.write) {
                            let written = write_atomic(&target.path, text, file.texts().1);
                            if let Err(error) = written {
                                let message = format!("cannot write the fixed file: {error}");
                                found.push(io_error(original, message));
                                return None;
                            }
                        }
                        **found = remaining;
                        fixed
                    }
                    Err(failure) => {
                        found.push(*failure);
                        None
                    }
                }
            })
            .collect();
        fixed.sort_by(|a, b| a.path().cmp(b.path()));
        fixed
    }
}

/// The name of a fix's temporary file: `.galley-fix-XXXXXX.tmp`, next to the file it
/// replaces. Hidden, and skipped by the walk even where hidden files are read, so that one
/// left by a killed run is never linted.
const TEMP_PREFIX: &str = ".galley-fix-";
const TEMP_SUFFIX: &str = ".tmp";

/// Whether a file name is one of a fix's temporary files.
pub fn is_fix_leftover(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|name| name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX))
}

/// Replaces the file at `path`, which held `read` when galley read it, with `text`: through a
/// temporary file in the same folder and a rename, so that a crash never leaves half a file.
/// Keeps the file's permissions, and writes through symlinks. A file that changed since it
/// was read (another program wrote to it) is left as it is, and the error says so: writing
/// would lose what was added. The temporary file is removed on every error.
pub fn write_atomic(path: &Path, read: &str, text: &str) -> std::io::Result<()> {
    let path = std::fs::canonicalize(path)?;
    let permissions = std::fs::metadata(&path)?.permissions();
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut temporary = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(folder)?;
    temporary.write_all(text.as_bytes())?;
    temporary.as_file().sync_all()?;
    temporary.as_file().set_permissions(permissions)?;
    // Checked last, just before the rename, to leave the smallest window for a change.
    let now = read_regular(&path, None).map_err(std::io::Error::other)?;
    if now != read.as_bytes() {
        return Err(std::io::Error::other(
            "the file changed on disk after galley read it; it was left as it is",
        ));
    }
    temporary.persist(&path).map_err(|error| error.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "read\nappended\n").unwrap();
        let error = write_atomic(&path, "read\n", "fixed\n").unwrap_err();
        assert!(error.to_string().contains("changed on disk"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "read\nappended\n");
        assert_eq!(names(dir.path()), ["a.md"]);
        write_atomic(&path, "read\nappended\n", "fixed\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "fixed\n");
        assert_eq!(names(dir.path()), ["a.md"]);
    }

    #[test]
    fn temporary_files_are_recognisable() {
        let dir = tempfile::tempdir().unwrap();
        let temporary = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(dir.path())
            .unwrap();
        assert!(is_fix_leftover(temporary.path().file_name().unwrap()));
        assert!(!is_fix_leftover(std::ffi::OsStr::new(
            ".galley-fix-notes.md"
        )));
    }
}
