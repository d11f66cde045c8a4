//! Linting a buffer and publishing what it reports. A large buffer is linted on a thread of
//! its own, so that the others are served meanwhile (a 10 MB buffer takes about a second);
//! its result is used only if the buffer has not changed since.

use std::thread::Scope;
use std::time::Instant;

use crossbeam_channel::Sender;
use lsp_server::{Connection, Notification};
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{PublishDiagnosticsParams, Uri};

use crate::corpus::PendingPages;
use crate::diagnostics;
use crate::document::OpenDocument;
use crate::session::guarded;
use crate::workspace::Context;
use crate::Result;
use galley_linter::diagnostic::Diagnostic;
use galley_linter::links::PageSummary;

/// Buffers this large or larger are linted in the background.
pub const LARGE: usize = 1 << 20;

/// A background lint's result: `None` when the lint panicked.
pub struct Linted {
    pub uri: Uri,
    pub version: i32,
    pub found: Option<(Vec<Diagnostic>, PageSummary)>,
}

/// Lints a buffer as it is in the editor, and notes its page when its link targets changed.
pub fn lint(doc: &mut OpenDocument, context: &Context, pending: &mut PendingPages) {
    // Cleared first: a lint that panics is not tried again until the next edit.
    doc.lint_due = None;
    let (diagnostics, summary) = context
        .linter
        .lint_text(&doc.path, &doc.text, context.index);
    apply(doc, context, pending, diagnostics, summary);
}

/// Starts linting the buffer on a thread of `scope`; the result comes to `sender`.
pub fn lint_in_background<'s>(
    scope: &'s Scope<'s, '_>,
    doc: &mut OpenDocument,
    context: &'s Context<'s>,
    sender: Sender<Linted>,
) {
    doc.lint_due = None;
    let (uri, version, path, text) = (
        doc.uri.clone(),
        doc.version,
        doc.path.clone(),
        doc.text.clone(),
    );
    scope.spawn(move || {
        let found = guarded("lint", || {
            context.linter.lint_text(&path, &text, context.index)
        });
        // The server may have stopped meanwhile; then nobody needs the result.
        let _ = sender.send(Linted {
            uri,
            version,
            found,
        });
    });
}

/// Takes a lint's findings as the buffer's, and notes its page when its link targets changed.
pub fn apply(
    doc: &mut OpenDocument,
    context: &Context,
    pending: &mut PendingPages,
    diagnostics: Vec<Diagnostic>,
    summary: PageSummary,
) {
    if context.corpus.changes_targets(&doc.path, &summary) {
        pending.note(doc.path.clone(), Some(summary.clone()), Instant::now());
    } else {
        pending.forget(&doc.path);
    }
    doc.diagnostics = diagnostics;
    doc.summary = Some(summary);
}

/// Sends the buffer's diagnostics unless the editor has them already.
pub fn publish(connection: &Connection, doc: &mut OpenDocument, context: &Context) -> Result<()> {
    if doc.lint_due.is_some() {
        return Ok(());
    }
    let fresh = Some((doc.version, diagnostics::for_editor(doc, context)));
    if doc.published == fresh {
        return Ok(());
    }
    doc.published = fresh;
    let diagnostics = doc
        .published
        .as_ref()
        .map(|(_, d)| d.clone())
        .unwrap_or_default();
    let params = PublishDiagnosticsParams::new(doc.uri.clone(), diagnostics, Some(doc.version));
    let notification = Notification::new(PublishDiagnostics::METHOD.to_string(), params);
    connection.sender.send(notification.into())?;
    Ok(())
}
