//! `galley.toml`: found next to the content, parsed with spans, unknown keys rejected, shared
//! house configs merged in with `extends`. Every value that can still be wrong later (a schema
//! path, a glob, a rule's options) keeps the place it was written, for the error message.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::de::{DeString, DeTable, DeValue};
use toml::Spanned;

use crate::document::LineIndex;
use crate::error::Error;

pub const CONFIG_FILE: &str = "galley.toml";

/// A configured value and where it was written (`galley.toml:3:10`).
#[derive(Debug, Clone, PartialEq)]
pub struct Placed<T> {
    pub value: T,
    pub place: String,
}

#[derive(Debug, Clone)]
pub struct FilesConfig {
    /// Extensions of content files, found while walking folders.
    pub extensions: Vec<String>,
    /// Globs, relative to the config's folder, of files never walked.
    pub exclude: Vec<Placed<String>>,
}

impl Default for FilesConfig {
    fn default() -> Self {
        FilesConfig {
            extensions: vec!["md".into(), "markdown".into(), "mdx".into()],
            exclude: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct LinksConfig {
    pub slug_field: String,
    /// The content root that absolute links start from.
    pub root: Option<PathBuf>,
}

impl Default for LinksConfig {
    fn default() -> Self {
        LinksConfig {
            slug_field: "slug".into(),
            root: None,
        }
    }
}

/// `[site]`: the site generator, when galley should not detect it from the files present.
#[derive(Debug, Clone, Default)]
pub struct SiteConfig {
    pub generator: Option<crate::site::Generator>,
    /// The folder holding the generator's config, when it is not the folder of `galley.toml`.
    pub dir: Option<PathBuf>,
}

/// `[content]`: what galley should know of the pages that they do not say themselves.
#[derive(Debug, Clone, Default)]
pub struct ContentConfig {
    /// The site's language (`nb`, `en`), for pages whose frontmatter, file name and folder
    /// name none.
    pub language: Option<String>,
}

/// `[cache]`: where `check` keeps what it learnt of each file between runs.
#[derive(Debug, Clone, Default)]
pub struct CacheConfig {
    /// The cache's folder, resolved against the config's; default `.galley_cache` under the
    /// content root.
    pub dir: Option<PathBuf>,
}

/// Rule levels and options, by rule id: the `[rules.<id>]` tables.
pub type RuleTables = BTreeMap<String, RuleTable>;

/// One rule's `[rules.<id>]` table: its options, where the table was written, and where
/// each option was (a wrong value is reported at its key).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleTable {
    pub value: toml::Table,
    pub place: String,
    pub key_places: BTreeMap<String, String>,
}

/// `[[overrides]]`: rule settings for the files matching some globs.
#[derive(Debug, Clone)]
pub struct Override {
    pub files: Vec<Placed<String>>,
    pub rules: RuleTables,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from; `None` for the defaults.
    pub path: Option<PathBuf>,
    /// The folder that globs in the config start from.
    pub dir: PathBuf,
    pub files: FilesConfig,
    /// A JSON Schema (JSON or YAML) for the frontmatter, resolved against its config file.
    pub schema: Option<Placed<PathBuf>>,
    pub links: LinksConfig,
    pub content: ContentConfig,
    pub site: SiteConfig,
    pub cache: CacheConfig,
    /// Whether the built-in default pack runs (`[rules] default_pack = false` turns it off).
    pub default_pack: bool,
    /// Folders of YAML rules, resolved against their config file.
    pub packs: Vec<Placed<PathBuf>>,
    pub rules: RuleTables,
    /// Later entries win.
    pub overrides: Vec<Override>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            dir: PathBuf::new(),
            files: FilesConfig::default(),
            schema: None,
            links: LinksConfig::default(),
            content: ContentConfig::default(),
            site: SiteConfig::default(),
            cache: CacheConfig::default(),
            default_pack: true,
            packs: Vec::new(),
            rules: RuleTables::new(),
            overrides: Vec::new(),
        }
    }
}

/// One file as written; `None` where it says nothing, so that `extends` can fill in.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    extends: Option<Spanned<String>>,
    files: Option<FilesSection>,
    frontmatter: Option<FrontmatterSection>,
    links: Option<LinksSection>,
    content: Option<ContentSection>,
    site: Option<SiteSection>,
    cache: Option<CacheSection>,
    /// `packs = [...]`, `default_pack = false` and the `[rules.<id>]` tables.
    rules: Option<BTreeMap<String, Spanned<toml::Value>>>,
    overrides: Option<Vec<OverrideSection>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilesSection {
    extensions: Option<Vec<String>>,
    exclude: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontmatterSection {
    schema: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinksSection {
    slug_field: Option<String>,
    root: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteSection {
    generator: Option<Spanned<String>>,
    dir: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CacheSection {
    dir: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContentSection {
    language: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideSection {
    files: Vec<Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<String, Spanned<toml::Table>>,
}

/// How deep `extends` may chain before galley calls it a cycle.
const MAX_EXTENDS: usize = 16;

impl Config {
    /// Finds the nearest `galley.toml` at or above `start`, else at or above the current folder;
    /// without one, the defaults, rooted where [`crate::site::root_at_or_above`] says.
    pub fn discover(start: &Path) -> Result<Config, Error> {
        let found = Config::file_at_or_above(start)
            .or_else(|| Config::file_at_or_above(&std::env::current_dir().unwrap_or_default()));
        match found {
            Some(path) => Config::load(&path),
            None => Ok(Config::defaults_at(&crate::site::root_at_or_above(start))),
        }
    }

    /// The nearest `galley.toml` at or above `dir`.
    pub(crate) fn file_at_or_above(dir: &Path) -> Option<PathBuf> {
        dir.ancestors()
            .map(|dir| dir.join(CONFIG_FILE))
            .find(|candidate| candidate.is_file())
    }

    /// The defaults, with globs starting from `dir`.
    pub fn defaults_at(dir: &Path) -> Config {
        Config {
            dir: dir.to_path_buf(),
            ..Default::default()
        }
    }

    pub fn load(path: &Path) -> Result<Config, Error> {
        let mut config = Config::default();
        config.merge_file(path, 0)?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        config.dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Reads one file (after the file it extends) over what is configured so far.
    fn merge_file(&mut self, path: &Path, depth: usize) -> Result<(), Error> {
        let source = std::fs::read_to_string(path).map_err(|error| {
            Error::Config(format!(
                "{}: cannot read the config: {error}",
                path.display()
            ))
        })?;
        let located = |error: toml::de::Error| {
            let place = error.span().map_or_else(
                || path.display().to_string(),
                |span| place(path, &source, span),
            );
            Error::Config(format!("{place}: {}", error.message()))
        };
        let parsed = DeTable::parse(&source).map_err(located)?;
        let (option_spans, override_spans) = option_spans(parsed.get_ref());
        let file =
            ConfigFile::deserialize(toml::de::Deserializer::from(parsed)).map_err(located)?;
        let at = |span: Range<usize>| place(path, &source, span);
        let key_places = |spans: Option<&OptionSpans>, id: &str| -> BTreeMap<String, String> {
            let keys = spans.and_then(|spans| spans.get(id)).into_iter().flatten();
            keys.map(|(key, span)| (key.clone(), at(span.clone())))
                .collect()
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        if let Some(base) = &file.extends {
            if depth >= MAX_EXTENDS {
                return Err(Error::Config(format!(
                    "{}: `extends` goes {MAX_EXTENDS} files deep: is there a cycle?",
                    at(base.span())
                )));
            }
            let base_path = dir.join(base.get_ref());
            if !base_path.is_file() {
                return Err(Error::Config(format!(
                    "{}: `extends`: no such file {}",
                    at(base.span()),
                    base_path.display()
                )));
            }
            self.merge_file(&base_path, depth + 1)?;
        }
        if let Some(files) = file.files {
            if let Some(extensions) = files.extensions {
                self.files.extensions = extensions;
            }
            if let Some(exclude) = files.exclude {
                self.files.exclude = exclude.into_iter().map(|glob| placed(glob, &at)).collect();
            }
        }
        if let Some(schema) = file.frontmatter.and_then(|section| section.schema) {
            let place = at(schema.span());
            self.schema = Some(Placed {
                value: dir.join(schema.into_inner()),
                place,
            });
        }
        if let Some(links) = file.links {
            if let Some(slug_field) = links.slug_field {
                self.links.slug_field = slug_field;
            }
            if let Some(root) = links.root {
                // Every absolute link starts from it: a root that is not there would report
                // them all as broken.
                let folder = dir.join(root.get_ref());
                if !folder.is_dir() {
                    return Err(Error::Config(format!(
                        "{}: `root`: no such folder {}",
                        at(root.span()),
                        folder.display()
                    )));
                }
                self.links.root = Some(folder);
            }
        }
        let site = file.site.unwrap_or_default();
        if let Some(folder) = site.dir {
            let path = dir.join(folder.get_ref());
            if !path.is_dir() {
                return Err(Error::Config(format!(
                    "{}: [site] dir: no such folder {}",
                    at(folder.span()),
                    path.display()
                )));
            }
            self.site.dir = Some(path);
        }
        if let Some(name) = site.generator {
            let generator = crate::site::Generator::from_name(name.get_ref()).ok_or_else(|| {
                let known: Vec<&str> = crate::site::Generator::ALL.map(|g| g.name()).to_vec();
                Error::Config(format!(
                    "{}: [site] generator: `{}` is not one of {}",
                    at(name.span()),
                    name.get_ref(),
                    known.join(", ")
                ))
            })?;
            self.site.generator = Some(generator);
        }
        if let Some(cache_dir) = file.cache.and_then(|cache| cache.dir) {
            self.cache.dir = Some(dir.join(cache_dir));
        }
        if let Some(language) = file.content.and_then(|content| content.language) {
            let place = at(language.span());
            let code = crate::language::primary_subtag(language.get_ref()).ok_or_else(|| {
                Error::Config(format!(
                    "{place}: [content] language: `{}` is not a language code galley knows \
                     (such as `nb`, `nn`, `en`)",
                    language.get_ref()
                ))
            })?;
            self.content.language = Some(code);
        }
        for (key, value) in file.rules.unwrap_or_default() {
            let place = at(value.span());
            match (key.as_str(), value.into_inner()) {
                ("packs", toml::Value::Array(packs)) => {
                    for pack in packs {
                        let toml::Value::String(pack) = pack else {
                            return Err(Error::Config(format!(
                                "{place}: `packs` is a list of folder paths"
                            )));
                        };
                        self.packs.push(Placed {
                            value: dir.join(pack),
                            place: place.clone(),
                        });
                    }
                }
                ("packs", _) => {
                    return Err(Error::Config(format!(
                        "{place}: `packs` is a list of folder paths"
                    )))
                }
                ("default_pack", toml::Value::Boolean(on)) => self.default_pack = on,
                ("default_pack", _) => {
                    return Err(Error::Config(format!(
                        "{place}: `default_pack` is true or false"
                    )))
                }
                (_, toml::Value::Table(table)) => {
                    let key_places = key_places(Some(&option_spans), &key);
                    let table = RuleTable {
                        value: table,
                        place,
                        key_places,
                    };
                    merge_rule_table(&mut self.rules, key, table)
                }
                (_, _) => {
                    return Err(Error::Config(format!(
                        "{place}: [rules.{key}] must be a table of the rule's settings"
                    )))
                }
            }
        }
        for (i, section) in file.overrides.unwrap_or_default().into_iter().enumerate() {
            let mut rules = RuleTables::new();
            for (id, table) in section.rules {
                let table = RuleTable {
                    place: at(table.span()),
                    key_places: key_places(override_spans.get(i), &id),
                    value: table.into_inner(),
                };
                merge_rule_table(&mut rules, id, table);
            }
            self.overrides.push(Override {
                files: section
                    .files
                    .into_iter()
                    .map(|glob| placed(glob, &at))
                    .collect(),
                rules,
            });
        }
        Ok(())
    }
}

fn placed<T>(value: Spanned<T>, at: &impl Fn(Range<usize>) -> String) -> Placed<T> {
    let place = at(value.span());
    Placed {
        value: value.into_inner(),
        place,
    }
}

/// Later settings of a rule win key by key: a house config's options survive a local `level`.
pub fn merge_rule_table(rules: &mut RuleTables, id: String, table: RuleTable) {
    match rules.get_mut(&id) {
        Some(existing) => {
            existing.value.extend(table.value);
            existing.key_places.extend(table.key_places);
            existing.place = table.place;
        }
        None => {
            rules.insert(id, table);
        }
    }
}

/// Spans of the options of each rule table, by rule id then key.
type OptionSpans = BTreeMap<String, BTreeMap<String, Range<usize>>>;

/// Where the options of the `[rules.<id>]` tables were written, and those of each
/// `[[overrides]]` in order. `toml::Table` keeps no spans, so they are read from the parsed
/// document before it is deserialized.
fn option_spans(document: &DeTable) -> (OptionSpans, Vec<OptionSpans>) {
    fn tables(rules: Option<&Spanned<DeValue>>) -> OptionSpans {
        let Some(DeValue::Table(rules)) = rules.map(Spanned::get_ref) else {
            return OptionSpans::new();
        };
        let options = |(id, table): (&Spanned<DeString>, &Spanned<DeValue>)| {
            let DeValue::Table(table) = table.get_ref() else {
                return None;
            };
            let keys = table
                .keys()
                .map(|key| (key.get_ref().to_string(), key.span()));
            Some((id.get_ref().to_string(), keys.collect()))
        };
        rules.iter().filter_map(options).collect()
    }
    let base = tables(document.get("rules"));
    let overrides = match document.get("overrides").map(Spanned::get_ref) {
        Some(DeValue::Array(sections)) => (sections.iter())
            .map(|section| match section.get_ref() {
                DeValue::Table(section) => tables(section.get("rules")),
                _ => OptionSpans::new(),
            })
            .collect(),
        _ => Vec::new(),
    };
    (base, overrides)
}

/// `path:line:column` of a byte offset, for messages about a place in a file.
pub fn place(path: &Path, source: &str, span: Range<usize>) -> String {
    let position = LineIndex::new(source).line_col(source, span.start);
    format!("{}:{}:{}", path.display(), position.line, position.column)
}

#[cfg(test)]
mod tests;
