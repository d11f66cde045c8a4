//! The run: find the content files, lint them in parallel, summarise each, then check the
//! summaries against the corpus-wide link index.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;

use crate::config::{Config, ConfigError};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{Document, LineCol};
use crate::links::{LinkIndex, PageSummary};
use crate::rule::{Rule, RuleMeta, RuleSettings, BUILTIN_RULES};

/// The id of findings about files that cannot be read as text; always an error.
pub const IO_ERROR: &str = "io-error";

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

pub struct ActiveRule {
    pub meta: &'static RuleMeta,
    pub rule: Box<dyn Rule>,
    pub severity: Severity,
}

/// Builds every enabled rule with its configured level and options.
pub fn build_rules(config: &Config) -> Result<Vec<ActiveRule>, ConfigError> {
    for (id, table) in &config.rules {
        if !BUILTIN_RULES.iter().any(|entry| entry.meta.id == id) {
            return Err(config.error(
                table.span(),
                format!("unknown rule `{id}` (see `galley rules`)"),
            ));
        }
    }
    let mut active = Vec::new();
    for entry in BUILTIN_RULES {
        let configured = config.rules.get(entry.meta.id);
        let mut options = configured
            .map(|table| table.get_ref().clone())
            .unwrap_or_default();
        let span = configured.map(|table| table.span());
        let severity = match options.remove("level") {
            None => Some(entry.meta.default_severity),
            Some(toml::Value::String(level)) if level == "error" => Some(Severity::Error),
            Some(toml::Value::String(level)) if level == "warning" => Some(Severity::Warning),
            Some(toml::Value::String(level)) if level == "off" => None,
            Some(other) => {
                return Err(config.error(
                    span.unwrap_or_default(),
                    format!(
                        "[rules.{}]: level must be \"error\", \"warning\" or \"off\", not {other}",
                        entry.meta.id
                    ),
                ))
            }
        };
        let Some(severity) = severity else { continue };
        let settings = RuleSettings {
            id: entry.meta.id,
            options,
            span,
            config,
        };
        let rule = (entry.build)(&settings).map_err(ConfigError)?;
        active.push(ActiveRule {
            meta: entry.meta,
            rule,
            severity,
        });
    }
    Ok(active)
}

/// Lexically absolute and normalised (`a/../b` is `b`), without touching the file system.
pub fn absolute(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
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
    /// Files linted (not those only read for the link index).
    pub files: usize,
    pub findings: Vec<Finding>,
}

pub struct Workspace<'a> {
    pub config: &'a Config,
    pub rules: &'a [ActiveRule],
    pub root: PathBuf,
    exclude: GlobSet,
}

fn key_of(root: &Path, absolute_path: &Path) -> Option<String> {
    let relative = absolute_path.strip_prefix(root).ok()?;
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
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
        let mut builder = GlobSetBuilder::new();
        for pattern in &config.files.exclude {
            let glob = Glob::new(pattern.get_ref()).map_err(|error| {
                config.error(pattern.span(), format!("bad exclude glob: {error}"))
            })?;
            builder.add(glob);
        }
        let exclude = builder
            .build()
            .map_err(|error| ConfigError(format!("bad exclude globs: {error}")))?;
        Ok(Workspace {
            config,
            rules,
            root,
            exclude,
        })
    }

    fn is_content(&self, path: &Path) -> bool {
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
        let config_dir = absolute(&self.config.dir);
        let excluded = absolute(path)
            .strip_prefix(&config_dir)
            .is_ok_and(|relative| self.exclude.is_match(relative));
        extension_matches && !excluded
    }

    /// Content files under `dir`, as walked (respecting `.gitignore`, skipping hidden files).
    fn walk(&self, dir: &Path) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = ignore::WalkBuilder::new(dir)
            .require_git(false)
            .build()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
            .map(ignore::DirEntry::into_path)
            .filter(|path| self.is_content(path))
            .collect();
        files.sort();
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

    pub fn check(&self, inputs: &[PathBuf], strip_dot: bool) -> CheckOutcome {
        let (targets, mut findings) = self.targets(inputs, strip_dot);
        let outcomes: Vec<(Vec<Finding>, Option<PageSummary>)> = targets
            .par_iter()
            .map(|target| self.check_file(target))
            .collect();
        let files = targets.iter().filter(|target| target.lint).count();
        let pages: Vec<(&FileTarget, &PageSummary)> = targets
            .iter()
            .zip(&outcomes)
            .filter_map(|(target, (_, summary))| summary.as_ref().map(|s| (target, s)))
            .collect();
        let index = LinkIndex::new(
            &self.root,
            &self.config.files.extensions,
            pages.iter().map(|(_, page)| *page),
        );
        let cross_file: Vec<Finding> = pages
            .par_iter()
            .filter(|(target, _)| target.lint)
            .flat_map_iter(|(target, page)| {
                let mut found = Vec::new();
                for active in self.rules {
                    let mut diagnostics = Vec::new();
                    active.rule.check_workspace(&index, page, &mut diagnostics);
                    found.extend(diagnostics.into_iter().map(|mut diagnostic| {
                        diagnostic.severity = active.severity;
                        Finding::locate(&target.display, diagnostic, |offset| page.line_col(offset))
                    }));
                }
                found
            })
            .collect();
        findings.extend(outcomes.into_iter().flat_map(|(found, _)| found));
        findings.extend(cross_file);
        sort_findings(&mut findings);
        CheckOutcome { files, findings }
    }

    /// Phase one for one file: read, parse once, run the per-file rules, summarise.
    fn check_file(&self, target: &FileTarget) -> (Vec<Finding>, Option<PageSummary>) {
        let io_error = |message: String| {
            let diagnostic = error_level(Diagnostic::new(IO_ERROR, 0..0, message));
            let finding = Finding::locate(&target.display, diagnostic, |_| LineCol {
                line: 1,
                column: 1,
            });
            (
                if target.lint {
                    vec![finding]
                } else {
                    Vec::new()
                },
                None,
            )
        };
        let bytes = match std::fs::read(&target.path) {
            Ok(bytes) => bytes,
            Err(error) => return io_error(format!("cannot read the file: {error}")),
        };
        if bytes.contains(&0) {
            return io_error("binary file (it contains NUL bytes), not Markdown".into());
        }
        let source = match String::from_utf8(bytes) {
            Ok(source) => source,
            Err(error) => {
                let valid = error.utf8_error().valid_up_to();
                let bytes = error.as_bytes();
                let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
                return io_error(format!("not valid UTF-8: line {line}, byte offset {valid}"));
            }
        };
        let doc = Document::parse(&source);
        let mut findings = Vec::new();
        if target.lint {
            for active in self.rules {
                let mut diagnostics = Vec::new();
                active.rule.check(&doc, &mut diagnostics);
                findings.extend(diagnostics.into_iter().map(|mut diagnostic| {
                    diagnostic.severity = active.severity;
                    Finding::locate(&target.display, diagnostic, |offset| doc.line_col(offset))
                }));
            }
        }
        let dir = absolute(target.path.parent().unwrap_or(Path::new(".")));
        let summary = PageSummary::build(
            &doc,
            target.key.clone(),
            dir,
            &self.config.links.slug_field,
            target.lint,
        );
        (findings, Some(summary))
    }
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
