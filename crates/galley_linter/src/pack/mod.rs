//! Declarative rules: one YAML file per rule in a pack folder. The project's own `rules/`
//! folder is the default pack, embedded in the binary; `[rules] packs` adds more. A pack is
//! checked whole before any rule of it runs: a bad file is reported with its line and column
//! and nothing of the pack is loaded.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::error::Error;
use crate::fix::Applicability;
use crate::frontmatter::parse_yaml;
use crate::rule::RuleMeta;

mod compiled;
mod docs;
mod edges;
mod examples;
mod locate;
mod matching;
mod parse;
mod prebuilt;
mod rule_file;

use compiled::{Compile, RuleRegex};
pub use examples::test_examples;
use locate::{Pattern, SharedLocator};
use parse::parse_rule_file;
use rule_file::{PackFile, RuleFile};

/// The default pack: every `rules/*.yaml` of this repository, built into the binary with
/// the JSON each reads (see `build.rs`).
static DEFAULT_PACK: &str = include_str!(concat!(env!("OUT_DIR"), "/default_pack.json"));

pub const DEFAULT_PACK_NAME: &str = "default";

/// Where a rule looks.
#[derive(Debug, Clone, PartialEq)]
enum Scope {
    /// Text outside code, link destinations and HTML.
    Prose,
    Heading,
    LinkText,
    /// The string value of one frontmatter key, by its JSON pointer (`/description`).
    Frontmatter(String),
    /// The whole file, as it is.
    Raw,
}

impl Scope {
    /// Whether the scope covers most of a file, in long ranges.
    fn is_dense(&self) -> bool {
        matches!(self, Scope::Prose | Scope::Raw)
    }
}

#[derive(Debug)]
enum Matcher {
    Pattern {
        patterns: Vec<Pattern>,
        /// A match that one of these also matches is an exception.
        unless: Vec<RuleRegex>,
        /// A match whose last character starts where the text of an indented line next to it
        /// starts (text aligned with a hanging indent) is an exception.
        hanging_indent: bool,
        /// A replacement template (`$1`, `${name}`).
        fix: Option<String>,
    },
    Words {
        /// All terms in one alternation: one automaton, not one regex each.
        regex: Pattern,
        /// Lowercased term -> replacement, for substitution maps.
        replacements: HashMap<String, String>,
    },
    Frontmatter {
        field: String,
        equals: FieldSource,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum FieldSource {
    /// The text of the first `# heading`.
    FirstHeading,
    /// The file's name without its extension.
    FileName,
}

#[derive(Debug, Clone)]
pub struct Example {
    pub text: String,
    /// The text after the rule's fixes, when the example says.
    pub fixed: Option<String>,
}

/// A compiled rule of a pack.
#[derive(Debug)]
pub struct PackRule {
    pub meta: &'static RuleMeta,
    /// The pack it came from: `default`, or the folder as configured.
    pub pack: String,
    scope: Scope,
    matcher: Matcher,
    /// For a prose rule, the search it shares with the pack's other prose rules.
    shared: Option<Arc<SharedLocator>>,
    message: String,
    applicability: Applicability,
    /// The languages whose pages the rule runs on; empty for all.
    pub languages: Vec<String>,
    /// The site generators whose pages the rule skips.
    pub not_on: Vec<crate::site::Generator>,
    pub flag_examples: Vec<Example>,
    pub pass_examples: Vec<String>,
}

/// Loads every `*.yaml` rule of a folder (not its subfolders), all or nothing.
pub fn load_pack_folder(folder: &Path, pack: &str) -> Result<Vec<PackRule>, String> {
    let entries = std::fs::read_dir(folder)
        .map_err(|error| format!("{}: cannot read the rule pack: {error}", folder.display()))?;
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.is_file()
                && path
                    .extension()
                    .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path)
            .map_err(|error| format!("{}: cannot read: {error}", path.display()))?;
        files.push(PackFile::new(path.display().to_string(), text));
    }
    parse_pack(files, pack, Compile::Now)
}

/// Every pack rule a configuration runs: the default pack (unless switched off), then the
/// configured packs, each named by its folder relative to the config's (`styles/house`), so
/// the name reads the same on every machine.
pub fn load_packs(config: &Config) -> Result<Vec<Arc<PackRule>>, Error> {
    let mut rules = if config.default_pack {
        default_pack().map_err(Error::Pack)?
    } else {
        Vec::new()
    };
    for pack in &config.packs {
        let name = pack.value.strip_prefix(&config.dir).unwrap_or(&pack.value);
        let more = load_pack_folder(&pack.value, &name.to_string_lossy())
            .map_err(|error| Error::Pack(format!("{error}\n(the pack named at {})", pack.place)))?;
        for rule in more {
            if rules.iter().any(|other| other.meta.id == rule.meta.id) {
                return Err(Error::Pack(format!(
                    "{}: rule `{}` is also in another pack",
                    pack.place, rule.meta.id
                )));
            }
            rules.push(rule);
        }
    }
    Ok(rules.into_iter().map(Arc::new).collect())
}

/// The embedded default pack, its regexes compiled on first use.
pub fn default_pack() -> Result<Vec<PackRule>, String> {
    parse_pack(default_pack_files(), DEFAULT_PACK_NAME, Compile::OnFirstUse)
}

fn default_pack_files() -> Vec<PackFile> {
    serde_json::from_str(DEFAULT_PACK).expect("build.rs writes the default pack as JSON")
}

fn parse_pack(files: Vec<PackFile>, pack: &str, when: Compile) -> Result<Vec<PackRule>, String> {
    let mut errors = Vec::new();
    let mut rules: Vec<PackRule> = Vec::new();
    for PackFile { name, text, value } in files {
        match parse_rule_file(&name, &text, value, pack, when) {
            Ok(rule) => {
                if rules.iter().any(|other| other.meta.id == rule.meta.id)
                    || crate::rules::find_rule(rule.meta.id).is_some()
                {
                    let file = RuleFile {
                        name: &name,
                        text: &text,
                        data: parse_yaml(&text, 0..text.len()).unwrap_or_default(),
                    };
                    errors.push(file.error(
                        "/id",
                        true,
                        format!("duplicate rule id `{}`", rule.meta.id),
                    ));
                } else {
                    rules.push(rule);
                }
            }
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    SharedLocator::share(&mut rules);
    Ok(rules)
}

#[cfg(test)]
mod tests;
