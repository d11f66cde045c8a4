//! Configuration and declarative rules as a user meets them: overrides, `extends`, inline
//! suppressions, rule packs, `galley rules`, `galley explain`, `galley test-rules`, `galley init`.

mod common;

use common::{corpus, galley, rules_found};

use std::fs;
use std::path::Path;

use serde_json::Value;
/// `path:line:rule` of every finding, and the exit code.
fn found(dir: &Path, args: &[&str]) -> (Vec<String>, i32) {
    let output = galley(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&output.stderr)));
    (rules_found(&report), output.status.code().unwrap())
}

fn stderr_of(dir: &Path, args: &[&str]) -> (String, i32) {
    let output = galley(dir).args(args).output().unwrap();
    (
        String::from_utf8(output.stderr).unwrap(),
        output.status.code().unwrap(),
    )
}

#[test]
fn overrides_change_levels_for_matching_files_and_later_entries_win() {
    let dir = corpus(&[
        (
            "galley.toml",
            "[[overrides]]\nfiles = [\"legacy/**\"]\n[overrides.rules.broken-link]\nlevel = \"off\"\n[overrides.rules.stray-punctuation]\nlevel = \"error\"\n\n[[overrides]]\nfiles = [\"legacy/keep/**\"]\n[overrides.rules.broken-link]\nlevel = \"warning\"\n",
        ),
        ("new.md", "See [x](/gone) ,now.\n"),
        ("legacy/old.md", "See [x](/gone) ,now.\n"),
        ("legacy/keep/old.md", "See [x](/gone) ,now.\n"),
    ]);
    let output = galley(dir.path())
        .args(["check", "--format", "concise", "."])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("./new.md:1:9: error[broken-link]"), "{text}");
    assert!(
        text.contains("./new.md:1:15: warning[stray-punctuation]"),
        "{text}"
    );
    assert!(
        !text.contains("./legacy/old.md:1:9"),
        "broken-link is off in legacy/: {text}"
    );
    assert!(
        text.contains("./legacy/old.md:1:15: error[stray-punctuation]"),
        "{text}"
    );
    assert!(
        text.contains("./legacy/keep/old.md:1:9: warning[broken-link]"),
        "the later override wins: {text}"
    );
    assert!(
        text.contains("./legacy/keep/old.md:1:15: error[stray-punctuation]"),
        "{text}"
    );
}

#[test]
fn a_bad_override_is_a_config_error() {
    let dir = corpus(&[
        ("galley.toml", "[[overrides]]\nfiles = [\"a/**\"]\n[overrides.rules.list-marker-style]\nstyle = \"round\"\n"),
        ("a.md", "Text.\n"),
    ]);
    let (stderr, code) = stderr_of(dir.path(), &["check", "."]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("galley.toml:4:1") && stderr.contains("unknown variant `round`"),
        "{stderr}"
    );
}

#[test]
fn extends_takes_a_shared_house_config() {
    let dir = corpus(&[
        ("house/base.toml", "[rules.stray-punctuation]\nlevel = \"error\"\n[rules.empty-blockquote]\nlevel = \"off\"\n"),
        ("site/galley.toml", "extends = \"../house/base.toml\"\n[rules.empty-blockquote]\nlevel = \"warning\"\n"),
        ("site/a.md", "Text ,more.\n\n>\n"),
    ]);
    let (found, code) = found(dir.path(), &["site"]);
    assert_eq!(code, 1, "stray-punctuation is an error in the house config");
    assert_eq!(
        found,
        [
            "site/a.md:1:stray-punctuation",
            "site/a.md:3:empty-blockquote"
        ]
    );
}

#[test]
fn every_suppression_form_works_and_unused_ones_are_reported() {
    let text = "<!-- galley-disable-next-line stray-punctuation -->\nOne ,two.\nThree ,four.\n\n<!-- galley-disable empty-blockquote -->\n>\n\n<!-- galley-enable -->\n\n>\n\n<!-- galley-disable-next-line broken-link -->\nClean line.\n";
    let dir = corpus(&[
        ("a.md", text),
        ("b.md", "<!-- galley-disable-file -->\nA ,b.\n\n>\n"),
    ]);
    let (found, _) = found(dir.path(), &["."]);
    assert_eq!(
        found,
        [
            "./a.md:3:stray-punctuation",
            "./a.md:10:empty-blockquote",
            "./a.md:12:unused-suppression",
        ]
    );
    fs::write(
        dir.path().join("galley.toml"),
        "[rules.unused-suppression]\nlevel = \"off\"\n",
    )
    .unwrap();
    let (found, _) = self::found(dir.path(), &["."]);
    assert!(
        !found.iter().any(|f| f.ends_with("unused-suppression")),
        "{found:?}"
    );
}

#[test]
fn fix_deletes_unused_suppressions_and_keeps_used_ones() {
    let dir = corpus(&[(
        "a.md",
        "<!-- galley-disable-next-line stray-punctuation -->\nOne ,two.\n<!-- galley-disable-next-line stray-punctuation -->\nClean.\n",
    )]);
    galley(dir.path())
        .args(["check", "--fix", "a.md"])
        .assert()
        .code(0);
    assert_eq!(
        fs::read_to_string(dir.path().join("a.md")).unwrap(),
        "<!-- galley-disable-next-line stray-punctuation -->\nOne ,two.\nClean.\n"
    );
}

const HOUSE_WORDS: &str = "id: house-brand\nmessage: \"write the brand as `{replacement}`\"\nlevel: error\ndescription: The brand is written Galley Press.\nwords:\n  galley-press: Galley Press\n  galleypress: Galley Press\nexamples:\n  flag: [\"Buy galleypress books.\\n\"]\n  pass: [\"Buy Galley Press books.\\n\"]\n";
const HOUSE_PATTERN: &str = "id: no-todo\nmessage: \"leftover `{match}`\"\ndescription: A TODO left in the text.\nscope: raw\npattern: '\\bTODO(\\(ok\\))?'\nunless: ['\\(ok\\)$']\nignore-case: false\nexamples:\n  flag: [\"TODO fix this\\n\"]\n";

#[test]
fn a_configured_pack_adds_rules_that_look_like_the_built_ins() {
    let dir = corpus(&[
        ("galley.toml", "[rules]\npacks = [\"styles/house\"]\n[rules.no-todo]\nlevel = \"error\"\n"),
        ("styles/house/house-brand.yaml", HOUSE_WORDS),
        ("styles/house/no-todo.yaml", HOUSE_PATTERN),
        ("a.md", "# Title\n\nRead GalleyPress news. TODO\n\n`galleypress` in code is fine, and so is TODO(ok).\n"),
    ]);
    let output = galley(dir.path())
        .args(["check", "--format", "json", "a.md"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let d = &report["diagnostics"];
    assert_eq!(d.as_array().unwrap().len(), 2, "{report}");
    assert_eq!(d[0]["rule"], "house-brand");
    assert_eq!(d[0]["severity"], "error");
    assert_eq!(d[0]["message"], "write the brand as `Galley Press`");
    assert_eq!(d[0]["fix"]["edits"][0]["replacement"], "Galley Press");
    assert_eq!(d[1]["rule"], "no-todo");
    assert_eq!(d[1]["severity"], "error");

    let rules = galley(dir.path()).arg("rules").output().unwrap();
    let table = String::from_utf8(rules.stdout).unwrap();
    assert!(
        table.contains("house-brand") && table.contains("pack:"),
        "{table}"
    );
    let explained = galley(dir.path())
        .args(["explain", "house-brand"])
        .output()
        .unwrap();
    let text = String::from_utf8(explained.stdout).unwrap();
    assert!(
        text.starts_with("# house-brand\n") && text.contains("Buy galleypress books."),
        "{text}"
    );
    galley(dir.path())
        .args(["test-rules", "styles/house"])
        .assert()
        .code(0);
}

#[test]
fn a_bad_rule_file_names_its_place_and_no_rule_of_the_pack_runs() {
    let cases = [
        ("id: a\nmessage: m\ndescription: d\npattern: '[unclosed'\n", "bad.yaml:4:10: bad regex"),
        ("id: a\nmessage: m\ndescription: d\npattern: x\nscope: margins\n", "bad.yaml:5:8: unknown scope `margins`"),
        ("id: a\nmessage: m\ndescription: d\npattern: x\nseverity: high\n", "bad.yaml:5:1: unknown key `severity`"),
        ("id: good\nmessage: m\ndescription: d\npattern: x\n", "duplicate rule id `good`"),
        ("id: a\nmessage: m\ndescription: d\npattern: x\nexamples:\n  flag: [\"nothing here\"]\n", ""),
    ];
    for (bad, expected) in cases {
        let dir = corpus(&[
            ("galley.toml", "[rules]\npacks = [\"pack\"]\n"),
            (
                "pack/good.yaml",
                "id: good\nmessage: found\ndescription: d\npattern: zzz\n",
            ),
            ("pack/bad.yaml", bad),
            ("a.md", "zzz\n"),
        ]);
        let (stderr, code) = stderr_of(dir.path(), &["check", "--format", "json", "."]);
        if expected.is_empty() {
            // A rule whose examples fail still loads; `test-rules` is what catches it.
            assert_eq!(code, 0, "{stderr}");
            let output = galley(dir.path())
                .args(["test-rules", "pack"])
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(1));
            assert!(String::from_utf8(output.stdout)
                .unwrap()
                .contains("FAILED a: not flagged"));
            continue;
        }
        assert_eq!(code, 2, "{bad}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{bad}: expected {expected} in {stderr}"
        );
    }
}

#[test]
fn pack_rules_keep_to_their_scope() {
    let dir = corpus(&[
        ("galley.toml", "[rules]\npacks = [\"p\"]\n"),
        ("p/word.yaml", "id: no-idag\nmessage: m\ndescription: d\nwords: [idag]\n"),
        (
            "a.md",
            "---\ntitle: idag\n---\n\n# Idag\n\n`idag` and https://example.com/idag and [link](/idag) and <b title=\"idag\">x</b>\n\n```\nidag\n```\n\nidag in prose\n",
        ),
    ]);
    let (found, _) = found(dir.path(), &["a.md"]);
    let no_idag: Vec<&String> = found.iter().filter(|f| f.ends_with("no-idag")).collect();
    assert_eq!(no_idag, ["a.md:5:no-idag", "a.md:13:no-idag"]);
}

#[test]
fn the_default_pack_is_built_in_and_its_examples_hold_from_any_folder() {
    let dir = tempfile::tempdir().unwrap();
    let output = galley(dir.path())
        .args(["test-rules", "default"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("0 failed"), "{text}");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    galley(repo).args(["test-rules", "rules"]).assert().code(0);
    // One line says too little to tell its language: the site says it is bokmål.
    fs::write(
        dir.path().join("galley.toml"),
        "[content]\nlanguage = \"nb\"\n",
    )
    .unwrap();
    fs::write(dir.path().join("a.md"), "Idag steg prisen -- kraftig.\n").unwrap();
    let (found, _) = found(dir.path(), &["a.md"]);
    assert_eq!(
        found,
        ["a.md:1:bokmal-spelling", "a.md:1:double-hyphen-dash"]
    );
}

#[test]
fn init_on_a_site_with_pages_without_frontmatter_and_mdx_adds_no_findings() {
    // Real sites hold pages with no block (a README, an include, an mdBook chapter) and MDX
    // pages: the config `init` writes must check the same files and flag no missing block.
    let dir = corpus(&[
        ("a.md", "---\ntitle: A\n---\n# A\n\nSee [b](/b/).\n"),
        ("README.md", "# Read me\n"),
        ("b.mdx", "---\ntitle: B\n---\n# B\n\nA  gap.\n"),
    ]);
    let (before, _) = found(dir.path(), &["."]);
    galley(dir.path()).arg("init").assert().code(0);
    let config = fs::read_to_string(dir.path().join("galley.toml")).unwrap();
    assert!(
        config.contains("extensions = [\"md\", \"markdown\", \"mdx\"]"),
        "{config}"
    );
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(dir.path().join("schemas/frontmatter.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(schema["required"], serde_json::json!([]));
    let (after, _) = found(dir.path(), &["."]);
    assert_eq!(before, ["./b.mdx:6:repeated-space"]);
    assert_eq!(after, before);
}

#[test]
fn init_writes_a_config_and_a_schema_inferred_from_the_corpus() {
    let dir = corpus(&[
        ("a.md", "---\ntitle: A\nkeywords: x\n---\n# A\n"),
        ("sub/b.md", "---\ntitle: B\ndraft: true\n---\n# B\n"),
    ]);
    galley(dir.path()).arg("init").assert().code(0);
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(dir.path().join("schemas/frontmatter.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(schema["required"], serde_json::json!(["title"]));
    assert_eq!(schema["properties"]["draft"]["type"], "boolean");
    // The corpus it was inferred from passes its own schema; a new key does not.
    galley(dir.path()).args(["check", "."]).assert().code(0);
    fs::write(
        dir.path().join("c.md"),
        "---\ntitle: C\nauthor: Kari\n---\n# C\n",
    )
    .unwrap();
    let (found, code) = found(dir.path(), &["."]);
    assert_eq!(code, 1);
    assert_eq!(found, ["./c.md:3:frontmatter-schema"]);
    // It never overwrites.
    let (stderr, code) = stderr_of(dir.path(), &["init"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("exists already"), "{stderr}");
}
