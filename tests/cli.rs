//! The binary as a user runs it, on temporary folders: exit codes, formats, config errors and
//! hostile input.

mod common;

use common::{corpus, galley, rules_found};

use std::fs;
use std::path::Path;

use serde_json::Value;
fn json(dir: &Path, args: &[&str]) -> (Value, i32) {
    let output = galley(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "not JSON ({error}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (value, output.status.code().unwrap())
}

const CLEAN: &str = "---\ntitle: Aksje\n---\n\n# Aksje\n\nEn andel i et selskap.\n";

#[test]
fn a_clean_corpus_exits_zero() {
    let dir = corpus(&[("aksje.md", CLEAN)]);
    galley(dir.path())
        .args(["check", "."])
        .assert()
        .code(0)
        .stdout("0 problems (0 errors, 0 warnings) in 1 file\n");
}

#[test]
fn an_error_exits_one_and_warnings_alone_exit_zero() {
    let dir = corpus(&[("a.md", "# A\n\nSee [b](/b).\n")]);
    galley(dir.path()).args(["check", "."]).assert().code(1);
    let dir = corpus(&[("a.md", "# A\n\nText ,more.\n")]);
    galley(dir.path()).args(["check", "."]).assert().code(0);
    galley(dir.path())
        .args(["check", ".", "--max-warnings", "0"])
        .assert()
        .code(1);
    galley(dir.path())
        .args(["check", ".", "--max-warnings", "1"])
        .assert()
        .code(0);
}

#[test]
fn json_has_the_documented_shape_and_counts_characters() {
    let dir = corpus(&[("a.md", "# Å\n\nØl og æble ,så.\n")]);
    let (report, code) = json(dir.path(), &["a.md"]);
    assert_eq!(code, 0);
    assert_eq!(report["version"], 1);
    assert_eq!(
        report["summary"],
        serde_json::json!({"files": 1, "errors": 0, "warnings": 1})
    );
    let d = &report["diagnostics"][0];
    assert_eq!(d["path"], "a.md");
    assert_eq!(d["rule"], "stray-punctuation");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["message"], "space before `,`");
    // "Øl og æble" is 10 characters (13 bytes): the space is column 11.
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(3), Some(11))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(3), Some(12))
    );
    let fix = &d["fix"];
    assert_eq!(fix["applicability"], "safe");
    // A word follows the comma: the space moves behind it (`æble, så`).
    assert_eq!(fix["edits"][0]["replacement"], ", ");
    assert_eq!(fix["edits"][0]["column"], 11);
    assert_eq!(fix["edits"][0]["end_column"], 13);
}

#[test]
fn concise_prints_one_line_each() {
    let dir = corpus(&[("a.md", "# A\n\n>\n\nText.\n")]);
    galley(dir.path())
        .args(["check", "--format", "concise", "a.md"])
        .assert()
        .code(0)
        .stdout("a.md:3:1: warning[empty-blockquote] [*] empty blockquote\n1 problem (0 errors, 1 warning) in 1 file\n");
}

#[test]
fn human_output_has_snippet_label_help_and_no_colour_off_a_terminal() {
    let dir = corpus(&[("a.md", "# A\n\nSee [b](/b).\n")]);
    let output = galley(dir.path()).args(["check", "a.md"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("broken-link"), "{text}");
    assert!(text.contains("See [b](/b)."), "{text}");
    assert!(text.contains("no page or file here"), "{text}");
    assert!(text.contains("help:"), "{text}");
    assert!(!text.contains('\u{1b}'), "colour codes in {text}");
    assert!(
        text.ends_with("1 problem (1 error, 0 warnings) in 1 file\n"),
        "{text}"
    );
}

#[test]
fn two_runs_print_the_same_bytes() {
    let files: Vec<(String, String)> = (0..40)
        .map(|i| {
            (
                format!("d{}/p{i}.md", i % 4),
                format!("# P{i}\n\nSee [x](/missing{i}) ,now..\n\n>\n"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = corpus(&refs);
    let first = galley(dir.path()).args(["check"]).output().unwrap().stdout;
    let second = galley(dir.path()).args(["check"]).output().unwrap().stdout;
    assert_eq!(first, second);
    let text = String::from_utf8(first).unwrap();
    assert!(
        text.contains("d0/p0.md"),
        "paths are shown without ./ when no path is given"
    );
}

#[test]
fn findings_are_sorted_by_path_line_and_column() {
    let dir = corpus(&[("b.md", "A ,b.\n\n>\n"), ("a.md", "X ,y.\n")]);
    let (report, _) = json(dir.path(), &["."]);
    assert_eq!(
        rules_found(&report),
        [
            "./a.md:1:stray-punctuation",
            "./b.md:1:stray-punctuation",
            "./b.md:3:empty-blockquote"
        ]
    );
}

#[test]
fn config_errors_name_the_place_and_exit_two() {
    let cases = [
        (
            "[files]\nextensions = [\"md\"]\nexclud = [\"x\"]\n",
            "galley.toml:3:1",
            "unknown field `exclud`",
        ),
        (
            "[rules.no-such-rule]\nlevel = \"off\"\n",
            "galley.toml:1:1",
            "unknown rule `no-such-rule`",
        ),
        (
            "[rules.broken-link]\nlevel = \"loud\"\n",
            "galley.toml:2:1",
            "level must be",
        ),
        (
            "[rules.list-marker-style]\nstlye = \"dash\"\n",
            "galley.toml:2:1",
            "unknown field `stlye`",
        ),
        (
            "[rules.list-marker-style]\nstyle = \"tilde\"\n",
            "galley.toml:2:1",
            "unknown variant `tilde`",
        ),
        (
            "[frontmatter]\nschema = \"nope.json\"\n",
            "galley.toml:2:10",
            "nope.json",
        ),
        ("[files\n", "galley.toml:1:", "unclosed table"),
    ];
    for (config, place, message) in cases {
        let dir = corpus(&[("galley.toml", config), ("a.md", CLEAN)]);
        let output = galley(dir.path()).args(["check", "."]).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{config}: {stderr}");
        assert!(
            stderr.contains(place),
            "{config}: expected {place} in {stderr}"
        );
        assert!(
            stderr.contains(message),
            "{config}: expected {message} in {stderr}"
        );
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn an_invalid_schema_is_a_config_error() {
    let dir = corpus(&[
        ("galley.toml", "[frontmatter]\nschema = \"s.json\"\n"),
        (
            "s.json",
            "{\"type\": \"object\",\n \"properties\": {\"title\": {\"type\": 12}}}",
        ),
        ("a.md", CLEAN),
    ]);
    let output = galley(dir.path()).args(["check", "."]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("s.json") && stderr.contains("not a valid JSON Schema"),
        "{stderr}"
    );
}

#[test]
fn schema_in_yaml_flags_values_and_keys() {
    let schema = "$schema: https://json-schema.org/draft/2020-12/schema\ntype: object\nrequired: [title, description]\nproperties:\n  title: {type: string}\n  description: {type: string}\n  keywords: {type: string}\nadditionalProperties: false\n";
    let dir = corpus(&[
        (
            "galley.toml",
            "[frontmatter]\nschema = \"schemas/article.yaml\"\n",
        ),
        ("schemas/article.yaml", schema),
        (
            "a.md",
            "---\ntitle: A\nkeywords: [1, 2]\nauthor: Kari\n---\n\n# A\n",
        ),
        ("b.md", "# No frontmatter\n"),
    ]);
    let (report, code) = json(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        rules_found(&report),
        [
            "./a.md:1:frontmatter-schema",
            "./a.md:3:frontmatter-schema",
            "./a.md:4:frontmatter-schema",
            "./b.md:1:frontmatter-syntax",
        ]
    );
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages[0],
        "missing required frontmatter key `description`"
    );
    assert!(
        messages[1].starts_with("frontmatter `keywords` is invalid"),
        "{}",
        messages[1]
    );
    assert_eq!(messages[2], "unexpected frontmatter key `author`");
    assert_eq!(messages[3], "missing frontmatter block");
    // The unexpected key's span is the key itself.
    assert_eq!(report["diagnostics"][2]["column"], 1);
    assert_eq!(report["diagnostics"][2]["end_column"], 7);
}

#[test]
fn no_frontmatter_is_fine_without_a_schema() {
    let dir = corpus(&[("a.md", "# Just a heading\n\nAnd text.\n")]);
    galley(dir.path()).args(["check", "."]).assert().code(0);
}

#[test]
fn links_resolve_by_slug_path_and_index_across_the_content_root() {
    let dir = corpus(&[
        ("galley.toml", ""),
        ("selskap/as.md", "---\nslug: aksjeselskap\n---\n\n# Aksjeselskap\n\n## Første steg\n"),
        ("regnskap/index.md", "# Regnskap\n"),
        ("regnskap/balanse.md", "# Balanse\n\nSee [index](./index.md), [up](../selskap/as.md#første-steg).\n"),
        ("bilder/graf.png", "png"),
        (
            "notes/a.md",
            "# A\n\n[a](/aksjeselskap#f%C3%B8rste-steg) [b](/regnskap/) [c](/regnskap/balanse?x=1) [d](/bilder/graf.png) ![e](/bilder/graf.png) [f](#a)\n\n[g][r]\n\n[r]: /selskap/as\n",
        ),
    ]);
    // Checking one folder still resolves links into the rest of the content root.
    let (report, code) = json(dir.path(), &["notes", "regnskap"]);
    assert_eq!(rules_found(&report), Vec::<String>::new());
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["files"], 3);
}

#[test]
fn broken_links_images_anchors_and_definitions_are_flagged_with_suggestions() {
    let dir = corpus(&[
        ("galley.toml", ""),
        ("jointventure.md", "# Joint venture\n\n## Fordeler\n"),
        (
            "a.md",
            "# A\n\n[a](/jointventur) [b](/jointventure#fordeller) ![c](/bilder/x.png) [d][r] `[e](/code)`\n\n```\n[f](/block)\n```\n\n[g](https://example.com/x) [h](mailto:a@b.no) [i](tel:123)\n\n[r]: /nowhere\n",
        ),
    ]);
    let (report, code) = json(dir.path(), &["."]);
    assert_eq!(code, 1);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let messages: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "broken link `/jointventur`: no such page or file",
            "broken link `/jointventure#fordeller`: `jointventure.md` has no such anchor",
            "broken image `/bilder/x.png`: no such page or file",
            "broken link `/nowhere`: no such page or file",
        ]
    );
    assert_eq!(diagnostics[0]["fix"]["applicability"], "unsafe");
    assert_eq!(
        diagnostics[0]["fix"]["edits"][0]["replacement"],
        "/jointventure"
    );
    assert_eq!(
        diagnostics[1]["fix"]["edits"][0]["replacement"],
        "/jointventure#fordeler"
    );
    assert!(diagnostics[2]["fix"].is_null());
    assert_eq!(diagnostics[3]["line"], 11);
}

#[test]
fn explicit_files_are_linted_whatever_their_extension_but_walks_take_content_only() {
    let dir = corpus(&[
        ("notes.txt", "A ,b.\n"),
        ("a.md", "C ,d.\n"),
        ("b.markdown", "E ,f.\n"),
    ]);
    let (report, _) = json(dir.path(), &["notes.txt"]);
    assert_eq!(rules_found(&report), ["notes.txt:1:stray-punctuation"]);
    let (report, _) = json(dir.path(), &["."]);
    assert_eq!(
        rules_found(&report),
        [
            "./a.md:1:stray-punctuation",
            "./b.markdown:1:stray-punctuation"
        ]
    );
}

#[test]
fn walks_skip_hidden_gitignored_and_excluded_files() {
    let dir = corpus(&[
        (
            "galley.toml",
            "[files]\nextensions = [\"md\", \"mdx\"]\nexclude = [\"drafts/**\"]\n",
        ),
        (".gitignore", "build/\n"),
        ("build/a.md", "A ,b.\n"),
        (".hidden/a.md", "A ,b.\n"),
        ("drafts/a.md", "A ,b.\n"),
        ("page.mdx", "A ,b.\n"),
        ("page.md", "A ,b.\n"),
    ]);
    let (report, _) = json(dir.path(), &["."]);
    assert_eq!(
        rules_found(&report),
        [
            "./page.md:1:stray-punctuation",
            "./page.mdx:1:stray-punctuation"
        ]
    );
}

#[test]
fn the_nearest_config_above_the_checked_paths_is_used() {
    let dir = corpus(&[
        (
            "content/galley.toml",
            "[rules.stray-punctuation]\nlevel = \"error\"\n",
        ),
        ("content/a.md", "A ,b.\n"),
    ]);
    let (report, code) = json(dir.path(), &["content"]);
    assert_eq!(code, 1);
    assert_eq!(report["diagnostics"][0]["severity"], "error");
    let (report, _) = json(
        dir.path(),
        &["--config", "content/galley.toml", "content/a.md"],
    );
    assert_eq!(report["diagnostics"][0]["severity"], "error");
}

#[test]
fn rules_can_be_switched_off() {
    let dir = corpus(&[
        (
            "galley.toml",
            "[rules.stray-punctuation]\nlevel = \"off\"\n",
        ),
        ("a.md", "A ,b.\n"),
    ]);
    let (report, _) = json(dir.path(), &["."]);
    assert_eq!(report["summary"]["warnings"], 0);
}

#[test]
fn hostile_files_are_reported_and_the_run_goes_on() {
    let dir = corpus(&[("good.md", "A ,b.\n")]);
    let root = dir.path();
    fs::write(root.join("latin1.md"), b"# Caf\xe9\n\nok\n").unwrap();
    fs::write(root.join("binary.md"), b"\x89PNG\r\n\x1a\n\0\0\0").unwrap();
    fs::create_dir(root.join("folder.md")).unwrap();
    fs::write(root.join("empty.md"), b"").unwrap();
    fs::write(root.join("bom.md"), "\u{feff}").unwrap();
    fs::write(root.join("dashes.md"), "---").unwrap();
    fs::write(root.join("deep.md"), ">".repeat(20_000) + " x\n").unwrap();
    fs::write(
        root.join("nested.md"),
        "- a\n".to_string() + &"  ".repeat(2_000) + "- b\n",
    )
    .unwrap();
    fs::write(root.join("long.md"), "word ,".repeat(50_000)).unwrap();
    fs::write(
        root.join("brackets.md"),
        "[".repeat(30_000) + &"](".repeat(10_000),
    )
    .unwrap();
    fs::write(root.join("yaml.md"), "---\na: &a [*a]\nb: {{{{\n---\n").unwrap();
    fs::write(
        root.join("crlf.md"),
        "---\r\ntitle: x\r\n---\r\n\r\n>\r\n\r\nA ,b.\r\n",
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("gone.md"), root.join("dangling.md")).unwrap();

    let (report, code) = json(root, &[".", "missing.md"]);
    assert_eq!(code, 1, "io errors are error-level findings");
    let found = rules_found(&report);
    for expected in [
        "./binary.md:1:io-error",
        "./latin1.md:1:io-error",
        "./good.md:1:stray-punctuation",
        "./crlf.md:5:empty-blockquote",
        "./crlf.md:7:stray-punctuation",
        "missing.md:1:io-error",
    ] {
        assert!(
            found.contains(&expected.to_string()),
            "{expected} not in {found:?}"
        );
    }
    let messages = report["diagnostics"].to_string();
    assert!(messages.contains("not valid UTF-8: line 1"), "{messages}");
    assert!(messages.contains("no such file or directory"), "{messages}");
    // The same files through the human renderer do not panic either.
    let output = galley(root)
        .args(["check", ".", "missing.md"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn rules_and_explain_come_from_the_same_docs() {
    let dir = tempfile::tempdir().unwrap();
    let output = galley(dir.path()).arg("rules").output().unwrap();
    let table = String::from_utf8(output.stdout).unwrap();
    for id in [
        "frontmatter-syntax",
        "frontmatter-schema",
        "broken-link",
        "empty-blockquote",
        "stray-punctuation",
        "list-marker-style",
    ] {
        assert!(table.contains(id), "{id} missing from {table}");
        let explained = galley(dir.path()).args(["explain", id]).output().unwrap();
        let text = String::from_utf8(explained.stdout).unwrap();
        assert!(text.starts_with(&format!("# {id}\n")), "{text}");
        for heading in ["## What it does", "## Why", "## Example", "## Fix"] {
            assert!(text.contains(heading), "{id}: no {heading}");
        }
    }
    galley(dir.path())
        .args(["explain", "nope"])
        .assert()
        .code(2);
}
