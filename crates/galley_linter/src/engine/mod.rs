//! The linter: built once from a configuration (every rule set, packs and schema compiled
//! once), then used by `check`, `--fix`, `--stdin-filename` and the language server alike.
//!
//! - [`discover`]: which files a run reads, and their keys under the content root;
//! - [`pipeline`]: the one per-file pipeline (parse, rules, cross-file rules, suppressions);
//! - [`run`]: a whole run over many files, in parallel, in two phases;
//! - [`fixing`]: fixes in rounds, and writing the fixed files;
//! - [`text`]: text that is not on disk (stdin, an editor's buffer);
//! - [`disk_cache`]: `check`'s results by file, kept on disk between runs.

mod cache;
mod discover;
mod disk_cache;
mod fixing;
mod pipeline;
mod run;
mod select;
mod text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::config::{merge_rule_table, Config, Placed, RuleTable, RuleTables, CONFIG_FILE};
use crate::diagnostic::Severity;
use crate::error::Error;
use crate::pack::{load_packs, PackRule};
use crate::rule::{Rule, RuleMeta, RuleSettings};
use crate::rules::{find_rule, BUILTIN_RULES};
use crate::site::Site;
use crate::source::Excerpt;
use crate::suppression::UNUSED_SUPPRESSION;

pub use cache::RunCache;
pub use discover::{absolute, common_folder, expand_patterns};
pub use disk_cache::{CacheUse, DiskCache, DEFAULT_DIR as DEFAULT_CACHE_DIR};
pub use fixing::{write_atomic, Fixing};
pub use run::Progress;
pub use select::{closest_name, Selection};
pub use text::RootSummary;

/// A rule switched on, at its configured level.
pub struct ActiveRule {
    pub meta: &'static RuleMeta,
    pub rule: Box<dyn Rule>,
    pub severity: Severity,
}

/// The rules that apply to one file: the base set, or that of the overrides matching it.
pub type RuleSet = Arc<[ActiveRule]>;

pub struct Linter {
    config: Config,
    /// The default pack and the configured packs, compiled once and shared by every rule set.
    packs: Vec<Arc<PackRule>>,
    /// The rules for files no override matches.
    rules: RuleSet,
    /// The content root: links resolve against it.
    root: PathBuf,
    exclude: GlobSet,
    /// The config's folder, absolute: globs are matched relative to it.
    config_dir: PathBuf,
    /// The `files` of each `[[overrides]]` entry, in order.
    overrides: Vec<GlobSet>,
    /// Rule sets by the overrides that match a file: each override alone is built with the
    /// linter, combinations when first needed.
    override_rules: Mutex<HashMap<Vec<usize>, RuleSet>>,
    /// When set, only these rules run, whatever the rule sets say.
    selected: Option<Vec<String>>,
    /// How the site's generator serves pages, when the site has one.
    site: Option<Site>,
    /// What a linted file keeps of its text for the report in a run that does not fix.
    excerpt: Excerpt,
}

fn glob_set(globs: &[Placed<String>], what: &str) -> Result<GlobSet, Error> {
    let mut builder = GlobSetBuilder::new();
    for pattern in globs {
        let glob = Glob::new(&pattern.value).map_err(|error| {
            Error::Config(format!("{}: bad {what} glob: {error}", pattern.place))
        })?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|error| Error::Config(format!("bad {what} globs: {error}")))
}

/// The rule level a `[rules.<id>]` table gives (`None`: off), and the rest of the table.
fn level_and_options(
    meta: &RuleMeta,
    table: Option<&RuleTable>,
) -> Result<(Option<Severity>, RuleTable), Error> {
    let mut table = table.cloned().unwrap_or_else(|| RuleTable {
        value: toml::Table::new(),
        place: CONFIG_FILE.to_string(),
        key_places: Default::default(),
    });
    let severity = match table.value.remove("level") {
        None => (!meta.opt_in).then_some(meta.default_severity),
        Some(toml::Value::String(level)) if level == "error" => Some(Severity::Error),
        Some(toml::Value::String(level)) if level == "warning" => Some(Severity::Warning),
        Some(toml::Value::String(level)) if level == "off" => None,
        Some(other) => {
            let place = table.key_places.get("level").unwrap_or(&table.place);
            return Err(Error::Config(format!(
                "{place}: [rules.{}]: level must be \"error\", \"warning\" or \"off\", not {other}",
                meta.id
            )));
        }
    };
    Ok((severity, table))
}

/// The rules as `tables` configure them (the base settings, or those of an override), less
/// those outside `selected`.
fn build_rule_set(
    config: &Config,
    packs: &[Arc<PackRule>],
    tables: &RuleTables,
    selected: Option<&[String]>,
) -> Result<RuleSet, Error> {
    for (id, table) in tables {
        let known = find_rule(id).is_some() || packs.iter().any(|rule| rule.meta.id == id);
        if !known {
            return Err(Error::Config(format!(
                "{}: unknown rule `{id}` (see `galley rules`)",
                table.place
            )));
        }
    }
    let mut active = Vec::new();
    for entry in BUILTIN_RULES {
        let (severity, table) = level_and_options(entry.meta, tables.get(entry.meta.id))?;
        let Some(severity) = severity else { continue };
        let settings = RuleSettings {
            id: entry.meta.id,
            table,
            config,
        };
        let rule = (entry.build)(&settings).map_err(Error::Rule)?;
        active.push(ActiveRule {
            meta: entry.meta,
            rule,
            severity,
        });
    }
    for pack_rule in packs {
        let (severity, table) = level_and_options(pack_rule.meta, tables.get(pack_rule.meta.id))?;
        if let Some(key) = table.value.keys().next() {
            let place = table.key_places.get(key).unwrap_or(&table.place);
            return Err(Error::Config(format!(
                "{place}: [rules.{}]: unknown option `{key}` (pack rules take only `level`)",
                pack_rule.meta.id
            )));
        }
        let Some(severity) = severity else { continue };
        active.push(ActiveRule {
            meta: pack_rule.meta,
            rule: Box::new(pack_rule.clone()),
            severity,
        });
    }
    if let Some(selected) = selected {
        active.retain(|rule| selected.iter().any(|id| id == rule.meta.id));
    }
    Ok(active.into())
}

/// The base rule settings with those of the given overrides laid over them, in order.
fn merged_tables(config: &Config, overrides: &[usize]) -> RuleTables {
    let mut tables = config.rules.clone();
    for &i in overrides {
        for (id, table) in &config.overrides[i].rules {
            merge_rule_table(&mut tables, id.clone(), table.clone());
        }
    }
    tables
}

impl Linter {
    /// Builds every rule set the configuration names; `inputs` (the paths a run was given)
    /// set the content root when no config file does.
    pub fn new(config: Config, inputs: &[PathBuf]) -> Result<Self, Error> {
        Self::build(config, inputs, |_| Ok(None))
    }

    /// A linter that runs only the rules named, in every rule set.
    pub fn selecting(config: Config, inputs: &[PathBuf], rules: &[&str]) -> Result<Self, Error> {
        let selected = rules.iter().map(|id| id.to_string()).collect();
        Self::build(config, inputs, |_| Ok(Some(selected)))
    }

    /// A linter that runs the rules `--select` and `--ignore` keep, named by id or pack.
    pub fn with_selection(
        config: Config,
        inputs: &[PathBuf],
        selection: &Selection,
    ) -> Result<Self, Error> {
        if selection.is_everything() {
            return Self::new(config, inputs);
        }
        Self::build(config, inputs, |packs| selection.resolve(packs).map(Some))
    }

    /// `select` names the rules kept (`None`: all) once the packs are known.
    fn build(
        config: Config,
        inputs: &[PathBuf],
        select: impl FnOnce(&[Arc<PackRule>]) -> Result<Option<Vec<String>>, Error>,
    ) -> Result<Self, Error> {
        let packs = load_packs(&config)?;
        let selected = select(&packs)?;
        let rules = build_rule_set(&config, &packs, &config.rules, selected.as_deref())?;
        let root = match (&config.links.root, &config.path) {
            (Some(root), _) => absolute(&config.dir.join(root)),
            (None, Some(_)) => absolute(&config.dir),
            (None, None) => crate::site::root_at_or_above(&common_folder(inputs)),
        };
        let site = match (config.site.generator, &config.site.dir) {
            (Some(generator), dir) => {
                Some(Site::of(generator, dir.as_deref().unwrap_or(&config.dir)))
            }
            (None, Some(dir)) => Site::detect(dir),
            (None, None) => Site::detect(&root),
        };
        let exclude = glob_set(&config.files.exclude, "exclude")?;
        let mut overrides = Vec::new();
        let mut override_rules = HashMap::new();
        for (i, entry) in config.overrides.iter().enumerate() {
            overrides.push(glob_set(&entry.files, "overrides.files")?);
            // Each override is built at once, so a bad one stops the run before any file.
            let tables = merged_tables(&config, &[i]);
            let set = build_rule_set(&config, &packs, &tables, selected.as_deref())?;
            override_rules.insert(vec![i], set);
        }
        Ok(Linter {
            config_dir: absolute(&config.dir),
            config,
            packs,
            rules,
            root,
            exclude,
            overrides,
            override_rules: Mutex::new(override_rules),
            selected,
            site,
            excerpt: Excerpt::Lines,
        })
    }

    /// A linter for runs whose report shows `excerpt` of the files' text: a report without
    /// snippets lets a file nothing fixes keep only its findings' flagged text, not their
    /// lines (a tenth of a hundred thousand pages' memory).
    pub fn showing(self, excerpt: Excerpt) -> Self {
        Linter { excerpt, ..self }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The content root that links resolve against.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The site profile links are resolved by, when the site has a generator.
    pub fn site(&self) -> Option<&Site> {
        self.site.as_ref()
    }

    /// The rules for files no override matches.
    pub fn rules(&self) -> &[ActiveRule] {
        &self.rules
    }

    /// The compiled pack rules (the default pack first).
    pub fn packs(&self) -> &[Arc<PackRule>] {
        &self.packs
    }

    /// Whether `path` is a content file of this configuration (by extension, not excluded).
    pub fn is_content(&self, path: &Path) -> bool {
        let extension_matches = crate::paths::has_extension(path, &self.config.files.extensions);
        let excluded = || {
            absolute(path)
                .strip_prefix(&self.config_dir)
                .is_ok_and(|relative| self.exclude.is_match(relative))
        };
        extension_matches && (self.exclude.is_empty() || !excluded())
    }

    /// The rules for one file: the base rules, or those of the overrides matching it.
    pub fn rules_for(&self, path: &Path) -> RuleSet {
        if self.overrides.is_empty() {
            return self.rules.clone();
        }
        let relative = absolute(path);
        let relative = relative.strip_prefix(&self.config_dir).unwrap_or(&relative);
        let matching: Vec<usize> = (0..self.overrides.len())
            .filter(|&i| self.overrides[i].is_match(relative))
            .collect();
        if matching.is_empty() {
            return self.rules.clone();
        }
        let mut sets = self
            .override_rules
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(set) = sets.get(&matching) {
            return set.clone();
        }
        // Every override was built alone with the linter; a combination that fails to build
        // (options that clash) falls back to the last matching override alone.
        let tables = merged_tables(&self.config, &matching);
        let set = build_rule_set(&self.config, &self.packs, &tables, self.selected.as_deref())
            .unwrap_or_else(|_| sets[&vec![matching[matching.len() - 1]]].clone());
        sets.insert(matching, set.clone());
        set
    }

    /// The base rules and every override's, each once, by id.
    fn rule_metas(&self) -> Vec<&'static RuleMeta> {
        let sets = self
            .override_rules
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut metas: Vec<&'static RuleMeta> = self
            .rules
            .iter()
            .chain(sets.values().flat_map(|set| set.iter()))
            .map(|active| active.meta)
            .collect();
        metas.sort_by_key(|meta| meta.id);
        metas.dedup_by_key(|meta| meta.id);
        metas
    }
}

fn unused_suppression_level(rules: &[ActiveRule]) -> Option<Severity> {
    rules
        .iter()
        .find(|active| active.meta.id == UNUSED_SUPPRESSION)
        .map(|active| active.severity)
}

/// Every rule known with these packs, with where it comes from: `built-in`, or
/// `pack:<name>` for the default pack and the configured packs.
pub fn catalog(packs: &[Arc<PackRule>]) -> Vec<(&'static RuleMeta, String)> {
    let mut rules: Vec<(&'static RuleMeta, String)> = BUILTIN_RULES
        .iter()
        .map(|entry| (entry.meta, "built-in".to_string()))
        .collect();
    for pack_rule in packs {
        rules.push((pack_rule.meta, format!("pack:{}", pack_rule.pack)));
    }
    rules
}
