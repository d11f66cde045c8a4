//! The binary install route, run as far as one machine allows. A release is made by
//! release.yml's own archive step (its script read from the workflow) from the test's galley,
//! put where the x86_64 musl build would be, and served from 127.0.0.1. action.yml's download
//! step and the README's snippet (each read from its file) then fetch it, verify its checksum
//! and run the galley they installed; a wrong or missing checksum installs nothing.
#![cfg(unix)]

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use saphyr::{LoadableYamlNode, Yaml};
use tempfile::TempDir;

const TARGET: &str = "x86_64-unknown-linux-musl";
const ARCHIVE: &str = "galley-x86_64-unknown-linux-musl.tar.gz";
const REPOSITORY: &str = "galley-lint/galley";
const VERSION: &str = concat!("v", env!("CARGO_PKG_VERSION"));
const GALLEY_VERSION_LINE: &str = concat!("galley ", env!("CARGO_PKG_VERSION"), "\n");

/// A step of a workflow or action, as the runner would run it.
struct Step {
    shell: String,
    run: String,
    env: Vec<(String, String)>,
}

/// The step of the list at `steps_at` in the YAML file `path` whose `key` is `value`.
fn step(path: &str, steps_at: &[&str], key: &str, value: &str) -> Step {
    let text = fs::read_to_string(path).unwrap();
    let documents = Yaml::load_from_str(&text).unwrap();
    let steps = steps_at.iter().fold(&documents[0], |node, key| &node[*key]);
    let step = steps
        .as_sequence()
        .unwrap()
        .iter()
        .find(|step| step.as_mapping_get(key).and_then(Yaml::as_str) == Some(value))
        .unwrap_or_else(|| panic!("{path} has no step with {key} `{value}`"));
    let text_of = |node: &Yaml| node.as_str().unwrap().to_string();
    Step {
        shell: text_of(&step["shell"]),
        run: text_of(&step["run"]),
        env: step
            .as_mapping_get("env")
            .and_then(Yaml::as_mapping)
            .into_iter()
            .flatten()
            .map(|(name, value)| (text_of(name), text_of(value)))
            .collect(),
    }
}

impl Step {
    /// The step's `env`, each `${{ expression }}` replaced by its value in `context`.
    fn env(&self, context: impl Fn(&str) -> &'static str) -> HashMap<String, String> {
        let evaluate = |value: &str| match value.strip_prefix("${{") {
            Some(expression) => context(expression.trim_end_matches("}}").trim()).to_string(),
            None => value.to_string(),
        };
        self.env
            .iter()
            .map(|(name, value)| (name.clone(), evaluate(value)))
            .collect()
    }

    /// Runs the script in `dir` as the runner runs `shell: bash`, with `env` and the PATH only
    /// (no proxy or curl settings of the machine's).
    fn run(&self, dir: &Path, env: &HashMap<String, String>) -> Output {
        assert_eq!(self.shell, "bash", "the test runs bash steps only");
        Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &self.run])
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(env)
            .output()
            .unwrap()
    }
}

/// Whether the scripts' tools are installed. If not, says so once, past the test harness's
/// capture (a skipped test must be seen); under CI (`CI=true`), where `.ci/run` installs
/// them, fails.
fn tools_ready() -> bool {
    static READY: OnceLock<bool> = OnceLock::new();
    *READY.get_or_init(|| {
        let missing: Vec<_> = ["bash", "sh", "curl", "tar", "gzip", "sha256sum", "cut"]
            .into_iter()
            .filter(|tool| Command::new(tool).arg("--version").output().is_err())
            .collect();
        if missing.is_empty() {
            return true;
        }
        let message =
            format!("the binary install route needs {missing:?} (`.ci/run` installs them)");
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
        let _ = writeln!(std::io::stderr(), "SKIPPED (tests/release.rs): {message}");
        false
    })
}

/// The folder holding `galley-<target>.tar.gz` and its `.sha256`, made by release.yml's
/// "Archive with its checksum" step in a checkout whose musl build is the test's galley. Made
/// once per run, in the target folder: the archive is large (a debug build).
fn release() -> &'static Path {
    static DIST: OnceLock<PathBuf> = OnceLock::new();
    DIST.get_or_init(|| {
        let checkout = Path::new(env!("CARGO_TARGET_TMPDIR")).join("release-checkout");
        let _ = fs::remove_dir_all(&checkout);
        let build = checkout.join("target").join(TARGET).join("release");
        fs::create_dir_all(&build).unwrap();
        fs::copy(env!("CARGO_BIN_EXE_galley"), build.join("galley")).unwrap();
        for file in ["LICENSE", "README.md"] {
            fs::copy(file, checkout.join(file)).unwrap();
        }
        let archive = step(
            ".github/workflows/release.yml",
            &["jobs", "binaries", "steps"],
            "name",
            "Archive with its checksum",
        );
        let env = archive.env(|expression| match expression {
            "matrix.target" => TARGET,
            "matrix.archive" => "tar.gz",
            other => panic!("the archive step reads `{other}`: give the test its value"),
        });
        let output = archive.run(&checkout, &env);
        assert!(output.status.success(), "{output:?}");
        fs::remove_dir_all(checkout.join("target")).unwrap();
        checkout.join("dist")
    })
}

/// The SHA-256 line of the release's archive, as its `.sha256` holds it.
fn checksum_line() -> String {
    fs::read_to_string(release().join(format!("{ARCHIVE}.sha256"))).unwrap()
}

/// What a server serves: URL path -> body (the archive shared by all tests).
type Files = HashMap<String, Cow<'static, [u8]>>;

/// Serves `files` (URL path -> body) on 127.0.0.1 until the test ends; any other path is a
/// 404. Returns the server's URL. Enough HTTP for curl: one GET per connection.
fn serve(files: Files) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            // A client gone mid-answer is the client's failure, seen by its test.
            let _ = answer(stream, &files);
        }
    });
    url
}

/// Answers one request: the file its path names, or a 404.
fn answer(mut stream: TcpStream, files: &Files) -> std::io::Result<()> {
    let mut request = BufReader::new(&stream);
    let mut request_line = String::new();
    request.read_line(&mut request_line)?;
    // The headers, up to the blank line, say nothing the answer depends on.
    let mut header = String::new();
    while request.read_line(&mut header)? > 2 {
        header.clear();
    }
    let path = request_line.split(' ').nth(1).unwrap_or_default();
    let (status, body) = match files.get(path) {
        Some(body) => ("200 OK", &body[..]),
        None => ("404 Not Found", &b"Not Found"[..]),
    };
    let length = body.len();
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    )?;
    stream.write_all(body)
}

/// The release's files under `folder` (a URL path): the archive, and `checksum` as its
/// `.sha256` unless it is `None`.
fn release_files(folder: &str, checksum: Option<String>) -> Files {
    static ARCHIVE_BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    let archive = ARCHIVE_BYTES.get_or_init(|| fs::read(release().join(ARCHIVE)).unwrap());
    let mut files = HashMap::from([(format!("{folder}/{ARCHIVE}"), Cow::Borrowed(&archive[..]))]);
    if let Some(checksum) = checksum {
        files.insert(
            format!("{folder}/{ARCHIVE}.sha256"),
            checksum.into_bytes().into(),
        );
    }
    files
}

/// A `.sha256` of the archive's format whose checksum is not the archive's.
fn wrong_checksum_line() -> String {
    format!("{}  {ARCHIVE}\n", "0".repeat(64))
}

/// Where the action looks for the release it is used at (`galley-lint/galley@v<version>`).
fn release_folder() -> String {
    format!("/{REPOSITORY}/releases/download/{VERSION}")
}

/// What action.yml's download step did on a Linux x64 runner: its output, and the runner's
/// files it wrote to.
struct Download {
    output: Output,
    github_output: String,
    github_path: String,
    tool_cache: PathBuf,
    _runner: TempDir,
}

/// Runs action.yml's download step as a Linux x64 runner runs `galley-lint/galley@v<version>`
/// with no `version` input, looking for releases at `releases_url` (github.com in action.yml).
fn download(releases_url: &str) -> Download {
    let download = step("action.yml", &["runs", "steps"], "id", "download");
    let mut env = download.env(|expression| match expression {
        "runner.os" => "Linux",
        "runner.arch" => "X64",
        "github.action_repository" => REPOSITORY,
        "github.action_ref" => VERSION,
        "inputs.version" => "",
        other => panic!("the download step reads `{other}`: give the test its value"),
    });
    let github = env.insert("RELEASES_URL".into(), releases_url.into());
    assert_eq!(github.as_deref(), Some("https://github.com"));
    let runner = tempfile::tempdir().unwrap();
    let at = |name: &str| runner.path().join(name);
    for folder in ["temp", "tool-cache", "work"] {
        fs::create_dir(at(folder)).unwrap();
    }
    for file in ["output", "path"] {
        fs::write(at(file), "").unwrap();
    }
    for (name, path) in [
        ("RUNNER_TEMP", at("temp")),
        ("RUNNER_TOOL_CACHE", at("tool-cache")),
        ("GITHUB_OUTPUT", at("output")),
        ("GITHUB_PATH", at("path")),
    ] {
        env.insert(name.into(), path.to_str().unwrap().into());
    }
    let output = download.run(&at("work"), &env);
    Download {
        output,
        github_output: fs::read_to_string(at("output")).unwrap(),
        github_path: fs::read_to_string(at("path")).unwrap(),
        tool_cache: at("tool-cache"),
        _runner: runner,
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `galley --version` of the galley at `path`.
fn version_of(path: &Path) -> String {
    let output = Command::new(path).arg("--version").output().unwrap();
    assert!(output.status.success(), "{output:?}");
    stdout(&output)
}

#[test]
fn the_action_downloads_verifies_and_puts_the_release_binary_on_the_path() {
    if !tools_ready() {
        return;
    }
    let server = serve(release_files(&release_folder(), Some(checksum_line())));
    let download = download(&server);
    assert!(download.output.status.success(), "{:?}", download.output);
    assert_eq!(download.github_output, "found=true\n");
    let bin = download
        .tool_cache
        .join("galley-release")
        .join(VERSION)
        .join("bin");
    assert_eq!(download.github_path, format!("{}\n", bin.display()));
    assert_eq!(version_of(&bin.join("galley")), GALLEY_VERSION_LINE);
}

#[test]
fn the_action_refuses_a_release_binary_whose_checksum_does_not_match() {
    if !tools_ready() {
        return;
    }
    let server = serve(release_files(
        &release_folder(),
        Some(wrong_checksum_line()),
    ));
    let download = download(&server);
    assert_eq!(
        download.output.status.code(),
        Some(1),
        "{:?}",
        download.output
    );
    let actual = checksum_line()[..64].to_string();
    let zeros = "0".repeat(64);
    assert!(
        stdout(&download.output).contains(&format!(
            "::error::checksum mismatch for {ARCHIVE}: expected '{zeros}', got '{actual}'\n"
        )),
        "{:?}",
        download.output
    );
    assert_eq!(download.github_output, "");
    assert_eq!(download.github_path, "");
    assert!(!download.tool_cache.join("galley-release").exists());
}

#[test]
fn the_action_refuses_a_release_binary_without_its_checksum() {
    if !tools_ready() {
        return;
    }
    let server = serve(release_files(&release_folder(), None));
    let download = download(&server);
    assert!(!download.output.status.success(), "{:?}", download.output);
    assert_eq!(download.github_output, "");
    assert_eq!(download.github_path, "");
    assert!(!download.tool_cache.join("galley-release").exists());
}

#[test]
fn the_action_builds_galley_where_the_release_has_no_binary() {
    if !tools_ready() {
        return;
    }
    let server = serve(HashMap::new());
    let download = download(&server);
    assert!(download.output.status.success(), "{:?}", download.output);
    let url = format!("{server}{}/{ARCHIVE}", release_folder());
    assert_eq!(
        stdout(&download.output),
        format!("No release binary at {url}: building galley.\n")
    );
    assert_eq!(download.github_output, "found=false\n");
    assert_eq!(download.github_path, "");
}

/// The README's binary snippet, its `base=` line pointing at `base` instead of github.com.
fn readme_snippet(base: &str) -> String {
    let readme = fs::read_to_string("README.md").unwrap();
    let after = readme
        .split_once("**A prebuilt binary**")
        .expect("the README has the binary route")
        .1;
    let block = after.split_once("```sh\n").unwrap().1;
    let snippet = block.split_once("```").unwrap().0;
    let lines: Vec<String> = snippet
        .lines()
        .map(|line| match line.trim_start().starts_with("base=") {
            true => format!("base={base}"),
            false => line.to_string(),
        })
        .collect();
    assert!(lines.iter().any(|line| line == &format!("base={base}")));
    lines.join("\n")
}

/// Runs the README's snippet with `sh` in an empty folder, fetching from `files`.
fn run_readme_snippet(files: Files) -> (Output, TempDir) {
    let server = serve(files);
    let snippet = readme_snippet(&format!("{server}/download"));
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new("sh")
        .args(["-c", &snippet])
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .unwrap();
    (output, dir)
}

#[test]
fn the_readme_snippet_installs_the_release_binary() {
    if !tools_ready() {
        return;
    }
    let (output, dir) = run_readme_snippet(release_files("/download", Some(checksum_line())));
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output), format!("{ARCHIVE}: OK\n"));
    assert_eq!(version_of(&dir.path().join("galley")), GALLEY_VERSION_LINE);
}

#[test]
fn the_readme_snippet_extracts_nothing_whose_checksum_does_not_match() {
    if !tools_ready() {
        return;
    }
    let files = release_files("/download", Some(wrong_checksum_line()));
    let (output, dir) = run_readme_snippet(files);
    assert!(!output.status.success(), "{output:?}");
    assert_eq!(stdout(&output), format!("{ARCHIVE}: FAILED\n"));
    assert!(!dir.path().join("galley").exists());
}
