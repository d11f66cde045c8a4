//! The floor for a warm run: `read_only DIR` finds the `.md` files as `parse_only` does (the
//! walk of galley's, `.gitignore` respected, hidden files skipped, sorted), reads each one as
//! UTF-8 text in parallel with rayon, and does nothing else; it prints the counts. A warm
//! `galley check` must read every file too, to know whether it changed.

use std::path::PathBuf;
use std::{env, fs, process};

use rayon::prelude::*;

fn main() {
    let Some(dir) = env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: read_only DIR");
        process::exit(2);
    };
    let mut files: Vec<PathBuf> = ignore::WalkBuilder::new(&dir)
        .require_git(false)
        .build()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
        .map(ignore::DirEntry::into_path)
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    // By bytes: the cheapest order, this pass being the floor.
    files.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    let bytes: usize = files
        .par_iter()
        .map(|path| match fs::read_to_string(path) {
            Ok(text) => text.len(),
            Err(error) => {
                eprintln!("read_only: {}: {error}", path.display());
                0
            }
        })
        .sum();
    println!("{} files, {bytes} bytes", files.len());
}
