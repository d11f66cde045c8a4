//! Any rule file: loaded as a one-file pack and, when it loads, run on a page. An error is
//! fine; a panic or a hang is not.
#![no_main]

use galley_linter::document::Document;
use galley_linter::pack::load_pack_folder;
use galley_linter::rule::Rule;
use libfuzzer_sys::fuzz_target;

// Each target uses part of what is shared.
#[allow(dead_code)]
mod shared;

const PAGE: &str = "---\ntitle: Aksje\n---\n# Aksje\n\nEn aksje er en andel, f.eks. i et \
                    selskap; se [bors](bors.md).\n\n- idag  og \"sitat\" -- her\n";

fuzz_target!(|data: &[u8]| {
    let folder = shared::scratch().join("pack");
    std::fs::create_dir_all(&folder).expect("the pack folder");
    std::fs::write(folder.join("rule.yaml"), data).expect("writing the rule");
    if let Ok(rules) = load_pack_folder(&folder, "fuzz") {
        let doc = Document::parse(PAGE);
        let mut found = Vec::new();
        for rule in &rules {
            rule.check(&doc, &mut found);
        }
    }
});
