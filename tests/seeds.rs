//! The sample corpus, run as the README's first command runs it: its exact findings, and at
//! least one of each rule family.

use assert_cmd::Command;

#[test]
fn seeds_show_their_exact_findings() {
    let output = Command::cargo_bin("galley")
        .unwrap()
        .args(["check", "seeds", "--format", "concise"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "the seeds hold error-level defects"
    );
    let report = String::from_utf8(output.stdout).unwrap();
    for rule in [
        "frontmatter-syntax",
        "frontmatter-schema",
        "broken-link",
        "empty-blockquote",
        "stray-punctuation",
        "list-marker-style",
    ] {
        assert!(
            report.contains(&format!("[{rule}]")),
            "no {rule} finding in:\n{report}"
        );
    }
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("seeds_concise", report);
    });
}
