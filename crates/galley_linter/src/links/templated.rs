//! Links written in a generator's own template syntax, which the generator resolves to a file
//! while it builds: Hugo's `{{< ref "x" >}}` and `relref`, Jekyll's `{% link x %}` and
//! `{% post_url x %}`, mdBook's `{{#include x}}`, `{{#rustdoc_include x}}` and
//! `{{#playground x}}`. Generators expand these before Markdown is read, in code blocks too,
//! so they are found in the whole body, except where the generator is told to leave them:
//! Hugo's `{{</* ... */>}}`, Liquid's `{% raw %}`, mdBook's `\{{#include}}`.

use std::ops::Range;
use std::path::{Component, Path};
use std::sync::LazyLock;

use regex::Regex;
use rustc_hash::FxHashMap;

use super::{LinkIndex, PageSummary, Target};
use crate::paths::absolute;
use crate::site::Generator;

/// Which template names the file, and so how it is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TemplateKind {
    /// Hugo's `ref`/`relref`: a content page, from the page's folder, the content root, or
    /// by its name alone.
    HugoRef,
    /// Jekyll's `link`: a file of the site's source, by its exact path.
    JekyllLink,
    /// Jekyll's `post_url`: a post named `YYYY-MM-DD-title` in a `_posts` folder.
    JekyllPost,
    /// mdBook's includes: a file relative to the page.
    MdbookInclude,
}

impl TemplateKind {
    /// How the link is written, for messages.
    pub fn syntax(self) -> &'static str {
        match self {
            TemplateKind::HugoRef => "{{< ref >}}",
            TemplateKind::JekyllLink => "{% link %}",
            TemplateKind::JekyllPost => "{% post_url %}",
            TemplateKind::MdbookInclude => "{{#include}}",
        }
    }
}

/// A template link: its path (and `#anchor`) and where the path is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: TemplateKind,
    pub dest: String,
    pub span: Range<usize>,
}

static HUGO_REF: LazyLock<Regex> = LazyLock::new(|| {
    // Positional (`"x"`, `x`) or named (`path="x"`); other arguments (`lang`) may follow.
    Regex::new(
        r#"\{\{[<%]-?\s*(?:rel)?ref\s+(?:path=)?(?:"([^"]*)"|'([^']*)'|([^\s"'>%]+))[^}]*?[>%]\}\}"#,
    )
    .expect("valid regex")
});

static LIQUID_LINK: LazyLock<Regex> = LazyLock::new(|| {
    // An anchor written right after the tag belongs to the link: `{% link x.md %}#part`.
    Regex::new(r"\{%-?\s*(link|post_url)\s+([^\s%]+)\s*-?%\}(#[^\s)\]>'`]*)?").expect("valid regex")
});

static LIQUID_RAW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}").expect("valid regex")
});

static MDBOOK_INCLUDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{\{#(?:include|rustdoc_include|playground|playpen)\s+([^\s}]+)[^}]*\}\}")
        .expect("valid regex")
});

/// The template links in `source[body]`, for a site of `generator`.
pub fn find(source: &str, body: Range<usize>, generator: Generator) -> Vec<Found> {
    let text = &source[body.clone()];
    let holds = |needle: &str| memchr::memmem::find(text.as_bytes(), needle.as_bytes()).is_some();
    let mut found = Vec::new();
    let at = |range: Range<usize>| range.start + body.start..range.end + body.start;
    match generator {
        Generator::Hugo if holds("ref") => {
            for capture in HUGO_REF.captures_iter(text) {
                let Some(path) = (1..=3).find_map(|i| capture.get(i)) else {
                    continue;
                };
                found.push(Found {
                    kind: TemplateKind::HugoRef,
                    dest: path.as_str().to_string(),
                    span: at(path.range()),
                });
            }
        }
        Generator::Jekyll if holds("{%") => {
            let raw: Vec<Range<usize>> = LIQUID_RAW.find_iter(text).map(|m| m.range()).collect();
            for capture in LIQUID_LINK.captures_iter(text) {
                let (Some(whole), Some(tag), Some(path)) =
                    (capture.get(0), capture.get(1), capture.get(2))
                else {
                    continue;
                };
                // A path made by Liquid is only known once the site is built.
                let unknown = path.as_str().contains("{{");
                if unknown || raw.iter().any(|r| r.contains(&whole.start())) {
                    continue;
                }
                let kind = match tag.as_str() {
                    "link" => TemplateKind::JekyllLink,
                    _ => TemplateKind::JekyllPost,
                };
                let anchor = capture.get(3).map_or("", |a| a.as_str());
                found.push(Found {
                    kind,
                    dest: format!("{}{anchor}", path.as_str()),
                    span: at(path.range()),
                });
            }
        }
        Generator::Mdbook if holds("{{#") => {
            for capture in MDBOOK_INCLUDE.captures_iter(text) {
                let (Some(whole), Some(path)) = (capture.get(0), capture.get(1)) else {
                    continue;
                };
                if text[..whole.start()].ends_with('\\') {
                    continue;
                }
                // `file.rs:anchor` and `file.rs:2:10` name a part of the file.
                let file = path.as_str().split(':').next().unwrap_or_default();
                found.push(Found {
                    kind: TemplateKind::MdbookInclude,
                    dest: file.to_string(),
                    span: at(path.start()..path.start() + file.len()),
                });
            }
        }
        _ => {}
    }
    found
}

impl<'a> LinkIndex<'a> {
    /// Resolves a template link's path part (no fragment) from `from`, as its generator looks
    /// the file up.
    pub fn resolve_template(
        &self,
        from: &'a PageSummary,
        kind: TemplateKind,
        path: &str,
    ) -> Target<'a> {
        let Some(site) = &self.site else {
            return Target::Outside;
        };
        let found = match kind {
            TemplateKind::HugoRef => self.hugo_ref(from, path),
            TemplateKind::JekyllLink => {
                self.at(&site.dir.join(path.trim_start_matches('/')), false)
            }
            TemplateKind::JekyllPost => self.post(path),
            TemplateKind::MdbookInclude => self.at(&from.dir.join(path), false),
        };
        found.unwrap_or(Target::Missing)
    }

    /// Hugo's page lookup for `ref`: by content path (as `.GetPage`), then from the page's folder (unless the path starts with `/`),
    /// then from its content root, each with or without the extension and as a section or
    /// bundle; then by the page's name alone, anywhere.
    fn hugo_ref(&self, from: &'a PageSummary, path: &str) -> Option<Target<'a>> {
        // By the page's path in the content tree first: it knows the site's mounts.
        if let Some(page) = self.by_page_path(from, path) {
            return Some(Target::Page(page));
        }
        let site = self.site.as_ref()?;
        let root = (site.roots.iter())
            .filter(|root| from.dir.starts_with(&root.dir))
            .max_by_key(|root| root.dir.components().count())
            .or(site.roots.first())?;
        let relative = path.trim_start_matches('/');
        let bases = [
            (!path.starts_with('/')).then_some(&*from.dir),
            Some(root.dir.as_path()),
        ];
        for base in bases.into_iter().flatten() {
            let named = base.join(relative);
            let mut candidates = vec![named.clone()];
            for ext in &self.extensions {
                candidates.push(named.with_extension(ext));
                for index in ["_index", "index"] {
                    candidates.push(named.join(format!("{index}.{ext}")));
                }
            }
            if let Some(found) = candidates.iter().find_map(|c| self.at(c, true)) {
                return Some(found);
            }
        }
        let name = relative.rsplit('/').next().unwrap_or(relative);
        let name = self.without_extension(name).to_lowercase();
        let keys = self.by_name().get(&name)?;
        keys.first()
            .and_then(|key| self.page(key))
            .map(Target::Page)
    }

    /// `{% post_url [folder/]YYYY-MM-DD-title %}`: a post of that name (the extension may be
    /// given) in a `_posts` folder, under `folder` when one is named.
    fn post(&self, path: &str) -> Option<Target<'a>> {
        let path = self.without_extension(path.trim_matches('/'));
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
        let keys = self.by_name().get(&name.to_lowercase())?;
        let found = keys.iter().find(|key| {
            let stem = self.without_extension(key);
            stem.contains("_posts/")
                && stem.rsplit('/').next() == Some(name)
                && (folder.is_empty() || key.contains(&format!("{folder}/")))
        });
        found.and_then(|key| self.page(key)).map(Target::Page)
    }

    /// The page or file at `path` on disk, if there is one; `fold_case` for generators that
    /// look pages up without regard to case.
    fn at(&self, path: &Path, fold_case: bool) -> Option<Target<'a>> {
        let path = absolute(path);
        let Ok(relative) = path.strip_prefix(&self.root) else {
            return self.is_file(&path).then_some(Target::File);
        };
        let parts: Vec<_> = (relative.components())
            .filter_map(|part| match part {
                Component::Normal(part) => Some(part.to_string_lossy()),
                _ => None,
            })
            .collect();
        let key = parts.join("/");
        // The maps also hold pages by stem and folder: only the file itself counts here.
        let is_the_file = |page: &&&'a PageSummary| match fold_case {
            true => page
                .key
                .as_ref()
                .is_some_and(|k| k.eq_ignore_ascii_case(&key)),
            false => page.key.as_deref() == Some(key.as_str()),
        };
        let by_key = self.by_key.get(key.as_str()).filter(is_the_file);
        let folded = || match fold_case {
            true => (self.by_lower_key.get(&key.to_lowercase())).filter(is_the_file),
            false => None,
        };
        if let Some(page) = by_key.or_else(folded) {
            return Some(Target::Page(page));
        }
        self.is_file(&self.root.join(key)).then_some(Target::File)
    }

    fn without_extension<'s>(&self, name: &'s str) -> &'s str {
        (self.extensions.iter())
            .find_map(|ext| name.strip_suffix(ext.as_str())?.strip_suffix('.'))
            .unwrap_or(name)
    }

    fn by_name(&self) -> &FxHashMap<String, Vec<String>> {
        self.by_name.get_or_init(|| {
            let mut by_name: FxHashMap<String, Vec<String>> = FxHashMap::default();
            for (key, page) in &self.by_key {
                // Each page once, by its full key (the map also holds stems and folders).
                if page.key.as_deref() != Some(*key) {
                    continue;
                }
                let stem = self.without_extension(key);
                let (folder, name) = stem.rsplit_once('/').unwrap_or(("", stem));
                let name = match name {
                    "index" | "_index" => folder.rsplit('/').next().unwrap_or(folder),
                    name => name,
                };
                by_name
                    .entry(name.to_lowercase())
                    .or_default()
                    .push(key.to_string());
            }
            for keys in by_name.values_mut() {
                keys.sort();
            }
            by_name
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dests(text: &str, generator: Generator) -> Vec<(&str, String)> {
        find(text, 0..text.len(), generator)
            .into_iter()
            .map(|found| (&text[found.span], found.dest))
            .collect()
    }

    #[test]
    fn hugo_refs_in_links_and_bare() {
        let text = "[a]({{< ref \"feedback#seo\" >}}) {{% relref path=\"/docs/x.md\" %}} \
            {{</* ref \"shown\" */>}} {{< ref b >}}";
        assert_eq!(
            dests(text, Generator::Hugo),
            [
                ("feedback#seo", "feedback#seo".to_string()),
                ("/docs/x.md", "/docs/x.md".to_string()),
                ("b", "b".to_string())
            ]
        );
        assert!(dests(text, Generator::Jekyll).is_empty());
    }

    #[test]
    fn liquid_links_outside_raw() {
        let text = "[h]({% link _docs/history.md %}#v3) {% post_url 2010-07-21-post %}\n\
            {% raw %}{% link _collection/x.md %}{% endraw %} {% link {{ page.x }} %}";
        assert_eq!(
            dests(text, Generator::Jekyll),
            [
                ("_docs/history.md", "_docs/history.md#v3".to_string()),
                ("2010-07-21-post", "2010-07-21-post".to_string())
            ]
        );
    }

    #[test]
    fn mdbook_includes_without_their_part() {
        let text = "```rust\n{{#rustdoc_include ../listings/a/main.rs:here}}\n```\n\
            \\{{#include escaped.rs}} {{#playground x.rs editable}}";
        assert_eq!(
            dests(text, Generator::Mdbook),
            [
                ("../listings/a/main.rs", "../listings/a/main.rs".to_string()),
                ("x.rs", "x.rs".to_string())
            ]
        );
    }
}
