//! `galley check --stdin-filename PATH`: for editors and formatters that do not speak LSP.

mod common;

use common::galley;

/// A corpus in `corpus/` with a joint-venture page, where empty blockquotes are allowed.
fn corpus() -> tempfile::TempDir {
    common::corpus(&[
        (
            "corpus/galley.toml",
            "[rules.empty-blockquote]\nlevel = \"off\"\n",
        ),
        ("corpus/jv.md", "---\nslug: jointventure\n---\n\n# JV\n"),
    ])
}

#[test]
fn stdin_is_linted_as_the_file_at_the_path_with_its_config_and_links() {
    let dir = corpus();
    // Run from outside the corpus: the config and the link index come from the path's place,
    // and the file need not exist.
    let output = galley(dir.path())
        .args([
            "check",
            "--format",
            "concise",
            "--stdin-filename",
            "corpus/guide/ny.md",
        ])
        .write_stdin("# Ny\n\nSe [jv](/jointventur) og [jv](/jointventure).\n\n>\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("corpus/guide/ny.md:3:9: error[broken-link] broken link `/jointventur`"),
        "{stdout}"
    );
    assert!(stdout.contains("1 problem"), "{stdout}");
}

#[test]
fn the_text_on_stdin_takes_the_files_place() {
    let dir = corpus();
    let corpus = dir.path().join("corpus");
    std::fs::write(corpus.join("side.md"), "# Gammel\n").unwrap();
    galley(&corpus)
        .args(["check", "--stdin-filename", "side.md"])
        .write_stdin("# Ny\n\nSe [over](#ny).\n")
        .assert()
        .success();
}

#[test]
fn fix_prints_the_fixed_text_and_reports_on_stderr() {
    let dir = corpus();
    let corpus = dir.path().join("corpus");
    let output = galley(&corpus)
        .args([
            "check",
            "--fix",
            "--format",
            "concise",
            "--stdin-filename",
            "side.md",
        ])
        .write_stdin("# Side\n\nEn, to,, tre ,fire,. fem.\n")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "# Side\n\nEn, to, tre, fire,. fem.\n"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("clashing punctuation `,.`"), "{stderr}");
    assert!(stderr.contains("Fixed 2 problems in 1 file"), "{stderr}");
    assert!(!corpus.join("side.md").exists(), "nothing is written");
}

#[test]
fn the_human_report_shows_the_buffers_text_not_the_files() {
    let dir = corpus();
    let corpus = dir.path().join("corpus");
    let on_disk = "---\ntitle: A\n---\n\n# A\n\nThe file on disk says this.\n";
    std::fs::write(corpus.join("a.md"), on_disk).unwrap();
    let output = galley(&corpus)
        .args(["check", "--stdin-filename", "a.md"])
        .write_stdin("---\ntitle: A\n---\n\n# A\n\nSomething else,. here.\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "warnings only");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("stray-punctuation"), "{stdout}");
    assert!(stdout.contains("Something else,. here."), "{stdout}");
    assert!(!stdout.contains("The file on disk"), "{stdout}");
}
