//! Redirects that a site's host or generator serves: a link to a redirect's source reaches a
//! page, wherever the redirect leads. Read from Netlify's `_redirects` and `netlify.toml`
//! (`[[redirects]]`), mdBook's `[output.html.redirect]` in `book.toml`, and the redirection
//! file of docfx sites (`.openpublishing.redirection.json`), which names moved files.

use std::path::{Path, PathBuf};

use crate::paths::absolute;

/// One redirect: the URL path it answers (no leading or trailing `/`; `:name` matches a
/// segment, a trailing `*` the rest) and where it leads.
#[derive(Debug, Clone)]
pub struct Redirect {
    pub from: String,
    pub to: String,
}

impl Redirect {
    /// Whether `url` (a URL key) is one this redirect answers: `/a/*` answers `a` and every
    /// URL under it, `/a/b*` every URL that starts `a/b`.
    pub fn answers(&self, url: &str) -> bool {
        let (pattern, splat) = match self.from.strip_suffix('*') {
            Some(pattern) => (pattern, true),
            None => (self.from.as_str(), false),
        };
        let within_segment = splat && !pattern.is_empty() && !pattern.ends_with('/');
        let pattern = pattern.trim_end_matches('/');
        if pattern.is_empty() {
            return splat || url.is_empty();
        }
        let wanted: Vec<&str> = pattern.split('/').collect();
        let mut parts = url.split('/');
        for (i, want) in wanted.iter().enumerate() {
            let Some(part) = parts.next() else {
                return false;
            };
            let last = i + 1 == wanted.len();
            let matches = want.starts_with(':')
                || *want == part
                || (last && within_segment && part.starts_with(want));
            if !matches {
                return false;
            }
        }
        splat || parts.next().is_none()
    }
}

/// The redirects of Netlify's files in `folders` (`_redirects`, `netlify.toml`), less those
/// that serve a 404 page and those of other domains.
pub fn netlify(folders: &[PathBuf]) -> Vec<Redirect> {
    let mut found = Vec::new();
    for folder in folders {
        if let Ok(text) = std::fs::read_to_string(folder.join("_redirects")) {
            for line in text.lines() {
                let line = line.split('#').next().unwrap_or_default();
                let mut fields = line.split_whitespace();
                let (Some(from), Some(to)) = (fields.next(), fields.next()) else {
                    continue;
                };
                push_netlify(&mut found, from, to, fields.next());
            }
        }
        let Ok(text) = std::fs::read_to_string(folder.join("netlify.toml")) else {
            continue;
        };
        let Ok(config) = text.parse::<toml::Table>() else {
            continue;
        };
        let redirects = config.get("redirects").and_then(|r| r.as_array());
        for redirect in redirects.into_iter().flatten() {
            let field = |key: &str| redirect.get(key).and_then(|v| v.as_str());
            let status = redirect.get("status").and_then(|v| v.as_integer());
            if let (Some(from), Some(to)) = (field("from"), field("to")) {
                push_netlify(
                    &mut found,
                    from,
                    to,
                    status.map(|s| s.to_string()).as_deref(),
                );
            }
        }
    }
    found
}

fn push_netlify(found: &mut Vec<Redirect>, from: &str, to: &str, status: Option<&str>) {
    let not_found = status.is_some_and(|status| status.starts_with("404"));
    if from.starts_with('/') && !not_found {
        found.push(Redirect {
            from: from.trim_matches('/').to_string(),
            to: to.to_string(),
        });
    }
}

/// mdBook's `[output.html.redirect]`: old page paths (`/old.html`) and where they lead,
/// relative to the old page's folder.
pub fn mdbook(book_toml: &Path) -> Vec<Redirect> {
    let text = std::fs::read_to_string(book_toml).unwrap_or_default();
    let Ok(config) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let table = ["output", "html", "redirect"]
        .iter()
        .try_fold(&config, |table, key| table.get(*key)?.as_table());
    let mut found = Vec::new();
    for (from, to) in table.into_iter().flatten() {
        let Some(to) = to.as_str() else { continue };
        let from = from.trim_matches('/');
        let to = match (
            to.starts_with('/') || to.contains("://"),
            from.rsplit_once('/'),
        ) {
            (false, Some((folder, _))) => format!("/{folder}/{to}"),
            (false, None) => format!("/{to}"),
            (true, _) => to.to_string(),
        };
        found.push(Redirect {
            from: from.to_string(),
            to,
        });
    }
    found
}

/// The redirection files of a docfx repository (`.openpublishing.redirection*.json`) in
/// `folders`, in the order [`docfx`] reads them.
pub fn docfx_files(folders: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(".openpublishing.redirection") && name.ends_with(".json") {
                found.push(entry.path());
            }
        }
    }
    found
}

/// The moved files that docfx redirection `files` name (absolute paths, each read against
/// its file's folder), with the URL each now redirects to.
pub fn docfx(files: &[PathBuf]) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    for file in files {
        let folder = file.parent().unwrap_or(Path::new(""));
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let redirections = json.get("redirections").and_then(|r| r.as_array());
        for redirection in redirections.into_iter().flatten() {
            let field = |key: &str| redirection.get(key).and_then(|v| v.as_str());
            if let (Some(source), Some(url)) = (field("source_path"), field("redirect_url")) {
                found.push((absolute(&folder.join(source)), url.to_string()));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redirect(from: &str) -> Redirect {
        Redirect {
            from: from.trim_matches('/').to_string(),
            to: String::new(),
        }
    }

    #[test]
    fn patterns_match_segments_placeholders_and_splats() {
        assert!(redirect("/showcase/").answers("showcase"));
        assert!(!redirect("/showcase/").answers("showcase/x"));
        assert!(redirect("/:lang/showcase/").answers("fr/showcase"));
        assert!(redirect("/zh/*").answers("zh/guides/x"));
        assert!(redirect("/zh/*").answers("zh"));
        assert!(!redirect("/zh/*").answers("zh-cn/guides"));
        assert!(redirect("/advanced/asyncactions*").answers("advanced/asyncactions-old"));
        assert!(!redirect("/advanced/asyncactions*").answers("advanced/other"));
    }
}
