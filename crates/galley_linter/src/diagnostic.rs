//! What a rule reports: a byte span in one file, a message, and maybe a fix.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::fix::Fix;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// What a finding about a link knows of it, so that other parts (changed-files mode, the
/// language server) need not re-derive the link from the span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkData {
    /// The destination as written (`/a/b#c`).
    pub destination: String,
    /// The key of the page the link reaches, when only its anchor is missing.
    pub page: Option<String>,
}

/// Stored by the disk cache without `rule` (a `&'static str`), which the engine stamps again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Stamped by the engine with the id of the rule that reported it.
    #[serde(skip)]
    pub rule: &'static str,
    /// Stamped by the engine with the rule's configured level.
    pub severity: Severity,
    pub message: String,
    pub span: Range<usize>,
    /// A short text shown under the span.
    pub label: Option<String>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
    /// Set by rules about links.
    pub link: Option<LinkData>,
}

impl Diagnostic {
    /// Its span, then the ranges its fix edits: all a report shows of the text.
    pub fn spans(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        let edits = self.fix.iter().flat_map(|fix| &fix.edits);
        std::iter::once(self.span.clone()).chain(edits.map(|edit| edit.range.clone()))
    }

    pub fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            rule: "",
            severity: Severity::Warning,
            message: message.into(),
            span,
            label: None,
            help: None,
            fix: None,
            link: None,
        }
    }

    /// For diagnostics the engine makes itself (`io-error`, `unused-suppression`, ...).
    pub fn with_rule(mut self, rule: &'static str, severity: Severity) -> Self {
        self.rule = rule;
        self.severity = severity;
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn with_link(mut self, link: LinkData) -> Self {
        self.link = Some(link);
        self
    }
}
