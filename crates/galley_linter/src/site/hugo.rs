//! What a Hugo site's config says about its pages: where the content comes from (the content
//! folder, each language's `contentDir`, and `module.mounts`, which may mount any file or
//! folder, even outside the site, at a path of the content tree), the languages and their URL
//! prefixes, and whether Hugo's embedded link render hook resolves Markdown links as page
//! paths (`[x](../other)` finds the page `other` as `.GetPage` does).

use std::path::Path;

use serde_json::Value;

use super::ContentRoot;
use crate::paths::absolute;

/// The parts of a Hugo site's config that decide its URLs and link resolution.
pub(super) struct Hugo {
    pub roots: Vec<ContentRoot>,
    /// Whether the embedded link render hook resolves Markdown link destinations as pages.
    pub link_hook: bool,
}

/// The config files Hugo reads, in the order their top-level keys win: the site's root
/// config, then `config/_default/` (a whole config, or one file per top-level key such as
/// `module.yaml` or `languages.toml`).
const ROOT_CONFIGS: &[&str] = &["hugo", "config"];
const FORMATS: &[&str] = &["toml", "yaml", "yml", "json"];

impl Hugo {
    pub fn read(dir: &Path) -> Hugo {
        let config = merged_config(dir);
        let default_language = get(&config, "defaultContentLanguage")
            .and_then(Value::as_str)
            .unwrap_or("en")
            .to_string();
        let in_subdir = get(&config, "defaultContentLanguageInSubdir")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let languages: Vec<(String, &Value)> = match get(&config, "languages") {
            Some(Value::Object(languages)) => (languages.iter())
                .filter(|(_, settings)| get(settings, "disabled") != Some(&Value::Bool(true)))
                .map(|(code, settings)| (code.to_string(), settings))
                .collect(),
            _ => Vec::new(),
        };
        // Each language on a host of its own: every language's pages start at `/`.
        let multihost = languages
            .iter()
            .any(|(_, settings)| get(settings, "baseURL").is_some());
        let prefix = |language: &str| {
            if multihost || (language == default_language && !in_subdir) {
                String::new()
            } else {
                language.to_string()
            }
        };
        let content_dir = get(&config, "contentDir")
            .and_then(Value::as_str)
            .unwrap_or("content");
        let root = |source: &str, target: &str, prefix: String| ContentRoot {
            dir: absolute(&dir.join(source)),
            target: target.trim_matches('/').to_string(),
            prefix,
        };
        let mounts = get(&config, "module")
            .and_then(|module| get(module, "mounts"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut roots = Vec::new();
        for mount in &mounts {
            let (Some(source), Some(target)) = (
                get(mount, "source").and_then(Value::as_str),
                get(mount, "target").and_then(Value::as_str),
            ) else {
                continue;
            };
            let Some(under) = content_target(target) else {
                continue;
            };
            let language = mount_language(mount, &default_language);
            roots.push(root(
                source,
                under,
                language.as_deref().map(prefix).unwrap_or_default(),
            ));
        }
        // A site that mounts content replaces Hugo's default content mount; else the content
        // folder, each language's own `contentDir`, or (lacking both) language-named folders.
        if roots.is_empty() {
            roots.push(root(content_dir, "", String::new()));
            for (code, settings) in &languages {
                if let Some(own) = get(settings, "contentDir").and_then(Value::as_str) {
                    roots.push(root(own, "", prefix(code)));
                }
            }
            if roots.len() == 1 {
                roots.extend(language_folders(&dir.join(content_dir), &default_language));
            }
        }
        let link_hook = link_hook(dir, &config, languages.len() > 1 && !multihost);
        Hugo { roots, link_hook }
    }
}

/// The path under `content` a mount's target names, if it is in the content tree.
fn content_target(target: &str) -> Option<&str> {
    let target = target.trim_matches('/');
    match target.strip_prefix("content")? {
        "" => Some(""),
        rest => rest.strip_prefix('/'),
    }
}

/// The language a mount's files are in: `lang`, or the first of Hugo's `sites.matrix`
/// languages (the default language when it is one of them, as its pages are then at `/`).
fn mount_language(mount: &Value, default_language: &str) -> Option<String> {
    if let Some(lang) = get(mount, "lang").and_then(Value::as_str) {
        return Some(lang.to_string());
    }
    let languages = get(mount, "sites")
        .and_then(|sites| get(sites, "matrix"))
        .and_then(|matrix| get(matrix, "languages"))?;
    let codes: Vec<&str> = match languages {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if codes.contains(&default_language) {
        return Some(default_language.to_string());
    }
    codes.first().map(|code| code.to_string())
}

/// Whether Hugo renders Markdown links through its embedded link render hook: when the site
/// asks for it (`useEmbedded: always`, `fallback` without a hook of its own, the older
/// `enableDefault`), or by default (`auto`) on a multilingual site served from one host that
/// does not duplicate shared resources, unless the site has its own `render-link` template.
fn link_hook(dir: &Path, config: &Value, multilingual_single_host: bool) -> bool {
    let goldmark = get(config, "markup").and_then(|markup| get(markup, "goldmark"));
    let link = goldmark
        .and_then(|goldmark| get(goldmark, "renderHooks"))
        .and_then(|hooks| get(hooks, "link"));
    let setting = |key: &str| link.and_then(|link| get(link, key));
    let own_hook = [
        "layouts/_markup/render-link.html",
        "layouts/_default/_markup/render-link.html",
    ]
    .iter()
    .any(|hook| dir.join(hook).is_file());
    if setting("enableDefault") == Some(&Value::Bool(true)) {
        return !own_hook;
    }
    let duplicates = goldmark.and_then(|goldmark| get(goldmark, "duplicateResourceFiles"))
        == Some(&Value::Bool(true));
    match setting("useEmbedded").and_then(Value::as_str) {
        Some("always") => true,
        Some("never") => false,
        Some("fallback") => !own_hook,
        _ => multilingual_single_host && !duplicates && !own_hook,
    }
}

/// A root for each language-named folder in the content folder (`content/fr`), for sites
/// that keep one folder per language without saying so in their config.
fn language_folders(content: &Path, default_language: &str) -> Vec<ContentRoot> {
    let mut roots = Vec::new();
    for entry in std::fs::read_dir(content).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_language = entry.path().is_dir()
            && name.len() <= 5
            && crate::language::primary_subtag(&name).is_some();
        if is_language {
            let prefix = if name == default_language {
                String::new()
            } else {
                name
            };
            roots.push(ContentRoot {
                dir: entry.path(),
                target: String::new(),
                prefix,
            });
        }
    }
    roots
}

/// The site's config: the top-level keys of every config file Hugo would read, the first
/// file to set a key winning.
fn merged_config(dir: &Path) -> Value {
    let mut merged = serde_json::Map::new();
    let mut add = |value: Value| {
        if let Value::Object(keys) = value {
            for (key, value) in keys {
                merged.entry(key).or_insert(value);
            }
        }
    };
    for name in ROOT_CONFIGS {
        if let Some(config) = FORMATS
            .iter()
            .find_map(|f| read(&dir.join(format!("{name}.{f}"))))
        {
            add(config);
            break;
        }
    }
    let config_dir = dir.join("config/_default");
    for name in ROOT_CONFIGS {
        for format in FORMATS {
            if let Some(config) = read(&config_dir.join(format!("{name}.{format}"))) {
                add(config);
            }
        }
    }
    // One file per top-level key: `module.toml` holds what `[module]` would.
    for entry in std::fs::read_dir(&config_dir)
        .into_iter()
        .flatten()
        .flatten()
    {
        let path = entry.path();
        let Some(stem) = path.file_stem().and_then(|stem| stem.to_str()) else {
            continue;
        };
        if ROOT_CONFIGS.contains(&stem) {
            continue;
        }
        if let Some(value) = read(&path) {
            add(Value::Object(
                [(stem.to_string(), value)].into_iter().collect(),
            ));
        }
    }
    Value::Object(merged)
}

/// A config file as JSON, by its extension; `None` when absent or unreadable (Hugo itself
/// reports a bad config; links are then resolved without it).
fn read(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    match path.extension()?.to_str()? {
        "toml" => toml::from_str::<toml::Value>(&text)
            .ok()
            .and_then(|value| serde_json::to_value(value).ok()),
        "yaml" | "yml" => crate::frontmatter::yaml_to_json(&text).ok(),
        "json" => serde_json::from_str(&text).ok(),
        _ => None,
    }
}

/// A config key, matched without regard to case as Hugo matches them.
fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    let object = value.as_object()?;
    object.get(key).or_else(|| {
        (object.iter())
            .find(|(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, value)| value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn roots(hugo: &Hugo, dir: &Path) -> Vec<(String, String, String)> {
        (hugo.roots.iter())
            .map(|root| {
                let source = root.dir.strip_prefix(absolute(dir)).unwrap_or(&root.dir);
                let source = source.to_string_lossy().into_owned();
                (source, root.target.clone(), root.prefix.clone())
            })
            .collect()
    }

    #[test]
    fn content_mounts_replace_the_default_content_folder() {
        let config = "defaultContentLanguage: en\nlanguages:\n  en: {}\n  fr: {}\n\
            module:\n  mounts:\n    - source: content/fr\n      target: content\n      \
            sites: { matrix: { languages: [fr] } }\n    - source: content/en\n      \
            target: content\n    - source: ../README.md\n      \
            target: content/project/README.md\n    - source: assets\n      target: assets\n";
        let dir = site(&[("site/config/_default/hugo.yaml", config)]);
        let site_dir = dir.path().join("site");
        let hugo = Hugo::read(&site_dir);
        assert_eq!(
            roots(&hugo, &site_dir),
            [
                ("content/fr".into(), "".into(), "fr".into()),
                ("content/en".into(), "".into(), "".into()),
                (
                    dir.path().join("README.md").to_string_lossy().into_owned(),
                    "project/README.md".into(),
                    "".into()
                ),
            ]
        );
        assert!(
            hugo.link_hook,
            "multilingual on one host: the embedded hook"
        );
    }

    #[test]
    fn module_files_language_dirs_and_the_hook_settings() {
        let dir = site(&[
            ("config/_default/module.toml", "[[mounts]]\nsource = \"docs\"\ntarget = \"content/guide\"\nlang = \"de\"\n"),
            ("config/_default/hugo.toml", "defaultContentLanguage = \"de\"\n[markup.goldmark.renderHooks.link]\nuseEmbedded = \"always\"\n"),
        ]);
        let hugo = Hugo::read(dir.path());
        assert_eq!(
            roots(&hugo, dir.path()),
            [("docs".into(), "guide".into(), "".into())]
        );
        assert!(hugo.link_hook);

        let languages = "[languages.en]\ncontentDir = \"content/english\"\n\
            [languages.nb]\ncontentDir = \"content/norsk\"\n";
        let dir = site(&[("hugo.toml", languages)]);
        let hugo = Hugo::read(dir.path());
        assert_eq!(
            roots(&hugo, dir.path()),
            [
                ("content".into(), "".into(), "".into()),
                ("content/english".into(), "".into(), "".into()),
                ("content/norsk".into(), "".into(), "nb".into()),
            ]
        );
        assert!(hugo.link_hook);

        // One language, or a render hook of the site's own: links are left as written.
        let dir = site(&[("hugo.toml", "title = \"x\"\n")]);
        assert!(!Hugo::read(dir.path()).link_hook);
        let dir = site(&[
            ("hugo.toml", languages),
            ("layouts/_markup/render-link.html", "<a></a>"),
        ]);
        assert!(!Hugo::read(dir.path()).link_hook);
    }
}
