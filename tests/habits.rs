//! The command-line habits users bring from ruff and its kin, on the real binary: choosing
//! rules, counting them, exit codes, colour, settings, globs, and `--watch`.

mod common;

use common::{corpus, galley};

use std::fs;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A page with a fixable warning and a broken link, and one with two fixable warnings.
fn two_pages() -> tempfile::TempDir {
    corpus(&[
        ("docs/a.md", "# A\n\nText ,more.\n\nSee [b](/b).\n"),
        ("docs/sub/c.md", "# C\n\nOk ,there  yes.\n"),
    ])
}

fn stdout_of(dir: &std::path::Path, args: &[&str]) -> (String, String, i32) {
    let output = galley(dir).args(args).output().unwrap();
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        output.status.code().unwrap(),
    )
}

#[test]
fn statistics_count_findings_per_rule_and_what_fix_fixes() {
    let dir = two_pages();
    galley(dir.path())
        .args(["check", "--statistics"])
        .assert()
        .code(1)
        .stdout(
            "2  stray-punctuation  2 fixable\n\
             1  broken-link\n\
             1  repeated-space     1 fixable\n\
             4 problems (1 error, 3 warnings) in 2 files\n",
        );
    galley(dir.path())
        .args(["check", "--statistics", "--format", "json"])
        .assert()
        .code(2)
        .stderr("galley: error: --statistics prints text: use it with --format human or concise\n");
}

#[test]
fn select_and_ignore_take_ids_and_packs() {
    let dir = two_pages();
    let concise = ["check", "--format", "concise"];
    galley(dir.path())
        .args(concise)
        .args(["--select", "broken-link,repeated-space"])
        .assert()
        .code(1)
        .stdout(
            "docs/a.md:5:9: error[broken-link] broken link `/b`: no such page or file\n\
             docs/sub/c.md:3:9: warning[repeated-space] [*] several spaces between words\n\
             2 problems (1 error, 1 warning) in 2 files\n",
        );
    galley(dir.path())
        .args(concise)
        .args(["--ignore", "pack:default", "--ignore", "broken-link"])
        .assert()
        .code(0)
        .stdout(
            "docs/a.md:3:5: warning[stray-punctuation] [*] space before `,`\n\
             docs/sub/c.md:3:3: warning[stray-punctuation] [*] space before `,`\n\
             2 problems (0 errors, 2 warnings) in 2 files\n",
        );
    galley(dir.path())
        .args(concise)
        .args(["--select", "built-in", "--ignore", "stray-punctuation"])
        .assert()
        .code(1)
        .stdout(
            "docs/a.md:5:9: error[broken-link] broken link `/b`: no such page or file\n\
             1 problem (1 error, 0 warnings) in 2 files\n",
        );
}

#[test]
fn an_unknown_rule_or_pack_suggests_the_closest() {
    let dir = two_pages();
    galley(dir.path())
        .args(["check", "--select", "broken-lnk"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "galley: error: --select: unknown rule or pack `broken-lnk`: did you mean \
             `broken-link`? (see `galley rules`)\n",
        );
    galley(dir.path())
        .args(["check", "--ignore", "pack:defualt"])
        .assert()
        .code(2)
        .stderr(
            "galley: error: --ignore: unknown rule or pack `pack:defualt`: did you mean \
             `pack:default`? (see `galley rules`)\n",
        );
    galley(dir.path())
        .args(["check", "--select", "spelling"])
        .assert()
        .code(2)
        .stderr("galley: error: --select: unknown rule or pack `spelling` (see `galley rules`)\n");
}

#[test]
fn explain_suggests_the_closest_rule() {
    let dir = two_pages();
    galley(dir.path())
        .args(["explain", "broken-lnk"])
        .assert()
        .code(2)
        .stderr(
            "galley: error: unknown rule `broken-lnk`: did you mean `broken-link`? \
             (see `galley rules`)\n",
        );
}

#[test]
fn exit_zero_passes_a_run_with_errors() {
    let dir = two_pages();
    galley(dir.path())
        .args(["check", "--exit-zero", "--statistics"])
        .assert()
        .code(0);
    galley(dir.path())
        .args(["check", "--exit-zero", "--select", "nope"])
        .assert()
        .code(2);
}

#[test]
fn max_warnings_says_when_it_failed_the_run() {
    let dir = two_pages();
    galley(dir.path())
        .args([
            "check",
            "--select",
            "stray-punctuation",
            "--max-warnings",
            "1",
        ])
        .assert()
        .code(1)
        .stderr("galley: 2 warnings, more than --max-warnings 1 allows\n");
    // Errors fail the run whatever the warnings: no note.
    galley(dir.path())
        .args(["check", "--max-warnings", "1"])
        .assert()
        .code(1)
        .stderr("");
}

#[test]
fn the_human_report_ends_with_counts_per_rule() {
    let dir = two_pages();
    let (out, _, code) = stdout_of(dir.path(), &["check"]);
    assert_eq!(code, 1);
    assert!(
        out.ends_with(
            "by rule: 2 stray-punctuation, 1 broken-link, 1 repeated-space\n\
             4 problems (1 error, 3 warnings) in 2 files\n"
        ),
        "{out}"
    );
}

#[test]
fn color_is_chosen_by_the_flag() {
    let dir = two_pages();
    let escapes = |args: &[&str]| {
        let (out, _, _) = stdout_of(dir.path(), args);
        out.contains('\u{1b}')
    };
    assert!(escapes(&["check", "--color", "always"]));
    assert!(!escapes(&["check", "--color", "never"]));
    // Not a terminal: `auto` does not colour.
    assert!(!escapes(&["check", "--color", "auto"]));
    assert!(!escapes(&[
        "check", "--color", "always", "--format", "concise"
    ]));
    galley(dir.path())
        .args(["check", "--color", "sometimes"])
        .assert()
        .code(2);
}

#[test]
fn quoted_globs_are_expanded() {
    let dir = two_pages();
    fs::write(dir.path().join("docs/notes.txt"), "Text ,more.\n").unwrap();
    galley(dir.path())
        .args([
            "check",
            "--format",
            "concise",
            "--select",
            "stray-punctuation",
        ])
        .arg("docs/**/*.md")
        .assert()
        .code(0)
        .stdout(
            "docs/a.md:3:5: warning[stray-punctuation] [*] space before `,`\n\
             docs/sub/c.md:3:3: warning[stray-punctuation] [*] space before `,`\n\
             2 problems (0 errors, 2 warnings) in 2 files\n",
        );
    // `*` stays within its folder; what a pattern matches is linted whatever its extension.
    galley(dir.path())
        .args([
            "check",
            "--format",
            "concise",
            "--select",
            "stray-punctuation",
        ])
        .arg("docs/*.{md,txt}")
        .assert()
        .code(0)
        .stdout(
            "docs/a.md:3:5: warning[stray-punctuation] [*] space before `,`\n\
             docs/notes.txt:1:5: warning[stray-punctuation] [*] space before `,`\n\
             2 problems (0 errors, 2 warnings) in 2 files\n",
        );
    galley(dir.path())
        .args(["check", "*.md"])
        .assert()
        .code(2)
        .stderr("galley: error: no file matches `*.md`\n");
}

#[test]
fn show_settings_prints_what_applies_to_a_path() {
    let dir = corpus(&[
        (
            "galley.toml",
            "[files]\nexclude = [\"drafts/**\"]\n[rules]\ndefault_pack = false\n\
             [[overrides]]\nfiles = [\"legacy/**\"]\n[overrides.rules.broken-link]\nlevel = \"warning\"\n",
        ),
        ("legacy/old.md", "# Old\n"),
    ]);
    galley(dir.path())
        .args(["check", "--show-settings", "--ignore", "unused-suppression"])
        .arg("legacy/old.md")
        .assert()
        .code(0)
        .stdout(
            "config file: galley.toml\n\
             content root: .\n\
             files.extensions: md, markdown, mdx\n\
             files.exclude: drafts/**\n\
             frontmatter.schema: none\n\
             links.slug_field: slug\n\
             site.generator: none (plain Markdown)\n\
             content.language: none (each page's own)\n\
             packs: none\n\
             rules for legacy/old.md:\n\
            \x20 frontmatter-syntax  error\n\
            \x20 frontmatter-schema  error\n\
            \x20 broken-link         warning\n\
            \x20 empty-blockquote    warning\n\
            \x20 stray-punctuation   warning\n\
            \x20 list-marker-style   warning\n",
        );
}

#[test]
fn the_default_pack_switches_off_in_one_line() {
    let page = ("a.md", "# A\n\nTrailing space here. \n");
    let on = corpus(&[page, ("galley.toml", "")]);
    let (out, _, _) = stdout_of(on.path(), &["check", "--format", "concise"]);
    assert!(out.contains("trailing-whitespace"), "{out}");
    let off = corpus(&[page, ("galley.toml", "[rules]\ndefault_pack = false\n")]);
    galley(off.path())
        .args(["check", "--format", "concise"])
        .assert()
        .code(0)
        .stdout("0 problems (0 errors, 0 warnings) in 1 file\n");
    let (rules, _, _) = stdout_of(off.path(), &["rules"]);
    assert!(!rules.contains("pack:default"), "{rules}");
}

#[test]
fn rules_name_a_pack_by_its_folder_and_stay_aligned() {
    let dir = corpus(&[
        ("galley.toml", "[rules]\npacks = [\"styles/house\"]\n"),
        (
            "styles/house/brand-name.yaml",
            "id: brand-name\nmessage: \"write `Galley Press`\"\ndescription: The brand.\n\
             words: [galleypress]\n",
        ),
    ]);
    let (rules, _, code) = stdout_of(dir.path(), &["rules"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = rules.lines().collect();
    let brand = lines.iter().find(|l| l.starts_with("brand-name")).unwrap();
    assert!(
        brand.contains(" pack:styles/house ") && !brand.contains(&*dir.path().to_string_lossy()),
        "{rules}"
    );
    // Every column starts where its heading does.
    let level_column = lines[0].find("level").unwrap();
    for line in &lines[1..] {
        let level = &line[level_column..];
        assert!(
            level.starts_with("error ") || level.starts_with("warning "),
            "{line}"
        );
    }
}

/// Starts `galley check --watch --format concise ARGS` in a corpus of `page` (at `path`), waits
/// for the first report, writes `edit` to the page, and returns both reports: the second must
/// come within a second.
fn watch_then_edit(path: &str, page: &str, args: &[&str], edit: &str) -> [Vec<String>; 2] {
    let dir = corpus(&[(path, page)]);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("galley"))
        .current_dir(dir.path())
        .args(["check", "--watch", "--format", "concise"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (lines, received) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if lines.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let next_report = |within: Duration| -> Vec<String> {
        let deadline = Instant::now() + within;
        let mut seen = Vec::new();
        while let Ok(line) =
            received.recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            let done = line.contains(" problems (") || line.contains(" problem (");
            seen.push(line);
            if done {
                return seen;
            }
        }
        panic!("no report within {within:?}: {seen:?}");
    };
    let first = next_report(Duration::from_secs(10));
    // The watcher is set up before the first report is printed.
    fs::write(dir.path().join(path), edit).unwrap();
    let second = next_report(Duration::from_secs(1));
    child.kill().unwrap();
    child.wait().unwrap();
    [first, second]
}

#[test]
fn watch_reports_an_edit_within_a_second() {
    let [first, second] =
        watch_then_edit("a.md", "# A\n\nClean text.\n", &[], "# A\n\nText ,more.\n");
    assert_eq!(first, ["0 problems (0 errors, 0 warnings) in 1 file"]);
    assert_eq!(
        second,
        [
            "a.md:3:5: warning[stray-punctuation] [*] space before `,`",
            "1 problem (0 errors, 1 warning) in 1 file"
        ]
    );
}

#[test]
fn watch_sees_a_named_file_whatever_its_extension() {
    let [first, second] = watch_then_edit(
        "notes.txt",
        "Text ,more.\n",
        &["notes.txt", "--select", "stray-punctuation"],
        "Text, more.\n",
    );
    assert_eq!(
        first,
        [
            "notes.txt:1:5: warning[stray-punctuation] [*] space before `,`",
            "1 problem (0 errors, 1 warning) in 1 file"
        ]
    );
    assert_eq!(second, ["0 problems (0 errors, 0 warnings) in 1 file"]);
}

#[test]
fn a_check_again_lints_only_the_files_that_changed() {
    use galley_linter::config::Config;
    use galley_linter::engine::{Linter, RunCache};
    use std::fs::File;

    let dir = corpus(&[
        ("a.md", "# A\n\nText ,more.\n"),
        ("b.md", "# B\n\nSee [a](/a).\n"),
    ]);
    let a = dir.path().join("a.md");
    let inputs = vec![dir.path().to_path_buf()];
    let linter = Linter::new(Config::defaults_at(dir.path()), &inputs).unwrap();
    let cache = RunCache::default();
    let rules = |cache: &RunCache| -> Vec<&'static str> {
        let outcome = linter.check_again(&inputs, false, &(), cache);
        outcome.findings.iter().map(|f| f.diagnostic.rule).collect()
    };
    assert_eq!(rules(&cache), ["stray-punctuation"]);

    // The same length and modification time: taken as unchanged, so not read again (the
    // stale finding shows it).
    let modified = fs::metadata(&a).unwrap().modified().unwrap();
    fs::write(&a, "# A\n\nText. more.\n").unwrap();
    File::options()
        .write(true)
        .open(&a)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    assert_eq!(rules(&cache), ["stray-punctuation"]);

    // A real edit is seen; a page deleted is forgotten, and the link to it breaks.
    fs::write(&a, "# A\n\nText. More text.\n").unwrap();
    assert_eq!(rules(&cache), Vec::<&str>::new());
    fs::remove_file(&a).unwrap();
    assert_eq!(rules(&cache), ["broken-link"]);
}
