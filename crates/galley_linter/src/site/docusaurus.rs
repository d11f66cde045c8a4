//! Docusaurus's config (trailing slashes, base URL), blog and versioned docs. Blog posts live in `blog/` and are served under
//! `/blog/`, at a path made from the date that opens the post's file or folder name, or at
//! `/blog/<slug>`. Each kept version of the docs lives in `versioned_docs/version-<v>/` and is
//! served under the docs' route (`routeBasePath`, `docs` unless the config says otherwise)
//! plus the version: `/docs/1.0/intro`.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::url_path_setting;

/// The URL prefix of the blog, and the folder its posts live in.
pub(super) const BLOG: &str = "blog";

/// A post's URL below the blog from its path URL there (`2021-03-04-launch`, also for
/// `2021-03-04-launch/index.md`) and its frontmatter `slug`: the slug if it has one, else the
/// date made folders (`2021/03/04/launch`), else the path as it is.
pub(super) fn blog_post_url(path_url: &str, slug: Option<&str>) -> String {
    if let Some(slug) = slug {
        return slug.trim_matches('/').to_string();
    }
    let (folder, name) = match path_url.rsplit_once('/') {
        Some((folder, name)) => (Some(folder), name),
        None => (None, path_url),
    };
    let Some((date, title)) = split_date(name) else {
        return path_url.to_string();
    };
    let dated = format!("{}/{title}", date.replace('-', "/"));
    match folder {
        Some(folder) => format!("{folder}/{dated}"),
        None => dated,
    }
}

/// The folders of the kept versions of the docs (relative to the site's folder), each with the
/// URL prefix its pages are served under; `config` is the config file's text.
pub(super) fn versioned_docs(dir: &Path, config: &str) -> Vec<(String, String)> {
    let Ok(entries) = std::fs::read_dir(dir.join("versioned_docs")) else {
        return Vec::new();
    };
    let route = docs_route(config);
    let mut versions: Vec<(String, String)> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let version = name.strip_prefix("version-")?.to_string();
            let prefix = [route.as_str(), version.as_str()]
                .into_iter()
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join("/");
            Some((format!("versioned_docs/{name}"), prefix))
        })
        .collect();
    versions.sort();
    versions
}

/// Whether the config sets `trailingSlash: true`; by default URLs have no trailing `/`
/// (`/usage/a`, so `../b` from it is `/b`).
pub(super) fn trailing_slash(config: &str) -> bool {
    static TRAILING_SLASH: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?m)^\s*trailingSlash\s*:\s*true\b").expect("valid regex"));
    TRAILING_SLASH.is_match(config)
}

/// The site's `baseUrl` from its config, when it is more than `/`.
pub(super) fn base_url(config: &str) -> Option<String> {
    static BASE_URL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"\bbaseUrl\s*:\s*['"]([^'"]*)['"]"#).expect("valid regex"));
    url_path_setting(config, &BASE_URL)
}

/// The docs' `routeBasePath` as the config file writes it in its `docs: { ... }` options, without
/// slashes; `docs` when none is written there (`/` gives the empty route).
fn docs_route(config: &str) -> String {
    static ROUTE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"\bdocs\s*:\s*\{[^{}]*?\brouteBasePath\s*:\s*['"]([^'"]*)['"]"#)
            .expect("valid regex")
    });
    match ROUTE.captures(config) {
        Some(found) => found[1].trim_matches('/').to_string(),
        None => "docs".to_string(),
    }
}

/// `2021-03-04-launch` as `("2021-03-04", "launch")`.
fn split_date(name: &str) -> Option<(&str, &str)> {
    let (date, title) = (name.get(..10)?, name.get(11..)?);
    let digits_at = |range: std::ops::Range<usize>| date[range].bytes().all(|b| b.is_ascii_digit());
    let is_date = digits_at(0..4)
        && digits_at(5..7)
        && digits_at(8..10)
        && date.as_bytes()[4] == b'-'
        && date.as_bytes()[7] == b'-'
        && name.as_bytes()[10] == b'-';
    (is_date && !title.is_empty()).then_some((date, title))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dated_post_is_served_under_its_date() {
        assert_eq!(
            blog_post_url("2021-03-04-launch", None),
            "2021/03/04/launch"
        );
        assert_eq!(
            blog_post_url("2019/2019-05-30-welcome", None),
            "2019/2019/05/30/welcome"
        );
        assert_eq!(blog_post_url("2021-03-04-launch", Some("/hello")), "hello");
        assert_eq!(blog_post_url("release-notes", None), "release-notes");
        assert_eq!(blog_post_url("2021-03-04", None), "2021-03-04");
        assert_eq!(blog_post_url("2021-3-04-x", None), "2021-3-04-x");
    }

    #[test]
    fn versioned_docs_are_served_under_the_docs_route() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("versioned_docs/version-1.0")).unwrap();
        std::fs::create_dir_all(dir.path().join("versioned_docs/version-2.x")).unwrap();
        assert_eq!(
            versioned_docs(dir.path(), ""),
            [
                (
                    "versioned_docs/version-1.0".to_string(),
                    "docs/1.0".to_string()
                ),
                (
                    "versioned_docs/version-2.x".to_string(),
                    "docs/2.x".to_string()
                ),
            ]
        );
        let config = "export default { presets: [['classic', { docs: {\n  path: '../docs',\n  \
            routeBasePath: '/',\n}, blog: { routeBasePath: 'news' } }]] };\n";
        assert_eq!(versioned_docs(dir.path(), config)[0].1, "1.0");
    }
}
