//! What `mkdocs.yml` says about anchors beyond headings (how pymdownx.tabbed names the ids
//! of content tabs, `=== "Title"`) and about the path the site is served under.

use std::path::Path;

use serde_json::Value;

/// How pymdownx.tabbed names its tabs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabIds {
    /// `__tabbed_<set>_<tab>`, counted through the page: no `slugify` configured.
    Counted,
    /// The title's slug, after the slug of the heading above when `combine_header_slug` is
    /// set, joined by `separator`.
    Slugged { combine: bool, separator: String },
}

/// `mkdocs.yml` (or `.yaml`) in `dir`, read once for every setting below.
pub fn config(dir: &Path) -> Option<Value> {
    let text = ["mkdocs.yml", "mkdocs.yaml"]
        .iter()
        .find_map(|name| std::fs::read_to_string(dir.join(name)).ok())?;
    crate::frontmatter::yaml_to_json(&text).ok()
}

/// The path of `site_url` (`https://x.org/proj/` is served under `proj`), when it has one.
pub fn base_path(config: &Value) -> Option<String> {
    let url = config.get("site_url")?.as_str()?;
    let after_host = url.split_once("://").map_or(url, |(_, rest)| rest);
    let base = after_host.split_once('/')?.1.trim_matches('/');
    (!base.is_empty()).then(|| base.to_string())
}

/// The tab ids the config asks for; `None` without pymdownx.tabbed.
pub fn tab_ids(config: &Value) -> Option<TabIds> {
    let extensions = config.get("markdown_extensions")?.as_array()?;
    let settings = extensions.iter().find_map(|extension| match extension {
        Value::String(name) if name == "pymdownx.tabbed" => Some(Value::Null),
        Value::Object(named) => named.get("pymdownx.tabbed").cloned(),
        _ => None,
    })?;
    // `slugify: !!python/name:pymdownx.slugs.slugify` reads as a null value: its presence is
    // what counts.
    if settings.get("slugify").is_none() {
        return Some(TabIds::Counted);
    }
    Some(TabIds::Slugged {
        combine: settings.get("combine_header_slug") == Some(&Value::Bool(true)),
        separator: (settings.get("separator").and_then(Value::as_str))
            .unwrap_or("-")
            .to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_names_the_style() {
        let dir = tempfile::tempdir().unwrap();
        let write = |text: &str| std::fs::write(dir.path().join("mkdocs.yml"), text).unwrap();
        let tab_ids = || config(dir.path()).as_ref().and_then(tab_ids);
        write("site_name: x\n");
        assert_eq!(tab_ids(), None);
        write("markdown_extensions:\n  - pymdownx.tabbed:\n      alternate_style: true\n");
        assert_eq!(tab_ids(), Some(TabIds::Counted));
        write(
            "markdown_extensions:\n  - pymdownx.tabbed:\n      combine_header_slug: true\n      \
             slugify: !!python/object/apply:pymdownx.slugs.slugify\n        kwds:\n          \
             case: lower\n",
        );
        assert_eq!(
            tab_ids(),
            Some(TabIds::Slugged {
                combine: true,
                separator: "-".into()
            })
        );
    }
}
