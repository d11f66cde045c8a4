//! The editor's side of the server: open buffers, the message loop with its debounced lints,
//! and a handler for each request and notification.

use std::collections::{HashMap, HashSet};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use crossbeam_channel::{select, Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidChangeWorkspaceFolders, DidCloseTextDocument,
    DidOpenTextDocument, DidSaveTextDocument, Exit, Initialized, Notification as _,
    PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentDiagnosticRequest, DocumentLinkRequest,
    DocumentSymbolRequest, GotoDefinition, HoverRequest, References, RegisterCapability, Rename,
    Request as _, Shutdown, WillRenameFiles, WorkspaceSymbolRequest,
};
use lsp_types::{
    DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern, InitializeParams,
    MessageType, PublishDiagnosticsParams, Registration, RegistrationParams, ShowMessageParams,
    Uri, WorkspaceFoldersChangeEvent,
};

use crate::corpus::{Engine, PendingPages};
use crate::definition::definition;
use crate::document::OpenDocument;
use crate::linting::{self, lint, lint_in_background, publish, Linted, LARGE};
use crate::navigation::View;
use crate::positions::uri_to_path;
use crate::progress::Progress;
use crate::references::references;
use crate::unreadable::Unreadable;
use crate::workspace::{Folder, Workspace};
use crate::{actions, completion, diagnostics, hover, rename, symbols, Result};
use galley_linter::engine::RootSummary;
use galley_linter::links::PageSummary;

/// Why serving against one context stopped.
pub enum Change {
    /// Pages whose link targets changed, by path; `None`: the page is gone.
    Pages(HashMap<PathBuf, Option<PageSummary>>),
    /// A folder's content root as read, page by page.
    Scanned(PathBuf, Vec<(PathBuf, PageSummary)>),
    /// This configuration file changed.
    Configuration(PathBuf),
    /// The editor added or removed workspace folders.
    Folders(WorkspaceFoldersChangeEvent),
    /// Files may have changed on disk unseen: the content root is read again.
    Rescan,
    Exit,
}

struct Scan {
    folder: PathBuf,
    generation: u64,
    read: RootSummary,
}

pub struct Session {
    connection: Connection,
    /// Whether the editor can watch files for the server.
    can_watch: bool,
    documents: HashMap<Uri, OpenDocument>,
    pending: PendingPages,
    scans: (Sender<Scan>, Receiver<Scan>),
    /// Counts the scans started: only the latest one of a folder is used.
    scan_generation: u64,
    /// The scans awaited, by folder, and the pages the others read meanwhile.
    scanning: HashMap<PathBuf, u64>,
    scanned_pages: usize,
    /// Background lints of large buffers: their results, and the buffers being linted.
    lints: (Sender<Linted>, Receiver<Linted>),
    linting: HashSet<Uri>,
    /// The content files shown as unreadable.
    unreadable: Unreadable,
    /// The corpus being read, shown in the editor.
    progress: Progress,
    /// Whether the editor asked for `shutdown`: then requests are refused, and `exit` ends
    /// the server with success.
    shut_down: bool,
}

const WATCH_REGISTRATION: &str = "galley-watched-files";

impl Session {
    pub fn new(connection: Connection, params: &InitializeParams) -> Self {
        let can_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|workspace| workspace.did_change_watched_files)
            .and_then(|watch| watch.dynamic_registration)
            .unwrap_or(false);
        let work_done_progress = (params.capabilities.window.as_ref())
            .and_then(|window| window.work_done_progress)
            .unwrap_or(false);
        Session {
            connection,
            can_watch,
            documents: HashMap::new(),
            pending: PendingPages::default(),
            scans: crossbeam_channel::unbounded(),
            scan_generation: 0,
            scanning: HashMap::new(),
            scanned_pages: 0,
            lints: crossbeam_channel::unbounded(),
            linting: HashSet::new(),
            unreadable: Unreadable::default(),
            progress: Progress::new(work_done_progress),
            shut_down: false,
        }
    }

    pub fn shut_down(&self) -> bool {
        self.shut_down
    }

    /// The configuration found from a workspace folder; an error is shown to the writer, and
    /// the defaults are used.
    pub fn load_engine(&self, folder: &Path) -> Arc<Engine> {
        let (engine, error) = Engine::load(folder);
        if let Some(error) = error {
            let message = format!("galley: {error} (using the default configuration)");
            self.notify::<ShowMessage>(ShowMessageParams {
                typ: MessageType::ERROR,
                message,
            });
        }
        Arc::new(engine)
    }

    /// Reads a folder's content root in the background; the result arrives as
    /// [`Change::Scanned`]. The progress shown covers every folder being read.
    pub fn start_scan(&mut self, folder: &Folder) {
        self.scan_generation += 1;
        let generation = self.scan_generation;
        if self.scanning.is_empty() {
            self.scanned_pages = 0;
            self.progress.begin(&self.connection.sender);
        }
        self.scanning.insert(folder.path.clone(), generation);
        let (engine, path) = (folder.engine.clone(), folder.path.clone());
        let sender = self.scans.0.clone();
        thread::spawn(move || {
            let read = engine.linter().summarise_root();
            // The server may have stopped meanwhile; then nobody needs the pages.
            let _ = sender.send(Scan {
                folder: path,
                generation,
                read,
            });
        });
    }

    /// Forgets the scan of a folder the editor removed: its pages are not awaited.
    pub fn stop_scan(&mut self, folder: &Path) {
        if self.scanning.remove(folder).is_some() && self.scanning.is_empty() {
            let read = format!("{} pages", self.scanned_pages);
            self.progress.end(&self.connection.sender, read);
        }
    }

    /// The summaries of the open buffers, which stand in for their files in the corpus.
    pub fn buffer_pages(&self) -> impl Iterator<Item = (PathBuf, PageSummary)> + '_ {
        self.documents
            .values()
            .filter_map(|doc| Some((doc.path.clone(), doc.summary.clone()?)))
    }

    /// Lints every open buffer now and publishes what changed; a large one is linted in the
    /// background once serving starts.
    pub fn lint_all(&mut self, workspace: &Workspace) -> Result<()> {
        let now = Instant::now();
        for doc in self.documents.values_mut() {
            if doc.text.len() >= LARGE {
                doc.lint_due = Some(now);
                continue;
            }
            let context = workspace.of(&doc.path);
            guarded("lint", || lint(doc, context, &mut self.pending));
            publish(&self.connection, doc, context)?;
        }
        Ok(())
    }

    /// Handles messages until one changes what they are served against, linting buffers
    /// when their debounce time comes and no message is waiting. Large buffers are linted in
    /// the background meanwhile; their lints end before this returns.
    pub fn serve(&mut self, workspace: &Workspace) -> Result<Change> {
        thread::scope(|scope| loop {
            let waiting = |doc: &&OpenDocument| !self.linting.contains(&doc.uri);
            let lints = self
                .documents
                .values()
                .filter(waiting)
                .filter_map(|d| d.lint_due);
            let timer = match lints.chain(self.pending.due).min() {
                Some(due) => crossbeam_channel::at(due),
                None => crossbeam_channel::never(),
            };
            select! {
                recv(self.connection.receiver) -> message => {
                    // A closed input means the editor is gone.
                    let Ok(message) = message else { return Ok(Change::Exit) };
                    if let Some(change) = self.handle(message, workspace)? {
                        return Ok(change);
                    }
                }
                recv(self.scans.1) -> scan => {
                    let scan = scan.expect("the session holds a sender");
                    if self.scanning.get(&scan.folder) == Some(&scan.generation) {
                        self.scanning.remove(&scan.folder);
                        self.scanned_pages += scan.read.pages.len();
                        if self.scanning.is_empty() {
                            let read = format!("{} pages", self.scanned_pages);
                            self.progress.end(&self.connection.sender, read);
                        }
                        let in_folder = |path: &Path| workspace.of(path).folder == scan.folder;
                        let unreadable = (scan.read.unreadable.into_iter())
                            .filter(|(path, _)| !self.documents.values().any(|d| d.path == *path))
                            .collect();
                        let sender = &self.connection.sender;
                        self.unreadable.scanned(sender, in_folder, unreadable);
                        return Ok(Change::Scanned(scan.folder, scan.read.pages));
                    }
                }
                recv(self.lints.1) -> linted => {
                    let linted = linted.expect("the session holds a sender");
                    self.linting.remove(&linted.uri);
                    let doc = self.documents.get_mut(&linted.uri);
                    // A buffer changed since is linted again.
                    let current = doc.filter(|doc| doc.version == linted.version);
                    if let (Some(doc), Some((found, summary))) = (current, linted.found) {
                        if doc.lint_due.is_none() {
                            let context = workspace.of(&doc.path);
                            linting::apply(doc, context, &mut self.pending, found, summary);
                            publish(&self.connection, doc, context)?;
                        }
                    }
                }
                recv(timer) -> _ => {}
            }
            if self.connection.receiver.is_empty() {
                let now = Instant::now();
                for doc in self.documents.values_mut() {
                    if doc.lint_due.is_none_or(|due| due > now) {
                        continue;
                    }
                    let context = workspace.of(&doc.path);
                    if doc.text.len() < LARGE {
                        guarded("lint", || lint(doc, context, &mut self.pending));
                        publish(&self.connection, doc, context)?;
                    } else if self.linting.insert(doc.uri.clone()) {
                        lint_in_background(scope, doc, context, self.lints.0.clone());
                    }
                }
            }
            if let Some(pages) = self.pending.take_due(Instant::now()) {
                return Ok(Change::Pages(pages));
            }
        })
    }

    fn handle(&mut self, message: Message, workspace: &Workspace) -> Result<Option<Change>> {
        match message {
            Message::Request(request) if request.method == Shutdown::METHOD => {
                self.shut_down = true;
                let answer = Response::new_ok(request.id, ());
                self.connection.sender.send(answer.into())?;
                Ok(None)
            }
            Message::Request(request) if self.shut_down => {
                let code = ErrorCode::InvalidRequest as i32;
                let message = "galley is shutting down".to_string();
                let answer = Response::new_err(request.id, code, message);
                self.connection.sender.send(answer.into())?;
                Ok(None)
            }
            Message::Request(request) => {
                let id = request.id.clone();
                let response = guarded(&request.method.clone(), || self.answer(request, workspace))
                    .unwrap_or_else(|| {
                        let message = "galley failed on this request; see its log".to_string();
                        Response::new_err(id, ErrorCode::InternalError as i32, message)
                    });
                self.connection.sender.send(response.into())?;
                Ok(None)
            }
            Message::Notification(notification) if notification.method == Exit::METHOD => {
                Ok(Some(Change::Exit))
            }
            Message::Notification(notification) => {
                let method = notification.method.clone();
                Ok(guarded(&method, || self.take_note(notification, workspace)).flatten())
            }
            // Answers to the server's requests: the watcher registration (nothing waits for
            // it) and the progress token.
            Message::Response(response) => {
                self.progress.answered(&self.connection.sender, &response);
                Ok(None)
            }
        }
    }

    fn answer(&mut self, request: Request, workspace: &Workspace) -> Response {
        let (id, params) = (request.id, request.params);
        // An answer that places things by the last lint's spans (definitions, renames, code
        // actions) reads the buffer it is about as it is now (every buffer, for one about the
        // workspace); hover and completion read the text itself, and need not wait for a lint.
        if ![HoverRequest::METHOD, Completion::METHOD].contains(&request.method.as_str()) {
            let about = params.pointer("/textDocument/uri");
            let about = about.and_then(|uri| serde_json::from_value(uri.clone()).ok());
            self.lint_due_now(workspace, about.as_ref());
        }
        // The folder the request is about: its document's, or for a rename, its first file's.
        let about = ["/textDocument/uri", "/files/0/oldUri"]
            .iter()
            .find_map(|pointer| params.pointer(pointer)?.as_str()?.parse::<Uri>().ok());
        let path = about.and_then(|uri| match self.documents.get(&uri) {
            Some(doc) => Some(doc.path.clone()),
            None => uri_to_path(&uri),
        });
        let view = &View {
            documents: &self.documents,
            workspace,
            context: path.map_or(&workspace.folders[0], |path| workspace.of(&path)),
        };
        match request.method.as_str() {
            CodeActionRequest::METHOD => respond(id, params, |p| actions::code_actions(view, p)),
            Completion::METHOD => respond(id, params, |p| completion::complete(view, p)),
            HoverRequest::METHOD => respond(id, params, |p| hover::hover(view, p)),
            DocumentDiagnosticRequest::METHOD => {
                respond(id, params, |p| diagnostics::pulled(view, p))
            }
            GotoDefinition::METHOD => respond(id, params, |p| definition(view, p)),
            References::METHOD => respond(id, params, |p| references(view, p)),
            Rename::METHOD => respond(id, params, |p| rename::rename_heading(view, p)),
            WillRenameFiles::METHOD => respond(id, params, |p| rename::rename_files(view, p)),
            DocumentSymbolRequest::METHOD => respond(id, params, |p| symbols::outline(view, p)),
            WorkspaceSymbolRequest::METHOD => respond(id, params, |p| symbols::pages(view, p)),
            DocumentLinkRequest::METHOD => respond(id, params, |p| symbols::links(view, p)),
            method => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("galley does not answer `{method}`"),
            ),
        }
    }

    fn take_note(&mut self, notification: Notification, workspace: &Workspace) -> Option<Change> {
        let now = Instant::now();
        let params = notification.params;
        match notification.method.as_str() {
            Initialized::METHOD if self.can_watch => self.watch_files(workspace),
            DidOpenTextDocument::METHOD => {
                let params: lsp_types::DidOpenTextDocumentParams = parse(params)?;
                let item = params.text_document;
                let path = document_path(&item.uri, workspace.folders[0].linter.root());
                self.unreadable.opened(&path);
                let doc = OpenDocument::open(item.uri.clone(), path, item.version, item.text, now);
                self.documents.insert(item.uri, doc);
            }
            DidChangeTextDocument::METHOD => {
                let params: lsp_types::DidChangeTextDocumentParams = parse(params)?;
                let doc = self.documents.get_mut(&params.text_document.uri)?;
                doc.edit(params.text_document.version, params.content_changes, now);
            }
            DidSaveTextDocument::METHOD => {
                let params: lsp_types::DidSaveTextDocumentParams = parse(params)?;
                let uri = params.text_document.uri;
                if let Some(doc) = self.documents.get_mut(&uri) {
                    doc.lint_due = doc.lint_due.map(|due| due.min(now));
                }
                // An editor that cannot watch files tells of none changed on disk: a save is
                // when the writer expects what changed to be seen.
                if !self.can_watch {
                    let path = uri_to_path(&uri)?;
                    if workspace.of(&path).engine.is_configuration(&path) {
                        return Some(Change::Configuration(path));
                    }
                    return Some(Change::Rescan);
                }
            }
            DidCloseTextDocument::METHOD => {
                let params: lsp_types::DidCloseTextDocumentParams = parse(params)?;
                let doc = self.documents.remove(&params.text_document.uri)?;
                let cleared = PublishDiagnosticsParams::new(doc.uri, Vec::new(), None);
                self.notify::<PublishDiagnostics>(cleared);
                // The file on disk takes the buffer's place in the corpus.
                let read = workspace.of(&doc.path).linter.summarise_file(&doc.path);
                let page = (self.unreadable).read(&self.connection.sender, &doc.path, read);
                self.pending.note(doc.path, page, now);
            }
            DidChangeWorkspaceFolders::METHOD => {
                let params: lsp_types::DidChangeWorkspaceFoldersParams = parse(params)?;
                return Some(Change::Folders(params.event));
            }
            DidChangeWatchedFiles::METHOD => {
                let params: lsp_types::DidChangeWatchedFilesParams = parse(params)?;
                for path in params.changes.iter().filter_map(|c| uri_to_path(&c.uri)) {
                    let context = workspace.of(&path);
                    if context.engine.is_configuration(&path) {
                        return Some(Change::Configuration(path));
                    }
                    let open = self.documents.values().any(|doc| doc.path == path);
                    if context.linter.is_content(&path) && !open {
                        let read = context.linter.summarise_file(&path);
                        let page = (self.unreadable).read(&self.connection.sender, &path, read);
                        self.pending.note(path, page, now);
                    }
                }
            }
            _ => {}
        }
        None
    }

    fn watch_files(&self, workspace: &Workspace) {
        let mut globs: Vec<String> = (workspace.folders.iter())
            .flat_map(|folder| folder.engine.watched_globs())
            .collect();
        globs.sort();
        globs.dedup();
        let watchers = globs
            .into_iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: WATCH_REGISTRATION.to_string(),
                method: DidChangeWatchedFiles::METHOD.to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        let id = RequestId::from(WATCH_REGISTRATION.to_string());
        let request = Request::new(id, RegisterCapability::METHOD.to_string(), params);
        // A failed send means the editor is gone: the loop finds out on its next read.
        let _ = self.connection.sender.send(request.into());
    }

    /// Lints the buffer at `uri` (without one, every buffer) if its lint is due, and
    /// publishes what it reports.
    fn lint_due_now(&mut self, workspace: &Workspace, uri: Option<&Uri>) {
        let due = |doc: &&mut OpenDocument| {
            doc.lint_due.is_some() && uri.is_none_or(|uri| *uri == doc.uri)
        };
        for doc in self.documents.values_mut().filter(due) {
            let context = workspace.of(&doc.path);
            guarded("lint", || lint(doc, context, &mut self.pending));
            // A failed send means the editor is gone: the loop finds out on its next read.
            let _ = publish(&self.connection, doc, context);
        }
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        let notification = Notification::new(N::METHOD.to_string(), params);
        // A failed send means the editor is gone: the loop finds out on its next read.
        let _ = self.connection.sender.send(notification.into());
    }
}

/// Where a buffer is linted from: its file, or for an unsaved one (`untitled:Untitled-1`),
/// a file of that name in the content root.
fn document_path(uri: &Uri, root: &Path) -> PathBuf {
    uri_to_path(uri).unwrap_or_else(|| {
        let name = uri.as_str().rsplit([':', '/']).next().unwrap_or_default();
        root.join(name)
    })
}

fn parse<P: serde::de::DeserializeOwned>(params: serde_json::Value) -> Option<P> {
    serde_json::from_value(params)
        .inspect_err(|error| eprintln!("galley: bad parameters: {error}"))
        .ok()
}

fn respond<P: serde::de::DeserializeOwned, R: serde::Serialize>(
    id: RequestId,
    params: serde_json::Value,
    answer: impl FnOnce(P) -> R,
) -> Response {
    match serde_json::from_value(params) {
        Ok(params) => Response::new_ok(id, answer(params)),
        Err(error) => Response::new_err(id, ErrorCode::InvalidParams as i32, error.to_string()),
    }
}

/// Runs `work`, and survives its panic: a bug met on one buffer must not take the editor's
/// diagnostics down for all. The panic's message goes to stderr, the editor's server log.
pub fn guarded<T>(what: &str, work: impl FnOnce() -> T) -> Option<T> {
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    if result.is_err() {
        eprintln!("galley: `{what}` failed; the server goes on");
    }
    result.ok()
}
