//! The baseline that galley is measured against: `parse_only DIR` finds the `.md` files the way
//! galley walks a folder, reads each one and parses it with pulldown-cmark (galley's options,
//! with byte offsets, as galley needs them), in parallel with rayon, and prints the counts.
//! No rules, no frontmatter, no link index: the least a Markdown linter has to do.

use std::path::PathBuf;
use std::{env, fs, process};

use pulldown_cmark::Parser;
use rayon::prelude::*;

fn main() {
    let Some(dir) = env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: parse_only DIR");
        process::exit(2);
    };
    // The walk of galley's `Workspace::walk`: `.gitignore` respected, hidden files skipped,
    // sorted.
    let mut files: Vec<PathBuf> = ignore::WalkBuilder::new(&dir)
        .require_git(false)
        .build()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
        .map(ignore::DirEntry::into_path)
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    files.sort();
    let (bytes, events) = files
        .par_iter()
        .map(|path| match fs::read_to_string(path) {
            Ok(source) => {
                let parser = Parser::new_ext(&source, galley_linter::document::markdown_options());
                (source.len(), parser.into_offset_iter().count())
            }
            Err(error) => {
                eprintln!("parse_only: {}: {error}", path.display());
                (0, 0)
            }
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!("{} files, {bytes} bytes, {events} events", files.len());
}
