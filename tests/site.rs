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
fn hugo_relative_aliases_and_shortcodes_in_headings() {
    let dir = corpus(&[
        ("site/hugo.toml", "title = \"x\"\n"),
        (
            "site/content/blog/2023/release.md",
            "---\naliases: [old-release, /moved/]\n---\n# Release\n\n\
             ### {{% param icon %}} Upgrading with care\n",
        ),
        (
            "site/content/page.md",
            "[a](/blog/2023/old-release/) [b](/moved/) \
             [c](/blog/2023/release/#upgrading-with-care)\n\n\
             [planted](/old-release/)\n",
        ),
    ]);
    assert_eq!(broken_links(dir.path()), ["site/content/page.md:3"]);
}

#[test]
fn hugo_mounts_place_files_in_the_content_tree() {
    let config = "module:\n  mounts:\n    - source: content/en\n      target: content\n    \
        - source: ../README.md\n      target: content/project/repo/README.md\n    \
        - source: ../guide\n      target: content/guide\n    \
        - source: ../CONTRIBUTING.md\n      target: content/project/how-to-help.md\n";
    let dir = corpus(&[
        ("README.md", "# Read me\n\n## Building\n"),
        ("CONTRIBUTING.md", "# Contributing\n"),
        ("guide/start.md", "# Start\n"),
        ("site/config/_default/hugo.yaml", config),
        (
            "site/content/en/project/repo/_index.md",
            "[a](README.md#building) [b](/guide/start/) [c](/project/repo/readme/) \
             [d]({{< ref \"/project/how-to-help\" >}})\n\n[planted](CHANGELOG.md)\n",
        ),
        // Not mounted: the site declares its content mounts, so `content/` is not one.
        ("site/content/other.md", "# Other\n"),
        ("site/content/en/page.md", "[planted](/other/)\n"),
    ]);
    assert_eq!(
        broken_links(dir.path()),
        [
            "site/content/en/page.md:1",
            "site/content/en/project/repo/_index.md:3"
        ]
    );
}

#[test]
fn hugo_link_hook_finds_pages_by_path_on_multilingual_sites() {
    let languages = "[languages.en]\nweight = 1\n[languages.fr]\nweight = 2\n";
    let pages = [
        ("site/content/docs/get-started/_index.md", "# Get started\n"),
        (
            "site/content/docs/language.md",
            "# Language\n\n## Bundles\n",
        ),
        ("site/content/docs/content/look.md", "# Look\n"),
        // A leaf bundle finds its siblings from the folder that holds it.
        (
            "site/content/docs/content/shortcodes/index.md",
            "[a](look/) [b](../language/#bundles)\n\n[planted](../nowhere/)\n",
        ),
        // A page finds its siblings from its own folder, and any page from the root.
        (
            "site/content/docs/contributing.md",
            "[a](get-started) [b](docs/language)\n\n[planted](./get-started/nowhere)\n",
        ),
    ];
    let mut files = vec![("site/hugo.toml", languages)];
    files.extend(pages);
    let dir = corpus(&files);
    assert_eq!(
        broken_links(dir.path()),
        [
            "site/content/docs/content/shortcodes/index.md:3",
            "site/content/docs/contributing.md:3"
        ]
    );
    // One language: Hugo leaves the links as written, and the browser resolves them from
    // the page's URL (`/docs/contributing/get-started`: no such page).
    let mut files = vec![("site/hugo.toml", "title = \"x\"\n")];
    files.extend(pages);
    let dir = corpus(&files);
    assert_eq!(
        broken_links(dir.path()),
        [
            "site/content/docs/content/shortcodes/index.md:1",
            "site/content/docs/content/shortcodes/index.md:1",
            "site/content/docs/content/shortcodes/index.md:3",
            "site/content/docs/contributing.md:1",
            "site/content/docs/contributing.md:1",
            "site/content/docs/contributing.md:3"
        ]
    );
}

#[test]
fn mkdocs_attribute_ids_and_material_option_anchors() {
    let dir = corpus(&[
        ("mkdocs.yml", "site_name: x\n"),
        (
            "docs/setup.md",
            "# Setup\n\n### Navigation path <small>new</small> { id=navigation-path }\n\n\
             <!-- md:option toc.slugify -->\n\nText.\n\n<!-- md:option type:abstract -->\n\nText.\n",
        ),
        (
            "docs/index.md",
            "[a](setup.md#navigation-path) [b](setup.md#+toc.slugify) [c](setup.md#+type:abstract)\n\n\
             [planted](setup.md#+toc.permalink)\n",
        ),
    ]);
    assert_eq!(broken_links(dir.path()), ["docs/index.md:3"]);
}

#[test]
fn mkdocs_content_tabs_and_code_blocks_with_ids_are_anchors() {
    let tabbed = "markdown_extensions:\n  - pymdownx.tabbed:\n      alternate_style: true\n      \
        combine_header_slug: true\n      slugify: !!python/object/apply:pymdownx.slugs.slugify\n        \
        kwds:\n          case: lower\n";
    let page = "# Tabs\n\n## Anchor links\n\n=== \"Open me\"\n\n    One.\n\n\
        === \"... or even me\"\n\n    Two.\n\n??? example \"Inspect\"\n\n    \
        ``` { .sh .no-copy #example }\n    ls\n    ```\n";
    let links = "[a](tabs.md#anchor-links-open-me) [b](tabs.md#anchor-links--or-even-me) \
        [c](tabs.md#example)\n\n[planted](tabs.md#or-even-me) [planted](tabs.md#__tabbed_1_1)\n";
    let dir = corpus(&[
        ("mkdocs.yml", tabbed),
        ("docs/tabs.md", page),
        ("docs/index.md", links),
    ]);
    assert_eq!(
        broken_links(dir.path()),
        ["docs/index.md:3", "docs/index.md:3"]
    );
    // Without `slugify`, tabs are counted: `__tabbed_<set>_<tab>`.
    let counted = "markdown_extensions:\n  - pymdownx.tabbed\n";
    let dir = corpus(&[
        ("mkdocs.yml", counted),
        ("docs/tabs.md", page),
        (
            "docs/index.md",
            "[a](tabs.md#__tabbed_1_2)\n\n[planted](tabs.md#__tabbed_1_3)\n",
        ),
    ]);
    assert_eq!(broken_links(dir.path()), ["docs/index.md:3"]);
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
            "[a](/faq/learning-resources) [b](./LearningResources.md) [c](/img/flow.png) \
             [d](../learning-resources)\n\n[planted](/faq/learning-resource)\n",
        ),
    ]);
    // Without `trailingSlash: true` a page's URL is `/faq/intro`: `../x` leaves `/faq/`.
    assert_eq!(
        broken_links(dir.path()),
        ["docs/faq/Intro.md:1", "docs/faq/Intro.md:3"]
    );
    let relative = "[d](learning-resources)\n\n[planted](../learning-resources)\n";
    let dir = corpus(&[
        ("website/docusaurus.config.ts", "export default {};\n"),
        (
            "docs/faq/LearningResources.md",
            "---\nid: learning-resources\n---\n# Learn\n",
        ),
        ("docs/faq/Intro.md", relative),
    ]);
    assert_eq!(broken_links(dir.path()), ["docs/faq/Intro.md:3"]);
    let dir = corpus(&[
        (
            "website/docusaurus.config.ts",
            "export default {\n  trailingSlash: true,\n};\n",
        ),
        (
            "docs/faq/LearningResources.md",
            "---\nid: learning-resources\n---\n# Learn\n",
        ),
        (
            "docs/faq/Intro.md",
            "[d](../learning-resources)\n\n[planted](learning-resources)\n",
        ),
    ]);
    assert_eq!(broken_links(dir.path()), ["docs/faq/Intro.md:3"]);
}

#[test]
fn docusaurus_blog_posts_are_served_under_their_date_or_slug() {
    let dir = corpus(&[
        ("docusaurus.config.js", "module.exports = {};\n"),
        ("blog/2021-03-04-launch.md", "# Launch\n"),
        ("blog/2022-01-02-folder-post/index.md", "# In a folder\n"),
        (
            "blog/2023-05-06-renamed.md",
            "---\nslug: hello\n---\n# Hello\n",
        ),
        (
            "docs/intro.md",
            "[a](/blog/2021/03/04/launch) [b](/blog/2022/01/02/folder-post) [c](/blog/hello)\n\n\
             [d](../blog/2021-03-04-launch.md)\n\n[planted](/blog/2021/03/05/launch)\n",
        ),
    ]);
    assert_eq!(broken_links(dir.path()), ["docs/intro.md:5"]);
}

#[test]
fn docusaurus_versioned_docs_are_served_under_their_version() {
    let dir = corpus(&[
        ("docusaurus.config.js", "module.exports = {};\n"),
        (
            "versioned_docs/version-1.0/setup.md",
            "# Setup\n\n## Install\n",
        ),
        (
            "docs/intro.md",
            "[a](/docs/1.0/setup) [b](/docs/1.0/setup#install)\n\n[planted](/docs/1.1/setup)\n",
        ),
    ]);
    assert_eq!(broken_links(dir.path()), ["docs/intro.md:3"]);
}

#[test]
fn docusaurus_reads_at_site_paths_from_the_site_folder() {
    let dir = corpus(&[
        ("website/docusaurus.config.js", "module.exports = {};\n"),
        ("website/static/img/logo.png", ""),
        ("docs/guide.md", "# Guide\n\n## Start\n"),
        (
            "docs/intro.md",
            "![a](@site/static/img/logo.png) [b](@site/../docs/guide.md#start)\n\n\
             [planted](@site/static/img/logo.svg)\n",
        ),
    ]);
    assert_eq!(broken_links(dir.path()), ["docs/intro.md:3"]);
}

#[test]
fn jekyll_posts_follow_the_site_permalink() {
    let post = "---\ntitle: Hello\n---\nHi.\n";
    let dir = corpus(&[
        ("pretty/_config.yml", "title: x\npermalink: pretty\n"),
        ("pretty/_posts/2020-05-06-hello-world.md", post),
        (
            "pretty/about.md",
            "[a](/2020/05/06/hello-world/)\n\n[planted](/2020/05/07/hello-world/)\n",
        ),
        (
            "custom/_config.yml",
            "title: x\npermalink: /blog/:categories/:year/:month/:day/:title/\n",
        ),
        ("custom/_posts/2020-05-06-hello-world.md", post),
        (
            "custom/about.md",
            "[a](/blog/2020/05/06/hello-world/)\n\n[planted](/2020/05/06/hello-world/)\n",
        ),
    ]);
    let mut found = broken_links(&dir.path().join("pretty"));
    found.extend(broken_links(&dir.path().join("custom")));
    assert_eq!(found, ["about.md:3", "about.md:3"]);
}

#[test]
fn site_absolute_links_may_start_with_the_base_path() {
    let dir = corpus(&[
        ("jekyll/_config.yml", "title: x\nbaseurl: \"/proj\"\n"),
        ("jekyll/about.md", "---\npermalink: /about/\n---\n# About\n"),
        (
            "jekyll/index.md",
            "[a](/proj/about/) [b](/about/) [c](/proj/)\n\n[planted](/proj/abut/)\n",
        ),
        (
            "docusaurus/docusaurus.config.js",
            "module.exports = { url: 'https://x.org', baseUrl: '/proj/' };\n",
        ),
        (
            "starlight/astro.config.mjs",
            "export default defineConfig({\n  base: '/docs',\n  integrations: [],\n});\n",
        ),
        ("starlight/src/content/docs/guides/a.md", "# A\n"),
        (
            "starlight/src/content/docs/index.md",
            "[a](/docs/guides/a/) [b](/guides/a/)\n\n[planted](/docs/guides/b/)\n",
        ),
        (
            "mkdocs/mkdocs.yml",
            "site_name: x\nsite_url: https://x.org/proj/\n",
        ),
        ("mkdocs/docs/guide/setup.md", "# Setup\n"),
        (
            "mkdocs/docs/index.md",
            "[a](/proj/guide/setup/) [b](/guide/setup/)\n\n[planted](/proj/guide/set/)\n",
        ),
        ("docusaurus/docs/setup.md", "# Setup\n"),
        (
            "docusaurus/docs/intro.md",
            "[a](/proj/docs/setup) [b](/docs/setup)\n\n[planted](/proj/docs/setp)\n",
        ),
    ]);
    let mut found = broken_links(&dir.path().join("jekyll"));
    found.extend(broken_links(&dir.path().join("docusaurus")));
    found.extend(broken_links(&dir.path().join("mkdocs")));
    found.extend(broken_links(&dir.path().join("starlight")));
    assert_eq!(
        found,
        [
            "index.md:3",
            "docs/intro.md:3",
            "docs/index.md:3",
            "src/content/docs/index.md:3"
        ]
    );
}

#[test]
fn starlight_translations_fall_back_to_the_default_language() {
    let dir = corpus(&[
        ("docs/astro.config.mjs", "export default {};\n"),
        (
            "docs/src/content/docs/guides/sidebar.mdx",
            "# Sidebar\n\n## Custom groups\n",
        ),
        ("docs/src/content/docs/index.mdx", "# Home\n"),
        ("docs/src/content/docs/fr/index.mdx", "# Accueil\n"),
        (
            "docs/src/content/docs/fr/intro.md",
            "[a](/fr/guides/sidebar/#custom-groups) [b](/fr/)\n\n[planted](/fr/guides/sidebars/)\n",
        ),
        // An untranslated locale's home falls back too.
        (
            "docs/src/content/docs/de/intro.md",
            "[a](/de/) [b](/de/guides/sidebar/)\n",
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

#[test]
fn hugo_refs_resolve_as_hugo_finds_pages() {
    let dir = corpus(&[
        ("hugo.toml", "title = \"x\"\n"),
        (
            "content/docs/feedback.md",
            "# Feedback\n\n## Search engines\n",
        ),
        ("content/docs/content/_index.md", "# Content\n"),
        ("content/docs/content/shortcodes/index.md", "# Shortcodes\n"),
        (
            "content/docs/content/navigation.md",
            "[a]({{< ref \"feedback#search-engines\" >}}) [b]({{< relref \"/docs/content\" >}}) \
             {{< ref \"shortcodes\" >}} {{< ref \"../Feedback.md\" >}}\n\n\
             ```\n{{< ref \"in-code\" >}} {{</* ref \"shown-not-run\" */>}}\n```\n\n\
             [c]({{< ref \"feedback#no-such-part\" >}})\n",
        ),
    ]);
    // Hugo expands shortcodes in code blocks too: a missing page there fails the build.
    assert_eq!(
        broken_links(dir.path()),
        [
            "content/docs/content/navigation.md:4",
            "content/docs/content/navigation.md:7"
        ]
    );
}

#[test]
fn jekyll_link_and_post_url_name_source_files() {
    let dir = corpus(&[
        (
            "docs/_config.yml",
            "collections:\n  docs:\n    output: true\n",
        ),
        ("docs/_docs/history.md", "# History\n\n## v1\n"),
        (
            "docs/_posts/2013-05-06-jekyll-1-0-released.markdown",
            "# 1.0\n",
        ),
        ("docs/assets/doc.pdf", ""),
        (
            "docs/_posts/2014-05-06-two.md",
            "[a]({% link _docs/history.md %}#v1) [b]({% link /assets/doc.pdf %}) \
             [c]({% post_url 2013-05-06-jekyll-1-0-released %})\n\n\
             {% raw %}{% link _docs/example.md %}{% endraw %} {% link {{ page.x }} %}\n\n\
             [d]({% link _docs/History.md %}) [e]({% post_url 2013-05-07-none %})\n",
        ),
    ]);
    assert_eq!(
        broken_links(dir.path()),
        [
            "docs/_posts/2014-05-06-two.md:5",
            "docs/_posts/2014-05-06-two.md:5"
        ]
    );
    // A page that turns Liquid off shows its tags as written.
    let shown = corpus(&[
        ("_config.yml", "title: x\n"),
        (
            "liquid.md",
            "---\nrender_with_liquid: false\n---\nWrite {% link _docs/your-page.md %}.\n",
        ),
        ("other.md", "Write {% link _docs/your-page.md %}.\n"),
    ]);
    assert_eq!(broken_links(shown.path()), ["other.md:1"]);
}

#[test]
fn mdbook_includes_name_files_beside_the_page() {
    let dir = corpus(&[
        ("book.toml", "[book]\ntitle = \"x\"\n"),
        ("listings/ch01/main.rs", ""),
        (
            "src/ch01.md",
            "```rust\n{{#rustdoc_include ../listings/ch01/main.rs:here}}\n```\n\n\
             \\{{#include ../listings/shown.rs}}\n\n{{#include ../listings/ch01/mian.rs}}\n",
        ),
    ]);
    assert_eq!(broken_links(dir.path()), ["src/ch01.md:7"]);
}

#[test]
fn init_writes_the_detected_generator_and_its_folder() {
    let dir = corpus(&[
        ("site/hugo.toml", "title = \"x\"\n"),
        ("site/content/docs/Setup.md", "# Setup\n"),
        (
            "site/content/docs/intro.md",
            "[a](/docs/setup/)\n\n[planted](/docs/set-up/)\n",
        ),
    ]);
    galley(dir.path()).arg("init").assert().code(0);
    let config = std::fs::read_to_string(dir.path().join("galley.toml")).unwrap();
    assert!(
        config.contains("[site]\n# Detected by `galley init`"),
        "{config}"
    );
    assert!(config.contains("generator = \"hugo\"\n"), "{config}");
    assert!(config.contains("dir = \"site\"\n"), "{config}");
    // The written settings resolve links as Hugo does.
    assert_eq!(broken_links(dir.path()), ["site/content/docs/intro.md:3"]);
    let plain = corpus(&[("a.md", "# A\n")]);
    galley(plain.path()).arg("init").assert().code(0);
    let config = std::fs::read_to_string(plain.path().join("galley.toml")).unwrap();
    assert!(config.contains("# No site generator found"), "{config}");
}

#[test]
fn netlify_redirect_sources_count_as_pages() {
    let dir = corpus(&[
        ("website/docusaurus.config.ts", "export default {};\n"),
        (
            "website/_redirects",
            "# old GitBook URLs\n/advanced/asyncactions*  /tutorials/async  301\n\
             /zh/*  /zh-cn/:splat\n/*  /404/  404\n",
        ),
        (
            "netlify.toml",
            "[[redirects]]\n  from = \"/docs/adding-content/*\"\n  to = \"/tutorials/:splat\"\n",
        ),
        ("docs/tutorials/async.md", "# Async\n\n## Thunks\n"),
        (
            "docs/intro.md",
            "[a](/advanced/asyncactions-old) [b](/zh/guides/x/) [c](/docs/adding-content/x/)\n\n\
             [planted](/advanced/other/)\n",
        ),
    ]);
    // The catch-all `/* /404/ 404` serves a 404 page: it reaches nothing.
    assert_eq!(broken_links(dir.path()), ["docs/intro.md:3"]);
}

#[test]
fn mdbook_redirects_keep_old_page_names_alive() {
    let dir = corpus(&[
        (
            "book.toml",
            "[book]\ntitle = \"x\"\n\n[output.html.redirect]\n\"ch17-00-oop.html\" = \"ch18-00-oop.html\"\n",
        ),
        ("src/ch18-00-oop.md", "# OOP\n\n## Objects\n"),
        (
            "src/ch01.md",
            "[a](ch17-00-oop.html#objects) [b](ch18-00-oop.html)\n\n\
             [planted](ch17-00-oop.html#no-such-part) [planted](ch16-00-oop.html)\n",
        ),
    ]);
    // A redirect leads to its page: the anchor is checked there.
    assert_eq!(broken_links(dir.path()), ["src/ch01.md:3", "src/ch01.md:3"]);
}

#[test]
fn docfx_maps_src_to_dest_and_follows_the_redirection_file() {
    let dir = corpus(&[
        (
            "docset/docfx.json",
            r#"{"build": {"content": [
                {"src": "docs-conceptual/ws2025", "dest": "windows", "files": ["**/*.md"]},
                {"src": "ws2025", "dest": "module", "files": ["**/*.yml"], "exclude": ["toc.yml"]}
            ]}}"#,
        ),
        (
            ".openpublishing.redirection.json",
            r#"{"redirections": [
                {"source_path": "docset/docs-conceptual/ws2025/overview.md",
                 "redirect_url": "/powershell/windows/get-started"}
            ]}"#,
        ),
        (
            "docset/docs-conceptual/ws2025/get-started.md",
            "# Get started\n\n## Install\n",
        ),
        ("docset/ws2025/ADFS/Get-AdfsClient.md", "# Get-AdfsClient\n\n## Syntax\n"),
        (
            "docset/ws2025/ADFS/Add-AdfsClient.md",
            "[a](/powershell/module/adfs/get-adfsclient#syntax) [b](/powershell/windows/get-started#install) \
             [c](../../docs-conceptual/ws2025/overview.md) [d](/powershell/module/cimcmdlets/get-cimsession)\n\n\
             [planted](/powershell/module/adfs/get-adfsclient#parameters)\n\n\
             [e](Get-AdfsClient.yml#syntax) [planted](Remove-AdfsClient.yml)\n",
        ),
    ]);
    // The `.yml` the entry names is what a prebuild step makes of the `.md` page.
    assert_eq!(
        broken_links(dir.path()),
        [
            "docset/ws2025/ADFS/Add-AdfsClient.md:3",
            "docset/ws2025/ADFS/Add-AdfsClient.md:5"
        ]
    );
}

#[test]
fn jekyll_serves_files_where_github_pages_does() {
    let dir = corpus(&[
        ("_config.yml", "collections:\n  docs:\n    output: true\n"),
        ("schemas/dpi/digital.schema.json", "{}"),
        ("_docs/krr/index.md", "# KRR\n"),
        ("_docs/api/restdocs.html", "<h1>API</h1>\n"),
        (
            "_docs/api/tests.md",
            "# Tests\n\n### 6.\tSingle log-out (SLO)\n",
        ),
        (
            "resources/sikkerhet.md",
            "---\nredirect_from: /sikkerhet_index\n---\n# Sikkerhet\n",
        ),
        (
            "resources/nyinf/digital.md",
            "---\npermalink: dpi_digital.html\n---\n\
             [a](schemas/dpi/digital.schema.json) [b](sikkerhet_index.html) [c](/docs/krr/) \
             [d](/docs/api/restdocs) [e](/docs/api/tests#6-single-log-out-slo)\n\n\
             [planted](schemas/dpi/utskrift.schema.json) [planted](/docs/api/tests#7-single-log-out-slo) \
             [planted](/docs/krr/arkiv/)\n",
        ),
    ]);
    // A page's permalink sets where its relative links start (here the site's root), the
    // host serves `a` for `a.html`, a collection's `index` for its folder, and kramdown's
    // GFM ids turn a tab into `-`.
    assert_eq!(
        broken_links(dir.path()),
        [
            "resources/nyinf/digital.md:6",
            "resources/nyinf/digital.md:6",
            "resources/nyinf/digital.md:6"
        ]
    );
}

#[test]
fn a_site_folder_that_is_not_there_is_a_config_error() {
    let dir = corpus(&[
        ("galley.toml", "[site]\ndir = \"website\"\n"),
        ("a.md", "# A\n"),
    ]);
    let output = galley(dir.path()).arg("check").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("galley.toml:2:7"), "{stderr}");
    assert!(stderr.contains("[site] dir: no such folder"), "{stderr}");
}

#[test]
fn sites_named_from_a_folder_of_several_sites_are_each_checked_as_from_within_them() {
    // From the top, Jekyll's config is found first (a level down, where Hugo's is two and
    // Docusaurus's beside the named pages): each named folder's own site roots its run.
    let dir = corpus(&[
        ("blog/_config.yml", "title: x\n"),
        ("blog/index.md", "# Blog\n"),
        ("handbook/site/hugo.toml", "title = \"x\"\n"),
        (
            "handbook/site/content/guide/start.md",
            "# Start\n\n## Install\n",
        ),
        (
            "handbook/site/content/intro.md",
            "[a](/guide/start/#install)\n\n[planted](/guide/stop/)\n",
        ),
        (
            "manual/website/docusaurus.config.js",
            "module.exports = {};\n",
        ),
        ("manual/website/static/img/logo.png", ""),
        (
            "manual/docs/intro.md",
            "![logo](/img/logo.png)\n\n![planted](/img/x.png)\n",
        ),
    ]);
    let handbook = dir.path().join("handbook");
    assert_eq!(
        found_by(&handbook, &["."]),
        ["site/content/intro.md:3:broken-link"]
    );
    assert_eq!(
        found_by(dir.path(), &["handbook"]),
        ["handbook/site/content/intro.md:3:broken-link"]
    );
    assert_eq!(
        found_by(dir.path(), &["manual/docs"]),
        ["manual/docs/intro.md:3:broken-link"]
    );
    // Named together, as a pre-commit hook names the staged pages of both: each in its site.
    let both = [
        "handbook/site/content/intro.md:3:broken-link",
        "manual/docs/intro.md:3:broken-link",
    ];
    assert_eq!(found_by(dir.path(), &["handbook", "manual/docs"]), both);
    let pages = ["manual/docs/intro.md", "handbook/site/content/intro.md"];
    assert_eq!(found_by(dir.path(), &pages), both);
    // Each with its own `galley.toml`.
    let stray = "# Notes\n\nOne word .\n";
    let off = "[rules.stray-punctuation]\nlevel = \"off\"\n";
    for (path, text) in [
        ("notes/galley.toml", off),
        ("notes/a.md", stray),
        ("loose/a.md", stray),
    ] {
        std::fs::create_dir_all(dir.path().join(path).parent().unwrap()).unwrap();
        std::fs::write(dir.path().join(path), text).unwrap();
    }
    assert_eq!(
        found_by(dir.path(), &["notes/a.md", "loose/a.md"]),
        ["loose/a.md:3:stray-punctuation"]
    );
    // Checked whole, the folder is checked site by site.
    assert_eq!(
        found_by(dir.path(), &["."]),
        [
            "handbook/site/content/intro.md:3:broken-link",
            "loose/a.md:3:stray-punctuation",
            "manual/docs/intro.md:3:broken-link",
        ]
    );
}

/// A file of a test corpus: its path and text.
type File<'a> = (&'a str, &'a str);

/// `path:line:rule` of every finding of `galley check ARGS` run in `dir`, paths without `./`.
fn found_by(dir: &std::path::Path, args: &[&str]) -> Vec<String> {
    let output = galley(dir)
        .args(["check", "--no-cache", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&output.stderr)));
    (rules_found(&report).into_iter())
        .map(|found| found.trim_start_matches("./").to_string())
        .collect()
}

#[test]
fn a_page_checked_alone_from_the_top_of_its_site_is_checked_as_in_the_whole_run() {
    // Without a `galley.toml`: mdBook's config above the page, Docusaurus's beside its docs,
    // docfx's below a markdownlint config that asks for dashes.
    let sites: [(&[File], &str, &[&str]); 3] = [
        (
            &[
                ("book/book.toml", "[book]\ntitle = \"x\"\n"),
                (
                    "book/src/ch01.md",
                    "# One\n\nSee [two](ch02.html#part), [gone](ch09.md).\n",
                ),
                ("book/src/ch02.md", "# Two\n\n## Part\n"),
            ],
            "book/src/ch01.md",
            &["book/src/ch01.md:3:broken-link"],
        ),
        (
            &[
                ("website/docusaurus.config.js", "module.exports = {};\n"),
                ("website/static/img/logo.png", ""),
                (
                    "docs/guide/intro.md",
                    "# Intro\n\n![logo](/img/logo.png)\n\n![gone](/img/x.png)\n",
                ),
            ],
            "docs/guide/intro.md",
            &["docs/guide/intro.md:5:broken-link"],
        ),
        (
            &[
                (".markdownlint.yaml", "MD004:\n  style: dash\n"),
                (
                    "docset/docfx.json",
                    r#"{"build": {"content": [{"files": ["**/*.md"]}]}}"#,
                ),
                ("docset/ref/page.md", "# Page\n\n* one\n* two\n"),
            ],
            "docset/ref/page.md",
            &[
                "docset/ref/page.md:3:list-marker-style",
                "docset/ref/page.md:4:list-marker-style",
            ],
        ),
    ];
    for (files, page, expected) in sites {
        let dir = corpus(files);
        assert_eq!(found_by(dir.path(), &["."]), expected, "the whole run");
        assert_eq!(found_by(dir.path(), &[page]), expected, "{page} alone");
    }
}

#[test]
fn a_site_config_above_the_working_folder_does_not_root_the_run() {
    let dir = corpus(&[
        ("hugo.toml", "title = \"x\"\n"),
        ("work/docs/a.md", "# A\n\nText.\n"),
    ]);
    // From the top, the page is rooted at the site, and its cache with it.
    galley(dir.path())
        .args(["check", "work/docs/a.md"])
        .output()
        .unwrap();
    assert!(dir.path().join(".galley_cache").is_dir());
    // From below the site's config, at the page's folder, as without a site.
    std::fs::remove_dir_all(dir.path().join(".galley_cache")).unwrap();
    galley(&dir.path().join("work"))
        .args(["check", "docs/a.md"])
        .output()
        .unwrap();
    assert!(!dir.path().join(".galley_cache").exists());
    assert!(dir.path().join("work/docs/.galley_cache").is_dir());
}
