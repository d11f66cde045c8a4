//! The library's errors, by kind; each message already names its file and place.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `galley.toml` (or a file it extends) is wrong.
    #[error("{0}")]
    Config(String),
    /// A rule pack, or one of its rule files, is wrong.
    #[error("{0}")]
    Pack(String),
    /// A rule's options, or a file they name (a schema), are wrong.
    #[error("{0}")]
    Rule(String),
    /// `--select` or `--ignore` names no known rule or pack.
    #[error("{0}")]
    Selection(String),
    /// A glob pattern given as an input is malformed or matches nothing.
    #[error("{0}")]
    Input(String),
    /// `--changed-since`: git could not say what changed.
    #[error("{0}")]
    Changed(String),
    /// A baseline file cannot be read or written.
    #[error("{0}")]
    Baseline(String),
    /// `galley init` cannot write its files.
    #[error("{0}")]
    Init(String),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}
