//! What the CLI tests share: the binary, a corpus in a temporary folder, and `git` run
//! without the machine's git configuration.
// Each test file uses only some of these.
#![allow(dead_code)]

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

/// The galley binary, run in `dir`, whatever the caller's `NO_COLOR`.
pub fn galley(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("galley").unwrap();
    cmd.current_dir(dir).env_remove("NO_COLOR");
    cmd
}

/// A temporary folder holding these files (paths may have folders).
pub fn corpus(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

/// Runs git in `dir` with no global config (signing, hooks) and a fixed author; returns its
/// standard output.
pub fn git(dir: &Path, args: &[&str]) -> Vec<u8> {
    let output = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "galley tests")
        .env("GIT_AUTHOR_EMAIL", "tests@galley.invalid")
        .env("GIT_COMMITTER_NAME", "galley tests")
        .env("GIT_COMMITTER_EMAIL", "tests@galley.invalid")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// The JSON report of `galley check .` in `dir` (a real site: findings only, no summary).
/// Without the cache: it would be written into the site, and each run is to lint afresh.
pub fn json_report(dir: &Path) -> serde_json::Value {
    let output = galley(dir)
        .args(["check", ".", "--format", "json", "--quiet", "--no-cache"])
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!(
            "{}: not JSON: {}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// `path:line:rule` of every diagnostic in a JSON report.
pub fn rules_found(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}",
                d["path"].as_str().unwrap(),
                d["line"],
                d["rule"].as_str().unwrap()
            )
        })
        .collect()
}

/// For a test that needs an editor which is not installed: says it skipped, or fails where
/// the editors must be there (`.ci/run` sets `GALLEY_REQUIRE_EDITORS`, having installed them).
pub fn editor_missing(what: &str) {
    let message = format!("{what} is not installed (`.ci/run` installs it)");
    assert!(
        std::env::var_os("GALLEY_REQUIRE_EDITORS").is_none(),
        "{message}"
    );
    eprintln!("skipped: {message}");
}

/// `PATH` with the galley binary's folder first: `galley` as an editor finds it installed.
pub fn path_with_galley() -> std::ffi::OsString {
    let galley = Path::new(env!("CARGO_BIN_EXE_galley"));
    let mut path = vec![galley.parent().unwrap().to_path_buf()];
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(path).unwrap()
}
