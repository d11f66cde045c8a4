//! A small LSP client for driving `galley server` over stdio: the protocol tests and the
//! latency benchmark share it.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Long enough for a debug build on a busy machine; a healthy server answers in milliseconds.
const PATIENCE: Duration = Duration::from_secs(30);

pub struct Client {
    pub child: Child,
    input: ChildStdin,
    output: Receiver<Value>,
    /// Notifications read while waiting for something else.
    unread: Vec<Value>,
    pub next_id: i64,
    /// What the server said it can do, in its answer to `initialize`.
    pub capabilities: Value,
}

impl Client {
    /// Starts the server on `folder` and completes the handshake. The client claims the
    /// capabilities the tests use: watched files and UTF-16 positions.
    pub fn start(folder: &Path) -> Client {
        let watching = json!({
            "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } }
        });
        Client::start_with(folder, watching)
    }

    /// Starts the server on `folder` for a client that claims `capabilities`.
    pub fn start_with(folder: &Path, capabilities: Value) -> Client {
        Client::start_in(&[folder], capabilities)
    }

    /// Starts the server in the first of `folders` with all of them as workspace folders.
    pub fn start_in(folders: &[&Path], capabilities: Value) -> Client {
        let folder = folders[0];
        let mut child = Command::new(env!("CARGO_BIN_EXE_galley"))
            .arg("server")
            .current_dir(folder)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("galley server starts");
        let input = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (sender, output) = mpsc::channel();
        thread::spawn(move || {
            while let Some(message) = read_message(&mut stdout) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            input,
            output,
            unread: Vec::new(),
            next_id: 0,
            capabilities: Value::Null,
        };
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(folder),
                "workspaceFolders": folders.iter().map(|f| workspace_folder(f)).collect::<Vec<_>>(),
                "capabilities": capabilities
            }),
        );
        assert_eq!(result["serverInfo"]["name"], "galley");
        assert_eq!(result["capabilities"]["textDocumentSync"]["change"], 2);
        client.capabilities = result["capabilities"].clone();
        client.notify("initialized", json!({}));
        client
    }

    pub fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.input.flush().unwrap();
    }

    /// Writes `bytes` to the server as they are: for malformed messages.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.input.write_all(bytes).unwrap();
        self.input.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its answer, keeping notifications for later.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let response = self.next(|message| message["id"] == id && message.get("method").is_none());
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The first message (read before or from now on) that `wanted` accepts; answers the
    /// server's own requests (the watcher registration) on the way.
    pub fn next(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.unread.iter().position(&wanted) {
            return self.unread.remove(at);
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.output.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no such message; unread: {:#?}", self.unread)
                }
                Err(RecvTimeoutError::Disconnected) => panic!("the server stopped"),
            };
            if message.get("method").is_some() && message.get("id").is_some() {
                let id = message["id"].clone();
                self.send(json!({ "jsonrpc": "2.0", "id": id, "result": null }));
            }
            if wanted(&message) {
                return message;
            }
            self.unread.push(message);
        }
    }

    /// Whether a message that `wanted` accepts has been read and is still unclaimed.
    pub fn has_read(&self, wanted: impl Fn(&Value) -> bool) -> bool {
        self.unread.iter().any(wanted)
    }

    /// The first diagnostics published for `uri` that `wanted` accepts.
    pub fn diagnostics(&mut self, uri: &str, wanted: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let message = self.next(|message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
                && wanted(message["params"]["diagnostics"].as_array().unwrap())
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// Returns once the server has read the corpus: a broken link in a scratch buffer is
    /// reported only then.
    pub fn wait_for_index(&mut self, folder: &Path) {
        let scratch = uri(&folder.join("klar.md"));
        self.open(&scratch, "[x](/mangler)\n");
        self.diagnostics(&scratch, has("broken-link"));
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        let item = json!({ "uri": uri, "languageId": "markdown", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": item }));
    }

    /// Sends `changes` (each with a `range`, or whole text) as the buffer's next version.
    pub fn change(&mut self, uri: &str, version: i32, changes: Value) {
        let document = json!({ "uri": uri, "version": version });
        let params = json!({ "textDocument": document, "contentChanges": changes });
        self.notify("textDocument/didChange", params);
    }

    /// Shuts the server down as an editor does, and checks that it exits cleanly.
    pub fn stop(mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let status = self.exit_status();
        assert!(status.success(), "the server exited with {status}");
    }

    /// Waits for the server to exit, and returns how it did.
    pub fn exit_status(&mut self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            thread::sleep(Duration::from_millis(20));
        }
    }
}

fn read_message(input: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse().ok();
        }
    }
    let mut body = vec![0; length?];
    input.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

pub fn uri(path: &Path) -> String {
    let path = path.to_str().unwrap();
    let encoded: String = path
        .bytes()
        .map(|b| match b {
            b'/' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            b if b.is_ascii_alphanumeric() => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect();
    format!("file://{encoded}")
}

/// A workspace folder as the editor names it.
pub fn workspace_folder(folder: &Path) -> Value {
    let name = folder.file_name().unwrap().to_string_lossy();
    json!({ "uri": uri(folder), "name": name })
}

pub fn has(code: &str) -> impl Fn(&[Value]) -> bool + '_ {
    move |diagnostics| diagnostics.iter().any(|d| d["code"] == code)
}

pub fn position(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

pub fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({ "start": position(start.0, start.1), "end": position(end.0, end.1) })
}
