//! What the fuzz targets share: a linter with the default configuration over an empty
//! content root, built once per process.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use galley_linter::config::Config;
use galley_linter::engine::Linter;

/// A folder of this process's own, empty unless a target writes into it.
pub fn scratch() -> &'static Path {
    static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
        let dir = std::env::temp_dir().join(format!("galley-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        dir
    });
    &DIR
}

pub fn linter() -> &'static Linter {
    static LINTER: LazyLock<Linter> = LazyLock::new(|| {
        let root = scratch().join("root");
        std::fs::create_dir_all(&root).expect("an empty content root");
        Linter::new(Config::defaults_at(&root), &[]).expect("the default configuration")
    });
    &LINTER
}

/// The path the text is checked as, under the content root.
pub fn page() -> PathBuf {
    scratch().join("root").join("page.md")
}
