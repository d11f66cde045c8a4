//! `cargo bench --bench server`: the language server's latency, from `didChange` to the
//! `publishDiagnostics` of that version, on a typical article of a generated corpus and on a
//! 100 KB page; and of renames (a heading, a page) that rewrite links across the corpus. See
//! BENCHMARKS.md.
//!
//! The corpus is `$GALLEY_BENCH_DIR/corpus-N` (default `/tmp/galley-bench`, N = 10000 or the
//! first argument), written by `gen_corpus` when missing (`cargo build --release --examples`
//! first). Edits come `PAUSE` apart, so that each is the first after a pause and is linted at
//! once; the typing scenario sends a burst and times its last edit.

#[allow(
    dead_code,
    reason = "shared with tests/server.rs, which uses more of it"
)]
#[path = "../tests/support/lsp.rs"]
mod lsp;

use std::path::{Path, PathBuf};
use std::process::{self, Command};
use std::time::{Duration, Instant};
use std::{env, thread};

use serde_json::{json, Value};

use lsp::{has, range, uri, Client};

const DEFAULT_FILES: usize = 10_000;
/// Edits timed per scenario.
const ROUNDS: usize = 60;
/// Longer than the server's typing window (150 ms), so each timed edit starts a lint at once.
const PAUSE: Duration = Duration::from_millis(250);
/// Fast typing: keystrokes this far apart.
const KEYSTROKE: Duration = Duration::from_millis(40);
/// Medians to stay under: an article's lint, a 100 KB page's, and a rename over the corpus.
const ARTICLE_MS: f64 = 50.0;
const BIG_PAGE_MS: f64 = 10.0;
const RENAME_MS: f64 = 200.0;
/// The size of the big page.
const BIG_PAGE: usize = 100_000;

fn fail(message: String) -> ! {
    eprintln!("bench: {message}");
    process::exit(1);
}

fn corpus(files: usize) -> PathBuf {
    let root = env::var_os("GALLEY_BENCH_DIR")
        .map_or_else(|| PathBuf::from("/tmp/galley-bench"), PathBuf::from);
    let corpus = root.join(format!("corpus-{files}"));
    // `gen_corpus` writes `galley.toml` last: without it, the corpus is missing or partial.
    if !corpus.join("galley.toml").is_file() {
        let galley = PathBuf::from(env!("CARGO_BIN_EXE_galley"));
        let gen_corpus = galley.with_file_name("examples").join("gen_corpus");
        if !gen_corpus.is_file() {
            fail(format!(
                "{} is missing: run `cargo build --release --examples` first",
                gen_corpus.display()
            ));
        }
        println!("generating {}", corpus.display());
        let status = Command::new(&gen_corpus)
            .arg(files.to_string())
            .arg(&corpus)
            .status();
        if !status.as_ref().is_ok_and(|status| status.success()) {
            fail(format!("gen_corpus failed: {status:?}"));
        }
    }
    corpus
}

/// The first article of the first folder: 30 to 80 lines with frontmatter, headings, lists and
/// links, like every generated article.
fn article(corpus: &Path) -> PathBuf {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(corpus.join("okonomi/del-0000"))
        .unwrap_or_else(|error| fail(format!("{}: {error}", corpus.display())))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    folders.sort();
    folders.swap_remove(0)
}

/// The 0-based number of the first line for which `wanted` holds.
fn line_where(text: &str, wanted: impl Fn(&str) -> bool) -> u32 {
    text.lines()
        .position(wanted)
        .expect("the article has such a line") as u32
}

struct Timings(Vec<Duration>);

impl Timings {
    /// Prints the median, 90th percentile and maximum, and whether the median is under
    /// `target` (in milliseconds) when there is one.
    fn report(mut self, what: &str, target: Option<f64>) {
        self.0.sort();
        let ms = |at: f64| self.0[((self.0.len() - 1) as f64 * at) as usize].as_secs_f64() * 1e3;
        let verdict = match target {
            None => String::new(),
            Some(target) => format!(
                "  (median < {target} ms: {})",
                if ms(0.5) < target { "met" } else { "MISSED" }
            ),
        };
        println!(
            "{what:<48} median {:6.2} ms   p90 {:6.2} ms   max {:6.2} ms{verdict}",
            ms(0.5),
            ms(0.9),
            ms(1.0),
        );
    }
}

struct Editor {
    client: Client,
    uri: String,
    version: i32,
}

impl Editor {
    /// Sends one edit as the next version and waits for its diagnostics.
    fn edit(&mut self, edit: Value) -> Duration {
        let start = Instant::now();
        self.send(edit);
        self.published();
        start.elapsed()
    }

    fn send(&mut self, edit: Value) {
        self.version += 1;
        self.client.change(&self.uri, self.version, json!([edit]));
    }

    fn published(&mut self) {
        let (uri, version) = (self.uri.clone(), self.version);
        self.client.next(|message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
                && message["params"]["version"] == version
        });
    }

    /// Times `ROUNDS` edits that each insert `x` at `at` on `line` or take it out again: to
    /// their diagnostics, and, when `linking` is a buffer linking to the edited heading, to
    /// that buffer's diagnostics (its link breaks, then mends).
    fn toggle(&mut self, line: u32, at: u32, linking: Option<&str>) -> (Timings, Timings) {
        let (mut published, mut elsewhere) = (Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            thread::sleep(PAUSE);
            let broken = round % 2 == 0;
            let edit = if broken {
                json!({ "range": range((line, at), (line, at)), "text": "x" })
            } else {
                json!({ "range": range((line, at), (line, at + 1)), "text": "" })
            };
            let start = Instant::now();
            published.push(self.edit(edit));
            if let Some(uri) = linking {
                self.client
                    .diagnostics(uri, |found| has("broken-link")(found) == broken);
                elsewhere.push(start.elapsed());
            }
        }
        (Timings(published), Timings(elsewhere))
    }

    /// Times renaming the heading on `line` of the open article, and renaming the article's
    /// file (asked, not done): each request until its workspace edit.
    fn renames(&mut self, article: &Path, line: u32) -> (Timings, Timings) {
        let (mut heading, mut page) = (Vec::new(), Vec::new());
        let moved = article.with_file_name("flyttet.md");
        for _ in 0..ROUNDS / 3 {
            let params = json!({
                "textDocument": { "uri": self.uri },
                "position": { "line": line, "character": 4 },
                "newName": "Nytt navn",
            });
            let start = Instant::now();
            let edit = self.client.request("textDocument/rename", params);
            heading.push(start.elapsed());
            assert!(edit["changes"].is_object(), "no edit: {edit}");
            let files = json!({ "files": [{ "oldUri": uri(article), "newUri": uri(&moved) }] });
            let start = Instant::now();
            self.client.request("workspace/willRenameFiles", files);
            page.push(start.elapsed());
        }
        (Timings(heading), Timings(page))
    }

    /// Types a word at fast typing speed; times its last keystroke.
    fn burst(&mut self, line: u32) -> Timings {
        let mut timings = Vec::new();
        for _ in 0..ROUNDS / 6 {
            thread::sleep(PAUSE);
            for (i, letter) in "ordet".chars().enumerate() {
                let at = i as u32;
                let edit = json!({ "range": range((line, at), (line, at)), "text": letter });
                if i < 4 {
                    self.send(edit);
                    thread::sleep(KEYSTROKE);
                } else {
                    timings.push(self.edit(edit));
                }
            }
            thread::sleep(PAUSE);
            self.edit(json!({ "range": range((line, 0), (line, 5)), "text": "" }));
        }
        Timings(timings)
    }
}

/// The article with its body repeated until the page is [`BIG_PAGE`] bytes.
fn big_page(article: &str) -> String {
    let body = article.rsplit("---\n").next().unwrap_or(article);
    let mut page = article.to_string();
    while page.len() < BIG_PAGE {
        page.push('\n');
        page.push_str(body);
    }
    page
}

/// The server's peak resident memory so far, from `/proc`.
fn peak_rss_mib(pid: u32) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kib| kib.trim().trim_end_matches(" kB").parse::<f64>().ok())
        .map_or_else(
            || "unknown".to_string(),
            |kib| format!("{:.0} MiB", kib / 1024.0),
        )
}

fn main() {
    // `cargo bench` passes `--bench`; another argument is the corpus size.
    let files = env::args()
        .skip(1)
        .find(|arg| !arg.starts_with("--"))
        .map_or(DEFAULT_FILES, |arg| {
            arg.parse()
                .unwrap_or_else(|_| fail(format!("not a size: {arg}")))
        });
    let corpus = corpus(files);
    let article = article(&corpus);
    let text = std::fs::read_to_string(&article).unwrap();
    println!(
        "{files} files: {}; article {} ({} lines, {} bytes)",
        corpus.display(),
        article.strip_prefix(&corpus).unwrap().display(),
        text.lines().count(),
        text.len()
    );

    let start = Instant::now();
    let mut client = Client::start(&corpus);
    client.wait_for_index(&corpus);
    println!(
        "corpus read (index ready) {:.2} s after start",
        start.elapsed().as_secs_f64()
    );
    let article_uri = uri(&article);
    client.open(&article_uri, &text);
    let mut editor = Editor {
        client,
        uri: article_uri,
        version: 1,
    };
    editor.published();

    // After the title and the first heading: a paragraph line, and a second-level heading.
    let paragraph = line_where(&text, |line| {
        line.starts_with(|c: char| c.is_uppercase()) && line.len() > 80
    });
    let heading = line_where(&text, |line| line.starts_with("## "));
    let (published, _) = editor.toggle(paragraph, 0, None);
    published.report("paragraph edit: to its diagnostics", Some(ARTICLE_MS));

    // Another open buffer links to the heading that the next edits rename and restore.
    let page = article.strip_prefix(&corpus).unwrap().with_extension("");
    let anchor = text.lines().nth(heading as usize).unwrap()[3..]
        .to_lowercase()
        .replace(' ', "-");
    let linking = uri(&corpus.join("lenker.md"));
    let link = format!("[lenke](/{}#{anchor})\n", page.display());
    editor.client.open(&linking, &link);
    editor
        .client
        .diagnostics(&linking, |found| !has("broken-link")(found));
    let (published, elsewhere) = editor.toggle(heading, 3, Some(&linking));
    published.report("heading edit: to its diagnostics", Some(ARTICLE_MS));
    elsewhere.report("heading edit: to a link's in another buffer", None);
    let burst = editor.burst(paragraph);
    burst.report("typing 40 ms apart: last key to diagnostics", None);

    let renames = editor.renames(&article, heading);
    renames
        .0
        .report("rename a heading: the workspace edit", Some(RENAME_MS));
    renames
        .1
        .report("rename the page: the workspace edit", Some(RENAME_MS));

    // A 100 KB page, opened as a buffer not yet saved: the article's body repeated.
    let big = big_page(&text);
    editor.uri = uri(&corpus.join("stor-side.md"));
    editor.version = 1;
    editor.client.open(&editor.uri.clone(), &big);
    editor.published();
    let paragraph = line_where(&big, |line| {
        line.starts_with(|c: char| c.is_uppercase()) && line.len() > 80
    });
    let (published, _) = editor.toggle(paragraph, 0, None);
    let what = format!(
        "{} KB page, paragraph edit: to its diagnostics",
        big.len() / 1000
    );
    published.report(&what, Some(BIG_PAGE_MS));
    println!(
        "server peak RSS: {}",
        peak_rss_mib(editor.client.child.id())
    );
    editor.client.stop();
}
