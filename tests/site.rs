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
fn a_bullet_style_declared_for_markdownlint_is_the_default() {
    // The page's first list uses `*`; the site's markdownlint config asks for dashes.
    let page = "* First\n* Second\n\nText.\n\n- Third\n";
    let dir = corpus(&[
        (".markdownlint.yaml", "MD004:   # ul-style\n  style: dash\n"),
        ("page.md", page),
    ]);
    assert_eq!(
        found(dir.path()),
        ["page.md:1:list-marker-style", "page.md:2:list-marker-style"]
    );
    // Without the markdownlint config, the page's first marker sets its style.
    let plain = corpus(&[("page.md", page)]);
    assert_eq!(found(plain.path()), ["page.md:6:list-marker-style"]);
    // galley's own setting wins.
    let set = corpus(&[
        (".markdownlint.yaml", "MD004:\n  style: dash\n"),
        (
            "galley.toml",
            "[rules.list-marker-style]\nstyle = \"consistent\"\n",
        ),
        ("page.md", page),
    ]);
    assert_eq!(found(set.path()), ["page.md:6:list-marker-style"]);
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

/// The broken links galley finds in `dir`, as `path:line`.
fn broken_links(dir: &std::path::Path) -> Vec<String> {
    found(dir)
        .into_iter()
        .filter(|found| found.ends_with(":broken-link"))
        .map(|found| found.trim_end_matches(":broken-link").to_string())
        .collect()
}

#[test]
fn hugo_urls_are_lowercase_sections_and_languages() {
    let dir = corpus(&[
        ("site/hugo.toml", "title = \"x\"\n"),
        (
            "site/content/en/functions/strings/Contains.md",
            "---\naliases: [/old/contains/]\n---\n# Contains\n",
        ),
        (
            "site/content/en/docs/_index.md",
            "# Docs\n\n## Getting started\n",
        ),
        ("site/content/fr/docs/_index.md", "# Docs\n"),
        (
            "site/content/en/page.md",
            "[a](/functions/strings/contains/) [b](/docs/#getting-started) [c](/fr/docs/) \
             [d](/old/contains/) [e](/tags/release/) [f](/fr/functions/strings/contains/)\n\n\
             [planted](/functions/strings/contain/)\n",
        ),
    ]);
    assert_eq!(broken_links(dir.path()), ["site/content/en/page.md:3"]);
}

#[test]
fn mdbook_pages_are_html_and_sibling_books_are_outside() {
    let dir = corpus(&[
        ("book.toml", "[book]\ntitle = \"x\"\n"),
        ("src/ch01.md", "# One\n\n## Shadowing\n"),
        (
            "src/ch02.md",
            "[a](ch01.html#shadowing) [b](../std/vec/index.html) [c](ch01.md)\n\n[planted](ch03.html)\n",
        ),
    ]);
    assert_eq!(broken_links(dir.path()), ["src/ch02.md:3"]);
}

#[test]
fn jekyll_collections_permalinks_and_base_url() {
    let dir = corpus(&[
        (
            "docs/_config.yml",
            "collections:\n  docs:\n    permalink: \"/:collection/:path/\"\n    output: true\n",
        ),
        (
            "docs/_docs/history.md",
            "# History\n\n## 1.5.0 / 2014-03-24\n{: #v1-5-0}\n",
        ),
        ("docs/_docs/step/01-setup.md", "# Setup\n"),
        ("docs/help.md", "---\npermalink: /help/\n---\n# Help\n"),
        (
            "docs/_docs/step/02-liquid.md",
            "[a](/docs/history/#v1-5-0) [b](../01-setup/) [c](/help/) \
             [d]({{ site.baseurl }}/docs/step/01-setup/) [e]({{ site.repository }}/issues)\n\n\
             [planted](/docs/histry/)\n",
        ),
    ]);
    assert_eq!(broken_links(dir.path()), ["docs/_docs/step/02-liquid.md:3"]);
}

#[test]
fn docusaurus_ids_and_static_files() {
    let dir = corpus(&[
        ("website/docusaurus.config.ts", "export default {};\n"),
        ("website/static/img/flow.png", ""),
        (
            "docs/faq/LearningResources.md",
            "---\nid: learning-resources\n---\n# Learn\n",
        ),
        (
            "docs/faq/Intro.md",
            "[a](/faq/learning-resources) [b](./LearningResources.md) [c](/img/flow.png)\n\n\
             [planted](/faq/learning-resource)\n",
        ),
    ]);
    assert_eq!(broken_links(dir.path()), ["docs/faq/Intro.md:3"]);
}

#[test]
fn starlight_translations_fall_back_to_the_default_language() {
    let dir = corpus(&[
        ("docs/astro.config.mjs", "export default {};\n"),
        (
            "docs/src/content/docs/guides/sidebar.mdx",
            "# Sidebar\n\n## Custom groups\n",
        ),
        ("docs/src/content/docs/fr/index.mdx", "# Accueil\n"),
        (
            "docs/src/content/docs/fr/intro.md",
            "[a](/fr/guides/sidebar/#custom-groups) [b](/fr/)\n\n[planted](/fr/guides/sidebars/)\n",
        ),
    ]);
    assert_eq!(
        broken_links(dir.path()),
        ["docs/src/content/docs/fr/intro.md:3"]
    );
}

#[test]
fn docfx_matches_case_and_other_docsets_are_outside() {
    let dir = corpus(&[
        ("docset/docfx.json", "{\"build\": {}}\n"),
        ("docset/ADFS/Add-AdfsClient.md", "# Add-AdfsClient\n"),
        (
            "docset/ADFS/Get-AdfsClient.md",
            "[a](./add-adfsclient.md) [b](/powershell/module/cimcmdlets/get-cimsession)\n\n\
             [planted](./Remove-AdfsClient.md)\n",
        ),
    ]);
    assert_eq!(
        broken_links(dir.path()),
        ["docset/ADFS/Get-AdfsClient.md:3"]
    );
}
