//! `galley server`: a language server over stdio, for live diagnostics, quick fixes,
//! navigation and renames across the corpus, and link completion and hover in editors.
//!
//! One thread serves the editor; linting a buffer takes milliseconds, so it runs there,
//! between messages. Our own reader (`transport`) frames the messages, bounding their size and
//! answering malformed ones. The corpus is read in the background when the server starts, and
//! until it is in, only per-file rules run. The link index borrows the corpus's page summaries
//! (described for an editor: headings and links included): the server serves messages against
//! one index until a message changes a page's link targets (a slug, a heading, a title), then
//! rebuilds it and lints the open buffers again.

mod actions;
mod completion;
mod corpus;
mod definition;
mod diagnostics;
mod document;
mod hover;
mod linting;
mod navigation;
mod positions;
mod progress;
mod references;
mod rename;
mod session;
mod symbols;
mod transport;
mod unreadable;
mod workspace;

use std::error::Error;
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, RequestId, Response};
use lsp_types::notification::{Exit, Notification as _};
use lsp_types::request::{Initialize, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    DiagnosticOptions, DiagnosticServerCapabilities, DocumentLinkOptions, FileOperationFilter,
    FileOperationPattern, FileOperationRegistrationOptions, HoverProviderCapability,
    InitializeParams, InitializeResult, OneOf, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, WorkspaceFileOperationsServerCapabilities,
    WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};

use corpus::Corpus;
use galley_linter::links::LinkIndex;
use session::{Change, Session};
use workspace::{changed_folders, folder_of, Context, Folder, Workspace};

pub type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// Serves one editor over stdin and stdout until it sends `exit` or its input ends. Returns
/// the exit code the protocol asks for: 0 when `shutdown` came first, else 1.
pub fn run() -> Result<u8> {
    serve_stream(std::io::stdin(), std::io::stdout())
}

/// [`run`] over any byte streams: what the editor says, and where the answers go (the fuzz
/// target feeds it arbitrary bytes).
pub fn serve_stream(
    input: impl std::io::Read + Send + 'static,
    output: impl std::io::Write + Send + 'static,
) -> Result<u8> {
    let (connection, writer) = transport::connect(input, output);
    // Not lsp-server's `initialize_finish`: it swallows `initialized`, after which the
    // session registers its file watchers.
    let Some((id, params)) = initialize(&connection)? else {
        return Ok(1);
    };
    let result = InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "galley".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    connection
        .sender
        .send(Response::new_ok(id, result).into())?;
    let mut session = Session::new(connection, &params);
    serve(&mut session, workspace::initial_folders(&params))?;
    let code = if session.shut_down() { 0 } else { 1 };
    // The writer ends when the last sender of the connection is dropped.
    drop(session);
    writer.join().map_err(|_| "the writer thread panicked")??;
    Ok(code)
}

/// Waits for `initialize`, answering other requests with the error the protocol names;
/// `None` when the editor leaves first.
fn initialize(connection: &Connection) -> Result<Option<(RequestId, InitializeParams)>> {
    for message in &connection.receiver {
        match message {
            Message::Request(request) if request.method == Initialize::METHOD => {
                match serde_json::from_value(request.params) {
                    Ok(params) => return Ok(Some((request.id, params))),
                    Err(error) => {
                        let code = ErrorCode::InvalidParams as i32;
                        let answer = Response::new_err(request.id, code, error.to_string());
                        connection.sender.send(answer.into())?;
                    }
                }
            }
            Message::Request(request) => {
                let code = ErrorCode::ServerNotInitialized as i32;
                let message = "galley is not initialized yet".to_string();
                connection
                    .sender
                    .send(Response::new_err(request.id, code, message).into())?;
            }
            Message::Notification(notification) if notification.method == Exit::METHOD => {
                return Ok(None)
            }
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
    Ok(None)
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
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        document_link_provider: Some(DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: Default::default(),
        }),
        diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
            identifier: Some("galley".to_string()),
            // A page's links break when another page changes.
            inter_file_dependencies: true,
            workspace_diagnostics: false,
            work_done_progress_options: Default::default(),
        })),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: Some(WorkspaceFileOperationsServerCapabilities {
                will_rename: Some(FileOperationRegistrationOptions {
                    filters: vec![FileOperationFilter {
                        scheme: Some("file".to_string()),
                        pattern: FileOperationPattern {
                            glob: "**/*".to_string(),
                            matches: None,
                            options: None,
                        },
                    }],
                }),
                ..Default::default()
            }),
        }),
        ..ServerCapabilities::default()
    }
}

/// Serves against one engine and one link index per folder at a time, rebuilding them when
/// a change asks for it.
fn serve(session: &mut Session, paths: Vec<PathBuf>) -> Result<()> {
    let load = |session: &Session, path: PathBuf| Folder {
        engine: session.load_engine(&path),
        path,
        corpus: Corpus::default(),
    };
    let mut folders: Vec<Folder> = paths.into_iter().map(|path| load(session, path)).collect();
    for folder in &folders {
        session.start_scan(folder);
    }
    loop {
        let change = {
            let indexes: Vec<Option<LinkIndex>> = (folders.iter())
                .map(|f| f.corpus.ready.then(|| f.corpus.index(f.engine.linter())))
                .collect();
            let workspace = Workspace {
                folders: (folders.iter().zip(&indexes))
                    .map(|(folder, index)| Context {
                        folder: &folder.path,
                        engine: &folder.engine,
                        linter: folder.engine.linter(),
                        corpus: &folder.corpus,
                        index: index.as_ref(),
                    })
                    .collect(),
            };
            // What changed may break or mend links in any open buffer.
            session.lint_all(&workspace)?;
            session.serve(&workspace)?
        };
        let at = |folders: &[Folder], path: &Path| {
            folder_of(
                folders.iter().map(|f| (&*f.path, f.engine.linter().root())),
                path,
            )
        };
        match change {
            Change::Exit => return Ok(()),
            Change::Pages(pages) => {
                for (path, page) in pages {
                    let at = at(&folders, &path);
                    folders[at].corpus.update(path, page);
                }
            }
            Change::Scanned(path, pages) => {
                let Some(scanned) = folders.iter().position(|f| f.path == path) else {
                    continue;
                };
                let corpus = &mut folders[scanned].corpus;
                corpus.pages = pages.into_iter().collect();
                corpus.ready = true;
                // The folder's open buffers take their files' places.
                for (path, page) in session.buffer_pages() {
                    if at(&folders, &path) == scanned {
                        folders[scanned].corpus.update(path, Some(page));
                    }
                }
            }
            Change::Rescan => {
                for folder in &folders {
                    session.start_scan(folder);
                }
            }
            Change::Configuration(path) => {
                for folder in &mut folders {
                    if folder.engine.is_configuration(&path) {
                        folder.engine = session.load_engine(&folder.path);
                        session.start_scan(folder);
                    }
                }
            }
            Change::Folders(event) => {
                let old: Vec<PathBuf> = folders.iter().map(|f| f.path.clone()).collect();
                let new = changed_folders(&old, &event);
                for gone in old.iter().filter(|path| !new.contains(path)) {
                    session.stop_scan(gone);
                }
                folders.retain(|folder| new.contains(&folder.path));
                for path in new.into_iter().filter(|path| !old.contains(path)) {
                    let folder = load(session, path);
                    session.start_scan(&folder);
                    folders.push(folder);
                }
            }
        }
    }
}
