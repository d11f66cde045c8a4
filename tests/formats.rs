//! The CI formats (`sarif`, `github`, `gitlab`, `junit`) and `--output-file`: golden files of
//! the sample corpus, SARIF checked against the SARIF 2.1.0 schema, and the details each
//! consumer depends on (escaping, stable fingerprints, one test case per file).
//!
//! To accept changed output: `GALLEY_BLESS=1 cargo test --test formats`, then review the diff
//! of `tests/golden/`.

mod common;

use common::{corpus, galley};

use std::fs;
use std::path::Path;

use serde_json::Value;
/// The seeds' report in `format`, as the README's first command runs it.
fn seeds_report(format: &str) -> String {
    let output = galley(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args(["check", "seeds", "--format", format])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "the seeds hold errors");
    String::from_utf8(output.stdout).unwrap()
}

fn assert_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    // The version would make every release rewrite the golden files.
    let actual = actual.replace(env!("CARGO_PKG_VERSION"), "<version>");
    if std::env::var_os("GALLEY_BLESS").is_some() {
        fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let diff = similar::TextDiff::from_lines(&expected, &actual)
            .unified_diff()
            .header(&path.display().to_string(), "actual")
            .to_string();
        panic!("{name} differs (GALLEY_BLESS=1 accepts it):\n{diff}");
    }
}

#[test]
fn seeds_golden_sarif() {
    assert_golden("seeds.sarif", &seeds_report("sarif"));
}

#[test]
fn seeds_golden_github() {
    assert_golden("seeds.github.txt", &seeds_report("github"));
}

#[test]
fn seeds_golden_gitlab() {
    assert_golden("seeds.gitlab.json", &seeds_report("gitlab"));
}

#[test]
fn seeds_golden_junit() {
    assert_golden("seeds.junit.xml", &seeds_report("junit"));
}

fn sarif_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-2.1.0-rtm.5.json");
    let mut schema: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    // The schema's pattern for `language` properties (which galley does not write) has a
    // stray `]` that the validator's own check of the schema rejects.
    drop_patterns(&mut schema, "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn drop_patterns(schema: &mut Value, pattern: &str) {
    match schema {
        Value::Object(map) => {
            if map.get("pattern").and_then(Value::as_str) == Some(pattern) {
                map.remove("pattern");
            }
            map.values_mut()
                .for_each(|value| drop_patterns(value, pattern));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|value| drop_patterns(value, pattern)),
        _ => {}
    }
}

fn assert_valid_sarif(report: &str) -> Value {
    let log: Value = serde_json::from_str(report).unwrap();
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&log)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
    log
}

#[test]
fn sarif_of_the_seeds_is_valid_and_complete() {
    let log = assert_valid_sarif(&seeds_report("sarif"));
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let broken_link = rules.iter().find(|r| r["id"] == "broken-link").unwrap();
    assert_eq!(broken_link["defaultConfiguration"]["level"], "error");
    assert!(broken_link["help"]["markdown"]
        .as_str()
        .unwrap()
        .contains("## What it does"));
    let results = run["results"].as_array().unwrap();
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    let with_fix = results
        .iter()
        .find(|r| r["fixes"].is_array())
        .expect("the seeds have fixable findings");
    let replacement = &with_fix["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert!(replacement["deletedRegion"]["startLine"].as_u64().unwrap() >= 1);
}

#[test]
fn sarif_paths_are_uri_references_and_columns_count_characters() {
    let dir = corpus(&[("mappe med æ/a b.md", "# A\n\nØl og æble ,så.\n")]);
    let output = galley(dir.path())
        .args(["check", "--format", "sarif", "mappe med æ/a b.md"])
        .output()
        .unwrap();
    let log = assert_valid_sarif(&String::from_utf8(output.stdout).unwrap());
    let location = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "mappe%20med%20%C3%A6/a%20b.md"
    );
    assert_eq!(location["region"]["startColumn"], 11);
    assert_eq!(log["runs"][0]["columnKind"], "unicodeCodePoints");
}

#[test]
fn github_commands_escape_what_would_end_them() {
    let dir = corpus(&[("rapport, del:1.md", "# R\n\nSe [tall](/50%25-rabatt).\n")]);
    let output = galley(dir.path())
        .args(["check", "--format", "github", "rapport, del:1.md"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report = String::from_utf8(output.stdout).unwrap();
    let first = report.lines().next().unwrap();
    assert_eq!(
        first,
        "::error file=rapport%2C del%3A1.md,line=3,col=11,endLine=3,endColumn=24,\
         title=broken-link::broken link `/50%2525-rabatt`: no such page or file\
         %0Acheck the path, or the target page's `slug`"
    );
}

#[test]
fn gitlab_fingerprints_survive_edits_above_and_tell_twins_apart() {
    let text = "# A\n\nEn ,to og tre ,fire.\n";
    let dir = corpus(&[("a.md", text)]);
    let fingerprints = |dir: &Path| -> Vec<(u64, String)> {
        let output = galley(dir)
            .args(["check", "--format", "gitlab", "a.md"])
            .output()
            .unwrap();
        let issues: Value = serde_json::from_slice(&output.stdout).unwrap();
        issues
            .as_array()
            .unwrap()
            .iter()
            .map(|issue| {
                assert_eq!(issue["check_name"], "stray-punctuation");
                assert_eq!(issue["severity"], "minor");
                assert_eq!(issue["location"]["path"], "a.md");
                (
                    issue["location"]["lines"]["begin"].as_u64().unwrap(),
                    issue["fingerprint"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let before = fingerprints(dir.path());
    assert_eq!(before.len(), 2);
    assert_ne!(before[0].1, before[1].1, "equal findings get their own");
    fs::write(dir.path().join("a.md"), format!("\n\n{text}")).unwrap();
    let after = fingerprints(dir.path());
    assert_eq!(after[0].0, before[0].0 + 2, "the findings moved down");
    assert_eq!(
        after.iter().map(|(_, f)| f).collect::<Vec<_>>(),
        before.iter().map(|(_, f)| f).collect::<Vec<_>>()
    );
}

#[test]
fn junit_has_a_case_per_file_and_a_failure_per_finding() {
    let report = seeds_report("junit");
    let xml = roxmltree::Document::parse(&report).expect("well-formed XML");
    let cases: Vec<_> = xml
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let json: Value = serde_json::from_str(&seeds_report("json")).unwrap();
    assert_eq!(
        cases.len() as u64,
        json["summary"]["files"].as_u64().unwrap()
    );
    let failures = xml
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, json["diagnostics"].as_array().unwrap().len());
    let suite = xml
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    let failed_cases = cases
        .iter()
        .filter(|case| case.children().any(|n| n.has_tag_name("failure")))
        .count();
    assert_eq!(
        suite.attribute("failures"),
        Some(&*failed_cases.to_string())
    );
}

#[test]
fn output_file_holds_the_report_and_the_terminal_the_summary() {
    let dir = corpus(&[("a.md", "# A\n\nSee [b](/b).\n")]);
    galley(dir.path())
        .args([
            "check",
            ".",
            "--format",
            "sarif",
            "--output-file",
            "out.sarif",
        ])
        .assert()
        .code(1)
        .stdout("1 problem (1 error, 0 warnings) in 1 file\n");
    let written = fs::read_to_string(dir.path().join("out.sarif")).unwrap();
    assert_valid_sarif(&written);
    galley(dir.path())
        .args([
            "check",
            ".",
            "--format",
            "junit",
            "--output-file",
            "out.xml",
            "--quiet",
        ])
        .assert()
        .code(1)
        .stdout("")
        .stderr("");
    assert!(fs::read_to_string(dir.path().join("out.xml"))
        .unwrap()
        .contains("<failure type=\"broken-link\""));
}

#[test]
fn an_output_file_that_cannot_be_written_is_a_usage_error() {
    let dir = corpus(&[("a.md", "# A\n")]);
    let output = galley(dir.path())
        .args(["check", ".", "--output-file", "missing/folder/out.txt"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("cannot write missing/folder/out.txt"),
        "{stderr}"
    );
}

#[test]
fn nothing_but_the_report_on_a_non_terminal() {
    let dir = corpus(&[("a.md", "# A\n\nText.\n")]);
    galley(dir.path())
        .args(["check", "."])
        .assert()
        .code(0)
        .stderr("");
}
