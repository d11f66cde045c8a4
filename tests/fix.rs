//! `--fix`, `--unsafe-fixes` and `--diff` on temporary folders: what is written, what is kept
//! byte for byte, and what is reported.

mod common;

use common::galley;

use std::fs;
use std::path::Path;

use serde_json::Value;

fn json(dir: &Path, args: &[&str]) -> Value {
    let output = galley(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Byte offset of a 1-based line and character column.
fn offset(text: &str, line: u64, column: u64) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line as usize - 1)
        .map(str::len)
        .sum();
    let bom = if line == 1 && text.starts_with('\u{feff}') {
        3
    } else {
        0
    };
    let rest = &text[line_start + bom..];
    line_start
        + bom
        + rest
            .chars()
            .take(column as usize - 1)
            .map(char::len_utf8)
            .sum::<usize>()
}

/// The text with every safe fix that `--format json` reports applied by hand.
fn apply_reported_safe_fixes(text: &str, report: &Value) -> String {
    let mut edits: Vec<(usize, usize, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["fix"]["applicability"] == "safe")
        .flat_map(|d| d["fix"]["edits"].as_array().unwrap().clone())
        .map(|e| {
            let start = offset(
                text,
                e["line"].as_u64().unwrap(),
                e["column"].as_u64().unwrap(),
            );
            let end = offset(
                text,
                e["end_line"].as_u64().unwrap(),
                e["end_column"].as_u64().unwrap(),
            );
            (start, end, e["replacement"].as_str().unwrap().to_string())
        })
        .collect();
    edits.sort();
    let mut fixed = text.to_string();
    for (start, end, replacement) in edits.into_iter().rev() {
        fixed.replace_range(start..end, &replacement);
    }
    fixed
}

const DEFECTS: &str = "# Tittel\n\nPrisen steg ,og salget falt;; det var ventet.\n\n>\n\n- en\n* to\n\n– tre\n\n– fire\n\nSe [lenke](/side),. som forklarer.\n";

#[test]
fn fix_changes_the_reported_edits_and_no_other_byte() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("lf.md", DEFECTS.to_string()),
        ("crlf.md", DEFECTS.replace('\n', "\r\n")),
        ("bom.md", format!("\u{feff}{DEFECTS}")),
        ("no-final-newline.md", DEFECTS.trim_end().to_string()),
    ] {
        fs::write(dir.path().join(name), &text).unwrap();
        let report = json(dir.path(), &[name]);
        let expected = apply_reported_safe_fixes(&text, &report);
        galley(dir.path())
            .args(["check", "--fix", name])
            .assert()
            .code(1);
        let fixed = fs::read_to_string(dir.path().join(name)).unwrap();
        assert_eq!(fixed, expected, "{name}");
        assert_ne!(fixed, text, "{name}: nothing was fixed");
        assert_eq!(
            fixed.starts_with('\u{feff}'),
            text.starts_with('\u{feff}'),
            "{name}: BOM"
        );
        assert_eq!(
            fixed.ends_with('\n'),
            text.ends_with('\n'),
            "{name}: final newline"
        );
        assert_eq!(
            fixed.matches("\r\n").count(),
            fixed.matches('\n').count() * usize::from(name == "crlf.md"),
            "{name}: line endings"
        );
    }
    let fixed = fs::read_to_string(dir.path().join("lf.md")).unwrap();
    assert_eq!(
        fixed,
        "# Tittel\n\nPrisen steg, og salget falt; det var ventet.\n\n- en\n- to\n\n- tre\n\n- fire\n\nSe [lenke](/side),. som forklarer.\n"
    );
}

#[test]
fn fix_is_idempotent_and_reports_what_is_left() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.md"), DEFECTS).unwrap();
    let first = galley(dir.path())
        .args(["check", "--fix", "--format", "concise", "a.md"])
        .output()
        .unwrap();
    let text = String::from_utf8(first.stdout).unwrap();
    assert!(
        text.ends_with(
            "Fixed 6 problems in 1 file; 2 remaining (1 more fixable with --unsafe-fixes)\n"
        ),
        "{text}"
    );
    assert!(text.contains("broken link `/side`"), "{text}");
    let once = fs::read(dir.path().join("a.md")).unwrap();
    let second = galley(dir.path())
        .args(["check", "--fix", "--format", "concise", "a.md"])
        .output()
        .unwrap();
    assert!(String::from_utf8(second.stdout).unwrap().ends_with(
        "Fixed 0 problems in 0 files; 2 remaining (1 more fixable with --unsafe-fixes)\n"
    ));
    assert_eq!(fs::read(dir.path().join("a.md")).unwrap(), once);
}

#[test]
fn unsafe_fixes_need_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.md"),
        "Se [lenke](/side),. som forklarer.\n\n>\n",
    )
    .unwrap();
    fs::write(dir.path().join("side.md"), "# Side\n").unwrap();
    galley(dir.path())
        .args(["check", "--fix", "--unsafe-fixes", "."])
        .assert()
        .code(0);
    assert_eq!(
        fs::read_to_string(dir.path().join("a.md")).unwrap(),
        "Se [lenke](/side), som forklarer.\n"
    );
    galley(dir.path())
        .args(["check", "--unsafe-fixes", "."])
        .assert()
        .code(2);
}

#[test]
fn broken_links_are_pointed_at_the_clearly_closest_page_only_with_unsafe_fixes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("jointventure.md"), "# Joint venture\n").unwrap();
    fs::write(
        dir.path().join("a.md"),
        "Se [jv](/jointventur) og [x](/ukjent-side).\n",
    )
    .unwrap();
    galley(dir.path())
        .args(["check", "--fix", "."])
        .assert()
        .code(1);
    assert!(fs::read_to_string(dir.path().join("a.md"))
        .unwrap()
        .contains("(/jointventur)"));
    galley(dir.path())
        .args(["check", "--fix", "--unsafe-fixes", "."])
        .assert()
        .code(1);
    assert_eq!(
        fs::read_to_string(dir.path().join("a.md")).unwrap(),
        "Se [jv](/jointventure) og [x](/ukjent-side).\n"
    );
}

#[test]
fn diff_writes_nothing_and_exits_one_when_there_is_something_to_fix() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.md"), "Tekst ,mer.\n").unwrap();
    fs::write(dir.path().join("b.md"), "Ren tekst.\n").unwrap();
    let output = galley(dir.path())
        .args(["check", "--diff", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "--- ./a.md\n+++ ./a.md\n@@ -1 +1 @@\n-Tekst ,mer.\n+Tekst, mer.\n"
    );
    assert!(String::from_utf8(output.stderr)
        .unwrap()
        .contains("Would fix 1 problem in 1 file"));
    assert_eq!(
        fs::read_to_string(dir.path().join("a.md")).unwrap(),
        "Tekst ,mer.\n"
    );
    galley(dir.path())
        .args(["check", "--diff", "b.md"])
        .assert()
        .code(0)
        .stdout("");
}

#[cfg(unix)]
#[test]
fn fix_keeps_permissions_and_writes_through_symlinks() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.md");
    fs::write(&path, "Tekst ,mer.\n").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("a.md", dir.path().join("link.md")).unwrap();
    galley(dir.path())
        .args(["check", "--fix", "link.md"])
        .assert()
        .code(0);
    assert_eq!(fs::read_to_string(&path).unwrap(), "Tekst, mer.\n");
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert!(fs::symlink_metadata(dir.path().join("link.md"))
        .unwrap()
        .file_type()
        .is_symlink());
}

/// Makes a folder unwritable even for root (`chattr +i`); false where that is not possible.
#[cfg(unix)]
fn make_immutable(dir: &Path, on: bool) -> bool {
    std::process::Command::new("chattr")
        .arg(if on { "+i" } else { "-i" })
        .arg(dir)
        .status()
        .is_ok_and(|status| status.success())
}

#[cfg(unix)]
#[test]
fn a_file_that_cannot_be_written_is_reported_and_the_others_are_fixed() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("locked")).unwrap();
    fs::write(dir.path().join("locked/a.md"), "Tekst ,mer.\n").unwrap();
    fs::write(dir.path().join("b.md"), "Tekst ,mer.\n").unwrap();
    let locked = dir.path().join("locked");
    let immutable = make_immutable(&locked, true);
    if !immutable {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).unwrap();
    }
    let output = galley(dir.path())
        .args(["check", "--fix", "--format", "concise", "."])
        .output()
        .unwrap();
    if immutable {
        make_immutable(&locked, false);
    }
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("./locked/a.md:1:1: error[io-error] cannot write the fixed file"),
        "{text}"
    );
    assert!(
        text.contains("./locked/a.md:1:6: warning[stray-punctuation]"),
        "the unwritten file keeps its findings: {text}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("b.md")).unwrap(),
        "Tekst, mer.\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("locked/a.md")).unwrap(),
        "Tekst ,mer.\n"
    );
}

#[test]
fn fix_on_a_copy_of_the_seeds_leaves_only_findings_without_a_safe_fix() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&root.join("seeds"), &dir.path().join("seeds"));
    copy_tree(&root.join("rules"), &dir.path().join("rules"));
    galley(dir.path())
        .args(["check", "--fix", "seeds"])
        .assert()
        .code(1);
    let report = json(dir.path(), &["seeds"]);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty());
    for d in diagnostics {
        assert_ne!(
            d["fix"]["applicability"], "safe",
            "a safe fix was left: {d}"
        );
    }
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}
