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
use crate::source::SourceFile;

/// What `--fix`, `--unsafe-fixes` and `--diff` ask for.
#[derive(Debug, Clone, Copy)]
pub struct Fixing {
    pub mode: FixMode,
    /// Write the fixed files (`--fix`); otherwise only compute them (`--diff`).
    pub write: bool,
}

impl Linter {
    /// Fixes the text of `original` in rounds: the fixed file (when the text changed) and
    /// what is left to report in it; a `fix-not-converged` finding when the fixes kept
    /// coming.
    pub(super) fn fix_text(
        &self,
        target: &FileTarget,
        original: &Arc<SourceFile>,
        index: Option<&LinkIndex>,
        mode: FixMode,
    ) -> Result<(Option<FixedFile>, Vec<Finding>), Box<Finding>> {
        let lint = |text: &str| self.lint_whole(target, text.to_string(), index).0;
        let fixed = fix_until_stable(&original.text, mode, lint)
            .map_err(|NotConverged { rules }| Box::new(not_converged(original, &rules)))?;
        if fixed.text == original.text {
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
        let mut jobs: Vec<_> = files
            .filter(|(_, _, found)| has_allowed_fix(found))
            .collect();
        let mut fixed: Vec<FixedFile> = jobs
            .par_iter_mut()
            .filter_map(|(target, original, found)| {
                match self.fix_text(target, original, Some(index), fixing.mode) {
                    Ok((fixed, remaining)) => {
                        if let (Some(file), true) = (&fixed, fixing.write) {
                            if let Err(error) = write_atomic(&target.path, &file.fixed.text) {
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

/// Writes through a temporary file in the same folder and a rename, so that a crash never
/// leaves half a file; keeps the file's permissions, and writes through symlinks.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let path = std::fs::canonicalize(path)?;
    let permissions = std::fs::metadata(&path)?.permissions();
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut temporary = tempfile::NamedTempFile::new_in(folder)?;
    temporary.write_all(text.as_bytes())?;
    temporary.as_file().sync_all()?;
    temporary.as_file().set_permissions(permissions)?;
    temporary.persist(&path).map_err(|error| error.error)?;
    Ok(())
}
