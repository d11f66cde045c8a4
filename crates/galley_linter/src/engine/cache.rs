//! The first phase's results by file, kept between the runs of one linter (`--watch`), so
//! that a check after an edit reads, parses and lints only the files that changed.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use super::discover::FileTarget;
use super::run::Read;
use super::Linter;
use crate::diagnostic::Diagnostic;

/// A file's length and modification time: a file whose stamp is unchanged is taken as
/// unchanged (file systems keep modification times to the nanosecond or close).
type Stamp = (u64, Option<SystemTime>);

struct Cached {
    stamp: Stamp,
    /// Whether it was linted, or only summarised for the link index.
    lint: bool,
    read: Arc<Read>,
    found: Vec<Diagnostic>,
}

/// Belongs to one linter: results made under one configuration are not valid under another.
#[derive(Default)]
pub struct RunCache {
    files: Mutex<HashMap<PathBuf, Cached>>,
}

impl RunCache {
    /// The first phase for one file, from the cache while the file is unchanged.
    pub(super) fn read(
        &self,
        linter: &Linter,
        target: &FileTarget,
    ) -> (Arc<Read>, Vec<Diagnostic>) {
        let stamp = std::fs::metadata(&target.path)
            .ok()
            .map(|meta| (meta.len(), meta.modified().ok()));
        let files = || self.files.lock().unwrap_or_else(PoisonError::into_inner);
        if let (Some(stamp), Some(cached)) = (stamp, files().get(&target.path)) {
            if cached.stamp == stamp && cached.lint == target.lint {
                return (cached.read.clone(), cached.found.clone());
            }
        }
        // `--watch` never fixes.
        let (read, found) = linter.read(target, false);
        let read = Arc::new(read);
        if let Some(stamp) = stamp {
            let cached = Cached {
                stamp,
                lint: target.lint,
                read: read.clone(),
                found: found.clone(),
            };
            files().insert(target.path.clone(), cached);
        }
        (read, found)
    }

    /// Forgets the files a run no longer reads (deleted, or excluded now).
    pub(super) fn keep_only(&self, targets: &[FileTarget]) {
        let paths: HashSet<&PathBuf> = targets.iter().map(|target| &target.path).collect();
        let mut files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        files.retain(|path, _| paths.contains(path));
    }
}
