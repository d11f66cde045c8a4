//! Recall on real sites: each shared site (`../shared/corpora/`, see its MANIFEST.md) is
//! copied, defects are planted in one of its pages (appended, so that no line of the page
//! moves) and in one new page, and galley must report exactly the planted findings more than
//! on the untouched site: the set difference of (rule, file, line) both ways. Broken links
//! are written the way each site writes its links. Without the corpora the test says so and
//! checks nothing.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{json_report, rules_found};

const CORPORA: &str = "../shared/corpora";

/// A site, the page defects are appended to, the links appended (one broken link written the
/// way the site writes them, per line), the page's list marker, the folder a new page with a
/// frontmatter defect goes in, and what of the site to copy (all of it when empty: links
/// resolve against the whole content tree and the site's config).
struct Site {
    name: &'static str,
    page: &'static str,
    broken_links: &'static [&'static str],
    list_marker: char,
    new_page_folder: &'static str,
    subset: &'static [&'static str],
}

const SITES: &[Site] = &[
    Site {
        name: "docsy",
        page: "docsy.dev/content/en/docs/content/navigation.md",
        broken_links: &[
            "See [the missing page](/docs/content/no-such-page/).",
            "See {{< ref \"no-such-page\" >}}.",
        ],
        list_marker: '-',
        new_page_folder: "docsy.dev/content/en/docs",
        subset: &[],
    },
    Site {
        name: "redux",
        page: "docs/faq/Actions.md",
        broken_links: &["See [the missing page](./NoSuchPage.md)."],
        list_marker: '-',
        new_page_folder: "docs/faq",
        subset: &[],
    },
    Site {
        name: "mkdocs-material",
        page: "docs/setup/setting-up-a-blog.md",
        broken_links: &["See [the missing page](../plugins/no-such-plugin.md)."],
        list_marker: '-',
        new_page_folder: "docs/setup",
        subset: &[],
    },
    Site {
        name: "jekyll",
        page: "docs/_docs/structure.md",
        broken_links: &[
            "See [the missing page](/docs/no-such-page/).",
            "See [the missing doc]({% link _docs/no-such-doc.md %}).",
        ],
        list_marker: '-',
        new_page_folder: "docs/_docs",
        subset: &[],
    },
    Site {
        name: "starlight",
        page: "docs/src/content/docs/reference/plugins.md",
        broken_links: &["See [the missing page](/guides/no-such-page/)."],
        list_marker: '-',
        new_page_folder: "docs/src/content/docs/reference",
        subset: &[],
    },
    Site {
        name: "rust-book",
        page: "src/ch01-00-getting-started.md",
        broken_links: &[
            "See [the missing chapter](ch99-00-no-such-chapter.html).",
            "{{#include ../listings/no-such-listing.rs}}",
        ],
        list_marker: '-',
        new_page_folder: "src",
        subset: &[],
    },
    Site {
        name: "windows-powershell-docs",
        page: "docset/winserver2025-ps/ADFS/Add-AdfsCertificate.md",
        broken_links: &["See [the missing cmdlet](./Get-AdfsNoSuchThing.md)."],
        list_marker: '*',
        new_page_folder: "docset/winserver2025-ps/ADFS",
        subset: &[
            ".openpublishing.publish.config.json",
            ".openpublishing.redirection.json",
            "docset/docfx.json",
            "docset/docs-conceptual",
            "docset/winserver2025-ps/ADFS",
        ],
    },
    Site {
        name: "digdir-docs",
        page: "_docs/eFormidling/Selvhjelp/kjente_feil.md",
        broken_links: &[
            "Se [siden som mangler]({{site.baseurl}}/docs/eFormidling/ingen_slik_side).",
        ],
        list_marker: '-',
        new_page_folder: "_docs/eFormidling/Selvhjelp",
        subset: &[],
    },
];

/// What is appended after the links, each line with the rule it must draw ("" for none),
/// then a list in the page's own style whose last item takes another marker.
const PROSE_DEFECTS: &[(&str, &str)] = &[
    ("", ""),
    ("See [this part](#no-such-part-planted).", "broken-link"),
    ("", ""),
    (">", "empty-blockquote"),
    ("", ""),
    (
        "The costs were shared ,and nobody minded.",
        "stray-punctuation",
    ),
    ("", ""),
];

/// A new page whose frontmatter names a key twice.
const NEW_PAGE: &str = "---\ntitle: Planted\ntitle: Planted again\n---\n\n# Planted\n";
const NEW_PAGE_NAME: &str = "planted-frontmatter.md";
const NEW_PAGE_FINDING: (&str, usize) = ("frontmatter-syntax", 3);

/// `path:line:rule` of every finding on the site in `dir`.
fn findings(dir: &Path) -> BTreeSet<String> {
    let report = json_report(dir);
    rules_found(&report).into_iter().collect()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of the site (or of the parts it names).
fn copy_site(site: &Site, original: &Path) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    if site.subset.is_empty() {
        copy_tree(original, copy.path());
    }
    for part in site.subset {
        let (from, to) = (original.join(part), copy.path().join(part));
        if from.is_dir() {
            copy_tree(&from, &to);
        } else {
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&from, &to).unwrap();
        }
    }
    copy
}

/// Plants the defects in the copy of `site`; returns the findings they must draw.
fn plant(site: &Site, copy: &Path) -> BTreeSet<String> {
    let page = copy.join(site.page);
    let text = std::fs::read_to_string(&page).unwrap();
    let mut appended: Vec<(String, &str)> = vec![(String::new(), "")];
    for link in site.broken_links {
        appended.push((link.to_string(), "broken-link"));
        appended.push((String::new(), ""));
    }
    appended.extend(
        PROSE_DEFECTS
            .iter()
            .map(|&(line, rule)| (line.to_string(), rule)),
    );
    let other = if site.list_marker == '*' { '-' } else { '*' };
    appended.push((format!("{} Alpha", site.list_marker), ""));
    appended.push((format!("{} Beta", site.list_marker), ""));
    appended.push((format!("{other} Gamma"), "list-marker-style"));
    // The page's last line, ended if it was not, is where the appended lines start after.
    let mut planted = text.clone();
    if !planted.ends_with('\n') {
        planted.push('\n');
    }
    let first = planted.lines().count() + 1;
    let mut expected = BTreeSet::new();
    for (offset, (line, rule)) in appended.iter().enumerate() {
        planted.push_str(line);
        planted.push('\n');
        if !rule.is_empty() {
            expected.insert(format!("./{}:{}:{rule}", site.page, first + offset));
        }
    }
    std::fs::write(&page, planted).unwrap();
    let new_page = format!("{}/{NEW_PAGE_NAME}", site.new_page_folder);
    std::fs::write(copy.join(&new_page), NEW_PAGE).unwrap();
    let (rule, line) = NEW_PAGE_FINDING;
    expected.insert(format!("./{new_page}:{line}:{rule}"));
    expected
}

#[test]
fn planted_defects_are_found_on_every_real_site() {
    let corpora = Path::new(CORPORA);
    if !corpora.is_dir() {
        eprintln!("SKIPPED: no {CORPORA} here: the planted-defect check needs the shared corpora");
        return;
    }
    let mut failures = Vec::new();
    for site in SITES {
        let original = corpora.join(site.name);
        if !original.is_dir() {
            eprintln!("SKIPPED: no {}", original.display());
            continue;
        }
        let copy = copy_site(site, &original);
        let before = findings(copy.path());
        let expected = plant(site, copy.path());
        let after = findings(copy.path());
        let new: BTreeSet<String> = after.difference(&before).cloned().collect();
        let gone: BTreeSet<String> = before.difference(&after).cloned().collect();
        if new != expected || !gone.is_empty() {
            failures.push(format!(
                "{}:\n  expected new: {expected:?}\n  found new:    {new:?}\n  gone:         {gone:?}",
                site.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
