//! Every built-in and default-pack rule has its page in `docs/rules/<id>.md`, the text
//! `galley explain` prints, which the language server's diagnostics link to. The pages are
//! generated: when a rule's docs change, `GALLEY_BLESS=1 cargo test --test rule_docs` writes
//! them again.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use galley_linter::engine::catalog;
use galley_linter::pack::default_pack;
use galley_linter::rule::RULE_DOCS_FOLDER;

#[test]
fn every_rule_page_is_current() {
    let packs: Vec<_> = default_pack().unwrap().into_iter().map(Arc::new).collect();
    let wanted: BTreeMap<String, String> = (catalog(&packs).into_iter())
        .map(|(meta, source)| (format!("{}.md", meta.id), meta.explanation(&source)))
        .collect();
    let folder = Path::new(RULE_DOCS_FOLDER);
    if std::env::var_os("GALLEY_BLESS").is_some() {
        if folder.exists() {
            std::fs::remove_dir_all(folder).unwrap();
        }
        std::fs::create_dir_all(folder).unwrap();
        for (name, page) in &wanted {
            std::fs::write(folder.join(name), page).unwrap();
        }
    }
    let found: BTreeMap<String, String> = (std::fs::read_dir(folder).unwrap())
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    let stale: Vec<&String> = (wanted.iter())
        .filter(|(name, page)| found.get(*name) != Some(page))
        .map(|(name, _)| name)
        .collect();
    let extra: Vec<&String> = found
        .keys()
        .filter(|name| !wanted.contains_key(*name))
        .collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "rule pages out of date (GALLEY_BLESS=1 cargo test --test rule_docs writes them): \
         missing or changed {stale:?}, of no rule {extra:?}"
    );
}
