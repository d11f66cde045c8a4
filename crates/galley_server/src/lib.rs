//! `galley server`: a language server over stdio, for live diagnostics, quick fixes, and
//! link completion and hover in editors.
//!
//! One thread serves the editor; linting a buffer takes milliseconds, so it runs there,
//! between messages. The corpus is read in the background when the server starts, and until
//! it is in, only per-file rules run. The link index borrows the corpus's page summaries: the
//! server serves messages against one index until a message changes a page's link targets
//! (a slug, a heading, a title), then rebuilds it and lints the open buffers again.

mod actions;
mod completion;
mod corpus;
mod diagnostics;
mod document;
mod hover;
mod positions;
mod session;

use std::error::Error;
use std::sync::Arc;

use lsp_server::Connection;
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    HoverProviderCapability, InitializeParams, InitializeResult, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions,
};

use corpus::Corpus;
use session::{Change, Context, Session};

pub type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// Serves one editor over stdin and stdout until it sends `exit`.
pub fn run() -> Result<()> {
    let (connection, io_threads) = Connection::stdio();
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let result = InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "galley".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    connection.initialize_finish(id, serde_json::to_value(result)?)?;
    let mut session = Session::new(connection, &params);
    serve(&mut session)?;
    // The writer thread ends when the last sender of the connection is dropped.
    drop(session);
    io_threads.join()?;
    Ok(())
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, actions::FIX_ALL]),
            ..CodeActionOptions::default()
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["/".to_string(), "#".to_string()]),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// Serves against one engine and one link index at a time, rebuilding them when a change
/// asks for it.
fn serve(session: &mut Session) -> Result<()> {
    let mut engine = Arc::new(session.load_engine());
    let mut corpus = Corpus::default();
    session.start_scan(&engine);
    loop {
        let change = {
            let workspace = engine.linter();
            let index = corpus.ready.then(|| corpus.index(workspace));
            let context = Context {
                engine: &engine,
                workspace,
                corpus: &corpus,
                index: index.as_ref(),
            };
            // What changed may break or mend links in any open buffer.
            session.lint_all(&context)?;
            session.serve(&context)?
        };
        match change {
            Change::Exit => return Ok(()),
            Change::Pages(pages) => {
                for (path, page) in pages {
                    corpus.update(path, page);
                }
            }
            Change::Scanned(pages) => {
                corpus.pages = pages.into_iter().collect();
                corpus.ready = true;
                for (path, page) in session.buffer_pages() {
                    corpus.update(path, Some(page));
                }
            }
            Change::Configuration => {
                engine = Arc::new(session.load_engine());
                session.start_scan(&engine);
            }
        }
    }
}
