//! `galley.toml`: found next to the content, parsed with spans, unknown keys rejected.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::document::LineIndex;

pub const CONFIG_FILE: &str = "galley.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesConfig {
    /// Extensions of content files, found while walking folders.
    #[serde(default = "default_extensions")]
    pub extensions: Vec<String>,
    /// Globs, relative to the config's folder, of files never walked.
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
}

fn default_extensions() -> Vec<String> {
    vec!["md".into(), "markdown".into()]
}

impl Default for FilesConfig {
    fn default() -> Self {
        FilesConfig {
            extensions: default_extensions(),
            exclude: Vec::new(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontmatterConfig {
    /// A JSON Schema (JSON or YAML), relative to the config file.
    pub schema: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinksConfig {
    #[serde(default = "default_slug_field")]
    pub slug_field: String,
    /// The content root that absolute links start from, relative to the config file.
    pub root: Option<String>,
}

fn default_slug_field() -> String {
    "slug".into()
}

impl Default for LinksConfig {
    fn default() -> Self {
        LinksConfig {
            slug_field: default_slug_field(),
            root: None,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    files: FilesConfig,
    #[serde(default)]
    frontmatter: FrontmatterConfig,
    #[serde(default)]
    links: LinksConfig,
    #[serde(default)]
    rules: BTreeMap<String, Spanned<toml::Table>>,
}

#[derive(Debug, Default)]
pub struct Config {
    /// The file it was read from; `None` for the defaults.
    pub path: Option<PathBuf>,
    /// The folder that relative paths in the config start from.
    pub dir: PathBuf,
    source: String,
    pub files: FilesConfig,
    pub frontmatter: FrontmatterConfig,
    pub links: LinksConfig,
    pub rules: BTreeMap<String, Spanned<toml::Table>>,
}

/// A configuration problem, already worded with its file and place.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Config {
    /// Finds the nearest `galley.toml` at or above `start`, else at or above the current folder.
    pub fn discover(start: &Path) -> Result<Config, ConfigError> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let found = start
            .ancestors()
            .chain(cwd.ancestors())
            .map(|dir| dir.join(CONFIG_FILE))
            .find(|candidate| candidate.is_file());
        match found {
            Some(path) => Config::load(&path),
            None => Ok(Config::defaults_at(start)),
        }
    }

    /// The defaults, with relative paths starting from `dir`.
    pub fn defaults_at(dir: &Path) -> Config {
        Config {
            dir: dir.to_path_buf(),
            ..Default::default()
        }
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let source = std::fs::read_to_string(path).map_err(|error| {
            ConfigError(format!(
                "{}: cannot read the config: {error}",
                path.display()
            ))
        })?;
        let file: ConfigFile = toml::from_str(&source).map_err(|error| {
            let place = error
                .span()
                .map(|span| place(path, &source, span))
                .unwrap_or_else(|| path.display().to_string());
            ConfigError(format!("{place}: {}", error.message()))
        })?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Config {
            path: Some(path.to_path_buf()),
            dir: if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir
            },
            source,
            files: file.files,
            frontmatter: file.frontmatter,
            links: file.links,
            rules: file.rules,
        })
    }

    /// `galley.toml:3:1`, for messages about a place in the config.
    pub fn place(&self, span: Range<usize>) -> String {
        match &self.path {
            Some(path) => place(path, &self.source, span),
            None => CONFIG_FILE.to_string(),
        }
    }

    pub fn error(&self, span: Range<usize>, message: impl fmt::Display) -> ConfigError {
        ConfigError(format!("{}: {message}", self.place(span)))
    }
}

fn place(path: &Path, source: &str, span: Range<usize>) -> String {
    let position = LineIndex::new(source).line_col(source, span.start);
    format!("{}:{}:{}", path.display(), position.line, position.column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE);
        std::fs::write(&path, text).unwrap();
        Config::load(&path)
    }

    #[test]
    fn unknown_keys_are_reported_with_their_place() {
        let error = load("[files]\nextensions = [\"md\"]\nexclud = []\n").unwrap_err();
        assert!(error.0.contains("galley.toml:3:1"), "{error}");
        assert!(error.0.contains("unknown field `exclud`"), "{error}");
    }

    #[test]
    fn defaults_apply() {
        let config = load("[links]\nroot = \"content\"\n").unwrap();
        assert_eq!(config.files.extensions, ["md", "markdown"]);
        assert_eq!(config.links.slug_field, "slug");
        assert_eq!(config.links.root.as_deref(), Some("content"));
    }
}
