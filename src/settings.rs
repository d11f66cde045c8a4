//! `galley check --show-settings PATH`: the configuration as it applies to one path, after
//! `extends`, overrides, `--select` and `--ignore`, so "why is this rule (not) running here?"
//! has an answer.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use galley_linter::engine::{absolute, Linter};

/// A path relative to the current folder when it lies under it: the same output on every
/// machine for the same project.
fn shown(path: &Path) -> String {
    let path = absolute(path);
    let here = absolute(Path::new("."));
    match path.strip_prefix(&here) {
        Ok(relative) if relative.as_os_str().is_empty() => ".".to_string(),
        Ok(relative) => relative.display().to_string(),
        Err(_) => path.display().to_string(),
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

pub fn show(linter: &Linter, paths: &[PathBuf]) -> Result<()> {
    let [path] = paths else {
        bail!(
            "--show-settings shows the settings of one path, not {}",
            paths.len()
        );
    };
    let config = linter.config();
    let mut packs: Vec<String> = Vec::new();
    for rule in linter.packs() {
        if !packs.contains(&rule.pack) {
            packs.push(rule.pack.clone());
        }
    }
    let exclude: Vec<String> = config
        .files
        .exclude
        .iter()
        .map(|g| g.value.clone())
        .collect();
    let mut out = io::stdout().lock();
    let config_file = config
        .path
        .as_deref()
        .map_or("none (the defaults)".into(), shown);
    writeln!(out, "config file: {config_file}")?;
    writeln!(out, "content root: {}", shown(linter.root()))?;
    writeln!(out, "files.extensions: {}", list(&config.files.extensions))?;
    writeln!(out, "files.exclude: {}", list(&exclude))?;
    let schema = config
        .schema
        .as_ref()
        .map_or("none".into(), |s| shown(&s.value));
    writeln!(out, "frontmatter.schema: {schema}")?;
    writeln!(out, "links.slug_field: {}", config.links.slug_field)?;
    let site = linter
        .site()
        .map_or("none (plain Markdown)".into(), |site| {
            format!("{} (in {})", site.generator.name(), shown(&site.dir))
        });
    writeln!(out, "site.generator: {site}")?;
    let language = config
        .content
        .language
        .as_deref()
        .unwrap_or("none (each page's own)");
    writeln!(out, "content.language: {language}")?;
    writeln!(out, "packs: {}", list(&packs))?;
    let rules = linter.rules_for(path);
    let width = rules.iter().map(|r| r.meta.id.len()).max().unwrap_or(0);
    writeln!(out, "rules for {}:", path.display())?;
    for rule in rules.iter() {
        writeln!(
            out,
            "  {:<width$}  {}",
            rule.meta.id,
            rule.severity.as_str()
        )?;
    }
    Ok(())
}
