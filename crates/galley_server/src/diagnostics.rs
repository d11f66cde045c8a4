//! galley's diagnostics as LSP diagnostics: UTF-16 ranges, the rule id as `code`, a link to
//! the rule's docs, and the linked page as related information for a broken anchor.

use std::path::Path;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DocumentDiagnosticParams,
    DocumentDiagnosticReport, DocumentDiagnosticReportResult, FullDocumentDiagnosticReport,
    Location, NumberOrString, RelatedFullDocumentDiagnosticReport, Uri,
};

use crate::corpus::Engine;
use crate::document::OpenDocument;
use crate::navigation::View;
use crate::positions::{path_to_uri, Lines};
use crate::workspace::Context;
use galley_linter::diagnostic::{Diagnostic, Severity};
use galley_linter::finding::IO_ERROR;
use galley_linter::rule::RULE_DOCS_FOLDER;

/// The package's repository (Cargo.toml's `repository`), where the rules' pages are kept.
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The page of a rule that has one (a built-in or default-pack rule) in the repository, at
/// this version's tag, so the page describes the rule as this binary runs it.
pub fn rule_docs(rule: &str, engine: &Engine) -> Option<Uri> {
    engine.is_documented(rule).then_some(())?;
    docs_in(REPOSITORY, env!("CARGO_PKG_VERSION"), rule)
}

fn docs_in(repository: &str, version: &str, rule: &str) -> Option<Uri> {
    if repository.is_empty() {
        return None;
    }
    let repository = repository.trim_end_matches('/');
    format!("{repository}/blob/v{version}/{RULE_DOCS_FOLDER}/{rule}.md")
        .parse()
        .ok()
}

/// A buffer's last findings as the editor shows them.
pub fn for_editor(doc: &OpenDocument, context: &Context) -> Vec<lsp_types::Diagnostic> {
    let lines = Lines::new(&doc.text);
    doc.diagnostics
        .iter()
        .map(|diagnostic| {
            let related = linked_page(diagnostic, context.linter.root());
            let docs = rule_docs(diagnostic.rule, context.engine);
            to_lsp(diagnostic, &lines, related, docs)
        })
        .collect()
}

/// Pull diagnostics: the buffer's, as they would be published.
pub fn pulled(view: &View, params: DocumentDiagnosticParams) -> DocumentDiagnosticReportResult {
    let items = (view.documents.get(&params.text_document.uri))
        .map(|doc| for_editor(doc, view.context))
        .unwrap_or_default();
    let report = FullDocumentDiagnosticReport {
        result_id: None,
        items,
    };
    DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
        RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: report,
        },
    ))
}

pub fn to_lsp(
    diagnostic: &Diagnostic,
    lines: &Lines,
    related_information: Option<Vec<DiagnosticRelatedInformation>>,
    docs: Option<Uri>,
) -> lsp_types::Diagnostic {
    let message = match &diagnostic.help {
        Some(help) => format!("{}\nhelp: {help}", diagnostic.message),
        None => diagnostic.message.clone(),
    };
    lsp_types::Diagnostic {
        range: lines.range(&diagnostic.span),
        severity: Some(match diagnostic.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diagnostic.rule.to_string())),
        code_description: docs.map(|href| CodeDescription { href }),
        source: Some("galley".to_string()),
        message,
        related_information,
        tags: None,
        data: None,
    }
}

/// A content file that galley cannot read as text, and why, on the file's first line.
pub fn unreadable(problem: String) -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(IO_ERROR.to_string())),
        source: Some("galley".to_string()),
        message: format!("galley cannot read this page, so links to it are broken: {problem}"),
        ..lsp_types::Diagnostic::default()
    }
}

/// For a link to a missing anchor, the page it links to: where the heading should be.
pub fn linked_page(
    diagnostic: &Diagnostic,
    root: &Path,
) -> Option<Vec<DiagnosticRelatedInformation>> {
    let key = diagnostic.link.as_ref()?.page.as_deref()?;
    let uri = path_to_uri(&root.join(key))?;
    Some(vec![DiagnosticRelatedInformation {
        location: Location::new(uri, lsp_types::Range::default()),
        message: format!("the linked page `{key}`"),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_docs_link_to_the_rule_page_at_the_version_tag() {
        let page = docs_in("https://example.org/galley/", "1.2.0", "broken-link").unwrap();
        assert_eq!(
            page.as_str(),
            "https://example.org/galley/blob/v1.2.0/docs/rules/broken-link.md"
        );
        assert_eq!(docs_in("", "1.2.0", "broken-link"), None);
    }
}
