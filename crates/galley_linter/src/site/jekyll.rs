//! Jekyll's `_config.yml`, from its text (read once): its collections and their permalink
//! patterns (posts following the site's `permalink`), and its `baseurl`.

/// Jekyll's collections (`_docs` and their `permalink`), and `_posts`.
pub(super) fn collections(config: &str) -> Vec<(String, String)> {
    let mut collections = Vec::new();
    let mut in_collections = false;
    let mut current: Option<String> = None;
    // The site's `permalink`, which posts follow unless their collection sets one.
    let mut posts = "/:categories/:year/:month/:day/:title".to_string();
    // A line reader, not a YAML parser: `collections:` is a flat two-level map.
    for line in config.lines() {
        if let Some(value) = line.strip_prefix("permalink:") {
            posts = permalink(value.trim().trim_matches(['"', '\'']));
        }
        if line.starts_with("collections:") {
            in_collections = true;
            continue;
        }
        if !line.starts_with(' ') && !line.trim().is_empty() {
            in_collections = false;
        }
        if !in_collections {
            continue;
        }
        let trimmed = line.trim();
        let indent = line.len() - line.trim_start().len();
        if indent == 2 && trimmed.ends_with(':') {
            current = Some(trimmed.trim_end_matches(':').to_string());
            collections.push((format!("_{}", trimmed.trim_end_matches(':')), String::new()));
        } else if let (Some(_), Some(value)) = (&current, trimmed.strip_prefix("permalink:")) {
            if let Some(last) = collections.last_mut() {
                last.1 = value.trim().trim_matches(['"', '\'']).to_string();
            }
        }
    }
    for (name, pattern) in &mut collections {
        if pattern.is_empty() {
            *pattern = if name == "_posts" {
                posts.clone()
            } else {
                "/:collection/:path".to_string()
            };
        }
    }
    if !collections.iter().any(|(name, _)| name == "_posts") {
        collections.push(("_posts".to_string(), posts));
    }
    collections
}

/// Jekyll's `baseurl` from `_config.yml`, when it names one.
pub(super) fn baseurl(config: &str) -> Option<String> {
    let value = config
        .lines()
        .find_map(|line| line.strip_prefix("baseurl:"))?;
    let base = value.trim().trim_matches(['"', '\'']).trim_matches('/');
    (!base.is_empty()).then(|| base.to_string())
}

/// A Jekyll permalink setting as a pattern: one of Jekyll's named styles, or a pattern as it is
/// (`:output_ext` is `.html`, which URL keys drop).
fn permalink(setting: &str) -> String {
    let pattern = match setting {
        "date" => "/:categories/:year/:month/:day/:title:output_ext",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext",
        "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext",
        "none" => "/:categories/:title:output_ext",
        pattern => pattern,
    };
    pattern
        .replace(":output_ext", ".html")
        .replace(":slug", ":title")
}
