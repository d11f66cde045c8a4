//! Hostile inputs (issue 15): deep nesting, special files, classic Mac line endings, fixes
//! that grow, files that change under `--fix`. Each ends with a clear message and exit code,
//! soon, and loses no byte.

mod common;

use common::{corpus, galley};

use std::fs;
use std::path::Path;
use std::time::Duration;

/// Long enough for a debug build on a busy machine, far shorter than the hangs these guard
/// against.
const SOON: Duration = Duration::from_secs(60);

/// Exit code, standard output and standard error of `galley args` in `dir`.
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = galley(dir).args(args).timeout(SOON).output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn concise(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["check", "--format", "concise"];
    all.extend(args);
    let (code, stdout, stderr) = run(dir, &all);
    (code, stdout + &stderr)
}

#[test]
fn a_frontmatter_nested_3000_deep_is_reported_and_the_run_goes_on() {
    let deep = format!("---\nx:\n{}1\n---\n", "- ".repeat(3000));
    let dir = corpus(&[("deep.md", &deep), ("other.md", "[gone](gone.md)\n")]);
    let (code, out) = concise(dir.path(), &["."]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("deep.md:3:")
            && out.contains("frontmatter-syntax] frontmatter nested deeper than 100 levels"),
        "{out}"
    );
    assert!(out.contains("other.md:1:8: error[broken-link]"), "{out}");
}

#[test]
fn a_pack_file_nested_12000_deep_is_a_config_error() {
    let deep = format!(
        "id: a\nmessage: m\ndescription: d\npattern: x\nexamples:\n{}1\n",
        "- ".repeat(12_000)
    );
    let dir = corpus(&[
        ("galley.toml", "[rules]\npacks = [\"pack\"]\n"),
        ("pack/deep.yaml", &deep),
        ("a.md", "x\n"),
    ]);
    let (code, _, stderr) = run(dir.path(), &["check", "."]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("deep.yaml:6:") && stderr.contains("nested deeper than 100 levels"),
        "{stderr}"
    );
}

#[test]
fn a_list_nested_50000_deep_is_over_the_budget_and_the_run_goes_on() {
    let deep = format!("# Deep\n\n{}item\n", "- ".repeat(50_000));
    let deep_quote = format!("{}item\n", "> ".repeat(50_000));
    let dir = corpus(&[
        ("l.md", &deep),
        ("q.md", &deep_quote),
        ("other.md", "[gone](gone.md)\n"),
    ]);
    let (code, out) = concise(dir.path(), &["."]);
    assert_eq!(code, Some(1), "{out}");
    for file in ["l.md:3:1", "q.md:1:1"] {
        assert!(
            out.contains(&format!(
                "{file}: error[io-error] lists and block quotes nested deeper than 1000 levels"
            )),
            "{out}"
        );
    }
    assert!(out.contains("other.md:1:8: error[broken-link]"), "{out}");
    // Within the budget, a deep list is linted.
    fs::write(
        dir.path().join("l.md"),
        format!("{}item\n", "- ".repeat(900)),
    )
    .unwrap();
    let (code, out) = concise(dir.path(), &["l.md"]);
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn a_file_over_the_size_budget_is_reported_not_read() {
    let big = "Some words in a line of prose.\n".repeat(150_000);
    assert!(big.len() > 4 << 20);
    let dir = corpus(&[("big.md", &big), ("other.md", "[gone](gone.md)\n")]);
    let (code, out) = concise(dir.path(), &["."]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("big.md:1:1: error[io-error] larger than 4 MiB, more than galley reads"),
        "{out}"
    );
    assert!(out.contains("other.md:1:8: error[broken-link]"), "{out}");
    // The same text on stdin has the same budget.
    let output = galley(dir.path())
        .args(["check", "--format", "concise", "--stdin-filename", "s.md"])
        .write_stdin(big)
        .timeout(SOON)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        out.contains("s.md:1:1: error[io-error] larger than 4 MiB"),
        "{out}"
    );
}

#[test]
fn findings_past_the_budget_are_cut_with_one_finding_that_says_so() {
    let dir = corpus(&[("a.md", &"x ,y\n\n".repeat(100_500))]);
    let (code, out) = concise(dir.path(), &["a.md"]);
    assert_eq!(code, Some(1), "{out}");
    let stray = out.matches("warning[stray-punctuation]").count();
    assert_eq!(stray, 100_000);
    assert!(
        out.contains("a.md:1:1: error[too-many-findings] more than 100000 findings in this file"),
        "{}",
        &out[..500]
    );
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn a_fifo_named_on_the_command_line_is_refused() {
    let dir = corpus(&[("a.md", "# A\n")]);
    mkfifo(&dir.path().join("x.md"));
    let (code, out) = concise(dir.path(), &["x.md", "a.md"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("x.md:1:1: error[io-error] not a regular file (a FIFO)"),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn a_schema_ref_to_a_fifo_or_a_device_is_refused() {
    for target in ["fifo.json", "/dev/zero"] {
        let schema = format!("{{\"$ref\": \"{target}\"}}");
        let dir = corpus(&[
            ("galley.toml", "[frontmatter]\nschema = \"schema.json\"\n"),
            ("schema.json", &schema),
            ("a.md", "---\ntitle: x\n---\n"),
        ]);
        mkfifo(&dir.path().join("fifo.json"));
        let (code, _, stderr) = run(dir.path(), &["check", "a.md"]);
        assert_eq!(code, Some(2), "{target}: {stderr}");
        assert!(stderr.contains("not a regular file"), "{target}: {stderr}");
    }
}

#[test]
fn classic_mac_line_endings_are_lines_and_fix_duplicates_nothing() {
    let text = "Keep this paragraph.\r\rIntro:\r\u{2013} one\r\u{2013} two\r";
    let links = "# Head\r\rSee [x](missing.md).\r\r```\rcode\r```\r[y](nope.md)\r";
    let dir = corpus(&[("a.md", text), ("b.md", links)]);
    let (_, out) = concise(dir.path(), &["."]);
    assert!(
        out.contains("a.md:4:1: warning[list-marker-style]"),
        "{out}"
    );
    assert!(
        out.contains("a.md:5:1: warning[list-marker-style]"),
        "{out}"
    );
    assert!(out.contains("b.md:3:9: error[broken-link]"), "{out}");
    assert!(out.contains("b.md:8:5: error[broken-link]"), "{out}");
    let (code, out) = concise(dir.path(), &["--fix", "a.md"]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        fs::read_to_string(dir.path().join("a.md")).unwrap(),
        "Keep this paragraph.\r\rIntro:\r\r- one\r- two\r"
    );
}

#[test]
fn a_pack_fix_that_grows_the_text_stops_as_not_converged() {
    let text = "a ".repeat(5000) + "\n";
    let dir = corpus(&[
        ("galley.toml", "[rules]\npacks = [\"pack\"]\n"),
        (
            "pack/grow.yaml",
            "id: grow\nmessage: m\ndescription: d\npattern: a\nfix: aaaaaaaa\n",
        ),
        ("a.md", &text),
    ]);
    let (code, out) = concise(dir.path(), &["--fix", "a.md"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("fix-not-converged"), "{out}");
    assert!(out.contains("grow"), "{out}");
    assert_eq!(fs::read_to_string(dir.path().join("a.md")).unwrap(), text);
}

#[test]
fn a_fix_template_naming_missing_groups_is_a_config_error() {
    let dir = corpus(&[
        ("galley.toml", "[rules]\npacks = [\"pack\"]\n"),
        (
            "pack/t.yaml",
            "id: t\nmessage: m\ndescription: d\npattern: '(a)b'\nfix: '$5${nope}'\n",
        ),
        ("a.md", "ab\n"),
    ]);
    let (code, _, stderr) = run(dir.path(), &["check", "--fix", "a.md"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("t.yaml:5:6: `fix` names the group `5`"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(dir.path().join("a.md")).unwrap(), "ab\n");
}

#[test]
fn utf16_text_is_called_utf16() {
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain("# Hi\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let dir = corpus(&[]);
    fs::write(dir.path().join("a.md"), utf16).unwrap();
    let (code, out) = concise(dir.path(), &["a.md"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("a.md:1:1: error[io-error] UTF-16 text"),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_not_called_missing() {
    let dir = corpus(&[]);
    std::os::unix::fs::symlink("loop2.md", dir.path().join("loop1.md")).unwrap();
    std::os::unix::fs::symlink("loop1.md", dir.path().join("loop2.md")).unwrap();
    std::os::unix::fs::symlink("gone.md", dir.path().join("dangling.md")).unwrap();
    let (code, out) = concise(dir.path(), &["loop1.md", "dangling.md"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(
            "loop1.md:1:1: error[io-error] cannot read the file: Too many levels of symbolic links"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "dangling.md:1:1: error[io-error] a symbolic link to a file that does not exist"
        ),
        "{out}"
    );
}

#[test]
fn a_style_of_the_wrong_type_names_the_key_and_the_styles() {
    let dir = corpus(&[
        ("galley.toml", "[rules.list-marker-style]\nstyle = 5\n"),
        ("a.md", "- a\n"),
    ]);
    let (code, _, stderr) = run(dir.path(), &["check", "a.md"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "galley.toml:2:1: [rules.list-marker-style] `style`: `5` is not a style: expected \
             a string, one of `consistent`, `dash`, `asterisk`, `plus`"
        ),
        "{stderr}"
    );
    fs::write(
        dir.path().join("galley.toml"),
        "[rules.list-marker-style]\nstyle = \"dots\"\n",
    )
    .unwrap();
    let (code, _, stderr) = run(dir.path(), &["check", "a.md"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "galley.toml:2:1: [rules.list-marker-style] `style`: unknown variant `dots`, \
             expected one of `consistent`, `dash`"
        ),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_line_break_in_a_file_name_is_escaped_in_the_concise_format() {
    let dir = corpus(&[("a\nb.md", "[x](gone.md)\n")]);
    let (code, out) = concise(dir.path(), &["."]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.starts_with("./a\\nb.md:1:5: error[broken-link]"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 2, "{out}");
}

#[test]
fn a_fix_in_each_of_many_headings_is_checked_against_its_own_heading_only() {
    let page = |mark: &str| -> String {
        (0..30_000)
            .map(|i| format!("# Heading {i}{mark}x\n\ntext{mark}y\n\n"))
            .collect()
    };
    let dir = corpus(&[("a.md", &page(" ,"))]);
    let (code, out) = concise(dir.path(), &["--fix", "a.md"]);
    assert_eq!(code, Some(0), "{}", &out[out.len().saturating_sub(300)..]);
    assert_eq!(
        fs::read_to_string(dir.path().join("a.md")).unwrap(),
        page(", ")
    );
}
