//! galley's diagnostics as LSP diagnostics: UTF-16 ranges, the rule id as `code`, a link to
//! the rule's docs, and the linked page as related information for a broken anchor.

use std::path::Path;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DocumentDiagnosticParams,
    DocumentDiagnosticReport, DocumentDiagnosticReportResult, FullDocumentDiagnosticReport,
    Location, NumberOrString, RelatedFullDocumentDiagnosticReport, Uri,
};

use crate::document::OpenDocument;
use crate::navigation::View;
use crate::positions::{path_to_uri, Lines};
use crate::workspace::Context;
use galley_linter::diagnostic::{Diagnostic, Severity};

/// The package's repository (Cargo.toml's `repository`), where the docs are published.
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// Where the rules are documented: the README's rule table, which names every rule and points
/// to `galley explain <id>`. In the repository when the package names one, else in the source
/// tree this binary was built from.
pub fn rule_docs(_rule: &str) -> Option<Uri> {
    docs_in(REPOSITORY, concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn docs_in(repository: &str, source_tree: &str) -> Option<Uri> {
    let readme = if repository.is_empty() {
        path_to_uri(&std::path::Path::new(source_tree).join("README.md"))?
            .as_str()
            .to_string()
    } else {
        format!("{repository}/blob/main/README.md")
    };
    format!("{readme}#the-rules").parse().ok()
}

/// A buffer's last findings as the editor shows them.
pub fn for_editor(doc: &OpenDocument, context: &Context) -> Vec<lsp_types::Diagnostic> {
    let lines = Lines::new(&doc.text);
    doc.diagnostics
        .iter()
        .map(|diagnostic| {
            let related = linked_page(diagnostic, context.linter.root());
            to_lsp(diagnostic, &lines, related)
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
        code_description: rule_docs(diagnostic.rule).map(|href| CodeDescription { href }),
        source: Some("galley".to_string()),
        message,
        related_information,
        tags: None,
        data: None,
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
    fn rule_docs_link_to_the_readme_rule_table() {
        let published = docs_in("https://example.org/galley", "/src/galley").unwrap();
        assert_eq!(
            published.as_str(),
            "https://example.org/galley/blob/main/README.md#the-rules"
        );
        let local = docs_in("", "/src/galley").unwrap();
        assert_eq!(local.as_str(), "file:///src/galley/README.md#the-rules");
    }
}
