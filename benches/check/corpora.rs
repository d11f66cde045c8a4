//! The corpora timed: generated ones (`gen_corpus`), a copy of a real site, the one file of
//! the start-up runs, and the edit that the "one changed" runs make before each run.

use std::cell::Cell;
use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{fail, require};

/// The size of the file the one-file runs check: a long page, as pre-commit hands over.
const ONE_FILE_BYTES: u64 = 20_000;
const DEFAULT_REAL: &str = "../shared/corpora/windows-powershell-docs";

/// Writes the corpus of `files` files unless it is there. `gen_corpus` writes `galley.toml`
/// last: without it, the corpus is missing or partial.
pub fn ensure_generated(gen_corpus: &Path, corpus: &Path, files: usize) {
    if corpus.join("galley.toml").is_file() {
        return;
    }
    require(gen_corpus);
    println!("generating {}", corpus.display());
    let status = Command::new(gen_corpus)
        .arg(files.to_string())
        .arg(corpus)
        .status()
        .unwrap_or_else(|error| fail(format!("{}: {error}", gen_corpus.display())));
    if !status.success() {
        fail(format!("gen_corpus failed: {status}"));
    }
}

/// A copy under `bench_dir` of the real corpus (`$GALLEY_BENCH_REAL`, else the docfx site of
/// `../shared/corpora`), made once; `None` (said why) when it is switched off or missing.
pub fn real(bench_dir: &Path) -> Option<PathBuf> {
    let source = match env::var("GALLEY_BENCH_REAL") {
        Ok(value) if value == "none" => return None,
        Ok(value) => PathBuf::from(value),
        Err(_) => Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_REAL),
    };
    if !source.is_dir() {
        println!("real corpus: skipped: no folder {}", source.display());
        return None;
    }
    let name = source.file_name().unwrap_or_default().to_string_lossy();
    let copy = bench_dir.join(format!("real-{name}"));
    if !copy.is_dir() {
        let partial = bench_dir.join(format!("real-{name}.partial"));
        let _ = std::fs::remove_dir_all(&partial);
        println!("copying {} to {}", source.display(), copy.display());
        let copied = Command::new("cp")
            .arg("-r")
            .args([&source, &partial])
            .status();
        if !copied.is_ok_and(|status| status.success()) {
            fail(format!("cannot copy {}", source.display()));
        }
        let _ = Command::new("chmod")
            .arg("-R")
            .arg("u+w")
            .arg(&partial)
            .status();
        std::fs::rename(&partial, &copy)
            .unwrap_or_else(|error| fail(format!("{}: {error}", copy.display())));
    }
    Some(copy)
}

/// The Markdown files under `folder` (hidden folders skipped), sorted.
fn markdown_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The file of `corpus` closest to [`ONE_FILE_BYTES`], copied alone into a folder of
/// `bench_dir` (so that no other page is read for links); the copy's path, the file's path
/// in the corpus, and its size.
pub fn one_file(corpus: &Path, bench_dir: &Path) -> (PathBuf, PathBuf, u64) {
    let size = |path: &Path| std::fs::metadata(path).map_or(0, |meta| meta.len());
    let chosen = markdown_files(corpus)
        .into_iter()
        .min_by_key(|path| size(path).abs_diff(ONE_FILE_BYTES))
        .unwrap_or_else(|| fail(format!("{}: no Markdown file", corpus.display())));
    let name = corpus.file_name().unwrap_or_default().to_string_lossy();
    let folder = bench_dir.join(format!("one-file-{name}"));
    let copy = folder.join("one.md");
    std::fs::create_dir_all(&folder)
        .and_then(|()| std::fs::copy(&chosen, &copy))
        .unwrap_or_else(|error| fail(format!("{}: {error}", copy.display())));
    let bytes = size(&copy);
    (copy, chosen, bytes)
}

/// One page of a corpus, changed before each "one changed" run: a comment added, then taken
/// away, and so on. The page is as it was once the bench is done with it.
pub struct Edit {
    path: PathBuf,
    original: String,
    changed: Cell<bool>,
}

impl Edit {
    /// The corpus's first page by path.
    pub fn first_page(corpus: &Path) -> Edit {
        let path = markdown_files(corpus)
            .into_iter()
            .next()
            .unwrap_or_else(|| fail(format!("{}: no Markdown file", corpus.display())));
        let original = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| fail(format!("{}: {error}", path.display())));
        Edit {
            path,
            original,
            changed: Cell::new(false),
        }
    }

    pub fn toggle(&self) {
        let changed = !self.changed.get();
        let text = if changed {
            format!("{}\n<!-- changed by the bench -->\n", self.original)
        } else {
            self.original.clone()
        };
        std::fs::write(&self.path, text)
            .unwrap_or_else(|error| fail(format!("{}: {error}", self.path.display())));
        self.changed.set(changed);
    }
}

impl Drop for Edit {
    fn drop(&mut self) {
        if self.changed.get() {
            let _ = std::fs::write(&self.path, &self.original);
        }
    }
}
