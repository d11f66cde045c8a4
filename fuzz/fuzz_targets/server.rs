//! Any byte stream, after an `initialize`, into the language server's transport and message
//! handling: every message is answered or skipped, the server ends at the end of the input.
//! A panic (in any of its threads) or unbounded memory is a failure.
#![no_main]

use std::io::{self, Cursor};
use std::path::PathBuf;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

// Each target uses part of what is shared.
#[allow(dead_code)]
mod shared;

/// A workspace of two pages with links and headings, written once. The default pack is off:
/// building its rules for each input would take most of the time (the `pack` and `check`
/// targets fuzz it).
fn workspace() -> &'static PathBuf {
    static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
        let dir = shared::scratch().join("server");
        std::fs::create_dir_all(dir.join("guide")).expect("a workspace folder");
        let pages = [
            ("galley.toml", "[rules]\ndefault_pack = false\n"),
            ("a.md", "---\ntitle: A\nslug: a\n---\n# A\n\n## Part\n\n[b](guide/b.md#risk)\n"),
            ("guide/b.md", "# B\n\n## Risk\n\n[a](../a.md) [gone](gone.md)\n"),
        ];
        for (name, text) in pages {
            std::fs::write(dir.join(name), text).expect("a workspace page");
        }
        dir
    });
    &DIR
}

fn framed(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fuzz_target!(|data: &[u8]| {
    let root = format!("file://{}", workspace().display());
    let initialize = format!(
        r#"{{"jsonrpc":"2.0","id":0,"method":"initialize","params":{{"rootUri":"{root}","capabilities":{{}}}}}}"#
    );
    let mut input = framed(&initialize);
    input.extend(framed(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#));
    input.extend_from_slice(data);
    // An error is the editor's stream ending badly, not a failure.
    let _ = galley_server::serve_stream(Cursor::new(input), io::sink());
});
