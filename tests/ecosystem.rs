//! The ecosystem check: galley on the real sites in `../shared/corpora/` (sites none of us
//! wrote; see its MANIFEST.md), compared with the reviewed counts in `tests/ecosystem.json`:
//! per site, the number of findings per rule and a digest of them all (path, line, rule). A
//! change in findings fails here until the file is updated (`GALLEY_BLESS=1 cargo test --test
//! ecosystem`) and the change reviewed. Without the corpora the test says so and checks nothing.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{galley, json_report, rules_found};
use serde_json::{json, Value};

const CORPORA: &str = "../shared/corpora";
const REVIEWED: &str = "tests/ecosystem.json";

/// Per rule, how many findings; and an FNV-1a digest of every `path:line:rule`, sorted.
fn summarise(site: &Path) -> Value {
    let report = json_report(site);
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut lines: Vec<String> = Vec::new();
    for finding in report["diagnostics"].as_array().unwrap() {
        let rule = finding["rule"].as_str().unwrap().to_string();
        lines.push(format!("{}:{}:{rule}", finding["path"], finding["line"]));
        *counts.entry(rule).or_default() += 1;
    }
    lines.sort();
    let digest = lines
        .iter()
        .flat_map(|line| line.bytes().chain([b'\n']))
        .fold(0xcbf29ce484222325u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x100000001b3)
        });
    json!({ "counts": counts, "digest": format!("{digest:016x}") })
}

/// The sites' folder names, sorted; `None` (said) without the corpora.
fn sites(corpora: &Path) -> Option<Vec<String>> {
    if !corpora.is_dir() {
        eprintln!("SKIPPED: no {CORPORA} here: the ecosystem check needs the shared corpora");
        return None;
    }
    let mut sites: Vec<_> = std::fs::read_dir(corpora)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    sites.sort();
    Some(sites)
}

#[test]
fn findings_on_real_sites_are_the_reviewed_ones() {
    let corpora = Path::new(CORPORA);
    let Some(sites) = sites(corpora) else {
        return;
    };
    let actual: BTreeMap<String, Value> = sites
        .iter()
        .map(|site| (site.clone(), summarise(&corpora.join(site))))
        .collect();
    let actual = serde_json::to_string_pretty(&actual).unwrap() + "\n";
    if std::env::var_os("GALLEY_BLESS").is_some() {
        std::fs::write(REVIEWED, &actual).unwrap();
        return;
    }
    let reviewed = std::fs::read_to_string(REVIEWED).unwrap_or_default();
    if reviewed != actual {
        let diff = similar::TextDiff::from_lines(&reviewed, &actual)
            .unified_diff()
            .header(REVIEWED, "actual")
            .to_string();
        panic!("findings on the real sites changed (GALLEY_BLESS=1 accepts them):\n{diff}");
    }
}

/// A site named from the folder above (which holds the other sites, each with its own
/// generator's config), or checked with that whole folder, is checked as a run inside it
/// checks it.
#[test]
fn a_site_named_from_the_folder_above_is_checked_as_from_within_it() {
    let corpora = Path::new(CORPORA);
    let Some(sites) = sites(corpora) else {
        return;
    };
    // Each finding's `path:line:rule`, its path from the site's folder.
    let from_site = |report: &Value, prefix: &str| -> Vec<String> {
        (rules_found(report).iter())
            .map(|found| found.strip_prefix(prefix).unwrap_or(found).to_string())
            .collect()
    };
    let whole = json_report(corpora);
    for site in sites {
        let within = from_site(&json_report(&corpora.join(&site)), "./");
        let prefix = format!("./{site}/");
        let in_whole: Vec<String> = (rules_found(&whole).into_iter())
            .filter_map(|found| found.strip_prefix(&prefix).map(str::to_string))
            .collect();
        assert_eq!(in_whole, within, "{site}, in a run over the folder of all");
        let output = galley(corpora)
            .args(["check", &site, "--format", "json", "--quiet", "--no-cache"])
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(from_site(&report, &format!("{site}/")), within, "{site}");
    }
}
