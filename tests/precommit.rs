//! The pre-commit hooks end to end. `pre-commit try-repo` installs this repository's hooks
//! (`language: python`: pip builds the `galley-lint` wheel from source with maturin) and runs
//! them in a temporary content repository: a clean file passes, even when it links to a page
//! that was not passed; a broken one fails with galley's message; `galley-fix` fixes a file;
//! `galley-staged`, installed as a git hook, blocks a commit that deletes a page others link
//! to. And the wheel `.ci/run` built (`GALLEY_WHEELS`) installs from a package index as users
//! get it from PyPI, with no Rust, and blocks a commit with a defect.
//!
//! They need pre-commit from the virtual environment `.ci/run` installs (`GALLEY_CI_VENV`), so
//! a plain `cargo test` lists them as ignored; `.ci/run` runs them with `--ignored`.

mod common;

use common::git;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A folder an environment variable names; a test run with `--ignored` without it fails
/// rather than passing unseen.
fn required_dir(variable: &str) -> PathBuf {
    let dir = std::env::var_os(variable)
        .unwrap_or_else(|| panic!("{variable} is not set: run the pre-commit tests by .ci/run"));
    PathBuf::from(dir)
}

fn pre_commit() -> PathBuf {
    let executable = required_dir("GALLEY_CI_VENV").join("bin/pre-commit");
    assert!(
        executable.is_file(),
        "GALLEY_CI_VENV has no pre-commit: {}",
        executable.display()
    );
    executable
}

/// This repository as it is on disk, committed in a temporary repository: try-repo builds
/// from a commit, and the working tree may hold changes not yet committed (CI's clone has
/// none, so there it is the commit under test).
fn snapshot_of_this_repository(into: &Path) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed = git(
        source,
        &[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
    );
    for path in String::from_utf8(listed).unwrap().split('\0') {
        let from = source.join(path);
        if path.is_empty() || !from.is_file() {
            continue;
        }
        let to = into.join(path);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(from, to).unwrap();
    }
    git(into, &["init", "--quiet"]);
    git(into, &["add", "."]);
    git(into, &["commit", "--quiet", "-m", "galley under test"]);
}

fn content_repository(into: &Path) {
    let pages = [
        ("galley.toml", ""),
        ("ok.md", "# Aksje\n\nSe [fond](/fond).\n"),
        (
            "fond.md",
            "# Fond\n\nSe [aksje](/aksje),, og [mangler](/mangler).\n",
        ),
        ("broken.md", "# Brudd\n\nSe [siden](/mangler).\n"),
        ("fixable.md", "# Fiks\n\nEn,, to.\n"),
    ];
    for (path, text) in pages {
        fs::write(into.join(path), text).unwrap();
    }
    git(into, &["init", "--quiet"]);
    git(into, &["add", "."]);
}

struct TryRepo<'a> {
    pre_commit: &'a Path,
    galley: &'a Path,
    content: &'a Path,
    home: &'a Path,
}

impl TryRepo<'_> {
    fn run(&self, hook: &str, files: &[&str]) -> Output {
        let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pre-commit");
        Command::new(self.pre_commit)
            .current_dir(self.content)
            .arg("try-repo")
            .arg(self.galley)
            .args([hook, "--color", "never", "--files"])
            .args(files)
            .env("PRE_COMMIT_HOME", self.home)
            // try-repo installs the hook afresh each time: a shared target folder (where
            // .ci/run built the wheel the same way) makes the builds incremental, and no
            // optimisation makes the first one quick.
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap()
    }
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
#[ignore = "needs pre-commit: run by .ci/run (GALLEY_CI_VENV)"]
fn hooks_check_and_fix_through_pre_commit() {
    let pre_commit = pre_commit();
    let galley = tempfile::tempdir().unwrap();
    snapshot_of_this_repository(galley.path());
    let content = tempfile::tempdir().unwrap();
    content_repository(content.path());
    let home = tempfile::tempdir().unwrap();
    let try_repo = TryRepo {
        pre_commit: &pre_commit,
        galley: galley.path(),
        content: content.path(),
        home: home.path(),
    };

    // ok.md links to fond.md, which is not passed (and holds defects of its own): the link
    // resolves against the whole content root, and only ok.md is reported on.
    let clean = try_repo.run("galley", &["ok.md"]);
    assert!(clean.status.success(), "{}", text(&clean));
    assert!(text(&clean).contains("Passed"), "{}", text(&clean));

    let broken = try_repo.run("galley", &["broken.md"]);
    assert_eq!(broken.status.code(), Some(1), "{}", text(&broken));
    let report = text(&broken);
    assert!(
        report.contains("broken link `/mangler`: no such page or file"),
        "{report}"
    );
    assert!(
        !report.contains("fond.md"),
        "only the passed file: {report}"
    );

    // pre-commit fails a hook that changes files, and the fix is left in the working tree.
    let fixed = try_repo.run("galley-fix", &["fixable.md"]);
    assert_eq!(fixed.status.code(), Some(1), "{}", text(&fixed));
    assert!(
        text(&fixed).contains("files were modified by this hook"),
        "{}",
        text(&fixed)
    );
    assert_eq!(
        fs::read_to_string(content.path().join("fixable.md")).unwrap(),
        "# Fiks\n\nEn, to.\n"
    );
    let clean_now = try_repo.run("galley", &["fixable.md"]);
    assert!(clean_now.status.success(), "{}", text(&clean_now));
}

#[test]
#[ignore = "needs pre-commit: run by .ci/run (GALLEY_CI_VENV)"]
fn a_staged_deletion_that_breaks_a_link_blocks_the_commit() {
    let pre_commit = pre_commit();
    let galley = tempfile::tempdir().unwrap();
    snapshot_of_this_repository(galley.path());
    let revision = String::from_utf8(git(galley.path(), &["rev-parse", "HEAD"])).unwrap();
    let content = tempfile::tempdir().unwrap();
    let content = content.path();
    content_repository(content);
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: galley-staged\n",
        galley.path().display(),
        revision.trim()
    );
    fs::write(content.join(".pre-commit-config.yaml"), config).unwrap();
    // The pages as they were, with the defects that no staged change touches.
    fs::write(content.join("broken.md"), "# Brudd\n\nIngen lenker.\n").unwrap();
    fs::write(content.join("fond.md"), "# Fond\n\nSe [aksje](/ok).\n").unwrap();
    git(content, &["add", "."]);
    git(content, &["commit", "--quiet", "-m", "pages"]);
    let home = tempfile::tempdir().unwrap();
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pre-commit");
    let hooked = |args: &[&str]| {
        Command::new(&pre_commit)
            .current_dir(content)
            .args(args)
            .env("PRE_COMMIT_HOME", home.path())
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap()
    };
    let installed = hooked(&["install"]);
    assert!(installed.status.success(), "{}", text(&installed));

    // ok.md links to /fond; deleting fond.md passes no file to a hook, and must still fail.
    git(content, &["rm", "--quiet", "fond.md"]);
    let commit = Command::new("git")
        .current_dir(content)
        .args(["commit", "-m", "delete fond"])
        .env("PRE_COMMIT_HOME", home.path())
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "galley tests")
        .env("GIT_AUTHOR_EMAIL", "tests@galley.invalid")
        .env("GIT_COMMITTER_NAME", "galley tests")
        .env("GIT_COMMITTER_EMAIL", "tests@galley.invalid")
        .output()
        .unwrap();
    let report = text(&commit);
    assert_eq!(commit.status.code(), Some(1), "{report}");
    assert!(report.contains("ok.md"), "{report}");
    assert!(
        report.contains("broken link `/fond`: no such page or file"),
        "{report}"
    );
    let log = String::from_utf8(git(content, &["log", "--format=%s"])).unwrap();
    assert_eq!(log, "pages\n", "the commit was blocked");
}

#[test]
#[ignore = "needs pre-commit and the wheel: run by .ci/run (GALLEY_CI_VENV, GALLEY_WHEELS)"]
fn the_wheel_installs_without_rust_and_blocks_a_commit() {
    let pre_commit = pre_commit();
    let wheels = required_dir("GALLEY_WHEELS");
    let content = tempfile::tempdir().unwrap();
    let content = content.path();
    content_repository(content);
    // The hook as a user declares it with the package from PyPI: pre-commit installs only the
    // package (here from the wheel folder, as if from the index), nothing is built.
    let config = format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: galley\n        name: galley\n\
         \x20       entry: galley check\n        language: python\n\
         \x20       additional_dependencies: [\"galley-lint=={}\"]\n\
         \x20       types_or: [markdown]\n        require_serial: true\n",
        env!("CARGO_PKG_VERSION")
    );
    fs::write(content.join(".pre-commit-config.yaml"), config).unwrap();
    git(content, &["add", ".pre-commit-config.yaml"]);
    let home = tempfile::tempdir().unwrap();
    let with_env = |command: &mut Command| {
        command
            .current_dir(content)
            .env("PRE_COMMIT_HOME", home.path())
            .env("PIP_FIND_LINKS", &wheels)
            // No toolchain: the wheel must not need one.
            .env("PATH", "/usr/bin:/bin")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "galley tests")
            .env("GIT_AUTHOR_EMAIL", "tests@galley.invalid")
            .env("GIT_COMMITTER_NAME", "galley tests")
            .env("GIT_COMMITTER_EMAIL", "tests@galley.invalid")
            .output()
            .unwrap()
    };
    let installed = with_env(Command::new(&pre_commit).args(["install", "--install-hooks"]));
    assert!(installed.status.success(), "{}", text(&installed));

    // broken.md links to a page that does not exist: the commit is blocked.
    let commit = with_env(Command::new("git").args(["commit", "-m", "pages"]));
    let report = text(&commit);
    assert_eq!(commit.status.code(), Some(1), "{report}");
    assert!(
        report.contains("broken link `/mangler`: no such page or file"),
        "{report}"
    );
    let head = with_env(Command::new("git").args(["rev-parse", "--verify", "--quiet", "HEAD"]));
    assert!(!head.status.success(), "the commit was blocked");
}
