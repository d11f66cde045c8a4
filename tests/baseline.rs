//! Baselines, as a team adopting galley on an old corpus uses them: record today's findings,
//! then fail only on new ones, whatever moves around them.

mod common;

use common::{corpus, galley};

use std::fs;
use std::path::Path;

use serde_json::Value;
const BASELINE: &str = ".galley-baseline.json";

struct Run {
    code: i32,
    /// `path:line rule` of each finding reported.
    findings: Vec<String>,
    stderr: String,
}

fn check(dir: &Path, args: &[&str]) -> Run {
    let output = galley(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}",
                d["path"].as_str().unwrap(),
                d["line"],
                d["rule"].as_str().unwrap()
            )
        })
        .collect();
    Run {
        code: output.status.code().unwrap(),
        findings,
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn write_baseline(dir: &Path) -> String {
    let output = galley(dir)
        .args(["check", ".", "--write-baseline", BASELINE])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "writing a baseline succeeds");
    assert!(output.stdout.is_empty(), "no report while recording");
    String::from_utf8(output.stderr).unwrap()
}

const PAGE: &str = "---\ntitle: Aksje\n---\n\n# Aksje\n\nSe [fond](/fnd) og mer,, her.\n";

#[test]
fn round_trip_fails_only_on_new_findings() {
    let dir = corpus(&[("aksje.md", PAGE), ("fond.md", "# Fond\n")]);
    assert_eq!(check(dir.path(), &[]).findings.len(), 2);

    let note = write_baseline(dir.path());
    assert_eq!(note, format!("galley: recorded 2 findings in {BASELINE}\n"));
    let recorded: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join(BASELINE)).unwrap()).unwrap();
    assert_eq!(recorded["version"], 1);
    assert_eq!(
        recorded["findings"][0],
        serde_json::json!({"path": "aksje.md", "rule": "broken-link", "text": "/fnd"})
    );

    let run = check(dir.path(), &["--baseline", BASELINE]);
    assert_eq!((run.code, run.findings.len()), (0, 0));
    assert!(run.stderr.contains("2 known problems"), "{}", run.stderr);

    // Edit the file above both findings: they move down, and are still known.
    let moved = PAGE.replace(
        "# Aksje\n",
        "# Aksje\n\nEn ny innledning.\n\nOg et avsnitt til.\n",
    );
    fs::write(dir.path().join("aksje.md"), &moved).unwrap();
    let run = check(dir.path(), &["--baseline", BASELINE]);
    assert_eq!((run.code, run.findings.len()), (0, 0), "{:?}", run.findings);

    // Add one defect: exactly one finding, and the gate fails.
    let defect = format!("{moved}\nSe også [aksjer](/aksjer).\n");
    fs::write(dir.path().join("aksje.md"), defect).unwrap();
    let run = check(dir.path(), &["--baseline", BASELINE]);
    assert_eq!(run.code, 1);
    assert_eq!(run.findings, ["aksje.md:13 broken-link"]);
}

#[test]
fn a_second_equal_finding_is_new() {
    let dir = corpus(&[("a.md", "# A\n\nEn,, to.\n")]);
    write_baseline(dir.path());
    fs::write(dir.path().join("a.md"), "# A\n\nEn,, to.\n\nTre,, fire.\n").unwrap();
    let run = check(dir.path(), &["--baseline", BASELINE]);
    assert_eq!(run.findings, ["a.md:5 stray-punctuation"]);
}

#[test]
fn fixed_entries_are_listed_and_pruned() {
    let dir = corpus(&[("a.md", "# A\n\nEn,, to.\n\nTre ,fire.\n")]);
    write_baseline(dir.path());
    fs::write(dir.path().join("a.md"), "# A\n\nEn, to.\n\nTre ,fire.\n").unwrap();
    let run = check(dir.path(), &["--baseline", BASELINE]);
    assert_eq!((run.code, run.findings.len()), (0, 0));
    assert!(
        run.stderr.contains("1 baseline entry no longer occurs")
            && run.stderr.contains("  a.md: stray-punctuation `,,`"),
        "{}",
        run.stderr
    );
    let note = write_baseline(dir.path());
    assert_eq!(
        note,
        format!("galley: recorded 1 finding in {BASELINE}; pruned 1 fixed entry\n")
    );
    let run = check(dir.path(), &["--baseline", BASELINE]);
    assert!(!run.stderr.contains("no longer"), "{}", run.stderr);
}

#[test]
fn paths_are_kept_relative_to_the_baseline() {
    let dir = corpus(&[("docs/a.md", "# A\n\nEn,, to.\n")]);
    write_baseline(dir.path());
    let docs = dir.path().join("docs");
    let baseline = format!("../{BASELINE}");
    let run = check(&docs, &["--baseline", &baseline]);
    assert_eq!((run.code, run.findings.len()), (0, 0), "{:?}", run.findings);
}

#[test]
fn quiet_keeps_stderr_empty() {
    let dir = corpus(&[("a.md", "# A\n\nEn,, to.\n")]);
    write_baseline(dir.path());
    let run = check(dir.path(), &["--baseline", BASELINE, "--quiet"]);
    assert_eq!(run.stderr, "");
}

#[test]
fn a_missing_or_broken_baseline_is_a_usage_error() {
    let dir = corpus(&[("a.md", "# A\n"), ("bad.json", "{\"findings\": 3}")]);
    for file in ["missing.json", "bad.json"] {
        let output = galley(dir.path())
            .args(["check", ".", "--baseline", file])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{file}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains(file), "{stderr}");
    }
}

/// The seeds workflow gates on `seeds/.galley-baseline.json`: it must hold exactly today's
/// findings. After changing the seeds: `cargo run -- check seeds --write-baseline
/// seeds/.galley-baseline.json`.
#[test]
fn the_seeds_baseline_is_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = check(
        root,
        &["seeds", "--baseline", "seeds/.galley-baseline.json"],
    );
    assert_eq!(run.findings, Vec::<String>::new());
    assert!(!run.stderr.contains("no longer"), "{}", run.stderr);
    assert_eq!(run.code, 0);
}
