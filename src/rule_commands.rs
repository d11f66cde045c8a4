//! `galley rules`, `galley explain`, `galley test-rules` and `galley init`: what the binary
//! knows about rules, under the configuration of the current folder.

use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, bail, Result};
use galley_linter::config::Config;
use galley_linter::engine::{catalog, closest_name};
use galley_linter::pack::{load_pack_folder, load_packs, test_examples, DEFAULT_PACK_NAME};
use galley_linter::rule::{FixAbility, RuleMeta};

/// Every rule known under the configuration of the current folder, with its source.
fn current_catalog() -> Result<Vec<(&'static RuleMeta, String)>> {
    let config = Config::discover(&std::env::current_dir()?)?;
    Ok(catalog(&load_packs(&config)?))
}

pub fn print_rules() -> Result<u8> {
    let rules = current_catalog()?;
    // Columns as wide as their longest entry: pack names are as long as their folders.
    let id_width = rules
        .iter()
        .map(|(meta, _)| meta.id.len())
        .max()
        .unwrap_or(0);
    let source_width = rules
        .iter()
        .map(|(_, source)| source.len())
        .max()
        .unwrap_or(0);
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{:<id_width$} {:<source_width$} {:<8} {:<10} summary",
        "rule", "source", "level", "fix"
    )?;
    for (meta, source) in rules {
        let fix = match meta.fix {
            FixAbility::Always => "always",
            FixAbility::Sometimes => "sometimes",
            FixAbility::Never => "no",
        };
        let level = meta.default_severity.as_str();
        writeln!(
            out,
            "{:<id_width$} {source:<source_width$} {level:<8} {fix:<10} {}",
            meta.id, meta.summary
        )?;
    }
    Ok(0)
}

pub fn explain(id: &str) -> Result<u8> {
    let rules = current_catalog()?;
    let Some((meta, source)) = rules.iter().find(|(meta, _)| meta.id == id) else {
        let hint = closest_name(id, rules.iter().map(|(meta, _)| meta.id))
            .map(|found| format!(": did you mean `{found}`?"))
            .unwrap_or_default();
        bail!("unknown rule `{id}`{hint} (see `galley rules`)");
    };
    io::stdout()
        .lock()
        .write_all(meta.explanation(source).as_bytes())?;
    Ok(0)
}

/// Runs a pack's examples: exit 0 when all hold, 1 when some fail, 2 when it does not load.
pub fn test_rules(pack: &str) -> Result<u8> {
    let rules = if pack == DEFAULT_PACK_NAME {
        galley_linter::pack::default_pack().map_err(|error| anyhow!(error))?
    } else {
        load_pack_folder(Path::new(pack), pack).map_err(|error| anyhow!(error))?
    };
    let rules: Vec<Arc<_>> = rules.into_iter().map(Arc::new).collect();
    let examples: usize = rules
        .iter()
        .map(|r| r.flag_examples.len() + r.pass_examples.len())
        .sum();
    let failures = test_examples(&rules);
    let mut out = io::stdout().lock();
    for failure in &failures {
        writeln!(out, "FAILED {failure}")?;
    }
    writeln!(
        out,
        "{} rules, {examples} examples: {} passed, {} failed",
        rules.len(),
        examples - failures.len().min(examples),
        failures.len()
    )?;
    Ok(if failures.is_empty() { 0 } else { 1 })
}

pub fn init(dir: &Path) -> Result<u8> {
    let extensions = galley_linter::config::FilesConfig::default().extensions;
    let written = galley_linter::init::init(dir, &extensions)?;
    println!(
        "wrote {} and {} ({} keys, from the frontmatter of {} files)",
        written.config.display(),
        written.schema.display(),
        written.keys,
        written.files_read
    );
    Ok(0)
}
