//! `--changed-since`, on a temporary git repository: findings in the files a change touched,
//! and broken links in the files it did not touch that point at pages it renamed or whose slug
//! it changed; old defects elsewhere stay quiet.

mod common;

use common::git;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A committed corpus: a page linking to two others (one by file name, one by slug), and an
/// old note with a defect and a broken link of its own. Returns the commit.
fn repository() -> (TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "--quiet"]);
    write(root, "galley.toml", "");
    write(
        root,
        "aksje.md",
        "# Aksje\n\nSe [fond](/fond) og [obligasjoner](/obligasjon).\n",
    );
    write(root, "fond.md", "# Fond\n\nEt fond eier aksjer.\n");
    write(
        root,
        "bond.md",
        "---\nslug: obligasjon\n---\n\n# Obligasjon\n\nEt lån.\n",
    );
    write(
        root,
        "notat.md",
        "# Notat\n\nGammel feil,, her og [lenke](/finnes-ikke).\n",
    );
    git(root, &["add", "."]);
    git(root, &["commit", "--quiet", "-m", "base"]);
    let base = String::from_utf8(git(root, &["rev-parse", "HEAD"]))
        .unwrap()
        .trim()
        .to_string();
    (dir, base)
}

/// The change: a page renamed (staged), a slug changed (unstaged), a new page (untracked).
fn change(root: &Path) {
    git(root, &["mv", "fond.md", "fondet.md"]);
    write(
        root,
        "bond.md",
        "---\nslug: obligasjoner\n---\n\n# Obligasjon\n\nEt lån.\n",
    );
    write(root, "ny.md", "# Ny\n\nNy feil,, her.\n");
}

fn changed_findings(root: &Path, reference: &str) -> (Vec<String>, Value) {
    let output = Command::cargo_bin("galley")
        .unwrap()
        .current_dir(root)
        .args(["check", "--format", "json", "--changed-since", reference])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{} {} {}",
                d["path"].as_str().unwrap(),
                d["line"],
                d["rule"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    (findings, report["summary"].clone())
}

const EXPECTED: [&str; 3] = [
    "aksje.md:3 broken-link broken link `/fond`: no such page or file",
    "aksje.md:3 broken-link broken link `/obligasjon`: no such page or file",
    "ny.md:3 stray-punctuation doubled punctuation `,,`",
];

#[test]
fn a_renamed_page_and_a_changed_slug_break_links_in_untouched_files() {
    let (dir, base) = repository();
    change(dir.path());
    let (findings, summary) = changed_findings(dir.path(), &base);
    assert_eq!(findings, EXPECTED);
    // The files the change added or modified, not the whole corpus.
    assert_eq!(summary["files"], 3, "bond.md, fondet.md and ny.md");
}

#[test]
fn committed_changes_count_the_same() {
    let (dir, base) = repository();
    change(dir.path());
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "--quiet", "-m", "change"]);
    let (findings, _) = changed_findings(dir.path(), &base);
    assert_eq!(findings, EXPECTED);
    let (findings, _) = changed_findings(dir.path(), "HEAD~1");
    assert_eq!(findings, EXPECTED);
}

#[test]
fn without_changes_old_defects_stay_quiet() {
    let (dir, base) = repository();
    Command::cargo_bin("galley")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--changed-since", &base])
        .assert()
        .code(0)
        .stdout("0 problems (0 errors, 0 warnings) in 0 files\n");
}

#[test]
fn outside_a_repository_it_says_so_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.md", "# A\n");
    let output = Command::cargo_bin("galley")
        .unwrap()
        .current_dir(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .args(["check", ".", "--changed-since", "main"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("--changed-since needs a git repository"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_ref_exits_2() {
    let (dir, _) = repository();
    let output = Command::cargo_bin("galley")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", ".", "--changed-since", "no-such-branch"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("`no-such-branch` is not a commit"),
        "{stderr}"
    );
}
