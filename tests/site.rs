//! Reading a site the way its generator does: the language of each page, template syntax that
//! is not prose, opinionated rules off by default, and fixes that keep where links land.

mod common;

use common::{corpus, galley, rules_found};

use serde_json::Value;

/// `path:line:rule` of every finding in `dir`.
fn found(dir: &std::path::Path) -> Vec<String> {
    let output = galley(dir)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&output.stderr)));
    rules_found(&report)
}

const BOKMÅL: &str = "Han kalte det \"en god avtale\" i møtet, og det er ikke alltid lett å \
    vite hva som skjer etter at du har kjøpt en aksje. Når du selger, blir det også skatt.\n";
const ENGLISH: &str = "He called it \"a good deal\" in the meeting, and it is not always easy \
    to know what happens after you have bought a share. When you sell, there is tax to pay.\n";

#[test]
fn norwegian_house_style_runs_on_norwegian_pages_only() {
    let dir = corpus(&[
        ("nb.md", BOKMÅL),
        ("en.md", ENGLISH),
        ("declared.md", &format!("---\nlang: en-GB\n---\n{BOKMÅL}")),
        ("page.en.md", BOKMÅL),
        ("content/uk/page.md", BOKMÅL),
        ("content/nb/page.md", ENGLISH),
    ]);
    assert_eq!(
        found(dir.path()),
        [
            "content/nb/page.md:1:straight-quotes",
            "nb.md:1:straight-quotes"
        ]
    );
}

#[test]
fn the_site_language_fills_in_where_nothing_else_tells() {
    let dir = corpus(&[
        ("galley.toml", "[content]\nlanguage = \"nb\"\n"),
        ("short.md", "Et \"kort\" notat.\n"),
        ("en.md", ENGLISH),
    ]);
    assert_eq!(found(dir.path()), ["short.md:1:straight-quotes"]);
    let bad = corpus(&[("galley.toml", "[content]\nlanguage = \"norsk\"\n")]);
    let output = galley(bad.path()).arg("check").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("galley.toml:2:12"), "{stderr}");
    assert!(
        stderr.contains("`norsk` is not a language code"),
        "{stderr}"
    );
}

#[test]
fn template_syntax_is_not_prose() {
    let page = "Use {{< img src=\"x.png\" alt=\"a  b\" >}} and {{% note \"a,.\" %}} here.\n\n\
        {% include \"x.html\" %} and {{ site.title }}\n\n\
        :::code language=\"csharp\" source=\"~/x.cs\":::\n\n\
        !!! note \"Before you start\"\n\n\
        <LinkCard title=\"Read  more\"\n  href=\"/x/\" />\n\n\
        But a real  double space is still found.\n";
    let dir = corpus(&[
        ("galley.toml", "[content]\nlanguage = \"nb\"\n"),
        ("a.md", page),
    ]);
    assert_eq!(found(dir.path()), ["a.md:12:repeated-space"]);
}

#[test]
fn title_matches_heading_is_opt_in() {
    let page = "---\ntitle: Aksjer\n---\n\n# Introduksjon\n";
    let off = corpus(&[("a.md", page)]);
    assert_eq!(found(off.path()), Vec::<String>::new());
    let on = corpus(&[
        (
            "galley.toml",
            "[rules.title-matches-heading]\nlevel = \"warning\"\n",
        ),
        ("a.md", page),
    ]);
    assert_eq!(found(on.path()), ["a.md:2:title-matches-heading"]);
}

#[test]
fn a_fix_that_would_move_an_anchor_is_unsafe() {
    let dir = corpus(&[
        ("a.md", "# Risiko --  avkastning\n\nText  here.\n"),
        ("b.md", "See [risk](a.md#risiko-----avkastning).\n"),
    ]);
    let output = galley(dir.path())
        .args(["check", "--fix", "--format", "concise"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    // The prose fix is applied, the heading's are left for `--unsafe-fixes`.
    let fixed = std::fs::read_to_string(dir.path().join("a.md")).unwrap();
    assert_eq!(fixed, "# Risiko --  avkastning\n\nText here.\n", "{text}");
    assert!(text.contains("a.md:1:"), "{text}");
    assert!(!text.contains("broken-link"), "{text}");
}
