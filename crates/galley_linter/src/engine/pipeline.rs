//! The one per-file pipeline, used by `check`, `--fix`, `--stdin-filename` and the language
//! server: parse once, run the per-file rules, summarise; then the cross-file rules against
//! the link index, then the file's own suppressions.

use std::ops::Range;

use pulldown_cmark::{Event, Tag};
use std::sync::Arc;

use super::discover::FileTarget;
use super::{unused_suppression_level, Linter, RuleSet};
use crate::budget::{keep_within_budget, too_deep_message, MAX_FINDINGS};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::finding::{Finding, IO_ERROR};
use crate::fix::{Applicability, Edit};
use crate::language;
use crate::links::{github_anchor, LinkIndex, PageSummary};
use crate::source::{too_large, Excerpt, SourceFile, MAX_FILE_BYTES};
use crate::suppression::{self, Suppression};

/// What the first half of the pipeline leaves of one file, besides its diagnostics.
pub(super) struct FileLint {
    pub file: Arc<SourceFile>,
    pub rules: RuleSet,
    pub summary: PageSummary,
    pub suppressions: Vec<Suppression>,
    /// Whether the file is over its budget (see `budget`): its other rules did not run.
    pub over_budget: bool,
}

impl FileLint {
    /// Whether the second half can report anything, given the first half's diagnostics:
    /// otherwise the file's text need not be kept while the other files are read.
    /// (Cross-file rules check a page's outgoing links.)
    pub fn may_report(&self, diagnostics: &[Diagnostic]) -> bool {
        may_report(&self.summary, &self.suppressions, diagnostics)
    }

    /// Keeps of the file's text only what its findings can show, as `excerpt` says (see
    /// [`SourceFile::excerpt`]): where `found` (the first half's diagnostics) and their fixes
    /// are, and where the second half can report: its suppressions (reported when unused),
    /// and the page's links (the cross-file rules). The cross-file rules flag few of a
    /// corpus's links, so a link keeps only its own text, not the lines of its snippet:
    /// [`Linter::locate_second`] reads the file again for those.
    pub fn keep_excerpts(&mut self, found: &[Diagnostic], excerpt: Excerpt) {
        let unused: Vec<Diagnostic> = (self.suppressions.iter())
            .map(|suppression| suppression.unused(Severity::Warning))
            .collect();
        let links = (self.summary.links.iter())
            .chain(
                self.summary
                    .template_links
                    .iter()
                    .map(|template| &template.link),
            )
            .map(|link| link.dest_span.clone());
        // The finding that says a file reports too many is at its start.
        let reportable = found.len()
            + unused.len()
            + self.summary.links.len()
            + self.summary.template_links.len();
        let too_many = (reportable > MAX_FINDINGS).then_some(0..0);
        let shown = (found.iter().chain(&unused))
            .flat_map(Diagnostic::spans)
            .chain(too_many);
        self.file = self.file.excerpt_apart(shown, links, excerpt);
    }
}

/// [`FileLint::may_report`], on the parts of a file lint not yet made.
pub(super) fn may_report(
    summary: &PageSummary,
    suppressions: &[Suppression],
    diagnostics: &[Diagnostic],
) -> bool {
    !(diagnostics.is_empty()
        && suppressions.is_empty()
        && summary.links.is_empty()
        && summary.template_links.is_empty())
}

impl Linter {
    fn summarise(&self, doc: &Document, target: &FileTarget, collect_links: bool) -> PageSummary {
        let mut page = PageSummary::build(
            doc,
            target.key.clone(),
            target.dir.clone(),
            &self.config.links.slug_field,
            collect_links,
        );
        if let Some(site) = &self.site {
            let path = crate::paths::absolute_or_as_is(&target.path);
            (page.urls, page.url_is_folder) = site.urls(&path, doc);
            page.content_file = site.content_file(&path);
            if let Some(style) = &site.tab_ids {
                page.anchors.add(crate::links::page_tab_anchors(doc, style));
            }
        }
        page
    }

    /// The summary of a page that is not linted (only read for the link index), without its
    /// links; `describe` adds its title, description, headings and links, for editors (their
    /// outline, references and renames).
    pub(super) fn summarise_text(
        &self,
        target: &FileTarget,
        text: &str,
        describe: bool,
    ) -> PageSummary {
        let mut doc = Document::parse(text);
        doc.generator = self.site.as_ref().map(|site| site.generator);
        let mut page = self.summarise(&doc, target, describe);
        if describe {
            page.describe(&doc);
        }
        page
    }

    /// The first half: parse once, run the per-file rules (their diagnostics stamped with
    /// rule id and level), summarise, find the suppressions. `describe` adds the page's title
    /// and description to its summary, for editors.
    pub(super) fn lint_first(
        &self,
        target: &FileTarget,
        text: String,
        describe: bool,
    ) -> (FileLint, Vec<Diagnostic>) {
        let rules = self.rules_for(&target.path);
        // Text that stands in for a file (stdin, an editor's buffer) has a file's budget.
        if text.len() as u64 > MAX_FILE_BYTES {
            let file = SourceFile::unreadable(target.display.clone());
            return self.not_linted(target, rules, file, 0, too_large(MAX_FILE_BYTES));
        }
        let mut doc = Document::parse(&text);
        if let Some(offset) = doc.too_deep {
            let Document { lines, .. } = doc;
            let file = SourceFile::with_lines(target.display.clone(), text, lines);
            return self.not_linted(target, rules, file, offset, too_deep_message());
        }
        doc.path = Some(target.path.clone());
        doc.folder_language = self.folder_language(target);
        doc.default_language = self.config.content.language.clone();
        doc.generator = self.site.as_ref().map(|site| site.generator);
        let mut summary = self.summarise(&doc, target, true);
        if describe {
            summary.describe(&doc);
        }
        let mut diagnostics = Vec::new();
        let mut over_budget = false;
        for active in rules.iter() {
            let start = diagnostics.len();
            active.rule.check(&doc, &mut diagnostics);
            stamp(&mut diagnostics[start..], active);
            over_budget = keep_within_budget(&mut diagnostics);
            if over_budget {
                break;
            }
        }
        keep_anchors(&doc, &mut diagnostics);
        let suppressions = suppression::parse(&doc);
        let Document { lines, .. } = doc;
        let lint = FileLint {
            file: SourceFile::with_lines(target.display.clone(), text, lines),
            rules,
            summary,
            suppressions,
            over_budget,
        };
        (lint, diagnostics)
    }

    /// A text over its budget (too large, too deeply nested): not parsed, one finding at
    /// `offset`, and the summary of an empty page (links to it still resolve).
    fn not_linted(
        &self,
        target: &FileTarget,
        rules: RuleSet,
        file: Arc<SourceFile>,
        offset: usize,
        message: String,
    ) -> (FileLint, Vec<Diagnostic>) {
        let lint = FileLint {
            file,
            rules,
            summary: self.summarise(&Document::parse(""), target, true),
            suppressions: Vec::new(),
            over_budget: true,
        };
        let error = Diagnostic::new(offset..offset, message).with_rule(IO_ERROR, Severity::Error);
        (lint, vec![error])
    }

    /// The second half: the cross-file rules against `index` (when there is one), then the
    /// file's suppressions; returns everything the file reports, `found` (the first half's)
    /// included.
    pub(super) fn lint_second(
        &self,
        lint: &FileLint,
        mut found: Vec<Diagnostic>,
        index: Option<&LinkIndex>,
    ) -> Vec<Diagnostic> {
        if let Some(index) = index.filter(|_| !lint.over_budget) {
            for active in lint.rules.iter() {
                let start = found.len();
                active
                    .rule
                    .check_workspace(index, &lint.summary, &mut found);
                stamp(&mut found[start..], active);
                if keep_within_budget(&mut found) {
                    break;
                }
            }
        }
        if !lint.suppressions.is_empty() {
            let unused = suppression::apply(&mut found, |d| d, &lint.suppressions);
            if let Some(level) = unused_suppression_level(&lint.rules) {
                found.extend(unused.iter().map(|s| s.unused(level)));
            }
        }
        found
    }

    /// Both halves on text that stands in for the file at `target`.
    pub(super) fn lint_whole(
        &self,
        target: &FileTarget,
        text: String,
        index: Option<&LinkIndex>,
    ) -> (Vec<Diagnostic>, FileLint) {
        let (lint, found) = self.lint_first(target, text, true);
        (self.lint_second(&lint, found, index), lint)
    }
}

/// Folders under which a locale folder names its pages' language (Hugo's `content/fr/`,
/// Starlight's `docs/fr/`, `i18n/fr/`).
const LOCALE_PARENTS: &[&str] = &["content", "docs", "i18n", "locales", "translations"];

impl Linter {
    /// The language of a page's locale folder: one at the top of the content root, or under
    /// one of [`LOCALE_PARENTS`].
    fn folder_language(&self, target: &FileTarget) -> Option<String> {
        let (folders, _file) = target.key.as_deref()?.rsplit_once('/')?;
        let parts: Vec<&str> = folders.split('/').collect();
        parts.iter().enumerate().find_map(|(i, part)| {
            let under_parent = i == 0 || LOCALE_PARENTS.contains(&parts[i - 1]);
            let locale = under_parent && part.len() <= 5;
            locale.then(|| language::primary_subtag(part)).flatten()
        })
    }
}

/// A safe fix keeps where links land: one that would change a heading's anchor (the heading
/// has no explicit `{#id}`) becomes unsafe, whichever rule made it.
fn keep_anchors(doc: &Document, diagnostics: &mut [Diagnostic]) {
    let headings: Vec<Range<usize>> = doc
        .events
        .iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Heading { id: None, .. }) => Some(range.clone()),
            _ => None,
        })
        .collect();
    if headings.is_empty() {
        return;
    }
    for diagnostic in diagnostics {
        let Some(fix) = diagnostic.fix.as_mut() else {
            continue;
        };
        if fix.applicability != Applicability::Safe {
            continue;
        }
        // Headings are in order and apart: the ones an edit overlaps are found by a binary
        // search, not by asking every heading (a page of many headings, each with a fix, was
        // quadratic).
        let mut touched: Vec<usize> = (fix.edits.iter())
            .flat_map(|edit| {
                let first = headings.partition_point(|heading| heading.end <= edit.range.start);
                (first..headings.len()).take_while(|&i| headings[i].start < edit.range.end)
            })
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let changes_an_anchor = touched.into_iter().any(|i| {
            let heading = &headings[i];
            let inside: Vec<&Edit> = (fix.edits.iter())
                .filter(|edit| edit.range.start < heading.end && edit.range.end > heading.start)
                .collect();
            let before = &doc.source[heading.clone()];
            let after = apply_within(doc.source, heading, &inside);
            github_anchor(before) != github_anchor(&after)
        });
        if changes_an_anchor {
            fix.applicability = Applicability::Unsafe;
        }
    }
}

/// The text of `range` with `edits` (inside it, in order, not overlapping) applied.
fn apply_within(source: &str, range: &Range<usize>, edits: &[&Edit]) -> String {
    let mut text = String::new();
    let mut at = range.start;
    for edit in edits {
        let start = edit.range.start.max(range.start);
        text.push_str(&source[at..start]);
        text.push_str(&edit.replacement);
        at = edit.range.end.min(range.end);
    }
    text.push_str(&source[at..range.end]);
    text
}

/// The engine, not the rule, says which rule reported and at what level.
fn stamp(diagnostics: &mut [Diagnostic], active: &super::ActiveRule) {
    for diagnostic in diagnostics {
        diagnostic.rule = active.meta.id;
        diagnostic.severity = active.severity;
    }
}

/// Places a file's diagnostics, counting positions on in offset order.
pub(super) fn locate_all(file: &Arc<SourceFile>, mut found: Vec<Diagnostic>) -> Vec<Finding> {
    found.sort_by_key(|diagnostic| diagnostic.span.start);
    let position = file.locator();
    found
        .into_iter()
        .map(|diagnostic| Finding::locate(file, diagnostic, &position))
        .collect()
}
