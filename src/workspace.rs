//! The run: find the content files, lint them in parallel, summarise each, then check the
//! summaries against the corpus-wide link index.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use globset::{Glob, GlobSet, GlobSetBuilder};
use indicatif::ProgressBar;
use rayon::prelude::*;

use crate::config::{merge_rule_table, Config, ConfigError, Placed, RuleTables, CONFIG_FILE};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{Document, LineCol, LineIndex};
use crate::fix::{fix_until_stable, Fix, FixMode, Fixable, NotConverged, MAX_ROUNDS};
use crate::links::{LinkIndex, PageSummary};
use crate::rule::{find_rule, Rule, RuleMeta, RuleSettings, BUILTIN_RULES};
use crate::suppression::{self, Suppression, UNUSED_SUPPRESSION};

/// The id of findings about files that cannot be read as text (or written back); always an
/// error.
pub const IO_ERROR: &str = "io-error";

/// The id of findings about files whose fixes did not settle; always an error.
pub const FIX_NOT_CONVERGED: &str = "fix-not-converged";

/// A diagnostic placed in its file, with lines and columns for every span it holds.
#[derive(Debug, Clone)]
pub struct Finding {
    pub path: Arc<str>,
    pub diagnostic: Diagnostic,
    pub start: LineCol,
    pub end: LineCol,
    /// The start and end of each fix edit, in the fix's order.
    pub edit_positions: Vec<(LineCol, LineCol)>,
}

impl Finding {
    fn locate(
        path: &Arc<str>,
        diagnostic: Diagnostic,
        position: impl Fn(usize) -> LineCol,
    ) -> Self {
        let edit_positions = diagnostic
            .fix
            .iter()
            .flat_map(|fix| &fix.edits)
            .map(|edit| (position(edit.range.start), position(edit.range.end)))
            .collect();
        Finding {
            path: path.clone(),
            start: position(diagnostic.span.start),
            end: position(diagnostic.span.end),
            diagnostic,
            edit_positions,
        }
    }
}

impl Fixable for Diagnostic {
    fn fix(&self) -> Option<&Fix> {
        self.fix.as_ref()
    }

    fn rule(&self) -> &'static str {
        self.rule
    }
}

pub struct ActiveRule {
    pub meta: &'static RuleMeta,
    pub rule: Box<dyn Rule>,
    pub severity: Severity,
}

/// Builds every enabled rule, built-in and pack, with its configured level and options.
pub fn build_rules(config: &Config) -> Result<Vec<ActiveRule>, ConfigError> {
    build_rule_set(config, &config.rules)
}

/// The rule level a `[rules.<id>]` table gives (`None`: off), and the rest of its options.
fn level_and_options(
    meta: &RuleMeta,
    table: Option<&Placed<toml::Table>>,
) -> Result<(Option<Severity>, toml::Table, String), ConfigError> {
    let mut options = table.map(|t| t.value.clone()).unwrap_or_default();
    let place = table.map_or_else(|| CONFIG_FILE.to_string(), |t| t.place.clone());
    let severity = match options.remove("level") {
        None => Some(meta.default_severity),
        Some(toml::Value::String(level)) if level == "error" => Some(Severity::Error),
        Some(toml::Value::String(level)) if level == "warning" => Some(Severity::Warning),
        Some(toml::Value::String(level)) if level == "off" => None,
        Some(other) => {
            return Err(ConfigError(format!(
                "{place}: [rules.{}]: level must be \"error\", \"warning\" or \"off\", not {other}",
                meta.id
            )))
        }
    };
    Ok((severity, options, place))
}

/// Builds the rules as `tables` configure them (the base settings, or those of an override).
pub fn build_rule_set(
    config: &Config,
    tables: &RuleTables,
) -> Result<Vec<ActiveRule>, ConfigError> {
    let packs = config.pack_rules().map_err(ConfigError)?;
    for (id, table) in tables {
        let known = find_rule(id).is_some() || packs.iter().any(|rule| rule.meta.id == id);
        if !known {
            return Err(ConfigError(format!(
                "{}: unknown rule `{id}` (see `galley rules`)",
                table.place
            )));
        }
    }
    let mut active = Vec::new();
    for entry in BUILTIN_RULES {
        let (severity, options, place) = level_and_options(entry.meta, tables.get(entry.meta.id))?;
        let Some(severity) = severity else { continue };
        let settings = RuleSettings {
            id: entry.meta.id,
            options,
            place,
            config,
        };
        let rule = (entry.build)(&settings).map_err(ConfigError)?;
        active.push(ActiveRule {
            meta: entry.meta,
            rule,
            severity,
        });
    }
    for pack_rule in packs {
        let (severity, options, place) =
            level_and_options(pack_rule.meta, tables.get(pack_rule.meta.id))?;
        if let Some(key) = options.keys().next() {
            return Err(ConfigError(format!(
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
    Ok(active)
}

/// Lexically absolute and normalised (`a/../b` is `b`), without touching the file system.
pub fn absolute(path: &Path) -> PathBuf {
    // The current folder is asked once: this runs for every file of a corpus.
    static CURRENT_DIR: OnceLock<PathBuf> = OnceLock::new();
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        CURRENT_DIR
            .get_or_init(|| std::env::current_dir().unwrap_or_default())
            .join(path)
    };
    let mut normal = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

/// The deepest folder holding every given path.
pub fn common_folder(paths: &[PathBuf]) -> PathBuf {
    let folders: Vec<PathBuf> = paths
        .iter()
        .map(|path| absolute(path))
        .map(|path| {
            if path.is_dir() {
                path
            } else {
                path.parent().map(Path::to_path_buf).unwrap_or(path)
            }
        })
        .collect();
    let Some(first) = folders.first() else {
        return absolute(Path::new("."));
    };
    let mut common = first.clone();
    while !folders.iter().all(|folder| folder.starts_with(&common)) {
        if !common.pop() {
            break;
        }
    }
    common
}

/// One file to read: linted, or only summarised for the link index.
struct FileTarget {
    path: PathBuf,
    display: Arc<str>,
    /// Its path relative to the content root, when it is under it.
    key: Option<String>,
    lint: bool,
}

pub struct CheckOutcome {
    /// The files linted, by path as shown (not those only read for the link index).
    pub files: Vec<Arc<str>>,
    /// What is left to report (after fixing, when fixes were asked for).
    pub findings: Vec<Finding>,
    /// The files that fixes changed, by path.
    pub fixed: Vec<FixedFile>,
    /// Every rule that could run, by id, for reports that describe them (SARIF).
    pub rules: Vec<&'static RuleMeta>,
}

pub struct Workspace<'a> {
    pub config: &'a Config,
    /// The rules for files no override matches.
    pub rules: &'a [ActiveRule],
    pub root: PathBuf,
    exclude: GlobSet,
    /// The config's folder, absolute: globs are matched relative to it.
    config_dir: PathBuf,
    /// The `files` of each `[[overrides]]` entry, in order.
    overrides: Vec<GlobSet>,
    /// Rule sets by the overrides that match a file, built when first needed.
    override_rules: Mutex<HashMap<Vec<usize>, Arc<Vec<ActiveRule>>>>,
    /// Counts the files read; hidden unless the binary shows it.
    pub progress: ProgressBar,
}

fn glob_set(globs: &[Placed<String>], what: &str) -> Result<GlobSet, ConfigError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in globs {
        let glob = Glob::new(&pattern.value)
            .map_err(|error| ConfigError(format!("{}: bad {what} glob: {error}", pattern.place)))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|error| ConfigError(format!("bad {what} globs: {error}")))
}

/// The base rule settings with those of the given overrides laid over them, in order.
fn merged_tables(config: &Config, overrides: &[usize]) -> RuleTables {
    let mut tables = config.rules.clone();
    for &i in overrides {
        for (id, table) in &config.overrides[i].rules {
            merge_rule_table(
                &mut tables,
                id.clone(),
                table.value.clone(),
                table.place.clone(),
            );
        }
    }
    tables
}

/// The rules that apply to one file.
enum RuleSet<'a> {
    Base(&'a [ActiveRule]),
    Override(Arc<Vec<ActiveRule>>),
}

impl std::ops::Deref for RuleSet<'_> {
    type Target = [ActiveRule];

    fn deref(&self) -> &[ActiveRule] {
        match self {
            RuleSet::Base(rules) => rules,
            RuleSet::Override(rules) => rules,
        }
    }
}

fn key_of(root: &Path, absolute_path: &Path) -> Option<String> {
    // `absolute` has normalised the path: only the separator may differ from a key's.
    let relative = absolute_path.strip_prefix(root).ok()?.to_string_lossy();
    Some(if std::path::MAIN_SEPARATOR == '/' {
        relative.into_owned()
    } else {
        relative.replace(std::path::MAIN_SEPARATOR, "/")
    })
}

impl<'a> Workspace<'a> {
    pub fn new(
        config: &'a Config,
        rules: &'a [ActiveRule],
        inputs: &[PathBuf],
    ) -> Result<Self, ConfigError> {
        let root = match (&config.links.root, &config.path) {
            (Some(root), _) => absolute(&config.dir.join(root)),
            (None, Some(_)) => absolute(&config.dir),
            (None, None) => common_folder(inputs),
        };
        let exclude = glob_set(&config.files.exclude, "exclude")?;
        let mut overrides = Vec::new();
        let mut override_rules = HashMap::new();
        for (i, entry) in config.overrides.iter().enumerate() {
            overrides.push(glob_set(&entry.files, "overrides.files")?);
            // Each override is checked at once, so a bad one stops the run before any file.
            let rules = build_rule_set(config, &merged_tables(config, &[i]))?;
            override_rules.insert(vec![i], Arc::new(rules));
        }
        Ok(Workspace {
            config,
            rules,
            root,
            exclude,
            config_dir: absolute(&config.dir),
            overrides,
            override_rules: Mutex::new(override_rules),
            progress: ProgressBar::hidden(),
        })
    }

    pub fn is_content(&self, path: &Path) -> bool {
        let extension_matches = path
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| {
                self.config
                    .files
                    .extensions
                    .iter()
                    .any(|wanted| wanted == ext)
            });
        let excluded = || {
            absolute(path)
                .strip_prefix(&self.config_dir)
                .is_ok_and(|relative| self.exclude.is_match(relative))
        };
        extension_matches && (self.exclude.is_empty() || !excluded())
    }

    /// Content files under `dir`, as walked (respecting `.gitignore`, skipping hidden files),
    /// sorted. The folders are read in parallel.
    fn walk(&self, dir: &Path) -> Vec<PathBuf> {
        let found = Mutex::new(Vec::new());
        ignore::WalkBuilder::new(dir)
            .require_git(false)
            .build_parallel()
            .run(|| {
                let found = &found;
                Box::new(move |entry| {
                    if let Ok(entry) = entry {
                        let is_file = entry.file_type().is_some_and(|t| t.is_file());
                        if is_file && self.is_content(entry.path()) {
                            let mut found = found.lock().unwrap_or_else(PoisonError::into_inner);
                            found.push(entry.into_path());
                        }
                    }
                    ignore::WalkState::Continue
                })
            });
        let mut files = found.into_inner().unwrap_or_else(PoisonError::into_inner);
        files.par_sort_unstable();
        files
    }

    /// The files to lint (and any others the link index needs), plus findings for inputs that
    /// do not exist.
    fn targets(&self, inputs: &[PathBuf], strip_dot: bool) -> (Vec<FileTarget>, Vec<Finding>) {
        let mut targets = Vec::new();
        let mut missing = Vec::new();
        let mut seen = HashSet::new();
        let display = |path: &Path| -> Arc<str> {
            let text = path.to_string_lossy();
            let text = if strip_dot {
                text.strip_prefix("./").unwrap_or(&text)
            } else {
                &text
            };
            Arc::from(text)
        };
        for input in inputs {
            let files = if input.is_dir() {
                self.walk(input)
            } else if input.exists() {
                vec![input.clone()]
            } else {
                let path = display(input);
                let diagnostic = Diagnostic::new(IO_ERROR, 0..0, "no such file or directory");
                missing.push(Finding::locate(&path, error_level(diagnostic), |_| {
                    LineCol { line: 1, column: 1 }
                }));
                continue;
            };
            for path in files {
                let absolute_path = absolute(&path);
                if seen.insert(absolute_path.clone()) {
                    targets.push(FileTarget {
                        display: display(&path),
                        key: key_of(&self.root, &absolute_path),
                        path,
                        lint: true,
                    });
                }
            }
        }
        // Links may point anywhere under the root: read the pages the inputs leave out.
        let covered = inputs
            .iter()
            .any(|input| input.is_dir() && self.root.starts_with(absolute(input)));
        if !covered && self.root.is_dir() {
            for path in self.walk(&self.root) {
                let absolute_path = absolute(&path);
                if seen.insert(absolute_path.clone()) {
                    targets.push(FileTarget {
                        display: display(&path),
                        key: key_of(&self.root, &absolute_path),
                        path,
                        lint: false,
                    });
                }
            }
        }
        (targets, missing)
    }

    /// The base rules and every override's, each once, by id.
    fn rule_metas(&self) -> Vec<&'static RuleMeta> {
        let sets = self
            .override_rules
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
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

    pub fn check(
        &self,
        inputs: &[PathBuf],
        strip_dot: bool,
        fixing: Option<Fixing>,
    ) -> CheckOutcome {
        let (targets, mut findings) = self.targets(inputs, strip_dot);
        self.progress.set_length(targets.len() as u64);
        let outcomes: Vec<FileOutcome> = targets
            .par_iter()
            .map(|target| self.check_file(target))
            .inspect(|_| self.progress.inc(1))
            .collect();
        let files = targets
            .iter()
            .filter(|target| target.lint)
            .map(|target| target.display.clone())
            .collect();
        let pages: Vec<(&FileTarget, &PageSummary)> = targets
            .iter()
            .zip(&outcomes)
            .filter_map(|(target, outcome)| outcome.summary.as_ref().map(|s| (target, s)))
            .collect();
        let index = LinkIndex::new(
            &self.root,
            &self.config.files.extensions,
            pages.iter().map(|(_, page)| *page),
        )
        .caching_files();
        let cross_file: Vec<Finding> = pages
            .par_iter()
            .filter(|(target, _)| target.lint)
            .flat_map_iter(|(target, page)| {
                let rules = self.rules_for(&target.path);
                self.check_page(&index, page, &rules)
                    .into_iter()
                    .map(|diagnostic| {
                        Finding::locate(&target.display, diagnostic, |offset| page.line_col(offset))
                    })
            })
            .collect();
        findings.extend(
            outcomes
                .iter()
                .flat_map(|outcome| outcome.findings.iter().cloned()),
        );
        findings.extend(cross_file);
        for (target, outcome) in targets.iter().zip(&outcomes) {
            if !outcome.suppressions.is_empty() {
                self.apply_suppressions(&mut findings, target, &outcome.suppressions);
            }
        }
        let mut outcome = CheckOutcome {
            files,
            findings,
            fixed: Vec::new(),
            rules: self.rule_metas(),
        };
        if let Some(fixing) = fixing {
            self.fix(&targets, &index, fixing, &mut outcome);
        }
        sort_findings(&mut outcome.findings);
        drop((pages, index));
        // Freeing every page's summary takes a tenth of a second at 100,000 files: a worker
        // does it while the caller writes the report.
        rayon::spawn(move || drop((targets, outcomes)));
        outcome
    }

    /// The rules for one file: the base rules, or those of the overrides matching it.
    fn rules_for(&self, path: &Path) -> RuleSet<'_> {
        if self.overrides.is_empty() {
            return RuleSet::Base(self.rules);
        }
        let relative = absolute(path);
        let relative = relative.strip_prefix(&self.config_dir).unwrap_or(&relative);
        let matching: Vec<usize> = (0..self.overrides.len())
            .filter(|&i| self.overrides[i].is_match(relative))
            .collect();
        if matching.is_empty() {
            return RuleSet::Base(self.rules);
        }
        let mut sets = self
            .override_rules
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(set) = sets.get(&matching) {
            return RuleSet::Override(set.clone());
        }
        // Every override was built alone at start-up; a combination that fails to build
        // (options that clash) falls back to the last matching override alone.
        let set = build_rule_set(self.config, &merged_tables(self.config, &matching))
            .map(Arc::new)
            .unwrap_or_else(|_| sets[&vec![matching[matching.len() - 1]]].clone());
        sets.insert(matching, set.clone());
        RuleSet::Override(set)
    }

    /// Drops a file's suppressed findings and reports its unused suppressions.
    fn apply_suppressions(
        &self,
        findings: &mut Vec<Finding>,
        target: &FileTarget,
        suppressions: &[Suppression],
    ) {
        let (mut own, others): (Vec<Finding>, Vec<Finding>) = findings
            .drain(..)
            .partition(|finding| finding.path == target.display);
        let unused = suppression::apply(&mut own, |finding| &finding.diagnostic, suppressions);
        if let Some(severity) = self.unused_suppression_level(&self.rules_for(&target.path)) {
            for suppression in unused {
                let diagnostic = suppression.unused(severity);
                own.push(Finding::locate(&target.display, diagnostic, |offset| {
                    suppression.line_col(offset)
                }));
            }
        }
        *findings = others;
        findings.extend(own);
    }

    fn unused_suppression_level(&self, rules: &[ActiveRule]) -> Option<Severity> {
        rules
            .iter()
            .find(|active| active.meta.id == UNUSED_SUPPRESSION)
            .map(|active| active.severity)
    }

    /// The per-file rules on one document, at their configured levels.
    fn check_document(&self, doc: &Document, rules: &[ActiveRule]) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        for active in rules {
            let start = found.len();
            active.rule.check(doc, &mut found);
            found[start..]
                .iter_mut()
                .for_each(|d| d.severity = active.severity);
        }
        found
    }

    /// The cross-file rules on one page's summary, at their configured levels.
    fn check_page(
        &self,
        index: &LinkIndex,
        page: &PageSummary,
        rules: &[ActiveRule],
    ) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        for active in rules {
            let start = found.len();
            active.rule.check_workspace(index, page, &mut found);
            found[start..]
                .iter_mut()
                .for_each(|d| d.severity = active.severity);
        }
        found
    }

    fn summarise(&self, doc: &Document, target: &FileTarget) -> PageSummary {
        let dir = absolute(target.path.parent().unwrap_or(Path::new(".")));
        PageSummary::build(
            doc,
            target.key.clone(),
            dir,
            &self.config.links.slug_field,
            target.lint,
        )
    }

    /// Phase one for one file: read, parse once, run the per-file rules, summarise.
    fn check_file(&self, target: &FileTarget) -> FileOutcome {
        let source = match read_text(&target.path) {
            Ok(source) => source,
            Err(message) => {
                let findings = if target.lint {
                    vec![io_error(&target.display, message)]
                } else {
                    Vec::new()
                };
                return FileOutcome {
                    findings,
                    summary: None,
                    suppressions: Vec::new(),
                };
            }
        };
        let mut doc = Document::parse(&source);
        doc.path = Some(target.path.clone());
        let summary = Some(self.summarise(&doc, target));
        if !target.lint {
            return FileOutcome {
                findings: Vec::new(),
                summary,
                suppressions: Vec::new(),
            };
        }
        let findings = self
            .check_document(&doc, &self.rules_for(&target.path))
            .into_iter()
            .map(|diagnostic| {
                Finding::locate(&target.display, diagnostic, |offset| doc.line_col(offset))
            })
            .collect();
        FileOutcome {
            findings,
            summary,
            suppressions: suppression::parse(&doc),
        }
    }

    /// Fixes every file with an allowed fix, in rounds, and replaces its findings with what
    /// is left; writes the files unless only a diff was asked for.
    fn fix(
        &self,
        targets: &[FileTarget],
        index: &LinkIndex,
        fixing: Fixing,
        outcome: &mut CheckOutcome,
    ) {
        let fixable: HashSet<&str> = outcome
            .findings
            .iter()
            .filter(|f| {
                f.diagnostic
                    .fix
                    .as_ref()
                    .is_some_and(|fix| fixing.mode.allows(fix.applicability))
            })
            .map(|f| &*f.path)
            .collect();
        let results: Vec<(&FileTarget, FileFixResult)> = targets
            .par_iter()
            .filter(|target| target.lint && fixable.contains(&*target.display))
            .map(|target| (target, self.fix_file(target, index, fixing)))
            .collect();
        for (target, result) in results {
            let replacement = match result {
                FileFixResult::Fixed {
                    original,
                    fixed,
                    findings,
                    applied,
                } => {
                    outcome.fixed.push(FixedFile {
                        path: target.display.clone(),
                        original,
                        fixed,
                        applied,
                    });
                    findings
                }
                FileFixResult::Failed(finding) => {
                    outcome.findings.push(finding);
                    continue;
                }
            };
            outcome.findings.retain(|f| f.path != target.display);
            outcome.findings.extend(replacement);
        }
        outcome.fixed.sort_by(|a, b| a.path.cmp(&b.path));
    }

    fn fix_file(&self, target: &FileTarget, index: &LinkIndex, fixing: Fixing) -> FileFixResult {
        let source = match read_text(&target.path) {
            Ok(source) => source,
            Err(message) => return FileFixResult::Failed(io_error(&target.display, message)),
        };
        let lint = |text: &str| self.lint_target(target, text, Some(index)).0;
        let fixed = match fix_until_stable(&source, fixing.mode, lint) {
            Ok(fixed) => fixed,
            Err(NotConverged { rules }) => {
                return FileFixResult::Failed(not_converged(&target.display, &rules));
            }
        };
        if fixing.write && fixed.text != source {
            if let Err(error) = write_atomic(&target.path, &fixed.text) {
                let message = format!("cannot write the fixed file: {error}");
                return FileFixResult::Failed(io_error(&target.display, message));
            }
        }
        let lines = LineIndex::new(&fixed.text);
        let findings = fixed
            .remaining
            .into_iter()
            .map(|d| {
                Finding::locate(&target.display, d, |offset| {
                    lines.line_col(&fixed.text, offset)
                })
            })
            .collect();
        FileFixResult::Fixed {
            original: source,
            fixed: fixed.text,
            findings,
            applied: fixed.applied,
        }
    }
}

/// Linting text that is not (or not yet) on disk: an editor's buffer, or stdin.
impl Workspace<'_> {
    /// Lints `text` as if it were the file at `path`: the per-file rules, the cross-file ones
    /// when an index is given, then the file's suppressions. Also returns the page's summary,
    /// links included.
    pub fn lint_text(
        &self,
        path: &Path,
        text: &str,
        index: Option<&LinkIndex>,
    ) -> (Vec<Diagnostic>, PageSummary) {
        self.lint_target(&self.text_target(path), text, index)
    }

    /// Every content file under the content root, summarised without its links: the pages an
    /// editor's link index starts from.
    pub fn summarise_root(&self) -> Vec<(PathBuf, PageSummary)> {
        self.walk(&self.root)
            .into_par_iter()
            .filter_map(|path| Some((absolute(&path), self.summarise_file(&path)?)))
            .collect()
    }

    /// The summary of the file at `path` as it is on disk, without its links; `None` when it
    /// cannot be read.
    pub fn summarise_file(&self, path: &Path) -> Option<PageSummary> {
        let source = read_text(path).ok()?;
        let target = FileTarget {
            lint: false,
            ..self.text_target(path)
        };
        let doc = Document::parse(&source);
        let mut page = self.summarise(&doc, &target);
        page.describe(&doc);
        Some(page)
    }

    /// `check --stdin-filename`: lints `text` as the file at `path`, against the content root
    /// as it is on disk (with `text` in that file's place). With `fixing`, the fixes are
    /// applied in rounds and the fixed text is in `fixed`; nothing is written.
    pub fn check_text(&self, path: &Path, text: &str, fixing: Option<FixMode>) -> CheckOutcome {
        let target = self.text_target(path);
        let own_path = absolute(path);
        let (_, own) = self.lint_target(&target, text, None);
        let others: Vec<PageSummary> = (self.summarise_root().into_iter())
            .filter(|(path, _)| *path != own_path)
            .map(|(_, page)| page)
            .collect();
        let pages = others.iter().chain([&own]);
        let index = LinkIndex::new(&self.root, &self.config.files.extensions, pages);
        let lint = |text: &str| self.lint_target(&target, text, Some(&index)).0;
        let locate = |text: &str, found: Vec<Diagnostic>| -> Vec<Finding> {
            let lines = LineIndex::new(text);
            found
                .into_iter()
                .map(|d| Finding::locate(&target.display, d, |at| lines.line_col(text, at)))
                .collect()
        };
        let mut outcome = CheckOutcome {
            files: vec![target.display.clone()],
            findings: Vec::new(),
            fixed: Vec::new(),
            rules: self.rule_metas(),
        };
        match fixing.map(|mode| fix_until_stable(text, mode, &lint)) {
            None => outcome.findings = locate(text, lint(text)),
            Some(Ok(fixed)) => {
                outcome.findings = locate(&fixed.text, fixed.remaining);
                if fixed.text != text {
                    outcome.fixed.push(FixedFile {
                        path: target.display.clone(),
                        original: text.to_string(),
                        fixed: fixed.text,
                        applied: fixed.applied,
                    });
                }
            }
            Some(Err(NotConverged { rules })) => {
                outcome.findings = locate(text, lint(text));
                outcome
                    .findings
                    .push(not_converged(&target.display, &rules));
            }
        }
        sort_findings(&mut outcome.findings);
        outcome
    }

    fn text_target(&self, path: &Path) -> FileTarget {
        FileTarget {
            path: path.to_path_buf(),
            display: Arc::from(path.to_string_lossy()),
            key: key_of(&self.root, &absolute(path)),
            lint: true,
        }
    }

    /// One file's whole lint, on `text` in place of what is on disk.
    fn lint_target(
        &self,
        target: &FileTarget,
        text: &str,
        index: Option<&LinkIndex>,
    ) -> (Vec<Diagnostic>, PageSummary) {
        let rules = self.rules_for(&target.path);
        let mut doc = Document::parse(text);
        doc.path = Some(target.path.clone());
        let mut summary = self.summarise(&doc, target);
        summary.describe(&doc);
        let mut found = self.check_document(&doc, &rules);
        if let Some(index) = index {
            found.extend(self.check_page(index, &summary, &rules));
        }
        let suppressions = suppression::parse(&doc);
        let unused = suppression::apply(&mut found, |d| d, &suppressions);
        if let Some(level) = self.unused_suppression_level(&rules) {
            found.extend(unused.iter().map(|s| s.unused(level)));
        }
        (found, summary)
    }
}

fn not_converged(path: &Arc<str>, rules: &[&str]) -> Finding {
    let message = format!(
        "fixes of {} did not settle after {MAX_ROUNDS} rounds; the file was left as it was",
        rules
            .iter()
            .map(|rule| format!("`{rule}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let diagnostic = error_level(Diagnostic::new(FIX_NOT_CONVERGED, 0..0, message));
    Finding::locate(path, diagnostic, |_| FIRST_POSITION)
}

/// What `--fix`, `--unsafe-fixes` and `--diff` ask for.
#[derive(Debug, Clone, Copy)]
pub struct Fixing {
    pub mode: FixMode,
    /// Write the fixed files (`--fix`); otherwise only compute them (`--diff`).
    pub write: bool,
}

/// What phase one leaves of one file.
struct FileOutcome {
    findings: Vec<Finding>,
    /// `None` when the file could not be read.
    summary: Option<PageSummary>,
    suppressions: Vec<Suppression>,
}

/// A file whose text the fixes changed (or would change, with `--diff`).
#[derive(Debug)]
pub struct FixedFile {
    pub path: Arc<str>,
    pub original: String,
    pub fixed: String,
    pub applied: usize,
}

enum FileFixResult {
    Fixed {
        original: String,
        fixed: String,
        findings: Vec<Finding>,
        applied: usize,
    },
    /// The file could not be read, fixed or written: it keeps its findings, plus this one.
    Failed(Finding),
}

const FIRST_POSITION: LineCol = LineCol { line: 1, column: 1 };

fn io_error(path: &Arc<str>, message: String) -> Finding {
    let diagnostic = error_level(Diagnostic::new(IO_ERROR, 0..0, message));
    Finding::locate(path, diagnostic, |_| FIRST_POSITION)
}

/// A file's text, or why it is not text galley can lint.
fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|error| format!("cannot read the file: {error}"))?;
    if memchr::memchr(0, &bytes).is_some() {
        return Err("binary file (it contains NUL bytes), not Markdown".into());
    }
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let line = error.as_bytes()[..valid]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        format!("not valid UTF-8: line {line}, byte offset {valid}")
    })
}

/// Writes through a temporary file in the same folder and a rename, so that a crash never
/// leaves half a file; keeps the file's permissions, and writes through symlinks.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let path = std::fs::canonicalize(path)?;
    let permissions = std::fs::metadata(&path)?.permissions();
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut temporary = tempfile::NamedTempFile::new_in(folder)?;
    temporary.write_all(text.as_bytes())?;
    temporary.as_file().sync_all()?;
    temporary.as_file().set_permissions(permissions)?;
    temporary.persist(&path).map_err(|error| error.error)?;
    Ok(())
}

fn error_level(mut diagnostic: Diagnostic) -> Diagnostic {
    diagnostic.severity = Severity::Error;
    diagnostic
}

/// By path, line, column and rule, so that two runs print the same bytes.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (
            &a.path,
            a.start,
            a.diagnostic.rule,
            a.end,
            &a.diagnostic.message,
        )
            .cmp(&(
                &b.path,
                b.start,
                b.diagnostic.rule,
                b.end,
                &b.diagnostic.message,
            ))
    });
}
